#include "server/convert.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/facts/fact_table.h"
#include "engine/vocabulary.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace jiwon::server {
namespace {

using engine::FieldError;
namespace reason = engine::reason;

class Converter {
 public:
  explicit Converter(std::vector<FieldError>* errors) : errors_(errors) {}

  std::optional<engine::Date> Date(const std::string& field,
                                   const std::string& text) {
    return ParseDateField(field, text, errors_);
  }

  template <typename T>
  std::optional<T> Enum(const std::string& field, int value, int max) {
    if (value <= 0 || value > max) {
      errors_->push_back(
          {field,
           value == 0 ? std::string("must be set")
                      : absl::StrCat("unknown value ", value),
           value == 0 ? reason::kFieldRequired : reason::kInvalidValue});
      return std::nullopt;
    }
    return static_cast<T>(value);
  }

  void Error(std::string field, std::string_view reason, std::string message) {
    errors_->push_back({std::move(field), std::move(message), reason});
  }

  engine::Condition Condition(const std::string& field, const v1::Condition& in,
                              int depth);

 private:
  std::vector<FieldError>* errors_;
};

std::optional<bool> FlagValue(bool has, const v1::StandingFlag& flag) {
  if (!has || !flag.has_value()) return std::nullopt;
  return flag.value();
}

engine::Condition Converter::Condition(const std::string& field,
                                       const v1::Condition& in, int depth) {
  engine::Condition out;
  if (depth > engine::kMaxConditionDepth) {
    Error(field, reason::kConditionTooDeep,
          absl::StrCat("nests deeper than ", engine::kMaxConditionDepth,
                       " levels"));
    return out;
  }
  const v1::ConditionList* list = nullptr;
  std::string name;
  switch (in.node_case()) {
    case v1::Condition::kPredicate: {
      out.kind = engine::Condition::Kind::kPredicate;
      const v1::Predicate& p = in.predicate();
      const std::string f = field + ".predicate";
      engine::Predicate& q = out.predicate;
      if (auto fact =
              Enum<engine::Fact>(f + ".fact", p.fact(), engine::kMaxFact)) {
        q.fact = *fact;
      }
      if (auto op = Enum<engine::Op>(f + ".op", p.op(), engine::kMaxOp)) {
        q.op = *op;
      }
      q.codes.assign(p.codes().begin(), p.codes().end());
      q.region_groups.assign(p.region_groups().begin(),
                             p.region_groups().end());
      for (int i = 0; i < p.certifications_size(); ++i) {
        if (auto c = Enum<engine::Certification>(
                absl::StrCat(f, ".certifications[", i, "]"),
                p.certifications(i), engine::kMaxCertification)) {
          q.certifications.push_back(*c);
        }
      }
      for (int i = 0; i < p.needs_size(); ++i) {
        if (auto n = Enum<engine::Need>(absl::StrCat(f, ".needs[", i, "]"),
                                        p.needs(i), engine::kMaxNeed)) {
          q.needs.push_back(*n);
        }
      }
      for (int i = 0; i < p.legal_forms_size(); ++i) {
        if (auto l = Enum<engine::LegalForm>(
                absl::StrCat(f, ".legal_forms[", i, "]"), p.legal_forms(i),
                engine::kMaxLegalForm)) {
          q.legal_forms.push_back(*l);
        }
      }
      for (int i = 0; i < p.size_classes_size(); ++i) {
        if (auto s = Enum<engine::SizeClass>(
                absl::StrCat(f, ".size_classes[", i, "]"), p.size_classes(i),
                engine::kMaxSizeClass)) {
          q.size_classes.push_back(*s);
        }
      }
      if (p.has_min()) q.min = p.min();
      if (p.has_max()) q.max = p.max();
      q.min_exclusive = p.min_exclusive();
      q.max_exclusive = p.max_exclusive();
      q.question = p.question();
      q.quantifier = p.quantifier() == v1::QUANTIFIER_ANY
                         ? engine::Quantifier::kAny
                         : engine::Quantifier::kAll;
      return out;
    }
    case v1::Condition::kAll:
      out.kind = engine::Condition::Kind::kAll;
      list = &in.all();
      name = ".all";
      break;
    case v1::Condition::kAny:
      out.kind = engine::Condition::Kind::kAny;
      list = &in.any();
      name = ".any";
      break;
    case v1::Condition::kNone:
      out.kind = engine::Condition::Kind::kNone;
      list = &in.none();
      name = ".none";
      break;
    case v1::Condition::NODE_NOT_SET:
      Error(field, reason::kFieldRequired,
            "must be set (predicate, all, any or none)");
      return out;
  }
  for (int i = 0; i < list->items_size(); ++i) {
    out.children.push_back(
        Condition(absl::StrCat(field, name, ".items[", i, "]"), list->items(i),
                  depth + 1));
  }
  return out;
}

std::string Digits(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '-') out += c;
  }
  return out;
}

}  // namespace

