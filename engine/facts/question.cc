// A question a program declares ("수출 계획이 있습니까?"): the operator says
// which kind of answer is tested — yes/no, one of a list, a number, or a
// date (as YYYYMMDD against the bounds). Unanswered is unknown.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/family.h"
#include "engine/format.h"

namespace jiwon::engine::family {
namespace {

const Answer* AnswerTo(const Company& c, const Predicate& p) {
  auto it = c.answers.find(p.question);
  return it == c.answers.end() ? nullptr : &it->second;
}

int64_t DateNumber(Date d) {
  return int64_t{d.year()} * 10000 + d.month() * 100 + d.day();
}

std::string DateNumberText(int64_t v) {
  if (v < 0 || v > 99991231) return absl::StrCat(v);
  return absl::StrCat(v / 10000, "-", v / 1000 % 10, v / 100 % 10, "-",
                      v / 10 % 10, v % 10);
}

Truth QuestionTruth(FactContext& f, const Predicate& p) {
  const Answer* a = AnswerTo(f.company(), p);
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

// 「수출 계획이 있습니까?」 예 / 답변: 아니오.
void QuestionTexts(FactContext& f, const Predicate& p, const TextRequest& r,
                   Check* check) {
  const ProgramQuestion* q =
      r.program == nullptr ? nullptr : FindQuestion(*r.program, p.question);
  check->question = q;
  if (r.want_expected) {
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
          parts.push_back(
              absl::StrCat(value(*p.min), p.min_exclusive ? " 초과" : " 이상"));
        }
        if (p.max) {
          parts.push_back(
              absl::StrCat(value(*p.max), p.max_exclusive ? " 미만" : " 이하"));
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
  const Answer* a = AnswerTo(f.company(), p);
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

}  // namespace

// The observed text is the answer to the predicate's own question. A near
// miss does not answer for the company.
constinit const FamilyRules kQuestion = {
    .family = Family::kQuestion,
    .truth = QuestionTruth,
    .texts = QuestionTexts,
    .deciders = nullptr,
    .observed_is_the_facts = Never,
    .expected_varies = false,
    .dimension_key = NoKey,
    .scan_priority = FullProfile,
    .fix = NoFix,
};

}  // namespace jiwon::engine::family
