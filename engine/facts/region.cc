// 본사·사업장·공장 소재지: IN / NOT_IN over region codes and named groups.
// A region covers its sub-regions; a place left unknown keeps IN from being
// false.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"

namespace jiwon::engine::family {
namespace {

Truth RegionTruth(FactContext& f, const Predicate& p) {
  const RegionTable& regions = f.ref().regions;
  bool complete = true;
  Truth in = Truth::kFalse;
  auto test = [&](const std::string& place) {
    for (const std::string& code : p.codes) {
      in = Or(in, regions.Covers(code, place));
    }
    for (const std::string& group : p.region_groups) {
      if (const auto* codes = f.ref().region_groups.Find(group)) {
        for (const std::string& code : *codes) {
          in = Or(in, regions.Covers(code, place));
        }
      }
    }
  };
  Info(p.fact).read_places(f.company(),
                           [&](const char*, const std::string* code) {
                             if (code == nullptr) {
                               complete = false;
                             } else {
                               test(*code);
                             }
                           });
  if (!complete) in = Or(in, Truth::kUnknown);
  return p.op == Op::kNotIn ? Not(in) : in;
}

void RegionTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                 Check* check) {
  const RegionTable& regions = f.ref().regions;
  std::vector<std::string> shown;
  Info(p.fact).read_places(f.company(), [&](const char* label,
                                            const std::string* code) {
    shown.push_back(code == nullptr
                        ? absl::StrCat(label, " 미상")
                        : absl::StrCat(label, " ", regions.Describe(*code)));
  });
  if (shown.empty()) shown.push_back("없음");
  check->observed = absl::StrJoin(shown, ", ");
  if (!r.want_expected) return;
  std::vector<std::string> names = p.region_groups;
  for (const std::string& code : p.codes) {
    names.push_back(regions.Describe(code));
  }
  check->expected = absl::StrCat(
      p.op == Op::kNotIn ? "다음 지역이 아님: " : "다음 지역 소재: ",
      absl::StrJoin(names, ", "));
}

// The head office is indexed; other places are tested per company.
std::string RegionKey(const Predicate& p, bool) {
  return p.fact == Fact::kHeadOfficeRegion ? "region" : "";
}

int RegionPriority(const Predicate& p) {
  return p.fact == Fact::kHeadOfficeRegion ? 0 : kFullProfile;
}

// Opening a 사업장 where the program asks for one; never moving the head
// office or a factory.
std::optional<std::vector<Change>> RegionFix(const FixInput& in,
                                             const Predicate& p, bool want) {
  if (p.fact != Fact::kSiteRegion || !want || p.op != Op::kIn ||
      p.codes.empty()) {
    return std::nullopt;
  }
  Change change;
  change.fact = p.fact;
  change.kind = Change::Kind::kAddSite;
  change.region = p.codes.front();
  change.description =
      absl::StrCat(in.ref.regions.Describe(change.region), "에 사업장 설치");
  return std::vector<Change>{change};
}

}  // namespace

constinit const FamilyRules kRegion = {
    .family = Family::kRegion,
    .truth = RegionTruth,
    .texts = RegionTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Always,
    .expected_varies = false,
    .dimension_key = RegionKey,
    .scan_priority = RegionPriority,
    .fix = RegionFix,
};

}  // namespace jiwon::engine::family
