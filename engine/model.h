#ifndef JIWON_ENGINE_MODEL_H_
#define JIWON_ENGINE_MODEL_H_

// The domain model: company profiles and programs with their rules. Plain
// values; every fact of a profile can be unknown (std::nullopt). Enumerator
// values equal the API's, so conversions are casts after a range check.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/date.h"
#include "engine/truth.h"

namespace jiwon::engine {

enum class Certification : uint8_t {
  kVenture = 1,
  kInnobiz = 2,
  kMainbiz = 3,
  kSocialEnterprise = 4,
  kPreSocialEnterprise = 5,
  kWomenOwned = 6,
  kDisabledOwned = 7,
  kResearchInstitute = 8,
  kRndDepartment = 9,
  kOnePersonCreative = 10,
  kIso9001 = 11,
  kIso14001 = 12,
  kCooperative = 13,
};
inline constexpr int kMaxCertification = 13;

enum class Need : uint8_t {
  kManpower = 1,
  kForeignWorkers = 2,
  kTechnology = 3,
  kCommercialization = 4,
  kExport = 5,
  kFunding = 6,
  kSmartFactory = 7,
  kMarketing = 8,
  kStartup = 9,
  kTraining = 10,
  kFacility = 11,
};
inline constexpr int kMaxNeed = 11;

enum class Gender : uint8_t { kUnknown = 0, kFemale = 1, kMale = 2 };

enum class LegalForm : uint8_t {
  kSoleProprietor = 1,        // 개인사업자
  kForProfitCorporation = 2,  // 영리법인
  kCooperative = 3,           // 협동조합
  kSocialCooperative = 4,     // 사회적협동조합
  kNonprofitCorporation = 5,  // 비영리법인
  kOther = 6,                 // 기타
};
inline constexpr int kMaxLegalForm = 6;

// Nested: kMicro ⊂ kSmall ⊂ kSme. kMidsize and kLarge are outside 중소기업.
enum class SizeClass : uint8_t {
  kMicro = 1,
  kSmall = 2,
  kSme = 3,
  kMidsize = 4,
  kLarge = 5,
};
inline constexpr int kMaxSizeClass = 5;

struct Ceo {
  std::optional<Date> birth_date;
  Gender gender = Gender::kUnknown;
  std::optional<bool> disabled;
};

struct FiscalYear {
  int year = 0;
  std::optional<int64_t> revenue_won;
  std::optional<int64_t> exports_usd;
  std::optional<int64_t> rnd_spend_won;
  std::optional<int64_t> liabilities_won;  // 부채총계
  std::optional<int64_t> equity_won;  // 자본총계; negative when impaired
};

struct CertificationGrant {
  Certification kind = Certification::kVenture;
  std::optional<Date> valid_from;  // inclusive; open when unset
  std::optional<Date> valid_to;    // inclusive; open when unset
};

struct Participation {
  std::string program_id;
  int year = 0;
  int64_t amount_won = 0;
};

// An answer to a question a program declares: one of the values is set.
struct Answer {
  std::optional<bool> yes;
  std::optional<std::string> choice;
  std::optional<int64_t> number;
  std::optional<Date> date;

