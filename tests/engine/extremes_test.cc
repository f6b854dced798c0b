// Programs, profiles and dates at the ends of their types, built without
// validation: every engine path stays defined (the sanitizer build turns
// an overflow or an out-of-bounds read into a failure) and answers as the
// law would; validation refuses such records by field.

#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/catalog.h"
#include "engine/company_table.h"
#include "engine/evaluate.h"
#include "engine/matcher.h"
#include "engine/near_miss.h"
#include "engine/validate.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;
using testing::KnownCompany;
using testing::MakeProgram;
using testing::MakeRule;
using testing::Range;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int32_t kMaxPoints = std::numeric_limits<int32_t>::max();

TEST(ExtremesTest, MonthsBeforeYearOneCountBackwards) {
  const Date d = *Date::FromCivil(50, 3, 31);
  const Date back = d.AddMonths(-1440);  // 120 years: year -70
  EXPECT_EQ(back.year(), -70);
  EXPECT_EQ(back.month(), 3);
  EXPECT_EQ(back.day(), 31);
  EXPECT_EQ(back.AddMonths(1440), d);
  const Date jan = *Date::FromCivil(1, 1, 15);
  EXPECT_EQ(jan.AddMonths(-1).year(), 0);
  EXPECT_EQ(jan.AddMonths(-1).month(), 12);
  EXPECT_EQ(jan.AddMonths(-13).month(), 12);
  EXPECT_EQ(jan.AddMonths(-13).year(), -1);
  // Clamping still works there: 31 March - 1 month is the end of February.
  EXPECT_EQ(Date::FromCivil(4, 3, 31)->AddMonths(-1),
            *Date::FromCivil(4, 2, 29));
}

// A business-age rule scanned at a reference date in the first centuries:
// the scan looks 120 years back, before year 1.
TEST(ExtremesTest, WhoQualifiesInTheFirstCenturies) {
  Evaluator evaluator(&testing::Reference());
  CompanyTable table(&evaluator);
  Company young = KnownCompany();
  young.id = "young";
  young.founded_on = *Date::FromCivil(48, 5, 1);
  Company old = KnownCompany();
  old.id = "old";
  old.founded_on = *Date::FromCivil(10, 5, 1);
  table.Upsert(young);
  table.Upsert(old);
  const Program p = MakeProgram(
      "p", {MakeRule("age", RuleKind::kRequire,
                     Range(Fact::kBusinessAgeMonths, std::nullopt, 36))});
  const Date on = *Date::FromCivil(50, 1, 1);
  const CompanyTable::ScanResult r = table.WhoQualifies(
      p, on, true, [](std::string_view) { return std::nullopt; });
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].id, "young");
  EXPECT_EQ(r.eligible, 1);
}

// Exclusive bounds at both ends of int64 on every figure family, for the
// evaluator, the matcher, the company columns and the near-miss finder.
TEST(ExtremesTest, RangeBoundsAtTheEndsOfInt64) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  const Date on = D("2026-06-01");
  std::vector<std::shared_ptr<const Program>> programs;
  std::map<std::string, Eligibility> want;
  int n = 0;
  for (Fact fact :
       {Fact::kRevenueLatestWon, Fact::kTotalAssetsWon, Fact::kRegularEmployees,
        Fact::kPatents, Fact::kEmployeeChange}) {
    for (const auto& [lo, hi] : std::vector<std::pair<int64_t, int64_t>>{
             {kMin, kMax}, {kMax, kMax}, {kMin, kMin}}) {
      Program p = MakeProgram(
          absl::StrCat("p", n++),
          {MakeRule("r", RuleKind::kRequire, Range(fact, lo, hi, true, true))});
      // (MIN, MAX) holds for every value the company has; (MAX, MAX) and
      // (MIN, MIN) for none.
      want[p.id] = lo == kMin && hi == kMax ? Eligibility::kEligible
                                            : Eligibility::kIneligible;
      programs.push_back(std::make_shared<const Program>(std::move(p)));
    }
  }
  Company c = KnownCompany();
  c.id = "c";
  for (const auto& p : programs) {
    const ProgramOutcome o = evaluator.Evaluate(p, c, on);
    EXPECT_EQ(o.eligibility, want[p->id]) << p->id;
    FindNearMiss(evaluator, o, c, on);  // defined, whatever it finds
  }
  auto matcher = Matcher::Build(Catalog::Build(programs, 1), &evaluator);
  RecommendOptions options;
  options.as_of = on;
  options.limit = 100;
  int eligible = 0;
  for (const Matcher::Ranked& r : matcher->Match(c, options).top) {
    EXPECT_EQ(r.eligibility, want[r.program->id]) << r.program->id;
    eligible += r.eligibility == Eligibility::kEligible;
  }
  EXPECT_EQ(eligible, 5);
  CompanyTable table(&evaluator);
  table.Upsert(c);
  for (const auto& p : programs) {
    const CompanyTable::ScanResult r =
        table.WhoQualifies(*p, on, true, [&](std::string_view) { return c; });
    EXPECT_EQ(r.eligible, want[p->id] == Eligibility::kEligible ? 1 : 0)
        << p->id;
  }
}

