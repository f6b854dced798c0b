#ifndef JIWON_SERVER_APP_DRAFTS_H_
#define JIWON_SERVER_APP_DRAFTS_H_

// Announcements imported from the public feeds, kept as drafts until a
// caseworker reviews them. Drafts live in their own table: the catalog,
// matching, rescores and alerts never read it.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/feeds/propose.h"
#include "engine/reference.h"
#include "jiwon/v1/program.pb.h"
#include "jiwon/v1/program_service.pb.h"
#include "server/app/registry.h"
#include "server/storage/store.h"

namespace jiwon::app {

class Drafts {
 public:
  // REQUIRES: `store` and `reference` outlive the object.
  Drafts(storage::Store* store, const engine::Reference* reference)
      : store_(store), reference_(reference), proposer_(*reference) {}

  enum class Change { kCreated, kUpdated, kUnchanged };
  struct Imported {
    std::string program_id;
    Change change = Change::kUnchanged;
    int64_t version = 0;
  };

  // Normalises one feed record (JSON) into a draft and stores it, unless
  // the stored draft of the same program has the same content. Errors name
  // the record's field: "reqstBeginEndDe: …".
  absl::StatusOr<Imported> Import(v1::Feed feed, std::string_view record_json,
                                  int64_t now_unix);

  // The draft the announcement of a record makes, without storing it.
  absl::StatusOr<v1::Draft> Normalize(v1::Feed feed,
                                      std::string_view record_json) const;

  // Finds the drafts of the two feeds that announce the same program and
  // records each pair in both drafts' same_program_as (rewriting only the
  // drafts whose links changed); returns the number of pairs. Over every
  // draft: run once an import, not once a record.
  absl::StatusOr<int> LinkSamePrograms();

  // Rules proposed from a passage of prose; errors name the request field.
  absl::StatusOr<v1::ProposeRulesResponse> ProposeRules(
      const v1::ProposeRulesRequest& request) const;

  absl::StatusOr<v1::Draft> Get(std::string_view program_id) const;

  struct Page {
    std::vector<v1::Draft> drafts;
    std::string next_page_token;
  };
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;
  // In program id order, from after `page_token` (the last id of the page
  // before).
  // `awaiting_review`: only drafts never published or changed since.
  absl::StatusOr<Page> List(int page_size, std::string_view page_token,
                            bool awaiting_review = false) const;

  // Publishes a reviewed draft into `registry`'s catalog (see
  // ProgramService.PublishDraft): `reviewer` and `now_unix` are recorded on
  // every rule. Errors name the request field.
  absl::StatusOr<Registry::ProgramWrite> Publish(
      Registry* registry, const v1::PublishDraftRequest& request,
      std::string_view reviewer, int64_t now_unix);

 private:
  storage::Store* store_;
  const engine::Reference* reference_;
  engine::feeds::RuleProposer proposer_;
  std::mutex write_mu_;    // an import reads, compares and writes
  std::mutex publish_mu_;  // one publication at a time
};

// SHA-256 of the draft's content (everything but its version, update time,
// links to other drafts, what its review published and sources' record
// text), in hex.
std::string DraftContentHash(const v1::Draft& draft);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_DRAFTS_H_
