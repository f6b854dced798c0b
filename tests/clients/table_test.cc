#include "clients/table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/terminal.h"

namespace jiwon::cli {
namespace {

TEST(DisplayWidthTest, KoreanIsWide) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("한글"), 4);
  EXPECT_EQ(DisplayWidth("(주)한빛정밀"), 12);
  EXPECT_EQ(DisplayWidth("✓"), 1);
  EXPECT_EQ(DisplayWidth(""), 0);
}

TEST(DisplayWidthTest, PadsAndTruncatesByColumns) {
  EXPECT_EQ(Pad("한", 4), "한  ");
  EXPECT_EQ(Pad("한", 4, true), "  한");
  EXPECT_EQ(Truncate("광주시 스마트제조", 8), "광주시 …");
  EXPECT_EQ(DisplayWidth(Truncate("광주시 스마트제조 생산레벨업", 10)), 10);
  EXPECT_EQ(Truncate("short", 10), "short");
}

TEST(TableTest, AlignsColumnsByDisplayWidth) {
  Table t({{"ID"}, {"상호"}, {"본사"}});
  t.AddRow({"C1", "(주)한빛정밀", "41610"});
  t.AddRow({"C22", "ABC", "11"});
  std::vector<std::string> lines = absl::StrSplit(t.Render(), '\n');
  ASSERT_GE(lines.size(), 3u);
  // The third column starts at the same display column on every line.
  auto column_of = [](const std::string& line, const std::string& cell) {
    return DisplayWidth(line.substr(0, line.find(cell)));
  };
  EXPECT_EQ(column_of(lines[0], "본사"), column_of(lines[1], "41610"));
  EXPECT_EQ(column_of(lines[1], "41610"), column_of(lines[2], "11"));
  EXPECT_EQ(lines[1].back(), '0');  // no trailing spaces
}

TEST(DisplayWidthTest, FollowsUnicodeEastAsianWidth) {
  // Conjoining jamo: the initial consonant takes two columns, the vowel
  // and final consonant none, as one syllable.
  EXPECT_EQ(DisplayWidth("\u1112\u1161\u11ab"), 2);
  // Combining marks and format characters take none.
  EXPECT_EQ(DisplayWidth("e\u0301"), 1);
  EXPECT_EQ(DisplayWidth("a\u200bb"), 2);
  // Full-width forms and CJK punctuation are wide.
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);
  EXPECT_EQ(DisplayWidth("「」"), 4);
  // Terminal escapes take no columns.
  EXPECT_EQ(DisplayWidth("\x1b[32m✓\x1b[0m ok"), 4);
  // A malformed byte takes one.
  EXPECT_EQ(DisplayWidth("a\xff"
                         "b"),
            3);
}

TEST(DisplayWidthTest, AmbiguousWidthFollowsTheSetting) {
  EXPECT_FALSE(AmbiguousWide());
  EXPECT_EQ(DisplayWidth("·…①"), 3);
  SetAmbiguousWide(true);
  EXPECT_EQ(DisplayWidth("·…①"), 6);
  EXPECT_EQ(DisplayWidth("한글"), 4);  // wide either way
  EXPECT_EQ(DisplayWidth("abc"), 3);   // narrow either way
  EXPECT_EQ(DisplayWidth(Truncate("광주시 스마트제조", 8)), 8);
  SetAmbiguousWide(false);
}

TEST(DisplayWidthTest, AmbiguousWidthFromTheLocale) {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) unsetenv(name);
  EXPECT_FALSE(AmbiguousWideFromLocale());
  setenv("LANG", "ko_KR.UTF-8", 1);
  EXPECT_TRUE(AmbiguousWideFromLocale());
  setenv("LC_CTYPE", "en_US.UTF-8", 1);  // LC_CTYPE before LANG
  EXPECT_FALSE(AmbiguousWideFromLocale());
  setenv("LC_ALL", "ja_JP.UTF-8", 1);  // LC_ALL before both
  EXPECT_TRUE(AmbiguousWideFromLocale());
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) unsetenv(name);
}

TEST(DisplayWidthTest, TruncatesBetweenGraphemeClusters) {
  // Never between a syllable's jamo, nor a letter and its mark.
  const std::string jamo = "\u1112\u1161\u11ab\u1100\u1173\u11af";  // 한글
  EXPECT_EQ(Truncate(jamo, 3), "\u1112\u1161\u11ab…");
  EXPECT_EQ(Truncate("e\u0301e\u0301e\u0301", 2), "e\u0301…");
}

