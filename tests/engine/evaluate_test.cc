#include "engine/evaluate.h"

#include <gtest/gtest.h>

#include <limits>

#include "engine/format.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;
using testing::KnownCompany;
using testing::MakeProgram;
using testing::MakeRule;
using testing::Range;

constexpr int64_t kEok = 100'000'000;

class EvaluateTest : public ::testing::Test {
 protected:
  // The outcome of one require rule on `company` at `on`.
  Truth Require(Condition c, const Company& company, Date on) {
    ProgramOutcome o =
        Run({MakeRule("r", RuleKind::kRequire, std::move(c))}, company, on);
    return o.rules[0].condition;
  }

  ProgramOutcome Run(std::vector<Rule> rules, const Company& company, Date on,
                     int bonus_cap = 0) {
    Program p = MakeProgram("p", std::move(rules));
    p.bonus_cap = bonus_cap;
    return evaluator_.Evaluate(std::make_shared<const Program>(std::move(p)),
                               company, on);
  }

  Evaluator evaluator_{&testing::Reference()};
};

TEST(TruthTest, KleeneTables) {
  const Truth T = Truth::kTrue, F = Truth::kFalse, U = Truth::kUnknown;
  EXPECT_EQ(And(T, U), U);
  EXPECT_EQ(And(F, U), F);
  EXPECT_EQ(And(T, T), T);
  EXPECT_EQ(Or(F, U), U);
  EXPECT_EQ(Or(T, U), T);
  EXPECT_EQ(Or(F, F), F);
  EXPECT_EQ(Not(U), U);
  EXPECT_EQ(Not(T), F);
}

TEST_F(EvaluateTest, RevenueCeilingIsInclusive) {
  Company c = KnownCompany();
  auto rule = [] {
    return Range(Fact::kRevenueLatestWon, std::nullopt, 120 * kEok);
  };
  c.fiscal_years.back().revenue_won = 120 * kEok;
  EXPECT_EQ(Require(rule(), c, D("2026-11-27")), Truth::kTrue);
  c.fiscal_years.back().revenue_won = 120 * kEok + 1;
  EXPECT_EQ(Require(rule(), c, D("2026-11-27")), Truth::kFalse);
  c.fiscal_years.clear();
  EXPECT_EQ(Require(rule(), c, D("2026-11-27")), Truth::kUnknown);
}

TEST_F(EvaluateTest, LatestRevenueIsTheLastYearBeforeTheReferenceYear) {
  Company c = KnownCompany();
  auto rule = [] {
    return Range(Fact::kRevenueLatestWon, std::nullopt, 100 * kEok);
  };
  // In 2025 the latest closed year is 2024 (96억).
  EXPECT_EQ(Require(rule(), c, D("2025-06-01")), Truth::kTrue);
  EXPECT_EQ(Require(rule(), c, D("2026-06-01")), Truth::kFalse);
}

TEST_F(EvaluateTest, AverageRevenueUsesTheLatestThreeYears) {
  Company c = KnownCompany();  // 78, 96, 126 → 100억
  EXPECT_EQ(Require(Range(Fact::kRevenueAvg3Won, std::nullopt, 100 * kEok), c,
                    D("2026-01-01")),
            Truth::kTrue);
  EXPECT_EQ(Require(Range(Fact::kRevenueAvg3Won, std::nullopt, 100 * kEok - 1),
                    c, D("2026-01-01")),
            Truth::kFalse);
}

TEST_F(EvaluateTest, RevenueGrowthComparesExactly) {
  Company c = KnownCompany();  // 78억 → 126억 over two years: +61.5%
  EXPECT_EQ(Require(Range(Fact::kRevenueGrowthPercent, 61, std::nullopt), c,
                    D("2026-01-01")),
            Truth::kTrue);
  EXPECT_EQ(Require(Range(Fact::kRevenueGrowthPercent, 62, std::nullopt), c,
                    D("2026-01-01")),
            Truth::kFalse);
  c.fiscal_years.erase(c.fiscal_years.begin());
  EXPECT_EQ(Require(Range(Fact::kRevenueGrowthPercent, 20, std::nullopt), c,
                    D("2026-01-01")),
            Truth::kUnknown);
}