void CheckUnknownFields(const google::protobuf::Message& m,
                        const std::string& path,
                        std::vector<FieldError>* errors) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = r->GetUnknownFields(m);
  for (int i = 0; i < unknown.field_count(); ++i) {
    errors->push_back(
        {path,
         absl::StrCat("has field number ", unknown.field(i).number(),
                      ", which ", m.GetDescriptor()->full_name(),
                      " does not define; it would not be stored"),
         reason::kUnknownField});
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string sub = absl::StrCat(path, ".", f->name());
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        CheckUnknownFields(r->GetRepeatedMessage(m, f, i),
                           absl::StrCat(sub, "[", i, "]"), errors);
      }
    } else {
      CheckUnknownFields(r->GetMessage(m, f), sub, errors);
    }
  }
}

std::optional<engine::Date> ParseDateField(std::string_view field,
                                           std::string_view text,
                                           std::vector<FieldError>* errors) {
  std::optional<engine::Date> d = engine::Date::Parse(text);
  if (!d) {
    errors->push_back(
        {std::string(field),
         absl::StrCat("\"", std::string(text),
                      "\" is not a calendar date in YYYY-MM-DD form"),
         reason::kInvalidDate});
  } else if (d->year() < kEarliestYear || d->year() > kLatestYear) {
    errors->push_back(
        {std::string(field),
         absl::StrCat("\"", std::string(text), "\" is outside ", kEarliestYear,
                      "-01-01 to ", kLatestYear, "-12-31"),
         reason::kValueOutOfRange});
    return std::nullopt;
  }
  return d;
}

void NormalizeCompany(v1::Company* c) {
  if (c->has_business_number()) {
    c->set_business_number(Digits(c->business_number()));
  }
  if (c->has_corporate_number()) {
    c->set_corporate_number(Digits(c->corporate_number()));
  }
}

