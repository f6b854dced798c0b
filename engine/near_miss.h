#ifndef JIWON_ENGINE_NEAR_MISS_H_
#define JIWON_ENGINE_NEAR_MISS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/evaluate.h"
#include "engine/model.h"

namespace jiwon::engine {

// Largest gap a figure may have to count as a near miss: 20%.
inline constexpr int64_t kMaxGapPermille = 200;
inline constexpr size_t kMaxChanges = 2;

// For an INELIGIBLE outcome that fails only on one or two changeable
// conditions — a certification the company lacks, a figure within 20% of
// its threshold, a 사업장 location, an interest, arrears to settle — the
// changes that would make it eligible, verified by evaluating the changed
// profile. nullopt otherwise. Never suggests history or identity (founding
// date, CEO age, head office, past participation).
std::optional<NearMiss> FindNearMiss(const Evaluator& evaluator,
                                     const ProgramOutcome& outcome,
                                     const Company& company, Date as_of);

// `company` with `changes` applied as of `on`.
Company ApplyChanges(Company company, const std::vector<Change>& changes,
                     Date on);

// A fact the company has not given, and how much knowing it would decide.
struct Question {
  Fact fact = Fact::kHeadOfficeRegion;
  // For Fact::kQuestion: which question of the programs, and its text.
  std::string question_id;
  std::string question_text;
  // UNDETERMINED programs for which this is the only missing fact.
  int settles = 0;
  // UNDETERMINED programs whose outcome depends on it.
  int involves = 0;
  std::vector<std::string> program_ids;  // those programs, by id
};

// The missing facts of the UNDETERMINED outcomes, ranked by how many
// programs knowing each would settle, then how many it bears on.
std::vector<Question> NextQuestions(
    const std::vector<ProgramOutcome>& outcomes);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_NEAR_MISS_H_
