#include "engine/company_table.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <thread>

#include "engine/facts/fact_table.h"
#include "engine/facts/family.h"
#include "engine/saturating.h"

// Per-row helpers of the scans, inlined into their loops: a call per row
// and rule costs more than the work.
#define JIWON_ALWAYS_INLINE __attribute__((always_inline))

namespace jiwon::engine {
namespace {

constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();
constexpr int64_t kNoValue = std::numeric_limits<int64_t>::min();
constexpr int32_t kNoCount = std::numeric_limits<int32_t>::min();
constexpr size_t kArenaChunk = 1 << 20;

// Tri-state columns, two bits each in `tri`: 0 unknown, 1 false, 2 true.
enum TriField { kProspective = 0, kTax, kLoan, kClosed, kBanned, kIndependent };

// Bits of `state`.
enum StateBit : uint8_t {
  kAlive = 1 << 0,
  kCertsKnown = 1 << 1,
  kNeedsKnown = 1 << 2,
  kDatedCerts = 1 << 3,  // some certification has validity dates
};

uint8_t Tri(std::optional<bool> v) { return v ? (*v ? 2 : 1) : 0; }
std::optional<bool> FromTri(uint8_t t) {
  if (t == 0) return std::nullopt;
  return t == 2;
}

// The tri-state field of a flag's column; nullopt for a fact the columns
// do not hold as a flag.
std::optional<TriField> TriOf(Column column) {
  switch (column) {
    case Column::kTaxArrears:
      return kTax;
    case Column::kLoanDefault:
      return kLoan;
    case Column::kSuspendedOrClosed:
      return kClosed;
    case Column::kParticipationBanned:
      return kBanned;
    case Column::kIndependent:
      return kIndependent;
    case Column::kNone:
    case Column::kLegalForm:
    case Column::kRevenueLatest:
    case Column::kRevenueAvg3:
    case Column::kAssets:
    case Column::kEmployees:
    case Column::kEmployeeChange:
    case Column::kPatents:
      return std::nullopt;
  }
  return std::nullopt;
}

// The figures the columns carry (not exports or R&D spend).
bool IsColumnFigure(Fact f) {
  const FactInfo& info = Info(f);
  return info.family == Family::kFigure && info.column != Column::kNone;
}

void Collect(const Condition& c, std::vector<const Predicate*>* out) {
  if (c.kind == Condition::Kind::kPredicate) {
    out->push_back(&c.predicate);
    return;
  }
  for (const Condition& k : c.children) Collect(k, out);
}

}  // namespace

struct CompanyTable::Columns {
  std::vector<std::unique_ptr<char[]>> arena;
  size_t arena_used = kArenaChunk;  // forces a first chunk
  std::vector<const char*> id;
  std::vector<uint8_t> id_len;
  std::vector<uint8_t> state;
  std::vector<uint16_t> region, industry, tri, certs, needs, data_year;
  std::vector<int32_t> founded, employees, employees_last;
  std::vector<int16_t> patents;
  std::vector<int64_t> revenue_latest, revenue_avg3, assets;
  std::vector<uint8_t> size;  // possible buckets for years after data_year
  std::vector<uint8_t> legal_form;  // 0 unknown

  uint8_t GetTri(uint32_t row, TriField f) const {
    return (tri[row] >> (2 * f)) & 3;
  }

  void Resize(size_t n) {
    id.resize(n);
    id_len.resize(n);
    state.resize(n);
    for (auto* v : {&region, &industry, &tri, &certs, &needs, &data_year}) {
      v->resize(n);
    }
    for (auto* v : {&founded, &employees, &employees_last}) v->resize(n);
    patents.resize(n);
    for (auto* v : {&revenue_latest, &revenue_avg3, &assets}) v->resize(n);
    size.resize(n);
    legal_form.resize(n);
  }

