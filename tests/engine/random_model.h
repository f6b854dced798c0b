#ifndef JIWON_TESTS_ENGINE_RANDOM_MODEL_H_
#define JIWON_TESTS_ENGINE_RANDOM_MODEL_H_

// Random programs and companies for differential tests: values cluster at
// the boundaries the rules draw, and any fact may be unknown.

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/facts/fact_table.h"
#include "engine/model.h"
#include "tests/testing.h"

namespace jiwon::testing {

using engine::Ceo;
using engine::Certification;
using engine::CertificationGrant;
using engine::Company;
using engine::Condition;
using engine::Date;
using engine::Fact;
using engine::FiscalYear;
using engine::Need;
using engine::Op;
using engine::Predicate;
using engine::Program;
using engine::Quantifier;
using engine::ReferenceDateKind;
using engine::Rule;
using engine::RuleKind;
using engine::SizeClass;
using engine::WindowKind;

inline constexpr int64_t kEok = 100'000'000;

class RandomModel {
 public:
  explicit RandomModel(uint64_t seed) : rng_(seed) {}

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  Date RefDate() {
    return Pick(std::vector<Date>{D("2026-11-27"), D("2024-02-29"),
                                  D("2025-03-01"), D("2026-01-31")});
  }

  // A date near an anniversary of `on`: N months or years before, ±1 day.
  Date Near(Date on, int months) {
    return on.AddMonths(-months).AddDays(Int(-1, 1));
  }

