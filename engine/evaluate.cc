#include "engine/evaluate.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/fact_table.h"
#include "engine/facts/figures.h"
#include "engine/saturating.h"

namespace jiwon::engine {
namespace {

constexpr int64_t kEok = 100'000'000;
constexpr int64_t kMan = 10'000;
constexpr int kYouthMaxAge = 39;

// Appends v with a comma every three digits ("-1,234,567").
void AppendWithCommas(std::string* out, int64_t v) {
  uint64_t m = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char buf[32];
  char* p = buf + sizeof buf;
  int digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0) *--p = ',';
    *--p = static_cast<char>('0' + m % 10);
    m /= 10;
    ++digits;
  } while (m != 0);
  if (v < 0) *--p = '-';
  out->append(p, buf + sizeof buf);
}

std::string WithCommas(int64_t v) {
  std::string out;
  AppendWithCommas(&out, v);
  return out;
}

std::string FormatValue(int64_t v, Unit unit) {
  switch (unit) {
    case Unit::kNone:
      return WithCommas(v);
    case Unit::kWon:
      return FormatWon(v);
    case Unit::kUsd:
      return absl::StrCat(WithCommas(v), "달러");
    case Unit::kCount:
      return absl::StrCat(WithCommas(v), "회");
    case Unit::kItems:
      return absl::StrCat(WithCommas(v), "건");
    case Unit::kPeople:
      return absl::StrCat(WithCommas(v), "명");
    case Unit::kYears:
      return absl::StrCat("만 ", v, "세");
    case Unit::kMonths:
      return FormatMonths(v);
    case Unit::kPercent:
      return absl::StrCat(v, "%");
  }
  return std::to_string(v);
}

std::string RangeText(const Predicate& p, Unit unit) {
  std::vector<std::string> parts;
  if (p.min) {
    parts.push_back(absl::StrCat(FormatValue(*p.min, unit),
                                 p.min_exclusive ? " 초과" : " 이상"));
  }
  if (p.max) {
    const char* inclusive = unit == Unit::kMonths ? " 이내" : " 이하";
    parts.push_back(absl::StrCat(FormatValue(*p.max, unit),
                                 p.max_exclusive ? " 미만" : inclusive));
  }
  return absl::StrJoin(parts, " ");
}

Truth InRange(int64_t v, const Predicate& p) {
  bool ok = true;
  if (p.min) ok = ok && (p.min_exclusive ? v > *p.min : v >= *p.min);
  if (p.max) ok = ok && (p.max_exclusive ? v < *p.max : v <= *p.max);
  return FromBool(ok);
}

const char* YesNo(std::optional<bool> b) {
  if (!b) return "미상";
  return *b ? "예" : "아니오";
}

Truth FromOptional(std::optional<bool> b) {
  return b ? FromBool(*b) : Truth::kUnknown;
}

bool ValidOn(const CertificationGrant& g, Date on) {
  return (!g.valid_from || *g.valid_from <= on) &&
         (!g.valid_to || on <= *g.valid_to);
}

// The facts of one company at one reference date, derived on demand.
class Facts {
 public:
  Facts(const Reference& ref, const SizeRules& sizes, const Company& c, Date on)
      : ref_(ref), sizes_(sizes), c_(c), on_(on) {}

  const Company& company() const { return c_; }
  Date on() const { return on_; }
  const Reference& ref() const { return ref_; }

  // Fiscal years before the reference year with revenue, newest first.
  std::vector<const FiscalYear*> RevenueYears() const {
    return engine::RevenueYears(c_, on_);
  }

  using Average = RevenueAverage;
  std::optional<Average> RevenueAvg3() const {
    return engine::RevenueAvg3(c_, on_);
  }

  // Prospective founder at the reference date.
  Truth Prospective() const {
    if (c_.founded_on) return FromBool(*c_.founded_on > on_);
    if (c_.prospective_founder) return FromBool(*c_.prospective_founder);
    return Truth::kUnknown;
  }

