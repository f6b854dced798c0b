// The nightly rescore over the demo data: baseline, alerts after a catalog
// change, dismissals and applications, closing-soon reminders, and a run
// stopped at a checkpoint and resumed equalling one that was not.

#include "server/app/rescore.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/errors.h"
#include "google/protobuf/util/json_util.h"
#include "server/storage/key_codec.h"
#include "server/wire_format.h"
#include "tests/testing.h"

namespace jiwon::app {
namespace {

using engine::Date;
using testing::D;

template <typename M>
std::vector<M> ReadJsonLines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<M> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    M m;
    auto s = google::protobuf::util::JsonStringToMessage(line, &m);
    EXPECT_TRUE(s.ok()) << s.message();
    out.push_back(std::move(m));
  }
  return out;
}

// One jiwond's worth of state over a RocksDB directory.
struct Node {
  explicit Node(const std::string& dir) {
    auto s = storage::OpenRocksDbStore(dir);
    EXPECT_TRUE(s.ok()) << s.status();
    store = *std::move(s);
    auto r = Registry::Open(store.get(), &testing::Reference());
    EXPECT_TRUE(r.ok()) << r.status();
    registry = *std::move(r);
    auto a = AlertLog::Open(store.get());
    EXPECT_TRUE(a.ok()) << a.status();
    alerts = *std::move(a);
    rescorer =
        std::make_unique<Rescorer>(registry.get(), store.get(), alerts.get(), 2,
                                   false, [this] { return today; });
  }

  void LoadDemo() {
    for (v1::Program& p :
         ReadJsonLines<v1::Program>(JIWON_DEMO_DIR "/programs.jsonl")) {
      ASSERT_TRUE(registry->UpsertProgram(p).ok()) << p.id();
    }
    for (v1::Company& c :
         ReadJsonLines<v1::Company>(JIWON_DEMO_DIR "/companies.jsonl")) {
      ASSERT_TRUE(registry->UpsertCompany(&c).ok()) << c.id();
    }
    registry->WaitForMatcher();
  }

  absl::StatusOr<RescoreSummary> Rescore(Date as_of, size_t chunk = 64,
                                         int stop_after_chunks = -1) {
    RescoreOptions options;
    options.as_of = as_of;
    options.checkpoint_companies = chunk;
    int chunks = 0;
    return rescorer->Run(
        options,
        [&] { return stop_after_chunks >= 0 && ++chunks >= stop_after_chunks; },
        nullptr);
  }

  std::vector<v1::Alert> Alerts(uint64_t after = 0) {
    std::vector<v1::Alert> out;
    EXPECT_TRUE(alerts
                    ->Read(after, "",
                           [&](v1::Alert&& a) {
                             out.push_back(std::move(a));
                             return true;
                           })
                    .ok());
    return out;
  }

  // Every company's results, without the run id and time.
  std::map<std::string, std::string> Results() {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(store
                    ->Scan(storage::Table::kResults, "",
                           [&](std::string_view key, std::string_view value) {
                             std::optional<StoredResults> r =
                                 DecodeResults(value);
                             EXPECT_TRUE(r.has_value());
                             r->run_id.clear();
                             r->computed_at = 0;
                             out[std::string(key)] = EncodeResults(*r);
                             return true;
                           })
                    .ok());
    return out;
  }

  // What program changes are judged on.
  Date today = D("2026-12-01");
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<AlertLog> alerts;
  std::unique_ptr<Rescorer> rescorer;
};

// An alert without what differs between two equal runs (id, run, time).
std::string Describe(const v1::Alert& a) {
  return absl::StrCat(v1::AlertKind_Name(a.kind()), " ", a.company_id(), " ",
                      a.program_id(), " ", a.before(), "->", a.after(), " ",
                      a.score(), " ", a.window_end(), " ", a.as_of());
}

std::set<std::string> EligibleCompanies(Registry& registry,
                                        const std::string& program,
                                        Date as_of) {
  std::set<std::string> out;
  auto counts = registry.WhoQualifies(
      program, as_of, false,
      [&](const v1::Company& c, const engine::Company&,
          const engine::ProgramOutcome&) { out.insert(c.id()); });
  EXPECT_TRUE(counts.ok()) << counts.status();
  return out;
}

class RescoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<Node>(dir_.path());
    node_->LoadDemo();
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
};

