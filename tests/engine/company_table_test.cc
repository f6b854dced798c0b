// The columnar table against the evaluator: the same companies qualify,
// with the same outcome, for random programs and profiles.

#include "engine/company_table.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "bench/synthetic.h"
#include "tests/engine/random_model.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using Profiles = std::map<std::string, Company>;

// What the evaluator says, company by company.
CompanyTable::ScanResult Expected(const Evaluator& e, const Program& program,
                                  const Profiles& companies, Date as_of) {
  CompanyTable::ScanResult out;
  out.companies = static_cast<int>(companies.size());
  auto p = std::make_shared<const Program>(program);
  for (const auto& [id, c] : companies) {
    const ProgramOutcome o = e.Evaluate(p, c, as_of);
    if (o.eligibility == Eligibility::kEligible) {
      ++out.eligible;
      out.hits.push_back({std::string_view(id), o.eligibility});
    } else if (o.eligibility == Eligibility::kUndetermined) {
      ++out.undetermined;
      out.hits.push_back({std::string_view(id), o.eligibility});
    }
  }
  return out;
}

std::string Describe(CompanyTable::ScanResult r) {
  std::sort(r.hits.begin(), r.hits.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::string s = absl::StrCat(r.companies, " companies, ", r.eligible,
                               " eligible, ", r.undetermined, " undetermined:");
  for (const auto& h : r.hits) {
    absl::StrAppend(&s, " ", std::string(h.id), "/",
                    static_cast<int>(h.eligibility));
  }
  return s;
}

CompanyTable::Fetch FetchFrom(const Profiles& companies, int* calls) {
  return [&companies, calls](std::string_view id) -> std::optional<Company> {
    ++*calls;
    auto it = companies.find(std::string(id));
    if (it == companies.end()) return std::nullopt;
    return it->second;
  };
}

// `n` random companies "c<round>-<i>", into the table and the map.
void AddRandomCompanies(testing::RandomModel& gen, Date on, int round, int n,
                        CompanyTable* table, Profiles* companies) {
  for (int i = 0; i < n; ++i) {
    Company c = gen.MakeCompany(on);
    c.id = absl::StrCat("c", round, "-", i);
    table->Upsert(c);
    (*companies)[c.id] = c;
  }
}

TEST(CompanyTableTest, AgreesWithTheEvaluatorOnRandomProfiles) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(21);
  for (int round = 0; round < 6; ++round) {
    const Date on = gen.RefDate();
    CompanyTable table(&evaluator);
    Profiles companies;
    AddRandomCompanies(gen, on, round, 400, &table, &companies);
    // Replace some and remove others: the table follows.
    for (int i = 0; i < 400; i += 7) {
      const std::string id = absl::StrCat("c", round, "-", i);
      if (i % 2 == 0) {
        ASSERT_TRUE(table.Remove(id));
        companies.erase(id);
      } else {
        Company c = gen.MakeCompany(on);
        c.id = id;
        table.Upsert(c);
        companies[id] = c;
      }
    }
    ASSERT_EQ(table.size(), companies.size());
    for (int p = 0; p < 60; ++p) {
      Program program = gen.MakeProgram(on);
      int calls = 0;
      const auto got =
          table.WhoQualifies(program, on, true, FetchFrom(companies, &calls));
      ASSERT_EQ(Describe(got),
                Describe(Expected(evaluator, program, companies, on)))
          << "round " << round << " program " << p;
      EXPECT_EQ(got.fetched, calls);
    }
  }
}

TEST(CompanyTableTest, AnswersSyntheticProgramsFromTheColumnsAlone) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  for (double fraction : {0.01, 0.05, 0.10}) {
    synthetic::Options options;
    options.eligible_fraction = fraction;
    synthetic::Generator gen(&ref, options);
    CompanyTable table(&evaluator);
    Profiles companies;
    for (int i = 1; i <= 2000; ++i) {
      Company c = gen.Company(static_cast<uint64_t>(i));
      table.Upsert(c);
      companies[c.id] = c;
    }
    for (int p = 1; p <= 40; ++p) {
      const Program program = gen.Program(static_cast<uint64_t>(p));
      int calls = 0;
      const auto got = table.WhoQualifies(program, options.as_of, true,
                                          FetchFrom(companies, &calls));
      EXPECT_EQ(calls, 0);
      ASSERT_EQ(Describe(got), Describe(Expected(evaluator, program, companies,
                                                 options.as_of)))
          << "fraction " << fraction << " program " << p;
    }
  }
}

