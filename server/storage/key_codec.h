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
//   companies      company id (bytes as given)       jiwon.v1.Company, binary
//   programs       program id (bytes as given)       jiwon.v1.Program, binary
//   feedback       company id, 0x00, program id      jiwon.v1.Feedback, binary
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

inline constexpr uint64_t kSchemaVersion = 1;
inline constexpr std::string_view kSchemaVersionKey = "schema_version";
inline constexpr std::string_view kCatalogVersionKey = "catalog_version";

std::string EncodeUint64(uint64_t v);

// The feedback key of a company and program, and the prefix of all of a
// company's feedback keys.
std::string FeedbackKey(std::string_view company_id,
                        std::string_view program_id);
std::string FeedbackPrefix(std::string_view company_id);
// nullopt unless `bytes` is exactly 8 bytes.
std::optional<uint64_t> DecodeUint64(std::string_view bytes);

}  // namespace jiwon::storage

#endif  // JIWON_SERVER_STORAGE_KEY_CODEC_H_