  // Whole calendar months since founding, when founded by the reference date.
  std::optional<int64_t> BusinessAgeMonths() const {
    if (!c_.founded_on || *c_.founded_on > on_) return std::nullopt;
    const Date f = *c_.founded_on;
    int64_t months = (on_.year() - f.year()) * 12 + (on_.month() - f.month());
    while (months > 0 && f.AddMonths(static_cast<int>(months)) > on_) --months;
    return months;
  }

  const SizeAssessment& Size() {
    if (!size_) size_.emplace(sizes_, c_, on_);
    return *size_;
  }

  // A figure of the company at the reference date, with the fiscal year it
  // comes from when it has one (0 otherwise).
  using Figure = FigureValue;
  std::optional<Figure> Numeric(Fact fact) const {
    const FactInfo& info = Info(fact);
    if (info.read_figure == nullptr) return std::nullopt;
    return info.read_figure(c_, on_);
  }

 private:
  const Reference& ref_;
  const SizeRules& sizes_;
  const Company& c_;
  Date on_;
  std::optional<SizeAssessment> size_;
};

// --------------------------------------------------------------- predicates

class PredicateEvaluator {
 public:
  PredicateEvaluator(Facts& facts, ObservedTexts* observed = nullptr,
                     const Program* program = nullptr)
      : f_(facts),
        c_(facts.company()),
        observed_(observed),
        program_(program) {}

