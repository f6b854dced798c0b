// KSIC codes: IN / NOT_IN. A code covers the codes below it; the primary
// industry alone, or any industry of the company.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"

namespace jiwon::engine::family {
namespace {

Truth IndustryTruth(FactContext& f, const Predicate& p) {
  const Company& c = f.company();
  const IndustryTable& industries = f.ref().industries;
  Truth in = Truth::kFalse;
  auto test = [&](const std::string& code) {
    for (const std::string& area : p.codes) {
      in = Or(in, industries.Covers(area, code));
    }
  };
  if (c.primary_industry) test(*c.primary_industry);
  if (p.fact == Fact::kAnyIndustry) {
    for (const std::string& code : c.secondary_industries) test(code);
  }
  if (!c.primary_industry) in = Or(in, Truth::kUnknown);
  return p.op == Op::kNotIn ? Not(in) : in;
}

void IndustryTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                   Check* check) {
  const Company& c = f.company();
  const IndustryTable& industries = f.ref().industries;
  std::vector<std::string> codes;
  if (c.primary_industry) codes.push_back(*c.primary_industry);
  if (p.fact == Fact::kAnyIndustry) {
    codes.insert(codes.end(), c.secondary_industries.begin(),
                 c.secondary_industries.end());
  }
  if (r.want_expected) {
    std::vector<std::string> names;
    for (const std::string& code : p.codes) {
      names.push_back(industries.Describe(code));
    }
    check->expected =
        absl::StrCat(p.op == Op::kNotIn ? "다음 업종이 아님: " : "다음 업종: ",
                     absl::StrJoin(names, ", "));
  }
  std::vector<std::string> shown;
  for (const std::string& code : codes) {
    shown.push_back(industries.Describe(code));
  }
  if (!c.primary_industry) shown.insert(shown.begin(), "주업종 미상");
  check->observed = absl::StrJoin(shown, ", ");
}

std::string IndustryKey(const Predicate& p, bool) {
  return p.fact == Fact::kPrimaryIndustry ? "industry" : "";
}

int IndustryPriority(const Predicate& p) {
  return p.fact == Fact::kPrimaryIndustry ? 1 : kFullProfile;
}

}  // namespace

// An industry is identity: no near miss suggests changing it.
constinit const FamilyRules kIndustry = {
    .family = Family::kIndustry,
    .truth = IndustryTruth,
    .texts = IndustryTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = IndustryKey,
    .scan_priority = IndustryPriority,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
