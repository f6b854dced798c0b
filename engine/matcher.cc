#include "engine/matcher.h"

#include <algorithm>
#include <bit>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"

namespace jiwon::engine {
namespace {

using Bitmap = std::vector<uint64_t>;

// Representatives are evaluated at this date: day 15 exists in every month,
// so "founded m months before" lands exactly on an anniversary.
const Date kRepresentativeDay = Date::FromCivil(2000, 1, 15).value();

constexpr int kMaxCuts = 4096;  // beyond this a figure's rules stay residual

void SetBit(Bitmap& b, size_t i) { b[i >> 6] |= uint64_t{1} << (i & 63); }

template <typename Fn>
void ForEachBit(const Bitmap& b, Fn fn) {
  for (size_t w = 0; w < b.size(); ++w) {
    uint64_t x = b[w];
    while (x != 0) {
      fn(w * 64 + static_cast<size_t>(std::countr_zero(x)));
      x &= x - 1;
    }
  }
}

size_t Count(const Bitmap& b) {
  size_t n = 0;
  for (uint64_t w : b) n += static_cast<size_t>(std::popcount(w));
  return n;
}

bool YearDependent(Fact f) {
  return f == Fact::kRevenueLatestWon || f == Fact::kRevenueAvg3Won ||
         f == Fact::kExportsPrevYearUsd || f == Fact::kRndSpendWon;
}

bool IsFigure(Fact f) {
  switch (f) {
    case Fact::kRevenueLatestWon:
    case Fact::kRevenueAvg3Won:
    case Fact::kTotalAssetsWon:
    case Fact::kRegularEmployees:
    case Fact::kEmployeeChange:
    case Fact::kExportsPrevYearUsd:
    case Fact::kRndSpendWon:
    case Fact::kPatents:
      return true;
    default:
      return false;
  }
}

bool Int32Figure(Fact f) {
  return f == Fact::kRegularEmployees || f == Fact::kEmployeeChange ||
         f == Fact::kPatents;
}

bool IsFlag(Fact f) {
  return f == Fact::kTaxArrears || f == Fact::kLoanDefault ||
         f == Fact::kSuspendedOrClosed || f == Fact::kParticipationBanned ||
         f == Fact::kIndependent;
}

// The dimension a predicate tests, as a key ("" when none can be indexed).
std::string DimensionKey(const Predicate& p, bool application_reference) {
  switch (p.fact) {
    case Fact::kHeadOfficeRegion:
      return "region";
    case Fact::kPrimaryIndustry:
      return "industry";
    case Fact::kProspectiveFounder:
    case Fact::kBusinessAgeMonths:
      return application_reference ? "founding" : "";
    case Fact::kSizeClass:
      return application_reference ? "size" : "";
    case Fact::kCertifications: {
      if (!application_reference || p.certifications.empty()) return "";
      for (Certification c : p.certifications) {
        if (c != p.certifications[0]) return "";
      }
      return "cert:" + std::to_string(static_cast<int>(p.certifications[0]));
    }
    case Fact::kNeeds: {
      if (p.needs.empty()) return "";
      for (Need n : p.needs) {
        if (n != p.needs[0]) return "";
      }
      return "need:" + std::to_string(static_cast<int>(p.needs[0]));
    }
    default:
      break;
  }
  if (IsFlag(p.fact)) return "flag:" + std::to_string(static_cast<int>(p.fact));
  if (IsFigure(p.fact)) {
    if (YearDependent(p.fact) && !application_reference) return "";
    if (Int32Figure(p.fact)) {
      constexpr int64_t kLimit = 1'000'000'000;
      if ((p.min && (*p.min < -kLimit || *p.min > kLimit)) ||
          (p.max && (*p.max < -kLimit || *p.max > kLimit))) {
        return "";
      }
    }
    return "figure:" + std::to_string(static_cast<int>(p.fact));
  }
  return "";
}

// The one dimension all of a condition's predicates test; "" when they
// test none or several.
std::string ConditionKey(const Condition& c, bool application_reference) {
  if (c.kind == Condition::Kind::kPredicate) {
    return DimensionKey(c.predicate, application_reference);
  }
  std::string key;
  for (const Condition& child : c.children) {
    const std::string k = ConditionKey(child, application_reference);
    if (k.empty() || (!key.empty() && k != key)) return "";
    key = k;
  }
  return key;
}

void CollectPredicates(const Condition& c, std::vector<const Predicate*>* out) {
  if (c.kind == Condition::Kind::kPredicate) {
    out->push_back(&c.predicate);
    return;
  }
  for (const Condition& child : c.children) CollectPredicates(child, out);
}

Truth SizeTree(const Condition& c, uint8_t buckets) {
  switch (c.kind) {
    case Condition::Kind::kPredicate:
      return SizePredicateTruth(c.predicate, buckets);
    case Condition::Kind::kAll: {
      Truth t = Truth::kTrue;
      for (const Condition& k : c.children) t = And(t, SizeTree(k, buckets));
      return t;
    }
    case Condition::Kind::kAny:
    case Condition::Kind::kNone: {
      Truth t = Truth::kFalse;
      for (const Condition& k : c.children) t = Or(t, SizeTree(k, buckets));
      return c.kind == Condition::Kind::kNone ? Not(t) : t;
    }
  }
  return Truth::kUnknown;
}

// The company a founding class stands for: x = 2 * whole months since
// founding, plus one when the day is not an anniversary.
Company FoundingRepresentative(int64_t x) {
  Company c;
  const int months = static_cast<int>(x / 2);
  Date f = kRepresentativeDay.AddMonths(-months);
  if (x % 2 == 1) f = f.AddDays(-1);
  c.founded_on = f;
  return c;
}

Company FigureRepresentative(Fact fact, int64_t v) {
  Company c;
  const int year = kRepresentativeDay.year() - 1;
  switch (fact) {
    case Fact::kRevenueLatestWon:
    case Fact::kRevenueAvg3Won:
      c.fiscal_years.push_back({year, v, std::nullopt, std::nullopt});
      break;
    case Fact::kExportsPrevYearUsd:
      c.fiscal_years.push_back({year, std::nullopt, v, std::nullopt});
      break;
    case Fact::kRndSpendWon:
      c.fiscal_years.push_back({year, std::nullopt, std::nullopt, v});
      break;
    case Fact::kTotalAssetsWon:
      c.total_assets_won = v;
      break;
    case Fact::kRegularEmployees:
      c.regular_employees = static_cast<int32_t>(v);
      break;
    case Fact::kEmployeeChange:
      c.regular_employees = static_cast<int32_t>(v >= 0 ? v : 0);
      c.regular_employees_last_year = static_cast<int32_t>(v >= 0 ? 0 : -v);
      break;
    case Fact::kPatents:
      c.patents = static_cast<int32_t>(v);
      break;
    default:
      break;
  }
  return c;
}

}  // namespace

struct Matcher::Dimension {
  enum class Kind { kRegion, kIndustry, kFounding, kFigure, kFlag, kCert, kNeed, kSize };
  Kind kind = Kind::kRegion;
  Fact fact = Fact::kHeadOfficeRegion;
  int param = 0;  // certification or need
  int classes = 0;
  absl::flat_hash_map<std::string, int> code_class;  // region, industry
  std::vector<int64_t> cuts;                          // founding, figure
  std::vector<Company> representatives;               // by class (build only)
  std::vector<Bitmap> fail;                           // by class
  std::vector<Bitmap> unknown;                        // by class

