#include "server/convert.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tests/testing.h"

namespace jiwon::server {
namespace {

TEST(ConvertTest, UnsetFactsStayUnknown) {
  v1::Company in;
  in.set_id("C1");
  std::vector<engine::FieldError> errors;
  engine::Company c = CompanyFromProto(in, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(c.head_office_region.has_value());
  EXPECT_FALSE(c.certifications.has_value());
  EXPECT_FALSE(c.tax_arrears.has_value());
  EXPECT_FALSE(c.needs.has_value());
  EXPECT_FALSE(c.site_regions.has_value());

  in.mutable_certifications();  // set but empty: known to hold none
  in.mutable_tax_arrears()->set_value(false);
  in.mutable_tax_arrears()->set_as_of("2026-11-01");
  in.mutable_loan_default();  // set without a value: still unknown
  c = CompanyFromProto(in, &errors);
  ASSERT_TRUE(c.certifications.has_value());
  EXPECT_TRUE(c.certifications->empty());
  EXPECT_EQ(c.tax_arrears, false);
  EXPECT_FALSE(c.loan_default.has_value());
}

TEST(ConvertTest, MalformedValuesNameTheirField) {
  v1::Company in;
  in.set_id("C1");
  in.set_founded_on("2021-02-30");
  in.add_ceos()->set_birth_date("1980/01/01");
  in.mutable_certifications()->add_items()->set_kind(
      static_cast<v1::CertificationKind>(99));
  std::vector<engine::FieldError> errors;
  CompanyFromProto(in, &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "company.founded_on");
  EXPECT_EQ(errors[1].field, "company.ceos[0].birth_date");
  EXPECT_EQ(errors[2].field, "company.certifications.items[0].kind");
}

TEST(ConvertTest, TagsAreCheckedByPosition) {
  v1::Company in;
  in.set_id("C1");
  in.add_tags("gbsa");
  in.add_tags("cohort:2026-1");
  std::vector<engine::FieldError> errors;
  CompanyFromProto(in, &errors);
  EXPECT_TRUE(errors.empty());
  in.add_tags("경기");  // not the id alphabet
  in.add_tags("gbsa");  // a repeat
  in.add_tags("");
  CompanyFromProto(in, &errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "company.tags[2]");
  EXPECT_EQ(errors[1].field, "company.tags[3]");
  EXPECT_EQ(errors[1].message, "\"gbsa\" repeats tags[0]");
  EXPECT_EQ(errors[2].field, "company.tags[4]");
  v1::Company many;
  many.set_id("C2");
  for (int i = 0; i < 17; ++i) many.add_tags(absl::StrCat("t", i * 10));
  errors.clear();
  CompanyFromProto(many, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "company.tags");
}

TEST(ConvertTest, ProgramConditionsBecomeTrees) {
  v1::Program in;
  auto status = google::protobuf::util::JsonStringToMessage(
      R"({"id":"p","title":"t","category":"CATEGORY_STARTUP",
          "window":{"kind":"WINDOW_KIND_FIXED","opens_on":"2026-01-01","closes_on":"2026-02-01"},
          "reference_date":"REFERENCE_DATE_DEADLINE",
          "rules":[{"id":"r","kind":"RULE_KIND_REQUIRE","label":"l",
            "condition":{"any":{"items":[
              {"predicate":{"fact":"FACT_PROSPECTIVE_FOUNDER","op":"OPERATOR_IS_TRUE"}},
              {"predicate":{"fact":"FACT_BUSINESS_AGE_MONTHS","op":"OPERATOR_RANGE","max":"36"}}]}}}]})",
      &in);
  ASSERT_TRUE(status.ok());
  std::vector<engine::FieldError> errors;
  engine::Program p = ProgramFromProto(in, &errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(p.reference_date, engine::ReferenceDateKind::kDeadline);
  ASSERT_EQ(p.rules.size(), 1u);
  const engine::Condition& c = p.rules[0].condition;
  EXPECT_EQ(c.kind, engine::Condition::Kind::kAny);
  ASSERT_EQ(c.children.size(), 2u);
  EXPECT_EQ(c.children[1].predicate.fact, engine::Fact::kBusinessAgeMonths);
  EXPECT_EQ(c.children[1].predicate.max, 36);
  EXPECT_FALSE(c.children[1].predicate.min.has_value());
}

TEST(ConvertTest, ProgramWithoutConditionOrCategoryIsRejected) {
  v1::Program in;
  in.set_id("p");
  in.set_title("t");
  in.add_rules()->set_id("r");
  std::vector<engine::FieldError> errors;
  ProgramFromProto(in, &errors);
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"program.category", "program.window.kind",
                                      "program.rules[0].kind",
                                      "program.rules[0].condition"}));
}