  const char* Store(std::string_view s) {
    if (arena_used + s.size() > kArenaChunk) {
      arena.push_back(std::make_unique<char[]>(kArenaChunk));
      arena_used = 0;
    }
    char* p = arena.back().get() + arena_used;
    std::copy(s.begin(), s.end(), p);
    arena_used += s.size();
    return p;
  }
};

absl::string_view IdOf(const char* const* ids, const uint8_t* lens,
                       uint32_t row) {
  return absl::string_view(ids[row], lens[row]);
}

size_t CompanyTable::RowHash::operator()(uint32_t row) const {
  return absl::Hash<absl::string_view>{}(
      IdOf(c->id.data(), c->id_len.data(), row));
}
size_t CompanyTable::RowHash::operator()(absl::string_view id) const {
  return absl::Hash<absl::string_view>{}(id);
}
bool CompanyTable::RowEq::operator()(uint32_t a, uint32_t b) const {
  return a == b;
}
bool CompanyTable::RowEq::operator()(uint32_t a, absl::string_view b) const {
  return IdOf(c->id.data(), c->id_len.data(), a) == b;
}
bool CompanyTable::RowEq::operator()(absl::string_view a, uint32_t b) const {
  return a == IdOf(c->id.data(), c->id_len.data(), b);
}

CompanyTable::CompanyTable(const Evaluator* evaluator)
    : evaluator_(evaluator),
      c_(std::make_unique<Columns>()),
      rows_(0, RowHash{c_.get()}, RowEq{c_.get()}) {
  const Reference& ref = evaluator->reference();
  regions_ = ref.regions.AllCodes();
  for (size_t i = 0; i < regions_.size(); ++i) {
    region_index_[regions_[i]] = static_cast<uint16_t>(i + 1);
  }
  industries_ = ref.industries.AllCodes();
  for (size_t i = 0; i < industries_.size(); ++i) {
    industry_index_[industries_[i]] = static_cast<uint16_t>(i + 1);
  }
}

CompanyTable::~CompanyTable() = default;

uint32_t CompanyTable::RowFor(std::string_view id) {
  auto it = rows_.find(absl::string_view(id.data(), id.size()));
  if (it != rows_.end()) return *it;
  uint32_t row;
  if (!free_rows_.empty()) {
    row = free_rows_.back();
    free_rows_.pop_back();
  } else {
    row = static_cast<uint32_t>(c_->id.size());
    c_->Resize(row + 1);
  }
  // Ids are at most 64 characters (validation).
  const size_t len = std::min<size_t>(id.size(), 255);
  c_->id[row] = c_->Store(id.substr(0, len));
  c_->id_len[row] = static_cast<uint8_t>(len);
  rows_.insert(row);
  ++live_;
  return row;
}

void CompanyTable::Upsert(const Company& company) {
  std::unique_lock lock(mu_);
  const uint32_t r = RowFor(company.id);
  Columns& c = *c_;
  uint8_t state = kAlive;
  auto code = [](const absl::flat_hash_map<std::string, uint16_t>& index,
                 const std::optional<std::string>& v) -> uint16_t {
    if (!v) return 0;
    auto it = index.find(*v);
    return it == index.end() ? 0 : it->second;
  };
  c.region[r] = code(region_index_, company.head_office_region);
  c.industry[r] = code(industry_index_, company.primary_industry);
  c.founded[r] = company.founded_on ? company.founded_on->days() : kNoDate;
  uint16_t tri = 0;
  auto set = [&](TriField f, std::optional<bool> v) {
    tri |= static_cast<uint16_t>(Tri(v) << (2 * f));
  };
  set(kProspective, company.prospective_founder);
  for (const FactInfo& info : AllFacts()) {
    if (info.family != Family::kFlag) continue;
    if (std::optional<TriField> field = TriOf(info.column)) {
      set(*field, info.read_flag(company));
    }
  }
  c.tri[r] = tri;
  c.certs[r] = 0;
  if (company.certifications) {
    state |= kCertsKnown;
    for (const CertificationGrant& g : *company.certifications) {
      if (g.valid_from || g.valid_to) state |= kDatedCerts;
      c.certs[r] |= static_cast<uint16_t>(1u << static_cast<int>(g.kind));
    }
  }
  c.needs[r] = 0;
  if (company.needs) {
    state |= kNeedsKnown;
    for (Need n : *company.needs) {
      c.needs[r] |= static_cast<uint16_t>(1u << static_cast<int>(n));
    }
  }
  // Figures as seen from any year after the latest fiscal year.
  int data_year = 0;
  for (const FiscalYear& fy : company.fiscal_years) {
    if (fy.revenue_won) data_year = std::max(data_year, fy.year);
  }
  c.data_year[r] = static_cast<uint16_t>(data_year);
  const Date after =
      Date::FromCivil(std::max(data_year + 1, 1900), 12, 31).value();
  auto figure = [&](Fact f) {
    std::optional<int64_t> v = FigureOf(company, f, after);
    return v ? *v : kNoValue;
  };
  c.revenue_latest[r] = figure(Fact::kRevenueLatestWon);
  c.revenue_avg3[r] = figure(Fact::kRevenueAvg3Won);
  c.assets[r] = company.total_assets_won.value_or(kNoValue);
  c.employees[r] = company.regular_employees.value_or(kNoCount);
  c.employees_last[r] = company.regular_employees_last_year.value_or(kNoCount);
  c.patents[r] =
      company.patents
          ? static_cast<int16_t>(std::min<int32_t>(*company.patents, 32767))
          : std::numeric_limits<int16_t>::min();
  c.size[r] = evaluator_->SizeBuckets(company, after);
  c.legal_form[r] = static_cast<uint8_t>(
      company.legal_form ? static_cast<int>(*company.legal_form) : 0);
  c.state[r] = state;
}

bool CompanyTable::Remove(std::string_view id) {
  std::unique_lock lock(mu_);
  auto it = rows_.find(absl::string_view(id.data(), id.size()));
  if (it == rows_.end()) return false;
  const uint32_t row = *it;
  rows_.erase(it);
  c_->state[row] = 0;
  free_rows_.push_back(row);
  --live_;
  return true;
}

size_t CompanyTable::size() const {
  std::shared_lock lock(mu_);
  return live_;
}

size_t CompanyTable::CountIf(
    const std::function<bool(std::string_view id)>& pred) const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (size_t r = 0; r < c_->id.size(); ++r) {
    if ((c_->state[r] & kAlive) &&
        pred(std::string_view(c_->id[r], c_->id_len[r]))) {
      ++n;
    }
  }
  return n;
}