engine::Company CompanyFromProto(const v1::Company& in,
                                 std::vector<FieldError>* errors) {
  Converter cv(errors);
  engine::Company c;
  c.id = in.id();
  c.name = in.name();
  if (in.has_business_number())
    c.business_number = Digits(in.business_number());
  if (in.has_corporate_number()) {
    c.corporate_number = Digits(in.corporate_number());
  }
  if (in.has_head_office_region())
    c.head_office_region = in.head_office_region();
  if (in.has_site_regions()) {
    c.site_regions.emplace(in.site_regions().codes().begin(),
                           in.site_regions().codes().end());
  }
  if (in.tags_size() > 16) {
    cv.Error("company.tags", reason::kListTooLong,
             absl::StrCat("at most 16 tags, got ", in.tags_size()));
  }
  for (int i = 0; i < in.tags_size(); ++i) {
    if (!engine::IsValidId(in.tags(i))) {
      cv.Error(absl::StrCat("company.tags[", i, "]"), reason::kBadId,
               "must be 1-64 characters of [A-Za-z0-9._:-]");
    }
    for (int j = 0; j < i; ++j) {
      if (in.tags(j) == in.tags(i)) {
        cv.Error(absl::StrCat("company.tags[", i, "]"), reason::kDuplicateEntry,
                 absl::StrCat("\"", in.tags(i), "\" repeats tags[", j, "]"));
        break;
      }
    }
  }
  if (in.has_primary_industry()) c.primary_industry = in.primary_industry();
  c.secondary_industries.assign(in.secondary_industries().begin(),
                                in.secondary_industries().end());
  if (in.has_founded_on()) {
    c.founded_on = cv.Date("company.founded_on", in.founded_on());
  }
  if (in.has_prospective_founder()) {
    c.prospective_founder = in.prospective_founder();
  }
  for (int i = 0; i < in.ceos_size(); ++i) {
    const v1::Ceo& ceo = in.ceos(i);
    engine::Ceo& out = c.ceos.emplace_back();
    if (ceo.has_birth_date()) {
      out.birth_date = cv.Date(absl::StrCat("company.ceos[", i, "].birth_date"),
                               ceo.birth_date());
    }
    if (ceo.gender() < 0 || ceo.gender() > 2) {
      cv.Error(absl::StrCat("company.ceos[", i, "].gender"),
               reason::kInvalidValue,
               absl::StrCat("unknown value ", ceo.gender()));
    } else {
      out.gender = static_cast<engine::Gender>(ceo.gender());
    }
    if (ceo.has_disabled()) out.disabled = ceo.disabled();
  }
  for (const v1::FiscalYear& fy : in.fiscal_years()) {
    engine::FiscalYear& out = c.fiscal_years.emplace_back();
    out.year = fy.year();
    if (fy.has_revenue_won()) out.revenue_won = fy.revenue_won();
    if (fy.has_exports_usd()) out.exports_usd = fy.exports_usd();
    if (fy.has_rnd_spend_won()) out.rnd_spend_won = fy.rnd_spend_won();
    if (fy.has_liabilities_won()) out.liabilities_won = fy.liabilities_won();
    if (fy.has_equity_won()) out.equity_won = fy.equity_won();
  }
  if (in.has_total_assets_won()) c.total_assets_won = in.total_assets_won();
  if (in.has_regular_employees()) c.regular_employees = in.regular_employees();
  if (in.has_employees_counted_on()) {
    c.employees_counted_on =
        cv.Date("company.employees_counted_on", in.employees_counted_on());
  }
  if (in.has_regular_employees_last_year()) {
    c.regular_employees_last_year = in.regular_employees_last_year();
  }
  if (in.has_independent()) c.independent = in.independent();
  if (in.has_certifications()) {
    c.certifications.emplace();
    for (int i = 0; i < in.certifications().items_size(); ++i) {
      const v1::Certification& g = in.certifications().items(i);
      const std::string f =
          absl::StrCat("company.certifications.items[", i, "]");
      engine::CertificationGrant out;
      auto kind = cv.Enum<engine::Certification>(f + ".kind", g.kind(),
                                                 engine::kMaxCertification);
      if (kind) out.kind = *kind;
      if (g.has_valid_from())
        out.valid_from = cv.Date(f + ".valid_from", g.valid_from());
      if (g.has_valid_to())
        out.valid_to = cv.Date(f + ".valid_to", g.valid_to());
      if (kind) c.certifications->push_back(out);
    }
  }
  if (in.has_patents()) c.patents = in.patents();
  if (in.has_insured_employees()) c.insured_employees = in.insured_employees();
  if (in.has_factory_regions()) {
    c.factory_regions.emplace(in.factory_regions().codes().begin(),
                              in.factory_regions().codes().end());
  }
  if (in.has_restart()) c.restart = in.restart();
  if (in.legal_form() != v1::LEGAL_FORM_UNSPECIFIED) {
    c.legal_form = cv.Enum<engine::LegalForm>(
        "company.legal_form", in.legal_form(), engine::kMaxLegalForm);
  }
  if (in.has_in_restricted_group()) {
    c.in_restricted_group = in.in_restricted_group();
  }
  if (in.has_owned_by_restricted_group()) {
    c.owned_by_restricted_group = in.owned_by_restricted_group();
  }
  c.tax_arrears = FlagValue(in.has_tax_arrears(), in.tax_arrears());
  c.loan_default = FlagValue(in.has_loan_default(), in.loan_default());
  c.suspended_or_closed =
      FlagValue(in.has_suspended_or_closed(), in.suspended_or_closed());
  c.participation_banned =
      FlagValue(in.has_participation_banned(), in.participation_banned());
  if (in.has_participations()) {
    c.participations.emplace();
    for (const v1::Participation& p : in.participations().items()) {
      c.participations->push_back({p.program_id(), p.year(), p.amount_won()});
    }
  }
  if (in.has_needs()) {
    c.needs.emplace();
    for (int i = 0; i < in.needs().items_size(); ++i) {
      if (auto n = cv.Enum<engine::Need>(
              absl::StrCat("company.needs.items[", i, "]"), in.needs().items(i),
              engine::kMaxNeed)) {
        c.needs->push_back(*n);
      }
    }
  }
  for (const auto& [id, a] : in.answers()) {
    engine::Answer& out = c.answers[id];
    switch (a.value_case()) {
      case v1::Answer::kYes:
        out.yes = a.yes();
        break;
      case v1::Answer::kChoice:
        out.choice = a.choice();
        break;
      case v1::Answer::kNumber:
        out.number = a.number();
        break;
      case v1::Answer::kDate:
        out.date = cv.Date(
            absl::StrCat("company.answers[\"", id.substr(0, 64), "\"].date"),
            a.date());
        break;
      case v1::Answer::VALUE_NOT_SET:
        break;  // validation names it
    }
  }
  return c;
}