TEST(ConvertTest, OutcomeCarriesEveryRuleWithChecks) {
  engine::Evaluator evaluator(&testing::Reference());
  engine::Program p = testing::MakeProgram(
      "p", {testing::MakeRule("seoul", engine::RuleKind::kRequire,
                              testing::HqIn({"11"}))});
  p.rules[0].evidence = "서울 소재";
  p.url = "https://www.bizinfo.go.kr/p";
  p.window_note = "분기별 접수";
  p.max_amount_won = 0;
  engine::ProgramOutcome o =
      evaluator.Evaluate(std::make_shared<const engine::Program>(p),
                         testing::KnownCompany(), testing::D("2026-06-01"));
  v1::ProgramMatch m;
  OutcomeToProto(o, &m);
  EXPECT_EQ(m.eligibility(), v1::ELIGIBILITY_INELIGIBLE);
  ASSERT_EQ(m.rules_size(), 1);
  EXPECT_EQ(m.rules(0).passed(), v1::TRUTH_FALSE);
  EXPECT_EQ(m.rules(0).evidence(), "서울 소재");
  ASSERT_EQ(m.rules(0).checks_size(), 1);
  EXPECT_EQ(m.rules(0).checks(0).observed(), "본사 41610 경기도 광주시");
  EXPECT_EQ(m.reference_date(), "2026-06-01");
  EXPECT_EQ(m.url(), "https://www.bizinfo.go.kr/p");
  EXPECT_EQ(m.window_note(), "분기별 접수");
  EXPECT_TRUE(m.has_max_amount_won());
  EXPECT_EQ(m.max_amount_won(), 0);
}

}  // namespace
}  // namespace jiwon::server

#include "tests/engine/random_model.h"

namespace jiwon::server {
namespace {

// The bytes of a message with map entries in key order.
std::string Bytes(const google::protobuf::Message& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return out;
}

// Records made by tools survive the trip to the API and back: the same
// outcome for every pair.
TEST(ConvertTest, DomainRecordsRoundTripThroughTheApi) {
  engine::Evaluator evaluator(&testing::Reference());
  testing::RandomModel gen(3);
  for (int i = 0; i < 300; ++i) {
    const engine::Date on = gen.RefDate();
    engine::Program program = gen.MakeProgram(on);
    program.category = engine::Category::kExport;
    engine::Company company = gen.MakeCompany(on);
    std::vector<engine::FieldError> errors;
    engine::Program program2 =
        ProgramFromProto(ProgramToProto(program), &errors);
    engine::Company company2 =
        CompanyFromProto(CompanyToProto(company), &errors);
    ASSERT_TRUE(errors.empty()) << engine::ErrorsToStatus(errors);
    EXPECT_EQ(Bytes(ProgramToProto(program2)), Bytes(ProgramToProto(program)));
    EXPECT_EQ(Bytes(CompanyToProto(company2)), Bytes(CompanyToProto(company)));
    auto a = evaluator.Evaluate(
        std::make_shared<const engine::Program>(program), company, on);
    auto b = evaluator.Evaluate(
        std::make_shared<const engine::Program>(program2), company2, on);
    EXPECT_EQ(a.eligibility, b.eligibility);
    EXPECT_EQ(a.score, b.score);
  }
}

}  // namespace
}  // namespace jiwon::server
