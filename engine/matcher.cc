#include "engine/matcher.h"

#include <algorithm>
#include <bit>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "engine/facts/fact_table.h"
#include "engine/facts/family.h"
#include "engine/saturating.h"

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

// The dimension a predicate tests, as a key ("" when none can be indexed):
// its family's classification.
std::string DimensionKey(const Predicate& p, bool application_reference) {
  return RulesOf(p.fact).dimension_key(p, application_reference);
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
  return FoldCondition(
      c, [&](const Predicate& p) { return SizePredicateTruth(p, buckets); });
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
  Info(fact).set_figure(&c, v, kRepresentativeDay);
  return c;
}

}  // namespace

// A company's founding at `on`: -2 unknown, -1 not a 예비창업자 but founding
// date unknown, -3 예비창업자; else x = 2 * whole months since founding,
// plus one when `on` is not an anniversary.
int64_t FoundingX(const Company& c, Date on) {
  if (c.founded_on) {
    const Date f = *c.founded_on;
    if (f > on) return -3;
    int64_t months = (on.year() - f.year()) * 12 + (on.month() - f.month());
    while (months > 0 && f.AddMonths(static_cast<int>(months)) > on) --months;
    return 2 * months + (f.AddMonths(static_cast<int>(months)) == on ? 0 : 1);
  }
  if (!c.prospective_founder) return -2;
  return *c.prospective_founder ? -3 : -1;
}

// Require rules that bound one figure (or 업력) from below and/or above:
// sorted bounds, with cumulative bitmaps at 64 checkpoints, so the programs
// a value fails are one bitmap plus a short scan.
struct Matcher::Thresholds {
  static constexpr size_t kCheckpoints = 64;
  Fact fact = Fact::kRevenueLatestWon;  // kBusinessAgeMonths: in x units
  struct Side {
    std::vector<std::pair<int64_t, uint32_t>> entries;  // (bound, program)
    size_t step = 1;
    std::vector<Bitmap> cumulative;
  };
  // Fails when the value is below the bound, or above it.
  Side lower, upper;
  Bitmap all;  // every program with a rule here

  void Finish(size_t words) {
    for (Side* side : {&lower, &upper}) {
      std::sort(side->entries.begin(), side->entries.end());
      const size_t n = side->entries.size();
      side->step = std::max<size_t>(1, (n + kCheckpoints - 1) / kCheckpoints);
      const size_t points = n / side->step + 1;
      side->cumulative.assign(points + 1, Bitmap(words, 0));
      if (side == &upper) {
        // cumulative[j]: entries [0, j * step).
        for (size_t j = 1; j <= points; ++j) {
          side->cumulative[j] = side->cumulative[j - 1];
          for (size_t e = (j - 1) * side->step; e < std::min(n, j * side->step);
               ++e) {
            SetBit(side->cumulative[j], side->entries[e].second);
          }
        }
      } else {
        // cumulative[j]: entries [j * step, n).
        for (size_t j = points; j-- > 0;) {
          side->cumulative[j] = side->cumulative[j + 1];
          for (size_t e = j * side->step; e < std::min(n, (j + 1) * side->step);
               ++e) {
            SetBit(side->cumulative[j], side->entries[e].second);
          }
        }
      }
    }
  }

  // The programs whose bounds `v` breaks: whole checkpoint bitmaps are
  // added to `sources`, the programs past the checkpoints to `bits`.
  void Fail(int64_t v, std::vector<const uint64_t*>* sources,
            std::vector<uint32_t>* bits) const {
    // Upper bounds below v: a prefix.
    {
      const auto& e = upper.entries;
      const size_t pos = static_cast<size_t>(
          std::lower_bound(e.begin(), e.end(), std::make_pair(v, uint32_t{0})) -
          e.begin());
      const size_t j = pos / upper.step;
      if (j > 0) sources->push_back(upper.cumulative[j].data());
      for (size_t k = j * upper.step; k < pos; ++k)
        bits->push_back(e[k].second);
    }
    // Lower bounds above v: a suffix.
    {
      const auto& e = lower.entries;
      const size_t pos = static_cast<size_t>(
          std::upper_bound(e.begin(), e.end(), std::make_pair(v, UINT32_MAX)) -
          e.begin());
      const size_t j = (pos + lower.step - 1) / lower.step;
      if (j * lower.step < e.size()) {
        sources->push_back(lower.cumulative[j].data());
      }
      for (size_t k = pos; k < std::min(e.size(), j * lower.step); ++k) {
        bits->push_back(e[k].second);
      }
    }
  }
};

