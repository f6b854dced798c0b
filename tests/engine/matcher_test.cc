// The compiled matcher against engine::Recommend: the same programs, in the
// same order, with the same outcomes, scores and counts.

#include "engine/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bench/synthetic.h"
#include "tests/engine/random_model.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

std::string Describe(const Recommendation& r) {
  std::string out = absl::StrCat("evaluated ", r.evaluated, " eligible ",
                                 r.eligible, " undetermined ", r.undetermined,
                                 " ineligible ", r.ineligible, ":");
  for (const ProgramOutcome& o : r.matches) {
    absl::StrAppend(&out, " ", o.program->id, "/",
                    static_cast<int>(o.eligibility), "/", o.score);
  }
  return out;
}

std::vector<RecommendOptions> OptionVariants(Date as_of) {
  std::vector<RecommendOptions> out;
  RecommendOptions base;
  base.as_of = as_of;
  out.push_back(base);
  RecommendOptions open = base;
  open.open_only = true;
  out.push_back(open);
  RecommendOptions closed = base;
  closed.include_closed = true;
  closed.limit = 500;
  out.push_back(closed);
  RecommendOptions eligible = base;
  eligible.eligible_only = true;
  eligible.limit = 3;
  out.push_back(eligible);
  RecommendOptions cats = base;
  cats.categories = {Category::kTechnology, Category::kStartup};
  out.push_back(cats);
  RecommendOptions dismissed = base;
  dismissed.excluded_programs = {"P0000003", "p1001", "p1004", "p1010",
                                 "zz-not-in-catalog"};
  out.push_back(dismissed);
  return out;
}

// Programs of the random model, with the catalog's other variety: windows,
// categories, tags, benefits, effective dates; with their requirement texts
// made beforehand, as the server does, when `prepare` is given.
std::shared_ptr<const Catalog> RandomCatalog(
    testing::RandomModel& gen, Date on, int size,
    const Evaluator* prepare = nullptr) {
  std::vector<std::shared_ptr<const Program>> programs;
  for (int i = 0; i < size; ++i) {
    Program p = gen.MakeProgram(on);
    p.id = absl::StrCat("p", 1000 + i);
    p.category = static_cast<Category>(gen.Int(1, 7));
    p.tags = {static_cast<Need>(gen.Int(1, 4))};
    if (gen.Chance(0.7)) p.max_amount_won = gen.Int(0, 60) * 10'000'000LL;
    if (gen.Chance(0.1)) p.effective_to = on.AddDays(gen.Int(-2, 2));
    if (gen.Chance(0.2)) p.window.kind = WindowKind::kRolling;
    if (gen.Chance(0.1)) {
      p.window.rounds = {{"1차", on.AddDays(-40), on.AddDays(-10)},
                         {"2차", on.AddDays(gen.Int(-5, 5)), on.AddDays(20)}};
    }
    if (prepare != nullptr) prepare->PrepareTexts(&p);
    programs.push_back(std::make_shared<const Program>(std::move(p)));
  }
  return Catalog::Build(std::move(programs), 1);
}

TEST(MatcherTest, AgreesWithRecommendOnRandomCatalogs) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(7);
  int compared = 0;
  for (int round = 0; round < 12; ++round) {
    const Date on = gen.RefDate();
    auto catalog = RandomCatalog(gen, on, 300);
    auto matcher = Matcher::Build(catalog, &evaluator);
    for (int c = 0; c < 40; ++c) {
      Company company = gen.MakeCompany(on);
      for (const RecommendOptions& options : OptionVariants(on)) {
        const std::string want =
            Describe(Recommend(*catalog, evaluator, company, options));
        const std::string got = Describe(matcher->Recommend(company, options));
        ASSERT_EQ(got, want) << "round " << round << " company " << c;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 12 * 40 * 6);
}

// The reasons of the programs listed, every check's texts included, are
// those of evaluating each program alone (the texts of what the company has
// are made once per answer and kept from one program to the next).
std::string Reasons(const ProgramOutcome& o) {
  std::string out =
      absl::StrCat(o.program->id, "@", o.reference_date.ToString());
  for (const RuleOutcome& r : o.rules) {
    absl::StrAppend(&out, "\n ", r.rule->id, " ", static_cast<int>(r.passed));
    for (const Check& c : r.checks) {
      absl::StrAppend(&out, "\n  ", static_cast<int>(c.fact), "/",
                      static_cast<int>(c.outcome), " [", c.expected, "] [",
                      c.observed, "] ", c.unknown_inputs.size());
    }
  }
  return out;
}

TEST(MatcherTest, ReasonsAreThoseOfEachProgramAlone) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(19);
  int checks = 0;
  for (int round = 0; round < 6; ++round) {
    const Date on = gen.RefDate();
    auto catalog = RandomCatalog(gen, on, 300, &evaluator);
    auto matcher = Matcher::Build(catalog, &evaluator);
    for (int c = 0; c < 30; ++c) {
      const Company company = gen.MakeCompany(on);
      RecommendOptions options;
      options.as_of = on;
      options.limit = 40;
      options.include_closed = true;
      for (const ProgramOutcome& o :
           matcher->Recommend(company, options).matches) {
        const std::string alone =
            Reasons(evaluator.Evaluate(o.program, company, on));
        ASSERT_EQ(Reasons(o), alone) << "round " << round << " company " << c;
        for (const RuleOutcome& r : o.rules) {
          checks += static_cast<int>(r.checks.size());
        }
      }
    }
  }
  EXPECT_GT(checks, 5000);
}

