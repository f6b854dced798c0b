#include "clients/table.h"

#include <gtest/gtest.h>

#include "absl/strings/str_split.h"

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
}  // namespace jiwon::cli