struct Matcher::Dimension {
  enum class Kind {
    kRegion,
    kIndustry,
    kFounding,
    kFigure,
    kFlag,
    kCert,
    kNeed,
    kSize,
    kChoice
  };
  Kind kind = Kind::kRegion;
  Fact fact = Fact::kHeadOfficeRegion;
  int param = 0;  // certification or need
  int classes = 0;
  absl::flat_hash_map<std::string, int> code_class;  // region, industry
  std::vector<int64_t> cuts;                         // founding, figure
  std::vector<Company> representatives;              // by class (build only)
  std::vector<Bitmap> fail;                          // by class
  std::vector<Bitmap> unknown;                       // by class

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
        const int64_t x = FoundingX(c, on);
        if (x == -2) return 0;
        if (x == -1) return 1;
        if (x == -3) return 2;
        return 3 +
               static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), x) -
                                cuts.begin());
      }
      case Kind::kFigure: {
        std::optional<int64_t> v = FigureOf(c, fact, on);
        if (!v) return 0;
        return 1 +
               static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), *v) -
                                cuts.begin());
      }
      case Kind::kFlag: {
        const std::optional<bool> v = Info(fact).read_flag(c);
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
      case Kind::kChoice: {
        const std::optional<int> v = Info(fact).read_choice(c);
        return v && *v >= 1 && *v < classes ? *v : 0;
      }
    }
    return 0;
  }
};

struct Matcher::DayView {
  Date day;
  Bitmap in_effect;
  Bitmap open;
  Bitmap closed;
  std::vector<int32_t> base_score;  // deadline and benefit parts
};

Matcher::~Matcher() = default;

// Builds a matcher in steps: each rule is placed (a threshold index, an
// indexed dimension, or residual), dimensions with too many cuts give their
// rules back, each dimension is made with its classes and representatives,
// the rules' outcomes are indexed per class, and the bonus rules are laid
// out for scoring.
class Matcher::Builder {
 public:
  Builder(std::shared_ptr<const Catalog> catalog, const Evaluator* evaluator)
      : m_(new Matcher()),
        evaluator_(evaluator),
        ref_(evaluator->reference()),
        n_(catalog->programs().size()) {
    m_->catalog_ = std::move(catalog);
    m_->evaluator_ = evaluator;
    m_->words_ = (n_ + 63) / 64;
    m_->info_.resize(n_);
    m_->hot_.assign(n_, Hot());
    m_->benefit_part_.assign(n_, 0);
    m_->has_residual_.assign(m_->words_, 0);
    m_->by_category_.assign(10, Bitmap(m_->words_, 0));
    bonuses_.resize(n_);
  }

  std::shared_ptr<const Matcher> Build() {
    for (size_t i = 0; i < n_; ++i) PlaceProgram(i);
    for (auto& [fact, t] : thresholds_) {
      t->Finish(m_->words_);
      m_->thresholds_.push_back(std::move(t));
    }
    GiveBackCrowdedDimensions();
    IndexRules();
    LayOutBonuses();
    return Finish();
  }

 private:
  // A bonus rule of a program, before the bonus arrays are laid out.
  struct PendingBonus {
    uint32_t rule;
    int32_t points;
    int dimension = -1;
    std::vector<uint8_t> earned;  // by class of its dimension
  };
  // A rule that tests one dimension.
  struct Placement {
    size_t program;
    uint32_t rule;
    std::string key;  // cleared when the rule went back to residual
  };

