#ifndef JIWON_ENGINE_FACTS_FAMILY_H_
#define JIWON_ENGINE_FACTS_FAMILY_H_

// What a family of facts defines, once for all its facts: its truth, its
// text, how the matcher and the company table classify its predicates, and
// the changes a near miss may suggest. Each family lives in its own file
// (engine/facts/region.cc, …); the evaluator, the matcher, the company table
// and the near-miss finder look the family up instead of keeping their own
// per-fact switches.

#include <optional>
#include <string>
#include <vector>

#include "engine/evaluate.h"
#include "engine/facts/context.h"
#include "engine/facts/fact_table.h"
#include "engine/model.h"

namespace jiwon::engine {

// What a text is being made for.
struct TextRequest {
  // Whether to write what the predicate asks (false: the caller has it).
  bool want_expected = true;
  // The program the predicate belongs to (whose questions a kQuestion
  // predicate names); may be null.
  const Program* program = nullptr;
};

// What a near-miss change is proposed against.
struct FixInput {
  const Reference& ref;
  const Company& company;
  Date on;
};

// How the company table orders a rule's scan: 0 first (a column answers it
// and it is the most selective) … kFullProfile (it needs the whole profile).
inline constexpr int kFullProfile = 9;

struct FamilyRules {
  Family family;
  // Whether `p` holds: the one definition of each predicate's meaning. No
  // text is built.
  Truth (*truth)(FactContext& f, const Predicate& p);
  // What `p` asks (when r.want_expected) and what the company has, into
  // check->expected and check->observed.
  void (*texts)(FactContext& f, const Predicate& p, const TextRequest& r,
                Check* check);
  // For a predicate left unknown, the inputs that could decide it (the
  // size class's); null when the predicate's own fact is what is missing.
  std::vector<Fact> (*deciders)(FactContext& f, const Predicate& p);
  // Whether the text of what the company has for a predicate of `fact`
  // depends on the company, the fact and the reference date alone (not on
  // what the predicate asks), so that one text serves every program.
  bool (*observed_is_the_facts)(Fact fact);
  // Whether the text of what `p` asks depends on the company or the date.
  bool expected_varies;
  // The matcher's index dimension for `p` ("" when it cannot be indexed).
  // Predicates of one key are indexed together; the key's prefix names the
  // kind of dimension.
  std::string (*dimension_key)(const Predicate& p, bool application_reference);
  // The company table's scan order for `p` (0 … kFullProfile).
  int (*scan_priority)(const Predicate& p);
  // The changes that make `p` come out `want`, for a predicate that is now
  // the opposite and whose fact is changeable; nullopt when the family
  // proposes none.
  std::optional<std::vector<Change>> (*fix)(const FixInput& in,
                                            const Predicate& p, bool want);
};

// The rules of a family, and of a fact's family.
const FamilyRules& RulesOf(Family family);
inline const FamilyRules& RulesOf(Fact fact) { return RulesOf(FamilyOf(fact)); }

// Helpers the families share.
namespace family {

// An unindexed predicate; the full profile; no change.
inline std::string NoKey(const Predicate&, bool) { return ""; }
inline int FullProfile(const Predicate&) { return kFullProfile; }
inline std::optional<std::vector<Change>> NoFix(const FixInput&,
                                                const Predicate&, bool) {
  return std::nullopt;
}
inline bool Always(Fact) { return true; }
inline bool Never(Fact) { return false; }

// Yes/no texts: what IS_TRUE / IS_FALSE ask and the company's t.
void BoolTexts(const Predicate& p, Truth t, const TextRequest& r, Check* check);
// A number in a unit against the predicate's range; "미상" when unknown.
void NumberTexts(const Predicate& p, std::optional<int64_t> v, Unit unit,
                 const TextRequest& r, Check* check);

// The families, one per file.
extern const FamilyRules kRegion;
extern const FamilyRules kIndustry;
extern const FamilyRules kFounding;
extern const FamilyRules kCeo;
extern const FamilyRules kFigure;
extern const FamilyRules kRatio;
extern const FamilyRules kSet;
extern const FamilyRules kSize;
extern const FamilyRules kFlag;
extern const FamilyRules kHistory;
extern const FamilyRules kChoice;
extern const FamilyRules kQuestion;

}  // namespace family
}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_FACTS_FAMILY_H_