engine::Program ProgramFromProto(const v1::Program& in,
                                 std::vector<FieldError>* errors) {
  Converter cv(errors);
  engine::Program p;
  p.id = in.id();
  p.title = in.title();
  p.agency = in.agency();
  p.url = in.url();
  p.contact = in.contact();
  p.window_note = in.window().note();
  p.benefit = in.benefit().description();
  p.subcategory = in.subcategory();
  p.summary = in.summary();
  if (auto cat = CategoryFromProto(in.category())) {
    p.category = *cat;
  } else {
    cv.Error(
        "program.category",
        in.category() == 0 ? reason::kFieldRequired : reason::kInvalidValue,
        in.category() == 0 ? std::string("must be set")
                           : absl::StrCat("unknown value ", in.category()));
  }
  for (int i = 0; i < in.tags_size(); ++i) {
    if (auto n = cv.Enum<engine::Need>(absl::StrCat("program.tags[", i, "]"),
                                       in.tags(i), engine::kMaxNeed)) {
      p.tags.push_back(*n);
    }
  }
  if (in.has_announced_on()) {
    p.announced_on = cv.Date("program.announced_on", in.announced_on());
  }
  const v1::ApplicationWindow& w = in.window();
  if (auto kind = cv.Enum<engine::WindowKind>("program.window.kind", w.kind(),
                                              engine::kMaxWindowKind)) {
    p.window.kind = *kind;
  }
  if (w.has_opens_on()) {
    p.window.opens_on = cv.Date("program.window.opens_on", w.opens_on());
  }
  if (w.has_closes_on()) {
    p.window.closes_on = cv.Date("program.window.closes_on", w.closes_on());
  }
  for (int i = 0; i < w.rounds_size(); ++i) {
    const std::string f = absl::StrCat("program.window.rounds[", i, "]");
    auto opens = cv.Date(f + ".opens_on", w.rounds(i).opens_on());
    auto closes = cv.Date(f + ".closes_on", w.rounds(i).closes_on());
    if (opens && closes) {
      p.window.rounds.push_back({w.rounds(i).name(), *opens, *closes});
    }
  }
  p.window.budget_exhausted = w.budget_exhausted();
  p.window.monthly_from_day = w.monthly_from_day();
  p.window.monthly_to_day = w.monthly_to_day();
  if (in.benefit().has_max_amount_won()) {
    p.max_amount_won = in.benefit().max_amount_won();
  }
  if (in.benefit().has_cofunding_percent() &&
      (in.benefit().cofunding_percent() < 0 ||
       in.benefit().cofunding_percent() > 100)) {
    cv.Error(
        "program.benefit.cofunding_percent", reason::kValueOutOfRange,
        absl::StrCat("must be 0-100, got ", in.benefit().cofunding_percent()));
  }
  if (in.benefit().kind() < 0 || in.benefit().kind() > 7) {
    cv.Error("program.benefit.kind", reason::kInvalidValue,
             absl::StrCat("unknown value ", in.benefit().kind()));
  }
  for (int i = 0; i < in.rules_size(); ++i) {
    const v1::Rule& r = in.rules(i);
    const std::string f = absl::StrCat("program.rules[", i, "]");
    engine::Rule& out = p.rules.emplace_back();
    out.id = r.id();
    if (auto kind = cv.Enum<engine::RuleKind>(f + ".kind", r.kind(), 4)) {
      out.kind = *kind;
    }
    out.label = r.label();
    out.evidence = r.evidence();
    out.points = r.points();
    if (!r.has_condition()) {
      cv.Error(f + ".condition", reason::kFieldRequired, "must be set");
    } else {
      out.condition = cv.Condition(f + ".condition", r.condition(), 1);
    }
  }
  p.bonus_cap = in.bonus_cap();
  for (int i = 0; i < in.questions_size(); ++i) {
    const v1::ProgramQuestion& q = in.questions(i);
    engine::ProgramQuestion& out = p.questions.emplace_back();
    out.id = q.id();
    out.text = q.text();
    if (auto type = cv.Enum<engine::QuestionType>(
            absl::StrCat("program.questions[", i, "].type"), q.type(),
            engine::kMaxQuestionType)) {
      out.type = *type;
    }
    out.choices.assign(q.choices().begin(), q.choices().end());
    out.unit = q.unit();
  }
  switch (in.reference_date()) {
    case v1::REFERENCE_DATE_ANNOUNCEMENT:
      p.reference_date = engine::ReferenceDateKind::kAnnouncement;
      break;
    case v1::REFERENCE_DATE_DEADLINE:
      p.reference_date = engine::ReferenceDateKind::kDeadline;
      break;
    case v1::REFERENCE_DATE_UNSPECIFIED:
    case v1::REFERENCE_DATE_APPLICATION:
      p.reference_date = engine::ReferenceDateKind::kApplication;
      break;
    default:
      cv.Error("program.reference_date", reason::kInvalidValue,
               absl::StrCat("unknown value ", in.reference_date()));
  }
  if (in.has_effective_from()) {
    p.effective_from = cv.Date("program.effective_from", in.effective_from());
  }
  if (in.has_effective_to()) {
    p.effective_to = cv.Date("program.effective_to", in.effective_to());
  }
  p.version = in.version();
  return p;
}

