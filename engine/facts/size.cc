// The derived size class (소상공인 … 대기업): IN / NOT_IN. Decided over every
// value the company's unknown inputs may take; undecided only when they
// disagree, and then the inputs that could decide it are what is missing.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"

namespace jiwon::engine::family {
namespace {

// Whether the size class is among the predicate's classes (before NOT_IN).
Truth SizeIn(FactContext& f, const Predicate& p) {
  const uint8_t allowed = AllowedBuckets(p);
  const uint8_t buckets = f.Size().buckets();
  if ((buckets & ~allowed) == 0) return Truth::kTrue;
  if ((buckets & allowed) == 0) return Truth::kFalse;
  return Truth::kUnknown;
}

Truth SizeTruth(FactContext& f, const Predicate& p) {
  const Truth in = SizeIn(f, p);
  return p.op == Op::kNotIn ? Not(in) : in;
}

std::vector<Fact> SizeDeciders(FactContext& f, const Predicate& p) {
  if (SizeIn(f, p) != Truth::kUnknown) return {};
  return f.Size().Deciders(AllowedBuckets(p));
}

void SizeTexts(FactContext& f, const Predicate& p, const TextRequest& r,
               Check* check) {
  check->observed = BucketsName(f.Size().buckets());
  if (!r.want_expected) return;
  std::vector<std::string> names;
  for (SizeClass s : p.size_classes) names.push_back(SizeClassName(s));
  check->expected = absl::StrCat(p.op == Op::kNotIn ? "다음 규모가 아님: " : "",
                                 absl::StrJoin(names, ", "));
}

// Fiscal-year figures decide it: indexed only where the reference date is
// the matcher's day.
std::string SizeKey(const Predicate&, bool application_reference) {
  return application_reference ? "size" : "";
}

int SizePriority(const Predicate&) { return 4; }

}  // namespace

// A size class follows from figures: a near miss suggests the figures, not
// the class.
constinit const FamilyRules kSize = {
    .family = Family::kSize,
    .truth = SizeTruth,
    .texts = SizeTexts,
    .deciders = SizeDeciders,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = SizeKey,
    .scan_priority = SizePriority,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