  // Whether `p` holds: the one definition of each predicate's meaning. No
  // text is built.
  Truth Quick(const Predicate& p) {
    const FactInfo& info = Info(p.fact);
    switch (info.family) {
      case Family::kRegion: {
        const RegionTable& regions = f_.ref().regions;
        bool complete = true;
        Truth in = Truth::kFalse;
        auto test = [&](const std::string& place) {
          for (const std::string& code : p.codes) {
            in = Or(in, regions.Covers(code, place));
          }
          for (const std::string& group : p.region_groups) {
            if (const auto* codes = f_.ref().region_groups.Find(group)) {
              for (const std::string& code : *codes) {
                in = Or(in, regions.Covers(code, place));
              }
            }
          }
        };
        info.read_places(c_, [&](const char*, const std::string* code) {
          if (code == nullptr) {
            complete = false;
          } else {
            test(*code);
          }
        });
        if (!complete) in = Or(in, Truth::kUnknown);
        return p.op == Op::kNotIn ? Not(in) : in;
      }
      case Family::kIndustry: {
        const IndustryTable& industries = f_.ref().industries;
        Truth in = Truth::kFalse;
        auto test = [&](const std::string& code) {
          for (const std::string& area : p.codes) {
            in = Or(in, industries.Covers(area, code));
          }
        };
        if (c_.primary_industry) test(*c_.primary_industry);
        if (p.fact == Fact::kAnyIndustry) {
          for (const std::string& code : c_.secondary_industries) test(code);
        }
        if (!c_.primary_industry) in = Or(in, Truth::kUnknown);
        return p.op == Op::kNotIn ? Not(in) : in;
      }
      case Family::kFounding: {
        if (p.fact == Fact::kProspectiveFounder) {
          return BoolOp(p, f_.Prospective());
        }
        // 업력. A 예비창업자 has no 업력: every 업력 condition is false.
        // Bounds are anniversaries: "N년 이내" includes the N-th, "N년
        // 초과" starts the day after it, "N개월 미만" excludes it.
        const Truth prospective = f_.Prospective();
        if (prospective == Truth::kTrue) return Truth::kFalse;
        if (!c_.founded_on) return Truth::kUnknown;
        const Date f = *c_.founded_on;
        const Date on = f_.on();
        bool ok = true;
        if (p.min) {
          const Date bound = f.AddMonths(static_cast<int>(*p.min));
          ok = ok && (p.min_exclusive ? on > bound : on >= bound);
        }
        if (p.max) {
          const Date bound = f.AddMonths(static_cast<int>(*p.max));
          ok = ok && (p.max_exclusive ? on < bound : on <= bound);
        }
        return FromBool(ok);
      }
      case Family::kCeo: {
        if (c_.ceos.empty()) return Truth::kUnknown;
        const bool any = p.quantifier == Quantifier::kAny;
        Truth t = any ? Truth::kFalse : Truth::kTrue;
        for (const Ceo& ceo : c_.ceos) {
          Truth one = Truth::kUnknown;
          if (p.fact == Fact::kCeoAgeYears || p.fact == Fact::kYouthCeo) {
            if (ceo.birth_date) {
              const int age = AgeInYears(*ceo.birth_date, f_.on());
              one = p.fact == Fact::kYouthCeo ? FromBool(age <= kYouthMaxAge)
                                              : InRange(age, p);
            }
          } else if (p.fact == Fact::kCeoFemale) {
            if (ceo.gender != Gender::kUnknown) {
              one = FromBool(ceo.gender == Gender::kFemale);
            }
          } else {
            one = FromOptional(ceo.disabled);
          }
          t = any ? Or(t, one) : And(t, one);
        }
        return info.unit == Unit::kNone ? BoolOp(p, t) : t;
      }
      case Family::kFigure: {
        std::optional<Facts::Figure> figure = f_.Numeric(p.fact);
        return figure ? InRange(figure->value, p) : Truth::kUnknown;
      }
      case Family::kRatio: {
        const std::optional<RatioValue> r = info.read_ratio(c_, f_.on());
        if (!r) return Truth::kUnknown;
        return FromBool(
            RatioInRange(*r, p.min, p.min_exclusive, p.max, p.max_exclusive));
      }
      case Family::kSet: {
        if (p.fact == Fact::kNeeds) {
          if (!c_.needs) return Truth::kUnknown;
          return SetTruth(p, p.needs, [&](Need want) {
            return std::find(c_.needs->begin(), c_.needs->end(), want) !=
                   c_.needs->end();
          });
        }
        if (!c_.certifications) return Truth::kUnknown;
        const Date on = f_.on();
        return SetTruth(p, p.certifications, [&](Certification want) {
          for (const CertificationGrant& g : *c_.certifications) {
            if (g.kind == want && ValidOn(g, on)) return true;
          }
          return false;
        });
      }
      case Family::kSize: {
        const Truth in = SizeIn(p);
        return p.op == Op::kNotIn ? Not(in) : in;
      }
      case Family::kFlag:
        return BoolOp(p, FromOptional(info.read_flag(c_)));
      case Family::kHistory: {
        std::optional<int64_t> v = ParticipationValue(p);
        return v ? InRange(*v, p) : Truth::kUnknown;
      }
      case Family::kChoice: {
        const std::optional<int> v = info.read_choice(c_);
        if (!v) return Truth::kUnknown;
        const std::vector<int> wanted = info.predicate_choices(p);
        const bool in =
            std::find(wanted.begin(), wanted.end(), *v) != wanted.end();
        return FromBool(p.op == Op::kNotIn ? !in : in);
      }
      case Family::kQuestion:
        return QuestionTruth(p);
    }
    return Truth::kUnknown;
  }

  // The inputs to ask for when a size predicate is undecided.
  std::vector<Fact> SizeUnknownInputs(const Predicate& p) {
    if (SizeIn(p) != Truth::kUnknown) return {};
    return f_.Size().Deciders(AllowedBuckets(p));
  }

  // The predicate with what it asks and what the company has, in words.
  // `expected`, when given and not empty, is what it asks, made beforehand.
  Check Evaluate(const Predicate& p, const std::string* expected = nullptr) {
    Check check;
    check.fact = p.fact;
    want_expected_ = expected == nullptr || expected->empty();
    // With the expected text prepared, what the company has may be known
    // from an earlier program of the same answer.
    const bool keep = observed_ != nullptr && !want_expected_ &&
                      ObservedTextIsTheFacts(p.fact);
    const std::string* known =
        keep ? observed_->Find(p.fact, f_.on()) : nullptr;
    if (known != nullptr) {
      check.observed = *known;
    } else {
      Texts(p, &check);
      if (keep) observed_->Put(p.fact, f_.on(), check.observed);
    }
    if (!want_expected_) check.expected = *expected;
    check.outcome = Quick(p);
    if (p.fact == Fact::kSizeClass) check.unknown_inputs = SizeUnknownInputs(p);
    return check;
  }

