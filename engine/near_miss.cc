#include "engine/near_miss.h"

#include <algorithm>
#include <map>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/fact_table.h"
#include "engine/saturating.h"

namespace jiwon::engine {
namespace {

using Changes = std::vector<Change>;

int64_t TotalGap(const Changes& c) {
  int64_t gap = 0;
  for (const Change& change : c) gap += change.gap_permille;
  return gap;
}

// Fewer changes first, then the smaller gap.
bool Cheaper(const Changes& a, const Changes& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return TotalGap(a) < TotalGap(b);
}

class Fixer {
 public:
  Fixer(const Evaluator& evaluator, const Company& company, Date on)
      : evaluator_(evaluator), company_(company), on_(on) {}

  // The changes that make `c` come out `want`; {} when it already does or
  // its value is unknown (no change can be proposed for an unknown);
  // nullopt when no acceptable change exists.
  std::optional<Changes> Fix(const Condition& c, bool want) {
    switch (c.kind) {
      case Condition::Kind::kPredicate:
        return Leaf(c.predicate, want);
      case Condition::Kind::kAll:
        return want ? Every(c.children, true) : Cheapest(c.children, false);
      case Condition::Kind::kAny:
        return want ? Cheapest(c.children, true) : Every(c.children, false);
      case Condition::Kind::kNone:
        return want ? Every(c.children, false) : Cheapest(c.children, true);
    }
    return std::nullopt;
  }

 private:
  std::optional<Changes> Every(const std::vector<Condition>& children,
                               bool want) {
    Changes all;
    for (const Condition& child : children) {
      std::optional<Changes> fix = Fix(child, want);
      if (!fix) return std::nullopt;
      all.insert(all.end(), fix->begin(), fix->end());
      if (all.size() > kMaxChanges) return std::nullopt;
    }
    return all;
  }

  std::optional<Changes> Cheapest(const std::vector<Condition>& children,
                                  bool want) {
    std::optional<Changes> best;
    for (const Condition& child : children) {
      std::optional<Changes> fix = Fix(child, want);
      if (fix && (!best || Cheaper(*fix, *best))) best = std::move(fix);
    }
    return best;
  }

  Truth Current(const Predicate& p) {
    // Evaluate the predicate alone through a one-rule program.
    Program probe;
    probe.id = "probe";
    Rule rule;
    rule.id = "probe";
    rule.condition.kind = Condition::Kind::kPredicate;
    rule.condition.predicate = p;
    probe.rules.push_back(std::move(rule));
    probe.window.kind = WindowKind::kRolling;
    ProgramOutcome o = evaluator_.Evaluate(
        std::make_shared<const Program>(std::move(probe)), company_, on_);
    return o.rules[0].condition;
  }