  // Truth of `c` (which tests only this dimension) for each class.
  std::vector<Truth> Table(const Condition& c, const Evaluator& e) const {
    std::vector<Truth> out(static_cast<size_t>(classes), Truth::kUnknown);
    for (int k = 0; k < classes; ++k) {
      out[static_cast<size_t>(k)] =
          kind == Kind::kSize
              ? SizeTree(c, static_cast<uint8_t>(k))
              : e.Holds(c, representatives[static_cast<size_t>(k)],
                        kRepresentativeDay);
    }
    return out;
  }

  int ClassOf(const Company& c, Date on, const Evaluator& e) const {
    switch (kind) {
      case Kind::kRegion:
      case Kind::kIndustry: {
        const std::optional<std::string>& code =
            kind == Kind::kRegion ? c.head_office_region : c.primary_industry;
        if (!code) return 0;
        auto it = code_class.find(*code);
        return it == code_class.end() ? 0 : it->second;
      }
      case Kind::kFounding: {
        if (c.founded_on) {
          const Date f = *c.founded_on;
          if (f > on) return 2;
          int64_t months = (on.year() - f.year()) * 12 + (on.month() - f.month());
          while (months > 0 && f.AddMonths(static_cast<int>(months)) > on) {
            --months;
          }
          const int64_t x =
              2 * months + (f.AddMonths(static_cast<int>(months)) == on ? 0 : 1);
          return 3 + static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), x) -
                                      cuts.begin());
        }
        if (!c.prospective_founder) return 0;
        return *c.prospective_founder ? 2 : 1;
      }
      case Kind::kFigure: {
        std::optional<int64_t> v = FigureOf(e.reference(), c, fact, on);
        if (!v) return 0;
        return 1 + static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), *v) -
                                    cuts.begin());
      }
      case Kind::kFlag: {
        std::optional<bool> v;
        switch (fact) {
          case Fact::kTaxArrears:
            v = c.tax_arrears;
            break;
          case Fact::kLoanDefault:
            v = c.loan_default;
            break;
          case Fact::kSuspendedOrClosed:
            v = c.suspended_or_closed;
            break;
          case Fact::kParticipationBanned:
            v = c.participation_banned;
            break;
          default:
            v = c.independent;
            break;
        }
        return v ? (*v ? 2 : 1) : 0;
      }
      case Kind::kCert: {
        if (!c.certifications) return 0;
        for (const CertificationGrant& g : *c.certifications) {
          if (static_cast<int>(g.kind) == param &&
              (!g.valid_from || *g.valid_from <= on) &&
              (!g.valid_to || on <= *g.valid_to)) {
            return 2;
          }
        }
        return 1;
      }
      case Kind::kNeed: {
        if (!c.needs) return 0;
        for (Need n : *c.needs) {
          if (static_cast<int>(n) == param) return 2;
        }
        return 1;
      }
      case Kind::kSize:
        return e.SizeBuckets(c, on);
    }
    return 0;
  }
};

