#include "engine/facts/family.h"

#include "engine/format.h"

namespace jiwon::engine {

const FamilyRules& RulesOf(Family f) {
  switch (f) {
    case Family::kRegion:
      return family::kRegion;
    case Family::kIndustry:
      return family::kIndustry;
    case Family::kFounding:
      return family::kFounding;
    case Family::kCeo:
      return family::kCeo;
    case Family::kFigure:
      return family::kFigure;
    case Family::kRatio:
      return family::kRatio;
    case Family::kSet:
      return family::kSet;
    case Family::kSize:
      return family::kSize;
    case Family::kFlag:
      return family::kFlag;
    case Family::kHistory:
      return family::kHistory;
    case Family::kChoice:
      return family::kChoice;
    case Family::kQuestion:
      return family::kQuestion;
  }
  return family::kFlag;  // no Family value reaches here
}

namespace family {

void BoolTexts(const Predicate& p, Truth t, const TextRequest& r,
               Check* check) {
  if (r.want_expected) check->expected = p.op == Op::kIsTrue ? "예" : "아니오";
  check->observed = t == Truth::kUnknown ? "미상"
                    : t == Truth::kTrue  ? "예"
                                         : "아니오";
}

void NumberTexts(const Predicate& p, std::optional<int64_t> v, Unit unit,
                 const TextRequest& r, Check* check) {
  if (r.want_expected) check->expected = RangeText(p, unit);
  check->observed = v ? FormatValue(*v, unit) : "미상";
}

}  // namespace family
}  // namespace jiwon::engine
