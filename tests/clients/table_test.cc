#include "clients/table.h"

#include <gtest/gtest.h>

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

}  // namespace
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