  std::optional<Changes> Leaf(const Predicate& p, bool want) {
    const Truth current = Current(p);
    if (current == FromBool(want) || current == Truth::kUnknown) {
      return Changes{};
    }
    if (!IsChangeable(p.fact)) return std::nullopt;
    Change change;
    change.fact = p.fact;
    if (p.fact == Fact::kCertifications) {
      // Obtain one (any-of) or every missing one (all-of); never drop one.
      if (!want || p.op == Op::kNoneOf) return std::nullopt;
      Changes out;
      for (Certification cert : p.certifications) {
        if (p.op == Op::kAllOf && Holds(cert)) continue;
        Change c = change;
        c.kind = Change::Kind::kAddCertification;
        c.certification = cert;
        c.description =
            absl::StrCat(CertificationName(cert), " 인증·확인 취득");
        out.push_back(std::move(c));
        if (p.op == Op::kAnyOf) break;
      }
      if (out.empty() || out.size() > kMaxChanges) return std::nullopt;
      return out;
    }
    if (p.fact == Fact::kNeeds) {
      if (!want || p.op == Op::kNoneOf || p.needs.empty()) return std::nullopt;
      change.kind = Change::Kind::kAddNeed;
      change.need = p.needs.front();
      change.description = absl::StrCat("관심분야에 '", NeedName(change.need),
                                        "' 추가 (해당 계획이 있는 경우)");
      return Changes{change};
    }
    if (p.fact == Fact::kSiteRegion) {
      if (!want || p.op != Op::kIn || p.codes.empty()) return std::nullopt;
      change.kind = Change::Kind::kAddSite;
      change.region = p.codes.front();
      change.description =
          absl::StrCat(evaluator_.reference().regions.Describe(change.region),
                       "에 사업장 설치");
      return Changes{change};
    }
    if (IsStandingFlag(p.fact)) {
      // Only the way out of a flag: settling it.
      const bool flag_true_needed = (p.op == Op::kIsTrue) == want;
      if (flag_true_needed) return std::nullopt;
      change.kind = Change::Kind::kClearFlag;
      change.description = absl::StrCat(FactName(p.fact), " 해소");
      return Changes{change};
    }
    if (!IsFigure(p.fact) || p.op != Op::kRange) return std::nullopt;
    std::optional<int64_t> value =
        FigureOf(evaluator_.reference(), company_, p.fact, on_);
    if (!value) return std::nullopt;
    const int64_t v = *value;
    std::optional<int64_t> target;
    std::optional<int64_t> bound;
    if (want) {
      if (p.min && (v < *p.min || (p.min_exclusive && v == *p.min))) {
        target = p.min_exclusive ? SatAdd(*p.min, 1) : *p.min;
        bound = p.min;
      } else if (p.max && (v > *p.max || (p.max_exclusive && v == *p.max))) {
        target = p.max_exclusive ? SatSub(*p.max, 1) : *p.max;
        bound = p.max;
      }
    } else {
      // Leave the range by the nearer side.
      std::optional<int64_t> below, above;
      if (p.min) below = p.min_exclusive ? *p.min : SatSub(*p.min, 1);
      if (p.max) above = p.max_exclusive ? *p.max : SatAdd(*p.max, 1);
      if (below &&
          (!above || absl::int128(v) - *below <= absl::int128(*above) - v)) {
        target = below;
        bound = p.min;
      } else {
        target = above;
        bound = p.max;
      }
    }
    if (!target || *target < 0) return std::nullopt;
    // In 128 bits: bounds and figures may be anywhere in int64.
    const absl::int128 gap = absl::int128(*target) - v;
    const absl::int128 abs_gap = gap < 0 ? -gap : gap;
    const absl::int128 abs_bound =
        *bound < 0 ? -absl::int128(*bound) : absl::int128(*bound);
    const absl::int128 permille =
        abs_gap * 1000 / std::max<absl::int128>(1, abs_bound);
    if (permille > kMaxGapPermille) return std::nullopt;
    change.kind = Change::Kind::kSetFigure;
    change.from = v;
    change.to = *target;
    change.gap_permille = static_cast<int64_t>(permille);
    const bool up = *target > v;
    change.description =
        absl::StrCat(FactName(p.fact), " ", FormatFigure(p.fact, *target),
                     up ? " 이상" : " 이하", " (현재 ", FormatFigure(p.fact, v),
                     ", ", FormatFigure(p.fact, static_cast<int64_t>(abs_gap)),
                     up ? " 부족)" : " 초과)");
    return Changes{change};
  }

  bool Holds(Certification cert) const {
    if (!company_.certifications) return false;
    for (const CertificationGrant& g : *company_.certifications) {
      if (g.kind == cert && (!g.valid_from || *g.valid_from <= on_) &&
          (!g.valid_to || on_ <= *g.valid_to)) {
        return true;
      }
    }
    return false;
  }