  Company MakeCompany(Date on) {
    Company c;
    c.id = "c";
    if (Chance(0.8)) {
      c.head_office_region = Pick<std::string>(
          {"41610", "41", "41110", "41111", "11110", "43745", "43740", "42110",
           "51110", "36110", "28110", "30200"});
    }
    if (Chance(0.8)) {
      c.primary_industry = Pick<std::string>(
          {"25929", "C", "25", "46800", "56211", "10", "I", "47190"});
    }
    const int founding = Int(0, 9);
    if (founding < 7) {
      c.founded_on = Near(on, Pick<int>({0, 12, 27, 36, 84, 120}));
    } else if (founding == 7) {
      c.prospective_founder = true;
    } else if (founding == 8) {
      c.prospective_founder = false;
    }
    if (Chance(0.6)) {
      c.site_regions.emplace();
      for (int i = Int(0, 2); i > 0; --i) {
        c.site_regions->push_back(
            Pick<std::string>({"41610", "43745", "11110", "51110", "41"}));
      }
    }
    if (Chance(0.4)) {
      for (int i = Int(1, 2); i > 0; --i) {
        c.secondary_industries.push_back(
            Pick<std::string>({"46800", "58221", "C", "10", "2592"}));
      }
    }
    const int ceos = Int(0, 2);
    for (int i = 0; i < ceos; ++i) {
      Ceo ceo;
      if (Chance(0.8))
        ceo.birth_date = Near(on, 12 * Pick<int>({39, 40, 25, 55}));
      if (Chance(0.8)) {
        ceo.gender =
            Chance(0.5) ? engine::Gender::kFemale : engine::Gender::kMale;
      }
      if (Chance(0.7)) ceo.disabled = Chance(0.3);
      c.ceos.push_back(ceo);
    }
    for (int y = on.year() - 4; y <= on.year(); ++y) {
      if (Chance(0.25)) continue;
      FiscalYear fy;
      fy.year = y;
      if (Chance(0.85)) {
        fy.revenue_won = Pick<int64_t>(
            {0, 8 * kEok, 50 * kEok, 100 * kEok, 119 * kEok, 120 * kEok,
             120 * kEok + 1, 125 * kEok, 1000 * kEok, 1000 * kEok + 1});
      }
      if (Chance(0.4)) {
        fy.exports_usd = Pick<int64_t>({0, 99'999, 100'000, 1'000'000});
      }
      if (Chance(0.4)) fy.rnd_spend_won = Pick<int64_t>({0, kEok, 5 * kEok});
      if (Chance(0.5)) {
        fy.liabilities_won = Pick<int64_t>({0, 10 * kEok, 30 * kEok});
        fy.equity_won = Pick<int64_t>({-kEok, 0, 3 * kEok, 10 * kEok});
      }
      c.fiscal_years.push_back(fy);
    }
    if (Chance(0.75)) {
      c.total_assets_won =
          Pick<int64_t>({10 * kEok, 5000 * kEok - 1, 5000 * kEok});
    }
    if (Chance(0.8))
      c.regular_employees = Pick<int>({0, 4, 5, 9, 10, 299, 300});
    if (Chance(0.6)) {
      c.regular_employees_last_year = Pick<int>({0, 3, 5, 9, 10, 300});
    }
    if (Chance(0.6)) c.patents = Pick<int>({0, 1, 2, 3});
    if (Chance(0.6)) c.insured_employees = Pick<int>({0, 4, 5, 10, 50});
    if (Chance(0.5)) {
      c.factory_regions.emplace();
      for (int i = Int(0, 2); i > 0; --i) {
        c.factory_regions->push_back(
            Pick<std::string>({"41610", "43745", "44", "51110"}));
      }
    }
    if (Chance(0.6)) c.restart = Chance(0.3);
    if (Chance(0.7)) {
      c.legal_form =
          static_cast<engine::LegalForm>(Int(1, engine::kMaxLegalForm));
    }
    if (Chance(0.6)) c.owned_by_restricted_group = Chance(0.15);
    if (Chance(0.8)) c.independent = Chance(0.85);
    // Answers, some of the wrong kind for their question, one to a question
    // no program asks.
    if (Chance(0.5)) c.answers["q-plan"].yes = Chance(0.5);
    if (Chance(0.5)) {
      c.answers["q-zone"].choice =
          Pick<std::string>({"입주", "졸업", "비입주"});
    }
    if (Chance(0.5)) c.answers["q-hires"].number = Int(0, 4);
    if (Chance(0.5)) {
      c.answers["q-date"].date = Pick(std::vector<Date>{
          D("2023-12-31"), D("2024-01-01"), D("2025-03-01"), D("2026-11-27")});
    }
    if (Chance(0.05))
      c.answers["q-plan"] = {std::nullopt, std::nullopt, 1, std::nullopt};
    if (Chance(0.05)) c.answers["q-other"].yes = true;
    if (Chance(0.6)) {
      // A group member is never independent.
      c.in_restricted_group = Chance(0.1);
      if (*c.in_restricted_group && c.independent == true) {
        c.independent = false;
      }
    }
    if (Chance(0.75)) {
      c.certifications.emplace();
      const int n = Int(0, 3);
      for (int i = 0; i < n; ++i) {
        CertificationGrant g;
        g.kind = static_cast<Certification>(Int(1, engine::kMaxCertification));
        if (Chance(0.5)) g.valid_to = on.AddDays(Int(-1, 1));
        if (Chance(0.3)) g.valid_from = on.AddDays(Int(-1, 1));
        if (g.valid_from && g.valid_to && *g.valid_to < *g.valid_from) {
          std::swap(g.valid_from, g.valid_to);
        }
        c.certifications->push_back(g);
      }
    }
    if (Chance(0.75)) {
      c.needs.emplace();
      for (int n = 1; n <= 4; ++n) {
        if (Chance(0.4)) c.needs->push_back(static_cast<Need>(n));
      }
    }
    if (Chance(0.75)) c.tax_arrears = Chance(0.2);
    if (Chance(0.75)) c.loan_default = Chance(0.2);
    if (Chance(0.75)) c.suspended_or_closed = Chance(0.1);
    if (Chance(0.75)) c.participation_banned = Chance(0.1);
    if (Chance(0.75)) {
      c.participations.emplace();
      const int n = Int(0, 3);
      for (int i = 0; i < n; ++i) {
        c.participations->push_back(
            {Pick<std::string>({"ysa-2023", "tips-rnd-2025", "gbsa-x-2026"}),
             on.year() - Int(0, 2),
             Pick<int64_t>({1000, 5000, 50'000'000, kEok})});
      }
    }
    return c;
  }

