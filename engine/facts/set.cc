// Certifications (valid on the reference date) and needs: ANY_OF / ALL_OF /
// NONE_OF.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"
#include "engine/near_miss.h"

namespace jiwon::engine::family {
namespace {

template <typename T, typename HasFn>
Truth SetTruth(const Predicate& p, const std::vector<T>& wanted, HasFn has) {
  Truth any = Truth::kFalse;
  Truth all = Truth::kTrue;
  for (const T& w : wanted) {
    const Truth t = FromBool(has(w));
    any = Or(any, t);
    all = And(all, t);
  }
  if (p.op == Op::kAllOf) return all;
  if (p.op == Op::kNoneOf) return Not(any);
  return any;
}

bool HoldsValid(const Company& c, Certification want, Date on) {
  if (!c.certifications) return false;
  for (const CertificationGrant& g : *c.certifications) {
    if (g.kind == want && ValidOn(g, on)) return true;
  }
  return false;
}

Truth SetOfTruth(FactContext& f, const Predicate& p) {
  const Company& c = f.company();
  if (p.fact == Fact::kNeeds) {
    if (!c.needs) return Truth::kUnknown;
    return SetTruth(p, p.needs, [&](Need want) {
      return std::find(c.needs->begin(), c.needs->end(), want) !=
             c.needs->end();
    });
  }
  if (!c.certifications) return Truth::kUnknown;
  const Date on = f.on();
  return SetTruth(p, p.certifications,
                  [&](Certification want) { return HoldsValid(c, want, on); });
}

template <typename T, typename NameFn>
void SetText(const Predicate& p, const std::vector<T>& wanted, NameFn name,
             const TextRequest& r, Check* check) {
  if (!r.want_expected) return;
  std::vector<std::string> names;
  for (const T& w : wanted) names.push_back(name(w));
  if (p.op == Op::kAllOf) {
    check->expected = absl::StrCat(absl::StrJoin(names, ", "), " 모두");
  } else if (p.op == Op::kNoneOf) {
    check->expected = absl::StrCat(absl::StrJoin(names, ", "), " 없음");
  } else {
    check->expected = absl::StrCat(absl::StrJoin(names, " 또는 "),
                                   wanted.size() > 1 ? " 중 하나 이상" : "");
  }
}

void SetOfTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                Check* check) {
  const Company& c = f.company();
  if (p.fact == Fact::kNeeds) {
    SetText(
        p, p.needs, [](Need n) { return std::string(NeedName(n)); }, r, check);
    if (!c.needs) {
      check->observed = "미상";
      return;
    }
    std::vector<std::string> shown;
    for (Need n : *c.needs) shown.push_back(NeedName(n));
    check->observed = shown.empty() ? "없음" : absl::StrJoin(shown, ", ");
    return;
  }
  SetText(
      p, p.certifications,
      [](Certification cert) { return std::string(CertificationName(cert)); },
      r, check);
  if (!c.certifications) {
    check->observed = "인증 정보 미상";
    return;
  }
  // The valid certifications, and those the rule names that are not valid
  // on the date, with their validity.
  const Date on = f.on();
  std::vector<std::string> shown;
  for (const CertificationGrant& g : *c.certifications) {
    if (ValidOn(g, on)) {
      shown.push_back(CertificationName(g.kind));
    } else if (std::find(p.certifications.begin(), p.certifications.end(),
                         g.kind) != p.certifications.end()) {
      shown.push_back(absl::StrCat(
          CertificationName(g.kind), " (기준일 ", on.ToString(),
          "에 무효: ", g.valid_from ? g.valid_from->ToString() : "", "~",
          g.valid_to ? g.valid_to->ToString() : "", ")"));
    }
  }
  check->observed =
      shown.empty() ? "유효 인증 없음" : absl::StrJoin(shown, ", ");
}

// Certifications show the invalid ones the rule names.
bool SetObservedIsTheFacts(Fact fact) { return fact != Fact::kCertifications; }

// A predicate over one certification or one need is indexed by it;
// certifications only where the reference date is the matcher's day (their
// validity depends on the date).
std::string SetKey(const Predicate& p, bool application_reference) {
  if (p.fact == Fact::kNeeds) {
    if (p.needs.empty()) return "";
    for (Need n : p.needs) {
      if (n != p.needs[0]) return "";
    }
    return absl::StrCat("need:", static_cast<int>(p.needs[0]));
  }
  if (!application_reference || p.certifications.empty()) return "";
  for (Certification c : p.certifications) {
    if (c != p.certifications[0]) return "";
  }
  return absl::StrCat("cert:", static_cast<int>(p.certifications[0]));
}

int SetPriority(const Predicate&) { return 2; }

// Obtaining a certification (one for ANY_OF, every missing one for ALL_OF)
// or adding a need; never dropping one.
std::optional<std::vector<Change>> SetFix(const FixInput& in,
                                          const Predicate& p, bool want) {
  if (!want || p.op == Op::kNoneOf) return std::nullopt;
  Change change;
  change.fact = p.fact;
  if (p.fact == Fact::kNeeds) {
    if (p.needs.empty()) return std::nullopt;
    change.kind = Change::Kind::kAddNeed;
    change.need = p.needs.front();
    change.description = absl::StrCat("관심분야에 '", NeedName(change.need),
                                      "' 추가 (해당 계획이 있는 경우)");
    return std::vector<Change>{change};
  }
  std::vector<Change> out;
  for (Certification cert : p.certifications) {
    if (p.op == Op::kAllOf && HoldsValid(in.company, cert, in.on)) continue;
    Change c = change;
    c.kind = Change::Kind::kAddCertification;
    c.certification = cert;
    c.description = absl::StrCat(CertificationName(cert), " 인증·확인 취득");
    out.push_back(std::move(c));
    if (p.op == Op::kAnyOf) break;
  }
  if (out.empty() || out.size() > kMaxChanges) return std::nullopt;
  return out;
}

}  // namespace

constinit const FamilyRules kSet = {
    .family = Family::kSet,
    .truth = SetOfTruth,
    .texts = SetOfTexts,
    .deciders = nullptr,
    .observed_is_the_facts = SetObservedIsTheFacts,
    .expected_varies = false,
    .dimension_key = SetKey,
    .scan_priority = SetPriority,
    .fix = SetFix,
};

}  // namespace jiwon::engine::family