  const Evaluator& evaluator_;
  const Company& company_;
  Date on_;
};

}  // namespace

Company ApplyChanges(Company c, const std::vector<Change>& changes, Date on) {
  for (const Change& change : changes) {
    switch (change.kind) {
      case Change::Kind::kAddCertification:
        if (!c.certifications) c.certifications.emplace();
        c.certifications->push_back({change.certification, on, std::nullopt});
        break;
      case Change::Kind::kAddSite:
        if (!c.site_regions) c.site_regions.emplace();
        c.site_regions->push_back(change.region);
        break;
      case Change::Kind::kAddNeed:
        if (!c.needs) c.needs.emplace();
        c.needs->push_back(change.need);
        break;
      case Change::Kind::kClearFlag:
        if (const FactInfo& info = Info(change.fact); info.set_flag) {
          info.set_flag(&c, false);
        }
        break;
      case Change::Kind::kSetFigure:
        if (const FactInfo& info = Info(change.fact); info.set_figure) {
          info.set_figure(&c, change.to, on);
        }
        break;
    }
  }
  return c;
}

std::optional<NearMiss> FindNearMiss(const Evaluator& evaluator,
                                     const ProgramOutcome& outcome,
                                     const Company& company, Date as_of) {
  if (outcome.eligibility != Eligibility::kIneligible) return std::nullopt;
  Fixer fixer(evaluator, company, outcome.reference_date);
  Changes changes;
  for (const RuleOutcome& r : outcome.rules) {
    if (r.passed != Truth::kFalse) continue;
    const bool want = r.rule->kind != RuleKind::kExclude;
    std::optional<Changes> fix = fixer.Fix(r.rule->condition, want);
    if (!fix || fix->empty()) return std::nullopt;
    changes.insert(changes.end(), fix->begin(), fix->end());
    if (changes.size() > kMaxChanges) return std::nullopt;
  }
  if (changes.empty()) return std::nullopt;
  // A change can bear on other rules: check the changed profile.
  const Company changed =
      ApplyChanges(company, changes, outcome.reference_date);
  const ProgramOutcome after =
      evaluator.Evaluate(outcome.program, changed, as_of);
  if (after.eligibility != Eligibility::kEligible &&
      after.eligibility != Eligibility::kUndetermined) {
    return std::nullopt;
  }
  NearMiss miss;
  miss.result = after.eligibility;
  miss.gap_permille = TotalGap(changes);
  miss.changes = std::move(changes);
  return miss;
}

std::vector<Question> NextQuestions(
    const std::vector<ProgramOutcome>& outcomes) {
  // By fact, and a program's own questions by their ids: each is a
  // question of its own.
  std::map<std::pair<Fact, std::string>, Question> by_fact;
  for (const ProgramOutcome& o : outcomes) {
    if (o.eligibility != Eligibility::kUndetermined) continue;
    const size_t missing =
        o.missing_facts.size() +
        (o.missing_questions.empty() ? 0 : o.missing_questions.size() - 1);
    auto count = [&](Question& q) {
      ++q.involves;
      if (missing == 1) ++q.settles;
      q.program_ids.push_back(o.program->id);
    };
    for (Fact f : o.missing_facts) {
      if (f == Fact::kQuestion) continue;
      Question& q = by_fact[{f, ""}];
      q.fact = f;
      count(q);
    }
    for (const ProgramQuestion* pq : o.missing_questions) {
      Question& q = by_fact[{Fact::kQuestion, pq->id}];
      q.fact = Fact::kQuestion;
      q.question_id = pq->id;
      if (q.question_text.empty()) q.question_text = pq->text;
      count(q);
    }
  }
  std::vector<Question> out;
  for (auto& [fact, q] : by_fact) {
    std::sort(q.program_ids.begin(), q.program_ids.end());
    out.push_back(std::move(q));
  }
  std::sort(out.begin(), out.end(), [](const Question& a, const Question& b) {
    if (a.settles != b.settles) return a.settles > b.settles;
    if (a.involves != b.involves) return a.involves > b.involves;
    if (a.fact != b.fact) return a.fact < b.fact;
    return a.question_id < b.question_id;
  });
  return out;
}

}  // namespace jiwon::engine