  // A predicate over any fact, with any operator the fact admits. The
  // switch names every fact: a new one must be drawn here too.
  Predicate MakePredicate() {
    Predicate p;
    p.fact = static_cast<Fact>(Int(1, engine::kMaxFact));
    auto codes_op = [&] { p.op = Chance(0.7) ? Op::kIn : Op::kNotIn; };
    auto bool_op = [&] { p.op = Chance(0.5) ? Op::kIsTrue : Op::kIsFalse; };
    auto set_op = [&] {
      p.op = Pick<Op>({Op::kAnyOf, Op::kAllOf, Op::kNoneOf});
    };
    auto range = [&](const std::vector<int64_t>& pool) {
      p.op = Op::kRange;
      Bounds(&p, pool);
    };
    switch (p.fact) {
      case Fact::kHeadOfficeRegion:
      case Fact::kSiteRegion:
      case Fact::kFactoryRegion:
        codes_op();
        for (int i = Int(1, 2); i > 0; --i) {
          p.codes.push_back(Pick<std::string>(
              {"41", "41610", "41110", "43740", "43", "42", "51", "11", "36"}));
        }
        if (Chance(0.2))
          p.region_groups = {Pick<std::string>({"수도권", "비수도권"})};
        break;
      case Fact::kPrimaryIndustry:
      case Fact::kAnyIndustry:
        codes_op();
        for (int i = Int(1, 2); i > 0; --i) {
          p.codes.push_back(
              Pick<std::string>({"C", "25", "2592", "46", "5621", "I", "10"}));
        }
        break;
      case Fact::kProspectiveFounder:
      case Fact::kCeoFemale:
      case Fact::kCeoDisabled:
      case Fact::kYouthCeo:
      case Fact::kTaxArrears:
      case Fact::kLoanDefault:
      case Fact::kSuspendedOrClosed:
      case Fact::kParticipationBanned:
      case Fact::kIndependent:
      case Fact::kRestart:
      case Fact::kInRestrictedGroup:
      case Fact::kOwnedByRestrictedGroup:
        bool_op();
        break;
      case Fact::kLegalForm:
        codes_op();
        for (int i = Int(1, 3); i > 0; --i) {
          p.legal_forms.push_back(
              static_cast<engine::LegalForm>(Int(1, engine::kMaxLegalForm)));
        }
        break;
      case Fact::kBusinessAgeMonths:
        range({0, 12, 27, 36, 84});
        break;
      case Fact::kCeoAgeYears:
        range({20, 39, 40});
        break;
      case Fact::kRevenueLatestWon:
      case Fact::kRevenueAvg3Won:
        range({50 * kEok, 120 * kEok, 1000 * kEok});
        break;
      case Fact::kRevenueGrowthPercent:
        range({-100, -10, 0, 20, 25, 50});
        break;
      case Fact::kDebtRatioPercent:
        range({0, 100, 300, 1000});
        break;
      case Fact::kRndIntensityPercent:
        range({0, 2, 5, 10});
        break;
      case Fact::kTotalAssetsWon:
        range({10 * kEok, 5000 * kEok});
        break;
      case Fact::kRegularEmployees:
        range({5, 10, 300});
        break;
      case Fact::kInsuredEmployees:
        range({1, 5, 10});
        break;
      case Fact::kEmployeeChange:
        range({-5, -1, 0, 1, 2});
        break;
      case Fact::kExportsPrevYearUsd:
        range({0, 100'000, 1'000'000});
        break;
      case Fact::kRndSpendWon:
        range({0, kEok, 5 * kEok});
        break;
      case Fact::kPatents:
        range({0, 1, 3});
        break;
      case Fact::kCertifications:
        set_op();
        for (int i = Int(1, 2); i > 0; --i) {
          p.certifications.push_back(
              static_cast<Certification>(Int(1, engine::kMaxCertification)));
        }
        break;
      case Fact::kNeeds:
        set_op();
        for (int i = Int(1, 2); i > 0; --i) {
          p.needs.push_back(static_cast<Need>(Int(1, 4)));
        }
        break;
      case Fact::kSizeClass:
        p.op = Chance(0.8) ? Op::kIn : Op::kNotIn;
        for (int i = Int(1, 2); i > 0; --i) {
          p.size_classes.push_back(
              static_cast<SizeClass>(Int(1, engine::kMaxSizeClass)));
        }
        break;
      case Fact::kParticipationsEver:
      case Fact::kParticipationsThisYear:
        range({0, 1, 2});
        if (Chance(0.7))
          p.codes = {Pick<std::string>({"ysa", "tips-rnd", "gbsa"})};
        break;
      case Fact::kQuestion:
        // One of the questions every random program declares.
        switch (Int(0, 3)) {
          case 0:
            p.question = "q-plan";
            bool_op();
            break;
          case 1:
            p.question = "q-zone";
            codes_op();
            for (int i = Int(1, 2); i > 0; --i) {
              p.codes.push_back(Pick<std::string>({"입주", "졸업", "비입주"}));
            }
            break;
          case 2:
            p.question = "q-hires";
            range({0, 1, 3});
            break;
          default:
            p.question = "q-date";
            range({20240101, 20250301, 20261127});
            break;
        }
        break;
      case Fact::kAwardsThisYearWon:
        range({0, 5000, kEok});
        if (Chance(0.5))
          p.codes = {Pick<std::string>({"ysa", "tips-rnd", "gbsa"})};
        break;
    }
    if (engine::FamilyOf(p.fact) == engine::Family::kCeo && Chance(0.5)) {
      p.quantifier = Quantifier::kAny;
    }
    return p;
  }

  Condition MakeCondition(int depth) {
    Condition c;
    if (depth >= 2 || Chance(0.6)) {
      c.kind = Condition::Kind::kPredicate;
      c.predicate = MakePredicate();
      return c;
    }
    c.kind = Pick<Condition::Kind>(
        {Condition::Kind::kAll, Condition::Kind::kAny, Condition::Kind::kNone});
    for (int i = Int(1, 3); i > 0; --i)
      c.children.push_back(MakeCondition(depth + 1));
    return c;
  }

  Program MakeProgram(Date on) {
    Program p;
    p.id = "p";
    p.title = "p";
    p.window.kind = WindowKind::kFixed;
    p.window.opens_on = on.AddDays(-30);
    p.window.closes_on = on.AddDays(Int(-1, 60));
    p.announced_on = on.AddDays(-Int(0, 400));
    p.reference_date = static_cast<ReferenceDateKind>(Int(1, 3));
    for (int i = Int(1, 4); i > 0; --i) {
      Rule r;
      r.id = absl::StrCat("r", i);
      r.label = r.id;
      r.kind = static_cast<RuleKind>(Int(1, 4));
      if (r.kind == RuleKind::kBonus) r.points = Int(1, 3);
      r.condition = MakeCondition(0);
      p.rules.push_back(std::move(r));
    }
    if (Chance(0.5)) p.bonus_cap = Int(1, 4);
    p.questions = {
        {"q-plan",
         "수출 계획이 있습니까?",
         engine::QuestionType::kYesNo,
         {},
         ""},
        {"q-zone",
         "입주 형태는?",
         engine::QuestionType::kChoice,
         {"입주", "졸업", "비입주"},
         ""},
        {"q-hires",
         "청년 채용 예정 인원은?",
         engine::QuestionType::kNumber,
         {},
         "명"},
        {"q-date", "법인 전환일은?", engine::QuestionType::kDate, {}, ""}};
    return p;
  }

 private:
  void Bounds(Predicate* p, const std::vector<int64_t>& pool) {
    if (Chance(0.7)) {
      p->min = Pick(pool);
      p->min_exclusive = Chance(0.5);
    }
    if (!p->min || Chance(0.5)) {
      p->max = Pick(pool);
      p->max_exclusive = Chance(0.5);
      if (p->min && *p->max < *p->min) std::swap(*p->min, *p->max);
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_ENGINE_RANDOM_MODEL_H_
