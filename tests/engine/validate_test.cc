#include "engine/validate.h"

#include <gtest/gtest.h>

#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;

std::vector<FieldError> CompanyErrors(const Company& c) {
  std::vector<FieldError> errors;
  ValidateCompany(c, testing::Reference(), testing::Today(), &errors);
  return errors;
}

std::vector<FieldError> ProgramErrors(const Program& p) {
  std::vector<FieldError> errors;
  ValidateProgram(p, testing::Reference(), &errors);
  return errors;
}

// The one error's field, or a description of what came instead.
std::string OnlyField(const std::vector<FieldError>& errors) {
  if (errors.size() != 1) {
    return "expected one error, got " + std::to_string(errors.size()) + ": " +
           std::string(ErrorsToStatus(errors).message());
  }
  return errors[0].field;
}

TEST(BusinessNumberTest, ChecksTheCheckDigit) {
  EXPECT_TRUE(IsValidBusinessNumber("2208162517"));
  EXPECT_TRUE(IsValidBusinessNumber("1234567891"));
  EXPECT_FALSE(IsValidBusinessNumber("1234567890"));
  EXPECT_FALSE(IsValidBusinessNumber("123456789"));
  EXPECT_FALSE(IsValidBusinessNumber("12345678a1"));
}

TEST(IdTest, AcceptsOnlyTheIdAlphabet) {
  EXPECT_TRUE(IsValidId("gbsa-dev-prod-2026"));
  EXPECT_TRUE(IsValidId("C0001"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("a b"));
  EXPECT_FALSE(IsValidId("회사"));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
}

TEST(ValidateCompanyTest, AcceptsAFullProfile) {
  EXPECT_TRUE(CompanyErrors(testing::KnownCompany()).empty());
  Company bare;
  bare.id = "C2";
  EXPECT_TRUE(CompanyErrors(bare).empty());
}

TEST(ValidateCompanyTest, NamesTheBadField) {
  Company c = testing::KnownCompany();
  c.id = "";
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.id");

  c = testing::KnownCompany();
  c.business_number = "1234567890";
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.business_number");

  c = testing::KnownCompany();
  c.head_office_region = "99999";
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.head_office_region");

  c = testing::KnownCompany();
  c.head_office_region = "21110";  // abolished 부산직할시 중구
  std::vector<FieldError> errors = CompanyErrors(c);
  EXPECT_EQ(OnlyField(errors), "company.head_office_region");
  EXPECT_NE(errors[0].message.find("abolished"), std::string::npos);

  c = testing::KnownCompany();
  c.head_office_region = "42110";  // renamed, still the same place
  EXPECT_TRUE(CompanyErrors(c).empty());

  c = testing::KnownCompany();
  c.primary_industry = "99999";
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.primary_industry");

  c = testing::KnownCompany();
  c.fiscal_years[1].revenue_won = -1;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.fiscal_years[1].revenue_won");

  c = testing::KnownCompany();
  c.fiscal_years[2].year = 2024;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.fiscal_years[2].year");

  c = testing::KnownCompany();
  (*c.certifications)[0].valid_to = D("2020-01-01");
  EXPECT_EQ(OnlyField(CompanyErrors(c)),
            "company.certifications.items[0].valid_to");

  c = testing::KnownCompany();
  c.prospective_founder = true;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.prospective_founder");

  c = testing::KnownCompany();
  c.site_regions = std::vector<std::string>{"41610", "00000"};
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.site_regions.codes[1]");

  c = testing::KnownCompany();
  c.total_assets_won = -5;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.total_assets_won");

  c = testing::KnownCompany();
  c.factory_regions = std::vector<std::string>{"99999"};
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.factory_regions.codes[0]");

  c = testing::KnownCompany();
  c.insured_employees = -1;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.insured_employees");

  // Equity may be negative (자본잠식); liabilities may not.
  c = testing::KnownCompany();
  c.fiscal_years[0].equity_won = -5;
  c.fiscal_years[0].liabilities_won = 10;
  EXPECT_TRUE(CompanyErrors(c).empty());
  c.fiscal_years[0].liabilities_won = -10;
  EXPECT_EQ(OnlyField(CompanyErrors(c)),
            "company.fiscal_years[0].liabilities_won");

  // An answer holds one value.
  c = testing::KnownCompany();
  c.answers["plan"] = Answer{};
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.answers[\"plan\"]");
  c.answers["plan"].yes = true;
  EXPECT_TRUE(CompanyErrors(c).empty());

  // A 상호출자제한기업집단 member is not independent.
  c = testing::KnownCompany();
  c.independent = true;
  c.in_restricted_group = true;
  EXPECT_EQ(OnlyField(CompanyErrors(c)), "company.independent");
  c.independent = false;
  EXPECT_TRUE(CompanyErrors(c).empty());
}

Program Valid() {
  Program p = testing::MakeProgram(
      "p1",
      {testing::MakeRule("region", RuleKind::kRequire, testing::HqIn({"41"}))});
  p.rules[0].label = "경기도 소재";
  return p;
}

TEST(ValidateProgramTest, AcceptsAValidProgram) {
  EXPECT_TRUE(ProgramErrors(Valid()).empty());
}

TEST(ValidateProgramTest, NamesTheBadField) {
  Program p = Valid();
  p.window = {WindowKind::kFixed, D("2026-03-02"), D("2026-03-01"), {}, false};
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.window.closes_on");

  p = Valid();
  p.window = {WindowKind::kFixed, D("2026-03-02"), std::nullopt, {}, false};
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.window.closes_on");

  p = Valid();
  p.effective_from = D("2026-01-01");
  p.effective_to = D("2025-01-01");
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.effective_to");

  p = Valid();
  p.rules.push_back(p.rules[0]);
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.rules[1].id");

  p = Valid();
  p.rules[0].condition = testing::HqIn({"41", "99"});
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.codes[1]");

  p = Valid();
  p.rules[0].condition.predicate.op = Op::kRange;
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.op");

  p = Valid();
  p.rules[0].condition = testing::Range(Fact::kRevenueLatestWon, 10, 5);
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.max");

  p = Valid();
  p.rules[0].kind = RuleKind::kBonus;
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.rules[0].points");

  p = Valid();
  p.rules[0].condition = testing::AllOf({});
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.all.items");

  // A question predicate names a question the program declares, with an
  // operator of its type and, for a choice, only its choices.
  p = Valid();
  p.questions = {
      {"zone", "입주 형태는?", QuestionType::kChoice, {"입주", "졸업"}, ""}};
  p.rules[0].condition.predicate.fact = Fact::kQuestion;
  p.rules[0].condition.predicate.codes = {"입주"};
  p.rules[0].condition.predicate.question = "zone";
  EXPECT_TRUE(ProgramErrors(p).empty());
  p.rules[0].condition.predicate.codes = {"비입주"};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.codes[0]");
  p.rules[0].condition.predicate.codes = {"입주"};
  p.rules[0].condition.predicate.op = Op::kIsTrue;
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.op");
  p.rules[0].condition.predicate.op = Op::kIn;
  p.rules[0].condition.predicate.question = "plan";
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.question");
  p.rules[0].condition.predicate.question = "zone";
  p.questions.push_back(p.questions[0]);
  EXPECT_EQ(OnlyField(ProgramErrors(p)), "program.questions[1].id");

  // Legal forms belong to the legal-form fact, which needs some and takes
  // no codes (they would be ignored).
  p = Valid();
  p.rules[0].condition.predicate.fact = Fact::kLegalForm;
  p.rules[0].condition.predicate.legal_forms = {LegalForm::kCooperative};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.codes");
  p.rules[0].condition.predicate.legal_forms.clear();
  p.rules[0].condition.predicate.codes.clear();
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.legal_forms");
  p.rules[0].condition.predicate.legal_forms = {LegalForm::kCooperative};
  EXPECT_TRUE(ProgramErrors(p).empty());
  p = Valid();
  p.rules[0].condition.predicate.legal_forms = {LegalForm::kCooperative};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.legal_forms");
  // So do certifications, needs and size classes: on another fact they
  // would be ignored.
  p = Valid();
  p.rules[0].condition.predicate.needs = {Need::kManpower};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.needs");
  p = Valid();
  p.rules[0].condition.predicate.certifications = {Certification::kVenture};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.certifications");
  p = Valid();
  p.rules[0].condition.predicate.size_classes = {SizeClass::kSmall};
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.predicate.size_classes");

  p = Valid();
  p.rules[0].condition =
      testing::AnyOf({testing::HqIn({"41"}), testing::IndustryIn({"ZZ"})});
  EXPECT_EQ(OnlyField(ProgramErrors(p)),
            "program.rules[0].condition.any.items[1].predicate.codes[0]");
}

TEST(ValidateProgramTest, StatusListsEveryError) {
  Program p = Valid();
  p.id = "";
  p.title = "";
  std::vector<FieldError> errors = ProgramErrors(p);
  ASSERT_EQ(errors.size(), 2u);
  absl::Status s = ErrorsToStatus(errors);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("program.id"), absl::string_view::npos);
  EXPECT_NE(s.message().find("program.title"), absl::string_view::npos);
}

}  // namespace
}  // namespace jiwon::engine
