// A quotient of two figures (매출 증가율, 부채비율): RANGE, compared exactly
// by cross-multiplying, never rounded.

#include "engine/facts/family.h"
#include "engine/format.h"

namespace jiwon::engine::family {
namespace {

Truth RatioTruth(FactContext& f, const Predicate& p) {
  const std::optional<RatioValue> r =
      Info(p.fact).read_ratio(f.company(), f.on());
  if (!r) return Truth::kUnknown;
  return FromBool(
      RatioInRange(*r, p.min, p.min_exclusive, p.max, p.max_exclusive));
}

void RatioTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                Check* check) {
  const FactInfo& info = Info(p.fact);
  if (r.want_expected) check->expected = RangeText(p, info.unit);
  check->observed = info.describe_ratio(f.company(), f.on());
}

}  // namespace

// Ratios are read from several fiscal years: tested per company, and no
// near miss proposes one (it would mean changing two figures at once).
constinit const FamilyRules kRatio = {
    .family = Family::kRatio,
    .truth = RatioTruth,
    .texts = RatioTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = NoKey,
    .scan_priority = FullProfile,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