TEST(WrapTest, BreaksBetweenWordsNeverInsideOne) {
  const std::vector<std::string> lines =
      WrapWords("경기도 안양시 동안구 소재 중소기업 제조업", 16);
  ASSERT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "|");
  EXPECT_EQ(lines[0], "경기도 안양시");
  EXPECT_EQ(lines[1], "동안구 소재");
  EXPECT_EQ(lines[2], "중소기업 제조업");
  for (const std::string& line : lines) EXPECT_LE(DisplayWidth(line), 16);
}

TEST(WrapTest, BreaksALongWordAtAJointElseBetweenSyllables) {
  // A code is cut after a hyphen when one fits.
  EXPECT_EQ(WrapWords("gyeonggi-smart-factory-2026", 16),
            (std::vector<std::string>{"gyeonggi-smart-", "factory-2026"}));
  // A Korean word wider than the line, between syllables: whole columns.
  const std::vector<std::string> lines = WrapWords("장애인기업종합지원센터", 9);
  EXPECT_EQ(lines,
            (std::vector<std::string>{"장애인기", "업종합지", "원센터"}));
  // Text and newlines: each paragraph on lines of its own.
  EXPECT_EQ(WrapWords("C0001\n(주)한빛정밀", 20),
            (std::vector<std::string>{"C0001", "(주)한빛정밀"}));
  EXPECT_EQ(WrapWords("", 10), (std::vector<std::string>{""}));
  // A width too small for one character still makes progress.
  EXPECT_EQ(WrapWords("한글", 1), (std::vector<std::string>{"한", "글"}));
}

TEST(WrapTest, ALongWordIsBrokenWholeAtItsJoints) {
  std::string word;
  for (int i = 0; i < 20000; ++i) word += "스마트-";
  const std::vector<std::string> lines = WrapWords(word, 30);
  EXPECT_EQ(absl::StrJoin(lines, ""), word);
  for (const std::string& line : lines) {
    ASSERT_LE(DisplayWidth(line), 30);
    ASSERT_TRUE(absl::EndsWith(line, "-")) << line;
  }
  EXPECT_EQ(lines.size(), 5000u);  // four 7-column pieces a line
}

TEST(WrapTest, HangsTheFollowingLines) {
  EXPECT_EQ(Wrap("✓ 자격 경기도 광주시 소재 제조업", 20, "   ", "     "),
            "   ✓ 자격 경기도\n     광주시 소재\n     제조업\n");
}

TEST(TableTest, ShrinksTheWidestWrappingColumnToFit) {
  Table t({{"ID"},
           {"제목", false, Table::Fit::kWrap},
           {"소관", false, Table::Fit::kWrap}},
          64);
  t.AddRow({"gyeonggi-smart-factory-2026",
            "경기도 스마트공장 구축 지원 사업 공고", "경기도"});
  t.AddRow({"C2", "짧은 제목", "경기도경제과학진흥원"});
  const std::string out = t.Render();
  std::vector<std::string> lines = absl::StrSplit(out, '\n');
  lines.pop_back();  // after the last "\n"
  for (const std::string& line : lines) {
    EXPECT_LE(DisplayWidth(line), 64) << out;
    EXPECT_NE(line.back(), ' ') << out;
  }
  // The id is whole, the agency's one word too; the title wraps between
  // its words.
  EXPECT_NE(out.find("gyeonggi-smart-factory-2026"), std::string::npos) << out;
  EXPECT_NE(out.find("경기도경제과학진흥원"), std::string::npos) << out;
  EXPECT_GT(lines.size(), 3u) << out;
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("스마트공"), line.find("스마트공장")) << out;
  }
}

TEST(TableTest, CutsACuttingColumnToOneLine) {
  Table t({{"#", true}, {"프로그램", false, Table::Fit::kCut}, {"마감"}}, 30);
  t.AddRow({"1", "광주시 스마트제조 생산레벨업 지원사업", "2026-12-18"});
  std::vector<std::string> lines = absl::StrSplit(t.Render(), '\n');
  ASSERT_EQ(lines.size(), 3u);  // header, one row, ""
  EXPECT_LE(DisplayWidth(lines[1]), 30) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines[1], "1  광주시 스마트…")) << lines[1];
  EXPECT_TRUE(absl::EndsWith(lines[1], "  2026-12-18")) << lines[1];
}