  // Whether the text of what the company has for a predicate of `fact`
  // depends on the company, the fact and the reference date alone (not on
  // what the predicate asks).
  static bool ObservedTextIsTheFacts(Fact fact) {
    // Certifications show the invalid ones the rule names; history counts
    // the rule's programs.
    return fact != Fact::kCertifications &&
           FamilyOf(fact) != Family::kHistory &&
           FamilyOf(fact) != Family::kQuestion;
  }

  // Whether the text of what `p` asks depends on the company or the date.
  static bool ExpectedTextVaries(const Predicate& p) {
    const Family family = FamilyOf(p.fact);
    return family == Family::kCeo || family == Family::kHistory;
  }

 private:
  // The texts of `p`: what it asks (unless the caller has it) and what the
  // company has.
  void Texts(const Predicate& p, Check* out) {
    Check& check = *out;
    const FactInfo& info = Info(p.fact);
    switch (info.family) {
      case Family::kRegion:
        Regions(p, &check);
        break;
      case Family::kIndustry:
        Industries(p, &check);
        break;
      case Family::kFounding: {
        if (p.fact == Fact::kBusinessAgeMonths) {
          BusinessAge(p, &check);
          break;
        }
        const Truth t = f_.Prospective();
        Bool(p, t, &check);
        check.observed =
            t == Truth::kUnknown ? "미상"
            : t == Truth::kTrue
                ? "예비창업자"
                : absl::StrCat("개업 ", c_.founded_on
                                            ? c_.founded_on->ToString()
                                            : std::string("(일자 미상)"));
        break;
      }
      case Family::kCeo:
        Ceos(p, &check);
        break;
      case Family::kFigure:
        Figure(p, &check);
        break;
      case Family::kRatio:
        if (want_expected_) check.expected = RangeText(p, info.unit);
        check.observed = info.describe_ratio(c_, f_.on());
        break;
      case Family::kSet:
        if (p.fact == Fact::kNeeds) {
          Needs(p, &check);
        } else {
          Certifications(p, &check);
        }
        break;
      case Family::kSize:
        Size(p, &check);
        break;
      case Family::kFlag:
        Bool(p, FromOptional(info.read_flag(c_)), &check);
        break;
      case Family::kHistory:
        Participations(p, &check);
        break;
      case Family::kQuestion:
        QuestionTexts(p, &check);
        break;
      case Family::kChoice: {
        const std::optional<int> v = info.read_choice(c_);
        check.observed = v ? info.choice_name(*v) : "미상";
        if (!want_expected_) break;
        std::vector<std::string> names;
        for (int w : info.predicate_choices(p)) {
          names.push_back(info.choice_name(w));
        }
        check.expected = absl::StrCat(
            p.op == Op::kNotIn ? "다음이 아님: " : "다음 중 하나: ",
            absl::StrJoin(names, ", "));
        break;
      }
    }
  }

  // The answer the company gave to the predicate's question, if any.
  const Answer* AnswerTo(const Predicate& p) const {
    auto it = c_.answers.find(p.question);
    return it == c_.answers.end() ? nullptr : &it->second;
  }

  // The operator says which kind of answer is tested: yes/no, a choice, a
  // number or a date (as YYYYMMDD against the bounds).
  Truth QuestionTruth(const Predicate& p) const {
    const Answer* a = AnswerTo(p);
    if (a == nullptr) return Truth::kUnknown;
    switch (p.op) {
      case Op::kIsTrue:
      case Op::kIsFalse:
        return a->yes ? BoolOp(p, FromBool(*a->yes)) : Truth::kUnknown;
      case Op::kIn:
      case Op::kNotIn: {
        if (!a->choice) return Truth::kUnknown;
        const bool in = std::find(p.codes.begin(), p.codes.end(), *a->choice) !=
                        p.codes.end();
        return FromBool(p.op == Op::kNotIn ? !in : in);
      }
      case Op::kRange:
        if (a->number) return InRange(*a->number, p);
        if (a->date) return InRange(DateNumber(*a->date), p);
        return Truth::kUnknown;
      case Op::kAnyOf:
      case Op::kAllOf:
      case Op::kNoneOf:
        return Truth::kUnknown;  // validation admits none of these
    }
    return Truth::kUnknown;
  }