size_t CompanyTable::MemoryBytes() const {
  std::shared_lock lock(mu_);
  const Columns& c = *c_;
  const size_t rows = c.id.size();
  const size_t per_row =
      sizeof(const char*) + 1 + 1 + 2 * 6 + 4 * 3 + 2 + 8 * 3 + 1 + 1;
  return rows * per_row + c.arena.size() * kArenaChunk +
         rows_.capacity() * (sizeof(uint32_t) + 1);
}

namespace {

// Rules the columns answer first, most selective kinds first; those that
// need the full profile last, so that only survivors are fetched. Bonus
// rules do not decide eligibility.
std::vector<const Rule*> ScanOrder(const std::vector<const Rule*>& rules) {
  auto priority = [](const Rule& rule) {
    std::vector<const Predicate*> preds;
    Collect(rule.condition, &preds);
    int worst = 0;
    for (const Predicate* p : preds) {
      const int v = RulesOf(p->fact).scan_priority(*p);
      worst = std::max(worst, v);
    }
    return worst;
  };
  std::vector<const Rule*> order;
  for (const Rule* rule : rules) {
    if (rule->kind != RuleKind::kBonus) order.push_back(rule);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](const Rule* a, const Rule* b) {
                     return priority(*a) < priority(*b);
                   });
  return order;
}

std::vector<const Rule*> Pointers(const std::vector<Rule>& rules) {
  std::vector<const Rule*> out;
  for (const Rule& r : rules) out.push_back(&r);
  return out;
}

}  // namespace

CompanyTable::ScanResult CompanyTable::WhoQualifies(const Program& program,
                                                    Date as_of,
                                                    bool include_undetermined,
                                                    const Fetch& fetch) const {
  std::shared_lock lock(mu_);
  ScanResult out;
  out.companies = static_cast<int>(live_);
  if (!InEffect(program, as_of)) return out;
  Scan scan;
  scan.verdict.assign(c_->id.size(), 0);
  RunRules(ScanOrder(Pointers(program.rules)),
           Evaluator::ReferenceDateFor(program, as_of), &scan);
  Gather(program, as_of, &scan, include_undetermined, fetch, &out);
  return out;
}