  friend bool operator==(const Answer&, const Answer&) = default;
};

struct Company {
  std::string id;
  std::string name;
  std::optional<std::string> business_number;
  std::optional<std::string> corporate_number;
  std::optional<std::string> head_office_region;
  std::optional<std::vector<std::string>> site_regions;
  std::optional<std::string> primary_industry;
  std::vector<std::string> secondary_industries;
  std::optional<Date> founded_on;
  std::optional<bool> prospective_founder;
  std::vector<Ceo> ceos;  // empty: unknown
  std::vector<FiscalYear> fiscal_years;
  std::optional<int64_t> total_assets_won;
  std::optional<int32_t> regular_employees;
  std::optional<Date> employees_counted_on;
  std::optional<int32_t> regular_employees_last_year;
  std::optional<bool> independent;
  std::optional<std::vector<CertificationGrant>> certifications;
  std::optional<int32_t> patents;
  std::optional<bool> tax_arrears;
  std::optional<bool> loan_default;
  std::optional<bool> suspended_or_closed;
  std::optional<bool> participation_banned;
  std::optional<std::vector<Participation>> participations;
  std::optional<std::vector<Need>> needs;
  std::optional<int32_t> insured_employees;  // 고용보험 피보험자
  std::optional<std::vector<std::string>> factory_regions;
  std::optional<bool> restart;  // 재창업
  std::optional<LegalForm> legal_form;
  std::optional<bool> in_restricted_group;  // 상호출자제한기업집단
  std::optional<bool> owned_by_restricted_group;  // ≥30% by its company
  // Answers to the programs' own questions, by question id.
  std::map<std::string, Answer> answers;
};

enum class Fact : uint8_t {
  kHeadOfficeRegion = 1,
  kSiteRegion = 2,
  kPrimaryIndustry = 3,
  kAnyIndustry = 4,
  kProspectiveFounder = 5,
  kBusinessAgeMonths = 6,
  kCeoAgeYears = 7,
  kCeoFemale = 8,
  kCeoDisabled = 9,
  kYouthCeo = 10,
  kRevenueLatestWon = 11,
  kRevenueAvg3Won = 12,
  kRevenueGrowthPercent = 13,
  kTotalAssetsWon = 14,
  kRegularEmployees = 15,
  kEmployeeChange = 16,
  kExportsPrevYearUsd = 17,
  kRndSpendWon = 18,
  kPatents = 19,
  kCertifications = 20,
  kNeeds = 21,
  kSizeClass = 22,
  kTaxArrears = 23,
  kLoanDefault = 24,
  kSuspendedOrClosed = 25,
  kParticipationBanned = 26,
  kParticipationsEver = 27,
  kParticipationsThisYear = 28,
  kAwardsThisYearWon = 29,
  kIndependent = 30,
  kDebtRatioPercent = 31,
  kInsuredEmployees = 32,
  kFactoryRegion = 33,
  kRestart = 34,
  kLegalForm = 35,
  kInRestrictedGroup = 36,
  kOwnedByRestrictedGroup = 37,
  kQuestion = 38,
  kRndIntensityPercent = 39,
};
inline constexpr int kMaxFact = 39;

enum class Op : uint8_t {
  kIn = 1,
  kNotIn = 2,
  kRange = 3,
  kAnyOf = 4,
  kAllOf = 5,
  kNoneOf = 6,
  kIsTrue = 7,
  kIsFalse = 8,
};
inline constexpr int kMaxOp = 8;

enum class Quantifier : uint8_t { kAll = 1, kAny = 2 };

struct Predicate {
  Fact fact = Fact::kHeadOfficeRegion;
  Op op = Op::kIn;
  std::vector<std::string> codes;
  std::vector<std::string> region_groups;  // names of RegionGroups
  std::vector<Certification> certifications;
  std::vector<Need> needs;
  std::vector<SizeClass> size_classes;
  std::vector<LegalForm> legal_forms;
  std::string question;  // kQuestion: a question of the program
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  bool min_exclusive = false;
  bool max_exclusive = false;
  Quantifier quantifier = Quantifier::kAll;

  friend bool operator==(const Predicate&, const Predicate&) = default;
};

struct Condition {
  enum class Kind : uint8_t { kPredicate, kAll, kAny, kNone };
  Kind kind = Kind::kPredicate;
  Predicate predicate;              // kPredicate
  std::vector<Condition> children;  // kAll, kAny, kNone

