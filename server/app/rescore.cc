#include "server/app/rescore.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/errors.h"
#include "engine/matcher.h"
#include "server/convert.h"
#include "server/log.h"
#include "server/storage/key_codec.h"

namespace jiwon::app {
namespace {

using storage::Table;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string RunKey(uint32_t index, uint32_t count) {
  return absl::StrCat(std::string(storage::kRescoreRunPrefix), index, "/",
                      count);
}

std::string ProgramListKey(int64_t version) {
  return absl::StrCat(std::string(storage::kProgramListPrefix),
                      storage::EncodeUint64(static_cast<uint64_t>(version)));
}

// "20261127T084100Z-0of1-7": start time, shard, sequence in the shard.
std::string NewRunId(int64_t now, uint32_t index, uint32_t count,
                     int64_t sequence) {
  std::string stamp = Rfc3339(now);  // 2026-11-27T08:41:00Z
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(),
                             [](char c) { return c == '-' || c == ':'; }),
              stamp.end());
  return absl::StrCat(stamp, "-", index, "of", count, "-", sequence);
}

// Names the calling thread after the job (for top, perf and logs), lowers
// it to SCHED_IDLE — it runs only when no other thread wants the CPU — and
// keeps it on `cpus` (any CPU when empty).
void YieldToEveryone(const std::vector<int>& cpus) {
  pthread_setname_np(pthread_self(), "jiwon-rescore");
  sched_param param{};
  param.sched_priority = 0;
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
  if (cpus.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

// What a run knows about each program of its catalog.
struct ProgramFacts {
  // In effect and not closed on the run's date: a program that drops out
  // of a company's results while it is still considered makes a
  // NO_LONGER_ELIGIBLE alert; one that closed or ended does not.
  std::vector<bool> considered;
  // Open with its last day within kClosingSoonDays: that day.
  std::vector<std::optional<engine::Date>> closing;
  std::vector<std::string> closing_text;  // YYYY-MM-DD
};

ProgramFacts FactsOf(const engine::Catalog& catalog, engine::Date as_of) {
  ProgramFacts f;
  const auto& programs = catalog.programs();
  f.considered.resize(programs.size());
  f.closing.resize(programs.size());
  f.closing_text.resize(programs.size());
  for (size_t i = 0; i < programs.size(); ++i) {
    const engine::Program& p = *programs[i];
    const engine::WindowStatus status = engine::StatusOn(p.window, as_of);
    f.considered[i] =
        engine::InEffect(p, as_of) && status != engine::WindowStatus::kClosed;
    if (!f.considered[i] || status != engine::WindowStatus::kOpen) continue;
    std::optional<engine::Date> end = engine::ClosingDate(p.window, as_of);
    if (end && *end >= as_of &&
        end->days() - as_of.days() <= kClosingSoonDays) {
      f.closing[i] = end;
      f.closing_text[i] = end->ToString();
    }
  }
  return f;
}

// A chunk's companies and what is stored about them.
struct Chunk {
  int64_t now = 0;  // when it is scored, Unix seconds and RFC 3339
  std::string now_text;
  std::vector<std::string> ids;
  std::vector<std::string> profiles;                 // jiwon.v1.Company, binary
  std::vector<std::optional<std::string>> previous;  // stored results
  std::vector<std::vector<std::string>> dismissed;   // sorted program ids
  std::vector<std::vector<std::string>> applied;     // sorted program ids
  std::vector<std::string> stale;  // results of companies gone since
};

// What one worker made of its part of a chunk.
struct Output {
  std::vector<std::pair<std::string, std::string>> results;  // id, value
  std::vector<AlertLog::Pending> alerts;
  int64_t eligible = 0;
  int64_t undetermined = 0;
  int64_t newly = 0;
  int64_t no_longer = 0;
  int64_t closing = 0;
  double match_seconds = 0;
  double diff_seconds = 0;
  std::vector<std::string> errors;
  // Reused from one company to the next.
  struct Scratch {
    v1::Company proto;
    std::vector<engine::Matcher::Ranked> ranked;
    StoredResults before, next;
    std::vector<std::pair<int32_t, engine::Eligibility>> was;
    int64_t map_version = -1;
    std::shared_ptr<const std::vector<int32_t>> map;
  } scratch;
};

bool Has(const std::vector<std::string>& sorted, std::string_view id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// Scores a run's companies against its catalog and finds what changed since
// each company's stored results: the alerts to send and the reminders to
// keep. Shared by the run's threads, each with its own Output.
class CompanyScorer {
 public:
  using RemapFn =
      std::function<absl::StatusOr<std::shared_ptr<const std::vector<int32_t>>>(
          int64_t from_version)>;

  CompanyScorer(const engine::Matcher& matcher, std::string run_id,
                engine::Date as_of, RemapFn remap)
      : matcher_(matcher),
        catalog_(matcher.catalog()),
        version_(catalog_.version()),
        run_id_(std::move(run_id)),
        as_of_(as_of),
        as_of_text_(as_of.ToString()),
        facts_(FactsOf(catalog_, as_of)),
        remap_(std::move(remap)) {
    match_options_.as_of = as_of;
  }

  // Scores company i of `chunk`; appends its results, alerts, counts and
  // errors to `out`.
  void Score(const Chunk& chunk, size_t i, Output* out) const {
    const Clock::time_point t0 = Clock::now();
    const std::string& id = chunk.ids[i];
    Output::Scratch& x = out->scratch;
    if (!x.proto.ParseFromString(chunk.profiles[i])) {
      out->errors.push_back(absl::StrCat(id, ": stored profile unreadable"));
      return;
    }
    std::vector<engine::FieldError> errors;
    const engine::Company company = server::CompanyFromProto(x.proto, &errors);
    if (!errors.empty()) {
      out->errors.push_back(
          absl::StrCat(id, ": stored profile invalid: ", errors[0].field));
      return;
    }
    matcher_.MatchAll(company, match_options_, &x.ranked);
    const Clock::time_point t1 = Clock::now();
    out->match_seconds += Seconds(t1 - t0);

    StoredResults& next = x.next;
    next.catalog_version = version_;
    next.computed_at = chunk.now;
    next.as_of = as_of_;
    next.run_id = run_id_;
    next.entries.clear();
    next.reminders.clear();
    for (const engine::Matcher::Ranked& r : x.ranked) {
      next.entries.push_back(
          {static_cast<uint32_t>(r.index), r.eligibility, r.score});
      if (r.eligibility == engine::Eligibility::kEligible) {
        ++out->eligible;
      } else {
        ++out->undetermined;
      }
    }
    if (Previous(chunk, i, out)) {
      ChangeAlerts(chunk, i, out);
      KeepReminders(out);
    }
    NewReminders(chunk, i, out);
    auto& result = out->results.emplace_back(id, std::string());
    EncodeResultsTo(next, &result.second);
    out->diff_seconds += Seconds(Clock::now() - t1);
  }

 private:
  // The company's previous results into scratch.before, and their entries
  // in this catalog's positions into scratch.was; false when it has none
  // that can be read (a first run for it).
  bool Previous(const Chunk& chunk, size_t i, Output* out) const {
    const std::string& id = chunk.ids[i];
    Output::Scratch& x = out->scratch;
    x.was.clear();
    if (!chunk.previous[i]) return false;
    if (!DecodeResultsInto(*chunk.previous[i], &x.before)) {
      out->errors.push_back(absl::StrCat(
          id, ": stored results unreadable; taken as a first run"));
      return false;
    }
    if (x.map == nullptr || x.map_version != x.before.catalog_version) {
      auto map = remap_(x.before.catalog_version);
      if (!map.ok()) {
        out->errors.push_back(absl::StrCat(id, ": ", map.status().message(),
                                           "; taken as a first run"));
        return false;
      }
      x.map = *std::move(map);
      x.map_version = x.before.catalog_version;
    }
    const std::vector<int32_t>& map = *x.map;
    for (const StoredResults::Entry& e : x.before.entries) {
      if (e.index < map.size() && map[e.index] >= 0) {
        x.was.emplace_back(map[e.index], e.eligibility);
      }
    }
    return true;
  }

  // NEWLY_ELIGIBLE and NO_LONGER_ELIGIBLE alerts: both lists ascend by
  // position, so one merge finds what changed. Dismissed programs alert
  // no more.
  void ChangeAlerts(const Chunk& chunk, size_t i, Output* out) const {
    const Output::Scratch& x = out->scratch;
    const auto& was = x.was;
    const auto& now = x.next.entries;
    const auto& dismissed = chunk.dismissed[i];
    static const std::string kNone;
    size_t a = 0, b = 0;
    while (a < was.size() || b < now.size()) {
      const int32_t old_p = a < was.size() ? was[a].first : INT32_MAX;
      const int32_t new_p =
          b < now.size() ? static_cast<int32_t>(now[b].index) : INT32_MAX;
      if (old_p == new_p && was[a].second == now[b].eligibility) {
        ++a;
        ++b;
        continue;
      }
      const size_t p = static_cast<size_t>(std::min(old_p, new_p));
      const engine::Eligibility from =
          old_p <= new_p ? was[a].second : engine::Eligibility::kIneligible;
      const engine::Eligibility to = new_p <= old_p
                                         ? now[b].eligibility
                                         : engine::Eligibility::kIneligible;
      const int64_t score = new_p <= old_p ? now[b].score : 0;
      if (old_p <= new_p) ++a;
      if (new_p <= old_p) ++b;
      if (from == to || Has(dismissed, catalog_.programs()[p]->id)) continue;
      if (to == engine::Eligibility::kEligible) {
        Alert(chunk, i, v1::ALERT_KIND_NEWLY_ELIGIBLE, p, from, to, score,
              kNone, out);
        ++out->newly;
      } else if (from == engine::Eligibility::kEligible &&
                 facts_.considered[p]) {
        Alert(chunk, i, v1::ALERT_KIND_NO_LONGER_ELIGIBLE, p, from, to, score,
              kNone, out);
        ++out->no_longer;
      }
    }
  }

  // Reminders whose window is still ahead are kept, in this catalog's
  // positions (the map keeps their order).
  void KeepReminders(Output* out) const {
    Output::Scratch& x = out->scratch;
    const std::vector<int32_t>& map = *x.map;
    for (const StoredResults::Reminder& m : x.before.reminders) {
      if (m.window_end < as_of_ || m.index >= map.size() || map[m.index] < 0) {
        continue;
      }
      x.next.reminders.push_back(
          {static_cast<uint32_t>(map[m.index]), m.window_end});
    }
  }

  // CLOSING_SOON reminders for eligible programs closing soon, once per
  // window, not for programs dismissed or applied to. Entries and kept
  // reminders both ascend by position.
  void NewReminders(const Chunk& chunk, size_t i, Output* out) const {
    StoredResults& next = out->scratch.next;
    const auto& dismissed = chunk.dismissed[i];
    const auto& applied = chunk.applied[i];
    const size_t kept = next.reminders.size();
    size_t k = 0;
    for (const StoredResults::Entry& e : next.entries) {
      if (!facts_.closing[e.index] ||
          e.eligibility != engine::Eligibility::kEligible) {
        continue;
      }
      const StoredResults::Reminder reminder{e.index, *facts_.closing[e.index]};
      while (k < kept && next.reminders[k] < reminder) ++k;
      if (k < kept && next.reminders[k] == reminder) continue;  // sent
      const std::string& pid = catalog_.programs()[e.index]->id;
      if (Has(dismissed, pid) || Has(applied, pid)) continue;
      Alert(chunk, i, v1::ALERT_KIND_CLOSING_SOON, e.index, e.eligibility,
            e.eligibility, e.score, facts_.closing_text[e.index], out);
      ++out->closing;
      next.reminders.push_back(reminder);
    }
    if (next.reminders.size() > kept && kept > 0) {
      std::inplace_merge(next.reminders.begin(),
                         next.reminders.begin() + static_cast<ptrdiff_t>(kept),
                         next.reminders.end());
    }
  }

  void Alert(const Chunk& chunk, size_t i, v1::AlertKind kind, size_t p,
             engine::Eligibility from, engine::Eligibility to, int64_t score,
             const std::string& window_end, Output* out) const {
    const std::string& id = chunk.ids[i];
    const engine::Program& program = *catalog_.programs()[p];
    AlertRecord a;
    a.kind = kind;
    a.company_id = id;
    a.program_id = program.id;
    a.program_title = program.title;
    a.before = static_cast<v1::Eligibility>(from);
    a.after = static_cast<v1::Eligibility>(to);
    a.score = score;
    a.window_end = window_end;
    a.source = run_id_;
    a.catalog_version = version_;
    a.as_of = as_of_text_;
    a.created_at = chunk.now_text;
    AlertLog::Pending& pending = out->alerts.emplace_back();
    pending.company_id.reserve(id.size() + 9);
    pending.company_id = id;
    EncodeAlert(a, &pending.bytes);
  }

  const engine::Matcher& matcher_;
  const engine::Catalog& catalog_;
  const int64_t version_;
  const std::string run_id_;
  const engine::Date as_of_;
  const std::string as_of_text_;
  const ProgramFacts facts_;
  const RemapFn remap_;
  engine::RecommendOptions match_options_;
};

// The shard's next companies after `after` (at most `limit`), read from
// the run's snapshot, with their stored results and feedback, and the
// results of companies gone since; no companies when the shard is done.
absl::Status ReadChunk(storage::Store* store, const storage::Snapshot& snapshot,
                       const std::string& after, size_t limit,
                       absl::FunctionRef<bool(std::string_view)> in_shard,
                       Chunk* chunk) {
  absl::Status scan =
      store->ScanSnapshot(snapshot, Table::kCompanies, after,
                          [&](std::string_view key, std::string_view value) {
                            if (!in_shard(key)) return true;
                            chunk->ids.emplace_back(key);
                            chunk->profiles.emplace_back(value);
                            return chunk->ids.size() < limit;
                          });
  if (!scan.ok()) return scan;
  if (chunk->ids.empty()) return absl::OkStatus();
  const std::string& last = chunk->ids.back();
  chunk->previous.resize(chunk->ids.size());
  chunk->dismissed.resize(chunk->ids.size());
  chunk->applied.resize(chunk->ids.size());
  {
    size_t i = 0;
    scan = store->Scan(Table::kResults, after,
                       [&](std::string_view key, std::string_view value) {
                         if (key > last) return false;
                         while (i < chunk->ids.size() && chunk->ids[i] < key)
                           ++i;
                         if (i < chunk->ids.size() && chunk->ids[i] == key) {
                           chunk->previous[i] = std::string(value);
                         } else if (in_shard(key)) {
                           chunk->stale.emplace_back(key);
                         }
                         return true;
                       });
    if (!scan.ok()) return scan;
  }
  {
    // Feedback keys are company id, 0x00, program id; ids use no byte
    // below '-', so every key of a company after `after` sorts after
    // `after` + 0x01.
    size_t i = 0;
    absl::Status bad;
    scan = store->Scan(
        Table::kFeedback, after.empty() ? after : after + '\x01',
        [&](std::string_view key, std::string_view value) {
          const size_t cut = key.find('\0');
          const std::string_view company = key.substr(0, cut);
          if (company > last) return false;
          while (i < chunk->ids.size() && chunk->ids[i] < company) ++i;
          if (i == chunk->ids.size() || chunk->ids[i] != company) return true;
          v1::Feedback f;
          if (!f.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            bad = absl::DataLossError("unreadable feedback record");
            return false;
          }
          if (f.kind() == v1::FEEDBACK_KIND_DISMISSED) {
            chunk->dismissed[i].push_back(f.program_id());
          } else if (f.kind() == v1::FEEDBACK_KIND_APPLIED) {
            chunk->applied[i].push_back(f.program_id());
          }
          return true;
        });
    if (!scan.ok()) return scan;
    if (!bad.ok()) return bad;
  }
  return absl::OkStatus();
}

}  // namespace

// More program changes waiting than this (an import): left to the rescore.
constexpr size_t kMaxQueuedChanges = 64;

uint32_t ShardOf(std::string_view company_id, uint32_t shard_count) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : company_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return shard_count <= 1 ? 0 : static_cast<uint32_t>(h % shard_count);
}

Rescorer::Rescorer(Registry* registry, storage::Store* store, AlertLog* alerts,
                   int threads, bool background,
                   std::function<engine::Date()> today, std::vector<int> cpus)
    : registry_(registry),
      store_(store),
      alerts_(alerts),
      threads_(std::max(1, threads)),
      background_(background),
      cpus_(std::move(cpus)),
      today_(std::move(today)) {
  changer_ = std::thread([this] { ChangeLoop(); });
  registry_->SetProgramListener([this](const Registry::ProgramChange& c) {
    std::lock_guard lock(changes_mu_);
    changes_.push_back(c);
    changes_cv_.notify_all();
  });
}

Rescorer::~Rescorer() {
  registry_->SetProgramListener(nullptr);
  {
    std::lock_guard lock(changes_mu_);
    stop_ = true;
    changes_cv_.notify_all();
  }
  changer_.join();
}

void Rescorer::WaitForChanges() {
  std::unique_lock lock(changes_mu_);
  changes_cv_.wait(lock, [&] { return changes_.empty() && !applying_; });
}

void Rescorer::ChangeLoop() {
  std::unique_lock lock(changes_mu_);
  for (;;) {
    changes_cv_.wait(lock, [&] { return stop_ || !changes_.empty(); });
    if (stop_) return;
    if (changes_.size() > kMaxQueuedChanges) {
      // A bulk import: the next rescore compares every company with its
      // results and makes these alerts in one pass.
      server::Log(server::LogLevel::kInfo,
                  absl::StrCat(changes_.size(),
                               " program changes at once: their alerts come "
                               "with the next rescore"));
      changes_.clear();
      changes_cv_.notify_all();
      continue;
    }
    Registry::ProgramChange change = std::move(changes_.front());
    changes_.pop_front();
    applying_ = true;
    lock.unlock();
    if (absl::Status s = ApplyChange(change); !s.ok()) {
      server::Log(server::LogLevel::kError,
                  absl::StrCat(
                      "alerts for program change to catalog version ",
                      change.catalog->version(),
                      " failed (the next rescore makes them): ", s.ToString()));
    }
    lock.lock();
    applying_ = false;
    changes_cv_.notify_all();
  }
}

absl::Status Rescorer::ApplyChange(const Registry::ProgramChange& change) {
  // A deleted program drops out of results at the next rescore, silently;
  // a closed one, or one not in effect, makes no news either.
  if (change.after == nullptr) return absl::OkStatus();
  const engine::Program& program = *change.after;
  const engine::Date as_of = today_();
  if (!engine::InEffect(program, as_of) ||
      engine::StatusOn(program.window, as_of) ==
          engine::WindowStatus::kClosed) {
    return absl::OkStatus();
  }
  std::unique_lock results(results_mu_);
  const engine::Catalog& catalog = *change.catalog;
  const int64_t version = catalog.version();

  // The reverse match: who qualified before, who qualifies now.
  const Clock::time_point t0 = Clock::now();
  absl::StatusOr<Registry::Delta> delta =
      registry_->ProgramDelta(change.before.get(), program, as_of);
  if (!delta.ok()) return delta.status();
  std::vector<std::string> changed;
  std::merge(delta->gained.begin(), delta->gained.end(), delta->lost.begin(),
             delta->lost.end(), std::back_inserter(changed));
  const double delta_ms = Seconds(Clock::now() - t0) * 1000;
  if (changed.empty()) return absl::OkStatus();
  if (absl::Status s = EnsureProgramList(catalog); !s.ok()) return s;
  const auto& programs = catalog.programs();
  const size_t position = static_cast<size_t>(
      std::lower_bound(programs.begin(), programs.end(), program.id,
                       [](const std::shared_ptr<const engine::Program>& p,
                          const std::string& id) { return p->id < id; }) -
      programs.begin());
  const int64_t now_seconds = now_();
  const std::string now_text = Rfc3339(now_seconds);
  const std::string source = absl::StrCat("program:", program.id);
  const std::string as_of_text = as_of.ToString();
  std::map<int64_t, std::shared_ptr<const std::vector<int32_t>>> remaps;
  storage::WriteBatch batch;
  std::vector<AlertLog::Pending> alerts;
  int newly = 0, no_longer = 0;
  for (const std::string& id : changed) {
    // Only companies with results: the others get theirs, as a baseline,
    // at the next rescore. Results already on this catalog (or a newer one)
    // know the program as it is.
    auto bytes = store_->Get(Table::kResults, id);
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;
    std::optional<StoredResults> stored = DecodeResults(**bytes);
    if (!stored || stored->catalog_version >= version) continue;
    auto& map = remaps[stored->catalog_version];
    if (map == nullptr) {
      auto m = Remap(stored->catalog_version, catalog);
      if (!m.ok()) continue;
      map = *std::move(m);
    }
    absl::StatusOr<engine::Company> company = registry_->LoadCompany(id);
    if (!company.ok()) continue;  // deleted since
    const engine::ProgramOutcome outcome = registry_->evaluator().Evaluate(
        change.after, *company, as_of, engine::Evaluator::Detail::kOutcomeOnly);

    // The results in this catalog's positions, with the program's entry
    // replaced.
    std::vector<StoredResults::Entry> entries;
    engine::Eligibility before = engine::Eligibility::kIneligible;
    for (const StoredResults::Entry& e : stored->entries) {
      if (e.index >= map->size() || (*map)[e.index] < 0) continue;
      StoredResults::Entry moved = e;
      moved.index = static_cast<uint32_t>((*map)[e.index]);
      if (moved.index == position) {
        before = e.eligibility;
        continue;
      }
      entries.push_back(moved);
    }
    const engine::Eligibility after = outcome.eligibility;
    if (after == engine::Eligibility::kEligible ||
        after == engine::Eligibility::kUndetermined) {
      const StoredResults::Entry entry{static_cast<uint32_t>(position), after,
                                       outcome.score};
      entries.insert(std::lower_bound(entries.begin(), entries.end(), entry,
                                      [](const auto& a, const auto& b) {
                                        return a.index < b.index;
                                      }),
                     entry);
    }
    stored->entries = std::move(entries);
    std::vector<StoredResults::Reminder> reminders;
    for (const StoredResults::Reminder& m : stored->reminders) {
      if (m.index < map->size() && (*map)[m.index] >= 0) {
        reminders.push_back(
            {static_cast<uint32_t>((*map)[m.index]), m.window_end});
      }
    }
    stored->reminders = std::move(reminders);
    stored->catalog_version = version;
    batch.Put(Table::kResults, id, EncodeResults(*stored));

    const bool gained = before != engine::Eligibility::kEligible &&
                        after == engine::Eligibility::kEligible;
    const bool lost = before == engine::Eligibility::kEligible &&
                      after != engine::Eligibility::kEligible;
    if (!gained && !lost) continue;
    auto feedback =
        store_->Get(Table::kFeedback, storage::FeedbackKey(id, program.id));
    if (!feedback.ok()) return feedback.status();
    if (feedback->has_value()) {
      v1::Feedback f;
      if (f.ParseFromString(**feedback) &&
          f.kind() == v1::FEEDBACK_KIND_DISMISSED) {
        continue;
      }
    }
    AlertRecord a;
    a.kind = gained ? v1::ALERT_KIND_NEWLY_ELIGIBLE
                    : v1::ALERT_KIND_NO_LONGER_ELIGIBLE;
    a.company_id = id;
    a.program_id = program.id;
    a.program_title = program.title;
    a.before = static_cast<v1::Eligibility>(before);
    a.after =
        static_cast<v1::Eligibility>(after == engine::Eligibility::kNotInEffect
                                         ? engine::Eligibility::kIneligible
                                         : after);
    a.score = gained ? outcome.score : 0;
    a.source = source;
    a.catalog_version = version;
    a.as_of = as_of_text;
    a.created_at = now_text;
    AlertLog::Pending& pending = alerts.emplace_back();
    pending.company_id = id;
    EncodeAlert(a, &pending.bytes);
    gained ? ++newly : ++no_longer;
  }
  const size_t made = alerts.size();
  if (absl::Status s =
          alerts_->Commit(std::move(batch), std::move(alerts), nullptr);
      !s.ok()) {
    return s;
  }
  server::Log(server::LogLevel::kInfo,
              absl::StrCat("program ", program.id, " (catalog version ",
                           version, "): ", delta->eligible,
                           " companies eligible, ", changed.size(),
                           " changed (", absl::StrFormat("%.1f", delta_ms),
                           " ms); alerts: ", newly, " newly eligible, ",
                           no_longer, " no longer eligible; ", made, " made"));
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const std::vector<std::string>>>
Rescorer::ProgramList(int64_t version) {
  {
    std::lock_guard lock(mu_);
    auto it = lists_.find(version);
    if (it != lists_.end()) return it->second;
  }
  absl::StatusOr<std::optional<std::string>> bytes =
      store_->Get(Table::kMeta, ProgramListKey(version));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no program list of catalog version ", version));
  }
  std::optional<std::vector<std::string>> ids = DecodeProgramList(**bytes);
  if (!ids) {
    return absl::DataLossError(absl::StrCat("program list of catalog version ",
                                            version, " unreadable"));
  }
  auto list = std::make_shared<const std::vector<std::string>>(*std::move(ids));
  std::lock_guard lock(mu_);
  lists_.emplace(version, list);
  return list;
}

absl::StatusOr<std::shared_ptr<const std::vector<int32_t>>> Rescorer::Remap(
    int64_t from_version, const engine::Catalog& to) {
  auto list = ProgramList(from_version);
  if (!list.ok()) return list.status();
  auto map = std::make_shared<std::vector<int32_t>>((*list)->size(), -1);
  const auto& programs = to.programs();
  size_t j = 0;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const std::string& id = (**list)[i];
    while (j < programs.size() && programs[j]->id < id) ++j;
    if (j < programs.size() && programs[j]->id == id) {
      (*map)[i] = static_cast<int32_t>(j);
    }
  }
  return std::shared_ptr<const std::vector<int32_t>>(std::move(map));
}