  static int64_t DateNumber(Date d) {
    return int64_t{d.year()} * 10000 + d.month() * 100 + d.day();
  }

  static std::string DateNumberText(int64_t v) {
    if (v < 0 || v > 99991231) return absl::StrCat(v);
    return absl::StrCat(v / 10000, "-", v / 1000 % 10, v / 100 % 10, "-",
                        v / 10 % 10, v % 10);
  }

  // 「수출 계획이 있습니까?」 예 / 답변: 아니오.
  void QuestionTexts(const Predicate& p, Check* check) const {
    const ProgramQuestion* q =
        program_ == nullptr ? nullptr : FindQuestion(*program_, p.question);
    check->question = q;
    if (want_expected_) {
      std::string asks;
      switch (p.op) {
        case Op::kIsTrue:
          asks = "예";
          break;
        case Op::kIsFalse:
          asks = "아니오";
          break;
        case Op::kIn:
        case Op::kNotIn:
          asks = absl::StrCat(
              p.op == Op::kNotIn ? "다음이 아님: " : "다음 중 하나: ",
              absl::StrJoin(p.codes, ", "));
          break;
        case Op::kRange: {
          std::vector<std::string> parts;
          const bool date = q != nullptr && q->type == QuestionType::kDate;
          const std::string unit = q != nullptr && !date ? q->unit : "";
          auto value = [&](int64_t v) {
            return date ? DateNumberText(v) : absl::StrCat(WithCommas(v), unit);
          };
          if (p.min) {
            parts.push_back(absl::StrCat(value(*p.min),
                                         p.min_exclusive ? " 초과" : " 이상"));
          }
          if (p.max) {
            parts.push_back(absl::StrCat(value(*p.max),
                                         p.max_exclusive ? " 미만" : " 이하"));
          }
          asks = absl::StrJoin(parts, " ");
          break;
        }
        case Op::kAnyOf:
        case Op::kAllOf:
        case Op::kNoneOf:
          break;
      }
      check->expected =
          absl::StrCat("「", q != nullptr ? q->text : p.question, "」 ", asks);
    }
    const Answer* a = AnswerTo(p);
    if (a == nullptr) {
      check->observed = "미답변";
    } else if (a->yes) {
      check->observed = absl::StrCat("답변: ", *a->yes ? "예" : "아니오");
    } else if (a->choice) {
      check->observed = absl::StrCat("답변: ", *a->choice);
    } else if (a->number) {
      check->observed = absl::StrCat("답변: ", WithCommas(*a->number),
                                     q != nullptr ? q->unit : "");
    } else if (a->date) {
      check->observed = absl::StrCat("답변: ", a->date->ToString());
    } else {
      check->observed = "미답변";
    }
  }

  static Truth BoolOp(const Predicate& p, Truth t) {
    return p.op == Op::kIsTrue ? t : Not(t);
  }