TEST_F(EvaluateTest, RndIntensityComparesExactlyOnOneYear) {
  Company c = KnownCompany();
  c.fiscal_years.clear();
  engine::FiscalYear fy;
  fy.year = 2025;
  fy.revenue_won = 20 * kEok;
  fy.rnd_spend_won = kEok - 1;  // 4.99999995%
  c.fiscal_years.push_back(fy);
  auto five = [] { return Range(Fact::kRndIntensityPercent, 5, std::nullopt); };
  EXPECT_EQ(Require(five(), c, D("2026-11-27")), Truth::kFalse);
  c.fiscal_years[0].rnd_spend_won = kEok;  // exactly 5%
  EXPECT_EQ(Require(five(), c, D("2026-11-27")), Truth::kTrue);
  // Read from years before the reference year only.
  EXPECT_EQ(Require(five(), c, D("2025-06-01")), Truth::kUnknown);
  // R&D before any revenue is above every bound.
  c.fiscal_years[0].revenue_won = 0;
  EXPECT_EQ(Require(five(), c, D("2026-11-27")), Truth::kTrue);
  EXPECT_EQ(Require(Range(Fact::kRndIntensityPercent, std::nullopt, 50), c,
                    D("2026-11-27")),
            Truth::kFalse);
  c.fiscal_years[0].revenue_won.reset();
  EXPECT_EQ(Require(five(), c, D("2026-11-27")), Truth::kUnknown);
}

TEST_F(EvaluateTest, BusinessAgeWithinIncludesTheAnniversary) {
  Company c = KnownCompany();
  c.founded_on = D("2021-03-15");
  auto within3 = [] {
    return Range(Fact::kBusinessAgeMonths, std::nullopt, 36);
  };
  EXPECT_EQ(Require(within3(), c, D("2024-03-15")), Truth::kTrue);
  EXPECT_EQ(Require(within3(), c, D("2024-03-16")), Truth::kFalse);
}

TEST_F(EvaluateTest, BusinessAgeOverStartsTheDayAfter) {
  Company c = KnownCompany();
  c.founded_on = D("2019-03-15");
  // 3년 초과 7년 이내.
  auto band = [] {
    return Range(Fact::kBusinessAgeMonths, 36, 84, true, false);
  };
  EXPECT_EQ(Require(band(), c, D("2022-03-15")), Truth::kFalse);
  EXPECT_EQ(Require(band(), c, D("2022-03-16")), Truth::kTrue);
  EXPECT_EQ(Require(band(), c, D("2026-03-15")), Truth::kTrue);
  EXPECT_EQ(Require(band(), c, D("2026-03-16")), Truth::kFalse);
}

TEST_F(EvaluateTest, BusinessAgeUnderExcludesTheBoundaryDayAndClamps) {
  Company c = KnownCompany();
  c.founded_on = D("2024-01-31");
  // 2년 3개월 미만: the bound is 2026-04-30 (31 April clamps).
  auto under = [] {
    return Range(Fact::kBusinessAgeMonths, std::nullopt, 27, false, true);
  };
  EXPECT_EQ(Require(under(), c, D("2026-04-29")), Truth::kTrue);
  EXPECT_EQ(Require(under(), c, D("2026-04-30")), Truth::kFalse);
}

TEST_F(EvaluateTest, ProspectiveFounderHasNoBusinessAge) {
  Company c = KnownCompany();
  c.founded_on.reset();
  c.prospective_founder = true;
  EXPECT_EQ(Require(Range(Fact::kBusinessAgeMonths, std::nullopt, 36), c,
                    D("2026-01-01")),
            Truth::kFalse);
  EXPECT_EQ(Require(testing::Is(Fact::kProspectiveFounder), c, D("2026-01-01")),
            Truth::kTrue);
  // Founded after the reference date: still a 예비창업자 then.
  Company later = KnownCompany();
  later.founded_on = D("2026-06-01");
  EXPECT_EQ(
      Require(testing::Is(Fact::kProspectiveFounder), later, D("2026-05-31")),
      Truth::kTrue);
  EXPECT_EQ(
      Require(testing::Is(Fact::kProspectiveFounder), later, D("2026-06-01")),
      Truth::kFalse);
  Company unknown = KnownCompany();
  unknown.founded_on.reset();
  EXPECT_EQ(Require(Range(Fact::kBusinessAgeMonths, std::nullopt, 36), unknown,
                    D("2026-01-01")),
            Truth::kUnknown);
}