  const std::vector<std::shared_ptr<const Program>>& programs() const {
    return m_->catalog_->programs();
  }

  void PlaceProgram(size_t i) {
    const Program& p = *programs()[i];
    ProgramInfo& info = m_->info_[i];
    info.application_reference =
        p.reference_date == ReferenceDateKind::kApplication;
    Hot& hot = m_->hot_[i];
    for (Need t : p.tags) {
      hot.tags |= static_cast<uint16_t>(1u << static_cast<int>(t));
    }
    m_->benefit_part_[i] = static_cast<int32_t>(
        BenefitPart(evaluator_->weights(), p.max_amount_won));
    hot.bonus_cap = static_cast<int16_t>(std::min<int32_t>(p.bonus_cap, 32767));
    SetBit(m_->by_category_[static_cast<size_t>(p.category)], i);
    for (uint32_t r = 0; r < p.rules.size(); ++r) {
      const Rule& rule = p.rules[r];
      if (AddThreshold(i, rule, info.application_reference)) {
        ++m_->stats_.threshold_rules;
        continue;
      }
      const std::string key =
          ConditionKey(rule.condition, info.application_reference);
      if (!key.empty()) CollectCutsAndCodes(key, rule.condition);
      if (rule.kind == RuleKind::kBonus) {
        bonuses_[i].push_back({r, rule.points, -1, {}});
        if (!key.empty()) indexed_.push_back({i, r, key});
      } else if (key.empty()) {
        MakeResidual(i, r);
      } else {
        indexed_.push_back({i, r, key});
      }
    }
  }

  // A require or cap rule that is one range over a figure (or 업력) goes to
  // the threshold index of that fact.
  bool AddThreshold(size_t program, const Rule& rule,
                    bool application_reference) {
    if (rule.kind != RuleKind::kRequire && rule.kind != RuleKind::kCap) {
      return false;
    }
    if (rule.condition.kind != Condition::Kind::kPredicate) return false;
    const Predicate& p = rule.condition.predicate;
    if (p.op != Op::kRange) return false;
    const bool age = p.fact == Fact::kBusinessAgeMonths;
    if (!age && !IsFigure(p.fact)) return false;
    if ((age || Info(p.fact).year_dependent) && !application_reference) {
      return false;
    }
    std::unique_ptr<Thresholds>& t = thresholds_[p.fact];
    if (t == nullptr) {
      t = std::make_unique<Thresholds>();
      t->fact = p.fact;
      t->all.assign(m_->words_, 0);
    }
    const uint32_t id = static_cast<uint32_t>(program);
    if (p.min) {
      const int64_t lo =
          SatAdd(age ? SatMul(2, *p.min) : *p.min, p.min_exclusive ? 1 : 0);
      t->lower.entries.push_back({lo, id});
    }
    if (p.max) {
      const int64_t hi =
          SatSub(age ? SatMul(2, *p.max) : *p.max, p.max_exclusive ? 1 : 0);
      t->upper.entries.push_back({hi, id});
    }
    SetBit(t->all, program);
    return true;
  }

  // The cuts (founding, figures) and codes (region, industry) the
  // dimension of `key` needs for the predicates of `c`.
  void CollectCutsAndCodes(const std::string& key, const Condition& c) {
    std::vector<const Predicate*> preds;
    CollectPredicates(c, &preds);
    auto cut_at = [&](int64_t v) {
      cuts_[key].insert(v);
      cuts_[key].insert(v + 1);
    };
    for (const Predicate* pr : preds) {
      if (key == "founding" && pr->fact == Fact::kBusinessAgeMonths) {
        if (pr->min) cut_at(2 * *pr->min);
        if (pr->max) cut_at(2 * *pr->max);
      } else if (key.rfind("figure:", 0) == 0) {
        if (pr->min) cut_at(*pr->min);
        if (pr->max) cut_at(*pr->max);
      } else if (key == "region") {
        codes_[key].insert(pr->codes.begin(), pr->codes.end());
        for (const std::string& g : pr->region_groups) {
          if (const auto* group = ref_.region_groups.Find(g)) {
            codes_[key].insert(group->begin(), group->end());
          }
        }
      } else if (key == "industry") {
        codes_[key].insert(pr->codes.begin(), pr->codes.end());
      }
    }
  }

