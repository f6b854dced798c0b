#ifndef JIWON_ENGINE_VOCABULARY_H_
#define JIWON_ENGINE_VOCABULARY_H_

// The names of the model's enumerations, in Korean and English, one table
// each: what CertificationName, CategoryName and the rest look up, and what
// the server serves so that clients show names without linking the engine.

#include <span>

namespace jiwon::engine {

struct Term {
  int value;            // the enumerator, as the API numbers it
  const char* id;       // stable, lower case: "venture"
  const char* name_ko;  // "벤처기업"
  const char* name_en;  // "venture company"
};

std::span<const Term> CategoryTerms();
std::span<const Term> WindowStatusTerms();
std::span<const Term> WindowKindTerms();
std::span<const Term> EligibilityTerms();
std::span<const Term> RuleKindTerms();
std::span<const Term> CertificationTerms();
std::span<const Term> NeedTerms();
std::span<const Term> SizeClassTerms();
std::span<const Term> LegalFormTerms();

// The term of `value` in `terms`, or nullptr.
const Term* FindTerm(std::span<const Term> terms, int value);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_VOCABULARY_H_