TEST(ExtremesTest, NearMissGapsAtTheEndsOfInt64) {
  Evaluator evaluator(&testing::Reference());
  const Date on = D("2026-06-01");
  Company c = KnownCompany();
  c.total_assets_won = 0;
  for (const auto& [lo, hi] : std::vector<std::pair<int64_t, int64_t>>{
           {kMax - 1, kMax}, {kMin + 1, kMin + 2}}) {
    auto p = std::make_shared<const Program>(MakeProgram(
        "p", {MakeRule("r", RuleKind::kRequire,
                       Range(Fact::kTotalAssetsWon, lo, hi, false, false))}));
    const ProgramOutcome o = evaluator.Evaluate(p, c, on);
    ASSERT_EQ(o.eligibility, Eligibility::kIneligible);
    // Far more than 20% away: no near miss, and no wrapped gap saying so.
    EXPECT_FALSE(FindNearMiss(evaluator, o, c, on).has_value());
  }
  // Leaving a range by its nearer side when both sides are at the ends.
  auto outside = std::make_shared<const Program>(
      MakeProgram("q", {MakeRule("r", RuleKind::kExclude,
                                 Range(Fact::kTotalAssetsWon, kMin, kMax))}));
  const ProgramOutcome o = evaluator.Evaluate(outside, c, on);
  ASSERT_EQ(o.eligibility, Eligibility::kIneligible);
  EXPECT_FALSE(FindNearMiss(evaluator, o, c, on).has_value());
}

TEST(ExtremesTest, PointsAndAmountsDoNotWrap) {
  Evaluator evaluator(&testing::Reference());
  const Date on = D("2026-06-01");
  Company c = KnownCompany();
  c.participations = std::vector<Participation>{
      {"X-1", 2026, kMax}, {"X-2", 2026, kMax}, {"X-3", 2026, kMax}};
  Program p = MakeProgram(
      "p",
      {MakeRule("b1", RuleKind::kBonus, testing::Is(Fact::kTaxArrears, false),
                kMaxPoints),
       MakeRule("b2", RuleKind::kBonus, testing::Is(Fact::kTaxArrears, false),
                kMaxPoints),
       MakeRule("cap", RuleKind::kCap,
                Range(Fact::kAwardsThisYearWon, std::nullopt, 1'000'000))});
  p.rules[2].condition.predicate.codes = {"X"};
  auto program = std::make_shared<const Program>(std::move(p));
  const ProgramOutcome o = evaluator.Evaluate(program, c, on);
  // Three awards of INT64_MAX won are far over the cap, not negative.
  EXPECT_EQ(o.eligibility, Eligibility::kIneligible);
  // Two rules of INT32_MAX points earn the most points there are, not -2.
  EXPECT_EQ(o.bonus_points, kMaxPoints);
  EXPECT_GT(o.score, 0);
}

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.field);
  return out;
}

TEST(ExtremesTest, ValidationRefusesTheEndsByField) {
  const Reference& ref = testing::Reference();
  Program p = MakeProgram(
      "p", {MakeRule("r", RuleKind::kRequire,
                     Range(Fact::kRevenueLatestWon, kMin, kMax, true, true)),
            MakeRule("b", RuleKind::kBonus,
                     testing::Is(Fact::kTaxArrears, false), kMaxPoints)});
  p.bonus_cap = kMaxPoints;
  std::vector<FieldError> errors;
  ValidateProgram(p, ref, &errors);
  EXPECT_EQ(Fields(errors),
            (std::vector<std::string>{
                "program.bonus_cap", "program.rules[0].condition.predicate.min",
                "program.rules[0].condition.predicate.max",
                "program.rules[1].points"}));
  // The limits themselves are accepted.
  p.rules[0].condition.predicate.min = -kMaxFigure;
  p.rules[0].condition.predicate.max = kMaxFigure;
  p.rules[1].points = kMaxBonusPoints;
  p.bonus_cap = kMaxBonusCap;
  errors.clear();
  ValidateProgram(p, ref, &errors);
  EXPECT_TRUE(errors.empty()) << ErrorsToStatus(errors);

  Company c = KnownCompany();
  const Date today = D("2026-12-01");
  c.founded_on = D("9999-12-31");
  c.ceos[0].birth_date = D("2026-12-02");
  c.total_assets_won = kMaxFigure + 1;
  c.regular_employees = std::numeric_limits<int32_t>::max();
  c.participations = std::vector<Participation>{{"X-1", 2026, kMax}};
  errors.clear();
  ValidateCompany(c, ref, today, &errors);
  EXPECT_EQ(Fields(errors),
            (std::vector<std::string>{
                "company.founded_on", "company.ceos[0].birth_date",
                "company.total_assets_won", "company.regular_employees",
                "company.participations.items[0].amount_won"}));
  // Founded and born today are fine.
  c = KnownCompany();
  c.founded_on = today;
  c.ceos[0].birth_date = today;
  errors.clear();
  ValidateCompany(c, ref, today, &errors);
  EXPECT_TRUE(errors.empty()) << ErrorsToStatus(errors);
}

}  // namespace
}  // namespace jiwon::engine