absl::Status Rescorer::EnsureProgramList(const engine::Catalog& catalog) {
  const std::string key = ProgramListKey(catalog.version());
  {
    std::lock_guard lock(mu_);
    if (lists_.contains(catalog.version())) return absl::OkStatus();
  }
  absl::StatusOr<std::optional<std::string>> have =
      store_->Get(Table::kMeta, key);
  if (!have.ok()) return have.status();
  if (have->has_value()) return absl::OkStatus();
  std::vector<std::string_view> ids;
  for (const auto& p : catalog.programs()) ids.push_back(p->id);
  storage::WriteBatch batch;
  batch.Put(Table::kMeta, key, EncodeProgramList(ids));
  return store_->Write(batch);
}

absl::StatusOr<CompanyResults> Rescorer::Results(std::string_view company_id) {
  if (company_id.empty()) {
    return absl::InvalidArgumentError("company_id: must not be empty");
  }
  if (!engine::IsValidId(company_id)) {
    return absl::InvalidArgumentError(
        "company_id: must be 1-64 characters of [A-Za-z0-9._:-]");
  }
  absl::StatusOr<std::optional<std::string>> bytes =
      store_->Get(Table::kResults, company_id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no results for company \"", std::string(company_id),
                     "\": no rescore has covered it yet"));
  }
  std::optional<StoredResults> stored = DecodeResults(**bytes);
  if (!stored) {
    return absl::DataLossError(absl::StrCat(
        "results of company \"", std::string(company_id), "\" unreadable"));
  }
  auto list = ProgramList(stored->catalog_version);
  if (!list.ok()) return list.status();
  CompanyResults out;
  for (const StoredResults::Entry& e : stored->entries) {
    if (e.index >= (*list)->size()) {
      return absl::DataLossError(
          absl::StrCat("results of company \"", std::string(company_id),
                       "\" name a program beyond its catalog version's list"));
    }
    out.program_ids.push_back((**list)[e.index]);
  }
  out.stored = *std::move(stored);
  return out;
}