struct Matcher::DayView {
  Date day;
  Bitmap in_effect;
  Bitmap open;
  Bitmap closed;
  std::vector<int64_t> deadline_part;
};

Matcher::~Matcher() = default;

std::shared_ptr<const Matcher> Matcher::Build(
    std::shared_ptr<const Catalog> catalog, const Evaluator* evaluator) {
  std::shared_ptr<Matcher> m(new Matcher());
  m->catalog_ = std::move(catalog);
  m->evaluator_ = evaluator;
  const auto& programs = m->catalog_->programs();
  const size_t n = programs.size();
  m->words_ = (n + 63) / 64;
  m->info_.resize(n);
  m->has_residual_.assign(m->words_, 0);
  m->by_category_.assign(10, Bitmap(m->words_, 0));
  const Reference& ref = evaluator->reference();
  const ScoringWeights& w = evaluator->weights();

  // Which rules test one dimension, and the thresholds each dimension needs.
  struct Placement {
    size_t program;
    uint32_t rule;
    std::string key;
  };
  std::vector<Placement> indexed;
  std::map<std::string, std::set<int64_t>> cuts;
  std::map<std::string, std::set<std::string>> codes;
  for (size_t i = 0; i < n; ++i) {
    const Program& p = *programs[i];
    ProgramInfo& info = m->info_[i];
    info.application_reference =
        p.reference_date == ReferenceDateKind::kApplication;
    for (Need t : p.tags) info.tags |= uint16_t{1} << static_cast<int>(t);
    if (p.max_amount_won && *p.max_amount_won > 0) {
      info.benefit_part =
          std::min(w.benefit_cap,
                   *p.max_amount_won / 10'000'000 * w.per_ten_million_won);
      if (info.benefit_part < 0) info.benefit_part = 0;
    }
    SetBit(m->by_category_[static_cast<size_t>(p.category)], i);
    for (uint32_t r = 0; r < p.rules.size(); ++r) {
      const Rule& rule = p.rules[r];
      std::string key = ConditionKey(rule.condition, info.application_reference);
      if (!key.empty()) {
        std::vector<const Predicate*> preds;
        CollectPredicates(rule.condition, &preds);
        for (const Predicate* pr : preds) {
          if (key == "founding" && pr->fact == Fact::kBusinessAgeMonths) {
            if (pr->min) {
              cuts[key].insert(2 * *pr->min);
              cuts[key].insert(2 * *pr->min + 1);
            }
            if (pr->max) {
              cuts[key].insert(2 * *pr->max);
              cuts[key].insert(2 * *pr->max + 1);
            }
          } else if (key.rfind("figure:", 0) == 0) {
            if (pr->min) {
              cuts[key].insert(*pr->min);
              cuts[key].insert(*pr->min + 1);
            }
            if (pr->max) {
              cuts[key].insert(*pr->max);
              cuts[key].insert(*pr->max + 1);
            }
          } else if (key == "region") {
            codes[key].insert(pr->codes.begin(), pr->codes.end());
            for (const std::string& g : pr->region_groups) {
              if (const auto* group = ref.region_groups.Find(g)) {
                codes[key].insert(group->begin(), group->end());
              }
            }
          } else if (key == "industry") {
            codes[key].insert(pr->codes.begin(), pr->codes.end());
          }
        }
      }
      if (rule.kind == RuleKind::kBonus) {
        info.bonus_rules.push_back({r, -1, {}});
        if (!key.empty()) indexed.push_back({i, r, key});
        continue;
      }
      if (key.empty()) {
        info.residual_rules.push_back(r);
        SetBit(m->has_residual_, i);
        ++m->stats_.residual_rules;
      } else {
        indexed.push_back({i, r, key});
      }
    }
  }
  for (auto& [key, set] : cuts) {
    if (set.size() > kMaxCuts) {
      // Too many thresholds to index: those rules stay residual.
      for (Placement& pl : indexed) {
        if (pl.key != key) continue;
        const Rule& rule = programs[pl.program]->rules[pl.rule];
        pl.key.clear();
        if (rule.kind != RuleKind::kBonus) {
          m->info_[pl.program].residual_rules.push_back(pl.rule);
          SetBit(m->has_residual_, pl.program);
          ++m->stats_.residual_rules;
        }
      }
    }
  }

  // The dimensions, with their classes and representatives.
  std::map<std::string, int> dimension_of;
  auto make_dimension = [&](const std::string& key) -> int {
    auto found = dimension_of.find(key);
    if (found != dimension_of.end()) return found->second;
    auto d = std::make_unique<Dimension>();
    if (key == "region" || key == "industry") {
      const bool region = key == "region";
      d->kind = region ? Dimension::Kind::kRegion : Dimension::Kind::kIndustry;
      const std::set<std::string>& areas = codes[key];
      // Every code of the table, grouped by how the catalog's codes cover it.
      std::map<std::vector<Truth>, int> signature_class;
      d->representatives.emplace_back();  // class 0: unknown
      auto add = [&](const std::string& code) {
        std::vector<Truth> sig;
        for (const std::string& a : areas) {
          sig.push_back(region ? ref.regions.Covers(a, code)
                               : ref.industries.Covers(a, code));
        }
        auto [it, inserted] = signature_class.try_emplace(
            sig, static_cast<int>(d->representatives.size()));
        if (inserted) {
          Company c;
          (region ? c.head_office_region : c.primary_industry) = code;
          d->representatives.push_back(std::move(c));
        }
        d->code_class[code] = it->second;
      };
      if (region) {
        for (const std::string& code : ref.regions.AllCodes()) add(code);
      } else {
        for (const std::string& code : ref.industries.AllCodes()) add(code);
      }
    } else if (key == "founding") {
      d->kind = Dimension::Kind::kFounding;
      d->cuts.assign(cuts[key].begin(), cuts[key].end());
      d->representatives.emplace_back();  // unknown
      Company not_prospective;
      not_prospective.prospective_founder = false;
      d->representatives.push_back(not_prospective);
      Company prospective;
      prospective.prospective_founder = true;
      d->representatives.push_back(prospective);
      d->representatives.push_back(FoundingRepresentative(0));
      for (int64_t cut : d->cuts) {
        d->representatives.push_back(FoundingRepresentative(cut));
      }
    } else if (key == "size") {
      d->kind = Dimension::Kind::kSize;
      d->representatives.resize(32);
    } else {
      const int param = std::stoi(key.substr(key.find(':') + 1));
      if (key.rfind("figure:", 0) == 0) {
        d->kind = Dimension::Kind::kFigure;
        d->fact = static_cast<Fact>(param);
        d->cuts.assign(cuts[key].begin(), cuts[key].end());
        d->representatives.emplace_back();  // unknown
        d->representatives.push_back(FigureRepresentative(
            d->fact, d->cuts.empty() ? 0 : d->cuts.front() - 1));
        for (int64_t cut : d->cuts) {
          d->representatives.push_back(FigureRepresentative(d->fact, cut));
        }
      } else if (key.rfind("flag:", 0) == 0) {
        d->kind = Dimension::Kind::kFlag;
        d->fact = static_cast<Fact>(param);
        for (int v = 0; v < 3; ++v) {
          Company c;
          std::optional<bool> value;
          if (v > 0) value = v == 2;
          switch (d->fact) {
            case Fact::kTaxArrears:
              c.tax_arrears = value;
              break;
            case Fact::kLoanDefault:
              c.loan_default = value;
              break;
            case Fact::kSuspendedOrClosed:
              c.suspended_or_closed = value;
              break;
            case Fact::kParticipationBanned:
              c.participation_banned = value;
              break;
            default:
              c.independent = value;
              break;
          }
          d->representatives.push_back(std::move(c));
        }
      } else if (key.rfind("cert:", 0) == 0) {
        d->kind = Dimension::Kind::kCert;
        d->param = param;
        d->representatives.emplace_back();
        Company none;
        none.certifications.emplace();
        d->representatives.push_back(none);
        Company held;
        held.certifications = std::vector<CertificationGrant>{
            {static_cast<Certification>(param), std::nullopt, std::nullopt}};
        d->representatives.push_back(held);
      } else {
        d->kind = Dimension::Kind::kNeed;
        d->param = param;
        d->representatives.emplace_back();
        Company none;
        none.needs.emplace();
        d->representatives.push_back(none);
        Company has;
        has.needs = std::vector<Need>{static_cast<Need>(param)};
        d->representatives.push_back(has);
      }
    }
    d->classes = static_cast<int>(d->representatives.size());
    d->fail.resize(static_cast<size_t>(d->classes));
    d->unknown.resize(static_cast<size_t>(d->classes));
    const int index = static_cast<int>(m->dimensions_.size());
    m->dimensions_.push_back(std::move(d));
    dimension_of[key] = index;
    return index;
  };

  for (const Placement& pl : indexed) {
    if (pl.key.empty()) continue;
    const int di = make_dimension(pl.key);
    Dimension& d = *m->dimensions_[static_cast<size_t>(di)];
    const Rule& rule = programs[pl.program]->rules[pl.rule];
    std::vector<Truth> table = d.Table(rule.condition, *evaluator);
    if (rule.kind == RuleKind::kBonus) {
      for (ProgramInfo::Bonus& b : m->info_[pl.program].bonus_rules) {
        if (b.rule != pl.rule) continue;
        b.dimension = di;
        b.earned.resize(table.size());
        for (size_t k = 0; k < table.size(); ++k) {
          b.earned[k] = table[k] == Truth::kTrue ? 1 : 0;
        }
      }
      continue;
    }
    ++m->stats_.indexed_rules;
    for (size_t k = 0; k < table.size(); ++k) {
      const Truth passed =
          rule.kind == RuleKind::kExclude ? Not(table[k]) : table[k];
      if (passed == Truth::kTrue) continue;
      Bitmap& target = passed == Truth::kFalse ? d.fail[k] : d.unknown[k];
      if (target.empty()) target.assign(m->words_, 0);
      SetBit(target, pl.program);
    }
  }
  for (auto& d : m->dimensions_) {
    d->representatives.clear();
    d->representatives.shrink_to_fit();
    m->stats_.classes += d->classes;
    for (size_t k = 0; k < d->fail.size(); ++k) {
      m->stats_.bitmap_bytes +=
          (d->fail[k].size() + d->unknown[k].size()) * sizeof(uint64_t);
    }
  }
  m->stats_.programs = static_cast<int>(n);
  m->stats_.dimensions = static_cast<int>(m->dimensions_.size());
  return m;
}

