#include "engine/evaluate.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/context.h"
#include "engine/facts/fact_table.h"
#include "engine/facts/family.h"
#include "engine/facts/figures.h"
#include "engine/format.h"

namespace jiwon::engine {
namespace {

// --------------------------------------------------------------- predicates

// Evaluates predicates of one company at one date through their families,
// keeping the texts of what the company has from one program to the next.
class PredicateEvaluator {
 public:
  PredicateEvaluator(FactContext& facts, ObservedTexts* observed = nullptr,
                     const Program* program = nullptr)
      : f_(facts), observed_(observed), program_(program) {}

  // Whether `p` holds. No text is built.
  Truth Quick(const Predicate& p) { return RulesOf(p.fact).truth(f_, p); }

  // The inputs to ask for when `p` is undecided, if its family knows them
  // (the size class's); empty when the predicate's own fact is missing.
  std::vector<Fact> UnknownInputs(const Predicate& p) {
    const FamilyRules& rules = RulesOf(p.fact);
    return rules.deciders != nullptr ? rules.deciders(f_, p)
                                     : std::vector<Fact>();
  }

  // The predicate with what it asks and what the company has, in words.
  // `expected`, when given and not empty, is what it asks, made beforehand.
  Check Evaluate(const Predicate& p, const std::string* expected = nullptr) {
    const FamilyRules& rules = RulesOf(p.fact);
    Check check;
    check.fact = p.fact;
    const TextRequest request{
        .want_expected = expected == nullptr || expected->empty(),
        .program = program_};
    // With the expected text prepared, what the company has may be known
    // from an earlier program of the same answer.
    const bool keep = observed_ != nullptr && !request.want_expected &&
                      rules.observed_is_the_facts(p.fact);
    const std::string* known =
        keep ? observed_->Find(p.fact, f_.on()) : nullptr;
    if (known != nullptr) {
      check.observed = *known;
    } else {
      rules.texts(f_, p, request, &check);
      if (keep) observed_->Put(p.fact, f_.on(), check.observed);
    }
    if (!request.want_expected) check.expected = *expected;
    check.outcome = rules.truth(f_, p);
    if (check.outcome == Truth::kUnknown && rules.deciders != nullptr) {
      check.unknown_inputs = rules.deciders(f_, p);
    }
    return check;
  }

  // Whether the text of what `p` asks depends on the company or the date.
  static bool ExpectedTextVaries(const Predicate& p) {
    return RulesOf(p.fact).expected_varies;
  }

