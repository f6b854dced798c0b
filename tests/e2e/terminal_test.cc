// The caseworker's terminal, end to end with the real jiwond and jiwon:
// keyword search over the catalog, flags and exit codes, import reports.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

// What follows each `prefix` in `text`, up to the first of `stops`: the
// values of one JSON field.
std::vector<std::string> After(const std::string& text,
                               const std::string& prefix,
                               const char* stops = "\"") {
  std::vector<std::string> out;
  for (size_t at = text.find(prefix); at != std::string::npos;
       at = text.find(prefix, at + 1)) {
    const size_t begin = at + prefix.size();
    const size_t end = text.find_first_of(stops, begin);
    out.push_back(text.substr(begin, end - begin));
  }
  return out;
}

class TerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<ServerProcess>(dir_.path(), dir_.path() + "/data");
    ASSERT_TRUE(server_->ok()) << server_->log();
    ASSERT_EQ(Jiwon({"program", "import", JIWON_DEMO_DIR "/programs.jsonl"})
                  .exit_code,
              0);
    ASSERT_EQ(Jiwon({"company", "import", JIWON_DEMO_DIR "/companies.jsonl"})
                  .exit_code,
              0);
  }

  Result Jiwon(std::vector<std::string> args) {
    args.insert(args.begin(), {JIWON_PATH, "--addr=" + server_->addr()});
    return RunToEnd(args, dir_.path(), "cli");
  }

  // The program ids of `jiwon program search ... --json`, in order.
  std::vector<std::string> SearchIds(std::vector<std::string> args) {
    args.insert(args.begin(), {"program", "search"});
    args.push_back("--json");
    Result r = Jiwon(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return After(r.out, "\"program\":{\"id\":\"");
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(TerminalTest, SearchFindsTheSmartFactoryProgramsTitleFirst) {
  // Spaced or not, the program with 스마트공장 in its title first, then the
  // one with it in its subcategory.
  for (std::vector<std::string> words :
       {std::vector<std::string>{"스마트", "공장"},
        {"스마트공장"},
        {"스마트ㆍ공장"}}) {
    words.push_back("--as_of=2026-11-27");
    std::vector<std::string> ids = SearchIds(words);
    ASSERT_GE(ids.size(), 2u) << words[0];
    EXPECT_EQ(ids[0], "gyeonggi-smart-factory-2026");
    EXPECT_EQ(ids[1], "gwangju-smart-levelup-2026");
  }
  Result table =
      Jiwon({"program", "search", "스마트", "공장", "--as_of=2026-11-27"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("경기도 스마트공장 구축 지원"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("programs matching \"스마트 공장\""),
            std::string::npos)
      << table.out;
}

TEST_F(TerminalTest, TextFromTheCatalogCannotDriveTheTerminal) {
  // A program whose title and agency carry what would retitle the window,
  // clear the screen, overprint the line and colour text (C0, C1, ESC).
  std::string record = ReadFile(JIWON_DEMO_DIR "/programs.jsonl");
  record = record.substr(0, record.find('\n'));
  const std::string id = "\"id\":\"gbsa-dev-prod-2026\"";
  ASSERT_NE(record.find(id), std::string::npos);
  record.replace(record.find(id), id.size(), "\"id\":\"hostile-2026\"");
  const std::string title = "\"title\":\"";
  const size_t at = record.find(title) + title.size();
  record.insert(at,
                "\\u001b]0;pwned\\u0007\\u001b[2J\\r\\u009b31m\\t"
                "\\u001b[32m✓ 신청 가능 ");
  const std::string file = dir_.path() + "/hostile.json";
  std::ofstream(file) << record;
  Result put = Jiwon({"program", "put", file});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"program", "list", "--color=never"},
           {"program", "search", "pwned", "--color=never"},
           {"recommend", "C0001", "--all", "--color=never", "--reasons=0"},
           {"explain", "C0001", "hostile-2026", "--color=always"}}) {
    Result r = Jiwon(args);
    ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    ASSERT_NE(r.out.find("pwned"), std::string::npos) << args[0] << r.out;
    // Shown, as U+FFFD in place of each control, never sent.
    EXPECT_NE(r.out.find("\xef\xbf\xbd]0;pwned\xef\xbf\xbd\xef\xbf\xbd[2J"),
              std::string::npos)
        << args[0] << ": " << r.out;
    for (const char* control :
         {"\x07", "\r", "\t", "\xc2\x9b", "\x1b]", "\x1b[2J"}) {
      EXPECT_EQ(r.out.find(control), std::string::npos)
          << args[0] << " sent " << absl::CEscape(control);
    }
    if (args.back() == "--color=never") {
      EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << args[0];
    }
  }
}

TEST_F(TerminalTest, SearchRespectsOpenAndTheCompany) {
  // The Gwangju program closes on 2026-12-18: open on the 17th, not on the
  // 20th.
  std::vector<std::string> open17 =
      SearchIds({"스마트", "공장", "--open", "--as_of=2026-12-17"});
  EXPECT_NE(
      std::find(open17.begin(), open17.end(), "gwangju-smart-levelup-2026"),
      open17.end());
  std::vector<std::string> open20 =
      SearchIds({"스마트", "공장", "--open", "--as_of=2026-12-20"});
  EXPECT_EQ(
      std::find(open20.begin(), open20.end(), "gwangju-smart-levelup-2026"),
      open20.end());
  EXPECT_NE(
      std::find(open20.begin(), open20.end(), "gyeonggi-smart-factory-2026"),
      open20.end());

  // --eligible_for: only programs the company's recommendations hold as
  // ELIGIBLE or UNDETERMINED.
  Result rec = Jiwon({"recommend", "C0001", "--as_of=2026-11-27", "--json",
                      "--limit=100", "--near=false", "--closed"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::set<std::string> recommended;
  for (const std::string& id : After(rec.out, "\"program_id\":\"")) {
    recommended.insert(id);
  }
  ASSERT_FALSE(recommended.empty());
  std::vector<std::string> all =
      SearchIds({"지원", "--as_of=2026-11-27", "--limit=100"});
  std::vector<std::string> mine = SearchIds(
      {"지원", "--as_of=2026-11-27", "--limit=100", "--eligible_for=C0001"});
  ASSERT_FALSE(mine.empty());
  EXPECT_LT(mine.size(), all.size());
  for (const std::string& p : mine) {
    EXPECT_TRUE(recommended.contains(p)) << p;
  }
  // An unknown company is NOT_FOUND (exit 1); words too short are refused.
  EXPECT_EQ(
      Jiwon({"program", "search", "지원", "--eligible_for=NOPE"}).exit_code, 1);
  Result short_query = Jiwon({"program", "search", "가"});
  EXPECT_EQ(short_query.exit_code, 1);
  EXPECT_NE(short_query.err.find("query"), std::string::npos)
      << short_query.err;
}

// Runs `binary` with `args` (no --addr added); its result.
Result RunBinary(const std::string& dir, const char* binary,
                 std::vector<std::string> args) {
  args.insert(args.begin(), binary);
  return RunToEnd(args, dir, "bin");
}

TEST_F(TerminalTest, ExitCodesAreAsDocumented) {
  // 0 ok, 1 refused, 2 usage, 3 unreachable, for each kind of command.
  const std::string in = dir_.path() + "/one.json";
  std::ofstream(in) << "{\"id\":\"X1\",\"name\":\"가나\"}";
  const std::vector<std::vector<std::string>> ok = {
      {"company", "get", "C0001"},
      {"company", "list"},
      {"company", "put", in},
      {"program", "get", "gyeonggi-smart-factory-2026"},
      {"program", "list"},
      {"program", "search", "스마트공장"},
      {"recommend", "C0001"},
      {"explain", "C0001", "gyeonggi-smart-factory-2026"},
      {"who-qualifies", "gyeonggi-smart-factory-2026"},
      {"questions", "C0001"},
      {"feedback", "C0001"},
      {"alerts"},
      {"health"},
      {"admin", "access-log"},
  };
  for (const auto& args : ok) {
    Result r = Jiwon(args);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << ": " << r.err;
  }
  const std::vector<std::vector<std::string>> refused = {
      {"company", "get", "NOPE"},
      {"company", "delete", "NOPE"},
      {"program", "get", "NOPE"},
      {"recommend", "NOPE"},
      {"explain", "C0001", "NOPE"},
      {"who-qualifies", "NOPE"},
      {"questions", "NOPE"},
      {"results", "C0001"},            // no rescore has run
      {"admin", "backup", "nightly"},  // no --backup_root
  };
  for (const auto& args : refused) {
    Result r = Jiwon(args);
    EXPECT_EQ(r.exit_code, 1) << absl::StrJoin(args, " ") << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << absl::StrJoin(args, " ");
  }
  const std::vector<std::vector<std::string>> usage = {
      {},
      {"nonsense"},
      {"company"},
      {"company", "frobnicate"},
      {"recommend"},
      {"program", "search"},
      {"--limt=3", "recommend", "C0001"},
      {"--limit=abc", "recommend", "C0001"},
      {"--json=maybe", "company", "list"},
      {"recommend", "C0001", "--unknown_flag"},
      {"admin", "nothing"},
  };
  for (const auto& args : usage) {
    Result r = Jiwon(args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(args, " ") << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << absl::StrJoin(args, " ");
  }
  Result unknown = Jiwon({"--limt=3", "recommend", "C0001"});
  EXPECT_NE(unknown.err.find("unknown flag --limt"), std::string::npos)
      << unknown.err;
  // Port 1 on loopback: nothing listens there.
  for (const auto& args : {std::vector<std::string>{"company", "list"},
                           {"recommend", "C0001"},
                           {"health"}}) {
    std::vector<std::string> a = {"--addr=127.0.0.1:1", "--timeout=5"};
    a.insert(a.end(), args.begin(), args.end());
    Result r = RunBinary(dir_.path(), JIWON_PATH, a);
    EXPECT_EQ(r.exit_code, 3) << absl::StrJoin(args, " ") << ": " << r.err;
  }
  // jiwon-rescore the same way.
  EXPECT_EQ(RunBinary(dir_.path(), JIWON_RESCORE_PATH, {"--shard=x"}).exit_code,
            2);
  EXPECT_EQ(
      RunBinary(dir_.path(), JIWON_RESCORE_PATH, {"--nonsense"}).exit_code, 2);
  EXPECT_EQ(RunBinary(dir_.path(), JIWON_RESCORE_PATH,
                      {"--addr=127.0.0.1:1", "--progress=none"})
                .exit_code,
            3);
}

TEST_F(TerminalTest, HelpListsEachBinarysOwnFlags) {
  Result rescore = RunBinary(dir_.path(), JIWON_RESCORE_PATH, {"--help"});
  EXPECT_EQ(rescore.out.find("No flags matched"), std::string::npos)
      << rescore.out;
  for (const char* flag : {"--shard", "--as_of", "--restart", "--progress",
                           "--tls_ca", "--token_file"}) {
    EXPECT_NE(rescore.out.find(flag), std::string::npos) << flag;
  }
  Result jiwon = RunBinary(dir_.path(), JIWON_PATH, {"--help"});
  for (const char* flag : {"--limit", "--eligible_only", "--all", "--json",
                           "--eligible_for", "--tls_ca", "--addr"}) {
    EXPECT_NE(jiwon.out.find(flag), std::string::npos) << flag;
  }
  Result jiwond = RunBinary(dir_.path(), JIWOND_PATH, {"--help"});
  for (const char* flag : {"--listen", "--data_dir", "--metrics_listen",
                           "--backup_root", "--log_format"}) {
    EXPECT_NE(jiwond.out.find(flag), std::string::npos) << flag;
  }
}

// The eligibility of each match in `jiwon recommend ... --json`.
std::vector<std::string> Eligibilities(const std::string& json) {
  return After(json, "\"eligibility\":\"");
}

TEST_F(TerminalTest, RecommendFlagsDoWhatTheySay) {
  const std::string as_of = "--as_of=2026-11-27";
  Result eligible =
      Jiwon({"recommend", "C0001", as_of, "--eligible_only", "--json"});
  ASSERT_EQ(eligible.exit_code, 0) << eligible.err;
  std::vector<std::string> e = Eligibilities(eligible.out);
  ASSERT_FALSE(e.empty());
  for (const std::string& x : e) EXPECT_EQ(x, "ELIGIBILITY_ELIGIBLE");
  EXPECT_EQ(eligible.out.find("near_miss"), std::string::npos) << eligible.out;

  Result plain = Jiwon({"recommend", "C0001", as_of, "--json"});
  Result all = Jiwon({"recommend", "C0001", as_of, "--json", "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::vector<std::string> p = Eligibilities(plain.out);
  const std::vector<std::string> a = Eligibilities(all.out);
  EXPECT_GT(a.size(), p.size());
  EXPECT_NE(std::find(a.begin(), a.end(), "ELIGIBILITY_INELIGIBLE"), a.end());
  EXPECT_NE(plain.out, all.out);
  // An explicit --limit still holds with --all.
  EXPECT_EQ(Eligibilities(Jiwon({"recommend", "C0001", as_of, "--json", "--all",
                                 "--limit=3"})
                              .out)
                .size(),
            3u);

  // questions --limit=0 is the API's default (10), not one.
  Result q0 = Jiwon({"questions", "C0001", as_of, "--json", "--limit=0"});
  Result q100 = Jiwon({"questions", "C0001", as_of, "--json", "--limit=100"});
  ASSERT_EQ(q0.exit_code, 0) << q0.err;
  const auto count = [](const std::string& s) {
    size_t n = 0;
    for (size_t at = s.find("\"fact\""); at != std::string::npos;
         at = s.find("\"fact\"", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_GT(count(q0.out), 1u) << q0.out;
  EXPECT_EQ(count(q0.out), std::min<size_t>(10, count(q100.out)));
}

TEST_F(TerminalTest, ImportReportsEveryBadLineByItsLineNumber) {
  const std::string path = dir_.path() + "/companies.jsonl";
  std::ofstream(path) << "{not json\n"                        // 1
                      << "{\"id\":\"G1\",\"name\":\"가\"}\n"  // 2
                      << "\n"                                 // 3
                      << "{\"id\":\"bad id\"}\n"              // 4
                      << "{\"id\":\"G2\",\"name\":\"나\"}\n"  // 5
                      << "[1,2]\n";                           // 6
  Result table = Jiwon({"company", "import", path});
  EXPECT_EQ(table.exit_code, 1);
  for (const char* at : {"companies.jsonl:1: not a company",
                         "companies.jsonl:4: company \"bad id\" rejected",
                         "companies.jsonl:6: not a company"}) {
    EXPECT_NE(table.err.find(at), std::string::npos) << at << "\n" << table.err;
  }
  EXPECT_NE(table.out.find("imported 2 of 5"), std::string::npos) << table.out;
  Result json = Jiwon({"company", "import", path, "--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_NE(json.out.find("\"rejected\":3"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"lines\":5"), std::string::npos) << json.out;
  const std::vector<std::string> lines = After(json.out, "\"line\":", ",}");
  EXPECT_EQ(lines, (std::vector<std::string>{"1", "4", "6"})) << json.out;
}

TEST_F(TerminalTest, TheRescoreBarRedrawsOneLineThatFits) {
  setenv("COLUMNS", "80", 1);
  Result r = RunBinary(dir_.path(), JIWON_RESCORE_PATH,
                       {"--addr=" + server_->addr(), "--progress=bar",
                        "--checkpoint=40", "--as_of=2026-11-27"});
  unsetenv("COLUMNS");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every redraw starts with "\r" and erases to the end of the line; the
  // bar ends with one newline, and the summary follows on stdout.
  ASSERT_NE(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  int redraws = 0;
  for (absl::string_view part : absl::StrSplit(r.err, '\r')) {
    std::string line(
        absl::StripSuffix(absl::StripSuffix(part, "\n"), "\x1b[K"));
    if (line.empty()) continue;
    ++redraws;
    EXPECT_LE(line.size(), 79u) << line;  // ASCII only
  }
  EXPECT_GE(redraws, 1);
  EXPECT_NE(r.err.find("100% 320/320 companies"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("rescore "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace jiwon
