// Counts and sums over the company's past participations (ever, this
// year, awards this year), optionally within program-id families: RANGE.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"
#include "engine/saturating.h"

namespace jiwon::engine::family {
namespace {

// The count or sum a participation predicate measures; nullopt when the
// history is unknown.
std::optional<int64_t> ParticipationValue(FactContext& f, const Predicate& p) {
  const Company& c = f.company();
  if (!c.participations) return std::nullopt;
  const bool amount = p.fact == Fact::kAwardsThisYearWon;
  const bool this_year = p.fact != Fact::kParticipationsEver;
  int64_t value = 0;
  for (const Participation& part : *c.participations) {
    bool match = p.codes.empty();
    for (const std::string& prefix : p.codes) {
      if (part.program_id.compare(0, prefix.size(), prefix) == 0) {
        match = true;
      }
    }
    if (!match || (this_year && part.year != f.on().year())) continue;
    value = SatAdd(value, amount ? part.amount_won : 1);
  }
  return value;
}

Truth HistoryTruth(FactContext& f, const Predicate& p) {
  std::optional<int64_t> v = ParticipationValue(f, p);
  return v ? InRange(*v, p) : Truth::kUnknown;
}

void HistoryTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                  Check* check) {
  const bool this_year = p.fact != Fact::kParticipationsEver;
  std::string scope = p.codes.empty()
                          ? std::string("전체 사업")
                          : absl::StrCat(absl::StrJoin(p.codes, ", "), " 계열");
  if (this_year) absl::StrAppend(&scope, " ", f.on().year(), "년");
  std::optional<int64_t> value = ParticipationValue(f, p);
  NumberTexts(p, value, UnitOf(p.fact), r, check);
  check->expected = absl::StrCat(scope, " ", check->expected);
  if (!value) check->observed = "참여 이력 미상";
}

}  // namespace

// The observed text counts the rule's programs, and what is asked names
// the year: both are written for each predicate. History is not changed by
// a near miss.
constinit const FamilyRules kHistory = {
    .family = Family::kHistory,
    .truth = HistoryTruth,
    .texts = HistoryTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Never,
    .expected_varies = true,
    .dimension_key = NoKey,
    .scan_priority = FullProfile,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
