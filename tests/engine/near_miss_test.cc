#include "engine/near_miss.h"

#include <gtest/gtest.h>

#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;
using testing::KnownCompany;
using testing::MakeProgram;
using testing::MakeRule;
using testing::Range;

constexpr int64_t kEok = 100'000'000;
const Date kOn = D("2026-11-27");

class NearMissTest : public ::testing::Test {
 protected:
  std::optional<NearMiss> Miss(std::vector<Rule> rules, const Company& c) {
    auto program =
        std::make_shared<const Program>(MakeProgram("p", std::move(rules)));
    ProgramOutcome o = evaluator_.Evaluate(program, c, kOn);
    return FindNearMiss(evaluator_, o, c, kOn);
  }

  Evaluator evaluator_{&testing::Reference()};
};

Rule RevenueAtMost(int64_t eok) {
  return MakeRule("revenue", RuleKind::kRequire,
                  Range(Fact::kRevenueLatestWon, std::nullopt, eok * kEok));
}

TEST_F(NearMissTest, FigureWithinTwentyPercent) {
  // Latest revenue 126억 against "120억 이하": 6억 over, 5% of the bound.
  std::optional<NearMiss> m = Miss({RevenueAtMost(120)}, KnownCompany());
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->changes.size(), 1u);
  EXPECT_EQ(m->changes[0].fact, Fact::kRevenueLatestWon);
  EXPECT_EQ(m->changes[0].to, 120 * kEok);
  EXPECT_EQ(m->changes[0].gap_permille, 50);
  EXPECT_EQ(m->changes[0].description,
            "최근 연매출 120억원 이하 (현재 126억원, 6억원 초과)");
  EXPECT_EQ(m->result, Eligibility::kEligible);
}

TEST_F(NearMissTest, FigureTooFarIsNoNearMiss) {
  EXPECT_FALSE(Miss({RevenueAtMost(100)}, KnownCompany()).has_value());  // 26%
  EXPECT_TRUE(Miss({RevenueAtMost(105)}, KnownCompany()).has_value());   // 20%
}

TEST_F(NearMissTest, MissingCertification) {
  std::optional<NearMiss> m = Miss(
      {MakeRule(
          "cert", RuleKind::kRequire,
          testing::HasAny({Certification::kVenture, Certification::kInnobiz}))},
      KnownCompany());
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->changes.size(), 1u);
  EXPECT_EQ(m->changes[0].kind, Change::Kind::kAddCertification);
  EXPECT_EQ(m->changes[0].certification, Certification::kVenture);
  EXPECT_EQ(m->changes[0].description, "벤처기업 인증·확인 취득");
}

TEST_F(NearMissTest, NeverSuggestsUnchangeableFacts) {
  Company c =
      KnownCompany();  // CEO born 1979, founded 2016, head office 광주시
  EXPECT_FALSE(Miss({MakeRule("youth", RuleKind::kRequire,
                              Range(Fact::kCeoAgeYears, std::nullopt, 39))},
                    c)
                   .has_value());
  EXPECT_FALSE(
      Miss({MakeRule("age", RuleKind::kRequire,
                     Range(Fact::kBusinessAgeMonths, std::nullopt, 84))},
           c)
          .has_value());
  EXPECT_FALSE(
      Miss({MakeRule("seoul", RuleKind::kRequire, testing::HqIn({"11"}))}, c)
          .has_value());
  Condition alumni = Range(Fact::kParticipationsEver, 1, std::nullopt);
  c.participations = std::vector<Participation>{{"ysa-2023", 2023, 1}};
  EXPECT_FALSE(
      Miss({MakeRule("alumni", RuleKind::kExclude, alumni)}, c).has_value());
}

TEST_F(NearMissTest, SettlingArrearsAndOpeningASite) {
  Company c = KnownCompany();
  c.tax_arrears = true;
  Predicate site;
  site.fact = Fact::kSiteRegion;
  site.op = Op::kIn;
  site.codes = {"41500"};
  std::optional<NearMiss> m = Miss(
      {MakeRule("arrears", RuleKind::kExclude, testing::Is(Fact::kTaxArrears)),
       MakeRule("icheon", RuleKind::kRequire, testing::Leaf(site))},
      c);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->changes.size(), 2u);
  EXPECT_EQ(m->changes[0].description, "국세·지방세 체납 해소");
  EXPECT_EQ(m->changes[1].description, "41500 경기도 이천시에 사업장 설치");
}

