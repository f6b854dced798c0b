#include "engine/validate.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/facts/fact_table.h"

namespace jiwon::engine {
namespace {

class Errors {
 public:
  explicit Errors(std::vector<FieldError>* out) : out_(out) {}
  void Add(std::string field, std::string_view reason, std::string message) {
    out_->push_back({std::move(field), std::move(message), reason});
  }

 private:
  std::vector<FieldError>* out_;
};

void CheckText(Errors& e, const std::string& field, const std::string& text,
               size_t limit = kMaxTextLength) {
  if (text.size() > limit) {
    e.Add(field, reason::kTextTooLong,
          absl::StrCat("is ", text.size(), " bytes; at most ", limit,
                       " allowed"));
  }
}

void CheckList(Errors& e, const std::string& field, size_t size,
               size_t limit = kMaxListLength) {
  if (size > limit) {
    e.Add(field, reason::kListTooLong,
          absl::StrCat("has ", size, " items; at most ", limit, " allowed"));
  }
}

void CheckNonNegative(Errors& e, const std::string& field, int64_t v,
                      int64_t limit = kMaxFigure) {
  if (v < 0) {
    e.Add(field, reason::kValueOutOfRange,
          absl::StrCat("must not be negative, got ", v));
  } else if (v > limit) {
    e.Add(field, reason::kValueOutOfRange,
          absl::StrCat("is ", v, "; at most ", limit, " allowed"));
  }
}

void CheckBound(Errors& e, const std::string& field, std::optional<int64_t> v) {
  if (v && (*v > kMaxFigure || *v < -kMaxFigure)) {
    e.Add(field, reason::kValueOutOfRange,
          absl::StrCat("is ", *v, "; bounds must be within ±", kMaxFigure));
  }
}

void CheckNotAfter(Errors& e, const std::string& field, Date d, Date today,
                   std::string_view why) {
  if (d > today) {
    e.Add(field, reason::kDateInFuture,
          absl::StrCat(d.ToString(), " is after today (", today.ToString(),
                       "); ", std::string(why)));
  }
}

void CheckRegion(Errors& e, const std::string& field, const std::string& code,
                 const RegionTable& regions) {
  const RegionTable::Region* r = regions.Find(code);
  if (r == nullptr) {
    e.Add(field, reason::kUnknownRegionCode,
          absl::StrCat("unknown region code \"", code,
                       "\" (expected a 2-digit 시도 or 5-digit 시군구 "
                       "code of regions.csv)"));
  } else if (r->abolished) {
    e.Add(field, reason::kRetiredRegionCode,
          absl::StrCat("region code \"", code, "\" (", r->name,
                       ") is abolished"));
  }
}

void CheckIndustry(Errors& e, const std::string& field, const std::string& code,
                   const IndustryTable& industries) {
  if (!industries.IsValid(code)) {
    e.Add(field, reason::kUnknownKsicCode,
          absl::StrCat("unknown KSIC code \"", code,
                       "\" (expected a section letter or a 2-5 digit "
                       "code of KSIC 11th revision)"));
  }
}

void CheckPredicate(Errors& e, const std::string& field, const Predicate& p,
                    const Reference& ref, const Program& program) {
  if (static_cast<int>(p.fact) < 1 || static_cast<int>(p.fact) > kMaxFact) {
    e.Add(field + ".fact", reason::kInvalidValue,
          absl::StrCat("unknown fact ", static_cast<int>(p.fact)));
    return;
  }
  const Family family = FamilyOf(p.fact);
  const bool region = family == Family::kRegion;
  const bool industry = family == Family::kIndustry;
  const bool op_ok = Admits(p.fact, p.op);
  if (!op_ok) {
    e.Add(field + ".op", reason::kInvalidValue,
          absl::StrCat("operator ", static_cast<int>(p.op),
                       " does not apply to fact ", FactName(p.fact)));
    return;
  }
  if (!region && !p.region_groups.empty()) {
    e.Add(field + ".region_groups", reason::kFieldNotApplicable,
          "only region facts take region groups");
  }
  for (size_t i = 0; i < p.region_groups.size() && region; ++i) {
    if (ref.region_groups.Find(p.region_groups[i]) == nullptr) {
      e.Add(absl::StrCat(field, ".region_groups[", i, "]"),
            reason::kUnknownRegionGroup,
            absl::StrCat("unknown region group \"", p.region_groups[i],
                         "\" (see region_groups.csv)"));
    }
  }
  if (region || industry) {
    if (p.codes.empty() && p.region_groups.empty()) {
      e.Add(field + ".codes", reason::kFieldRequired, "must not be empty");
    }
    for (size_t i = 0; i < p.codes.size(); ++i) {
      const std::string f = absl::StrCat(field, ".codes[", i, "]");
      if (region) {
        CheckRegion(e, f, p.codes[i], ref.regions);
      } else {
        CheckIndustry(e, f, p.codes[i], ref.industries);
      }
    }
  }
  if (p.fact == Fact::kCertifications && p.certifications.empty()) {
    e.Add(field + ".certifications", reason::kFieldRequired,
          "must not be empty");
  }
  if (p.fact == Fact::kNeeds && p.needs.empty()) {
    e.Add(field + ".needs", reason::kFieldRequired, "must not be empty");
  }
  if (p.fact == Fact::kLegalForm && p.legal_forms.empty()) {
    e.Add(field + ".legal_forms", reason::kFieldRequired, "must not be empty");
  }
  if (p.fact == Fact::kQuestion) {
    const ProgramQuestion* q = FindQuestion(program, p.question);
    if (q == nullptr) {
      e.Add(field + ".question", reason::kInvalidValue,
            p.question.empty()
                ? std::string("must name one of the program's questions")
                : absl::StrCat("\"", p.question,
                               "\" is not a question of the program"));
    } else {
      bool fits = false;
      switch (q->type) {
        case QuestionType::kYesNo:
          fits = p.op == Op::kIsTrue || p.op == Op::kIsFalse;
          break;
        case QuestionType::kChoice:
          fits = p.op == Op::kIn || p.op == Op::kNotIn;
          break;
        case QuestionType::kNumber:
        case QuestionType::kDate:
          fits = p.op == Op::kRange;
          break;
      }
      if (!fits) {
        e.Add(field + ".op", reason::kInvalidValue,
              absl::StrCat("operator ", static_cast<int>(p.op),
                           " does not fit question \"", q->id, "\"'s type"));
      }
      if (q->type != QuestionType::kChoice && !p.codes.empty()) {
        e.Add(field + ".codes", reason::kFieldNotApplicable,
              absl::StrCat("question \"", q->id,
                           "\" is not one of a list: it takes no codes"));
      }
      if (q->type == QuestionType::kChoice) {
        if (p.codes.empty())
          e.Add(field + ".codes", reason::kFieldRequired, "must not be empty");
        for (size_t i = 0; i < p.codes.size(); ++i) {
          if (std::find(q->choices.begin(), q->choices.end(), p.codes[i]) ==
              q->choices.end()) {
            e.Add(absl::StrCat(field, ".codes[", i, "]"), reason::kInvalidValue,
                  absl::StrCat("\"", p.codes[i], "\" is not a choice of \"",
                               q->id, "\""));
          }
        }
      }
    }
  } else if (!p.question.empty()) {
    e.Add(field + ".question", reason::kFieldNotApplicable,
          "only FACT_QUESTION names a question");
  }
  if (p.fact != Fact::kLegalForm && !p.legal_forms.empty()) {
    e.Add(field + ".legal_forms", reason::kFieldNotApplicable,
          "only FACT_LEGAL_FORM takes legal forms");
  }
  if (p.fact != Fact::kCertifications && !p.certifications.empty()) {
    e.Add(field + ".certifications", reason::kFieldNotApplicable,
          "only FACT_CERTIFICATIONS takes certifications");
  }
  if (p.fact != Fact::kNeeds && !p.needs.empty()) {
    e.Add(field + ".needs", reason::kFieldNotApplicable,
          "only FACT_NEEDS takes needs");
  }
  if (p.fact != Fact::kSizeClass && !p.size_classes.empty()) {
    e.Add(field + ".size_classes", reason::kFieldNotApplicable,
          "only FACT_SIZE_CLASS takes size classes");
  }
  // Codes are region and KSIC codes, program-id prefixes of history facts,
  // and the choices of a question of that type; anything else would be
  // ignored, so it is refused.
  const bool takes_codes = region || industry || family == Family::kHistory ||
                           family == Family::kQuestion;
  if (!takes_codes && !p.codes.empty()) {
    e.Add(field + ".codes", reason::kFieldNotApplicable,
          absl::StrCat(FactName(p.fact), " takes no codes"));
  }
  if (p.fact == Fact::kSizeClass && p.size_classes.empty()) {
    e.Add(field + ".size_classes", reason::kFieldRequired, "must not be empty");
  }
  if (p.op == Op::kRange) {
    if (!p.min && !p.max) {
      e.Add(field, reason::kFieldRequired, "a range needs min or max");
    } else if (p.min && p.max && *p.min > *p.max) {
      e.Add(field + ".max", reason::kRangeReversed,
            absl::StrCat("max ", *p.max, " is below min ", *p.min));
    }
    CheckBound(e, field + ".min", p.min);
    CheckBound(e, field + ".max", p.max);
    if (p.fact == Fact::kBusinessAgeMonths &&
        ((p.min && (*p.min < 0 || *p.min > 1200)) ||
         (p.max && (*p.max < 0 || *p.max > 1200)))) {
      e.Add(field, reason::kValueOutOfRange,
            "business age bounds must be 0-1200 months");
    }
  }
  for (size_t i = 0; i < p.codes.size() && !region && !industry; ++i) {
    if (p.codes[i].empty()) {
      e.Add(absl::StrCat(field, ".codes[", i, "]"), reason::kFieldRequired,
            "must not be empty");
    }
  }
  CheckList(e, field + ".codes", p.codes.size(), 500);
}

void CheckCondition(Errors& e, const std::string& field, const Condition& c,
                    const Reference& ref, const Program& program, int depth) {
  if (depth > kMaxConditionDepth) {
    e.Add(field, reason::kConditionTooDeep,
          absl::StrCat("nests deeper than ", kMaxConditionDepth, " levels"));
    return;
  }
  switch (c.kind) {
    case Condition::Kind::kPredicate:
      CheckPredicate(e, field + ".predicate", c.predicate, ref, program);
      return;
    case Condition::Kind::kAll:
    case Condition::Kind::kAny:
    case Condition::Kind::kNone: {
      const char* name = c.kind == Condition::Kind::kAll   ? ".all"
                         : c.kind == Condition::Kind::kAny ? ".any"
                                                           : ".none";
      if (c.children.empty()) {
        e.Add(field + name + ".items", reason::kFieldRequired,
              "must not be empty");
      }
      CheckList(e, field + name + ".items", c.children.size());
      for (size_t i = 0; i < c.children.size(); ++i) {
        CheckCondition(e, absl::StrCat(field, name, ".items[", i, "]"),
                       c.children[i], ref, program, depth + 1);
      }
      return;
    }
  }
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// An id field: 1-64 characters of [A-Za-z0-9._:-].
void CheckId(Errors& e, const std::string& field, std::string_view id) {
  if (!IsValidId(id)) {
    e.Add(field, id.empty() ? reason::kFieldRequired : reason::kBadId,
          id.empty() ? "must not be empty"
                     : "must be 1-64 characters of [A-Za-z0-9._:-]");
  }
}

bool IsValidBusinessNumber(std::string_view d) {
  if (d.size() != 10) return false;
  for (char c : d) {
    if (c < '0' || c > '9') return false;
  }
  static constexpr int kWeights[9] = {1, 3, 7, 1, 3, 7, 1, 3, 5};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * kWeights[i];
  sum += ((d[8] - '0') * 5) / 10;
  return (10 - sum % 10) % 10 == d[9] - '0';
}

void ValidateCompany(const Company& c, const Reference& ref, Date today,
                     std::vector<FieldError>* errors) {
  Errors e(errors);
  CheckId(e, "company.id", c.id);
  CheckText(e, "company.name", c.name, 400);
  if (c.business_number && !IsValidBusinessNumber(*c.business_number)) {
    e.Add("company.business_number", reason::kBadBusinessNumber,
          absl::StrCat("\"", *c.business_number,
                       "\" is not a valid 사업자등록번호 (10 digits with a "
                       "valid check digit)"));
  }
  if (c.corporate_number) {
    bool ok = c.corporate_number->size() == 13;
    for (char ch : *c.corporate_number) ok = ok && ch >= '0' && ch <= '9';
    if (!ok) {
      e.Add("company.corporate_number", reason::kBadCorporateNumber,
            "must be 13 digits (법인등록번호)");
    }
  }
  if (c.head_office_region) {
    CheckRegion(e, "company.head_office_region", *c.head_office_region,
                ref.regions);
  }
  if (c.site_regions) {
    CheckList(e, "company.site_regions.codes", c.site_regions->size());
    for (size_t i = 0; i < c.site_regions->size(); ++i) {
      CheckRegion(e, absl::StrCat("company.site_regions.codes[", i, "]"),
                  (*c.site_regions)[i], ref.regions);
    }
  }
  if (c.primary_industry) {
    CheckIndustry(e, "company.primary_industry", *c.primary_industry,
                  ref.industries);
  }
  CheckList(e, "company.secondary_industries", c.secondary_industries.size(),
            20);
  for (size_t i = 0; i < c.secondary_industries.size(); ++i) {
    CheckIndustry(e, absl::StrCat("company.secondary_industries[", i, "]"),
                  c.secondary_industries[i], ref.industries);
  }
  if (c.founded_on && c.prospective_founder && *c.prospective_founder) {
    e.Add("company.prospective_founder", reason::kConflictingFields,
          "a company with founded_on is not a 예비창업자; set one of them");
  }
  if (c.founded_on && c.founded_on->year() < 1900) {
    e.Add("company.founded_on", reason::kValueOutOfRange,
          "must be 1900-01-01 or later");
  } else if (c.founded_on) {
    CheckNotAfter(e, "company.founded_on", *c.founded_on, today,
                  "a company not yet registered is a 예비창업자 "
                  "(prospective_founder)");
  }
  CheckList(e, "company.ceos", c.ceos.size(), 10);
  for (size_t i = 0; i < c.ceos.size(); ++i) {
    const std::string f = absl::StrCat("company.ceos[", i, "].birth_date");
    if (c.ceos[i].birth_date && c.ceos[i].birth_date->year() < 1900) {
      e.Add(f, reason::kValueOutOfRange, "must be 1900-01-01 or later");
    } else if (c.ceos[i].birth_date) {
      CheckNotAfter(e, f, *c.ceos[i].birth_date, today,
                    "a birth date cannot be in the future");
    }
  }
  CheckList(e, "company.fiscal_years", c.fiscal_years.size(), 50);
  std::set<int> years;
  for (size_t i = 0; i < c.fiscal_years.size(); ++i) {
    const FiscalYear& fy = c.fiscal_years[i];
    const std::string f = absl::StrCat("company.fiscal_years[", i, "]");
    if (fy.year < 1900 || fy.year > 2200) {
      e.Add(f + ".year", reason::kValueOutOfRange,
            absl::StrCat("must be 1900-2200, got ", fy.year));
    } else if (!years.insert(fy.year).second) {
      e.Add(f + ".year", reason::kDuplicateEntry,
            absl::StrCat("year ", fy.year, " appears twice"));
    }
    if (fy.revenue_won)
      CheckNonNegative(e, f + ".revenue_won", *fy.revenue_won);
    if (fy.exports_usd)
      CheckNonNegative(e, f + ".exports_usd", *fy.exports_usd);
    if (fy.liabilities_won) {
      CheckNonNegative(e, f + ".liabilities_won", *fy.liabilities_won);
    }
    CheckBound(e, f + ".equity_won", fy.equity_won);
    if (fy.rnd_spend_won) {
      CheckNonNegative(e, f + ".rnd_spend_won", *fy.rnd_spend_won);
    }
  }
  if (c.total_assets_won) {
    CheckNonNegative(e, "company.total_assets_won", *c.total_assets_won);
  }
  if (c.regular_employees) {
    CheckNonNegative(e, "company.regular_employees", *c.regular_employees,
                     kMaxEmployees);
  }
  if (c.regular_employees_last_year) {
    CheckNonNegative(e, "company.regular_employees_last_year",
                     *c.regular_employees_last_year, kMaxEmployees);
  }
  if (c.patents) {
    CheckNonNegative(e, "company.patents", *c.patents, kMaxEmployees);
  }
  if (c.insured_employees) {
    CheckNonNegative(e, "company.insured_employees", *c.insured_employees,
                     kMaxEmployees);
  }
  if (c.factory_regions) {
    CheckList(e, "company.factory_regions.codes", c.factory_regions->size());
    for (size_t i = 0; i < c.factory_regions->size(); ++i) {
      CheckRegion(e, absl::StrCat("company.factory_regions.codes[", i, "]"),
                  (*c.factory_regions)[i], ref.regions);
    }
  }
  CheckList(e, "company.answers", c.answers.size(), 200);
  for (const auto& [id, a] : c.answers) {
    const std::string f =
        absl::StrCat("company.answers[\"", id.substr(0, 64), "\"]");
    if (!IsValidId(id)) {
      e.Add(f, reason::kBadId,
            "a question id is 1-64 characters of [A-Za-z0-9._:-]");
    }
    const int values = a.yes.has_value() + a.choice.has_value() +
                       a.number.has_value() + a.date.has_value();
    if (values != 1)
      e.Add(f, reason::kFieldRequired,
            "must hold one value (yes, choice, number or date)");
    if (a.choice) CheckText(e, f + ".choice", *a.choice, 200);
    if (a.number) CheckBound(e, f + ".number", a.number);
  }
  if (c.in_restricted_group == true && c.independent == true) {
    e.Add("company.independent", reason::kConflictingFields,
          "a member of a 상호출자제한기업집단 (in_restricted_group) is not "
          "independent; set one of them");
  }
  if (c.certifications) {
    CheckList(e, "company.certifications.items", c.certifications->size());
    for (size_t i = 0; i < c.certifications->size(); ++i) {
      const CertificationGrant& g = (*c.certifications)[i];
      if (g.valid_from && g.valid_to && *g.valid_to < *g.valid_from) {
        e.Add(absl::StrCat("company.certifications.items[", i, "].valid_to"),
              reason::kRangeReversed,
              absl::StrCat("ends ", g.valid_to->ToString(),
                           " before it starts ", g.valid_from->ToString()));
      }
    }
  }
  if (c.participations) {
    CheckList(e, "company.participations.items", c.participations->size(),
              kMaxParticipations);
    for (size_t i = 0; i < c.participations->size(); ++i) {
      const Participation& p = (*c.participations)[i];
      const std::string f =
          absl::StrCat("company.participations.items[", i, "]");
      if (p.program_id.empty())
        e.Add(f + ".program_id", reason::kFieldRequired, "must not be empty");
      CheckText(e, f + ".program_id", p.program_id, 200);
      if (p.year < 1900 || p.year > 2200) {
        e.Add(f + ".year", reason::kValueOutOfRange,
              absl::StrCat("must be 1900-2200, got ", p.year));
      }
      CheckNonNegative(e, f + ".amount_won", p.amount_won);
    }
  }
  if (c.needs) CheckList(e, "company.needs.items", c.needs->size(), 50);
}

void ValidateProgram(const Program& p, const Reference& ref,
                     std::vector<FieldError>* errors) {
  Errors e(errors);
  CheckId(e, "program.id", p.id);
  if (p.title.empty())
    e.Add("program.title", reason::kFieldRequired, "must not be empty");
  CheckText(e, "program.title", p.title, 400);
  const Window& w = p.window;
  if (w.kind == WindowKind::kFixed && w.rounds.empty() && !w.closes_on) {
    e.Add("program.window.closes_on", reason::kFieldRequired,
          "a fixed window needs closes_on (or intake rounds)");
  }
  if (w.kind == WindowKind::kMonthly) {
    if (w.monthly_from_day < 1 || w.monthly_from_day > 31) {
      e.Add("program.window.monthly_from_day", reason::kValueOutOfRange,
            absl::StrCat("a monthly window opens on a day 1-31, got ",
                         w.monthly_from_day));
    }
    if (w.monthly_to_day < 1 || w.monthly_to_day > 31) {
      e.Add("program.window.monthly_to_day", reason::kValueOutOfRange,
            absl::StrCat("a monthly window closes on a day 1-31, got ",
                         w.monthly_to_day));
    } else if (w.monthly_to_day < w.monthly_from_day) {
      e.Add("program.window.monthly_to_day", reason::kRangeReversed,
            absl::StrCat("day ", w.monthly_to_day,
                         " is before the opening day ", w.monthly_from_day));
    }
  } else if (w.monthly_from_day != 0 || w.monthly_to_day != 0) {
    e.Add("program.window.monthly_from_day", reason::kFieldNotApplicable,
          "only a monthly window (WINDOW_KIND_MONTHLY) has days of the month");
  }
  if (w.opens_on && w.closes_on && *w.closes_on < *w.opens_on) {
    e.Add("program.window.closes_on", reason::kRangeReversed,
          absl::StrCat("ends ", w.closes_on->ToString(), " before it opens ",
                       w.opens_on->ToString()));
  }
  CheckList(e, "program.window.rounds", w.rounds.size(), 50);
  for (size_t i = 0; i < w.rounds.size(); ++i) {
    if (w.rounds[i].closes_on < w.rounds[i].opens_on) {
      e.Add(absl::StrCat("program.window.rounds[", i, "].closes_on"),
            reason::kRangeReversed,
            absl::StrCat("ends ", w.rounds[i].closes_on.ToString(),
                         " before it opens ", w.rounds[i].opens_on.ToString()));
    }
  }
  if (p.effective_from && p.effective_to &&
      *p.effective_to < *p.effective_from) {
    e.Add("program.effective_to", reason::kRangeReversed,
          absl::StrCat("ends ", p.effective_to->ToString(), " before ",
                       "effective_from ", p.effective_from->ToString()));
  }
  if (p.max_amount_won) {
    CheckNonNegative(e, "program.benefit.max_amount_won", *p.max_amount_won);
  }
  CheckNonNegative(e, "program.bonus_cap", p.bonus_cap, kMaxBonusCap);
  CheckList(e, "program.rules", p.rules.size(), kMaxRules);
  CheckList(e, "program.tags", p.tags.size(), 20);
  CheckList(e, "program.questions", p.questions.size(), 50);
  std::set<std::string> question_ids;
  for (size_t i = 0; i < p.questions.size(); ++i) {
    const ProgramQuestion& q = p.questions[i];
    const std::string f = absl::StrCat("program.questions[", i, "]");
    CheckId(e, f + ".id", q.id);
    if (IsValidId(q.id) && !question_ids.insert(q.id).second) {
      e.Add(f + ".id", reason::kDuplicateEntry,
            absl::StrCat("question id \"", q.id, "\" appears twice"));
    }
    if (q.text.empty())
      e.Add(f + ".text", reason::kFieldRequired, "must not be empty");
    CheckText(e, f + ".text", q.text, 400);
    CheckText(e, f + ".unit", q.unit, 20);
    if (q.type == QuestionType::kChoice) {
      if (q.choices.empty())
        e.Add(f + ".choices", reason::kFieldRequired, "must not be empty");
      CheckList(e, f + ".choices", q.choices.size(), 50);
      std::set<std::string> seen;
      for (size_t j = 0; j < q.choices.size(); ++j) {
        const std::string cf = absl::StrCat(f, ".choices[", j, "]");
        if (q.choices[j].empty())
          e.Add(cf, reason::kFieldRequired, "must not be empty");
        CheckText(e, cf, q.choices[j], 200);
        if (!seen.insert(q.choices[j]).second) {
          e.Add(cf, reason::kDuplicateEntry,
                absl::StrCat("\"", q.choices[j], "\" appears twice"));
        }
      }
    } else if (!q.choices.empty()) {
      e.Add(f + ".choices", reason::kFieldNotApplicable,
            "only a choice question has choices");
    }
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const Rule& r = p.rules[i];
    const std::string f = absl::StrCat("program.rules[", i, "]");
    CheckId(e, f + ".id", r.id);
    if (IsValidId(r.id) && !ids.insert(r.id).second) {
      e.Add(f + ".id", reason::kDuplicateEntry,
            absl::StrCat("rule id \"", r.id, "\" appears twice"));
    }
    if (r.label.empty())
      e.Add(f + ".label", reason::kFieldRequired, "must not be empty");
    CheckText(e, f + ".label", r.label, 400);
    CheckText(e, f + ".evidence", r.evidence);
    if (r.kind == RuleKind::kBonus &&
        (r.points <= 0 || r.points > kMaxBonusPoints)) {
      e.Add(f + ".points", reason::kValueOutOfRange,
            absl::StrCat("a bonus rule needs 1-", kMaxBonusPoints,
                         " points, got ", r.points));
    }
    if (r.kind != RuleKind::kBonus && r.points != 0) {
      e.Add(f + ".points", reason::kFieldNotApplicable,
            "only bonus rules carry points");
    }
    CheckCondition(e, f + ".condition", r.condition, ref, p, 1);
  }
}

}  // namespace jiwon::engine
