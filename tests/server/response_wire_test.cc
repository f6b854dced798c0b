// The Recommend answer written straight to the wire against the message
// protobuf builds from the same answer: the same bytes.

#include "server/response_wire.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "engine/catalog.h"
#include "server/convert.h"
#include "tests/engine/random_model.h"
#include "tests/testing.h"

namespace jiwon::server {
namespace {

using engine::Date;
using engine::Recommendation;

// What the typed service did before: build the message, then encode it.
v1::RecommendResponse Reference(const Recommendation& r, std::string_view as_of,
                                int64_t catalog_version) {
  v1::RecommendResponse resp;
  for (const engine::ProgramOutcome& o : r.matches) {
    OutcomeToProto(o, resp.add_matches());
  }
  resp.set_as_of(std::string(as_of));
  resp.set_catalog_version(catalog_version);
  resp.set_evaluated(r.evaluated);
  resp.set_eligible(r.eligible);
  resp.set_undetermined(r.undetermined);
  resp.set_ineligible(r.ineligible);
  resp.set_near_misses(r.near_misses);
  return resp;
}

void ExpectSameBytes(const Recommendation& r, std::string_view as_of,
                     int64_t catalog_version) {
  const v1::RecommendResponse want = Reference(r, as_of, catalog_version);
  const RecommendResponseWire wire(r, as_of, catalog_version);
  const std::string got = wire.ToString();
  ASSERT_EQ(got.size(), wire.size());
  if (got == want.SerializeAsString()) return;
  v1::RecommendResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(got)) << "not a RecommendResponse";
  std::string diff;
  google::protobuf::util::MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  d.Compare(want, parsed);
  FAIL() << "bytes differ; fields: " << (diff.empty() ? "(order only)" : diff);
}

TEST(ResponseWireTest, EqualsTheEncodedMessageOnRandomCatalogs) {
  const engine::Reference& ref = testing::Reference();
  engine::Evaluator evaluator(&ref);
  testing::RandomModel gen(23);
  int outcomes = 0, near_misses = 0, rules = 0;
  for (int round = 0; round < 6; ++round) {
    const Date on = gen.RefDate();
    std::vector<std::shared_ptr<const engine::Program>> programs;
    for (int i = 0; i < 150; ++i) {
      engine::Program p = gen.MakeProgram(on);
      p.id = absl::StrCat("p", 1000 + i);
      p.title = absl::StrCat("지원사업 ", i);
      p.agency = i % 3 == 0 ? "" : "경기도경제과학진흥원";
      p.category = static_cast<engine::Category>(gen.Int(1, 7));
      p.tags = {static_cast<engine::Need>(gen.Int(1, 4))};
      if (gen.Chance(0.7)) p.max_amount_won = gen.Int(0, 60) * 10'000'000LL;
      // What a portal shows: present or not, of any length.
      if (gen.Chance(0.8))
        p.url = absl::StrCat("https://www.bizinfo.go.kr/", i);
      if (gen.Chance(0.5)) p.contact = "경기도경제과학진흥원 고객센터";
      if (gen.Chance(0.5)) p.window_note = std::string(gen.Int(1, 300), 'n');
      if (gen.Chance(0.6)) p.benefit = "최대 2,000만원, 사업비의 70% 이내";
      for (engine::Rule& rule : p.rules) {
        if (gen.Chance(0.7)) {
          rule.evidence = std::string(gen.Int(1, 200), 'e');
        }
      }
      p.version = gen.Int(0, 1'000'000);
      programs.push_back(std::make_shared<const engine::Program>(std::move(p)));
    }
    auto catalog = engine::Catalog::Build(std::move(programs), round + 1);
    for (int c = 0; c < 20; ++c) {
      const engine::Company company = gen.MakeCompany(on);
      engine::RecommendOptions options;
      options.as_of = on;
      options.limit = 500;
      options.include_closed = true;
      options.include_near_misses = c % 2 == 0;
      options.include_ineligible = c % 3 == 0;
      const Recommendation r =
          engine::Recommend(*catalog, evaluator, company, options);
      ASSERT_NO_FATAL_FAILURE(ExpectSameBytes(r, on.ToString(), round * 7));
      for (const engine::ProgramOutcome& o : r.matches) {
        ++outcomes;
        near_misses += o.near_miss.has_value();
        rules += static_cast<int>(o.rules.size());
      }
    }
  }
  // The comparison covered what it is meant to.
  EXPECT_GT(outcomes, 5000);
  EXPECT_GT(near_misses, 100);
  EXPECT_GT(rules, 10000);
}

// Negative numbers take ten bytes, zeros and empty texts none, and an empty
// answer is empty.
TEST(ResponseWireTest, EdgeValues) {
  ASSERT_NO_FATAL_FAILURE(ExpectSameBytes(Recommendation(), "", 0));

  auto program = std::make_shared<engine::Program>();
  program->id = "P1";
  program->version = -5;
  program->max_amount_won = 0;  // set, though zero: written
  program->window.kind = engine::WindowKind::kMonthly;
  engine::Rule rule;
  rule.id = "r";
  rule.label = "업력 7년 이내";
  rule.evidence = "공고일 기준 업력 7년 이내인 중소기업";
  program->rules.push_back(rule);
  Recommendation r;
  r.evaluated = -1;
  r.near_misses = 3;
  engine::ProgramOutcome& o = r.matches.emplace_back();
  o.program = program;
  o.eligibility = engine::Eligibility::kIneligible;
  o.score = -1234567890123;
  o.bonus_points = -3;
  o.reference_date = testing::D("2026-11-27");
  o.missing_facts = {engine::Fact::kCertifications, engine::Fact::kPatents};
  o.score_parts = {{"마감 임박", -7}, {"", 0}};
  engine::RuleOutcome& ro = o.rules.emplace_back();
  ro.rule = &program->rules[0];
  ro.points = -2;
  ro.checks.push_back({engine::Fact::kBusinessAgeMonths,
                       engine::Truth::kFalse,
                       "업력 7년 이내",
                       "",
                       {}});
  ro.checks.emplace_back();
  engine::NearMiss nm;
  nm.changes.emplace_back();
  nm.changes.back().description = "벤처기업 인증";
  nm.changes.back().gap_permille = -1;
  nm.gap_permille = 0;
  o.near_miss = nm;
  r.matches.emplace_back(o).near_miss->changes.clear();
  ASSERT_NO_FATAL_FAILURE(ExpectSameBytes(r, "2026-11-27", -9));
}

}  // namespace
}  // namespace jiwon::server