absl::StatusOr<RescoreSummary> Rescorer::Run(
    const RescoreOptions& options, const std::function<bool()>& cancelled,
    const std::function<void(const RescoreProgress&)>& progress) {
  const std::string shard =
      absl::StrCat(options.shard_index, "/", options.shard_count);
  const std::string run_key = RunKey(options.shard_index, options.shard_count);
  const auto track = [&](const RescoreProgress& p) {
    {
      std::lock_guard lock(stats_mu_);
      live_[run_key] = p;
    }
    if (progress) progress(p);
  };
  bool began = false;
  absl::StatusOr<RescoreSummary> summary =
      RunShard(options, cancelled, track, &began);
  // A call refused before its run began (bad options, the shard being
  // rescored already) is no run: the figures stay as they are.
  if (!began) return summary;
  std::lock_guard lock(stats_mu_);
  stats_.last_ended_at = now_();
  stats_.last_ok = summary.ok();
  if (summary.ok()) {
    ++stats_.runs_finished;
    stats_.last_seconds = summary->seconds;
    stats_.last_companies = summary->state.companies;
    server::Log(server::LogLevel::kInfo, "rescore finished",
                {{"run", summary->state.run_id},
                 {"shard", shard},
                 {"catalog_version", summary->state.catalog_version},
                 {"companies", summary->state.companies},
                 {"resumed_from", summary->resumed_from},
                 {"seconds", summary->seconds},
                 {"per_second",
                  summary->seconds > 0
                      ? (summary->state.companies - summary->resumed_from) /
                            summary->seconds
                      : 0.0},
                 {"eligible_pairs", summary->state.eligible_pairs},
                 {"undetermined_pairs", summary->state.undetermined_pairs},
                 {"newly_eligible", summary->state.newly_eligible},
                 {"no_longer_eligible", summary->state.no_longer_eligible},
                 {"closing_soon", summary->state.closing_soon}});
  } else {
    absl::IsCancelled(summary.status()) ? ++stats_.runs_cancelled
                                        : ++stats_.runs_failed;
    server::Log(absl::IsCancelled(summary.status()) ? server::LogLevel::kWarning
                                                    : server::LogLevel::kError,
                "rescore ended without finishing",
                {{"shard", shard},
                 {"code", absl::StatusCodeToString(summary.status().code())},
                 {"error", std::string(summary.status().message())}});
  }
  return summary;
}

