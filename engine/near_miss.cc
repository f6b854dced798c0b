#include "engine/near_miss.h"

#include <algorithm>
#include <map>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/fact_table.h"
#include "engine/facts/family.h"
#include "engine/format.h"
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
    return RulesOf(p.fact).fix(FixInput{evaluator_.reference(), company_, on_},
                               p, want);
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