TEST(MatcherTest, AgreesWithRecommendOnSyntheticCatalogs) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  for (double fraction : {0.01, 0.05, 0.10}) {
    synthetic::Options options;
    options.eligible_fraction = fraction;
    synthetic::Generator gen(&ref, options);
    std::vector<std::shared_ptr<const Program>> programs;
    for (Program& p : gen.Programs(2000)) {
      programs.push_back(std::make_shared<const Program>(std::move(p)));
    }
    auto catalog = Catalog::Build(std::move(programs), 1);
    auto matcher = Matcher::Build(catalog, &evaluator);
    EXPECT_EQ(matcher->stats().residual_rules, 0);
    for (int c = 1; c <= 30; ++c) {
      Company company = gen.Company(static_cast<uint64_t>(c));
      for (const RecommendOptions& o : OptionVariants(options.as_of)) {
        ASSERT_EQ(Describe(matcher->Recommend(company, o)),
                  Describe(Recommend(*catalog, evaluator, company, o)))
            << "fraction " << fraction << " company " << c;
      }
    }
  }
}

// MatchAll lists exactly the ELIGIBLE and UNDETERMINED programs the full
// evaluator finds among those the filters keep, with the same scores.
TEST(MatcherTest, MatchAllListsEveryStandingProgram) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(11);
  int listed = 0;
  for (int round = 0; round < 8; ++round) {
    const Date on = gen.RefDate();
    auto catalog = RandomCatalog(gen, on, 300);
    auto matcher = Matcher::Build(catalog, &evaluator);
    for (int c = 0; c < 40; ++c) {
      Company company = gen.MakeCompany(on);
      RecommendOptions options;
      options.as_of = on;
      options.limit = 100000;
      std::string want;
      for (const ProgramOutcome& o :
           Recommend(*catalog, evaluator, company, options).matches) {
        absl::StrAppend(&want, " ", o.program->id, "/",
                        static_cast<int>(o.eligibility), "/", o.score);
      }
      std::vector<Matcher::Ranked> all;
      matcher->MatchAll(company, options, &all);
      // Recommend ranks; MatchAll lists by catalog position.
      std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        if (a.eligibility != b.eligibility) {
          return a.eligibility == Eligibility::kEligible;
        }
        if (a.score != b.score) return a.score > b.score;
        return a.program->id < b.program->id;
      });
      std::string got;
      for (const Matcher::Ranked& r : all) {
        absl::StrAppend(&got, " ", r.program->id, "/",
                        static_cast<int>(r.eligibility), "/", r.score);
      }
      ASSERT_EQ(got, want) << "round " << round << " company " << c;
      listed += static_cast<int>(all.size());
    }
  }
  EXPECT_GT(listed, 1000);
}

TEST(MatcherTest, NearMissesAndIneligibleListingsTakeTheFullPath) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(11);
  const Date on = gen.RefDate();
  auto catalog = RandomCatalog(gen, on, 100);
  auto matcher = Matcher::Build(catalog, &evaluator);
  RecommendOptions options;
  options.as_of = on;
  options.include_near_misses = true;
  options.include_ineligible = true;
  options.limit = 500;
  for (int c = 0; c < 10; ++c) {
    Company company = gen.MakeCompany(on);
    EXPECT_EQ(Describe(matcher->Recommend(company, options)),
              Describe(Recommend(*catalog, evaluator, company, options)));
  }
}

}  // namespace
}  // namespace jiwon::engine