namespace {

void StandingToProto(std::optional<bool> v, v1::StandingFlag* out) {
  if (v) out->set_value(*v);
}

void ConditionToProto(const engine::Condition& c, v1::Condition* out) {
  if (c.kind == engine::Condition::Kind::kPredicate) {
    const engine::Predicate& p = c.predicate;
    v1::Predicate* q = out->mutable_predicate();
    q->set_fact(static_cast<v1::Fact>(p.fact));
    q->set_op(static_cast<v1::Operator>(p.op));
    for (const std::string& code : p.codes) q->add_codes(code);
    for (const std::string& g : p.region_groups) q->add_region_groups(g);
    for (auto cert : p.certifications) {
      q->add_certifications(static_cast<v1::CertificationKind>(cert));
    }
    for (auto n : p.needs) q->add_needs(static_cast<v1::Need>(n));
    for (auto form : p.legal_forms) {
      q->add_legal_forms(static_cast<v1::LegalForm>(form));
    }
    for (auto sc : p.size_classes) {
      q->add_size_classes(static_cast<v1::SizeClass>(sc));
    }
    if (p.min) q->set_min(*p.min);
    if (p.max) q->set_max(*p.max);
    q->set_min_exclusive(p.min_exclusive);
    q->set_max_exclusive(p.max_exclusive);
    q->set_quantifier(p.quantifier == engine::Quantifier::kAny
                          ? v1::QUANTIFIER_ANY
                          : v1::QUANTIFIER_ALL);
    if (!p.question.empty()) q->set_question(p.question);
    return;
  }
  v1::ConditionList* list =
      c.kind == engine::Condition::Kind::kAll   ? out->mutable_all()
      : c.kind == engine::Condition::Kind::kAny ? out->mutable_any()
                                                : out->mutable_none();
  for (const engine::Condition& child : c.children) {
    ConditionToProto(child, list->add_items());
  }
}

}  // namespace