TEST_F(RescoreTest, FirstRunStoresResultsAndOnlyRemindsOfClosingWindows) {
  const Date day = D("2026-12-01");
  auto summary = node_->Rescore(day);
  JIWON_ASSERT_OK(summary);
  EXPECT_EQ(summary->state.companies, 320);
  EXPECT_TRUE(summary->state.finished);
  EXPECT_GT(summary->state.eligible_pairs, 0);

  // Each company's results are what Recommend lists, all of it.
  for (const char* id : {"C0001", "C0100", "C0250"}) {
    auto company = node_->registry->LoadCompany(id);
    JIWON_ASSERT_OK(company);
    engine::RecommendOptions options;
    options.as_of = day;
    options.limit = 1000;
    std::set<std::tuple<std::string, int, int64_t>> want;
    for (const engine::ProgramOutcome& o :
         node_->registry->Recommend(*company, options).matches) {
      want.emplace(o.program->id, static_cast<int>(o.eligibility), o.score);
    }
    auto results = node_->rescorer->Results(id);
    JIWON_ASSERT_OK(results);
    std::set<std::tuple<std::string, int, int64_t>> got;
    for (size_t i = 0; i < results->program_ids.size(); ++i) {
      const StoredResults::Entry& e = results->stored.entries[i];
      got.emplace(results->program_ids[i], static_cast<int>(e.eligibility),
                  e.score);
    }
    EXPECT_EQ(got, want) << id;
    EXPECT_EQ(results->stored.as_of, day);
    EXPECT_EQ(results->stored.run_id, summary->state.run_id);
  }

  // A first run is a baseline: reminders only, each for an open program
  // ending within 7 days, for a company it holds ELIGIBLE.
  const std::vector<v1::Alert> alerts = node_->Alerts();
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(static_cast<int64_t>(alerts.size()), summary->state.closing_soon);
  std::set<std::string> programs;
  for (const v1::Alert& a : alerts) {
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_CLOSING_SOON);
    programs.insert(a.program_id());
    const Date end = *Date::Parse(a.window_end());
    EXPECT_LE(end.days() - day.days(), 7) << a.program_id();
    EXPECT_GE(end.days(), day.days());
    EXPECT_TRUE(EligibleCompanies(*node_->registry, a.program_id(), day)
                    .contains(a.company_id()));
  }
  // 12-04 and 12-08 are within a week of 12-01; 12-10 is not.
  EXPECT_TRUE(programs.contains("women-market-2026") ||
              programs.contains("kstartup-chungcheong-2026"));
  EXPECT_FALSE(programs.contains("ysa-2027"));
  // Every eligible company of a closing program is reminded.
  for (const std::string& p : programs) {
    std::set<std::string> reminded;
    for (const v1::Alert& a : alerts) {
      if (a.program_id() == p) reminded.insert(a.company_id());
    }
    EXPECT_EQ(reminded, EligibleCompanies(*node_->registry, p, day)) << p;
  }
  // Ids count up from 1 without gaps.
  for (size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(alerts[i].id(), absl::StrCat(i + 1));
  }
  // One company's alerts, through its index, are the feed's for it; and
  // after a token, the rest of them.
  const std::string company = alerts[alerts.size() / 2].company_id();
  std::vector<std::string> want, got;
  for (const v1::Alert& a : alerts) {
    if (a.company_id() == company) want.push_back(a.id());
  }
  ASSERT_FALSE(want.empty());
  JIWON_ASSERT_OK(node_->alerts->Read(0, company, [&](v1::Alert&& a) {
    got.push_back(a.id());
    return true;
  }));
  EXPECT_EQ(got, want);
  got.clear();
  JIWON_ASSERT_OK(
      node_->alerts->Read(std::stoull(want[0]), company, [&](v1::Alert&& a) {
        got.push_back(a.id());
        return true;
      }));
  EXPECT_EQ(got, std::vector<std::string>(want.begin() + 1, want.end()));
}

v1::Rule RegionRule(const std::string& id, const std::string& code) {
  v1::Rule rule;
  rule.set_id(id);
  rule.set_kind(v1::RULE_KIND_REQUIRE);
  rule.set_label(id);
  rule.mutable_condition()->mutable_predicate()->set_fact(
      v1::FACT_HEAD_OFFICE_REGION);
  rule.mutable_condition()->mutable_predicate()->set_op(v1::OPERATOR_IN);
  rule.mutable_condition()->mutable_predicate()->add_codes(code);
  return rule;
}

