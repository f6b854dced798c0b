#ifndef JIWON_SERVER_STORAGE_KEY_CODEC_H_
#define JIWON_SERVER_STORAGE_KEY_CODEC_H_

// The on-disk format, in one place.
//
// jiwond keeps its records in one RocksDB database with one column family
// per record kind (see Table in store.h):
//
//   column family  key                               value
//   -------------  --------------------------------  ------------------------
//   meta           "schema_version"                  uint64, 8 bytes big-endian
//   meta           "catalog_version"                 uint64, 8 bytes big-endian
//   meta           "program_list:", version (8 B)     the catalog's program ids
//   meta           "rescore_run:", "I/N"              a shard's run checkpoint
//   meta           "alerts_first_kept"               uint64, 8 bytes: alerts
//                                                    before it were trimmed
//   companies      company id (bytes as given)       jiwon.v1.Company, binary
//   programs       program id (bytes as given)       jiwon.v1.Program, binary
//   feedback       company id, 0x00, program id      jiwon.v1.Feedback, binary
//   results        company id                        its last rescore results
//   alerts         alert id, 8 bytes big-endian      jiwon.v1.Alert without
//                                                    its id, binary
//   alerts_by_company  company id, 0x00, alert id    empty, or a varint n:
//                      (8 bytes big-endian)          the entry stands for the
//                                                    company's alerts id-n+1
//                                                    to id (consecutive ones
//                                                    of one commit share an
//                                                    entry); in id order
//   access         record id, 8 bytes big-endian     jiwon.v1.AccessRecord
//                                                    without its id, binary
//   meta           "access_first_kept"               uint64, 8 bytes: access
//                                                    records before it were
//                                                    trimmed
//   drafts         program id (bytes as given)       jiwon.v1.Draft, binary:
//                                                    an imported announcement
//                                                    awaiting review
//
// The rescore's values (server/app/results.cc) are built from unsigned
// LEB128 varints (signed ones zigzag-coded) and strings prefixed with their
// varint length:
//
//   program list   count, then each program id, in catalog (id) order
//   results        format (1), catalog version, computed-at (Unix s),
//                  as-of (days since 1970-01-01), run id, entry count, then
//                  per entry: position in the version's program list minus
//                  the previous entry's, and zigzag(score) << 1 | 1 when
//                  UNDETERMINED (0: ELIGIBLE); then reminder count and per
//                  reminder: position gap as for entries, window end (days)
//   run checkpoint format (1), run id, catalog version, as-of, started-at,
//                  finished (0/1), last company done, companies, eligible
//                  pairs, undetermined pairs, alerts newly eligible / no
//                  longer eligible / closing soon, first and last alert id,
//                  the run's sequence number in its shard
//
// Ids are 1-64 characters of [A-Za-z0-9._:-], so they sort bytewise and
// never contain the separator of a composite key. Composite keys, when a
// record kind needs one, join their parts with 0x00 and write integers as
// fixed-width big-endian so that keys sort in numeric order.
//
// kSchemaVersion changes whenever this table does; jiwond refuses to open a
// database written with another version.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jiwon::storage {

// 2 added the results, alerts and alerts_by_company column families; a
// version 1 database is upgraded in place when opened.
inline constexpr uint64_t kSchemaVersion = 2;
inline constexpr std::string_view kSchemaVersionKey = "schema_version";
inline constexpr std::string_view kCatalogVersionKey = "catalog_version";
inline constexpr std::string_view kProgramListPrefix = "program_list:";
inline constexpr std::string_view kRescoreRunPrefix = "rescore_run:";
// The id of the oldest alert kept (8 bytes); absent: 1.
inline constexpr std::string_view kAlertsFloorKey = "alerts_first_kept";

std::string EncodeUint64(uint64_t v);

// The feedback key of a company and program, and the prefix of all of a
// company's feedback keys.
std::string FeedbackKey(std::string_view company_id,
                        std::string_view program_id);
std::string FeedbackPrefix(std::string_view company_id);
// The alerts_by_company key of a company's alert.
std::string CompanyAlertKey(std::string_view company_id, uint64_t alert_id);
// nullopt unless `bytes` is exactly 8 bytes.
std::optional<uint64_t> DecodeUint64(std::string_view bytes);

}  // namespace jiwon::storage

#endif  // JIWON_SERVER_STORAGE_KEY_CODEC_H_