v1::Company CompanyToProto(const engine::Company& c) {
  v1::Company out;
  out.set_id(c.id);
  out.set_name(c.name);
  if (c.business_number) out.set_business_number(*c.business_number);
  if (c.corporate_number) out.set_corporate_number(*c.corporate_number);
  if (c.head_office_region) out.set_head_office_region(*c.head_office_region);
  if (c.site_regions) {
    v1::RegionList* sites = out.mutable_site_regions();
    for (const std::string& s : *c.site_regions) sites->add_codes(s);
  }
  if (c.primary_industry) out.set_primary_industry(*c.primary_industry);
  for (const std::string& s : c.secondary_industries) {
    out.add_secondary_industries(s);
  }
  if (c.founded_on) out.set_founded_on(c.founded_on->ToString());
  if (c.prospective_founder)
    out.set_prospective_founder(*c.prospective_founder);
  for (const engine::Ceo& ceo : c.ceos) {
    v1::Ceo* o = out.add_ceos();
    if (ceo.birth_date) o->set_birth_date(ceo.birth_date->ToString());
    o->set_gender(static_cast<v1::Gender>(ceo.gender));
    if (ceo.disabled) o->set_disabled(*ceo.disabled);
  }
  for (const engine::FiscalYear& fy : c.fiscal_years) {
    v1::FiscalYear* o = out.add_fiscal_years();
    o->set_year(fy.year);
    if (fy.revenue_won) o->set_revenue_won(*fy.revenue_won);
    if (fy.exports_usd) o->set_exports_usd(*fy.exports_usd);
    if (fy.rnd_spend_won) o->set_rnd_spend_won(*fy.rnd_spend_won);
    if (fy.liabilities_won) o->set_liabilities_won(*fy.liabilities_won);
    if (fy.equity_won) o->set_equity_won(*fy.equity_won);
  }
  if (c.total_assets_won) out.set_total_assets_won(*c.total_assets_won);
  if (c.regular_employees) out.set_regular_employees(*c.regular_employees);
  if (c.employees_counted_on) {
    out.set_employees_counted_on(c.employees_counted_on->ToString());
  }
  if (c.regular_employees_last_year) {
    out.set_regular_employees_last_year(*c.regular_employees_last_year);
  }
  if (c.independent) out.set_independent(*c.independent);
  if (c.certifications) {
    v1::CertificationList* list = out.mutable_certifications();
    for (const engine::CertificationGrant& g : *c.certifications) {
      v1::Certification* o = list->add_items();
      o->set_kind(static_cast<v1::CertificationKind>(g.kind));
      if (g.valid_from) o->set_valid_from(g.valid_from->ToString());
      if (g.valid_to) o->set_valid_to(g.valid_to->ToString());
    }
  }
  if (c.patents) out.set_patents(*c.patents);
  if (c.insured_employees) out.set_insured_employees(*c.insured_employees);
  if (c.factory_regions) {
    v1::RegionList* factories = out.mutable_factory_regions();
    for (const std::string& s : *c.factory_regions) factories->add_codes(s);
  }
  if (c.restart) out.set_restart(*c.restart);
  if (c.legal_form) {
    out.set_legal_form(static_cast<v1::LegalForm>(*c.legal_form));
  }
  if (c.in_restricted_group) {
    out.set_in_restricted_group(*c.in_restricted_group);
  }
  if (c.owned_by_restricted_group) {
    out.set_owned_by_restricted_group(*c.owned_by_restricted_group);
  }
  if (c.tax_arrears) StandingToProto(c.tax_arrears, out.mutable_tax_arrears());
  if (c.loan_default) {
    StandingToProto(c.loan_default, out.mutable_loan_default());
  }
  if (c.suspended_or_closed) {
    StandingToProto(c.suspended_or_closed, out.mutable_suspended_or_closed());
  }
  if (c.participation_banned) {
    StandingToProto(c.participation_banned, out.mutable_participation_banned());
  }
  if (c.participations) {
    v1::ParticipationHistory* h = out.mutable_participations();
    for (const engine::Participation& p : *c.participations) {
      v1::Participation* o = h->add_items();
      o->set_program_id(p.program_id);
      o->set_year(p.year);
      o->set_amount_won(p.amount_won);
    }
  }
  if (c.needs) {
    v1::NeedList* needs = out.mutable_needs();
    for (engine::Need n : *c.needs) needs->add_items(static_cast<v1::Need>(n));
  }
  for (const auto& [id, a] : c.answers) {
    v1::Answer& o = (*out.mutable_answers())[id];
    if (a.yes) o.set_yes(*a.yes);
    if (a.choice) o.set_choice(*a.choice);
    if (a.number) o.set_number(*a.number);
    if (a.date) o.set_date(a.date->ToString());
  }
  return out;
}