// Program changes make their alerts at once, without a rescore; the next
// rescore does not repeat them.
TEST_F(RescoreTest, ProgramChangesAlertAtOnceAndFeedbackIsRespected) {
  const Date day = D("2026-12-01");
  JIWON_ASSERT_OK(node_->Rescore(day));
  const uint64_t after_first = node_->alerts->last_id();
  ASSERT_GT(after_first, 0u);

  // A new program for every 경기 company.
  auto base = node_->registry->GetProgram("relocation-2026");
  JIWON_ASSERT_OK(base);
  v1::Program fresh = *base;
  fresh.set_id("gyeonggi-new-2026");
  fresh.clear_rules();
  *fresh.add_rules() = RegionRule("gyeonggi", "41");
  JIWON_ASSERT_OK(node_->registry->UpsertProgram(fresh));
  node_->rescorer->WaitForChanges();
  const std::set<std::string> qualify =
      EligibleCompanies(*node_->registry, "gyeonggi-new-2026", day);
  ASSERT_GT(qualify.size(), 10u);
  std::set<std::string> newly;
  for (const v1::Alert& a : node_->Alerts(after_first)) {
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_NEWLY_ELIGIBLE) << Describe(a);
    EXPECT_EQ(a.program_id(), "gyeonggi-new-2026");
    EXPECT_EQ(a.source(), "program:gyeonggi-new-2026");
    EXPECT_EQ(a.after(), v1::ELIGIBILITY_ELIGIBLE);
    newly.insert(a.company_id());
  }
  EXPECT_EQ(newly, qualify);
  // The company's stored results know it now.
  auto results = node_->rescorer->Results(*qualify.begin());
  JIWON_ASSERT_OK(results);
  EXPECT_NE(std::find(results->program_ids.begin(), results->program_ids.end(),
                      "gyeonggi-new-2026"),
            results->program_ids.end());
  const uint64_t after_new = node_->alerts->last_id();

  // A program made stricter (경기 → 광주시 only). One company that loses it
  // had dismissed it: no alert for that one.
  const std::set<std::string> gms_before =
      EligibleCompanies(*node_->registry, "gyeonggi-gms-2026", day);
  std::string dismisser;
  for (const std::string& id : gms_before) {
    auto c = node_->registry->GetCompany(id);
    JIWON_ASSERT_OK(c);
    if (c->head_office_region() != "41610") {
      dismisser = id;
      break;
    }
  }
  ASSERT_FALSE(dismisser.empty());
  v1::Feedback dismiss;
  dismiss.set_company_id(dismisser);
  dismiss.set_program_id("gyeonggi-gms-2026");
  dismiss.set_kind(v1::FEEDBACK_KIND_DISMISSED);
  JIWON_ASSERT_OK(node_->registry->RecordFeedback(dismiss));
  auto gms = node_->registry->GetProgram("gyeonggi-gms-2026");
  JIWON_ASSERT_OK(gms);
  v1::Program stricter = *gms;
  *stricter.add_rules() = RegionRule("gwangju-only", "41610");
  JIWON_ASSERT_OK(node_->registry->UpsertProgram(stricter));
  node_->rescorer->WaitForChanges();
  const std::set<std::string> gms_after =
      EligibleCompanies(*node_->registry, "gyeonggi-gms-2026", day);
  ASSERT_LT(gms_after.size(), gms_before.size());
  std::set<std::string> want_gone;
  for (const std::string& c : gms_before) {
    if (!gms_after.contains(c) && c != dismisser) want_gone.insert(c);
  }
  std::set<std::string> gone;
  for (const v1::Alert& a : node_->Alerts(after_new)) {
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_NO_LONGER_ELIGIBLE) << Describe(a);
    EXPECT_EQ(a.program_id(), "gyeonggi-gms-2026");
    EXPECT_EQ(a.before(), v1::ELIGIBILITY_ELIGIBLE);
    gone.insert(a.company_id());
  }
  EXPECT_EQ(gone, want_gone);
  EXPECT_FALSE(gone.contains(dismisser));

  // A company applied to a program closing within a week of the next run.
  const Date next_day = D("2026-12-03");
  const std::set<std::string> ysa =
      EligibleCompanies(*node_->registry, "ysa-2027", next_day);
  ASSERT_GE(ysa.size(), 2u);
  const std::string applicant = *ysa.begin();
  v1::Feedback applied;
  applied.set_company_id(applicant);
  applied.set_program_id("ysa-2027");
  applied.set_kind(v1::FEEDBACK_KIND_APPLIED);
  JIWON_ASSERT_OK(node_->registry->RecordFeedback(applied));

  // The nightly rescore: the changes are not news again; reminders.
  const uint64_t before_run = node_->alerts->last_id();
  auto summary = node_->Rescore(next_day);
  JIWON_ASSERT_OK(summary);
  std::set<std::string> closing_ysa;
  std::set<std::pair<std::string, std::string>> first_reminders;
  for (const v1::Alert& a : node_->Alerts()) {
    if (std::stoull(a.id()) <= after_first) {
      first_reminders.emplace(a.company_id(), a.program_id());
    }
  }
  for (const v1::Alert& a : node_->Alerts(before_run)) {
    EXPECT_EQ(a.source(), summary->state.run_id);
    EXPECT_NE(a.program_id(), "gyeonggi-new-2026") << Describe(a);
    EXPECT_NE(a.program_id(), "gyeonggi-gms-2026") << Describe(a);
    if (a.kind() == v1::ALERT_KIND_CLOSING_SOON) {
      EXPECT_FALSE(first_reminders.contains({a.company_id(), a.program_id()}))
          << "reminded twice: " << Describe(a);
      if (a.program_id() == "ysa-2027") closing_ysa.insert(a.company_id());
    }
  }
  // ysa-2027 ends 12-10, within a week of 12-03: every eligible company but
  // the one that applied.
  std::set<std::string> want_ysa = ysa;
  want_ysa.erase(applicant);
  EXPECT_EQ(closing_ysa, want_ysa);

  // Nothing changed since: the next run makes no alert at all, not even
  // for the program whose dismissal is undone (it was never lost again).
  JIWON_ASSERT_OK(
      node_->registry->DeleteFeedback(dismisser, "gyeonggi-gms-2026"));
  const uint64_t after_second = node_->alerts->last_id();
  JIWON_ASSERT_OK(node_->Rescore(next_day));
  EXPECT_TRUE(node_->Alerts(after_second).empty());
}