TEST_F(NearMissTest, AtMostTwoChanges) {
  std::vector<Rule> rules = {
      MakeRule("a", RuleKind::kRequire,
               testing::HasAny({Certification::kVenture})),
      MakeRule("b", RuleKind::kRequire,
               testing::HasAny({Certification::kInnobiz})),
      MakeRule("c", RuleKind::kRequire,
               testing::HasAny({Certification::kMainbiz}))};
  EXPECT_FALSE(Miss(rules, KnownCompany()).has_value());
  rules.pop_back();
  EXPECT_TRUE(Miss(rules, KnownCompany()).has_value());
}

TEST_F(NearMissTest, ChangeThatBreaksAnotherRuleIsRejected) {
  // Bringing revenue down to 120억 would break "120억 초과" elsewhere.
  EXPECT_FALSE(
      Miss({RevenueAtMost(120),
            MakeRule("big", RuleKind::kRequire,
                     Range(Fact::kRevenueLatestWon, 121 * kEok, std::nullopt))},
           KnownCompany())
          .has_value());
}

TEST_F(NearMissTest, RemainingUnknownsMakeTheResultUndetermined) {
  Company c = KnownCompany();
  c.loan_default.reset();
  std::optional<NearMiss> m =
      Miss({RevenueAtMost(120), MakeRule("default", RuleKind::kExclude,
                                         testing::Is(Fact::kLoanDefault))},
           c);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->result, Eligibility::kUndetermined);
}

TEST_F(NearMissTest, EligibleOrUndeterminedHaveNoNearMiss) {
  EXPECT_FALSE(Miss({RevenueAtMost(200)}, KnownCompany()).has_value());
  Company c = KnownCompany();
  c.fiscal_years.clear();
  EXPECT_FALSE(Miss({RevenueAtMost(120)}, c).has_value());
}

TEST(NextQuestionsTest, RanksBySettledThenInvolved) {
  auto outcome = [](std::string id, std::vector<Fact> missing) {
    Program p = MakeProgram(std::move(id), {});
    ProgramOutcome o;
    o.program = std::make_shared<const Program>(std::move(p));
    o.eligibility = Eligibility::kUndetermined;
    o.missing_facts = std::move(missing);
    return o;
  };
  std::vector<ProgramOutcome> outcomes = {
      outcome("a", {Fact::kTaxArrears}),
      outcome("b", {Fact::kTaxArrears, Fact::kSizeClass}),
      outcome("c", {Fact::kSizeClass, Fact::kNeeds}),
      outcome("d", {Fact::kSizeClass, Fact::kNeeds}),
      outcome("e", {Fact::kCertifications})};
  ProgramOutcome eligible = outcome("f", {Fact::kPatents});
  eligible.eligibility = Eligibility::kEligible;
  outcomes.push_back(eligible);
  std::vector<Question> q = NextQuestions(outcomes);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].fact, Fact::kTaxArrears);  // settles 1, involves 2
  EXPECT_EQ(q[0].settles, 1);
  EXPECT_EQ(q[0].involves, 2);
  EXPECT_EQ(q[1].fact, Fact::kCertifications);  // settles 1, involves 1
  EXPECT_EQ(q[2].fact, Fact::kSizeClass);       // settles 0, involves 3
  EXPECT_EQ(q[2].program_ids, (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(q[3].fact, Fact::kNeeds);
}

TEST(RegionGroupsTest, RulesCiteGroupsByName) {
  Evaluator evaluator(&testing::Reference());
  Predicate p;
  p.fact = Fact::kHeadOfficeRegion;
  p.op = Op::kIn;
  p.region_groups = {"비수도권"};
  auto run = [&](const char* region) {
    Company c = KnownCompany();
    c.head_office_region = region;
    auto program = std::make_shared<const Program>(MakeProgram(
        "p", {MakeRule("r", RuleKind::kRequire, testing::Leaf(p))}));
    return evaluator.Evaluate(program, c, kOn).rules[0].condition;
  };
  EXPECT_EQ(run("41610"), Truth::kFalse);
  EXPECT_EQ(run("51110"), Truth::kTrue);
  EXPECT_EQ(run("42110"), Truth::kTrue);  // old 강원 code, same place
  EXPECT_EQ(run("36110"), Truth::kTrue);
  p.region_groups = {"수도권"};
  EXPECT_EQ(run("41610"), Truth::kTrue);
  EXPECT_EQ(run("28110"), Truth::kTrue);
  EXPECT_EQ(run("30110"), Truth::kFalse);
}

}  // namespace
}  // namespace jiwon::engine
