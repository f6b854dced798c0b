// A yes/no standing of the company (체납, 채무불이행, 휴·폐업, 참여제한,
// 독립성, 재창업, …): IS_TRUE / IS_FALSE.

#include "absl/strings/str_cat.h"
#include "engine/facts/family.h"

namespace jiwon::engine::family {
namespace {

// The flag; unknown for a row without a reader (the table's row 0, which
// validation lets no predicate reach).
Truth Flag(FactContext& f, Fact fact) {
  const FactInfo& info = Info(fact);
  return info.read_flag != nullptr ? FromOptional(info.read_flag(f.company()))
                                   : Truth::kUnknown;
}

Truth FlagTruth(FactContext& f, const Predicate& p) {
  return BoolOp(p, Flag(f, p.fact));
}

void FlagTexts(FactContext& f, const Predicate& p, const TextRequest& r,
               Check* check) {
  BoolTexts(p, Flag(f, p.fact), r, check);
}

std::string FlagKey(const Predicate& p, bool) {
  return absl::StrCat("flag:", static_cast<int>(p.fact));
}

int FlagPriority(const Predicate&) { return 3; }

// Only the way out of a standing flag: settling it (arrears paid, a default
// cleared); never acquiring one.
std::optional<std::vector<Change>> FlagFix(const FixInput&, const Predicate& p,
                                           bool want) {
  if (!IsStandingFlag(p.fact)) return std::nullopt;
  const bool flag_true_needed = (p.op == Op::kIsTrue) == want;
  if (flag_true_needed) return std::nullopt;
  Change change;
  change.fact = p.fact;
  change.kind = Change::Kind::kClearFlag;
  change.description = absl::StrCat(FactName(p.fact), " 해소");
  return std::vector<Change>{change};
}

}  // namespace

constinit const FamilyRules kFlag = {
    .family = Family::kFlag,
    .truth = FlagTruth,
    .texts = FlagTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = FlagKey,
    .scan_priority = FlagPriority,
    .fix = FlagFix,
};

}  // namespace jiwon::engine::family
