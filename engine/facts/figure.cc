// One number of the company (revenue, assets, employees, exports, R&D
// spend, patents, …): RANGE. Fiscal-year figures are read from the years
// before the reference year.

#include <algorithm>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "engine/facts/family.h"
#include "engine/format.h"
#include "engine/near_miss.h"
#include "engine/saturating.h"

namespace jiwon::engine::family {
namespace {

Truth FigureTruth(FactContext& f, const Predicate& p) {
  std::optional<FigureValue> figure = f.Numeric(p.fact);
  return figure ? InRange(figure->value, p) : Truth::kUnknown;
}

void FigureTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                 Check* check) {
  std::optional<FigureValue> figure = f.Numeric(p.fact);
  NumberTexts(p, figure ? std::optional<int64_t>(figure->value) : std::nullopt,
              UnitOf(p.fact), r, check);
  if (!figure) return;
  if (p.fact == Fact::kRevenueAvg3Won) {
    std::optional<RevenueAverage> avg = f.RevenueAvg3();
    absl::StrAppend(&check->observed, " (", avg->first_year, "–",
                    avg->last_year, "년 평균)");
  } else if (figure->year != 0) {
    absl::StrAppend(&check->observed, " (", figure->year, "년)");
  }
}

// Each figure is a dimension of its own, cut at its rules' bounds. A figure
// read from fiscal years is indexed only where the reference date is the
// matcher's day; a 32-bit figure only for bounds it can represent.
std::string FigureKey(const Predicate& p, bool application_reference) {
  const FactInfo& info = Info(p.fact);
  if (info.year_dependent && !application_reference) return "";
  if (info.narrow) {
    constexpr int64_t kLimit = 1'000'000'000;
    if ((p.min && (*p.min < -kLimit || *p.min > kLimit)) ||
        (p.max && (*p.max < -kLimit || *p.max > kLimit))) {
      return "";
    }
  }
  return absl::StrCat("figure:", static_cast<int>(p.fact));
}

// A column of the company table answers it, or the full profile does.
int FigurePriority(const Predicate& p) {
  return Info(p.fact).column != Column::kNone ? 5 : kFullProfile;
}

// Growing or shrinking the figure to the nearest bound, within
// kMaxGapPermille of it.
std::optional<std::vector<Change>> FigureFix(const FixInput& in,
                                             const Predicate& p, bool want) {
  if (p.op != Op::kRange) return std::nullopt;
  std::optional<int64_t> value = FigureOf(in.company, p.fact, in.on);
  if (!value) return std::nullopt;
  const int64_t v = *value;
  std::optional<int64_t> target;
  std::optional<int64_t> bound;
  if (want) {
    if (p.min && (v < *p.min || (p.min_exclusive && v == *p.min))) {
      target = p.min_exclusive ? SatAdd(*p.min, 1) : *p.min;
      bound = p.min;
    } else if (p.max && (v > *p.max || (p.max_exclusive && v == *p.max))) {
      target = p.max_exclusive ? SatSub(*p.max, 1) : *p.max;
      bound = p.max;
    }
  } else {
    // Leave the range by the nearer side.
    std::optional<int64_t> below, above;
    if (p.min) below = p.min_exclusive ? *p.min : SatSub(*p.min, 1);
    if (p.max) above = p.max_exclusive ? *p.max : SatAdd(*p.max, 1);
    if (below &&
        (!above || absl::int128(v) - *below <= absl::int128(*above) - v)) {
      target = below;
      bound = p.min;
    } else {
      target = above;
      bound = p.max;
    }
  }
  if (!target || *target < 0) return std::nullopt;
  // In 128 bits: bounds and figures may be anywhere in int64.
  const absl::int128 gap = absl::int128(*target) - v;
  const absl::int128 abs_gap = gap < 0 ? -gap : gap;
  const absl::int128 abs_bound =
      *bound < 0 ? -absl::int128(*bound) : absl::int128(*bound);
  const absl::int128 permille =
      abs_gap * 1000 / std::max<absl::int128>(1, abs_bound);
  if (permille > kMaxGapPermille) return std::nullopt;
  Change change;
  change.fact = p.fact;
  change.kind = Change::Kind::kSetFigure;
  change.from = v;
  change.to = *target;
  change.gap_permille = static_cast<int64_t>(permille);
  const bool up = *target > v;
  change.description =
      absl::StrCat(FactName(p.fact), " ", FormatFigure(p.fact, *target),
                   up ? " 이상" : " 이하", " (현재 ", FormatFigure(p.fact, v),
                   ", ", FormatFigure(p.fact, static_cast<int64_t>(abs_gap)),
                   up ? " 부족)" : " 초과)");
  return std::vector<Change>{change};
}

}  // namespace

constinit const FamilyRules kFigure = {
    .family = Family::kFigure,
    .truth = FigureTruth,
    .texts = FigureTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = FigureKey,
    .scan_priority = FigurePriority,
    .fix = FigureFix,
};

}  // namespace jiwon::engine::family
