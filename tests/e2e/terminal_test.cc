// The caseworker's terminal, end to end with the real jiwond and jiwon:
// keyword search over the catalog.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using testing::ReadFile;
using testing::ServerProcess;
using testing::Spawn;
using testing::WaitExit;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

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
    std::vector<std::string> argv = {JIWON_PATH, "--addr=" + server_->addr()};
    argv.insert(argv.end(), args.begin(), args.end());
    Result r;
    r.exit_code = WaitExit(
        Spawn(argv, dir_.path() + "/cli.out", dir_.path() + "/cli.err"));
    r.out = ReadFile(dir_.path() + "/cli.out");
    r.err = ReadFile(dir_.path() + "/cli.err");
    return r;
  }

  // The program ids of `jiwon program search ... --json`, in order.
  std::vector<std::string> SearchIds(std::vector<std::string> args) {
    args.insert(args.begin(), {"program", "search"});
    args.push_back("--json");
    Result r = Jiwon(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    const std::regex id("\"program\":\\{\"id\":\"([^\"]+)\"");
    for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
      std::smatch m;
      const std::string l(line);
      if (std::regex_search(l, m, id)) ids.push_back(m[1]);
    }
    return ids;
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
  const std::regex id("\"program_id\":\"([^\"]+)\"");
  for (std::sregex_iterator it(rec.out.begin(), rec.out.end(), id), end;
       it != end; ++it) {
    recommended.insert((*it)[1]);
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

}  // namespace
}  // namespace jiwon