TEST(CompanyTableTest, UndeterminedAreCountedButListedOnRequest) {
  Evaluator evaluator(&testing::Reference());
  CompanyTable table(&evaluator);
  Company known = testing::KnownCompany();
  known.id = "known";
  Company unknown = testing::KnownCompany();
  unknown.id = "unknown";
  unknown.tax_arrears.reset();
  table.Upsert(known);
  table.Upsert(unknown);
  Program p = testing::MakeProgram(
      "p", {testing::MakeRule("arrears", RuleKind::kExclude,
                              testing::Is(Fact::kTaxArrears))});
  int calls = 0;
  Profiles none;
  auto r = table.WhoQualifies(p, testing::D("2026-06-01"), false,
                              FetchFrom(none, &calls));
  EXPECT_EQ(r.eligible, 1);
  EXPECT_EQ(r.undetermined, 1);
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].id, "known");
  EXPECT_FALSE(table.Remove("nope"));
}

// ProgramDelta equals the difference of two evaluations, whether the two
// versions share rules (one rule changed, one added, one dropped) or not.
TEST(CompanyTableTest, ProgramDeltaIsTheDifferenceOfTwoScans) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  testing::RandomModel gen(33);
  int compared = 0, changed = 0;
  for (int round = 0; round < 6; ++round) {
    const Date on = gen.RefDate();
    CompanyTable table(&evaluator);
    // Every other round, the two versions' scans run on two threads.
    if (round % 2 == 1) table.set_parallel_scan_rows(0);
    Profiles companies;
    AddRandomCompanies(gen, on, round, 400, &table, &companies);
    int calls = 0;
    const CompanyTable::Fetch fetch = FetchFrom(companies, &calls);
    for (int k = 0; k < 25; ++k) {
      const Program before = gen.MakeProgram(on);
      Program after = before;
      switch (k % 4) {
        case 0:  // another rule in place of one
          if (!after.rules.empty()) {
            after.rules[after.rules.size() / 2] = gen.MakeProgram(on).rules[0];
          }
          break;
        case 1:  // one more rule
          after.rules.push_back(gen.MakeProgram(on).rules[0]);
          break;
        case 2:  // one rule fewer
          if (!after.rules.empty()) after.rules.pop_back();
          break;
        default:  // another program altogether
          after = gen.MakeProgram(on);
      }
      std::set<std::string> was, now;
      for (const auto& h : Expected(evaluator, before, companies, on).hits) {
        if (h.eligibility == Eligibility::kEligible) was.emplace(h.id);
      }
      for (const auto& h : Expected(evaluator, after, companies, on).hits) {
        if (h.eligibility == Eligibility::kEligible) now.emplace(h.id);
      }
      std::set<std::string> want_gained, want_lost, gained, lost;
      for (const std::string& id : now) {
        if (!was.contains(id)) want_gained.insert(id);
      }
      for (const std::string& id : was) {
        if (!now.contains(id)) want_lost.insert(id);
      }
      const CompanyTable::Delta d =
          table.ProgramDelta(before, after, on, fetch);
      for (const auto& h : d.gained) gained.emplace(h.id);
      for (const auto& h : d.lost) lost.emplace(h.id);
      ASSERT_EQ(gained, want_gained) << "round " << round << " change " << k;
      ASSERT_EQ(lost, want_lost) << "round " << round << " change " << k;
      EXPECT_EQ(d.before_eligible, static_cast<int>(was.size()));
      EXPECT_EQ(d.after_eligible, static_cast<int>(now.size()));
      ++compared;
      changed += static_cast<int>(gained.size() + lost.size());
    }
  }
  EXPECT_EQ(compared, 150);
  EXPECT_GT(changed, 100);
}

}  // namespace
}  // namespace jiwon::engine