std::shared_ptr<const Matcher::DayView> Matcher::Day(Date day) const {
  std::shared_ptr<const DayView> cached = day_.load();
  if (cached != nullptr && cached->day == day) return cached;
  auto view = std::make_shared<DayView>();
  view->day = day;
  view->in_effect.assign(words_, 0);
  view->open.assign(words_, 0);
  view->closed.assign(words_, 0);
  const auto& programs = catalog_->programs();
  view->deadline_part.assign(programs.size(), 0);
  const ScoringWeights& w = evaluator_->weights();
  for (size_t i = 0; i < programs.size(); ++i) {
    const Program& p = *programs[i];
    if ((!p.effective_from || *p.effective_from <= day) &&
        (!p.effective_to || day <= *p.effective_to)) {
      SetBit(view->in_effect, i);
    }
    const WindowStatus status = StatusOn(p.window, day);
    if (status == WindowStatus::kOpen) {
      SetBit(view->open, i);
      if (std::optional<Date> closes = ClosingDate(p.window, day)) {
        const int64_t days = closes->days() - day.days();
        if (days >= 0 && days < 30) {
          view->deadline_part[i] = w.deadline_max * (30 - days) / 30;
        }
      }
    } else if (status == WindowStatus::kClosed) {
      SetBit(view->closed, i);
    }
  }
  // Another thread may store its own view of the same day: either is right.
  day_.store(view);
  return view;
}