CompanyTable::Delta CompanyTable::ProgramDelta(const Program& before,
                                               const Program& after, Date as_of,
                                               const Fetch& fetch) const {
  std::shared_lock lock(mu_);
  const size_t rows = c_->id.size();
  const Date on_before = Evaluator::ReferenceDateFor(before, as_of);
  const Date on_after = Evaluator::ReferenceDateFor(after, as_of);
  // The rules both versions have (same kind, same condition), once; when
  // the versions are judged on different dates, none are shared.
  std::vector<const Rule*> shared, before_only, after_only;
  std::vector<bool> used(before.rules.size(), false);
  for (const Rule& r : after.rules) {
    bool found = false;
    for (size_t i = 0; i < before.rules.size() && on_before == on_after; ++i) {
      const Rule& b = before.rules[i];
      if (!used[i] && b.kind == r.kind && b.condition == r.condition) {
        used[i] = true;
        found = true;
        break;
      }
    }
    (found ? shared : after_only).push_back(&r);
  }
  for (size_t i = 0; i < before.rules.size(); ++i) {
    if (!used[i]) before_only.push_back(&before.rules[i]);
  }
  Scan common;
  common.verdict.assign(rows, 0);
  RunRules(ScanOrder(shared), on_after, &common);
  const size_t standing = common.first ? live_ : common.standing.size();
  Scan b = common;
  Scan a = std::move(common);
  ScanResult was, now;
  const bool both = InEffect(before, as_of) && InEffect(after, as_of);
  // Each version's own rules over the rows still standing: two independent
  // scans. When both have many rows to go through (a program replaced
  // altogether), the second runs on another thread; the store is asked for
  // full profiles one call at a time.
  std::mutex fetch_mu;
  const Fetch one_at_a_time = [&](std::string_view id) {
    std::lock_guard fetch_lock(fetch_mu);
    return fetch(id);
  };
  const bool parallel = both && standing >= parallel_scan_rows_;
  const Fetch& f = parallel ? one_at_a_time : fetch;
  auto scan_before = [&] {
    RunRules(ScanOrder(before_only), on_before, &b);
    Gather(before, as_of, &b, false, f, &was);
  };
  auto scan_after = [&] {
    RunRules(ScanOrder(after_only), on_after, &a);
    Gather(after, as_of, &a, false, f, &now);
  };
  if (parallel) {
    std::thread other(scan_before);
    scan_after();
    other.join();
  } else {
    if (InEffect(before, as_of)) scan_before();
    if (InEffect(after, as_of)) scan_after();
  }
  Delta out;
  out.before_eligible = was.eligible;
  out.after_eligible = now.eligible;
  out.fetched = was.fetched + now.fetched;
  // Both lists ascend by row (the scans keep the rows in order): one merge.
  size_t i = 0, j = 0;
  while (i < was.hits.size() || j < now.hits.size()) {
    if (j == now.hits.size() ||
        (i < was.hits.size() && was.hits[i].row < now.hits[j].row)) {
      out.lost.push_back(was.hits[i++]);
    } else if (i == was.hits.size() || now.hits[j].row < was.hits[i].row) {
      out.gained.push_back(now.hits[j++]);
    } else {
      ++i;
      ++j;
    }
  }
  return out;
}

// Runs a scan's rules over the columns: each kind of rule that one column
// answers makes a table of its truth per class of that column, by probing
// the evaluator with a company of each class, then visits the rows still
// standing. Rules no column answers send the rows to the full profile.
class CompanyTable::RuleRunner {
 public:
  RuleRunner(const CompanyTable& table, Date on, Scan* scan)
      : t_(table),
        c_(*table.c_),
        e_(*table.evaluator_),
        on_(on),
        rows_(c_.id.size()),
        verdict_(scan->verdict),
        standing_(scan->standing),
        first_(scan->first) {}

