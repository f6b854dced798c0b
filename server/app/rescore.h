#ifndef JIWON_SERVER_APP_RESCORE_H_
#define JIWON_SERVER_APP_RESCORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/date.h"
#include "server/app/alerts.h"
#include "server/app/registry.h"
#include "server/app/results.h"
#include "server/storage/store.h"

namespace jiwon::app {

// The shard of a company among `shard_count`: FNV-1a (64-bit) of its id,
// modulo the count. Fixed forever: N jobs with shards 0..N-1 cover every
// company exactly once, whatever machine runs them.
uint32_t ShardOf(std::string_view company_id, uint32_t shard_count);

// Days before a window's last day from which an eligible company is
// reminded (the last day itself counting as 0).
inline constexpr int kClosingSoonDays = 7;

struct RescoreOptions {
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;
  std::optional<engine::Date> as_of;  // default: today in Korea
  bool restart = false;               // discard an unfinished run
  size_t checkpoint_companies = 131072;
};

struct RescoreProgress {
  std::string run_id;
  int64_t done = 0;
  int64_t total = 0;  // companies of the shard when the run started
  double per_second = 0;
  int64_t resumed_from = 0;
};

struct RescoreSummary {
  RunState state;  // the totals
  double seconds = 0;
  // Seconds per phase (read, match, diff, write), summed over threads.
  std::vector<std::pair<std::string, double>> phases;  // slowest first
  int64_t resumed_from = 0;
};

// What a portal or caseworker reads back.
struct CompanyResults {
  StoredResults stored;
  // Program ids of the entries, in the same order.
  std::vector<std::string> program_ids;
};

// The nightly rescore. A run takes one snapshot of the profiles and one of
// the catalog (the compiled matcher of the current catalog), walks the shard's
// companies in id order in chunks, and for each chunk computes every company's
// ELIGIBLE and UNDETERMINED programs with their scores, compares them with the
// company's stored results, and commits in one batch: the new results, the
// alerts the differences make, and the run's checkpoint. A crash or a stop
// at any point leaves results and alerts agreeing with each other, and the
// next run of the shard resumes after the last committed chunk.
//
// A company's first results are its baseline: it makes no NEWLY_ELIGIBLE
// alerts (the company saw its recommendations when it asked), only
// closing-soon reminders.
//
// Thread-safe; runs of different shards may go on together.
class Rescorer {
 public:
  // REQUIRES: the arguments outlive the rescorer. `threads` work on each
  // chunk; with `background`, the run's threads yield the CPU to every
  // other thread (SCHED_IDLE) and keep to `cpus` (any when empty), so that
  // serving does not slow down.
  // Program changes (Registry::SetProgramListener) make their alerts at
  // once, judged on `today()`: the companies that gain or lose the program
  // (two scans of the company columns) get their results updated and an
  // alert each, without a rescore.
  Rescorer(Registry* registry, storage::Store* store, AlertLog* alerts,
           int threads, bool background,
           std::function<engine::Date()> today = TodayInKorea,
           std::vector<int> cpus = {});
  ~Rescorer();

  // Blocks until every program change made so far has made its alerts.
  void WaitForChanges();

  // After each finished run, alerts made more than `days` days before are
  // removed from the feed (AlertLog::Trim); 0 keeps every alert.
  void set_alert_retention_days(int days) { retention_days_ = days; }
  // The clock runs and alerts are stamped with, in seconds since the epoch
  // (UnixNow unless set; tests set it). Set it before any run or change.
  void set_clock(std::function<int64_t()> now) { now_ = std::move(now); }

  // Runs (or resumes) a rescore. `progress` is called after each
  // checkpoint; once `cancelled` returns true the run stops after the
  // chunk at hand, returning CANCELLED. When the shard is being rescored
  // already, waits up to 10 s for that run to end (one whose caller has
  // gone ends at its next checkpoint), then gives up with ABORTED.
  absl::StatusOr<RescoreSummary> Run(
      const RescoreOptions& options, const std::function<bool()>& cancelled,
      const std::function<void(const RescoreProgress&)>& progress);

  // What runs did, for metrics: the runs going on now (their companies
  // done and rate summed) and how the last one ended.
  struct Stats {
    int running = 0;
    int64_t companies_done = 0;
    double per_second = 0;
    uint64_t runs_finished = 0;
    uint64_t runs_failed = 0;
    uint64_t runs_cancelled = 0;
    int64_t last_ended_at = 0;  // Unix seconds; 0: no run ended yet
    bool last_ok = false;
    double last_seconds = 0;     // of the last finished run
    int64_t last_companies = 0;  // of the last finished run
  };
  Stats stats() const;

  // A company's stored results; NOT_FOUND when no run has scored it.
  absl::StatusOr<CompanyResults> Results(std::string_view company_id);

 private:
  // The program ids of a catalog version, as stored when a run used it.
  absl::StatusOr<std::shared_ptr<const std::vector<std::string>>> ProgramList(
      int64_t version);

  // From a catalog version's positions to those of `to` (-1: gone). Both
  // are sorted by id, so positions keep their order.
  absl::StatusOr<std::shared_ptr<const std::vector<int32_t>>> Remap(
      int64_t from_version, const engine::Catalog& to);
  // Run, without the figures kept for stats() and the final log line.
  // `began` is set once the run holds its shard.
  absl::StatusOr<RescoreSummary> RunShard(
      const RescoreOptions& options, const std::function<bool()>& cancelled,
      const std::function<void(const RescoreProgress&)>& progress, bool* began);
  // Stores the program list of `catalog`'s version unless it is there.
  absl::Status EnsureProgramList(const engine::Catalog& catalog);
  void ChangeLoop();
  absl::Status ApplyChange(const Registry::ProgramChange& change);
  // The run of `run_key` to go on with (its checkpoint, on the same catalog
  // version and unfinished, unless options.restart), or a new one.
  absl::StatusOr<RunState> BeginOrResume(const std::string& run_key,
                                         const RescoreOptions& options,
                                         int64_t version, bool* resumed);
  // Drops alerts past the retention; the run is done whatever happens here.
  void TrimAlertFeed();

  Registry* registry_;
  storage::Store* store_;
  AlertLog* alerts_;
  int threads_;
  bool background_;
  std::atomic<int> retention_days_{0};
  std::function<int64_t()> now_ = UnixNow;
  std::vector<int> cpus_;
  std::function<engine::Date()> today_;

  // Runs share the stored results; a program change takes them alone.
  std::shared_mutex results_mu_;

  mutable std::mutex stats_mu_;
  Stats stats_;                                  // stats_mu_
  std::map<std::string, RescoreProgress> live_;  // stats_mu_, by shard

  std::mutex changes_mu_;
  std::condition_variable changes_cv_;
  std::deque<Registry::ProgramChange> changes_;
  bool applying_ = false;
  bool stop_ = false;
  std::thread changer_;

  std::mutex mu_;
  std::condition_variable ended_;  // a run ended
  std::set<std::string> running_;  // shard keys
  std::map<int64_t, std::shared_ptr<const std::vector<std::string>>> lists_;
};

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_RESCORE_H_
