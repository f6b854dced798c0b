// The engine against the reference evaluator on random programs and
// companies, unknown facts included.

#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/evaluate.h"
#include "engine/validate.h"
#include "tests/engine/random_model.h"
#include "tests/engine/reference_evaluator.h"
#include "tests/testing.h"

namespace jiwon::engine {
namespace {

using testing::RandomModel;

std::string T(std::optional<bool> t) { return t ? (*t ? "T" : "F") : "U"; }
std::string T(Truth t) {
  return t == Truth::kTrue ? "T" : t == Truth::kFalse ? "F" : "U";
}

TEST(PropertyTest, EngineAgreesWithTheReferenceEvaluator) {
  const Reference& ref = testing::Reference();
  Evaluator evaluator(&ref);
  RandomModel gen(20261127);
  constexpr int kPairs = 120'000;
  int mismatches = 0;
  int by_status[5] = {0, 0, 0, 0, 0};
  int with_questions = 0;  // pairs with unanswered questions
  for (int i = 0; i < kPairs && mismatches < 5; ++i) {
    const Date on = gen.RefDate();
    Program program = gen.MakeProgram(on);
    Company company = gen.MakeCompany(on);
    std::vector<FieldError> errors;
    ValidateProgram(program, ref, &errors);
    ValidateCompany(company, ref, Date::FromCivil(2199, 12, 31).value(),
                    &errors);
    ASSERT_TRUE(errors.empty()) << ErrorsToStatus(errors);
    const ProgramOutcome got = evaluator.Evaluate(
        std::make_shared<const Program>(program), company, on);
    // Without text, the same outcome.
    const ProgramOutcome quick =
        evaluator.Evaluate(std::make_shared<const Program>(program), company,
                           on, Evaluator::Detail::kOutcomeOnly);
    EXPECT_EQ(quick.eligibility, got.eligibility);
    EXPECT_EQ(quick.missing_facts, got.missing_facts);
    auto ids = [](const ProgramOutcome& o) {
      std::vector<std::string> out;
      for (const ProgramQuestion* q : o.missing_questions) out.push_back(q->id);
      return out;
    };
    EXPECT_EQ(ids(quick), ids(got));
    EXPECT_EQ(quick.bonus_points, got.bonus_points);
    EXPECT_EQ(quick.score, got.score);
    for (size_t r = 0; r < program.rules.size(); ++r) {
      EXPECT_EQ(quick.rules[r].condition, got.rules[r].condition);
      EXPECT_TRUE(quick.rules[r].checks.empty());
    }
    const testing::ReferenceOutcome want =
        testing::ReferenceEvaluate(program, company, on, ref);
    ++by_status[static_cast<int>(got.eligibility)];
    std::string diff;
    if (got.eligibility != want.eligibility) {
      diff += absl::StrCat(" eligibility ", static_cast<int>(got.eligibility),
                           " vs ", static_cast<int>(want.eligibility), ";");
    }
    for (size_t r = 0; r < program.rules.size(); ++r) {
      if (T(got.rules[r].condition) != T(want.conditions[r])) {
        diff += absl::StrCat(" rule ", r, " ", T(got.rules[r].condition),
                             " vs ", T(want.conditions[r]), ";");
      }
    }
    if (got.bonus_points != want.bonus) {
      diff +=
          absl::StrCat(" bonus ", got.bonus_points, " vs ", want.bonus, ";");
    }
    std::set<Fact> missing(got.missing_facts.begin(), got.missing_facts.end());
    if (missing != want.missing) {
      diff += " missing facts differ:";
      for (Fact f : missing) diff += absl::StrCat(" ", static_cast<int>(f));
      diff += " vs";
      for (Fact f : want.missing)
        diff += absl::StrCat(" ", static_cast<int>(f));
      diff += ";";
    }
    std::set<std::string> questions;
    for (const ProgramQuestion* q : got.missing_questions) {
      questions.insert(q->id);
    }
    if (questions != want.missing_questions) {
      diff += absl::StrCat(
          " missing questions differ: ", absl::StrJoin(questions, ","), " vs ",
          absl::StrJoin(want.missing_questions, ","), ";");
    }
    if (!questions.empty()) ++with_questions;
    if (!diff.empty()) {
      ++mismatches;
      ADD_FAILURE() << "pair " << i << " at " << on.ToString() << ":" << diff;
    }
  }
  // The random pairs reach every outcome.
  EXPECT_GT(by_status[1], 1000);
  EXPECT_GT(by_status[2], 1000);
  EXPECT_GT(by_status[3], 1000);
  EXPECT_GT(with_questions, 1000);
}

}  // namespace
}  // namespace jiwon::engine