// With a retention, a finished run removes the alerts made longer ago
// than it from the feed, and only those.
TEST_F(RescoreTest, AFinishedRunTrimsTheFeedToItsRetention) {
  int64_t now = 1'790'000'000;  // 2026-09-21T14:13:20Z
  node_->rescorer->set_clock([&] { return now; });
  node_->rescorer->set_alert_retention_days(30);
  JIWON_ASSERT_OK(node_->Rescore(D("2026-12-01")));
  const uint64_t first_run = node_->alerts->last_id();
  ASSERT_GT(first_run, 0u);
  EXPECT_EQ(node_->alerts->first_id(), 1u);  // nothing old enough yet

  // 40 days later a new program makes alerts at once, and a run follows.
  now += 40 * 86400;
  auto base = node_->registry->GetProgram("relocation-2026");
  JIWON_ASSERT_OK(base);
  v1::Program fresh = *base;
  fresh.set_id("gyeonggi-new-2026");
  fresh.clear_rules();
  *fresh.add_rules() = RegionRule("gyeonggi", "41");
  JIWON_ASSERT_OK(node_->registry->UpsertProgram(fresh));
  node_->rescorer->WaitForChanges();
  const uint64_t changes = node_->alerts->last_id();
  ASSERT_GT(changes, first_run);
  JIWON_ASSERT_OK(node_->Rescore(D("2026-12-02")));

  // The first run's alerts are gone; the program change's stay.
  EXPECT_EQ(node_->alerts->first_id(), first_run + 1);
  const std::vector<v1::Alert> kept = node_->Alerts();
  ASSERT_GE(kept.size(), changes - first_run);
  EXPECT_EQ(kept.front().id(), absl::StrCat(first_run + 1));
  for (const v1::Alert& a : kept) {
    EXPECT_GE(a.created_at(), Rfc3339(now - 30 * 86400)) << Describe(a);
  }
  EXPECT_EQ(node_->alerts->Read(1, "", [](v1::Alert&&) { return true; }).code(),
            absl::StatusCode::kOutOfRange);
}

// One run per shard at a time: a second waits a while for the first, then
// is refused by name.
TEST_F(RescoreTest, ASecondRunOfTheSameShardIsRefusedWhileOneRuns) {
  RescoreOptions options;
  options.as_of = D("2026-12-01");
  std::mutex mu;
  std::condition_variable cv;
  bool running = false;
  bool release = false;
  absl::StatusOr<RescoreSummary> first;
  std::thread runner([&] {
    first = node_->rescorer->Run(
        options, [] { return false; },
        [&](const RescoreProgress&) {
          std::unique_lock lock(mu);
          running = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
        });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return running; });
  }
  const absl::StatusOr<RescoreSummary> second = node_->rescorer->Run(
      options, [] { return false; }, nullptr);
  // The refused call is no run: the first still counts as running, and
  // nothing has ended.
  const Rescorer::Stats during = node_->rescorer->stats();
  EXPECT_EQ(during.running, 1);
  EXPECT_EQ(during.runs_failed, 0u);
  EXPECT_EQ(during.last_ended_at, 0);
  {
    std::lock_guard lock(mu);
    release = true;
    cv.notify_all();
  }
  runner.join();
  JIWON_ASSERT_OK(first);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(engine::ReasonOf(second.status()), "RESCORE_IN_PROGRESS");
  const Rescorer::Stats after = node_->rescorer->stats();
  EXPECT_EQ(after.running, 0);
  EXPECT_EQ(after.runs_finished, 1u);
  EXPECT_EQ(after.runs_failed, 0u);
  EXPECT_TRUE(after.last_ok);
  EXPECT_GT(after.last_companies, 0);
}

