// The fact table: a row for every fact, in order, and figures and flags
// that read back what was set.

#include "engine/facts/fact_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/engine/random_model.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

TEST(FactTableTest, EveryFactHasItsRowInOrder) {
  std::set<std::string> ids;
  std::set<Family> families;
  ASSERT_EQ(AllFacts().size(), static_cast<size_t>(kMaxFact));
  for (size_t i = 0; i < AllFacts().size(); ++i) {
    const FactInfo& info = AllFacts()[i];
    SCOPED_TRACE(info.id);
    EXPECT_EQ(static_cast<size_t>(info.fact), i + 1);
    EXPECT_EQ(&Info(info.fact), &info);
    EXPECT_TRUE(ids.insert(info.id).second) << "id repeated";
    EXPECT_NE(std::string(info.name_ko), "?");
    EXPECT_NE(std::string(info.name_en), "?");
    EXPECT_NE(info.ops, 0);
    families.insert(info.family);
    const bool figure = info.family == Family::kFigure;
    const bool flag = info.family == Family::kFlag;
    EXPECT_EQ(info.read_figure != nullptr, figure);
    EXPECT_EQ(info.set_figure != nullptr, figure);
    EXPECT_EQ(info.read_flag != nullptr, flag);
    EXPECT_EQ(info.set_flag != nullptr, flag);
    const bool ratio = info.family == Family::kRatio;
    EXPECT_EQ(info.read_ratio != nullptr, ratio);
    EXPECT_EQ(info.describe_ratio != nullptr, ratio);
    // A range has a unit; a program's question has the unit it declares.
    if (info.family != Family::kQuestion) {
      EXPECT_EQ(Admits(info.fact, Op::kRange), info.unit != Unit::kNone);
    }
  }
  EXPECT_EQ(families.size(), static_cast<size_t>(kMaxFamily));
  // Out of range: the "?" row, never past the table.
  EXPECT_EQ(std::string(FactName(static_cast<Fact>(kMaxFact + 1))), "?");
  EXPECT_EQ(std::string(FactName(static_cast<Fact>(255))), "?");
  EXPECT_FALSE(Admits(static_cast<Fact>(200), Op::kIn));
}

TEST(FactTableTest, FiguresReadBackWhatWasSet) {
  testing::RandomModel gen(5);
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    const Date on = gen.RefDate();
    const Company base = gen.MakeCompany(on);
    for (const FactInfo& info : AllFacts()) {
      if (info.family != Family::kFigure) continue;
      SCOPED_TRACE(info.id);
      for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{123'456'789}}) {
        Company c = base;
        info.set_figure(&c, v, on);
        const std::optional<FigureValue> got = info.read_figure(c, on);
        ASSERT_TRUE(got.has_value()) << round;
        EXPECT_EQ(got->value, v) << round;
        ++checked;
      }
      // Setting a figure leaves the other kinds of facts alone.
      Company c = base;
      info.set_figure(&c, 1, on);
      EXPECT_EQ(c.certifications.has_value(), base.certifications.has_value());
      EXPECT_EQ(c.head_office_region, base.head_office_region);
      EXPECT_EQ(c.tax_arrears, base.tax_arrears);
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(FactTableTest, FlagsReadBackWhatWasSet) {
  for (const FactInfo& info : AllFacts()) {
    if (info.family != Family::kFlag) continue;
    for (std::optional<bool> v :
         {std::optional<bool>(), std::optional(true), std::optional(false)}) {
      Company c;
      info.set_flag(&c, v);
      EXPECT_EQ(info.read_flag(c), v) << info.id;
    }
  }
}

TEST(FactTableTest, RatiosCompareExactly) {
  // 1/3 = 33.33…%: above 33, below 34, never equal to either.
  const RatioValue third{100, 3, false};
  EXPECT_TRUE(RatioInRange(third, 33, true, std::nullopt, false));
  EXPECT_FALSE(RatioInRange(third, std::nullopt, false, 33, false));
  EXPECT_TRUE(RatioInRange(third, std::nullopt, false, 34, true));
  const RatioValue exact{3400, 100, false};  // 34% exactly
  EXPECT_TRUE(RatioInRange(exact, std::nullopt, false, 34, false));
  EXPECT_FALSE(RatioInRange(exact, std::nullopt, false, 34, true));
  // Over zero: past every upper bound, within every lower one.
  const RatioValue wiped{1, 0, true};
  EXPECT_FALSE(RatioInRange(wiped, std::nullopt, false, 1'000'000, false));
  EXPECT_TRUE(RatioInRange(wiped, 500, false, std::nullopt, false));
}

}  // namespace
}  // namespace jiwon::engine