v1::Program ProgramToProto(const engine::Program& p) {
  v1::Program out;
  out.set_id(p.id);
  out.set_title(p.title);
  out.set_agency(p.agency);
  out.set_url(p.url);
  out.set_contact(p.contact);
  out.mutable_window()->set_note(p.window_note);
  if (!p.benefit.empty()) out.mutable_benefit()->set_description(p.benefit);
  out.set_category(static_cast<v1::Category>(p.category));
  for (engine::Need t : p.tags) out.add_tags(static_cast<v1::Need>(t));
  if (p.announced_on) out.set_announced_on(p.announced_on->ToString());
  v1::ApplicationWindow* w = out.mutable_window();
  w->set_kind(static_cast<v1::WindowKind>(p.window.kind));
  if (p.window.opens_on) w->set_opens_on(p.window.opens_on->ToString());
  if (p.window.closes_on) w->set_closes_on(p.window.closes_on->ToString());
  for (const engine::IntakeRound& r : p.window.rounds) {
    v1::IntakeRound* o = w->add_rounds();
    o->set_name(r.name);
    o->set_opens_on(r.opens_on.ToString());
    o->set_closes_on(r.closes_on.ToString());
  }
  w->set_budget_exhausted(p.window.budget_exhausted);
  w->set_monthly_from_day(p.window.monthly_from_day);
  w->set_monthly_to_day(p.window.monthly_to_day);
  if (p.max_amount_won) {
    out.mutable_benefit()->set_max_amount_won(*p.max_amount_won);
  }
  for (const engine::Rule& r : p.rules) {
    v1::Rule* o = out.add_rules();
    o->set_id(r.id);
    o->set_kind(static_cast<v1::RuleKind>(r.kind));
    o->set_label(r.label);
    o->set_evidence(r.evidence);
    o->set_points(r.points);
    ConditionToProto(r.condition, o->mutable_condition());
  }
  out.set_bonus_cap(p.bonus_cap);
  for (const engine::ProgramQuestion& q : p.questions) {
    v1::ProgramQuestion* o = out.add_questions();
    o->set_id(q.id);
    o->set_text(q.text);
    o->set_type(static_cast<v1::QuestionType>(q.type));
    for (const std::string& c : q.choices) o->add_choices(c);
    o->set_unit(q.unit);
  }
  out.set_reference_date(static_cast<v1::ReferenceDate>(p.reference_date));
  if (p.effective_from) out.set_effective_from(p.effective_from->ToString());
  if (p.effective_to) out.set_effective_to(p.effective_to->ToString());
  out.set_version(p.version);
  return out;
}

std::optional<engine::Category> CategoryFromProto(int c) {
  if ((c >= 1 && c <= 7) || c == 9) return static_cast<engine::Category>(c);
  return std::nullopt;
}

v1::WindowStatus WindowStatusToProto(engine::WindowStatus s) {
  return static_cast<v1::WindowStatus>(static_cast<int>(s));
}

std::optional<engine::WindowStatus> WindowStatusFromProto(v1::WindowStatus s) {
  if (s >= 1 && s <= 3) return static_cast<engine::WindowStatus>(s);
  return std::nullopt;
}