  void Run(const Rule& rule) {
    std::vector<const Predicate*> preds;
    Collect(rule.condition, &preds);
    auto all = [&](auto test) {
      for (const Predicate* p : preds) {
        if (!test(*p)) return false;
      }
      return true;
    };
    const Fact f0 = preds[0]->fact;
    const bool one_fact = all([&](const Predicate& p) { return p.fact == f0; });
    if (one_fact &&
        (f0 == Fact::kHeadOfficeRegion || f0 == Fact::kPrimaryIndustry)) {
      CodeRule(rule, f0 == Fact::kHeadOfficeRegion);
    } else if (one_fact && IsStandingFlag(f0)) {
      FlagRule(rule, f0);
    } else if (one_fact &&
               (f0 == Fact::kCertifications || f0 == Fact::kNeeds)) {
      SetRule(rule, preds, f0 == Fact::kCertifications);
    } else if (one_fact && f0 == Fact::kLegalForm) {
      ChoiceRule(rule);
    } else if (one_fact && f0 == Fact::kSizeClass) {
      SizeRule(rule);
    } else if (one_fact && IsColumnFigure(f0) &&
               all([](const Predicate& p) { return p.op == Op::kRange; })) {
      FigureRule(rule, preds, f0);
    } else if (all([](const Predicate& p) {
                 return p.fact == Fact::kBusinessAgeMonths ||
                        p.fact == Fact::kProspectiveFounder;
               })) {
      FoundingRule(rule, preds);
    } else {
      // CEO facts, history, 사업장, several dimensions: the full profile.
      ToFullProfile();
    }
  }

 private:
  void Apply(size_t r, const Rule& rule, Truth t) JIWON_ALWAYS_INLINE {
    if (rule.kind == RuleKind::kExclude) t = Not(t);
    if (t == Truth::kFalse) {
      verdict_[r] = 2;
    } else if (t == Truth::kUnknown && verdict_[r] == 0) {
      verdict_[r] = 1;
    }
  }

  // Runs `fn` on every row still standing (all live rows the first time)
  // and keeps those it does not fail.
  template <typename Fn>
  void Visit(Fn&& fn) {
    if (first_) {
      first_ = false;
      standing_.reserve(t_.live_);
      for (uint32_t r = 0; r < rows_; ++r) {
        if (!(c_.state[r] & kAlive)) continue;
        fn(r);
        if (verdict_[r] != 2) standing_.push_back(r);
      }
      return;
    }
    size_t kept = 0;
    for (const uint32_t r : standing_) {
      fn(r);
      if (verdict_[r] != 2) standing_[kept++] = r;
    }
    standing_.resize(kept);
  }

  // `table` by the class `class_of` gives each row; a class below 0 sends
  // the row to the full profile.
  template <typename ClassOf>
  void TableRule(const Rule& rule, const std::vector<Truth>& table,
                 ClassOf class_of) {
    Visit([&](uint32_t r) JIWON_ALWAYS_INLINE {
      if (verdict_[r] == 3) return;
      const int k = class_of(r);
      if (k < 0) {
        verdict_[r] = 3;
      } else {
        Apply(r, rule, table[static_cast<size_t>(k)]);
      }
    });
  }

  void ToFullProfile() {
    Visit([&](uint32_t r) JIWON_ALWAYS_INLINE { verdict_[r] = 3; });
  }

  // 본사 소재지 or 주업종 alone: one class per code of the table; each
  // code's truth is computed when first met.
  void CodeRule(const Rule& rule, bool region) {
    const Columns& c = c_;
    // One class per code; each code's truth is computed when first met.
    const std::vector<std::string>& codes =
        region ? t_.regions_ : t_.industries_;
    const std::vector<uint16_t>& column = region ? c.region : c.industry;
    std::vector<Truth> table(codes.size() + 1, Truth{});
    std::vector<uint8_t> known(codes.size() + 1, 0);
    auto truth = [&](size_t k) JIWON_ALWAYS_INLINE {
      if (!known[k]) {
        Company probe;
        if (k > 0) {
          (region ? probe.head_office_region : probe.primary_industry) =
              codes[k - 1];
        }
        table[k] = e_.Holds(rule.condition, probe, on_);
        known[k] = 1;
      }
      return table[k];
    };
    Visit([&](uint32_t r) JIWON_ALWAYS_INLINE {
      if (verdict_[r] != 3) Apply(r, rule, truth(column[r]));
    });
  }

