#include "engine/catalog.h"

#include <gtest/gtest.h>

#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::D;
using testing::MakeProgram;
using testing::MakeRule;

std::shared_ptr<const Program> P(Program p) {
  return std::make_shared<const Program>(std::move(p));
}

TEST(CatalogTest, SnapshotsAreImmutable) {
  auto v1 =
      Catalog::Build({P(MakeProgram("b", {})), P(MakeProgram("a", {}))}, 1);
  ASSERT_EQ(v1->programs().size(), 2u);
  EXPECT_EQ(v1->programs()[0]->id, "a");
  Program changed = MakeProgram("a", {});
  changed.title = "changed";
  auto v2 = v1->With(P(changed), 2);
  auto v3 = v2->With(P(MakeProgram("c", {})), 3)->Without("b", 4);
  EXPECT_EQ(v1->Find("a")->title, "a");
  EXPECT_EQ(v2->Find("a")->title, "changed");
  EXPECT_EQ(v2->programs().size(), 2u);
  EXPECT_EQ(v3->programs().size(), 2u);
  EXPECT_EQ(v3->Find("b"), nullptr);
  EXPECT_NE(v3->Find("c"), nullptr);
  EXPECT_EQ(v3->version(), 4);
  EXPECT_EQ(v1->version(), 1);
}

class RecommendTest : public ::testing::Test {
 protected:
  Evaluator evaluator_{&testing::Reference()};
};

TEST_F(RecommendTest, EligibleFirstThenUndeterminedByScoreThenId) {
  engine::Company c = testing::KnownCompany();
  c.needs = std::vector<Need>{Need::kExport};
  c.tax_arrears.reset();
  Program eligible_low = MakeProgram("e-low", {});
  Program eligible_tag = MakeProgram("e-tag", {});
  eligible_tag.tags = {Need::kExport};
  Program eligible_tie = MakeProgram("e-aaa", {});
  Program undetermined = MakeProgram(
      "u", {MakeRule("x", RuleKind::kExclude, testing::Is(Fact::kTaxArrears))});
  undetermined.tags = {Need::kExport};
  Program ineligible = MakeProgram(
      "i", {MakeRule("seoul", RuleKind::kRequire, testing::HqIn({"11"}))});
  auto catalog =
      Catalog::Build({P(eligible_low), P(eligible_tag), P(eligible_tie),
                      P(undetermined), P(ineligible)},
                     1);
  RecommendOptions options;
  options.as_of = D("2026-06-01");
  Recommendation r = Recommend(*catalog, evaluator_, c, options);
  std::vector<std::string> ids;
  for (const ProgramOutcome& o : r.matches) ids.push_back(o.program->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e-tag", "e-aaa", "e-low", "u"}));
  EXPECT_EQ(r.eligible, 3);
  EXPECT_EQ(r.undetermined, 1);
  EXPECT_EQ(r.ineligible, 1);
  EXPECT_EQ(r.evaluated, 5);

  options.include_ineligible = true;
  options.limit = 10;
  r = Recommend(*catalog, evaluator_, c, options);
  EXPECT_EQ(r.matches.back().program->id, "i");

  options.eligible_only = true;
  options.include_ineligible = false;
  options.limit = 2;
  r = Recommend(*catalog, evaluator_, c, options);
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[1].program->id, "e-aaa");
}

TEST_F(RecommendTest, FiltersByCategoryWindowAndEffectiveDates) {
  Program open = MakeProgram("open", {});
  Program closed = MakeProgram("closed", {});
  closed.window = {
      WindowKind::kFixed, D("2026-01-01"), D("2026-02-01"), {}, false};
  Program upcoming = MakeProgram("upcoming", {});
  upcoming.window = {
      WindowKind::kFixed, D("2026-09-01"), D("2026-10-01"), {}, false};
  Program expired = MakeProgram("expired", {});
  expired.effective_to = D("2025-12-31");
  Program finance = MakeProgram("finance", {});
  finance.category = Category::kFinance;
  auto catalog = Catalog::Build(
      {P(open), P(closed), P(upcoming), P(expired), P(finance)}, 1);
  auto ids = [&](const RecommendOptions& o) {
    std::vector<std::string> out;
    for (const ProgramOutcome& m :
         Recommend(*catalog, evaluator_, testing::KnownCompany(), o).matches) {
      out.push_back(m.program->id);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  RecommendOptions o;
  o.as_of = D("2026-06-01");
  EXPECT_EQ(ids(o), (std::vector<std::string>{"finance", "open", "upcoming"}));
  o.include_closed = true;
  EXPECT_EQ(ids(o), (std::vector<std::string>{"closed", "finance", "open",
                                              "upcoming"}));
  o.open_only = true;
  EXPECT_EQ(ids(o), (std::vector<std::string>{"finance", "open"}));
  o.categories = {Category::kFinance};
  EXPECT_EQ(ids(o), (std::vector<std::string>{"finance"}));
}

}  // namespace
}  // namespace jiwon::engine