  void MakeResidual(size_t program, uint32_t rule) {
    m_->info_[program].residual_rules.push_back(rule);
    SetBit(m_->has_residual_, program);
    ++m_->stats_.residual_rules;
  }

  // Too many thresholds to index: those rules stay residual (bonus rules
  // are then evaluated directly).
  void GiveBackCrowdedDimensions() {
    for (auto& [key, set] : cuts_) {
      if (set.size() <= kMaxCuts) continue;
      for (Placement& pl : indexed_) {
        if (pl.key != key) continue;
        pl.key.clear();
        if (programs()[pl.program]->rules[pl.rule].kind != RuleKind::kBonus) {
          MakeResidual(pl.program, pl.rule);
        }
      }
    }
  }

  // The dimension of `key`, made the first time with its classes and
  // representatives.
  int DimensionFor(const std::string& key) {
    auto found = dimension_of_.find(key);
    if (found != dimension_of_.end()) return found->second;
    auto d = std::make_unique<Dimension>();
    if (key == "region" || key == "industry") {
      CodeDimension(key, d.get());
    } else if (key == "founding") {
      FoundingDimension(key, d.get());
    } else if (key == "size") {
      d->kind = Dimension::Kind::kSize;
      d->representatives.resize(32);  // by bucket set; SizeTree decides
    } else {
      KeyedDimension(key, d.get());
    }
    d->classes = static_cast<int>(d->representatives.size());
    d->fail.resize(static_cast<size_t>(d->classes));
    d->unknown.resize(static_cast<size_t>(d->classes));
    const int index = static_cast<int>(m_->dimensions_.size());
    m_->dimensions_.push_back(std::move(d));
    dimension_of_[key] = index;
    return index;
  }