TEST(TableTest, WithoutAWidthNothingShrinks) {
  Table t({{"제목", false, Table::Fit::kWrap}});
  const std::string title(300, 'x');
  t.AddRow({title});
  EXPECT_NE(t.Render().find(title), std::string::npos);
}

}  // namespace
TEST(TerminalTest, SizesFromTheEnvironmentElseDefaults) {
  const int none = -1;  // no terminal: the defaults
  setenv("COLUMNS", "132", 1);
  setenv("LINES", "50", 1);
  EXPECT_EQ(TerminalWidth(none), 132);
  EXPECT_EQ(TerminalRows(none), 50);
  setenv("COLUMNS", "5", 1);  // out of range: ignored
  setenv("LINES", "many", 1);
  EXPECT_EQ(TerminalWidth(none), 80);
  EXPECT_EQ(TerminalRows(none), 24);
  unsetenv("COLUMNS");
  unsetenv("LINES");
  // Output that is not a terminal is laid out for 80 columns unless told.
  EXPECT_EQ(OutputWidth(none, 0), 80);
  EXPECT_EQ(OutputWidth(none, 120), 120);
  EXPECT_FALSE(UseColour(none, "auto"));
  EXPECT_TRUE(UseColour(none, "always"));
}

TEST(ForTerminalTest, ControlsBecomeReplacementCharacters) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(ForTerminal("a\x1b]0;t\x07"
                        "b"),
            "a" + fffd + "]0;t" + fffd + "b");
  EXPECT_EQ(ForTerminal("\x1b[2J\x1b[1;1H"), fffd + "[2J" + fffd + "[1;1H");
  EXPECT_EQ(ForTerminal("x\ry\tz\n"), "x y z\n");
  EXPECT_EQ(ForTerminal("\xc2\x9b"
                        "31m\x7f"),
            fffd + "31m" + fffd);
  // Text, Korean and U+00A0 (a C2 that is no control) pass as they are.
  EXPECT_EQ(ForTerminal("한글 \xc2\xa0ok · …"), "한글 \xc2\xa0ok · …");
  // The colours Coloured makes pass while colours are allowed; no other
  // sequence ever does.
  const std::string green = Coloured(Colour::kGreen, "✓");
  EXPECT_EQ(green, "\x1b[32m✓\x1b[0m");
  EXPECT_EQ(ForTerminal(green), fffd + "[32m✓" + fffd + "[0m");
  SetColoursAllowed(true);
  EXPECT_EQ(ForTerminal(green), green);
  EXPECT_EQ(ForTerminal("\x1b[8m"), fffd + "[8m");
  // Idempotent.
  const std::string once = ForTerminal("\x1b]0;\x07\r" + green);
  EXPECT_EQ(ForTerminal(once), once);
  SetColoursAllowed(false);
}

TEST(ForTerminalTest, TheFilterCleansAStreamLineByLine) {
  SetColoursAllowed(true);
  std::ostringstream sink;
  {
    TerminalFilter filter(sink);
    sink << "a\x1b[2J";
    sink << "b\n" << Coloured(Colour::kRed, "✗") << std::flush;
    sink << "tail without a newline";
  }
  SetColoursAllowed(false);
  EXPECT_EQ(sink.str(),
            "a\xef\xbf\xbd[2Jb\n\x1b[31m✗\x1b[0mtail without a newline");
}

TEST(ProgressBarTest, NeverWiderThanTheTerminal) {
  const std::string figures =
      "1,234,567/7,000,000 companies, 52,310/s, ETA 1m50s";
  for (int width : {20, 40, 60, 80, 82, 120, 200}) {
    const std::string line =
        ProgressBar::Line(width, 1'234'567, 7'000'000, figures);
    // One column left free, so that writing the line never wraps it.
    EXPECT_LE(DisplayWidth(line), width - 1) << width << ": " << line;
    EXPECT_EQ(line.find('\n'), std::string::npos);
  }
  // Room for a bar: 17% filled; the figures whole.
  const std::string wide =
      ProgressBar::Line(120, 1'234'567, 7'000'000, figures);
  EXPECT_EQ(wide.substr(0, 1), "[");
  EXPECT_NE(wide.find("] 17% " + figures), std::string::npos) << wide;
  // No room: no bar, the figures cut.
  const std::string narrow =
      ProgressBar::Line(40, 1'234'567, 7'000'000, figures);
  EXPECT_EQ(narrow.find('['), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("…"), std::string::npos) << narrow;
  // Done: a full bar.
  EXPECT_NE(ProgressBar::Line(80, 10, 10, "done").find(std::string(10, '#')),
            std::string::npos);
}

}  // namespace jiwon::cli