  // One standing flag: unknown, false, true.
  void FlagRule(const Rule& rule, Fact f0) {
    const Columns& c = c_;
    const std::optional<TriField> field = TriOf(Info(f0).column);
    if (!field) {
      ToFullProfile();
      return;
    }
    std::vector<Truth> table(3);
    for (uint8_t t = 0; t < 3; ++t) {
      Company probe;
      Info(f0).set_flag(&probe, FromTri(t));
      table[t] = e_.Holds(rule.condition, probe, on_);
    }
    TableRule(rule, table, [&](size_t r) JIWON_ALWAYS_INLINE {
      return c.GetTri(static_cast<uint32_t>(r), *field);
    });
  }

  // Certifications or needs alone.
  void SetRule(const Rule& rule, const std::vector<const Predicate*>& preds,
               bool certs) {
    const Columns& c = c_;
    // Classes: the subset held of the kinds the rule names, or unknown.
    std::vector<int> kinds;
    for (const Predicate* p : preds) {
      if (certs) {
        for (auto k : p->certifications) kinds.push_back(static_cast<int>(k));
      } else {
        for (auto k : p->needs) kinds.push_back(static_cast<int>(k));
      }
    }
    std::sort(kinds.begin(), kinds.end());
    kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
    if (kinds.size() > 8) {
      ToFullProfile();
      return;
    }
    const size_t subsets = size_t{1} << kinds.size();
    std::vector<Truth> table(subsets + 1);
    table[0] = e_.Holds(rule.condition, Company(), on_);
    for (size_t m = 0; m < subsets; ++m) {
      Company probe;
      if (certs) {
        probe.certifications.emplace();
      } else {
        probe.needs.emplace();
      }
      for (size_t b = 0; b < kinds.size(); ++b) {
        if (!(m & (size_t{1} << b))) continue;
        if (certs) {
          probe.certifications->push_back({static_cast<Certification>(kinds[b]),
                                           std::nullopt, std::nullopt});
        } else {
          probe.needs->push_back(static_cast<Need>(kinds[b]));
        }
      }
      table[m + 1] = e_.Holds(rule.condition, probe, on_);
    }
    TableRule(rule, table, [&](size_t r) JIWON_ALWAYS_INLINE -> int {
      const uint8_t s = c.state[r];
      if (certs && (s & kDatedCerts)) return -1;  // validity needs dates
      if (!(s & (certs ? kCertsKnown : kNeedsKnown))) return 0;
      const uint16_t held = certs ? c.certs[r] : c.needs[r];
      int m = 0;
      for (size_t b = 0; b < kinds.size(); ++b) {
        if (held & (1u << kinds[b])) m |= 1 << b;
      }
      return m + 1;
    });
  }

  // 기업 형태.
  void ChoiceRule(const Rule& rule) {
    const Columns& c = c_;
    // One class per form, 0 unknown.
    const FactInfo& info = Info(Fact::kLegalForm);
    std::vector<Truth> table(static_cast<size_t>(info.choices) + 1);
    for (int v = 0; v <= info.choices; ++v) {
      Company probe;
      info.set_choice(&probe, v == 0 ? std::nullopt : std::optional<int>(v));
      table[static_cast<size_t>(v)] = e_.Holds(rule.condition, probe, on_);
    }
    TableRule(rule, table, [&](size_t r) JIWON_ALWAYS_INLINE -> int {
      return c.legal_form[r];
    });
  }

  // The size class, from the size column of rows whose figures are all
  // before the year.
  void SizeRule(const Rule& rule) {
    const Columns& c = c_;
    std::vector<Truth> table(32);
    for (uint8_t b = 0; b < 32; ++b) {
      table[b] = FoldCondition(rule.condition, [&](const Predicate& p) {
        return SizePredicateTruth(p, b);
      });
    }
    TableRule(rule, table, [&](size_t r) JIWON_ALWAYS_INLINE -> int {
      return on_.year() > c.data_year[r] ? c.size[r] : -1;
    });
  }

