#include "engine/reference.h"

#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

const RegionTable& Regions() { return testing::Reference().regions; }
const IndustryTable& Industries() { return testing::Reference().industries; }

TEST(CsvTest, SplitsQuotedFields) {
  EXPECT_EQ(SplitCsvLine(R"(A,section,A,"농업, 임업 및 어업","x ""y""")"),
            (std::vector<std::string>{"A", "section", "A", "농업, 임업 및 어업",
                                      "x \"y\""}));
  EXPECT_EQ(SplitCsvLine("a,,b"), (std::vector<std::string>{"a", "", "b"}));
}

TEST(RegionTableTest, SidoCoversItsSigungu) {
  EXPECT_EQ(Regions().Covers("41", "41610"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("41", "11110"), Truth::kFalse);
  EXPECT_EQ(Regions().Covers("41610", "41610"), Truth::kTrue);
}

TEST(RegionTableTest, CityCoversItsGuByName) {
  EXPECT_EQ(Regions().Covers("41110", "41111"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("41110", "41117"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("41", "41117"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("41110", "41130"), Truth::kFalse);
}

TEST(RegionTableTest, SharedDigitsDoNotMakeAHierarchy) {
  // 43745 증평군 is not part of 43740 영동군.
  EXPECT_EQ(Regions().Covers("43740", "43745"), Truth::kFalse);
  EXPECT_EQ(Regions().Covers("43", "43745"), Truth::kTrue);
}

TEST(RegionTableTest, CoarseCompanyRegionIsUnknownAgainstAFinerRule) {
  EXPECT_EQ(Regions().Covers("41610", "41"), Truth::kUnknown);
  EXPECT_EQ(Regions().Covers("11", "41"), Truth::kFalse);
}

TEST(RegionTableTest, OldAndNewCodesAreOnePlace) {
  EXPECT_EQ(Regions().Canonical("42110"), "51110");
  EXPECT_EQ(Regions().Covers("42", "51110"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("51", "42110"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("42110", "51110"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("45", "52111"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("52110", "45113"), Truth::kTrue);
  EXPECT_EQ(Regions().Covers("42", "43110"), Truth::kFalse);
}

TEST(RegionTableTest, SejongCityIsItsOwnSido) {
  EXPECT_EQ(Regions().Covers("36", "36110"), Truth::kTrue);
  EXPECT_EQ(Regions().Sido("36110"), "36");
}

TEST(RegionTableTest, FindsSidoAndStatus) {
  EXPECT_EQ(Regions().Sido("41111"), "41");
  EXPECT_EQ(Regions().Sido("42110"), "51");
  ASSERT_NE(Regions().Find("21110"), nullptr);
  EXPECT_TRUE(Regions().Find("21110")->abolished);
  EXPECT_EQ(Regions().Find("99999"), nullptr);
  EXPECT_EQ(Regions().Describe("41610"), "41610 경기도 광주시");
}

TEST(IndustryTableTest, SectionCoversItsDivisions) {
  EXPECT_EQ(Industries().Covers("C", "25929"), Truth::kTrue);
  EXPECT_EQ(Industries().Covers("C", "10"), Truth::kTrue);
  EXPECT_EQ(Industries().Covers("C", "46"), Truth::kFalse);
  EXPECT_EQ(Industries().Covers("C", "C"), Truth::kTrue);
  EXPECT_EQ(Industries().Covers("A", "C"), Truth::kFalse);
}

TEST(IndustryTableTest, NumericCodesMatchByPrefix) {
  EXPECT_EQ(Industries().Covers("25", "25929"), Truth::kTrue);
  EXPECT_EQ(Industries().Covers("259", "25929"), Truth::kTrue);
  EXPECT_EQ(Industries().Covers("26", "25929"), Truth::kFalse);
  // A company known only coarsely.
  EXPECT_EQ(Industries().Covers("2592", "25"), Truth::kUnknown);
  EXPECT_EQ(Industries().Covers("26", "C"), Truth::kUnknown);
  EXPECT_EQ(Industries().Covers("46", "C"), Truth::kFalse);
}

TEST(IndustryTableTest, ValidatesCodes) {
  EXPECT_TRUE(Industries().IsValid("25929"));
  EXPECT_TRUE(Industries().IsValid("C"));
  EXPECT_TRUE(Industries().IsValid("5621"));
  EXPECT_FALSE(Industries().IsValid("99999"));
  EXPECT_FALSE(Industries().IsValid("c"));
  EXPECT_EQ(Industries().Section("5621"), "I");
}

TEST(SizeTableTest, ReadsCeilingsByDivision) {
  const SizeTable& sizes = testing::Reference().sizes;
  ASSERT_NE(sizes.ForDivision(25), nullptr);
  EXPECT_EQ(sizes.ForDivision(25)->sme_avg_revenue_max_won, 1000'0000'0000LL);
  EXPECT_EQ(sizes.ForDivision(25)->small_avg_revenue_max_won, 120'0000'0000LL);
  EXPECT_EQ(sizes.ForDivision(34)->small_avg_revenue_max_won, 10'0000'0000LL);
  EXPECT_EQ(sizes.ForDivision(46)->sme_avg_revenue_max_won, 1000'0000'0000LL);
  EXPECT_EQ(sizes.ForDivision(84), nullptr);  // O is outside the tables
  EXPECT_EQ(sizes.MicroEmployeeLimit("C"), 10);
  EXPECT_EQ(sizes.MicroEmployeeLimit("G"), 5);
}

TEST(ReferenceParseTest, RejectsMalformedTables) {
  EXPECT_FALSE(RegionTable::Parse("header\n41,sido\n").ok());
  EXPECT_FALSE(IndustryTable::Parse("header\n,,,\n").ok());
  EXPECT_FALSE(SizeTable::Parse("h\n10,x,a,1,1\n", "h\n*,5\n").ok());
}

TEST(ReferenceParseTest, ReadsColumnsByTheirHeaderNames) {
  // The same rows, columns in another order and one more column.
  absl::StatusOr<IndustryTable> t = IndustryTable::Parse(
      "name_en,note,name_ko,section,code,level\n"
      "Manufacturing,x,제조업,C,C,section\n"
      "\n"
      "Food,,식료품 제조업,C,10,division\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->Name("C"), "제조업");
  EXPECT_EQ(t->Section("10"), "C");
  absl::StatusOr<RegionTable> r = RegionTable::Parse(
      "name,code,level,status,replaced_by\n경기도,41,sido,active,\n");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_NE(r->Find("41"), nullptr);
  EXPECT_EQ(r->Find("41")->name, "경기도");
}

TEST(ReferenceParseTest, ErrorsNameLineAndColumn) {
  // Data swapped under the header: English where Korean belongs.
  absl::Status s = IndustryTable::Parse(
                       "code,level,section,name_ko,name_en\n"
                       "A,section,A,농업,Agriculture\n"
                       "\n"
                       "C,section,C,Manufacturing,제조업\n")
                       .status();
  EXPECT_EQ(s.message(),
            "line 4, column 4 (name_ko): \"Manufacturing\" is not a Korean "
            "name");
  s = IndustryTable::Parse(
          "code,level,section,name_ko,name_en\nsection,A,A,농업,x\n")
          .status();
  EXPECT_EQ(s.message(),
            "line 2, column 2 (level): \"A\" is not section, division, "
            "group, class or subclass");
  s = IndustryTable::Parse("code,level,section,name_ko\n1x,division,A,가,\n")
          .status();
  EXPECT_EQ(s.message(), "line 2: 5 fields where the header has 4");
  s = RegionTable::Parse("code,level,name,status\n41,sido,경기도,active\n")
          .status();
  EXPECT_EQ(s.message(),
            "line 1: the header has no column \"replaced_by\" (it has "
            "code,level,name,status)");
  s = RegionTable::Parse(
          "code,level,name,status,replaced_by\n4x,sido,경기도,active,\n")
          .status();
  EXPECT_EQ(s.message(),
            "line 2, column 1 (code): \"4x\" is not a 2-digit sido code");
  s = SizeTable::Parse(
          "division_from,division_to,industry,sme_avg_revenue_max_eok,"
          "small_avg_revenue_max_eok\n10,12,C,1,abc\n",
          "section,max_employees_exclusive\n*,5\n")
          .status();
  EXPECT_EQ(s.message(),
            "sme_size_thresholds.csv: line 2, column 5 "
            "(small_avg_revenue_max_eok): \"abc\" is not a number from 0 to "
            "1000000");
}

}  // namespace
}  // namespace jiwon::engine