// Without incremental alerts (a change before any run), the rescore finds
// what changed, dismissals respected.
TEST_F(RescoreTest, RescoreFindsNewMatchesAndRespectsDismissals) {
  const Date day = D("2026-12-01");
  JIWON_ASSERT_OK(node_->Rescore(day));
  // Profiles change: thirty companies move to 광주시; one dismissed the
  // program it would gain.
  const std::set<std::string> gwangju_before =
      EligibleCompanies(*node_->registry, "gwangju-smart-levelup-2026", day);
  std::vector<std::string> movers;
  for (int i = 1; movers.size() < 30 && i <= 320; ++i) {
    const std::string id = absl::StrFormat("C%04d", i);
    if (gwangju_before.contains(id)) continue;
    auto c = node_->registry->GetCompany(id);
    JIWON_ASSERT_OK(c);
    v1::Company moved = *c;
    moved.set_head_office_region("41610");
    JIWON_ASSERT_OK(node_->registry->UpsertCompany(&moved));
    movers.push_back(id);
  }
  const std::set<std::string> gwangju_after =
      EligibleCompanies(*node_->registry, "gwangju-smart-levelup-2026", day);
  std::set<std::string> gained;
  for (const std::string& id : gwangju_after) {
    if (!gwangju_before.contains(id)) gained.insert(id);
  }
  ASSERT_GE(gained.size(), 2u);
  const std::string dismisser = *gained.begin();
  v1::Feedback dismiss;
  dismiss.set_company_id(dismisser);
  dismiss.set_program_id("gwangju-smart-levelup-2026");
  dismiss.set_kind(v1::FEEDBACK_KIND_DISMISSED);
  JIWON_ASSERT_OK(node_->registry->RecordFeedback(dismiss));

  const uint64_t before_run = node_->alerts->last_id();
  auto summary = node_->Rescore(day);
  JIWON_ASSERT_OK(summary);
  std::set<std::string> newly;
  for (const v1::Alert& a : node_->Alerts(before_run)) {
    if (a.kind() == v1::ALERT_KIND_NEWLY_ELIGIBLE &&
        a.program_id() == "gwangju-smart-levelup-2026") {
      newly.insert(a.company_id());
    }
    EXPECT_NE(a.company_id() + a.program_id(),
              dismisser + "gwangju-smart-levelup-2026");
  }
  std::set<std::string> want = gained;
  want.erase(dismisser);
  EXPECT_EQ(newly, want);
  EXPECT_GE(summary->state.newly_eligible, static_cast<int64_t>(want.size()));
}

TEST_F(RescoreTest, AStoppedRunResumesToTheSameResultsAndAlerts) {
  testing::TempDir other_dir;
  auto other = std::make_unique<Node>(other_dir.path());
  other->LoadDemo();

  // Both: a baseline, then a change of catalog and a second run.
  auto change = [](Node& node) {
    auto p = node.registry->GetProgram("gyeonggi-gms-2026");
    ASSERT_TRUE(p.ok());
    v1::Program q = *p;
    q.mutable_rules(0)->mutable_condition()->mutable_predicate()->add_codes(
        "11");
    ASSERT_TRUE(node.registry->UpsertProgram(q).ok());
    ASSERT_TRUE(node.registry->DeleteProgram("relocation-2026").ok());
    node.registry->WaitForMatcher();
  };
  JIWON_ASSERT_OK(node_->Rescore(D("2026-12-01")));
  change(*node_);
  JIWON_ASSERT_OK(node_->Rescore(D("2026-12-03")));

  JIWON_ASSERT_OK(other->Rescore(D("2026-12-01")));
  change(*other);
  // Stopped after 2 of 5 checkpoints, then after 1 more, by a restarted
  // server; then finished. A resumed run keeps its date.
  auto stopped = other->Rescore(D("2026-12-03"), 64, 2);
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  other.reset();
  other = std::make_unique<Node>(other_dir.path());
  auto stopped_again = other->Rescore(D("2026-12-03"), 64, 1);
  EXPECT_EQ(stopped_again.status().code(), absl::StatusCode::kCancelled);
  other.reset();
  other = std::make_unique<Node>(other_dir.path());
  auto finished = other->Rescore(D("2030-01-01"), 64);
  JIWON_ASSERT_OK(finished);
  EXPECT_EQ(finished->resumed_from, 192);
  EXPECT_EQ(finished->state.companies, 320);
  EXPECT_EQ(finished->state.as_of, D("2026-12-03"));

  EXPECT_EQ(other->Results(), node_->Results());
  const std::vector<v1::Alert> want = node_->Alerts();
  const std::vector<v1::Alert> got = other->Alerts();
  ASSERT_EQ(got.size(), want.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(Describe(got[i]), Describe(want[i])) << i;
    EXPECT_TRUE(ids.insert(got[i].id()).second) << "id twice: " << got[i].id();
  }
  // The change made alerts of both kinds.
  std::set<int> kinds;
  for (const v1::Alert& a : got) kinds.insert(a.kind());
  EXPECT_TRUE(kinds.contains(v1::ALERT_KIND_NEWLY_ELIGIBLE));
  EXPECT_TRUE(kinds.contains(v1::ALERT_KIND_CLOSING_SOON));
}

