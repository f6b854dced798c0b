// The caseworker's screens, held in golden files: what `jiwon` shows for
// the demo at 80 and 120 columns, so that a layout change shows as a diff,
// and the layout's promises checked on them: no line wider than the
// screen, the ranked list of a recommendation on one screen. Then the
// terminal itself, through a pseudo-terminal: colours, NO_COLOR and the
// pager.
//
// Set JIWON_UPDATE_GOLDEN=1 to rewrite tests/golden/screens/ after a
// deliberate change, and read the diff.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/table.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using testing::Finished;
using testing::ReadFile;
using testing::RunToEnd;
using testing::ServerProcess;

// The demo catalog's windows are set around this date.
constexpr const char* kAsOf = "--as_of=2026-11-27";

class ScreensTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    server_ = new ServerProcess(dir_->path(), dir_->path() + "/data");
    if (!server_->ok()) return;
    for (const auto& [what, file] :
         {std::pair{"program", "/programs.jsonl"},
          std::pair{"company", "/companies.jsonl"}}) {
      imported_ &=
          Run({what, "import", JIWON_DEMO_DIR + std::string(file)}).exit_code ==
          0;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << server_->log();
    ASSERT_TRUE(imported_) << "the demo did not load";
  }

  static Finished Run(std::vector<std::string> args) {
    args.insert(args.begin(), {JIWON_PATH, "--addr=" + server_->addr()});
    return RunToEnd(args, dir_->path(), "cli");
  }

  // `args` laid out at `width` columns as a file would get them: no
  // colour, ambiguous characters narrow, whatever the locale.
  static Finished Screen(std::vector<std::string> args, int width) {
    args.insert(args.end(), {absl::StrCat("--width=", width), "--color=never",
                             "--noambiguous_wide"});
    return Run(std::move(args));
  }

  static testing::TempDir* dir_;
  static ServerProcess* server_;
  static bool imported_;
};

testing::TempDir* ScreensTest::dir_ = nullptr;
ServerProcess* ScreensTest::server_ = nullptr;
bool ScreensTest::imported_ = true;

// Each line of `text` wider than `width`, with its number.
std::vector<std::string> WiderThan(const std::string& text, int width) {
  std::vector<std::string> out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    const int w = cli::DisplayWidth(std::string_view(line.data(), line.size()));
    if (w > width) {
      out.push_back(absl::StrCat(number, " (", w, " columns): ", line));
    }
  }
  return out;
}

struct Case {
  const char* name;
  std::vector<std::string> args;
};

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"recommend", {"recommend", "C0001", kAsOf}},
      {"explain", {"explain", "C0001", "gbsa-dev-prod-east-2026", kAsOf}},
      {"program-list", {"program", "list", kAsOf}},
      {"who-qualifies",
       {"who-qualifies", "gyeonggi-smart-factory-2026", kAsOf}},
      {"questions", {"questions", "C0001", kAsOf}},
      {"search", {"program", "search", "스마트", "공장", kAsOf}},
  };
  return *cases;
}

TEST_F(ScreensTest, MatchTheGoldenScreensAndFitTheirWidth) {
  const bool update = std::getenv("JIWON_UPDATE_GOLDEN") != nullptr;
  for (const Case& c : Cases()) {
    for (int width : {80, 120}) {
      SCOPED_TRACE(absl::StrCat(c.name, " at ", width));
      const Finished r = Screen(c.args, width);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const std::vector<std::string> wide = WiderThan(r.out, width);
      EXPECT_TRUE(wide.empty()) << absl::StrJoin(wide, "\n");
      const std::string path =
          absl::StrCat(JIWON_SOURCE_DIR, "/tests/golden/screens/", c.name, ".",
                       width, ".txt");
      if (update) {
        std::ofstream(path, std::ios::binary) << r.out;
        continue;
      }
      const std::string golden = ReadFile(path);
      ASSERT_FALSE(golden.empty())
          << "missing " << path << "; run with JIWON_UPDATE_GOLDEN=1";
      // Line by line, so that a failure names the first line that moved.
      const std::vector<std::string> got = absl::StrSplit(r.out, '\n');
      const std::vector<std::string> want = absl::StrSplit(golden, '\n');
      for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
        ASSERT_EQ(got[i], want[i]) << path << " line " << i + 1;
      }
      EXPECT_EQ(got.size(), want.size()) << path;
    }
  }
}

TEST_F(ScreensTest, TheRankedListOfARecommendationFitsOneScreen) {
  for (int width : {80, 120}) {
    const Finished r = Screen({"recommend", "C0001", kAsOf}, width);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
    // The profile and the counts, a blank line, the header, then the 20
    // programs ranked, one line each, up to the blank line before the
    // reasons.
    size_t header = 0;
    while (header < lines.size() && !absl::StartsWith(lines[header], "#  ")) {
      ++header;
    }
    size_t end = header + 1;
    while (end < lines.size() && !lines[end].empty()) ++end;
    const size_t rows = end - header - 1;
    EXPECT_EQ(rows, 20u) << r.out;
    EXPECT_LE(end, 25u) << width << " columns:\n" << r.out;
    // The reasons of the top three follow, and how to see the rest.
    EXPECT_NE(r.out.find("상위 3건의 사유"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n3. [신청 가능]"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\n4. ["), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("나머지 17건의 사유: --reasons=20"), std::string::npos)
        << r.out;
    // Regions and industries with their names, from the vocabulary.
    EXPECT_NE(r.out.find("본사 41610 경기도 광주시"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("주업종 25929 그 외 기타"), std::string::npos)
        << r.out;
  }
}

TEST_F(ScreensTest, ReasonsCountsThePrograms) {
  Finished none = Screen({"recommend", "C0001", kAsOf, "--reasons=0"}, 80);
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out.find("1. ["), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("나머지 20건의 사유"), std::string::npos) << none.out;
  Finished all = Screen({"recommend", "C0001", kAsOf, "--reasons=20"}, 80);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("\n20. ["), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find("건의 사유: --reasons="), std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("20건의 사유\n"), std::string::npos) << all.out;
}