TEST_F(EvaluateTest, YouthEndsOnTheFortiethBirthday) {
  Company c = KnownCompany();
  c.ceos = {{D("1986-11-27"), Gender::kMale, false}};
  auto youth = [] { return Range(Fact::kCeoAgeYears, std::nullopt, 39); };
  EXPECT_EQ(Require(youth(), c, D("2026-11-26")), Truth::kTrue);
  EXPECT_EQ(Require(youth(), c, D("2026-11-27")), Truth::kFalse);
  EXPECT_EQ(Require(testing::Is(Fact::kYouthCeo), c, D("2026-11-26")),
            Truth::kTrue);
  EXPECT_EQ(Require(testing::Is(Fact::kYouthCeo), c, D("2026-11-27")),
            Truth::kFalse);
}

TEST_F(EvaluateTest, SeveralCeosFollowTheQuantifier) {
  Company c = KnownCompany();
  c.ceos = {{D("1990-01-01"), Gender::kMale, false},
            {D("1970-01-01"), Gender::kFemale, false}};
  Condition all = Range(Fact::kCeoAgeYears, std::nullopt, 39);
  Condition any = all;
  any.predicate.quantifier = Quantifier::kAny;
  EXPECT_EQ(Require(all, c, D("2026-01-01")), Truth::kFalse);
  EXPECT_EQ(Require(any, c, D("2026-01-01")), Truth::kTrue);
  c.ceos[1].birth_date.reset();
  EXPECT_EQ(Require(all, c, D("2026-01-01")), Truth::kUnknown);
  EXPECT_EQ(Require(any, c, D("2026-01-01")), Truth::kTrue);
  c.ceos.clear();
  EXPECT_EQ(Require(all, c, D("2026-01-01")), Truth::kUnknown);
}

TEST_F(EvaluateTest, AgeBandsAsAUnionAdmitAFortyFiveYearOld) {
  Company c = KnownCompany();
  c.ceos = {{D("1981-01-01"), Gender::kMale, false}};
  // "만 20세 이상 ~ 만 39세 이하, 만 40세 이상" is a union, not one range.
  Condition band =
      testing::AnyOf({Range(Fact::kCeoAgeYears, 20, 39),
                      Range(Fact::kCeoAgeYears, 40, std::nullopt)});
  EXPECT_EQ(Require(band, c, D("2026-06-01")), Truth::kTrue);
}

TEST_F(EvaluateTest, CertificationValidityIncludesBothEnds) {
  Company c = KnownCompany();
  c.certifications = std::vector<CertificationGrant>{
      {Certification::kVenture, D("2023-11-27"), D("2026-11-26")}};
  auto venture = [] { return testing::HasAny({Certification::kVenture}); };
  EXPECT_EQ(Require(venture(), c, D("2026-11-26")), Truth::kTrue);
  EXPECT_EQ(Require(venture(), c, D("2026-11-27")), Truth::kFalse);
  EXPECT_EQ(Require(venture(), c, D("2023-11-27")), Truth::kTrue);
  EXPECT_EQ(Require(venture(), c, D("2023-11-26")), Truth::kFalse);
  c.certifications.reset();
  EXPECT_EQ(Require(venture(), c, D("2026-01-01")), Truth::kUnknown);
}

TEST_F(EvaluateTest, RegionsAreHierarchicalAndUnknownStaysUnknown) {
  Company c = KnownCompany();
  EXPECT_EQ(Require(testing::HqIn({"41"}), c, D("2026-01-01")), Truth::kTrue);
  EXPECT_EQ(Require(testing::HqIn({"11", "28"}), c, D("2026-01-01")),
            Truth::kFalse);
  c.head_office_region = "41";
  EXPECT_EQ(Require(testing::HqIn({"41610"}), c, D("2026-01-01")),
            Truth::kUnknown);
  c.head_office_region.reset();
  EXPECT_EQ(Require(testing::HqIn({"41"}), c, D("2026-01-01")),
            Truth::kUnknown);
}

