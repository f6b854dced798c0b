// 예비창업자 and 업력. A 예비창업자 has no 업력: every 업력 condition is false.
// Bounds are anniversaries: "N년 이내" includes the N-th, "N년 초과" starts
// the day after it, "N개월 미만" excludes it.

#include "absl/strings/str_cat.h"
#include "engine/facts/family.h"
#include "engine/format.h"

namespace jiwon::engine::family {
namespace {

Truth FoundingTruth(FactContext& f, const Predicate& p) {
  if (p.fact == Fact::kProspectiveFounder) return BoolOp(p, f.Prospective());
  const Company& c = f.company();
  if (f.Prospective() == Truth::kTrue) return Truth::kFalse;
  if (!c.founded_on) return Truth::kUnknown;
  const Date founded = *c.founded_on;
  const Date on = f.on();
  bool ok = true;
  if (p.min) {
    const Date bound = founded.AddMonths(static_cast<int>(*p.min));
    ok = ok && (p.min_exclusive ? on > bound : on >= bound);
  }
  if (p.max) {
    const Date bound = founded.AddMonths(static_cast<int>(*p.max));
    ok = ok && (p.max_exclusive ? on < bound : on <= bound);
  }
  return FromBool(ok);
}

void FoundingTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                   Check* check) {
  const Company& c = f.company();
  if (p.fact == Fact::kBusinessAgeMonths) {
    if (r.want_expected) {
      check->expected = absl::StrCat("업력 ", RangeText(p, Unit::kMonths));
    }
    if (f.Prospective() == Truth::kTrue) {
      check->observed = "예비창업자 (업력 없음)";
    } else if (!c.founded_on) {
      check->observed = "개업일 미상";
    } else {
      check->observed = absl::StrCat(FormatMonths(*f.BusinessAgeMonths()),
                                     " (개업 ", c.founded_on->ToString(),
                                     ", 기준일 ", f.on().ToString(), ")");
    }
    return;
  }
  const Truth t = f.Prospective();
  BoolTexts(p, t, r, check);
  check->observed =
      t == Truth::kUnknown ? "미상"
      : t == Truth::kTrue
          ? "예비창업자"
          : absl::StrCat("개업 ", c.founded_on ? c.founded_on->ToString()
                                               : std::string("(일자 미상)"));
}

// Indexed by founding date only where the reference date is the day of
// application (the matcher's day); other reference dates differ by program.
std::string FoundingKey(const Predicate&, bool application_reference) {
  return application_reference ? "founding" : "";
}

int FoundingPriority(const Predicate&) { return 6; }

}  // namespace

// History: no near miss suggests founding earlier or later.
constinit const FamilyRules kFounding = {
    .family = Family::kFounding,
    .truth = FoundingTruth,
    .texts = FoundingTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = FoundingKey,
    .scan_priority = FoundingPriority,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