Rescorer::Stats Rescorer::stats() const {
  std::lock_guard lock(stats_mu_);
  Stats s = stats_;
  s.running = static_cast<int>(live_.size());
  for (const auto& [shard, p] : live_) {
    s.companies_done += p.done;
    s.per_second += p.per_second;
  }
  return s;
}

absl::StatusOr<RescoreSummary> Rescorer::RunShard(
    const RescoreOptions& options, const std::function<bool()>& cancelled,
    const std::function<void(const RescoreProgress&)>& progress, bool* began) {
  if (options.shard_count < 1 || options.shard_index >= options.shard_count) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard_index: must be below shard_count (",
                     options.shard_count, "), got ", options.shard_index));
  }
  if (options.checkpoint_companies < 1 ||
      options.checkpoint_companies > 1'000'000) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint_companies: must be 1-1000000, got ",
                     options.checkpoint_companies));
  }
  const std::string run_key = RunKey(options.shard_index, options.shard_count);
  {
    std::unique_lock lock(mu_);
    if (!ended_.wait_for(lock, std::chrono::seconds(10),
                         [&] { return !running_.contains(run_key); })) {
      return engine::WithReason(
          absl::AbortedError(absl::StrCat("shard ", options.shard_index, "/",
                                          options.shard_count,
                                          " is being rescored already")),
          engine::reason::kRescoreInProgress);
    }
    running_.insert(run_key);
  }
  *began = true;
  {
    std::lock_guard lock(stats_mu_);
    live_[run_key] = {};
  }
  struct Release {
    Rescorer* self;
    std::string key;
    ~Release() {
      {
        std::lock_guard lock(self->stats_mu_);
        self->live_.erase(key);
      }
      std::lock_guard lock(self->mu_);
      self->running_.erase(key);
      self->ended_.notify_all();
    }
  } release{this, run_key};
  // Program changes made before the run have their alerts first; changes
  // made while it runs wait for it.
  WaitForChanges();
  std::shared_lock results(results_mu_);
  if (background_) YieldToEveryone(cpus_);
  const Clock::time_point started = Clock::now();

  // One catalog for the whole run.
  const std::shared_ptr<const engine::Matcher> matcher =
      registry_->MatcherForCurrentCatalog();
  const engine::Catalog& catalog = matcher->catalog();
  const int64_t version = catalog.version();

  // Resume or begin.
  bool resumed = false;
  absl::StatusOr<RunState> begun =
      BeginOrResume(run_key, options, version, &resumed);
  if (!begun.ok()) return begun.status();
  RunState state = *std::move(begun);
  const int64_t resumed_from = state.companies;
  // The scoring threads read these while the writer thread replaces
  // `state` with each checkpoint: they keep copies of their own.
  const std::string run_id = state.run_id;
  const engine::Date as_of = state.as_of;

  // The program list the results will refer to, and the run's start.
  if (absl::Status s = EnsureProgramList(catalog); !s.ok()) return s;
  {
    storage::WriteBatch batch;
    batch.Put(Table::kMeta, run_key, EncodeRunState(state));
    if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  }

  std::mutex remap_mu;
  std::map<int64_t, std::shared_ptr<const std::vector<int32_t>>> remaps;
  auto remap_for = [&](int64_t old_version)
      -> absl::StatusOr<std::shared_ptr<const std::vector<int32_t>>> {
    {
      std::lock_guard lock(remap_mu);
      auto it = remaps.find(old_version);
      if (it != remaps.end()) return it->second;
    }
    auto map = Remap(old_version, catalog);
    if (!map.ok()) return map.status();
    std::lock_guard lock(remap_mu);
    return remaps.emplace(old_version, *std::move(map)).first->second;
  };

  const auto in_shard = [&](std::string_view id) {
    return ShardOf(id, options.shard_count) == options.shard_index;
  };
  const int64_t total =
      static_cast<int64_t>(registry_->CountCompanies(in_shard));
  std::unique_ptr<const storage::Snapshot> snapshot = store_->TakeSnapshot();
  server::Log(
      server::LogLevel::kInfo, resumed ? "rescore resumed" : "rescore started",
      {{"run", run_id},
       {"shard", absl::StrCat(options.shard_index, "/", options.shard_count)},
       {"catalog_version", version},
       {"programs", static_cast<int64_t>(catalog.programs().size())},
       {"companies", total},
       {"resumed_from", resumed_from},
       {"as_of", as_of.ToString()},
       {"threads", threads_}});

  double read_seconds = 0, match_seconds = 0, diff_seconds = 0,
         write_seconds = 0;
  const CompanyScorer scorer(*matcher, run_id, as_of, remap_for);

  // Chunk k is committed by the writer while chunk k + 1 is read and
  // scored; commits stay in order.
  std::string cursor = state.last_company;
  std::thread writer;
  absl::Status written;
  auto commit = [&](std::vector<Output> outputs, std::vector<std::string> stale,
                    size_t n, std::string last) {
    if (background_) YieldToEveryone(cpus_);
    const Clock::time_point t_write = Clock::now();
    storage::WriteBatch batch;
    std::vector<AlertLog::Pending> alerts;
    {
      size_t count = 0;
      for (const Output& out : outputs) count += out.alerts.size();
      alerts.reserve(count);
    }
    RunState next = state;
    for (Output& out : outputs) {
      match_seconds += out.match_seconds;
      diff_seconds += out.diff_seconds;
      for (const std::string& e : out.errors) {
        server::Log(server::LogLevel::kWarning, "rescore: " + e);
      }
      for (auto& [id, value] : out.results) {
        batch.Put(Table::kResults, std::move(id), std::move(value));
      }
      for (AlertLog::Pending& a : out.alerts) alerts.push_back(std::move(a));
      next.eligible_pairs += out.eligible;
      next.undetermined_pairs += out.undetermined;
      next.newly_eligible += out.newly;
      next.no_longer_eligible += out.no_longer;
      next.closing_soon += out.closing;
    }
    for (std::string& id : stale) batch.Delete(Table::kResults, id);
    next.companies += static_cast<int64_t>(n);
    next.last_company = std::move(last);
    written = alerts_->Commit(
        std::move(batch), std::move(alerts),
        [&](uint64_t first, uint64_t final_id, storage::WriteBatch* b) {
          if (first != 0) {
            if (next.first_alert == 0) next.first_alert = first;
            next.last_alert = final_id;
          }
          b->Put(Table::kMeta, run_key, EncodeRunState(next));
        },
        /*ingest=*/true);
    if (!written.ok()) return;
    state = std::move(next);
    write_seconds += Seconds(Clock::now() - t_write);
    if (progress) {
      const double elapsed = Seconds(Clock::now() - started);
      progress({state.run_id, state.companies, std::max(total, state.companies),
                elapsed > 0 ? (state.companies - resumed_from) / elapsed : 0,
                resumed_from});
    }
  };
  // Waits for the chunk being written.
  auto drain = [&]() -> absl::Status {
    if (writer.joinable()) writer.join();
    return written;
  };
  struct Join {
    std::thread* t;
    ~Join() {
      if (t->joinable()) t->join();
    }
  } join_writer{&writer};

  for (;;) {
    // ---- read: the next chunk of the shard, what is stored about it
    const Clock::time_point t_read = Clock::now();
    Chunk chunk;
    if (absl::Status s =
            ReadChunk(store_, *snapshot, cursor, options.checkpoint_companies,
                      in_shard, &chunk);
        !s.ok()) {
      return s;
    }
    if (chunk.ids.empty()) break;
    const std::string last = chunk.ids.back();
    cursor = last;
    read_seconds += Seconds(Clock::now() - t_read);

    // ---- match and diff, the chunk split between the threads
    chunk.now = now_();
    chunk.now_text = Rfc3339(chunk.now);
    const size_t n = chunk.ids.size();
    const size_t parts = std::min<size_t>(static_cast<size_t>(threads_), n);
    std::vector<Output> outputs(parts);
    auto work = [&](size_t part) {
      if (background_) YieldToEveryone(cpus_);
      const size_t begin = n * part / parts, end = n * (part + 1) / parts;
      outputs[part].results.reserve(end - begin);
      for (size_t i = begin; i < end; ++i)
        scorer.Score(chunk, i, &outputs[part]);
    };
    {
      std::vector<std::thread> workers;
      for (size_t part = 1; part < parts; ++part)
        workers.emplace_back(work, part);
      work(0);
      for (std::thread& t : workers) t.join();
    }

    // ---- write: results, alerts and the checkpoint in one batch
    if (absl::Status s = drain(); !s.ok()) return s;
    writer = std::thread(commit, std::move(outputs), std::move(chunk.stale), n,
                         last);
    if (cancelled && cancelled()) {
      if (absl::Status s = drain(); !s.ok()) return s;
      return absl::CancelledError(absl::StrCat(
          "rescore ", state.run_id, " stopped after ", state.companies,
          " companies; the next run of the shard resumes from there"));
    }
  }
  if (absl::Status s = drain(); !s.ok()) return s;

  state.finished = true;
  {
    storage::WriteBatch batch;
    batch.Put(Table::kMeta, run_key, EncodeRunState(state));
    if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  }
  TrimAlertFeed();
  RescoreSummary summary;
  summary.state = state;
  summary.seconds = Seconds(Clock::now() - started);
  summary.resumed_from = resumed_from;
  summary.phases = {{"read", read_seconds},
                    {"match", match_seconds},
                    {"diff", diff_seconds},
                    {"write", write_seconds}};
  std::stable_sort(
      summary.phases.begin(), summary.phases.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  return summary;
}

