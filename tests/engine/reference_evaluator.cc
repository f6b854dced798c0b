#include "tests/engine/reference_evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace jiwon::testing {
namespace {

using engine::Certification;
using engine::Company;
using engine::Condition;
using engine::Date;
using engine::Fact;
using engine::Op;
using engine::Predicate;
using Tri = std::optional<bool>;

Tri TriAnd(Tri a, Tri b) {
  if (a == false || b == false) return false;
  if (!a || !b) return std::nullopt;
  return true;
}
Tri TriOr(Tri a, Tri b) {
  if (a == true || b == true) return true;
  if (!a || !b) return std::nullopt;
  return false;
}
Tri TriNot(Tri a) {
  if (!a) return std::nullopt;
  return !*a;
}

struct Ymd {
  int y, m, d;
  auto operator<=>(const Ymd&) const = default;
};

Ymd Fields(Date d) { return {d.year(), d.month(), d.day()}; }

int MonthLength(int y, int m) {
  if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
  return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

// The day `months` calendar months after `start`, clamped to month end.
Ymd Anniversary(Ymd start, int64_t months) {
  int64_t total = start.y * 12LL + (start.m - 1) + months;
  Ymd out{static_cast<int>(total / 12), static_cast<int>(total % 12) + 1, 0};
  out.d = std::min(start.d, MonthLength(out.y, out.m));
  return out;
}

int Age(Ymd birth, Ymd on) {
  int age = on.y - birth.y;
  if (std::make_pair(on.m, on.d) < std::make_pair(birth.m, birth.d)) --age;
  return age;
}

bool InRange(int64_t v, const Predicate& p) {
  if (p.min && (p.min_exclusive ? !(v > *p.min) : !(v >= *p.min))) return false;
  if (p.max && (p.max_exclusive ? !(v < *p.max) : !(v <= *p.max))) return false;
  return true;
}

class Eval {
 public:
  Eval(const Company& c, Date on, const engine::Reference& ref)
      : c_(c), on_(on), ref_(ref) {}

  // The questions of the predicates Run found unknown, since it was last
  // cleared.
  std::set<std::string> unanswered;

  Tri Run(const Condition& c, std::set<Fact>* unknown) {
    switch (c.kind) {
      case Condition::Kind::kPredicate: {
        Tri t = Leaf(c.predicate);
        if (!t && c.predicate.fact == Fact::kSizeClass) {
          SizeInputs(c.predicate, unknown);
        } else if (!t) {
          unknown->insert(c.predicate.fact);
        }
        if (!t && c.predicate.fact == Fact::kQuestion) {
          unanswered.insert(c.predicate.question);
        }
        return t;
      }
      case Condition::Kind::kAll: {
        Tri t = true;
        for (const Condition& k : c.children) t = TriAnd(t, Run(k, unknown));
        return t;
      }
      case Condition::Kind::kAny: {
        Tri t = false;
        for (const Condition& k : c.children) t = TriOr(t, Run(k, unknown));
        return t;
      }
      case Condition::Kind::kNone: {
        Tri t = false;
        for (const Condition& k : c.children) t = TriOr(t, Run(k, unknown));
        return TriNot(t);
      }
    }
    return std::nullopt;
  }

 private:
  // The unknown inputs of an undecided size class: those whose value, all
  // else held, can change the answer; the class itself when none can.
  void SizeInputs(const Predicate& p, std::set<Fact>* out) const {
    const std::set<int> allowed = AllowedOf(p);
    const std::vector<SizeScenario>& all = SizeScenarios();
    static constexpr Fact kInputs[7] = {
        Fact::kPrimaryIndustry,       Fact::kRevenueAvg3Won,
        Fact::kTotalAssetsWon,        Fact::kRegularEmployees,
        Fact::kIndependent,           Fact::kInRestrictedGroup,
        Fact::kOwnedByRestrictedGroup};
    std::set<Fact> local;
    for (int f = 0; f < 7; ++f) {
      // Scenarios alike but for input f: do their answers differ?
      std::unordered_map<uint64_t, int> seen;  // bit 1: in, bit 2: out
      for (const SizeScenario& s : all) {
        uint64_t key = static_cast<uint64_t>(s.hidden);
        for (int g = 0; g < 7; ++g) {
          key = key * 256 + static_cast<uint64_t>(g == f ? 0 : s.coord[g]);
        }
        seen[key] |= allowed.contains(s.bucket) ? 1 : 2;
      }
      for (const auto& [key, bits] : seen) {
        if (bits == 3) {
          local.insert(kInputs[f]);
          break;
        }
      }
    }
    if (local.empty()) local.insert(Fact::kSizeClass);
    out->insert(local.begin(), local.end());
  }

  static std::set<int> AllowedOf(const Predicate& p) {
    std::set<int> allowed;
    for (auto s : p.size_classes) {
      switch (s) {
        case engine::SizeClass::kMicro:
          allowed.insert(0);
          break;
        case engine::SizeClass::kSmall:
          allowed.insert({0, 1});
          break;
        case engine::SizeClass::kSme:
          allowed.insert({0, 1, 2});
          break;
        case engine::SizeClass::kMidsize:
          allowed.insert(3);
          break;
        case engine::SizeClass::kLarge:
          allowed.insert(4);
          break;
      }
    }
    return allowed;
  }

  // The current name of a region code, following renamings.
  std::string Name(std::string code) const {
    for (int i = 0; i < 5; ++i) {
      const auto* r = ref_.regions.Find(code);
      if (r == nullptr) return code;
      if (r->replaced_by.empty()) return r->name;
      code = r->replaced_by;
    }
    return code;
  }

  bool IsSido(std::string code) const {
    for (int i = 0; i < 5; ++i) {
      const auto* r = ref_.regions.Find(code);
      if (r == nullptr) return false;
      if (r->replaced_by.empty()) return r->is_sido;
      code = r->replaced_by;
    }
    return false;
  }

  bool RegionContains(const std::string& area, const std::string& place) const {
    const std::string a = Name(area), p = Name(place);
    if (a == p) return IsSido(area) || !IsSido(place);
    return p.size() > a.size() && p.compare(0, a.size(), a) == 0 &&
           p[a.size()] == ' ';
  }

  Tri RegionIn(const std::vector<std::string>& areas,
               const std::string& place) {
    Tri t = false;
    for (const std::string& a : areas) {
      if (RegionContains(a, place)) return true;
      if (RegionContains(place, a)) t = std::nullopt;
    }
    return t;
  }

  Tri IndustryIn(const std::vector<std::string>& areas,
                 const std::string& code) {
    Tri t = false;
    const bool code_letter =
        code.size() == 1 && code[0] >= 'A' && code[0] <= 'Z';
    for (const std::string& a : areas) {
      const bool area_letter = a.size() == 1 && a[0] >= 'A' && a[0] <= 'Z';
      if (area_letter) {
        if ((code_letter ? code : ref_.industries.Section(code)) == a)
          return true;
      } else if (code_letter) {
        if (ref_.industries.Section(a) == code) t = std::nullopt;
      } else if (code.rfind(a, 0) == 0) {
        return true;
      } else if (a.rfind(code, 0) == 0) {
        t = std::nullopt;
      }
    }
    return t;
  }

  std::vector<int64_t> RevenuesNewestFirst() const {
    std::vector<std::pair<int, int64_t>> years;
    for (const auto& fy : c_.fiscal_years) {
      if (fy.year < on_.year() && fy.revenue_won) {
        years.push_back({fy.year, *fy.revenue_won});
      }
    }
    std::sort(years.rbegin(), years.rend());
    std::vector<int64_t> out;
    for (const auto& y : years) out.push_back(y.second);
    return out;
  }

  std::optional<int64_t> Avg3() const {
    std::vector<int64_t> r = RevenuesNewestFirst();
    if (r.empty()) return std::nullopt;
    const size_t n = std::min<size_t>(3, r.size());
    __extension__ __int128 sum = 0;
    for (size_t i = 0; i < n; ++i) sum += r[i];
    return static_cast<int64_t>(sum / static_cast<int>(n));
  }

  // One way the unknown size inputs may be: the index of each input's value
  // (division, revenue, assets, employees, independence, group, group
  // ownership), the revenue tests' state where the table has no row, and
  // the bucket: 0 micro, 1 small, 2 medium, 3 중견, 4 대기업.
  struct SizeScenario {
    int coord[7];
    int hidden;
    int bucket;
  };

  // Every combination of actual values the unknown inputs may take:
  // each division a coarse or unknown KSIC code stands for, each revenue
  // ceiling and the won above it, both sides of the assets limit, each
  // employee limit.
  const std::vector<SizeScenario>& SizeScenarios() const {
    if (scenarios_) return *scenarios_;
    __extension__ using I = __int128;
    std::vector<std::string> divisions;
    if (c_.primary_industry && c_.primary_industry->size() >= 2) {
      divisions = {c_.primary_industry->substr(0, 2)};
    } else {
      // The divisions the size tables cover; a section without any stands
      // for its own.
      std::vector<std::string> uncovered;
      for (const std::string& code : ref_.industries.AllCodes()) {
        if (code.size() == 2 &&
            (!c_.primary_industry ||
             ref_.industries.Section(code) == *c_.primary_industry)) {
          (ref_.sizes.ForDivision(std::stoi(code)) ? divisions : uncovered)
              .push_back(code);
        }
      }
      if (divisions.empty()) divisions = uncovered;
    }
    std::vector<std::pair<I, int>> revenues;  // (sum, years)
    std::vector<int64_t> r = RevenuesNewestFirst();
    if (!r.empty()) {
      const size_t n = std::min<size_t>(3, r.size());
      I sum = 0;
      for (size_t i = 0; i < n; ++i) sum += r[i];
      revenues = {{sum, static_cast<int>(n)}};
    } else {
      std::set<int64_t> values = {0};
      for (int d = 0; d < 100; ++d) {
        if (const auto* c = ref_.sizes.ForDivision(d)) {
          for (int64_t v :
               {c->sme_avg_revenue_max_won, c->small_avg_revenue_max_won}) {
            values.insert(v);
            values.insert(v + 1);
          }
        }
      }
      for (int64_t v : values) revenues.push_back({v, 1});
    }
    std::vector<int64_t> assets = {0, 500'000'000'000};
    if (c_.total_assets_won) assets = {*c_.total_assets_won};
    std::vector<int64_t> staff = {0};
    if (c_.regular_employees) {
      staff = {*c_.regular_employees};
    } else {
      std::set<int64_t> limits = {0};
      for (char s = 'A'; s <= 'U'; ++s) {
        limits.insert(ref_.sizes.MicroEmployeeLimit(std::string(1, s)));
      }
      staff.assign(limits.begin(), limits.end());
    }
    auto both = [](std::optional<bool> v) {
      return v ? std::vector<bool>{*v} : std::vector<bool>{false, true};
    };
    const std::vector<bool> inds = both(c_.independent),
                            groups = both(c_.in_restricted_group),
                            owned = both(c_.owned_by_restricted_group);
    // Where a division has no table row its revenue tests may come out
    // any of three ways (`hidden`); every scenario carries that state, which
    // the divisions with a row ignore.
    bool gaps = false;
    for (const std::string& d : divisions) {
      gaps = gaps || ref_.sizes.ForDivision(std::stoi(d)) == nullptr;
    }
    std::vector<SizeScenario> out;
    for (size_t d = 0; d < divisions.size(); ++d) {
      const auto* ceilings = ref_.sizes.ForDivision(std::stoi(divisions[d]));
      const int limit =
          ref_.sizes.MicroEmployeeLimit(ref_.industries.Section(divisions[d]));
      for (size_t rv = 0; rv < revenues.size(); ++rv) {
        for (int hidden = 0; hidden < (gaps ? 3 : 1); ++hidden) {
          bool sme_rev, small_rev;
          if (ceilings != nullptr) {
            const auto [sum, n] = revenues[rv];
            sme_rev = sum <= I(ceilings->sme_avg_revenue_max_won) * n;
            small_rev = sum <= I(ceilings->small_avg_revenue_max_won) * n;
          } else {
            sme_rev = hidden < 2;
            small_rev = hidden < 1;
          }
          for (size_t a = 0; a < assets.size(); ++a) {
            for (size_t st = 0; st < staff.size(); ++st) {
              for (size_t i = 0; i < inds.size(); ++i) {
                for (size_t g = 0; g < groups.size(); ++g) {
                  // A group member is never independent.
                  if (inds[i] && groups[g]) continue;
                  for (size_t o = 0; o < owned.size(); ++o) {
                    const bool sme =
                        inds[i] && assets[a] < 500'000'000'000 && sme_rev;
                    int bucket;
                    if (!sme) {
                      bucket = groups[g] || owned[o] ? 4 : 3;
                    } else if (!small_rev) {
                      bucket = 2;
                    } else {
                      bucket = staff[st] < limit ? 0 : 1;
                    }
                    out.push_back({{static_cast<int>(d), static_cast<int>(rv),
                                    static_cast<int>(a), static_cast<int>(st),
                                    static_cast<int>(i), static_cast<int>(g),
                                    static_cast<int>(o)},
                                   hidden,
                                   bucket});
                  }
                }
              }
            }
          }
        }
      }
    }
    scenarios_ = std::move(out);
    return *scenarios_;
  }

  std::set<int> SizeBuckets() const {
    std::set<int> out;
    for (const SizeScenario& s : SizeScenarios()) out.insert(s.bucket);
    return out;
  }

  Tri Leaf(const Predicate& p) {
    const Tri in = LeafIn(p);
    return in;
  }

  Tri LeafIn(const Predicate& p) {
    const Ymd on = Fields(on_);
    switch (p.fact) {
      case Fact::kHeadOfficeRegion: {
        if (!c_.head_office_region) return std::nullopt;
        std::vector<std::string> areas = p.codes;
        for (const auto& g : p.region_groups) {
          if (auto* codes = ref_.region_groups.Find(g)) {
            areas.insert(areas.end(), codes->begin(), codes->end());
          }
        }
        Tri t = RegionIn(areas, *c_.head_office_region);
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kPrimaryIndustry: {
        if (!c_.primary_industry) return std::nullopt;
        Tri t = IndustryIn(p.codes, *c_.primary_industry);
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kProspectiveFounder: {
        Tri t;
        if (c_.founded_on) {
          t = Fields(*c_.founded_on) > on;
        } else if (c_.prospective_founder) {
          t = *c_.prospective_founder;
        }
        return p.op == Op::kIsTrue ? t : TriNot(t);
      }
      case Fact::kBusinessAgeMonths: {
        if (c_.prospective_founder == true && !c_.founded_on) return false;
        if (!c_.founded_on) return std::nullopt;
        const Ymd f = Fields(*c_.founded_on);
        if (f > on) return false;
        bool ok = true;
        if (p.min) {
          const Ymd b = Anniversary(f, *p.min);
          ok = ok && (p.min_exclusive ? on > b : on >= b);
        }
        if (p.max) {
          const Ymd b = Anniversary(f, *p.max);
          ok = ok && (p.max_exclusive ? on < b : on <= b);
        }
        return ok;
      }
      case Fact::kCeoAgeYears:
      case Fact::kYouthCeo: {
        if (c_.ceos.empty()) return std::nullopt;
        const bool any = p.quantifier == engine::Quantifier::kAny;
        Tri t = any ? Tri(false) : Tri(true);
        for (const auto& ceo : c_.ceos) {
          Tri one;
          if (ceo.birth_date) {
            const int age = Age(Fields(*ceo.birth_date), on);
            one = p.fact == Fact::kYouthCeo ? age <= 39 : InRange(age, p);
          }
          t = any ? TriOr(t, one) : TriAnd(t, one);
        }
        if (p.fact == Fact::kYouthCeo && p.op == Op::kIsFalse) return TriNot(t);
        return t;
      }
      case Fact::kRevenueLatestWon: {
        std::vector<int64_t> r = RevenuesNewestFirst();
        if (r.empty()) return std::nullopt;
        return InRange(r[0], p);
      }
      case Fact::kRevenueAvg3Won: {
        std::optional<int64_t> avg = Avg3();
        if (!avg) return std::nullopt;
        return InRange(*avg, p);
      }
      case Fact::kRegularEmployees:
        if (!c_.regular_employees) return std::nullopt;
        return InRange(*c_.regular_employees, p);
      case Fact::kCertifications: {
        if (!c_.certifications) return std::nullopt;
        auto holds = [&](Certification want) {
          for (const auto& g : *c_.certifications) {
            if (g.kind != want) continue;
            if (g.valid_from && Fields(*g.valid_from) > on) continue;
            if (g.valid_to && Fields(*g.valid_to) < on) continue;
            return true;
          }
          return false;
        };
        int held = 0;
        for (Certification c : p.certifications) held += holds(c) ? 1 : 0;
        if (p.op == Op::kAnyOf) return held > 0;
        if (p.op == Op::kAllOf)
          return held == static_cast<int>(p.certifications.size());
        return held == 0;
      }
      case Fact::kNeeds: {
        if (!c_.needs) return std::nullopt;
        int held = 0;
        for (auto n : p.needs) {
          held += std::count(c_.needs->begin(), c_.needs->end(), n) > 0 ? 1 : 0;
        }
        if (p.op == Op::kAnyOf) return held > 0;
        if (p.op == Op::kAllOf) return held == static_cast<int>(p.needs.size());
        return held == 0;
      }
      case Fact::kSizeClass: {
        const std::set<int> allowed = AllowedOf(p);
        std::set<int> possible = SizeBuckets();
        bool all = true, none = true;
        for (int b : possible) {
          (allowed.contains(b) ? none : all) = false;
        }
        Tri t = all ? Tri(true) : none ? Tri(false) : std::nullopt;
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kTaxArrears: {
        Tri t = c_.tax_arrears ? Tri(*c_.tax_arrears) : std::nullopt;
        return p.op == Op::kIsTrue ? t : TriNot(t);
      }
      case Fact::kParticipationsEver: {
        if (!c_.participations) return std::nullopt;
        int64_t n = 0;
        for (const auto& part : *c_.participations) {
          bool match = p.codes.empty();
          for (const auto& prefix : p.codes) {
            if (part.program_id.rfind(prefix, 0) == 0) match = true;
          }
          n += match ? 1 : 0;
        }
        return InRange(n, p);
      }
      case Fact::kSiteRegion: {
        std::vector<std::string> areas = p.codes;
        for (const auto& g : p.region_groups) {
          if (auto* codes = ref_.region_groups.Find(g)) {
            areas.insert(areas.end(), codes->begin(), codes->end());
          }
        }
        // The head office is a site too.
        Tri t = false;
        if (c_.head_office_region) {
          t = TriOr(t, RegionIn(areas, *c_.head_office_region));
        }
        if (c_.site_regions) {
          for (const auto& s : *c_.site_regions) {
            t = TriOr(t, RegionIn(areas, s));
          }
        }
        if (!c_.head_office_region || !c_.site_regions) {
          t = TriOr(t, std::nullopt);
        }
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kQuestion: {
        auto it = c_.answers.find(p.question);
        if (it == c_.answers.end()) return std::nullopt;
        const engine::Answer& a = it->second;
        if (p.op == Op::kIsTrue || p.op == Op::kIsFalse) {
          if (!a.yes) return std::nullopt;
          return p.op == Op::kIsTrue ? *a.yes : !*a.yes;
        }
        if (p.op == Op::kIn || p.op == Op::kNotIn) {
          if (!a.choice) return std::nullopt;
          const bool in = std::count(p.codes.begin(), p.codes.end(), *a.choice);
          return p.op == Op::kIn ? in : !in;
        }
        if (a.number) return InRange(*a.number, p);
        if (a.date) {
          const Ymd d = Fields(*a.date);
          return InRange(d.y * 10000LL + d.m * 100 + d.d, p);
        }
        return std::nullopt;
      }
      case Fact::kFactoryRegion: {
        std::vector<std::string> areas = p.codes;
        for (const auto& g : p.region_groups) {
          if (auto* codes = ref_.region_groups.Find(g)) {
            areas.insert(areas.end(), codes->begin(), codes->end());
          }
        }
        if (!c_.factory_regions) return std::nullopt;
        Tri t = false;
        for (const auto& f : *c_.factory_regions) {
          t = TriOr(t, RegionIn(areas, f));
        }
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kInsuredEmployees:
        if (!c_.insured_employees) return std::nullopt;
        return InRange(*c_.insured_employees, p);
      case Fact::kLegalForm: {
        if (!c_.legal_form) return std::nullopt;
        const bool in = std::find(p.legal_forms.begin(), p.legal_forms.end(),
                                  *c_.legal_form) != p.legal_forms.end();
        return p.op == Op::kNotIn ? !in : in;
      }
      case Fact::kRestart:
      case Fact::kInRestrictedGroup:
      case Fact::kOwnedByRestrictedGroup: {
        const Tri v = p.fact == Fact::kRestart ? c_.restart
                      : p.fact == Fact::kInRestrictedGroup
                          ? c_.in_restricted_group
                          : c_.owned_by_restricted_group;
        return p.op == Op::kIsTrue ? v : TriNot(v);
      }
      case Fact::kAnyIndustry: {
        Tri t = false;
        if (c_.primary_industry) {
          t = TriOr(t, IndustryIn(p.codes, *c_.primary_industry));
        } else {
          t = TriOr(t, std::nullopt);
        }
        for (const auto& code : c_.secondary_industries) {
          t = TriOr(t, IndustryIn(p.codes, code));
        }
        return p.op == Op::kNotIn ? TriNot(t) : t;
      }
      case Fact::kCeoFemale:
      case Fact::kCeoDisabled: {
        if (c_.ceos.empty()) return std::nullopt;
        const bool any = p.quantifier == engine::Quantifier::kAny;
        Tri t = any ? Tri(false) : Tri(true);
        for (const auto& ceo : c_.ceos) {
          Tri one;
          if (p.fact == Fact::kCeoDisabled) {
            one = ceo.disabled;
          } else if (ceo.gender != engine::Gender::kUnknown) {
            one = ceo.gender == engine::Gender::kFemale;
          }
          t = any ? TriOr(t, one) : TriAnd(t, one);
        }
        return p.op == Op::kIsFalse ? TriNot(t) : t;
      }
      case Fact::kRevenueGrowthPercent: {
        // Newest year L and the year two before it, both with revenue.
        std::vector<std::pair<int, int64_t>> years;
        for (const auto& fy : c_.fiscal_years) {
          if (fy.year < on_.year() && fy.revenue_won) {
            years.push_back({fy.year, *fy.revenue_won});
          }
        }
        if (years.empty()) return std::nullopt;
        std::sort(years.rbegin(), years.rend());
        const auto latest = years[0];
        std::optional<int64_t> base;
        for (const auto& y : years) {
          if (y.first == latest.first - 2) base = y.second;
        }
        if (!base || *base <= 0) return std::nullopt;
        // growth = 100 (L - B) / B, compared by cross-multiplying (B > 0).
        __extension__ using I = __int128;
        const I lhs = (I(latest.second) - *base) * 100;
        bool ok = true;
        if (p.min) {
          const I rhs = I(*p.min) * *base;
          ok = ok && (p.min_exclusive ? lhs > rhs : lhs >= rhs);
        }
        if (p.max) {
          const I rhs = I(*p.max) * *base;
          ok = ok && (p.max_exclusive ? lhs < rhs : lhs <= rhs);
        }
        return ok;
      }
      case Fact::kDebtRatioPercent: {
        // The newest year before the reference year with both figures.
        const engine::FiscalYear* sheet = nullptr;
        for (const auto& fy : c_.fiscal_years) {
          if (fy.year >= on_.year() || !fy.liabilities_won || !fy.equity_won) {
            continue;
          }
          if (sheet == nullptr || fy.year > sheet->year) sheet = &fy;
        }
        if (sheet == nullptr) return std::nullopt;
        const int64_t debt = *sheet->liabilities_won;
        const int64_t equity = *sheet->equity_won;
        if (equity <= 0) {
          if (debt == 0) return std::nullopt;
          return !p.max;  // wiped out: above any ceiling
        }
        __extension__ using I = __int128;
        const I lhs = I(debt) * 100;
        bool ok = true;
        if (p.min) {
          ok = ok && (p.min_exclusive ? lhs > I(*p.min) * equity
                                      : lhs >= I(*p.min) * equity);
        }
        if (p.max) {
          ok = ok && (p.max_exclusive ? lhs < I(*p.max) * equity
                                      : lhs <= I(*p.max) * equity);
        }
        return ok;
      }
      case Fact::kRndIntensityPercent: {
        // The newest year before the reference year with revenue and R&D.
        const engine::FiscalYear* year = nullptr;
        for (const auto& fy : c_.fiscal_years) {
          if (fy.year < on_.year() && fy.revenue_won && fy.rnd_spend_won &&
              (year == nullptr || fy.year > year->year)) {
            year = &fy;
          }
        }
        if (year == nullptr) return std::nullopt;
        const int64_t rnd = *year->rnd_spend_won;
        const int64_t revenue = *year->revenue_won;
        if (revenue <= 0) {
          if (rnd == 0) return std::nullopt;
          return !p.max;  // R&D without revenue: above any ceiling
        }
        __extension__ using I = __int128;
        const I lhs = I(rnd) * 100;
        bool ok = true;
        if (p.min) {
          ok = ok && (p.min_exclusive ? lhs > I(*p.min) * revenue
                                      : lhs >= I(*p.min) * revenue);
        }
        if (p.max) {
          ok = ok && (p.max_exclusive ? lhs < I(*p.max) * revenue
                                      : lhs <= I(*p.max) * revenue);
        }
        return ok;
      }
      case Fact::kTotalAssetsWon:
        if (!c_.total_assets_won) return std::nullopt;
        return InRange(*c_.total_assets_won, p);
      case Fact::kEmployeeChange:
        if (!c_.regular_employees || !c_.regular_employees_last_year) {
          return std::nullopt;
        }
        return InRange(
            int64_t{*c_.regular_employees} - *c_.regular_employees_last_year,
            p);
      case Fact::kExportsPrevYearUsd:
        for (const auto& fy : c_.fiscal_years) {
          if (fy.year + 1 == on_.year() && fy.exports_usd) {
            return InRange(*fy.exports_usd, p);
          }
        }
        return std::nullopt;
      case Fact::kRndSpendWon: {
        int best = -1;
        int64_t value = 0;
        for (const auto& fy : c_.fiscal_years) {
          if (fy.year < on_.year() && fy.rnd_spend_won && fy.year > best) {
            best = fy.year;
            value = *fy.rnd_spend_won;
          }
        }
        if (best < 0) return std::nullopt;
        return InRange(value, p);
      }
      case Fact::kPatents:
        if (!c_.patents) return std::nullopt;
        return InRange(*c_.patents, p);
      case Fact::kLoanDefault:
      case Fact::kSuspendedOrClosed:
      case Fact::kParticipationBanned:
      case Fact::kIndependent: {
        const std::optional<bool>& v =
            p.fact == Fact::kLoanDefault           ? c_.loan_default
            : p.fact == Fact::kSuspendedOrClosed   ? c_.suspended_or_closed
            : p.fact == Fact::kParticipationBanned ? c_.participation_banned
            // A group member is never independent.
            : c_.in_restricted_group == true ? std::optional<bool>(false)
                                             : c_.independent;
        return p.op == Op::kIsTrue ? v : TriNot(v);
      }
      case Fact::kParticipationsThisYear:
      case Fact::kAwardsThisYearWon: {
        if (!c_.participations) return std::nullopt;
        int64_t n = 0;
        for (const auto& part : *c_.participations) {
          if (part.year != on_.year()) continue;
          bool match = p.codes.empty();
          for (const auto& prefix : p.codes) {
            if (part.program_id.rfind(prefix, 0) == 0) match = true;
          }
          if (match)
            n += p.fact == Fact::kAwardsThisYearWon ? part.amount_won : 1;
        }
        return InRange(n, p);
      }
    }
    ADD_FAILURE() << "not a fact: " << static_cast<int>(p.fact);
    return std::nullopt;
  }

  const Company& c_;
  Date on_;
  const engine::Reference& ref_;
  mutable std::optional<std::vector<SizeScenario>> scenarios_;
};

}  // namespace

ReferenceOutcome ReferenceEvaluate(const engine::Program& program,
                                   const Company& company, Date as_of,
                                   const engine::Reference& reference) {
  Date on = as_of;
  if (program.reference_date == engine::ReferenceDateKind::kAnnouncement &&
      program.announced_on) {
    on = *program.announced_on;
  } else if (program.reference_date == engine::ReferenceDateKind::kDeadline &&
             program.window.closes_on) {
    on = *program.window.closes_on;
  }
  Eval eval(company, on, reference);
  ReferenceOutcome out;
  bool failed = false, unknown = false;
  for (const engine::Rule& rule : program.rules) {
    std::set<Fact> rule_unknown;
    eval.unanswered.clear();
    const Tri cond = eval.Run(rule.condition, &rule_unknown);
    out.conditions.push_back(cond);
    Tri passed;
    switch (rule.kind) {
      case engine::RuleKind::kRequire:
      case engine::RuleKind::kCap:
        passed = cond;
        break;
      case engine::RuleKind::kExclude:
        passed = TriNot(cond);
        break;
      case engine::RuleKind::kBonus:
        passed = true;
        if (cond == true) out.bonus += rule.points;
        break;
    }
    if (passed == false) failed = true;
    if (!passed) {
      unknown = true;
      out.missing.insert(rule_unknown.begin(), rule_unknown.end());
      out.missing_questions.insert(eval.unanswered.begin(),
                                   eval.unanswered.end());
    }
  }
  if (program.bonus_cap > 0) out.bonus = std::min(out.bonus, program.bonus_cap);
  out.eligibility = failed    ? engine::Eligibility::kIneligible
                    : unknown ? engine::Eligibility::kUndetermined
                              : engine::Eligibility::kEligible;
  if (failed) {
    out.missing.clear();
    out.missing_questions.clear();
  }
  return out;
}

}  // namespace jiwon::testing
