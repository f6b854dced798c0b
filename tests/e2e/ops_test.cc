// What an operator relies on, end to end with the real binaries: metrics
// that move with the calls, request and rescore log lines in JSON, backups
// taken while jiwond serves and restored by a new jiwond, and start-up
// refusals that name what is wrong.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/e2e/pki.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using testing::ReadFile;
using testing::ServerProcess;
using testing::Spawn;
using testing::WaitExit;

using Result = testing::Finished;
using testing::RunToEnd;

// One scrape: each sample line's series ("name{labels}") and value.
using Samples = std::map<std::string, double>;

Samples ParseMetrics(const std::string& text) {
  Samples out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    double v = 0;
    if (!absl::SimpleAtod(line.substr(space + 1), &v)) continue;
    out[std::string(line.substr(0, space))] = v;
  }
  return out;
}

// The value of the series of `name` whose labels include every one of
// `labels` (`key="value"` each); -1 when there is none.
double Value(const Samples& s, const std::string& name,
             std::vector<std::string> labels = {}) {
  for (const auto& [series, v] : s) {
    const std::string base = series.substr(0, series.find('{'));
    if (base != name) continue;
    bool all = true;
    for (const std::string& l : labels) {
      if (series.find(l) == std::string::npos) all = false;
    }
    if (all) return v;
  }
  return -1;
}

class OpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string line;
    token_ = testing::NewToken("ops", "admin", &line);
    std::ofstream(dir_.path() + "/tokens") << line << "\n";
    std::ofstream(dir_.path() + "/bad-token") << "not-a-token\n";
    setenv("JIWON_TOKEN", token_.c_str(), 1);
  }
  void TearDown() override { unsetenv("JIWON_TOKEN"); }

  // jiwond over `data` (under the test's directory) with tokens, `flags`
  // besides.
  std::unique_ptr<ServerProcess> Start(const std::string& data,
                                       std::vector<std::string> flags = {}) {
    flags.push_back("--auth_tokens=" + dir_.path() + "/tokens");
    auto server = std::make_unique<ServerProcess>(
        dir_.path(), dir_.path() + "/" + data, std::move(flags));
    EXPECT_TRUE(server->ok()) << server->log();
    addr_ = server->addr();
    return server;
  }

  Result Run(const char* binary, std::vector<std::string> args) {
    args.insert(args.begin(), {binary, "--addr=" + addr_});
    return RunToEnd(args, dir_.path(), "cli");
  }
  Result Jiwon(std::vector<std::string> args) {
    return Run(JIWON_PATH, std::move(args));
  }

  void LoadDemo() {
    Result p = Jiwon({"program", "import", JIWON_DEMO_DIR "/programs.jsonl"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    Result c = Jiwon({"company", "import", JIWON_DEMO_DIR "/companies.jsonl"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }

  // GET `url` with curl; the body.
  std::string Get(const std::string& url) {
    const std::string out = dir_.path() + "/curl.out";
    const int code = WaitExit(Spawn({"curl", "-sS", "--max-time", "20", url},
                                    out, dir_.path() + "/curl.err"));
    EXPECT_EQ(code, 0) << ReadFile(dir_.path() + "/curl.err");
    return ReadFile(out);
  }

  std::string MetricsUrl() {
    const std::string port = ReadFile(dir_.path() + "/metrics.port");
    return absl::StrCat("http://127.0.0.1:",
                        absl::StripTrailingAsciiWhitespace(port), "/metrics");
  }

  testing::TempDir dir_;
  std::string token_;
  std::string addr_;
};

TEST_F(OpsTest, MetricsMoveWithCallsRescoresAndRefusals) {
  auto server =
      Start("data", {"--metrics_listen=127.0.0.1:0",
                     "--metrics_port_file=" + dir_.path() + "/metrics.port"});
  ASSERT_TRUE(server->ok());
  LoadDemo();
  const std::string url = MetricsUrl();
  const Samples before = ParseMetrics(Get(url));
  const std::string recommend = "method=\"jiwon.v1.MatchService/Recommend\"";
  EXPECT_EQ(Value(before, "jiwon_rpc_calls_total", {recommend}), -1);
  EXPECT_EQ(Value(before, "jiwon_companies"), 320);
  EXPECT_EQ(Value(before, "jiwon_rescore_runs_total", {"result=\"finished\""}),
            0);

  // A Recommend, a call that fails, one the door refuses, a rescore, and a
  // reader of the alert feed.
  ASSERT_EQ(Jiwon({"recommend", "C0001", "--as_of=2026-11-27"}).exit_code, 0);
  EXPECT_EQ(Jiwon({"company", "get", "NOPE"}).exit_code, 1);
  EXPECT_NE(Jiwon({"company", "get", "C0001",
                   "--token_file=" + dir_.path() + "/bad-token"})
                .exit_code,
            0);
  Result rescore = Run(JIWON_RESCORE_PATH, {"--as_of=2026-11-27"});
  ASSERT_EQ(rescore.exit_code, 0) << rescore.err;
  ASSERT_EQ(Jiwon({"alerts", "--json"}).exit_code, 0);

  const std::string text = Get(url);
  const Samples after = ParseMetrics(text);
  EXPECT_EQ(Value(after, "jiwon_rpc_calls_total", {recommend, "code=\"OK\""}),
            1)
      << text;
  EXPECT_EQ(Value(after, "jiwon_rpc_duration_seconds_count", {recommend}), 1);
  EXPECT_GT(Value(after, "jiwon_rpc_duration_seconds_sum", {recommend}), 0);
  EXPECT_EQ(Value(after, "jiwon_rpc_calls_total",
                  {"method=\"jiwon.v1.CompanyService/GetCompany\"",
                   "code=\"NOT_FOUND\""}),
            1);
  EXPECT_EQ(
      Value(after, "jiwon_door_refusals_total", {"code=\"UNAUTHENTICATED\""}),
      1);
  EXPECT_EQ(Value(after, "jiwon_rescore_runs_total", {"result=\"finished\""}),
            1);
  EXPECT_EQ(Value(after, "jiwon_rescore_last_success"), 1);
  EXPECT_EQ(Value(after, "jiwon_rescore_last_companies"), 320);
  EXPECT_GT(Value(after, "jiwon_rescore_last_duration_seconds"), 0);
  EXPECT_GT(Value(after, "jiwon_rescore_last_end_time_seconds"),
            Value(after, "jiwon_start_time_seconds") - 1);
  EXPECT_EQ(Value(after, "jiwon_rescore_running"), 0);
  const double newest = Value(after, "jiwon_alert_newest_id");
  EXPECT_GT(newest, 0);  // closing-soon reminders of the baseline
  EXPECT_EQ(Value(after, "jiwon_alert_feed_alerts"), newest);
  EXPECT_EQ(Value(after, "jiwon_alert_consumer_position", {"consumer=\"ops\""}),
            newest);
  EXPECT_EQ(Value(after, "jiwon_alert_consumer_lag", {"consumer=\"ops\""}), 0);
  // The catalog and the store.
  EXPECT_GT(Value(after, "jiwon_catalog_version"), 0);
  const double programs =
      Value(after, "jiwon_programs", {"status=\"open\""}) +
      Value(after, "jiwon_programs", {"status=\"upcoming\""}) +
      Value(after, "jiwon_programs", {"status=\"closed\""});
  EXPECT_EQ(programs, 46);
  EXPECT_EQ(Value(after, "jiwon_matcher_current"), 1);
  // The rescore's results went in as table files.
  EXPECT_GT(Value(after, "jiwon_rocksdb_live_sst_bytes"), 0);
  EXPECT_GE(Value(after, "jiwon_rocksdb_memtable_bytes"), 0);
  EXPECT_GE(Value(after, "jiwon_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_GE(Value(after, "jiwon_rocksdb_block_cache_hit_ratio"), 0);
  EXPECT_EQ(Value(after, "jiwon_rocksdb_writes_stopped"), 0);
  EXPECT_GT(Value(after, "process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(Value(after, "process_threads"), 2);
  EXPECT_GT(Value(after, "process_cpu_seconds_total"),
            Value(before, "process_cpu_seconds_total"));
  EXPECT_EQ(Value(after, "jiwon_build_info", {"version=\"" JIWON_VERSION "\""}),
            1)
      << text;
  EXPECT_EQ(server->Stop(), 0) << server->log();
}

TEST_F(OpsTest, JsonLogsCarryRequestsAndRescores) {
  auto server = Start("data", {"--log_format=json", "--log_level=debug"});
  ASSERT_TRUE(server->ok());
  LoadDemo();
  ASSERT_EQ(Jiwon({"company", "get", "C0001"}).exit_code, 0);
  ASSERT_EQ(Jiwon({"recommend", "C0002", "--as_of=2026-11-27"}).exit_code, 0);
  ASSERT_EQ(Run(JIWON_RESCORE_PATH, {"--as_of=2026-11-27"}).exit_code, 0);
  ASSERT_EQ(server->Stop(), 0);
  const std::string log = server->log();
  int lines = 0;
  bool show = false, recommend = false, started = false, finished = false,
       swapped = false;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    ++lines;
    // One object a line, time and level first.
    EXPECT_TRUE(absl::StartsWith(line, "{\"time\":\"20")) << line;
    EXPECT_TRUE(absl::EndsWith(line, "}")) << line;
    EXPECT_TRUE(absl::StrContains(line, "\"level\":\"")) << line;
    if (absl::StrContains(line, "\"message\":\"call\"")) {
      EXPECT_TRUE(absl::StrContains(line, "\"caller\":\"ops\"")) << line;
      EXPECT_TRUE(absl::StrContains(line, "\"ms\":")) << line;
      if (absl::StrContains(line, "CompanyService/GetCompany") &&
          absl::StrContains(line, "\"ids\":\"company_id=C0001\"") &&
          absl::StrContains(line, "\"code\":\"OK\"")) {
        show = true;
      }
      if (absl::StrContains(line, "MatchService/Recommend") &&
          absl::StrContains(line, "company_id=C0002")) {
        recommend = true;
      }
    }
    if (absl::StrContains(line, "\"message\":\"rescore started\"") &&
        absl::StrContains(line, "\"companies\":320")) {
      started = true;
    }
    if (absl::StrContains(line, "\"message\":\"rescore finished\"") &&
        absl::StrContains(line, "\"companies\":320") &&
        absl::StrContains(line, "\"seconds\":")) {
      finished = true;
    }
    if (absl::StrContains(line, "\"message\":\"catalog swapped\"") &&
        absl::StrContains(line, "\"programs\":46")) {
      swapped = true;
    }
  }
  EXPECT_GT(lines, 5);
  EXPECT_TRUE(show) << log;
  EXPECT_TRUE(recommend) << log;
  EXPECT_TRUE(started) << log;
  EXPECT_TRUE(finished) << log;
  EXPECT_TRUE(swapped) << log;
}

TEST_F(OpsTest, BackupWhileServingRestoresTheStateOfThatMoment) {
  const std::string root = dir_.path() + "/backups";
  auto server = Start("data", {"--backup_root=" + root});
  ASSERT_TRUE(server->ok());
  LoadDemo();
  ASSERT_EQ(Jiwon({"feedback", "C0001", "ysa-2027", "dismissed"}).exit_code, 0)
      << ReadFile(dir_.path() + "/cli.err");
  ASSERT_EQ(Run(JIWON_RESCORE_PATH, {"--as_of=2026-11-27"}).exit_code, 0);
  // What each table shows at the moment of the backup.
  const auto state = [&] {
    std::vector<std::string> out;
    for (std::vector<std::string> args :
         {std::vector<std::string>{"company", "list", "--json"},
          {"program", "list", "--json"},
          {"feedback", "C0001", "--json"},
          {"results", "C0001", "--json"},
          {"alerts", "--json"}}) {
      Result r = Jiwon(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      out.push_back(r.out);
    }
    return out;
  };
  const std::vector<std::string> at_backup = state();

  Result backup = Jiwon({"admin", "backup", "nightly"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("backup 1 in " + root + "/nightly: 320 companies"),
            std::string::npos)
      << backup.out;
  // A directory outside the root is refused, naming the field.
  Result outside = Jiwon({"admin", "backup", "../elsewhere"});
  EXPECT_EQ(outside.exit_code, 1);
  EXPECT_NE(outside.err.find("dir"), std::string::npos) << outside.err;

  // More writes after the backup, then a second, incremental one.
  ASSERT_EQ(Jiwon({"company", "delete", "C0002"}).exit_code, 0);
  ASSERT_EQ(Jiwon({"feedback", "C0001", "ysa-2027", "undo"}).exit_code, 0)
      << ReadFile(dir_.path() + "/cli.err");
  ASSERT_EQ(Jiwon({"program", "delete", "startup-leap-2027"}).exit_code, 0);
  ASSERT_NE(state(), at_backup);
  ASSERT_EQ(Jiwon({"admin", "backup", "nightly"}).exit_code, 0);
  Result list = Jiwon({"admin", "backups", "nightly", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 2) << list.out;
  EXPECT_NE(list.out.find("\"companies\":\"319\""), std::string::npos)
      << list.out;
  ASSERT_EQ(server->Stop(), 0);

  // A new jiwond restores backup 1 into an empty directory and serves it.
  auto restored = Start(
      "restored", {"--restore_from=" + root + "/nightly", "--backup_id=1"});
  ASSERT_TRUE(restored->ok());
  EXPECT_NE(restored->log().find("restored a backup"), std::string::npos);
  EXPECT_EQ(state(), at_backup);
  ASSERT_EQ(restored->Stop(), 0);
  // Restoring over a database is refused, and the database is kept.
  ServerProcess again(dir_.path(), dir_.path() + "/restored",
                      {"--restore_from=" + root + "/nightly"});
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(again.exit_code(), 2);
  EXPECT_NE(again.log().find("holds a database already"), std::string::npos)
      << again.log();
}

TEST_F(OpsTest, StartUpRefusesAMissingDataDirectory) {
  const std::string missing = dir_.path() + "/typo/data";
  const int code = WaitExit(
      Spawn({JIWOND_PATH, "--listen=127.0.0.1:0", "--data_dir=" + missing},
            dir_.path() + "/out", dir_.path() + "/err"));
  EXPECT_EQ(code, 2);
  const std::string err = ReadFile(dir_.path() + "/err");
  EXPECT_NE(
      err.find("--data_dir=" + missing + " (" + missing + ") does not exist"),
      std::string::npos)
      << err;
  EXPECT_NE(err.find("--create_if_missing"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(missing));
  // A directory holding other files is not taken for a new database.
  std::filesystem::create_directories(dir_.path() + "/other");
  std::ofstream(dir_.path() + "/other/notes.txt") << "x";
  EXPECT_EQ(WaitExit(Spawn({JIWOND_PATH, "--listen=127.0.0.1:0",
                            "--data_dir=" + dir_.path() + "/other"},
                           dir_.path() + "/out", dir_.path() + "/err")),
            2);
  EXPECT_NE(ReadFile(dir_.path() + "/err")
                .find("holds files but no jiwon "
                      "database"),
            std::string::npos);
}

TEST_F(OpsTest, StartUpRefusesSwappedReferenceColumns) {
  const std::string ref = dir_.path() + "/reference";
  std::filesystem::copy(JIWON_REFERENCE_DIR, ref);
  // name_ko and name_en swapped in the rows, the header left as it was.
  std::string ksic = ReadFile(ref + "/ksic11.csv");
  std::istringstream in(ksic);
  std::ostringstream out;
  std::string line;
  std::getline(in, line);
  out << line << "\n";
  int row = 0;
  while (std::getline(in, line)) {
    if (++row == 3) {
      // A row without quotes: code,level,section,name_ko,name_en.
      std::vector<std::string> f = absl::StrSplit(line, ',');
      ASSERT_EQ(f.size(), 5u) << line;
      std::swap(f[3], f[4]);
      line = absl::StrJoin(f, ",");
    }
    out << line << "\n";
  }
  std::ofstream(ref + "/ksic11.csv") << out.str();
  ServerProcess server(dir_.path(), dir_.path() + "/data",
                       {"--reference_dir=" + ref});
  EXPECT_FALSE(server.ok());
  EXPECT_EQ(server.exit_code(), 2);
  EXPECT_NE(server.log().find(ref + "/ksic11.csv: line 4, column 4 (name_ko)"),
            std::string::npos)
      << server.log();

  // The columns swapped with their header: read by name, it loads.
  std::filesystem::copy_file(JIWON_REFERENCE_DIR "/ksic11.csv",
                             ref + "/ksic11.csv",
                             std::filesystem::copy_options::overwrite_existing);
  std::string regions = ReadFile(ref + "/regions.csv");
  std::ostringstream swapped;
  std::istringstream rin(regions);
  while (std::getline(rin, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    ASSERT_EQ(f.size(), 7u) << line;
    std::swap(f[0], f[2]);
    swapped << absl::StrJoin(f, ",") << "\n";
  }
  std::ofstream(ref + "/regions.csv") << swapped.str();
  ServerProcess ok(dir_.path(), dir_.path() + "/data2",
                   {"--reference_dir=" + ref});
  EXPECT_TRUE(ok.ok()) << ok.log();
}

}  // namespace
}  // namespace jiwon
