#ifndef JIWON_TESTS_ENGINE_REFERENCE_EVALUATOR_H_
#define JIWON_TESTS_ENGINE_REFERENCE_EVALUATOR_H_

// A deliberately simple evaluator, written apart from engine/evaluate.cc,
// to check the engine against: truth is std::optional<bool>, regions are
// compared by name, anniversaries and ages by calendar fields, and the size
// class by trying extreme values for what is unknown.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/evaluate.h"
#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::testing {

struct ReferenceOutcome {
  engine::Eligibility eligibility = engine::Eligibility::kUndetermined;
  std::vector<std::optional<bool>> conditions;  // per rule
  int bonus = 0;
  std::set<engine::Fact> missing;
  std::set<std::string> missing_questions;  // ids of unanswered questions
};

ReferenceOutcome ReferenceEvaluate(const engine::Program& program,
                                   const engine::Company& company,
                                   engine::Date as_of,
                                   const engine::Reference& reference);

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_ENGINE_REFERENCE_EVALUATOR_H_