  friend bool operator==(const Condition&, const Condition&) = default;
};

// Folds a condition tree with Kleene logic, asking `leaf` for each
// predicate's truth. Every child is visited (no short cut), so whatever
// `leaf` records covers the whole tree.
template <typename LeafFn>
Truth FoldCondition(const Condition& c, LeafFn&& leaf) {
  switch (c.kind) {
    case Condition::Kind::kPredicate:
      return leaf(c.predicate);
    case Condition::Kind::kAll: {
      Truth t = Truth::kTrue;
      for (const Condition& child : c.children) {
        t = And(t, FoldCondition(child, leaf));
      }
      return t;
    }
    case Condition::Kind::kAny:
    case Condition::Kind::kNone: {
      Truth t = Truth::kFalse;
      for (const Condition& child : c.children) {
        t = Or(t, FoldCondition(child, leaf));
      }
      return c.kind == Condition::Kind::kNone ? Not(t) : t;
    }
  }
  return Truth::kUnknown;
}

enum class RuleKind : uint8_t {
  kRequire = 1,
  kExclude = 2,
  kBonus = 3,
  kCap = 4,
};

struct Rule {
  std::string id;
  RuleKind kind = RuleKind::kRequire;
  std::string label;
  std::string evidence;
  Condition condition;
  int32_t points = 0;
};

enum class Category : uint8_t {
  kFinance = 1,
  kTechnology = 2,
  kManpower = 3,
  kExport = 4,
  kDomestic = 5,
  kStartup = 6,
  kManagement = 7,
  kOther = 9,
};

enum class WindowKind : uint8_t {
  kFixed = 1,
  kRolling = 2,        // 상시 접수
  kUntilBudget = 3,    // 예산 소진시까지
  kToBeAnnounced = 4,  // 추후 공지
  kUntilFilled = 5,    // 선착순, 모집 완료시, 모집규모 충족시
  kVaries = 6,  // 세부사업별·차수별·반기별 상이: see the announcement
  kMonthly = 7,  // 매월 D1일~D2일
};
inline constexpr int kMaxWindowKind = 7;

enum class WindowStatus : uint8_t { kOpen = 1, kUpcoming = 2, kClosed = 3 };

struct IntakeRound {
  std::string name;
  Date opens_on;
  Date closes_on;
};

struct Window {
  WindowKind kind = WindowKind::kFixed;
  std::optional<Date> opens_on;
  std::optional<Date> closes_on;
  std::vector<IntakeRound> rounds;
  // kUntilBudget: the budget has run out; kUntilFilled: the places are
  // taken.
  bool budget_exhausted = false;
  // kMonthly: the days of every month the window is open, both included
  // (1-31; a day past the month's end stands for its last day).
  int monthly_from_day = 0;
  int monthly_to_day = 0;
};

enum class ReferenceDateKind : uint8_t {
  kAnnouncement = 1,  // 공고일
  kApplication = 2,   // 신청일: the evaluation date
  kDeadline = 3,      // 마감일
};

enum class QuestionType : uint8_t {
  kYesNo = 1,
  kChoice = 2,
  kNumber = 3,
  kDate = 4,  // RANGE bounds written YYYYMMDD
};
inline constexpr int kMaxQuestionType = 4;

// A fact a program asks about that no profile field covers.
struct ProgramQuestion {
  std::string id;
  std::string text;
  QuestionType type = QuestionType::kYesNo;
  std::vector<std::string> choices;
  std::string unit;
};

struct Program {
  std::string id;
  std::string title;
  std::string agency;
  Category category = Category::kOther;
  std::vector<Need> tags;
  std::optional<Date> announced_on;
  Window window;
  std::optional<int64_t> max_amount_won;
  std::vector<Rule> rules;
  int32_t bonus_cap = 0;  // 0: uncapped
  ReferenceDateKind reference_date = ReferenceDateKind::kApplication;
  std::optional<Date> effective_from;
  std::optional<Date> effective_to;
  int64_t version = 0;
  std::vector<ProgramQuestion> questions;
  // Shown with a match, never matched on: the announcement's page, whom to
  // ask, the window as announced ("분기별 접수 (1~4차)"), the benefit in
  // words and the summary.
  std::string url;
  std::string contact;
  std::string window_note;
  std::string benefit;
  // The announcement's subcategory ("스마트공장") and summary: shown, and
  // searched (search.h).
  std::string subcategory;
  std::string summary;
  // What each predicate requires, in words, in the order the conditions
  // list them, made once by Evaluator::PrepareTexts; empty where the text
  // depends on the company (CEO and participation facts). Optional: without
  // it the text is made at each evaluation.
  std::shared_ptr<const std::vector<std::string>> expected_texts;
};

// Names for people, in Korean.
const char* FactName(Fact f);
const char* CertificationName(Certification c);
const char* NeedName(Need n);
const char* SizeClassName(SizeClass s);
const char* LegalFormName(LegalForm f);
const char* RuleKindName(RuleKind k);
const char* CategoryName(Category c);
const char* WindowStatusName(WindowStatus s);
const char* WindowKindName(WindowKind k);

// Figures: the numeric facts FigureOf reads (revenue, assets, employees and
// their change, exports, R&D spend, patents).
bool IsFigure(Fact f);
// Standing flags and independence: yes/no facts of the company itself.
bool IsStandingFlag(Fact f);

// Whether a company could change the fact — obtain a certification, open a
// 사업장, grow or shrink a figure, settle arrears — as opposed to history and
// identity (founding date, CEO age, head office, industry, past
// participation). Only changeable facts are suggested in near misses.
bool IsChangeable(Fact f);

// The question `id` of the program, or nullptr.
const ProgramQuestion* FindQuestion(const Program& p, std::string_view id);

// Whether `on` falls within the program's effective dates.
bool InEffect(const Program& p, Date on);

// Open, upcoming or closed on `on`.
WindowStatus StatusOn(const Window& w, Date on);
// The last day of application when one is known (closes_on, or the end of
// the current or next round).
std::optional<Date> ClosingDate(const Window& w, Date on);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_MODEL_H_