  // Every code of the table, grouped by how the catalog's codes cover it;
  // class 0 is unknown.
  void CodeDimension(const std::string& key, Dimension* d) {
    const bool region = key == "region";
    d->kind = region ? Dimension::Kind::kRegion : Dimension::Kind::kIndustry;
    const std::set<std::string>& areas = codes_[key];
    std::map<std::vector<Truth>, int> signature_class;
    d->representatives.emplace_back();  // class 0: unknown
    auto add = [&](const std::string& code) {
      std::vector<Truth> sig;
      for (const std::string& a : areas) {
        sig.push_back(region ? ref_.regions.Covers(a, code)
                             : ref_.industries.Covers(a, code));
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
      for (const std::string& code : ref_.regions.AllCodes()) add(code);
    } else {
      for (const std::string& code : ref_.industries.AllCodes()) add(code);
    }
  }

  // Unknown, not prospective (no date), prospective, then founded at 0 and
  // at each cut of 업력.
  void FoundingDimension(const std::string& key, Dimension* d) {
    d->kind = Dimension::Kind::kFounding;
    d->cuts.assign(cuts_[key].begin(), cuts_[key].end());
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
  }

  // "figure:N", "flag:N", "choice:N", "cert:N", "need:N".
  void KeyedDimension(const std::string& key, Dimension* d) {
    const int param = std::stoi(key.substr(key.find(':') + 1));
    if (key.rfind("figure:", 0) == 0) {
      d->kind = Dimension::Kind::kFigure;
      d->fact = static_cast<Fact>(param);
      d->cuts.assign(cuts_[key].begin(), cuts_[key].end());
      d->representatives.emplace_back();  // unknown
      d->representatives.push_back(FigureRepresentative(
          d->fact, d->cuts.empty() ? 0 : d->cuts.front() - 1));
      for (int64_t cut : d->cuts) {
        d->representatives.push_back(FigureRepresentative(d->fact, cut));
      }
    } else if (key.rfind("flag:", 0) == 0) {
      d->kind = Dimension::Kind::kFlag;
      d->fact = static_cast<Fact>(param);
      for (int v = 0; v < 3; ++v) {  // unknown, false, true
        Company c;
        std::optional<bool> value;
        if (v > 0) value = v == 2;
        Info(d->fact).set_flag(&c, value);
        d->representatives.push_back(std::move(c));
      }
    } else if (key.rfind("choice:", 0) == 0) {
      d->kind = Dimension::Kind::kChoice;
      d->fact = static_cast<Fact>(param);
      const FactInfo& info = Info(d->fact);
      for (int v = 0; v <= info.choices; ++v) {  // unknown, then each value
        Company c;
        info.set_choice(&c, v == 0 ? std::nullopt : std::optional<int>(v));
        d->representatives.push_back(std::move(c));
      }
    } else if (key.rfind("cert:", 0) == 0) {
      d->kind = Dimension::Kind::kCert;
      d->param = param;
      d->representatives.emplace_back();  // unknown, none, held
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
      d->representatives.emplace_back();  // unknown, none, has
      Company none;
      none.needs.emplace();
      d->representatives.push_back(none);
      Company has;
      has.needs = std::vector<Need>{static_cast<Need>(param)};
      d->representatives.push_back(has);
    }
  }

  // Each indexed rule's outcome per class of its dimension: the programs it
  // fails or leaves unknown, and the classes that earn a bonus rule.
  void IndexRules() {
    for (const Placement& pl : indexed_) {
      if (pl.key.empty()) continue;
      const int di = DimensionFor(pl.key);
      Dimension& d = *m_->dimensions_[static_cast<size_t>(di)];
      const Rule& rule = programs()[pl.program]->rules[pl.rule];
      std::vector<Truth> table = d.Table(rule.condition, *evaluator_);
      if (rule.kind == RuleKind::kBonus) {
        for (PendingBonus& b : bonuses_[pl.program]) {
          if (b.rule != pl.rule) continue;
          b.dimension = di;
          b.earned.resize(table.size());
          for (size_t k = 0; k < table.size(); ++k) {
            b.earned[k] = table[k] == Truth::kTrue ? 1 : 0;
          }
        }
        continue;
      }
      ++m_->stats_.indexed_rules;
      for (size_t k = 0; k < table.size(); ++k) {
        const Truth passed =
            rule.kind == RuleKind::kExclude ? Not(table[k]) : table[k];
        if (passed == Truth::kTrue) continue;
        Bitmap& target = passed == Truth::kFalse ? d.fail[k] : d.unknown[k];
        if (target.empty()) target.assign(m_->words_, 0);
        SetBit(target, pl.program);
      }
    }
  }

  // The bonus rules in one array by program, with a bitmap per dimension
  // and class of the entries it earns; a program's only indexed bonus rule
  // is kept in its hot entry.
  void LayOutBonuses() {
    size_t entries = 0;
    for (const auto& list : bonuses_) entries += list.size();
    const size_t bonus_words = (entries + 63) / 64;
    m_->bonus_earned_.resize(m_->dimensions_.size());
    for (size_t d = 0; d < m_->dimensions_.size(); ++d) {
      m_->bonus_earned_[d].resize(
          static_cast<size_t>(m_->dimensions_[d]->classes));
    }
    for (size_t i = 0; i < n_; ++i) {
      m_->hot_[i].bonus_begin = static_cast<uint32_t>(m_->bonus_.size());
      for (PendingBonus& b : bonuses_[i]) {
        const size_t entry = m_->bonus_.size();
        m_->bonus_.push_back({b.points, b.dimension, b.rule});
        if (b.dimension < 0) continue;
        for (size_t k = 0; k < b.earned.size(); ++k) {
          if (!b.earned[k]) continue;
          Bitmap& bits = m_->bonus_earned_[static_cast<size_t>(b.dimension)][k];
          if (bits.empty()) bits.assign(bonus_words, 0);
          SetBit(bits, entry);
        }
      }
      Hot& hot = m_->hot_[i];
      hot.bonus_end = static_cast<uint32_t>(m_->bonus_.size());
      if (hot.bonus_end == hot.bonus_begin + 1) {
        const Bonus& only = m_->bonus_[hot.bonus_begin];
        if (only.dimension >= 0 && only.points <= 32767 && only.points >= 0) {
          hot.single_dimension = static_cast<int16_t>(only.dimension);
          hot.single_points = static_cast<int16_t>(only.points);
        }
      }
    }
  }

  // Representatives are for the build only; the figures of the index.
  std::shared_ptr<const Matcher> Finish() {
    for (auto& d : m_->dimensions_) {
      d->representatives.clear();
      d->representatives.shrink_to_fit();
      m_->stats_.classes += d->classes;
      for (size_t k = 0; k < d->fail.size(); ++k) {
        m_->stats_.bitmap_bytes +=
            (d->fail[k].size() + d->unknown[k].size()) * sizeof(uint64_t);
      }
    }
    m_->stats_.programs = static_cast<int>(n_);
    m_->stats_.dimensions = static_cast<int>(m_->dimensions_.size());
    return std::move(m_);
  }

  std::shared_ptr<Matcher> m_;
  const Evaluator* evaluator_;
  const Reference& ref_;
  const size_t n_;
  std::vector<std::vector<PendingBonus>> bonuses_;  // by program
  std::vector<Placement> indexed_;
  std::map<Fact, std::unique_ptr<Thresholds>> thresholds_;
  std::map<std::string, std::set<int64_t>> cuts_;
  std::map<std::string, std::set<std::string>> codes_;
  std::map<std::string, int> dimension_of_;
};

std::shared_ptr<const Matcher> Matcher::Build(
    std::shared_ptr<const Catalog> catalog, const Evaluator* evaluator) {
  return Builder(std::move(catalog), evaluator).Build();
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
  view->base_score.assign(benefit_part_.begin(), benefit_part_.end());
  const ScoringWeights& w = evaluator_->weights();
  for (size_t i = 0; i < programs.size(); ++i) {
    const Program& p = *programs[i];
    if (InEffect(p, day)) {
      SetBit(view->in_effect, i);
    }
    const WindowStatus status = StatusOn(p.window, day);
    if (status == WindowStatus::kOpen) {
      SetBit(view->open, i);
      if (std::optional<Date> closes = ClosingDate(p.window, day)) {
        view->base_score[i] +=
            static_cast<int32_t>(DeadlinePart(w, closes->days() - day.days()));
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
  return Run(company, options, nullptr);
}

Matcher::Result Matcher::MatchAll(const Company& company,
                                  const RecommendOptions& options,
                                  std::vector<Ranked>* all) const {
  return Run(company, options, all);
}

Matcher::Result Matcher::Run(const Company& company,
                             const RecommendOptions& options,
                             std::vector<Ranked>* all) const {
  const std::shared_ptr<const DayView> day = Day(options.as_of);
  const auto& programs = catalog_->programs();
  const ScoringWeights& w = evaluator_->weights();

  // Per-thread scratch space: a call allocates nothing once warm.
  struct Scratch {
    Bitmap filter, fail, unknown, eligible, undetermined;
    std::vector<int> classes;
    std::vector<const uint64_t*> fail_from, unknown_from;
    std::vector<uint32_t> fail_bits;
  };
  thread_local Scratch scratch;
  Bitmap& filter = scratch.filter;
  Bitmap& fail = scratch.fail;
  Bitmap& unknown = scratch.unknown;
  filter.assign(day->in_effect.begin(), day->in_effect.end());
  fail.resize(words_);
  unknown.resize(words_);
  if (!options.categories.empty()) {
    Bitmap& cats = scratch.eligible;
    cats.assign(words_, 0);
    for (Category c : options.categories) {
      const Bitmap& b = by_category_[static_cast<size_t>(c)];
      for (size_t i = 0; i < words_; ++i) cats[i] |= b[i];
    }
    for (size_t i = 0; i < words_; ++i) filter[i] &= cats[i];
  }
  for (const std::string& id : options.excluded_programs) {
    auto it =
        std::lower_bound(programs.begin(), programs.end(), id,
                         [](const std::shared_ptr<const Program>& p,
                            const std::string& key) { return p->id < key; });
    if (it != programs.end() && (*it)->id == id) {
      const size_t i = static_cast<size_t>(it - programs.begin());
      filter[i >> 6] &= ~(uint64_t{1} << (i & 63));
    }
  }
  if (options.open_only) {
    for (size_t i = 0; i < words_; ++i) filter[i] &= day->open[i];
  } else if (!options.include_closed) {
    for (size_t i = 0; i < words_; ++i) filter[i] &= ~day->closed[i];
  }

  std::vector<int>& classes = scratch.classes;
  classes.assign(dimensions_.size(), 0);
  // The bitmaps to OR, gathered first and merged in one pass.
  std::vector<const uint64_t*>& fail_from = scratch.fail_from;
  std::vector<const uint64_t*>& unknown_from = scratch.unknown_from;
  std::vector<uint32_t>& fail_bits = scratch.fail_bits;
  fail_from.clear();
  unknown_from.clear();
  fail_bits.clear();
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const Dimension& dim = *dimensions_[d];
    const int k = dim.ClassOf(company, options.as_of, *evaluator_);
    classes[d] = k;
    const Bitmap& f = dim.fail[static_cast<size_t>(k)];
    const Bitmap& u = dim.unknown[static_cast<size_t>(k)];
    if (!f.empty()) fail_from.push_back(f.data());
    if (!u.empty()) unknown_from.push_back(u.data());
  }
  for (const auto& t : thresholds_) {
    if (t->fact == Fact::kBusinessAgeMonths) {
      const int64_t x = FoundingX(company, options.as_of);
      if (x == -3) {
        // A 예비창업자 has no 업력: every bound fails.
        fail_from.push_back(t->all.data());
      } else if (x < 0) {
        unknown_from.push_back(t->all.data());
      } else {
        t->Fail(x, &fail_from, &fail_bits);
      }
      continue;
    }
    std::optional<int64_t> v = FigureOf(company, t->fact, options.as_of);
    if (!v) {
      unknown_from.push_back(t->all.data());
    } else {
      t->Fail(*v, &fail_from, &fail_bits);
    }
  }
  for (size_t i = 0; i < words_; ++i) {
    uint64_t f = 0;
    for (const uint64_t* src : fail_from) f |= src[i];
    fail[i] = f;
    uint64_t u = 0;
    for (const uint64_t* src : unknown_from) u |= src[i];
    unknown[i] = u;
  }
  for (uint32_t p : fail_bits) SetBit(fail, p);

  // The rules no dimension covers, for the programs still standing.
  Bitmap& pending = scratch.eligible;
  pending.resize(words_);
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
  Bitmap& eligible = scratch.eligible;
  Bitmap& undetermined = scratch.undetermined;
  eligible.resize(words_);
  undetermined.resize(words_);
  size_t evaluated = 0, n_eligible = 0, n_undetermined = 0;
  for (size_t i = 0; i < words_; ++i) {
    const uint64_t standing = filter[i] & ~fail[i];
    eligible[i] = standing & ~unknown[i];
    undetermined[i] = standing & unknown[i];
    evaluated += static_cast<size_t>(std::popcount(filter[i]));
    n_eligible += static_cast<size_t>(std::popcount(eligible[i]));
    n_undetermined += static_cast<size_t>(std::popcount(undetermined[i]));
  }
  out.evaluated = static_cast<int>(evaluated);
  out.eligible = static_cast<int>(n_eligible);
  out.undetermined = static_cast<int>(n_undetermined);
  out.ineligible = out.evaluated - out.eligible - out.undetermined;

  uint16_t needs = 0;
  if (company.needs) {
    for (Need n : *company.needs) {
      needs |= static_cast<uint16_t>(1u << static_cast<int>(n));
    }
  }
  // For each dimension, the bonus rules the company's class earns.
  std::vector<const Bitmap*> earned(dimensions_.size(), nullptr);
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const Bitmap& b = bonus_earned_[d][static_cast<size_t>(classes[d])];
    if (!b.empty()) earned[d] = &b;
  }
  // Scores as Evaluator::Evaluate computes them, from compact arrays.
  auto score = [&](size_t p) {
    const Hot& hot = hot_[p];
    int64_t s = day->base_score[p];
    if (company.needs) {
      s += NeedsPart(w, std::popcount(static_cast<unsigned>(hot.tags & needs)));
    }
    if (hot.single_dimension >= 0) {
      // The common case: one indexed bonus rule, no array to visit.
      const Bitmap* bits = earned[static_cast<size_t>(hot.single_dimension)];
      const uint32_t b = hot.bonus_begin;
      if (bits != nullptr && ((*bits)[b >> 6] >> (b & 63)) & 1) {
        s += BonusPart(w, CappedBonus(hot.single_points, hot.bonus_cap));
      }
    } else if (hot.bonus_begin != hot.bonus_end) {
      int64_t bonus = 0;
      for (uint32_t b = hot.bonus_begin; b < hot.bonus_end; ++b) {
        const Bonus& rule = bonus_[b];
        bool got;
        if (rule.dimension >= 0) {
          const Bitmap* bits = earned[static_cast<size_t>(rule.dimension)];
          got = bits != nullptr && ((*bits)[b >> 6] >> (b & 63)) & 1;
        } else {
          const Program& program = *programs[p];
          got = evaluator_->Holds(program.rules[rule.rule].condition, company,
                                  Evaluator::ReferenceDateFor(
                                      program, options.as_of)) == Truth::kTrue;
        }
        if (got) bonus += rule.points;
      }
      s += BonusPart(w, CappedBonus(bonus, hot.bonus_cap));
    }
    return s;
  };
  if (all != nullptr) {
    all->clear();
    for (size_t i = 0; i < words_; ++i) {
      for (uint64_t bits = eligible[i] | undetermined[i]; bits != 0;
           bits &= bits - 1) {
        const size_t p = i * 64 + static_cast<size_t>(std::countr_zero(bits));
        const bool sure = (eligible[i] >> (p & 63)) & 1;
        all->push_back(
            {programs[p].get(), p,
             sure ? Eligibility::kEligible : Eligibility::kUndetermined,
             score(p)});
      }
    }
    return out;
  }
  // The best `limit`: a heap whose top is the worst kept.
  struct Scored {
    uint32_t program;
    uint8_t rank;
    int64_t score;
  };
  auto better = [](const Scored& a, const Scored& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    if (a.score != b.score) return a.score > b.score;
    return a.program < b.program;
  };
  std::vector<Scored> heap;
  heap.reserve(options.limit + 1);
  auto offer = [&](size_t p, uint8_t rank) {
    Scored c{static_cast<uint32_t>(p), rank, score(p)};
    if (heap.size() < options.limit) {
      heap.push_back(c);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (!heap.empty() && better(c, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = c;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  };
  ForEachBit(eligible, [&](size_t p) { offer(p, 0); });
  // Undetermined programs rank after every eligible one: they matter only
  // when the eligible ones do not fill the list.
  if (!options.eligible_only && heap.size() < options.limit) {
    ForEachBit(undetermined, [&](size_t p) { offer(p, 1); });
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  out.top.reserve(heap.size());
  for (const Scored& c : heap) {
    out.top.push_back(
        {programs[c.program].get(), c.program,
         c.rank == 0 ? Eligibility::kEligible : Eligibility::kUndetermined,
         c.score});
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
  ObservedTexts observed;  // the company's facts in words, made once
  for (const Ranked& m : r.top) {
    out.matches.push_back(evaluator_->Evaluate(
        catalog_->programs()[m.index], company, options.as_of,
        Evaluator::Detail::kChecks, &observed));
  }
  return out;
}

}  // namespace jiwon::engine