  template <typename T, typename HasFn>
  static Truth SetTruth(const Predicate& p, const std::vector<T>& wanted,
                        HasFn has) {
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

  // Whether the size class is among the predicate's classes (before NOT_IN).
  Truth SizeIn(const Predicate& p) {
    const uint8_t allowed = AllowedBuckets(p);
    const uint8_t buckets = f_.Size().buckets();
    if ((buckets & ~allowed) == 0) return Truth::kTrue;
    if ((buckets & allowed) == 0) return Truth::kFalse;
    return Truth::kUnknown;
  }

  // The count or sum a participation predicate measures; nullopt when the
  // history is unknown.
  std::optional<int64_t> ParticipationValue(const Predicate& p) {
    if (!c_.participations) return std::nullopt;
    const bool amount = p.fact == Fact::kAwardsThisYearWon;
    const bool this_year = p.fact != Fact::kParticipationsEver;
    int64_t value = 0;
    for (const Participation& part : *c_.participations) {
      bool match = p.codes.empty();
      for (const std::string& prefix : p.codes) {
        if (part.program_id.compare(0, prefix.size(), prefix) == 0) {
          match = true;
        }
      }
      if (!match || (this_year && part.year != f_.on().year())) continue;
      value = SatAdd(value, amount ? part.amount_won : 1);
    }
    return value;
  }

  void Bool(const Predicate& p, Truth t, Check* check) {
    if (want_expected_) check->expected = p.op == Op::kIsTrue ? "예" : "아니오";
    check->observed = t == Truth::kUnknown ? "미상"
                      : t == Truth::kTrue  ? "예"
                                           : "아니오";
  }

  void Figure(const Predicate& p, Check* check) {
    std::optional<Facts::Figure> figure = f_.Numeric(p.fact);
    const Unit unit = UnitOf(p.fact);
    Number(p, figure ? std::optional<int64_t>(figure->value) : std::nullopt,
           unit, check);
    if (!figure) return;
    if (p.fact == Fact::kRevenueAvg3Won) {
      std::optional<Facts::Average> avg = f_.RevenueAvg3();
      absl::StrAppend(&check->observed, " (", avg->first_year, "–",
                      avg->last_year, "년 평균)");
    } else if (figure->year != 0) {
      absl::StrAppend(&check->observed, " (", figure->year, "년)");
    }
  }

  void Number(const Predicate& p, std::optional<int64_t> v, Unit unit,
              Check* check) {
    if (want_expected_) check->expected = RangeText(p, unit);
    check->observed = v ? FormatValue(*v, unit) : "미상";
  }

  void Regions(const Predicate& p, Check* check) {
    const RegionTable& regions = f_.ref().regions;
    std::vector<std::string> shown;
    Info(p.fact).read_places(c_, [&](const char* label,
                                     const std::string* code) {
      shown.push_back(code == nullptr
                          ? absl::StrCat(label, " 미상")
                          : absl::StrCat(label, " ", regions.Describe(*code)));
    });
    if (shown.empty()) shown.push_back("없음");
    check->observed = absl::StrJoin(shown, ", ");
    if (!want_expected_) return;
    std::vector<std::string> names = p.region_groups;
    for (const std::string& code : p.codes) {
      names.push_back(regions.Describe(code));
    }
    check->expected = absl::StrCat(
        p.op == Op::kNotIn ? "다음 지역이 아님: " : "다음 지역 소재: ",
        absl::StrJoin(names, ", "));
  }

  void Industries(const Predicate& p, Check* check) {
    const IndustryTable& industries = f_.ref().industries;
    std::vector<std::string> codes;
    if (c_.primary_industry) codes.push_back(*c_.primary_industry);
    if (p.fact == Fact::kAnyIndustry) {
      codes.insert(codes.end(), c_.secondary_industries.begin(),
                   c_.secondary_industries.end());
    }
    if (want_expected_) {
      std::vector<std::string> names;
      for (const std::string& code : p.codes) {
        names.push_back(industries.Describe(code));
      }
      check->expected = absl::StrCat(
          p.op == Op::kNotIn ? "다음 업종이 아님: " : "다음 업종: ",
          absl::StrJoin(names, ", "));
    }
    std::vector<std::string> shown;
    for (const std::string& code : codes) {
      shown.push_back(industries.Describe(code));
    }
    if (!c_.primary_industry) shown.insert(shown.begin(), "주업종 미상");
    check->observed = absl::StrJoin(shown, ", ");
  }

  void BusinessAge(const Predicate& p, Check* check) {
    if (want_expected_) {
      check->expected = absl::StrCat("업력 ", RangeText(p, Unit::kMonths));
    }
    if (f_.Prospective() == Truth::kTrue) {
      check->observed = "예비창업자 (업력 없음)";
    } else if (!c_.founded_on) {
      check->observed = "개업일 미상";
    } else {
      check->observed = absl::StrCat(FormatMonths(*f_.BusinessAgeMonths()),
                                     " (개업 ", c_.founded_on->ToString(),
                                     ", 기준일 ", f_.on().ToString(), ")");
    }
  }

  void Ceos(const Predicate& p, Check* check) {
    std::vector<std::string> shown;
    for (const Ceo& ceo : c_.ceos) {
      if (p.fact == Fact::kCeoAgeYears || p.fact == Fact::kYouthCeo) {
        if (ceo.birth_date) {
          // The age, not the birth date: reasons go to every caller of
          // Recommend; the date itself is shown by Explain's derived facts,
          // whose reads are recorded.
          shown.push_back(
              absl::StrCat("만 ", AgeInYears(*ceo.birth_date, f_.on()), "세"));
        } else {
          shown.push_back("생년월일 미상");
        }
      } else if (p.fact == Fact::kCeoFemale) {
        shown.push_back(ceo.gender == Gender::kFemale ? "여성"
                        : ceo.gender == Gender::kMale ? "남성"
                                                      : "성별 미상");
      } else {
        shown.push_back(absl::StrCat("장애 ", YesNo(ceo.disabled)));
      }
    }
    if (c_.ceos.empty()) shown.push_back("대표자 정보 미상");
    const bool any = p.quantifier == Quantifier::kAny;
    const char* who = c_.ceos.size() > 1
                          ? (any ? "대표자 중 1인 이상 " : "모든 대표자 ")
                          : "";
    if (p.fact == Fact::kCeoAgeYears) {
      check->expected = absl::StrCat(who, RangeText(p, Unit::kYears));
    } else {
      check->expected =
          absl::StrCat(who, p.op == Op::kIsTrue ? "예" : "아니오");
    }
    check->observed = absl::StrJoin(shown, ", ");
  }

  template <typename T, typename NameFn>
  void SetText(const Predicate& p, const std::vector<T>& wanted, NameFn name,
               Check* check) {
    if (!want_expected_) return;
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

  void Certifications(const Predicate& p, Check* check) {
    SetText(
        p, p.certifications,
        [](Certification c) { return std::string(CertificationName(c)); },
        check);
    if (!c_.certifications) {
      check->observed = "인증 정보 미상";
      return;
    }
    const Date on = f_.on();
    std::vector<std::string> shown;
    for (const CertificationGrant& g : *c_.certifications) {
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

  void Needs(const Predicate& p, Check* check) {
    SetText(
        p, p.needs, [](Need n) { return std::string(NeedName(n)); }, check);
    if (!c_.needs) {
      check->observed = "미상";
      return;
    }
    std::vector<std::string> shown;
    for (Need n : *c_.needs) shown.push_back(NeedName(n));
    check->observed = shown.empty() ? "없음" : absl::StrJoin(shown, ", ");
  }

  void Size(const Predicate& p, Check* check) {
    check->observed = BucketsName(f_.Size().buckets());
    if (!want_expected_) return;
    std::vector<std::string> names;
    for (SizeClass s : p.size_classes) names.push_back(SizeClassName(s));
    check->expected =
        absl::StrCat(p.op == Op::kNotIn ? "다음 규모가 아님: " : "",
                     absl::StrJoin(names, ", "));
  }

  void Participations(const Predicate& p, Check* check) {
    const bool this_year = p.fact != Fact::kParticipationsEver;
    const Unit unit = UnitOf(p.fact);
    std::string scope =
        p.codes.empty() ? std::string("전체 사업")
                        : absl::StrCat(absl::StrJoin(p.codes, ", "), " 계열");
    if (this_year) absl::StrAppend(&scope, " ", f_.on().year(), "년");
    std::optional<int64_t> value = ParticipationValue(p);
    Number(p, value, unit, check);
    check->expected = absl::StrCat(scope, " ", check->expected);
    if (!value) check->observed = "참여 이력 미상";
  }

  Facts& f_;
  const Company& c_;
  ObservedTexts* observed_;
  const Program* program_;     // whose questions kQuestion predicates name
  bool want_expected_ = true;  // false: the caller has the expected text
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
      std::vector<Fact> inputs;
      if (p.fact == Fact::kSizeClass) inputs = pe.SizeUnknownInputs(p);
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

std::string FormatWon(int64_t won) {
  std::string out;
  out.reserve(40);
  if (won < 0) out += '-';
  const uint64_t m =
      won < 0 ? 0 - static_cast<uint64_t>(won) : static_cast<uint64_t>(won);
  const uint64_t eok = m / kEok;
  const uint64_t man = (m % kEok) / kMan;
  const uint64_t rest = m % kMan;
  // Each part below 10^19 / 10^8 fits in int64_t.
  if (eok > 0) {
    AppendWithCommas(&out, static_cast<int64_t>(eok));
    out += "억";
  }
  if (man > 0) {
    if (eok > 0) out += ' ';
    AppendWithCommas(&out, static_cast<int64_t>(man));
    out += "만";
  }
  if (rest > 0 || (eok == 0 && man == 0)) {
    if (eok > 0 || man > 0) out += ' ';
    AppendWithCommas(&out, static_cast<int64_t>(rest));
  }
  out += "원";
  return out;
}

std::optional<int64_t> FigureOf(const Reference&, const Company& company,
                                Fact fact, Date on) {
  const FactInfo& info = Info(fact);
  if (info.read_figure == nullptr) return std::nullopt;
  std::optional<FigureValue> f = info.read_figure(company, on);
  if (!f) return std::nullopt;
  return f->value;
}

std::string FormatFigure(Fact fact, int64_t value) {
  return FormatValue(value, UnitOf(fact));
}

std::string FormatMonths(int64_t months) {
  const int64_t years = months / 12;
  const int64_t rest = months % 12;
  if (years == 0) return absl::StrCat(rest, "개월");
  if (rest == 0) return absl::StrCat(years, "년");
  return absl::StrCat(years, "년 ", rest, "개월");
}

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
  Facts facts(*reference_, *size_rules_, company, out.reference_date);
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
  if (p.bonus_cap > 0) bonus = std::min<int64_t>(bonus, p.bonus_cap);
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
      out.score_parts.push_back(
          {"관심분야 일치", met * weights_.per_matching_need});
    }
  }
  if (bonus > 0) {
    out.score_parts.push_back({"가점", bonus * weights_.per_bonus_point});
  }
  if (out.window == WindowStatus::kOpen) {
    if (std::optional<Date> closes = ClosingDate(p.window, as_of)) {
      const int64_t days = closes->days() - as_of.days();
      if (days >= 0 && days < 30) {
        out.score_parts.push_back(
            {"마감 임박", weights_.deadline_max * (30 - days) / 30});
      }
    }
  }
  if (p.max_amount_won && *p.max_amount_won > 0) {
    const int64_t part =
        std::min(weights_.benefit_cap,
                 *p.max_amount_won / 10'000'000 * weights_.per_ten_million_won);
    if (part > 0) out.score_parts.push_back({"지원 규모", part});
  }
  for (const ScorePart& part : out.score_parts) out.score += part.points;
  return out;
}

Truth Evaluator::Holds(const Condition& condition, const Company& company,
                       Date on, std::vector<Fact>* unknown) const {
  Facts facts(*reference_, *size_rules_, company, on);
  PredicateEvaluator pe(facts);
  return QuickCondition(condition, pe, unknown);
}

uint8_t Evaluator::SizeBuckets(const Company& company, Date on) const {
  Facts facts(*reference_, *size_rules_, company, on);
  return facts.Size().buckets();
}

void Evaluator::PrepareTexts(Program* program) const {
  const Company nobody;
  Facts facts(*reference_, *size_rules_, nobody, Date());
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
  Facts facts(*reference_, *size_rules_, company, on);
  return BucketsName(facts.Size().buckets());
}

std::vector<DerivedFact> Evaluator::Derive(const Company& c, Date on) const {
  std::vector<DerivedFact> out;
  Facts facts(*reference_, *size_rules_, c, on);
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
  if (std::optional<Facts::Average> avg = facts.RevenueAvg3()) {
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