TEST_F(RescoreTest, ShardsCoverEveryCompanyOnce) {
  std::map<std::string, int> seen;
  for (uint32_t i = 0; i < 3; ++i) {
    RescoreOptions options;
    options.as_of = D("2026-12-01");
    options.shard_index = i;
    options.shard_count = 3;
    auto summary = node_->rescorer->Run(options, nullptr, nullptr);
    JIWON_ASSERT_OK(summary);
    EXPECT_GT(summary->state.companies, 60);
    JIWON_ASSERT_OK(
        node_->store->Scan(storage::Table::kResults, "",
                           [&](std::string_view key, std::string_view) {
                             if (ShardOf(key, 3) == i) ++seen[std::string(key)];
                             return true;
                           }));
  }
  EXPECT_EQ(seen.size(), 320u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;

  RescoreOptions bad;
  bad.shard_index = 3;
  bad.shard_count = 3;
  auto refused = node_->rescorer->Run(bad, nullptr, nullptr);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("shard_index"), std::string::npos);
}

TEST(ResultsCodecTest, RoundTripsAndRejectsDamage) {
  StoredResults r;
  r.catalog_version = 42;
  r.computed_at = 1'790'000'000;
  r.as_of = D("2026-12-01");
  r.run_id = "20261201T000000Z-0of1";
  r.entries = {{3, engine::Eligibility::kEligible, 120},
               {70, engine::Eligibility::kUndetermined, -5},
               {9000, engine::Eligibility::kEligible, 0}};
  r.reminders = {
      {3, D("2026-12-04")}, {3, D("2026-12-11")}, {70, D("2026-12-04")}};
  const std::string bytes = EncodeResults(r);
  std::optional<StoredResults> back = DecodeResults(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(EncodeResults(*back), bytes);
  ASSERT_EQ(back->entries.size(), 3u);
  EXPECT_EQ(back->entries[1].index, 70u);
  EXPECT_EQ(back->entries[1].score, -5);
  EXPECT_EQ(back->entries[1].eligibility, engine::Eligibility::kUndetermined);
  EXPECT_EQ(back->reminders, r.reminders);
  EXPECT_FALSE(DecodeResults(bytes.substr(0, bytes.size() - 1)).has_value());
  EXPECT_FALSE(DecodeResults(bytes + "x").has_value());
}

// Found by the decoders fuzzer: a gap of 2^64 - 1 wrapped the position
// back by one, so damaged bytes decoded with positions out of order.
TEST(ResultsCodecTest, RefusesGapsThatWrap) {
  std::string bytes;
  auto varint = [&](uint64_t v) { server::wire::AppendVarint(&bytes, v); };
  varint(1);      // format
  varint(0);      // catalog version
  varint(0);      // computed at
  varint(0);      // as of
  varint(0);      // run id, empty
  varint(2);      // two entries
  varint(5);      // at 5
  varint(0);      //   eligible, score 0
  varint(~0ULL);  // "gap" back to 4
  varint(0);
  varint(0);  // no reminders
  EXPECT_FALSE(DecodeResults(bytes).has_value());
  for (const std::pair<int, int>& at : {std::pair{5, 0}, std::pair{5, 3}}) {
    StoredResults r;
    r.entries = {
        {static_cast<uint32_t>(at.first), engine::Eligibility::kEligible, 1},
        {static_cast<uint32_t>(at.first + at.second),
         engine::Eligibility::kEligible, 2}};
    std::optional<StoredResults> back = DecodeResults(EncodeResults(r));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->entries[1].index,
              static_cast<uint32_t>(at.first + at.second));
  }
}

// The alerts written by hand are the bytes protobuf writes for them.
TEST(AlertCodecTest, EqualsProtobufsEncoding) {
  const std::vector<std::string> texts = {
      "", "C0000001", "청년창업사관학교 3기", std::string(200, 'x')};
  int compared = 0;
  for (int i = 0; i < 200; ++i) {
    AlertRecord r;
    r.kind = static_cast<v1::AlertKind>(i % 4);
    r.company_id = texts[i % 4];
    r.program_id = texts[(i / 4) % 4];
    r.program_title = texts[(i / 16) % 4];
    r.before = static_cast<v1::Eligibility>(i % 5);
    r.after = static_cast<v1::Eligibility>((i / 5) % 5);
    r.score = i % 3 == 0 ? -i * 1'000'000'007LL : i;
    r.window_end = i % 2 ? "2026-12-01" : "";
    r.source = texts[(i / 3) % 4];
    r.catalog_version = i % 7 == 0 ? 0 : (int64_t{1} << (i % 63));
    r.as_of = i % 5 ? "2026-11-27" : "";
    r.created_at = texts[(i / 7) % 4];
    v1::Alert want;
    want.set_kind(r.kind);
    want.set_company_id(std::string(r.company_id));
    want.set_program_id(std::string(r.program_id));
    want.set_program_title(std::string(r.program_title));
    want.set_before(r.before);
    want.set_after(r.after);
    want.set_score(r.score);
    want.set_window_end(std::string(r.window_end));
    want.set_source(std::string(r.source));
    want.set_catalog_version(r.catalog_version);
    want.set_as_of(std::string(r.as_of));
    want.set_created_at(std::string(r.created_at));
    std::string got = "left over";
    EncodeAlert(r, &got);
    ASSERT_EQ(got, want.SerializeAsString()) << "record " << i;
    ++compared;
  }
  EXPECT_EQ(compared, 200);
}