void OutcomeToProto(const engine::ProgramOutcome& o, v1::ProgramMatch* out) {
  const engine::Program& p = *o.program;
  out->set_program_id(p.id);
  out->set_title(p.title);
  out->set_agency(p.agency);
  out->set_category(static_cast<v1::Category>(p.category));
  out->set_eligibility(static_cast<v1::Eligibility>(o.eligibility));
  out->set_score(o.score);
  out->set_bonus_points(o.bonus_points);
  out->set_window_status(WindowStatusToProto(o.window));
  if (p.window.opens_on) out->set_opens_on(p.window.opens_on->ToString());
  if (std::optional<engine::Date> closes =
          engine::ClosingDate(p.window, o.reference_date)) {
    out->set_closes_on(closes->ToString());
  }
  out->set_reference_date(o.reference_date.ToString());
  out->set_program_version(p.version);
  out->set_url(p.url);
  out->set_window_kind(static_cast<v1::WindowKind>(p.window.kind));
  out->set_window_note(p.window_note);
  out->set_contact(p.contact);
  out->set_benefit(p.benefit);
  if (p.max_amount_won) out->set_max_amount_won(*p.max_amount_won);
  for (engine::Fact f : o.missing_facts) {
    out->add_missing_facts(static_cast<v1::Fact>(f));
  }
  for (const engine::ProgramQuestion* q : o.missing_questions) {
    v1::MissingQuestion* m = out->add_missing_questions();
    m->set_id(q->id);
    m->set_text(q->text);
  }
  if (o.near_miss) {
    v1::NearMiss* nm = out->mutable_near_miss();
    nm->set_result(static_cast<v1::Eligibility>(o.near_miss->result));
    nm->set_gap_permille(o.near_miss->gap_permille);
    for (const engine::Change& c : o.near_miss->changes) {
      v1::SuggestedChange* sc = nm->add_changes();
      sc->set_fact(static_cast<v1::Fact>(c.fact));
      sc->set_description(c.description);
      sc->set_gap_permille(c.gap_permille);
    }
  }
  for (const engine::ScorePart& part : o.score_parts) {
    v1::ScorePart* sp = out->add_score_parts();
    sp->set_name(part.name);
    sp->set_points(part.points);
  }
  for (const engine::RuleOutcome& r : o.rules) {
    v1::RuleResult* rr = out->add_rules();
    rr->set_rule_id(r.rule->id);
    rr->set_kind(static_cast<v1::RuleKind>(r.rule->kind));
    rr->set_label(r.rule->label);
    rr->set_condition(static_cast<v1::Truth>(r.condition));
    rr->set_passed(static_cast<v1::Truth>(r.passed));
    rr->set_points(r.points);
    rr->set_evidence(r.rule->evidence);
    for (const engine::Check& c : r.checks) {
      v1::Check* pc = rr->add_checks();
      pc->set_fact(static_cast<v1::Fact>(c.fact));
      pc->set_outcome(static_cast<v1::Truth>(c.outcome));
      pc->set_expected(c.expected);
      pc->set_observed(c.observed);
    }
  }
}

namespace {

void TermsToProto(std::span<const engine::Term> terms,
                  google::protobuf::RepeatedPtrField<v1::Term>* out) {
  for (const engine::Term& t : terms) {
    v1::Term* term = out->Add();
    term->set_value(t.value);
    term->set_id(t.id);
    term->set_name_ko(t.name_ko);
    term->set_name_en(t.name_en);
  }
}

}  // namespace

v1::Vocabulary VocabularyToProto(const engine::Reference* reference) {
  v1::Vocabulary out;
  if (reference != nullptr) {
    for (const std::string& code : reference->regions.AllCodes()) {
      const engine::RegionTable::Region* region = reference->regions.Find(code);
      v1::RegionTerm* term = out.add_regions();
      term->set_code(code);
      term->set_name(region->name);
      term->set_abolished(region->abolished);
      term->set_replaced_by(region->replaced_by);
    }
    for (const std::string& code : reference->industries.AllCodes()) {
      v1::IndustryTerm* term = out.add_industries();
      term->set_code(code);
      term->set_name(reference->industries.Name(code));
      term->set_section(reference->industries.Section(code));
    }
  }
  for (const engine::FactInfo& info : engine::AllFacts()) {
    v1::FactTerm* fact = out.add_facts();
    v1::Term* term = fact->mutable_term();
    term->set_value(static_cast<int>(info.fact));
    term->set_id(info.id);
    term->set_name_ko(info.name_ko);
    term->set_name_en(info.name_en);
    fact->set_family(engine::FamilyId(info.family));
    fact->set_unit(engine::UnitId(info.unit));
    for (int op = 1; op <= engine::kMaxOp; ++op) {
      if (engine::Admits(info.fact, static_cast<engine::Op>(op))) {
        fact->add_operators(static_cast<v1::Operator>(op));
      }
    }
    fact->set_changeable(info.changeable);
  }
  TermsToProto(engine::CategoryTerms(), out.mutable_categories());
  TermsToProto(engine::WindowStatusTerms(), out.mutable_window_statuses());
  TermsToProto(engine::WindowKindTerms(), out.mutable_window_kinds());
  TermsToProto(engine::EligibilityTerms(), out.mutable_eligibilities());
  TermsToProto(engine::RuleKindTerms(), out.mutable_rule_kinds());
  TermsToProto(engine::CertificationTerms(), out.mutable_certifications());
  TermsToProto(engine::NeedTerms(), out.mutable_needs());
  TermsToProto(engine::SizeClassTerms(), out.mutable_size_classes());
  TermsToProto(engine::LegalFormTerms(), out.mutable_legal_forms());
  return out;
}

}  // namespace jiwon::server