absl::StatusOr<RunState> Rescorer::BeginOrResume(const std::string& run_key,
                                                 const RescoreOptions& options,
                                                 int64_t version,
                                                 bool* resumed) {
  RunState state;
  absl::StatusOr<std::optional<std::string>> saved =
      store_->Get(Table::kMeta, run_key);
  if (!saved.ok()) return saved.status();
  int64_t sequence = 1;
  if (saved->has_value()) {
    std::optional<RunState> old = DecodeRunState(**saved);
    if (!old) return absl::DataLossError("rescore checkpoint unreadable");
    sequence = old->sequence + 1;
    if (options.restart) {
      // A new run from the first company.
    } else if (!old->finished && old->catalog_version == version) {
      state = *std::move(old);
      *resumed = true;
    } else if (!old->finished) {
      server::Log(server::LogLevel::kWarning,
                  absl::StrCat("rescore: run ", old->run_id,
                               " was left unfinished on catalog version ",
                               old->catalog_version, "; the catalog is now ",
                               version, ", starting over"));
    }
  }
  if (!*resumed) {
    state = RunState();
    state.started_at = now_();
    state.sequence = sequence;
    state.run_id = NewRunId(state.started_at, options.shard_index,
                            options.shard_count, sequence);
    state.catalog_version = version;
    state.as_of = options.as_of.value_or(TodayInKorea());
  }
  return state;
}

void Rescorer::TrimAlertFeed() {
  if (const int days = retention_days_; days > 0) {
    // The feed keeps what its readers may still want; the run is done
    // whatever happens here.
    absl::StatusOr<uint64_t> trimmed =
        alerts_->Trim(Rfc3339(now_() - int64_t{days} * 86400));
    if (!trimmed.ok()) {
      server::Log(server::LogLevel::kError,
                  absl::StrCat("alert feed: trimming failed (the next run "
                               "tries again): ",
                               trimmed.status().ToString()));
    } else if (*trimmed > 0) {
      server::Log(server::LogLevel::kInfo,
                  absl::StrCat(
                      "alert feed: removed ", *trimmed, " alerts older than ",
                      days, " days; it starts at alert ", alerts_->first_id()));
    }
  }
}

}  // namespace jiwon::app