  // RANGE over one figure a column holds.
  void FigureRule(const Rule& rule, const std::vector<const Predicate*>& preds,
                  Fact f0) {
    const Columns& c = c_;
    // Piecewise constant between the bounds: one probe per interval.
    std::vector<int64_t> cuts;
    for (const Predicate* p : preds) {
      for (const std::optional<int64_t>& b : {p->min, p->max}) {
        if (b) {
          cuts.push_back(*b);
          cuts.push_back(SatAdd(*b, 1));
        }
      }
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    const FactInfo& info = Info(f0);
    auto probe_for = [&](int64_t v) {
      Company probe;
      info.set_figure(&probe, v, on_);
      return probe;
    };
    const bool narrow = info.narrow;
    bool representable = true;
    for (int64_t cut : cuts) {
      if (narrow && (cut < -1'000'000'000 || cut > 1'000'000'000))
        representable = false;
    }
    if (!representable) {
      ToFullProfile();
      return;
    }
    // table[0]: unknown; table[1 + i]: values in interval i.
    std::vector<Truth> table(cuts.size() + 2);
    table[0] = e_.Holds(rule.condition, Company(), on_);
    table[1] = e_.Holds(rule.condition,
                        probe_for(cuts.empty() ? 0 : SatSub(cuts[0], 1)), on_);
    for (size_t i = 0; i < cuts.size(); ++i) {
      table[i + 2] = e_.Holds(rule.condition, probe_for(cuts[i]), on_);
    }
    auto interval = [&](int64_t v) JIWON_ALWAYS_INLINE {
      return 1 +
             static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), v) -
                              cuts.begin());
    };
    switch (info.column) {
      case Column::kRevenueLatest:
      case Column::kRevenueAvg3: {
        const std::vector<int64_t>& col = info.column == Column::kRevenueLatest
                                              ? c.revenue_latest
                                              : c.revenue_avg3;
        const int year = on_.year();
        TableRule(rule, table, [&](uint32_t r) JIWON_ALWAYS_INLINE -> int {
          if (c.data_year[r] >= year) return -1;  // a later fiscal year
          return col[r] == kNoValue ? 0 : interval(col[r]);
        });
        break;
      }
      case Column::kAssets:
        TableRule(rule, table, [&](uint32_t r) JIWON_ALWAYS_INLINE -> int {
          return c.assets[r] == kNoValue ? 0 : interval(c.assets[r]);
        });
        break;
      case Column::kEmployees:
        TableRule(rule, table, [&](uint32_t r) JIWON_ALWAYS_INLINE -> int {
          return c.employees[r] == kNoCount ? 0 : interval(c.employees[r]);
        });
        break;
      case Column::kEmployeeChange:
        TableRule(rule, table, [&](uint32_t r) JIWON_ALWAYS_INLINE -> int {
          if (c.employees[r] == kNoCount || c.employees_last[r] == kNoCount) {
            return 0;
          }
          return interval(int64_t{c.employees[r]} - c.employees_last[r]);
        });
        break;
      case Column::kPatents:
        TableRule(rule, table, [&](uint32_t r) JIWON_ALWAYS_INLINE -> int {
          if (c.patents[r] == std::numeric_limits<int16_t>::min()) return 0;
          if (c.patents[r] == 32767) return -1;  // clipped
          return interval(c.patents[r]);
        });
        break;
      case Column::kNone:
      case Column::kLegalForm:
      case Column::kTaxArrears:
      case Column::kLoanDefault:
      case Column::kSuspendedOrClosed:
      case Column::kParticipationBanned:
      case Column::kIndependent:
        ToFullProfile();  // IsColumnFigure admits none of these
        break;
    }
  }

  // 업력 and 예비창업자.
  void FoundingRule(const Rule& rule,
                    const std::vector<const Predicate*>& preds) {
    const Columns& c = c_;
    // Piecewise constant in the founding date: the breaks are the days
    // where one bound flips, found by bisection (each bound is monotone).
    std::vector<int32_t> breaks;
    const int32_t lo_day = on_.AddMonths(-12 * 120).days();
    const int32_t hi_day = on_.days();
    for (const Predicate* p : preds) {
      if (p->fact != Fact::kBusinessAgeMonths) continue;
      for (int side = 0; side < 2; ++side) {
        const std::optional<int64_t>& b = side == 0 ? p->min : p->max;
        if (!b) continue;
        Predicate single = *p;
        single.min = side == 0 ? b : std::nullopt;
        single.max = side == 1 ? b : std::nullopt;
        Condition cond;
        cond.predicate = single;
        auto holds = [&](int32_t day) {
          Company probe;
          probe.founded_on = Date::FromDays(day);
          return e_.Holds(cond, probe, on_) == Truth::kTrue;
        };
        // Find the first day where the truth differs from lo_day's.
        const bool first = holds(lo_day);
        if (holds(hi_day) == first) continue;
        int32_t lo = lo_day, hi = hi_day;
        while (hi - lo > 1) {
          const int32_t mid = lo + (hi - lo) / 2;
          (holds(mid) == first ? lo : hi) = mid;
        }
        breaks.push_back(hi);
      }
    }
    std::sort(breaks.begin(), breaks.end());
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    // Classes: 0 unknown, 1 founding unknown but not prospective,
    // 2 prospective, 3 founded before lo_day (too old to tell apart: full
    // profile), 4 + i intervals from lo_day.
    std::vector<Truth> table(breaks.size() + 5);
    table[0] = e_.Holds(rule.condition, Company(), on_);
    Company not_prospective;
    not_prospective.prospective_founder = false;
    table[1] = e_.Holds(rule.condition, not_prospective, on_);
    Company prospective;
    prospective.prospective_founder = true;
    table[2] = e_.Holds(rule.condition, prospective, on_);
    Company start;
    start.founded_on = Date::FromDays(lo_day);
    table[4] = e_.Holds(rule.condition, start, on_);
    for (size_t i = 0; i < breaks.size(); ++i) {
      Company probe;
      probe.founded_on = Date::FromDays(breaks[i]);
      table[i + 5] = e_.Holds(rule.condition, probe, on_);
    }
    const uint8_t tri_shift = 2 * kProspective;
    TableRule(rule, table, [&](size_t r) JIWON_ALWAYS_INLINE -> int {
      const int32_t f = c.founded[r];
      if (f == kNoDate) {
        const uint8_t p = (c.tri[r] >> tri_shift) & 3;
        return p == 0 ? 0 : (p == 2 ? 2 : 1);
      }
      if (f > hi_day) return 2;
      if (f < lo_day) return -1;
      return 4 + static_cast<int>(
                     std::upper_bound(breaks.begin(), breaks.end(), f) -
                     breaks.begin());
    });
  }

  const CompanyTable& t_;
  const Columns& c_;
  const Evaluator& e_;
  const Date on_;
  const size_t rows_;
  std::vector<uint8_t>& verdict_;
  std::vector<uint32_t>& standing_;
  bool& first_;
};