TEST_F(ScreensTest, AmbiguousWideCharactersStillFit) {
  // Where · and … take two columns, lines are laid out for that.
  for (const Case& c : Cases()) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(),
                {"--width=80", "--color=never", "--ambiguous_wide"});
    const Finished r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    cli::SetAmbiguousWide(true);
    const std::vector<std::string> wide = WiderThan(r.out, 80);
    cli::SetAmbiguousWide(false);
    EXPECT_TRUE(wide.empty()) << c.name << ":\n" << absl::StrJoin(wide, "\n");
  }
}

TEST_F(ScreensTest, LayoutFlagsAreChecked) {
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--width=5"},
                                             {"--width=-1"},
                                             {"--width=100000"},
                                             {"--color=sometimes"},
                                             {"--reasons=-2"}}) {
    std::vector<std::string> args = {"recommend", "C0001"};
    args.insert(args.end(), bad.begin(), bad.end());
    const Finished r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0] << ": " << r.err;
    const std::string name = bad[0].substr(0, bad[0].find('='));
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // Not a terminal: 80 columns, whatever COLUMNS says.
  setenv("COLUMNS", "200", 1);
  const Finished piped =
      Run({"program", "list", kAsOf, "--color=never", "--noambiguous_wide"});
  unsetenv("COLUMNS");
  EXPECT_TRUE(WiderThan(piped.out, 80).empty()) << piped.out;
  EXPECT_EQ(piped.out, Screen({"program", "list", kAsOf}, 80).out);
  // --color=always colours even a file; never, not even a terminal.
  const Finished always = Run(
      {"explain", "C0001", "gbsa-dev-prod-east-2026", kAsOf, "--color=always"});
  EXPECT_NE(always.out.find("\x1b[32m✓\x1b[0m"), std::string::npos);
  EXPECT_NE(always.out.find("\x1b[31m✗\x1b[0m"), std::string::npos);
}

// ------------------------------------------------------ on a terminal

// `argv` run on a pseudo-terminal of `rows` by `cols` with `env` set:
// everything it wrote to the terminal, and its exit code.
Finished OnTerminal(const std::vector<std::string>& argv,
                    const std::vector<std::pair<std::string, std::string>>& env,
                    int rows, int cols) {
  Finished out;
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(cols);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) return out;
  if (pid == 0) {
    for (const char* name : {"COLUMNS", "LINES", "NO_COLOR", "JIWON_PAGER",
                             "PAGER", "LESS", "LANG", "LC_ALL", "LC_CTYPE"}) {
      unsetenv(name);
    }
    for (const auto& [name, value] : env)
      setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  // Read until the child closes the terminal (EIO) or 60 s pass.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        close(master);
        return out;
      }
      continue;
    }
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    out.out.append(buf, static_cast<size_t>(n));
  }
  close(master);
  out.exit_code = testing::WaitExit(pid);
  return out;
}

TEST_F(ScreensTest, OnATerminalMarksAreColouredAndTallOutputIsPaged) {
  const std::string paged = dir_->path() + "/paged.txt";
  const std::vector<std::pair<std::string, std::string>> pager = {
      {"PAGER", "cat > " + paged}};
  std::vector<std::string> recommend = {JIWON_PATH, "--addr=" + server_->addr(),
                                        "recommend", "C0001", kAsOf};
  // Taller than 24 rows: through the pager, coloured, at the terminal's
  // width.
  Finished r = OnTerminal(recommend, pager, 24, 100);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::string text = ReadFile(paged);
  EXPECT_NE(text.find("\x1b[32m✓\x1b[0m 신청 가능"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[31m✗\x1b[0m 보완 시 가능"), std::string::npos);
  EXPECT_TRUE(WiderThan(text, 100).empty());
  EXPECT_FALSE(WiderThan(text, 80).empty()) << "laid out for 100 columns";
  EXPECT_EQ(r.out.find("상위 3건의 사유"), std::string::npos)
      << "the pager had it, not the terminal";

  // NO_COLOR: no colour, still paged.
  unlink(paged.c_str());
  r = OnTerminal(recommend, {pager[0], {"NO_COLOR", "1"}}, 24, 100);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  text = ReadFile(paged);
  EXPECT_NE(text.find("✓ 신청 가능"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;

  // --nopager, or a screen tall enough: straight to the terminal.
  unlink(paged.c_str());
  std::vector<std::string> nopager = recommend;
  nopager.push_back("--nopager");
  r = OnTerminal(nopager, pager, 24, 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("상위 3건의 사유"), std::string::npos) << r.out;
  r = OnTerminal(recommend, pager, 500, 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("상위 3건의 사유"), std::string::npos) << r.out;
  EXPECT_TRUE(ReadFile(paged).empty()) << "no pager when it fits";

  // A pager that cannot run leaves the output on the terminal.
  r = OnTerminal(recommend, {{"PAGER", "/nonexistent/pager"}}, 24, 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("상위 3건의 사유"), std::string::npos) << r.out;

  // JSON is never paged nor coloured.
  std::vector<std::string> json = recommend;
  json.push_back("--json");
  r = OnTerminal(json, pager, 24, 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"program_id\""), std::string::npos);
  EXPECT_TRUE(ReadFile(paged).empty());
}

}  // namespace
}  // namespace jiwon