Matcher::Result Matcher::Match(const Company& company,
                               const RecommendOptions& options) const {
  const std::shared_ptr<const DayView> day = Day(options.as_of);
  const auto& programs = catalog_->programs();
  const ScoringWeights& w = evaluator_->weights();

  Bitmap filter = day->in_effect;
  if (!options.categories.empty()) {
    Bitmap cats(words_, 0);
    for (Category c : options.categories) {
      const Bitmap& b = by_category_[static_cast<size_t>(c)];
      for (size_t i = 0; i < words_; ++i) cats[i] |= b[i];
    }
    for (size_t i = 0; i < words_; ++i) filter[i] &= cats[i];
  }
  for (size_t i = 0; i < words_; ++i) {
    if (options.open_only) {
      filter[i] &= day->open[i];
    } else if (!options.include_closed) {
      filter[i] &= ~day->closed[i];
    }
  }

  Bitmap fail(words_, 0);
  Bitmap unknown(words_, 0);
  std::vector<int> classes(dimensions_.size());
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const Dimension& dim = *dimensions_[d];
    const int k = dim.ClassOf(company, options.as_of, *evaluator_);
    classes[d] = k;
    const Bitmap& f = dim.fail[static_cast<size_t>(k)];
    const Bitmap& u = dim.unknown[static_cast<size_t>(k)];
    if (!f.empty()) {
      for (size_t i = 0; i < words_; ++i) fail[i] |= f[i];
    }
    if (!u.empty()) {
      for (size_t i = 0; i < words_; ++i) unknown[i] |= u[i];
    }
  }

  // The rules no dimension covers, for the programs still standing.
  Bitmap pending(words_, 0);
  for (size_t i = 0; i < words_; ++i) {
    pending[i] = filter[i] & ~fail[i] & has_residual_[i];
  }
  ForEachBit(pending, [&](size_t p) {
    const Program& program = *programs[p];
    const Date on = Evaluator::ReferenceDateFor(program, options.as_of);
    for (uint32_t r : info_[p].residual_rules) {
      const Rule& rule = program.rules[r];
      Truth passed = evaluator_->Holds(rule.condition, company, on);
      if (rule.kind == RuleKind::kExclude) passed = Not(passed);
      if (passed == Truth::kFalse) {
        SetBit(fail, p);
        break;
      }
      if (passed == Truth::kUnknown) SetBit(unknown, p);
    }
  });

  Result out;
  Bitmap eligible(words_, 0);
  Bitmap undetermined(words_, 0);
  for (size_t i = 0; i < words_; ++i) {
    eligible[i] = filter[i] & ~fail[i] & ~unknown[i];
    undetermined[i] = filter[i] & ~fail[i] & unknown[i];
  }
  out.evaluated = static_cast<int>(Count(filter));
  out.eligible = static_cast<int>(Count(eligible));
  out.undetermined = static_cast<int>(Count(undetermined));
  out.ineligible = out.evaluated - out.eligible - out.undetermined;

  uint16_t needs = 0;
  if (company.needs) {
    for (Need n : *company.needs) needs |= uint16_t{1} << static_cast<int>(n);
  }
  struct Scored {
    uint32_t program;
    uint8_t rank;
    int64_t score;
  };
  std::vector<Scored> scored;
  scored.reserve(static_cast<size_t>(out.eligible + out.undetermined));
  auto score = [&](size_t p, uint8_t rank) {
    const ProgramInfo& info = info_[p];
    const Program& program = *programs[p];
    int64_t s = 0;
    if (company.needs) {
      s += std::popcount(static_cast<unsigned>(info.tags & needs)) *
           w.per_matching_need;
    }
    if (!info.bonus_rules.empty()) {
      int64_t bonus = 0;
      Date on;
      bool have_on = false;
      for (const ProgramInfo::Bonus& b : info.bonus_rules) {
        bool earned;
        if (b.dimension >= 0) {
          earned = b.earned[static_cast<size_t>(
                       classes[static_cast<size_t>(b.dimension)])] != 0;
        } else {
          if (!have_on) {
            on = Evaluator::ReferenceDateFor(program, options.as_of);
            have_on = true;
          }
          earned = evaluator_->Holds(program.rules[b.rule].condition, company,
                                     on) == Truth::kTrue;
        }
        if (earned) bonus += program.rules[b.rule].points;
      }
      if (program.bonus_cap > 0) bonus = std::min<int64_t>(bonus, program.bonus_cap);
      s += bonus * w.per_bonus_point;
    }
    s += day->deadline_part[p] + info.benefit_part;
    scored.push_back({static_cast<uint32_t>(p), rank, s});
  };
  ForEachBit(eligible, [&](size_t p) { score(p, 0); });
  if (!options.eligible_only) {
    ForEachBit(undetermined, [&](size_t p) { score(p, 1); });
  }
  auto better = [](const Scored& a, const Scored& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.score != b.score) return a.score > b.score;
    return a.program < b.program;
  };
  const size_t k = std::min(options.limit, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(k),
                    scored.end(), better);
  out.top.reserve(k);
  for (size_t i = 0; i < k; ++i) {
    out.top.push_back({programs[scored[i].program].get(),
                       scored[i].rank == 0 ? Eligibility::kEligible
                                           : Eligibility::kUndetermined,
                       scored[i].score});
  }
  return out;
}

Recommendation Matcher::Recommend(const Company& company,
                                  const RecommendOptions& options) const {
  if (options.include_near_misses || options.include_ineligible) {
    return engine::Recommend(*catalog_, *evaluator_, company, options);
  }
  Result r = Match(company, options);
  Recommendation out;
  out.evaluated = r.evaluated;
  out.eligible = r.eligible;
  out.undetermined = r.undetermined;
  out.ineligible = r.ineligible;
  for (const Ranked& m : r.top) {
    out.matches.push_back(evaluator_->Evaluate(catalog_->Find(m.program->id),
                                               company, options.as_of));
  }
  return out;
}

}  // namespace jiwon::engine