void CompanyTable::RunRules(const std::vector<const Rule*>& order, Date on,
                            Scan* scan) const {
  RuleRunner runner(*this, on, scan);
  for (const Rule* rule : order) runner.Run(*rule);
}

void CompanyTable::Gather(const Program& program, Date as_of, Scan* scan,
                          bool include_undetermined, const Fetch& fetch,
                          ScanResult* result) const {
  const Columns& c = *c_;
  const size_t rows = c.id.size();
  const Evaluator& e = *evaluator_;
  std::vector<uint8_t>& verdict = scan->verdict;
  std::vector<uint32_t>& standing = scan->standing;
  ScanResult& out = *result;
  if (scan->first) {
    // No rule to run: every live company stands.
    for (uint32_t r = 0; r < rows; ++r) {
      if (c.state[r] & kAlive) standing.push_back(r);
    }
  }
  for (const uint32_t r : standing) {
    uint8_t v = verdict[r];
    if (v == 2) continue;
    std::string_view id(c.id[r], c.id_len[r]);
    if (v == 3) {
      std::optional<Company> full = fetch(id);
      ++out.fetched;
      if (!full) continue;
      ProgramOutcome o =
          e.Evaluate(std::shared_ptr<const Program>(
                         std::shared_ptr<const Program>(), &program),
                     *full, as_of, Evaluator::Detail::kOutcomeOnly);
      if (o.eligibility == Eligibility::kEligible) {
        v = 0;
      } else if (o.eligibility == Eligibility::kUndetermined) {
        v = 1;
      } else {
        continue;
      }
    }
    if (v == 0) {
      ++out.eligible;
      out.hits.push_back({id, Eligibility::kEligible, r});
    } else {
      ++out.undetermined;
      if (include_undetermined) {
        out.hits.push_back({id, Eligibility::kUndetermined, r});
      }
    }
  }
}

}  // namespace jiwon::engine
