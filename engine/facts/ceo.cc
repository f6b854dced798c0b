// Facts per 대표자 (age, 청년, gender, disability), with a quantifier: any
// of the CEOs, or all of them.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"
#include "engine/format.h"

namespace jiwon::engine::family {
namespace {

Truth CeoTruth(FactContext& f, const Predicate& p) {
  const Company& c = f.company();
  if (c.ceos.empty()) return Truth::kUnknown;
  const bool any = p.quantifier == Quantifier::kAny;
  Truth t = any ? Truth::kFalse : Truth::kTrue;
  for (const Ceo& ceo : c.ceos) {
    Truth one = Truth::kUnknown;
    if (p.fact == Fact::kCeoAgeYears || p.fact == Fact::kYouthCeo) {
      if (ceo.birth_date) {
        const int age = AgeInYears(*ceo.birth_date, f.on());
        one = p.fact == Fact::kYouthCeo ? FromBool(age <= kYouthMaxAge)
                                        : InRange(age, p);
      }
    } else if (p.fact == Fact::kCeoFemale) {
      if (ceo.gender != Gender::kUnknown) {
        one = FromBool(ceo.gender == Gender::kFemale);
      }
    } else {
      one = FromOptional(ceo.disabled);
    }
    t = any ? Or(t, one) : And(t, one);
  }
  return UnitOf(p.fact) == Unit::kNone ? BoolOp(p, t) : t;
}

void CeoTexts(FactContext& f, const Predicate& p, const TextRequest&,
              Check* check) {
  const Company& c = f.company();
  std::vector<std::string> shown;
  for (const Ceo& ceo : c.ceos) {
    if (p.fact == Fact::kCeoAgeYears || p.fact == Fact::kYouthCeo) {
      if (ceo.birth_date) {
        // The age, not the birth date: reasons go to every caller of
        // Recommend; the date itself is shown by Explain's derived facts,
        // whose reads are recorded.
        shown.push_back(
            absl::StrCat("만 ", AgeInYears(*ceo.birth_date, f.on()), "세"));
      } else {
        shown.push_back("생년월일 미상");
      }
    } else if (p.fact == Fact::kCeoFemale) {
      shown.push_back(ceo.gender == Gender::kFemale ? "여성"
                      : ceo.gender == Gender::kMale ? "남성"
                                                    : "성별 미상");
    } else {
      shown.push_back(absl::StrCat("장애 ", YesNo(ceo.disabled)));
    }
  }
  if (c.ceos.empty()) shown.push_back("대표자 정보 미상");
  // What is asked names the quantifier when there are several CEOs: it
  // depends on the company, so it is always written.
  const bool any = p.quantifier == Quantifier::kAny;
  const char* who =
      c.ceos.size() > 1 ? (any ? "대표자 중 1인 이상 " : "모든 대표자 ") : "";
  if (p.fact == Fact::kCeoAgeYears) {
    check->expected = absl::StrCat(who, RangeText(p, Unit::kYears));
  } else {
    check->expected = absl::StrCat(who, p.op == Op::kIsTrue ? "예" : "아니오");
  }
  check->observed = absl::StrJoin(shown, ", ");
}

}  // namespace

// Identity: no near miss suggests another CEO.
constinit const FamilyRules kCeo = {
    .family = Family::kCeo,
    .truth = CeoTruth,
    .texts = CeoTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = true,
    .dimension_key = NoKey,
    .scan_priority = FullProfile,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