TEST_F(EvaluateTest, SiteRegionCountsTheHeadOfficeAndUnknownSites) {
  Company c = KnownCompany();
  c.head_office_region = "11110";
  Predicate p;
  p.fact = Fact::kSiteRegion;
  p.op = Op::kIn;
  p.codes = {"41610"};
  c.site_regions = std::vector<std::string>{};
  EXPECT_EQ(Require(testing::Leaf(p), c, D("2026-01-01")), Truth::kFalse);
  c.site_regions = std::vector<std::string>{"41610"};
  EXPECT_EQ(Require(testing::Leaf(p), c, D("2026-01-01")), Truth::kTrue);
  c.site_regions.reset();
  EXPECT_EQ(Require(testing::Leaf(p), c, D("2026-01-01")), Truth::kUnknown);
}

TEST_F(EvaluateTest, AGroupMemberIsNotIndependentWhateverTheProfileLeavesOpen) {
  using testing::Is;
  Company c = KnownCompany();
  c.independent.reset();
  EXPECT_EQ(Require(Is(Fact::kIndependent), c, D("2026-11-27")),
            Truth::kUnknown);
  c.in_restricted_group = true;
  EXPECT_EQ(Require(Is(Fact::kIndependent), c, D("2026-11-27")), Truth::kFalse);
  EXPECT_EQ(Require(Is(Fact::kIndependent, false), c, D("2026-11-27")),
            Truth::kTrue);
  c.in_restricted_group = false;
  EXPECT_EQ(Require(Is(Fact::kIndependent), c, D("2026-11-27")),
            Truth::kUnknown);
}

TEST_F(EvaluateTest, SizeClassFromTheTable) {
  Company c = KnownCompany();  // C25, avg 100억, 38 people, independent
  const Date on = D("2026-01-01");
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSme}), c, on), Truth::kTrue);
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSmall}), c, on), Truth::kTrue);
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kMicro}), c, on),
            Truth::kFalse);
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kMidsize}), c, on),
            Truth::kFalse);
  c.regular_employees = 9;
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kMicro}), c, on), Truth::kTrue);
}

TEST_F(EvaluateTest, SizeClassIsDecidedWhenUnknownsCannotMatter) {
  Company c = KnownCompany();
  const Date on = D("2026-01-01");
  c.fiscal_years.clear();
  c.independent = false;
  // Not independent: not a 중소기업 whatever the revenue.
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSme}), c, on), Truth::kFalse);
  c.independent.reset();
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSme}), c, on),
            Truth::kUnknown);
  c = KnownCompany();
  c.total_assets_won = 5000 * kEok;  // assets must be under 5,000억
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSme}), c, on), Truth::kFalse);
  EXPECT_EQ(Require(testing::SizeIn({SizeClass::kSme, SizeClass::kMidsize,
                                     SizeClass::kLarge}),
                    c, on),
            Truth::kTrue);
}

TEST_F(EvaluateTest, ProgramStatusFollowsRuleOutcomes) {
  Company c = KnownCompany();
  const Date on = D("2026-01-01");
  ProgramOutcome eligible = Run(
      {MakeRule("region", RuleKind::kRequire, testing::HqIn({"41"})),
       MakeRule("arrears", RuleKind::kExclude, testing::Is(Fact::kTaxArrears))},
      c, on);
  EXPECT_EQ(eligible.eligibility, Eligibility::kEligible);
  EXPECT_EQ(eligible.rules[1].condition, Truth::kFalse);
  EXPECT_EQ(eligible.rules[1].passed, Truth::kTrue);

  c.tax_arrears.reset();
  ProgramOutcome undetermined = Run(
      {MakeRule("region", RuleKind::kRequire, testing::HqIn({"41"})),
       MakeRule("arrears", RuleKind::kExclude, testing::Is(Fact::kTaxArrears))},
      c, on);
  EXPECT_EQ(undetermined.eligibility, Eligibility::kUndetermined);
  EXPECT_EQ(undetermined.missing_facts, std::vector<Fact>{Fact::kTaxArrears});

  // A false require rule decides, whatever else is unknown.
  ProgramOutcome ineligible = Run(
      {MakeRule("region", RuleKind::kRequire, testing::HqIn({"11"})),
       MakeRule("arrears", RuleKind::kExclude, testing::Is(Fact::kTaxArrears))},
      c, on);
  EXPECT_EQ(ineligible.eligibility, Eligibility::kIneligible);
  EXPECT_TRUE(ineligible.missing_facts.empty());
}

