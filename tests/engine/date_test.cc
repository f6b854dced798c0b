#include "engine/date.h"

#include <gtest/gtest.h>

#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;

TEST(DateTest, ParsesOnlyRealCalendarDates) {
  EXPECT_TRUE(Date::Parse("2024-02-29").has_value());
  EXPECT_FALSE(Date::Parse("2023-02-29").has_value());
  EXPECT_FALSE(Date::Parse("2024-13-01").has_value());
  EXPECT_FALSE(Date::Parse("2024-1-01").has_value());
  EXPECT_FALSE(Date::Parse("2024/01/01").has_value());
  EXPECT_FALSE(Date::Parse("").has_value());
  EXPECT_FALSE(Date::Parse("2024-04-31").has_value());
}

TEST(DateTest, RoundTripsThroughCivilFields) {
  for (int32_t days = -700000; days <= 2900000; days += 997) {
    const Date d = Date::FromDays(days);
    const std::optional<Date> back =
        Date::FromCivil(d.year(), d.month(), d.day());
    ASSERT_TRUE(back.has_value()) << days;
    EXPECT_EQ(back->days(), days);
    EXPECT_EQ(Date::Parse(d.ToString())->days(), days);
  }
  EXPECT_EQ(D("1970-01-01").days(), 0);
  EXPECT_EQ(D("2026-11-27").ToString(), "2026-11-27");
  EXPECT_LT(D("2026-11-26"), D("2026-11-27"));
}

TEST(DateTest, AddMonthsClampsToTheEndOfTheMonth) {
  EXPECT_EQ(D("2024-01-31").AddMonths(1), D("2024-02-29"));
  EXPECT_EQ(D("2023-01-31").AddMonths(1), D("2023-02-28"));
  EXPECT_EQ(D("2024-02-29").AddMonths(12), D("2025-02-28"));
  EXPECT_EQ(D("2024-01-31").AddMonths(27), D("2026-04-30"));
  EXPECT_EQ(D("2021-03-15").AddMonths(36), D("2024-03-15"));
  EXPECT_EQ(D("2021-03-15").AddMonths(-3), D("2020-12-15"));
}

TEST(DateTest, AgeCountsTheBirthdayOnTheDay) {
  EXPECT_EQ(AgeInYears(D("1986-11-27"), D("2026-11-26")), 39);
  EXPECT_EQ(AgeInYears(D("1986-11-27"), D("2026-11-27")), 40);
  EXPECT_EQ(AgeInYears(D("1986-11-27"), D("2026-11-28")), 40);
}

TEST(DateTest, LeapDayBirthdayAgesOnFirstOfMarchInCommonYears) {
  EXPECT_EQ(AgeInYears(D("2000-02-29"), D("2021-02-28")), 20);
  EXPECT_EQ(AgeInYears(D("2000-02-29"), D("2021-03-01")), 21);
  EXPECT_EQ(AgeInYears(D("2000-02-29"), D("2024-02-28")), 23);
  EXPECT_EQ(AgeInYears(D("2000-02-29"), D("2024-02-29")), 24);
}

}  // namespace
}  // namespace jiwon::engine