 private:
  FactContext& f_;
  ObservedTexts* observed_;
  const Program* program_;  // whose questions kQuestion predicates name
};

// Kleene evaluation without text; appends the facts of unknown predicates
// (the inputs of an undecided size class) to `unknown` when given.
Truth QuickCondition(const Condition& c, PredicateEvaluator& pe,
                     std::vector<Fact>* unknown,
                     std::vector<std::string_view>* questions = nullptr) {
  return FoldCondition(c, [&](const Predicate& p) {
    const Truth t = pe.Quick(p);
    if (t == Truth::kUnknown && questions != nullptr &&
        p.fact == Fact::kQuestion) {
      questions->push_back(p.question);
    }
    if (t == Truth::kUnknown && unknown != nullptr) {
      std::vector<Fact> inputs = pe.UnknownInputs(p);
      if (inputs.empty()) {
        unknown->push_back(p.fact);
      } else {
        unknown->insert(unknown->end(), inputs.begin(), inputs.end());
      }
    }
    return t;
  });
}

// The same with a check per predicate, in order. `texts` are the program's
// prepared expected texts (or null), `next_text` the index of this
// condition's first predicate among them.
Truth EvaluateCondition(const Condition& c, PredicateEvaluator& pe,
                        const std::vector<std::string>* texts,
                        size_t* next_text, std::vector<Check>* checks) {
  return FoldCondition(c, [&](const Predicate& p) {
    const size_t i = (*next_text)++;
    const std::string* expected =
        texts != nullptr && i < texts->size() ? &(*texts)[i] : nullptr;
    checks->push_back(pe.Evaluate(p, expected));
    return checks->back().outcome;
  });
}

}  // namespace

Evaluator::Evaluator(const Reference* reference, ScoringWeights weights)
    : reference_(reference),
      size_rules_(std::make_shared<const SizeRules>(*reference)),
      weights_(weights) {}

Date Evaluator::ReferenceDateFor(const Program& program, Date as_of) {
  switch (program.reference_date) {
    case ReferenceDateKind::kAnnouncement:
      return program.announced_on.value_or(as_of);
    case ReferenceDateKind::kDeadline:
      return ClosingDate(program.window, as_of)
          .value_or(program.window.closes_on.value_or(as_of));
    case ReferenceDateKind::kApplication:
      return as_of;
  }
  return as_of;
}

const std::string* ObservedTexts::Find(Fact fact, Date on) const {
  for (const Entry& e : entries_) {
    if (e.fact == fact && e.on == on) return &e.text;
  }
  return nullptr;
}

void ObservedTexts::Put(Fact fact, Date on, std::string text) {
  entries_.push_back({fact, on, std::move(text)});
}

ProgramOutcome Evaluator::Evaluate(std::shared_ptr<const Program> program,
                                   const Company& company, Date as_of,
                                   Detail detail,
                                   ObservedTexts* observed) const {
  ProgramOutcome out;
  const Program& p = *program;
  out.program = std::move(program);
  out.reference_date = ReferenceDateFor(p, as_of);
  out.window = StatusOn(p.window, as_of);
  FactContext facts(*reference_, *size_rules_, company, out.reference_date);
  PredicateEvaluator pe(facts, observed, &p);
  bool failed = false;
  bool unknown = false;
  int64_t bonus = 0;  // validated points are small; summed wide anyway
  std::vector<Fact> missing;
  std::vector<std::string_view> missing_questions;
  const std::vector<std::string>* texts = p.expected_texts.get();
  size_t next_text = 0;
  out.rules.reserve(p.rules.size());
  for (const Rule& rule : p.rules) {
    RuleOutcome& r = out.rules.emplace_back();
    r.rule = &rule;
    std::vector<Fact> rule_unknown;
    std::vector<std::string_view> rule_questions;
    if (detail == Detail::kChecks) {
      r.condition =
          EvaluateCondition(rule.condition, pe, texts, &next_text, &r.checks);
      for (const Check& c : r.checks) {
        if (c.outcome != Truth::kUnknown) continue;
        if (c.question != nullptr) rule_questions.push_back(c.question->id);
        if (c.unknown_inputs.empty()) {
          rule_unknown.push_back(c.fact);
        } else {
          rule_unknown.insert(rule_unknown.end(), c.unknown_inputs.begin(),
                              c.unknown_inputs.end());
        }
      }
    } else {
      r.condition =
          QuickCondition(rule.condition, pe, &rule_unknown, &rule_questions);
    }
    switch (rule.kind) {
      case RuleKind::kRequire:
      case RuleKind::kCap:
        r.passed = r.condition;
        break;
      case RuleKind::kExclude:
        r.passed = Not(r.condition);
        break;
      case RuleKind::kBonus:
        r.passed = Truth::kTrue;
        if (r.condition == Truth::kTrue) {
          r.points = rule.points;
          bonus += rule.points;
        }
        break;
    }
    if (r.passed == Truth::kFalse) failed = true;
    if (r.passed == Truth::kUnknown) {
      unknown = true;
      missing.insert(missing.end(), rule_unknown.begin(), rule_unknown.end());
      missing_questions.insert(missing_questions.end(), rule_questions.begin(),
                               rule_questions.end());
    }
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  bonus = CappedBonus(bonus, p.bonus_cap);
  out.bonus_points = static_cast<int32_t>(std::min<int64_t>(bonus, INT32_MAX));
  const bool in_effect = InEffect(p, as_of);
  if (!in_effect) {
    out.eligibility = Eligibility::kNotInEffect;
  } else if (failed) {
    out.eligibility = Eligibility::kIneligible;
  } else if (unknown) {
    out.eligibility = Eligibility::kUndetermined;
    out.missing_facts = std::move(missing);
    std::sort(missing_questions.begin(), missing_questions.end());
    missing_questions.erase(
        std::unique(missing_questions.begin(), missing_questions.end()),
        missing_questions.end());
    for (std::string_view id : missing_questions) {
      if (const ProgramQuestion* q = FindQuestion(p, id)) {
        out.missing_questions.push_back(q);
      }
    }
  } else {
    out.eligibility = Eligibility::kEligible;
  }

  // Score: needs met, 가점, deadline proximity, benefit size.
  if (company.needs) {
    int64_t met = 0;
    for (Need tag : p.tags) {
      if (std::find(company.needs->begin(), company.needs->end(), tag) !=
          company.needs->end()) {
        ++met;
      }
    }
    if (met > 0) {
      out.score_parts.push_back({"관심분야 일치", NeedsPart(weights_, met)});
    }
  }
  if (bonus > 0)
    out.score_parts.push_back({"가점", BonusPart(weights_, bonus)});
  if (out.window == WindowStatus::kOpen) {
    if (std::optional<Date> closes = ClosingDate(p.window, as_of)) {
      const int64_t part =
          DeadlinePart(weights_, closes->days() - as_of.days());
      if (part > 0) out.score_parts.push_back({"마감 임박", part});
    }
  }
  if (const int64_t part = BenefitPart(weights_, p.max_amount_won); part > 0) {
    out.score_parts.push_back({"지원 규모", part});
  }
  for (const ScorePart& part : out.score_parts) out.score += part.points;
  return out;
}

Truth Evaluator::Holds(const Condition& condition, const Company& company,
                       Date on, std::vector<Fact>* unknown) const {
  FactContext facts(*reference_, *size_rules_, company, on);
  PredicateEvaluator pe(facts);
  return QuickCondition(condition, pe, unknown);
}

uint8_t Evaluator::SizeBuckets(const Company& company, Date on) const {
  FactContext facts(*reference_, *size_rules_, company, on);
  return facts.Size().buckets();
}

void Evaluator::PrepareTexts(Program* program) const {
  const Company nobody;
  FactContext facts(*reference_, *size_rules_, nobody, Date());
  PredicateEvaluator pe(facts, nullptr, program);
  auto texts = std::make_shared<std::vector<std::string>>();
  for (const Rule& rule : program->rules) {
    FoldCondition(rule.condition, [&](const Predicate& p) {
      texts->push_back(PredicateEvaluator::ExpectedTextVaries(p)
                           ? std::string()
                           : pe.Evaluate(p).expected);
      return Truth::kUnknown;
    });
  }
  program->expected_texts = std::move(texts);
}

std::string Evaluator::SizeLabel(const Company& company, Date on) const {
  FactContext facts(*reference_, *size_rules_, company, on);
  return BucketsName(facts.Size().buckets());
}

std::vector<DerivedFact> Evaluator::Derive(const Company& c, Date on) const {
  std::vector<DerivedFact> out;
  FactContext facts(*reference_, *size_rules_, c, on);
  out.push_back(
      {"기준일", on.ToString(), "프로그램의 기준일(공고일·신청일·마감일)"});
  const Truth prospective = facts.Prospective();
  if (prospective == Truth::kTrue) {
    out.push_back({"업력", "없음 (예비창업자)",
                   c.founded_on
                       ? absl::StrCat("개업일 ", c.founded_on->ToString(),
                                      "이 기준일 이후")
                       : std::string("예비창업자로 등록")});
  } else if (std::optional<int64_t> months = facts.BusinessAgeMonths()) {
    out.push_back({"업력", FormatMonths(*months),
                   absl::StrCat("개업일 ", c.founded_on->ToString(), "부터 ",
                                on.ToString(), "까지 역월 기준")});
  } else {
    out.push_back({"업력", "미상", "개업일 미입력"});
  }
  for (size_t i = 0; i < c.ceos.size(); ++i) {
    const Ceo& ceo = c.ceos[i];
    const std::string who =
        c.ceos.size() > 1 ? absl::StrCat("대표자 ", i + 1, " ") : "대표자 ";
    if (ceo.birth_date) {
      const int age = AgeInYears(*ceo.birth_date, on);
      out.push_back({who + "만 나이", absl::StrCat(age, "세"),
                     absl::StrCat(ceo.birth_date->ToString(), "생, ",
                                  on.ToString(), " 기준 (생일 당일 가산)")});
      out.push_back({who + "청년 여부", age <= kYouthMaxAge ? "예" : "아니오",
                     absl::StrCat("만 ", kYouthMaxAge, "세 이하")});
    } else {
      out.push_back({who + "만 나이", "미상", "생년월일 미입력"});
    }
  }
  std::vector<const FiscalYear*> years = facts.RevenueYears();
  if (!years.empty()) {
    out.push_back({"최근 연매출", FormatWon(*years[0]->revenue_won),
                   absl::StrCat(years[0]->year, "년 결산")});
  }
  if (std::optional<RevenueAverage> avg = facts.RevenueAvg3()) {
    out.push_back({"3년 평균 매출", FormatWon(avg->value),
                   absl::StrCat(avg->first_year, "–", avg->last_year, "년 중 ",
                                avg->count, "개년 평균")});
  }
  const SizeAssessment& size = facts.Size();
  out.push_back({"기업규모", BucketsName(size.buckets()), size.Trace()});
  if (c.certifications) {
    std::vector<std::string> valid;
    for (const CertificationGrant& g : *c.certifications) {
      if (ValidOn(g, on)) valid.push_back(CertificationName(g.kind));
    }
    out.push_back({"유효 인증",
                   valid.empty() ? "없음" : absl::StrJoin(valid, ", "),
                   "유효기간 시작일 ≤ 기준일 ≤ 종료일 (양끝 포함)"});
  }
  if (c.regular_employees && c.regular_employees_last_year) {
    out.push_back(
        {"상시근로자 증감",
         absl::StrCat(*c.regular_employees - *c.regular_employees_last_year,
                      "명"),
         absl::StrCat("현재 ", *c.regular_employees, "명 − 전년 ",
                      *c.regular_employees_last_year, "명")});
  }
  return out;
}

}  // namespace jiwon::engine