TEST_F(EvaluateTest, BonusPointsAreCappedAndNeverDecideEligibility) {
  Company c = KnownCompany();
  ProgramOutcome o =
      Run({MakeRule("hiring", RuleKind::kBonus,
                    Range(Fact::kEmployeeChange, 1, std::nullopt), 3),
           MakeRule("women", RuleKind::kBonus,
                    testing::HasAny({Certification::kWomenOwned}), 2),
           MakeRule("venture", RuleKind::kBonus,
                    testing::HasAny({Certification::kVenture}), 4)},
          c, D("2026-01-01"), /*bonus_cap=*/4);
  EXPECT_EQ(o.eligibility, Eligibility::kEligible);
  EXPECT_EQ(o.rules[0].points, 3);
  EXPECT_EQ(o.rules[1].points, 2);
  EXPECT_EQ(o.rules[2].points, 0);
  EXPECT_EQ(o.bonus_points, 4);
}

TEST_F(EvaluateTest, CapRulesCountThisYearsAwards) {
  Company c = KnownCompany();
  c.participations =
      std::vector<Participation>{{"gbsa-dev-prod-2026", 2026, 1500 * 10'000},
                                 {"gbsa-dev-prod-2025", 2025, 1500 * 10'000}};
  Condition amount =
      Range(Fact::kAwardsThisYearWon, std::nullopt, 2000 * 10'000, false, true);
  amount.predicate.codes = {"gbsa-dev-prod"};
  Condition count = Range(Fact::kParticipationsThisYear, std::nullopt, 0);
  count.predicate.codes = {"gbsa"};
  EXPECT_EQ(Require(amount, c, D("2026-06-01")), Truth::kTrue);
  EXPECT_EQ(Require(count, c, D("2026-06-01")), Truth::kFalse);
  EXPECT_EQ(Require(count, c, D("2027-06-01")), Truth::kTrue);
  c.participations.reset();
  EXPECT_EQ(Require(count, c, D("2027-06-01")), Truth::kUnknown);
}

TEST_F(EvaluateTest, ProgramOutsideItsEffectiveDatesIsNotInEffect) {
  Program p = MakeProgram("old", {});
  p.effective_to = D("2025-12-31");
  ProgramOutcome o = evaluator_.Evaluate(std::make_shared<const Program>(p),
                                         KnownCompany(), D("2026-01-01"));
  EXPECT_EQ(o.eligibility, Eligibility::kNotInEffect);
  o = evaluator_.Evaluate(std::make_shared<const Program>(p), KnownCompany(),
                          D("2025-12-31"));
  EXPECT_EQ(o.eligibility, Eligibility::kEligible);
}

TEST_F(EvaluateTest, ReferenceDateFollowsTheProgram) {
  Program p = MakeProgram("p", {});
  p.announced_on = D("2026-03-02");
  p.window.kind = WindowKind::kFixed;
  p.window.opens_on = D("2026-03-02");
  p.window.closes_on = D("2026-04-10");
  p.reference_date = ReferenceDateKind::kAnnouncement;
  EXPECT_EQ(Evaluator::ReferenceDateFor(p, D("2026-03-20")), D("2026-03-02"));
  p.reference_date = ReferenceDateKind::kDeadline;
  EXPECT_EQ(Evaluator::ReferenceDateFor(p, D("2026-03-20")), D("2026-04-10"));
  p.reference_date = ReferenceDateKind::kApplication;
  EXPECT_EQ(Evaluator::ReferenceDateFor(p, D("2026-03-20")), D("2026-03-20"));
}

TEST(WindowTest, StatusOnADate) {
  Window fixed{WindowKind::kFixed, D("2026-03-02"), D("2026-04-10"), {}, false};
  EXPECT_EQ(StatusOn(fixed, D("2026-03-01")), WindowStatus::kUpcoming);
  EXPECT_EQ(StatusOn(fixed, D("2026-03-02")), WindowStatus::kOpen);
  EXPECT_EQ(StatusOn(fixed, D("2026-04-10")), WindowStatus::kOpen);
  EXPECT_EQ(StatusOn(fixed, D("2026-04-11")), WindowStatus::kClosed);
  Window rolling{WindowKind::kRolling, std::nullopt, std::nullopt, {}, false};
  EXPECT_EQ(StatusOn(rolling, D("2030-01-01")), WindowStatus::kOpen);
  Window budget{
      WindowKind::kUntilBudget, D("2026-01-02"), std::nullopt, {}, true};
  EXPECT_EQ(StatusOn(budget, D("2026-05-01")), WindowStatus::kClosed);
  Window tba{WindowKind::kToBeAnnounced, std::nullopt, std::nullopt, {}, false};
  EXPECT_EQ(StatusOn(tba, D("2026-05-01")), WindowStatus::kUpcoming);
  Window rounds{WindowKind::kFixed,
                std::nullopt,
                std::nullopt,
                {{"1차", D("2026-01-15"), D("2026-02-13")},
                 {"2차", D("2026-04-01"), D("2026-04-30")}},
                false};
  EXPECT_EQ(StatusOn(rounds, D("2026-03-01")), WindowStatus::kUpcoming);
  EXPECT_EQ(StatusOn(rounds, D("2026-04-30")), WindowStatus::kOpen);
  EXPECT_EQ(StatusOn(rounds, D("2026-05-01")), WindowStatus::kClosed);
  EXPECT_EQ(ClosingDate(rounds, D("2026-03-01")), D("2026-04-30"));
}

TEST(FormatTest, MoneyAndMonths) {
  EXPECT_EQ(FormatWon(120 * kEok), "120억원");
  EXPECT_EQ(FormatWon(120 * kEok + 1), "120억 1원");
  EXPECT_EQ(FormatWon(126 * kEok + 3000 * 10'000), "126억 3,000만원");
  EXPECT_EQ(FormatWon(0), "0원");
  EXPECT_EQ(FormatWon(1'234'567'890'123), "12,345억 6,789만 123원");
  EXPECT_EQ(FormatWon(5 * 10'000 + 999), "5만 999원");
  EXPECT_EQ(FormatWon(-50'000), "-5만원");
  EXPECT_EQ(FormatWon(999), "999원");
  EXPECT_EQ(FormatWon(std::numeric_limits<int64_t>::max()),
            "92,233,720,368억 5,477만 5,807원");
  EXPECT_EQ(FormatWon(std::numeric_limits<int64_t>::min()),
            "-92,233,720,368억 5,477만 5,808원");
  EXPECT_EQ(FormatMonths(27), "2년 3개월");
  EXPECT_EQ(FormatMonths(36), "3년");
  EXPECT_EQ(FormatMonths(5), "5개월");
}

TEST_F(EvaluateTest, DerivedFactsShowTheirComputation) {
  std::vector<DerivedFact> facts =
      evaluator_.Derive(KnownCompany(), D("2026-11-27"));
  auto find = [&](const std::string& name) -> const DerivedFact* {
    for (const DerivedFact& f : facts) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };
  ASSERT_NE(find("업력"), nullptr);
  EXPECT_EQ(find("업력")->value, "10년 6개월");
  ASSERT_NE(find("기업규모"), nullptr);
  EXPECT_EQ(find("기업규모")->value, "소기업");
  EXPECT_NE(find("기업규모")->computation.find("120억원"), std::string::npos);
  ASSERT_NE(find("대표자 만 나이"), nullptr);
  EXPECT_EQ(find("대표자 만 나이")->value, "47세");
}

}  // namespace
}  // namespace jiwon::engine
