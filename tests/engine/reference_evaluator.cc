#include "tests/engine/reference_evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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

  Tri Run(const Condition& c, std::set<Fact>* unknown) {
    switch (c.kind) {
      case Condition::Kind::kPredicate: {
        Tri t = Leaf(c.predicate);
        if (!t && c.predicate.fact == Fact::kSizeClass) {
          SizeInputs(c.predicate, unknown);
        } else if (!t) {
          unknown->insert(c.predicate.fact);
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
  // The unknown inputs of an undecided size class; employees only when the
  // rule tells 소상공인 from 소기업.
  void SizeInputs(const Predicate& p, std::set<Fact>* out) const {
    std::set<Fact> local;
    std::set<Fact>* unknown = &local;
    if (!c_.primary_industry || c_.primary_industry->size() < 2) {
      unknown->insert(Fact::kPrimaryIndustry);
    }
    if (!Avg3()) unknown->insert(Fact::kRevenueAvg3Won);
    if (!c_.total_assets_won) unknown->insert(Fact::kTotalAssetsWon);
    if (!c_.independent) unknown->insert(Fact::kIndependent);
    bool micro = false, small = false;
    for (auto s : p.size_classes) {
      micro = micro || s == engine::SizeClass::kMicro ||
              s == engine::SizeClass::kSmall || s == engine::SizeClass::kSme;
      small = small || s == engine::SizeClass::kSmall ||
              s == engine::SizeClass::kSme;
    }
    if (!c_.regular_employees && micro != small) {
      unknown->insert(Fact::kRegularEmployees);
    }
    if (local.empty()) {
      // Known inputs that cannot tell 중견기업 from 대기업: the class itself.
      local.insert(Fact::kSizeClass);
    }
    out->insert(local.begin(), local.end());
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

  // Possible size buckets: 0 micro, 1 small, 2 medium, 3 중견, 4 대기업.
  std::set<int> SizeBuckets() const {
    std::vector<std::optional<int64_t>> revenue_options = {Avg3()};
    if (!revenue_options[0]) revenue_options = {0, INT64_MAX / 4};
    std::vector<std::optional<int64_t>> asset_options = {c_.total_assets_won};
    if (!asset_options[0]) asset_options = {0, INT64_MAX / 4};
    std::vector<std::optional<int64_t>> staff_options;
    if (c_.regular_employees) {
      staff_options = {*c_.regular_employees};
    } else {
      staff_options = {0, 1000000};
    }
    std::vector<bool> independence = c_.independent
                                         ? std::vector<bool>{*c_.independent}
                                         : std::vector<bool>{false, true};
    const engine::SizeTable::Ceilings* ceilings = nullptr;
    std::string section;
    if (c_.primary_industry && c_.primary_industry->size() >= 2) {
      ceilings =
          ref_.sizes.ForDivision(std::stoi(c_.primary_industry->substr(0, 2)));
      section = ref_.industries.Section(*c_.primary_industry);
    } else if (c_.primary_industry) {
      section = *c_.primary_industry;
    }
    std::set<int> out;
    for (auto rev : revenue_options) {
      for (auto assets : asset_options) {
        for (auto staff : staff_options) {
          for (bool ind : independence) {
            // Without a table row the revenue tests are unknown: both ways.
            std::vector<std::pair<bool, bool>> revenue_tests;
            if (ceilings != nullptr) {
              revenue_tests = {{*rev <= ceilings->sme_avg_revenue_max_won,
                                *rev <= ceilings->small_avg_revenue_max_won}};
            } else {
              revenue_tests = {{false, false}, {true, false}, {true, true}};
            }
            for (auto [sme_rev, small_rev] : revenue_tests) {
              const bool sme = ind && *assets < 500'000'000'000 && sme_rev;
              if (!sme) {
                out.insert({3, 4});  // the profile cannot tell these apart
              } else if (!small_rev) {
                out.insert(2);
              } else if (section.empty()) {
                out.insert(0);
                out.insert(1);
              } else {
                out.insert(*staff < ref_.sizes.MicroEmployeeLimit(section) ? 0
                                                                           : 1);
              }
            }
          }
        }
      }
    }
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
    }
  }
  if (program.bonus_cap > 0) out.bonus = std::min(out.bonus, program.bonus_cap);
  out.eligibility = failed    ? engine::Eligibility::kIneligible
                    : unknown ? engine::Eligibility::kUndetermined
                              : engine::Eligibility::kEligible;
  if (failed) out.missing.clear();
  return out;
}

}  // namespace jiwon::testing