// The alert feed alone, over a real RocksDB.
class AlertLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenRocksDbStore(dir_.path());
    JIWON_ASSERT_OK(store);
    store_ = *std::move(store);
    Reopen();
  }

  void Reopen() {
    log_.reset();
    auto log = AlertLog::Open(store_.get());
    JIWON_ASSERT_OK(log);
    log_ = *std::move(log);
  }

  // Commits an alert for each company in turn, for `program`, made at
  // `made`; with `program` empty, for p1, p2, ... by the alert's number.
  void Commit(const std::vector<std::string>& companies,
              const std::string& program = "", const std::string& made = "",
              bool ingest = true) {
    std::vector<AlertLog::Pending> alerts;
    uint64_t id = log_->last_id();
    for (const std::string& c : companies) {
      const std::string p = program.empty() ? absl::StrCat("p", ++id) : program;
      AlertRecord r;
      r.kind = v1::ALERT_KIND_CLOSING_SOON;
      r.company_id = c;
      r.program_id = p;
      r.created_at = made;
      AlertLog::Pending& pending = alerts.emplace_back();
      pending.company_id = c;
      EncodeAlert(r, &pending.bytes);
    }
    JIWON_ASSERT_OK(log_->Commit({}, std::move(alerts), nullptr, ingest));
  }

  std::vector<uint64_t> Ids(uint64_t after, const std::string& company) {
    std::vector<uint64_t> out;
    absl::Status s = log_->Read(after, company, [&](v1::Alert&& a) {
      out.push_back(std::stoull(a.id()));
      return true;
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<AlertLog> log_;
};

// A follower that has caught up waits on a subscription: woken once by
// the next commit that goes past it, never by one that does not exist
// yet, and by Close at shutdown.
TEST_F(AlertLogTest, SubscribersAreWokenOnceByTheCommitPastThem) {
  int woken_a = 0, woken_b = 0, woken_c = 0;
  std::optional<uint64_t> a = log_->Subscribe(0, [&] { ++woken_a; });
  ASSERT_TRUE(a.has_value());
  Commit({"A"});  // alert 1
  EXPECT_EQ(woken_a, 1);
  EXPECT_FALSE(log_->Unsubscribe(*a));  // already called
  // Behind the feed: read again at once, no subscription.
  EXPECT_FALSE(log_->Subscribe(0, [&] { ++woken_b; }).has_value());
  std::optional<uint64_t> b = log_->Subscribe(1, [&] { ++woken_b; });
  std::optional<uint64_t> c = log_->Subscribe(1, [&] { ++woken_c; });
  ASSERT_TRUE(b.has_value() && c.has_value());
  EXPECT_TRUE(log_->Unsubscribe(*c));              // a reader that went away
  JIWON_ASSERT_OK(log_->Commit({}, {}, nullptr));  // no alert: wakes none
  EXPECT_EQ(woken_b, 0);
  Commit({"B", "C"});  // alerts 2 and 3
  EXPECT_EQ(woken_b, 1);
  EXPECT_EQ(woken_c, 0);
  Commit({"D"});
  EXPECT_EQ(woken_b, 1);  // once only
  // Shutdown wakes those still waiting, and takes no new ones.
  int woken_d = 0;
  ASSERT_TRUE(log_->Subscribe(4, [&] { ++woken_d; }).has_value());
  EXPECT_FALSE(log_->closed());
  log_->Close();
  EXPECT_EQ(woken_d, 1);
  EXPECT_TRUE(log_->closed());
  EXPECT_FALSE(log_->Subscribe(4, [&] { ++woken_d; }).has_value());
  EXPECT_EQ(woken_d, 1);
}

// One company's alerts through the index, whose entries each cover a run
// of the company's consecutive alerts, from every resume token; entries of
// one alert each (empty value, as older databases hold) read the same.
TEST_F(AlertLogTest, ReadsOneCompanysAlertsFromAnyToken) {
  // Ids 1-3 A, 4 B, 5 A, 6-7 AB ("A" is a prefix of "AB").
  Commit({"A", "A", "A", "B", "A", "AB", "AB"});
  // Ids 8 and 9 A, one commit each: entries of one alert.
  Commit({"A"}, "", "", /*ingest=*/false);
  Commit({"A"}, "", "", /*ingest=*/false);

  const std::vector<uint64_t> a_ids = {1, 2, 3, 5, 8, 9};
  for (uint64_t after = 0; after <= 9; ++after) {
    std::vector<uint64_t> got;
    uint64_t reached = 0;
    JIWON_ASSERT_OK(log_->Read(
        after, "A",
        [&](v1::Alert&& a) {
          uint64_t id = 0;
          EXPECT_TRUE(absl::SimpleAtoi(a.id(), &id));
          EXPECT_EQ(a.company_id(), "A");
          EXPECT_EQ(a.program_id(), absl::StrCat("p", id));
          got.push_back(id);
          return true;
        },
        &reached));
    std::vector<uint64_t> want;
    for (uint64_t id : a_ids) {
      if (id > after) want.push_back(id);
    }
    EXPECT_EQ(got, want) << "after " << after;
    EXPECT_EQ(reached, 9u);
  }
  // A reader that stops after one alert resumes right after it.
  uint64_t reached = 0;
  JIWON_ASSERT_OK(log_->Read(
      1, "A", [](v1::Alert&&) { return false; }, &reached));
  EXPECT_EQ(reached, 2u);
  EXPECT_EQ(Ids(0, "AB"), (std::vector<uint64_t>{6, 7}));
}

// Tokens at and past the feed's end, up to the top of uint64: none wraps
// into "no longer kept"; one past the last alert is refused by name.
TEST_F(AlertLogTest, TokensPastTheEndAreRefusedNotWrapped) {
  Commit({"A", "B"});  // 1-2
  EXPECT_EQ(Ids(2, ""), (std::vector<uint64_t>{}));
  for (uint64_t after : {uint64_t{3}, uint64_t{1} << 63,
                         std::numeric_limits<uint64_t>::max() - 1,
                         std::numeric_limits<uint64_t>::max()}) {
    const absl::Status s =
        log_->Read(after, "", [](v1::Alert&&) { return true; });
    EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << after;
    EXPECT_NE(s.message().find("has not been made"), std::string::npos) << s;
    EXPECT_NE(s.message().find("ends at alert 2"), std::string::npos) << s;
    EXPECT_EQ(s.message().find("no longer kept"), std::string::npos) << s;
  }
}

// Trimming removes the oldest alerts, by the time they were made: readers
// from a later token see no difference, one from an earlier token is told,
// numbering goes on across a restart, and the index entries of the alerts
// gone go when the index is compacted.
TEST_F(AlertLogTest, TrimRemovesTheOldestAlerts) {
  Commit({"A", "A", "B"}, "p", "2026-08-01T00:00:00Z");  // 1-3
  Commit({"A", "B", "B"}, "p", "2026-09-01T00:00:00Z");  // 4-6
  Commit({"A"}, "p", "2026-10-01T00:00:00Z");            // 7

  auto trimmed = log_->Trim("2026-08-15T00:00:00Z");
  JIWON_ASSERT_OK(trimmed);
  EXPECT_EQ(*trimmed, 3u);
  EXPECT_EQ(log_->first_id(), 4u);
  EXPECT_EQ(Ids(0, ""), (std::vector<uint64_t>{4, 5, 6, 7}));
  EXPECT_EQ(Ids(3, ""), (std::vector<uint64_t>{4, 5, 6, 7}));
  EXPECT_EQ(Ids(5, ""), (std::vector<uint64_t>{6, 7}));
  EXPECT_EQ(Ids(0, "A"), (std::vector<uint64_t>{4, 7}));
  EXPECT_EQ(Ids(0, "B"), (std::vector<uint64_t>{5, 6}));
  const absl::Status old = log_->Read(2, "", [](v1::Alert&&) { return true; });
  EXPECT_EQ(old.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(engine::ReasonOf(old), "ALERTS_EXPIRED");
  EXPECT_NE(old.message().find("after:"), std::string::npos) << old;
  EXPECT_EQ(log_->Read(1, "A", [](v1::Alert&&) { return true; }).code(),
            absl::StatusCode::kOutOfRange);
  auto again = log_->Trim("2026-08-15T00:00:00Z");
  JIWON_ASSERT_OK(again);
  EXPECT_EQ(*again, 0u);

  // The index entries of alerts 1-3 go with the next compaction.
  auto index_entries = [&] {
    int n = 0;
    EXPECT_TRUE(store_
                    ->Scan(storage::Table::kAlertsByCompany, "",
                           [&](std::string_view, std::string_view) {
                             ++n;
                             return true;
                           })
                    .ok());
    return n;
  };
  EXPECT_EQ(index_entries(), 5);  // A 1-2, B 3, A 4, B 5-6, A 7
  JIWON_ASSERT_OK(store_->Compact(storage::Table::kAlertsByCompany));
  EXPECT_EQ(index_entries(), 3);

  // Everything goes; numbering goes on after a restart.
  auto all = log_->Trim("2027-01-01T00:00:00Z");
  JIWON_ASSERT_OK(all);
  EXPECT_EQ(*all, 4u);
  EXPECT_TRUE(Ids(0, "").empty());
  Reopen();
  EXPECT_EQ(log_->first_id(), 8u);
  EXPECT_EQ(log_->last_id(), 7u);
  Commit({"A"}, "p", "2027-02-01T00:00:00Z");
  EXPECT_EQ(Ids(0, "A"), (std::vector<uint64_t>{8}));
  EXPECT_EQ(Ids(7, ""), (std::vector<uint64_t>{8}));
}

}  // namespace
}  // namespace jiwon::app
