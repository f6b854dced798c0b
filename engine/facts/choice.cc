// One value of a fixed list (기업 형태): IN / NOT_IN.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"

namespace jiwon::engine::family {
namespace {

Truth ChoiceTruth(FactContext& f, const Predicate& p) {
  const FactInfo& info = Info(p.fact);
  const std::optional<int> v = info.read_choice(f.company());
  if (!v) return Truth::kUnknown;
  const std::vector<int> wanted = info.predicate_choices(p);
  const bool in = std::find(wanted.begin(), wanted.end(), *v) != wanted.end();
  return FromBool(p.op == Op::kNotIn ? !in : in);
}

void ChoiceTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                 Check* check) {
  const FactInfo& info = Info(p.fact);
  const std::optional<int> v = info.read_choice(f.company());
  check->observed = v ? info.choice_name(*v) : "미상";
  if (!r.want_expected) return;
  std::vector<std::string> names;
  for (int w : info.predicate_choices(p)) names.push_back(info.choice_name(w));
  check->expected =
      absl::StrCat(p.op == Op::kNotIn ? "다음이 아님: " : "다음 중 하나: ",
                   absl::StrJoin(names, ", "));
}

std::string ChoiceKey(const Predicate& p, bool) {
  return absl::StrCat("choice:", static_cast<int>(p.fact));
}

int ChoicePriority(const Predicate&) { return 2; }

}  // namespace

// A legal form is identity: no near miss suggests incorporating.
constinit const FamilyRules kChoice = {
    .family = Family::kChoice,
    .truth = ChoiceTruth,
    .texts = ChoiceTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = ChoiceKey,
    .scan_priority = ChoicePriority,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
