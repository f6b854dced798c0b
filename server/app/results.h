#ifndef JIWON_SERVER_APP_RESULTS_H_
#define JIWON_SERVER_APP_RESULTS_H_

// The records of the nightly rescore: a company's stored results, the
// program list of a catalog version they refer to, and a run's checkpoint.
// Their byte layouts are documented in server/storage/key_codec.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.h"
#include "engine/evaluate.h"

namespace jiwon::app {

// What a rescore computed for one company.
struct StoredResults {
  int64_t catalog_version = 0;
  int64_t computed_at = 0;  // Unix seconds
  engine::Date as_of;
  std::string run_id;
  struct Entry {
    // Position in the program list of `catalog_version`.
    uint32_t index = 0;
    engine::Eligibility eligibility = engine::Eligibility::kEligible;
    int64_t score = 0;
  };
  std::vector<Entry> entries;  // ELIGIBLE and UNDETERMINED, by index
  // Closing-soon reminders already sent: the program (its position, as for
  // entries) and the window end they were about. Kept across runs until the
  // window has ended.
  struct Reminder {
    uint32_t index = 0;
    engine::Date window_end;
    friend bool operator==(const Reminder&, const Reminder&) = default;
    friend auto operator<=>(const Reminder&, const Reminder&) = default;
  };
  std::vector<Reminder> reminders;  // by index, then window end
};

std::string EncodeResults(const StoredResults& r);
// Into `out` (replacing its contents, reusing its memory).
void EncodeResultsTo(const StoredResults& r, std::string* out);
// nullopt when `bytes` is not an encoding of StoredResults.
std::optional<StoredResults> DecodeResults(std::string_view bytes);
// Into `out`, reusing its memory; false when `bytes` is not an encoding.
bool DecodeResultsInto(std::string_view bytes, StoredResults* out);

// The program ids of a catalog version, in catalog (id) order.
std::string EncodeProgramList(const std::vector<std::string_view>& ids);
std::optional<std::vector<std::string>> DecodeProgramList(
    std::string_view bytes);

// Where an interrupted run stands.
struct RunState {
  std::string run_id;
  int64_t sequence = 0;  // 1 for a shard's first run, then 2, 3, ...
  int64_t catalog_version = 0;
  engine::Date as_of;
  int64_t started_at = 0;  // Unix seconds
  bool finished = false;
  // Every company of the shard up to and including this id is done.
  std::string last_company;
  // Totals so far.
  int64_t companies = 0;
  int64_t eligible_pairs = 0;
  int64_t undetermined_pairs = 0;
  int64_t newly_eligible = 0;
  int64_t no_longer_eligible = 0;
  int64_t closing_soon = 0;
  uint64_t first_alert = 0;  // 0: none yet
  uint64_t last_alert = 0;
};

std::string EncodeRunState(const RunState& s);
std::optional<RunState> DecodeRunState(std::string_view bytes);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_RESULTS_H_
