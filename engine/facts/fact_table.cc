#include "engine/facts/fact_table.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "engine/facts/figures.h"
#include "engine/format.h"

namespace jiwon::engine {
namespace {

constexpr uint16_t kCodeOps = OpBit(Op::kIn) | OpBit(Op::kNotIn);
constexpr uint16_t kRangeOps = OpBit(Op::kRange);
constexpr uint16_t kSetOps =
    OpBit(Op::kAnyOf) | OpBit(Op::kAllOf) | OpBit(Op::kNoneOf);
constexpr uint16_t kBoolOps = OpBit(Op::kIsTrue) | OpBit(Op::kIsFalse);

// ------------------------------------------------------------------ figures

std::optional<FigureValue> ReadRevenueLatest(const Company& c, Date on) {
  std::vector<const FiscalYear*> years = RevenueYears(c, on);
  if (years.empty()) return std::nullopt;
  return FigureValue{*years[0]->revenue_won, years[0]->year};
}
void SetRevenueLatest(Company* c, int64_t v, Date on) {
  std::vector<const FiscalYear*> years = RevenueYears(*c, on);
  const int year = years.empty() ? on.year() - 1 : years[0]->year;
  YearOf(c, year)->revenue_won = v;
}

std::optional<FigureValue> ReadRevenueAvg3(const Company& c, Date on) {
  std::optional<RevenueAverage> avg = RevenueAvg3(c, on);
  if (!avg) return std::nullopt;
  return FigureValue{avg->value, avg->last_year};
}
void SetRevenueAvg3(Company* c, int64_t v, Date on) {
  std::vector<const FiscalYear*> years = RevenueYears(*c, on);
  if (years.empty()) {
    YearOf(c, on.year() - 1)->revenue_won = v;
    return;
  }
  std::vector<int> last;
  for (size_t i = 0; i < std::min<size_t>(3, years.size()); ++i) {
    last.push_back(years[i]->year);
  }
  for (int year : last) YearOf(c, year)->revenue_won = v;
}

std::optional<FigureValue> ReadAssets(const Company& c, Date) {
  if (!c.total_assets_won) return std::nullopt;
  return FigureValue{*c.total_assets_won, 0};
}
void SetAssets(Company* c, int64_t v, Date) { c->total_assets_won = v; }

std::optional<FigureValue> ReadEmployees(const Company& c, Date) {
  if (!c.regular_employees) return std::nullopt;
  return FigureValue{*c.regular_employees, 0};
}
void SetEmployees(Company* c, int64_t v, Date) {
  c->regular_employees = static_cast<int32_t>(v);
}

std::optional<FigureValue> ReadEmployeeChange(const Company& c, Date) {
  if (!c.regular_employees || !c.regular_employees_last_year) {
    return std::nullopt;
  }
  return FigureValue{
      int64_t{*c.regular_employees} - *c.regular_employees_last_year, 0};
}
void SetEmployeeChange(Company* c, int64_t v, Date) {
  if (c->regular_employees_last_year &&
      *c->regular_employees_last_year + v >= 0) {
    c->regular_employees =
        static_cast<int32_t>(*c->regular_employees_last_year + v);
    return;
  }
  c->regular_employees = static_cast<int32_t>(v >= 0 ? v : 0);
  c->regular_employees_last_year = static_cast<int32_t>(v >= 0 ? 0 : -v);
}

std::optional<FigureValue> ReadExports(const Company& c, Date on) {
  for (const FiscalYear& fy : c.fiscal_years) {
    if (fy.year == on.year() - 1 && fy.exports_usd) {
      return FigureValue{*fy.exports_usd, fy.year};
    }
  }
  return std::nullopt;
}
void SetExports(Company* c, int64_t v, Date on) {
  YearOf(c, on.year() - 1)->exports_usd = v;
}

std::optional<FigureValue> ReadRnd(const Company& c, Date on) {
  std::optional<FigureValue> latest;
  for (const FiscalYear& fy : c.fiscal_years) {
    if (fy.rnd_spend_won && fy.year < on.year() &&
        (!latest || fy.year > latest->year)) {
      latest = FigureValue{*fy.rnd_spend_won, fy.year};
    }
  }
  return latest;
}
void SetRnd(Company* c, int64_t v, Date on) {
  std::optional<FigureValue> latest = ReadRnd(*c, on);
  YearOf(c, latest ? latest->year : on.year() - 1)->rnd_spend_won = v;
}

std::optional<FigureValue> ReadInsured(const Company& c, Date) {
  if (!c.insured_employees) return std::nullopt;
  return FigureValue{*c.insured_employees, 0};
}
void SetInsured(Company* c, int64_t v, Date) {
  c->insured_employees = static_cast<int32_t>(v);
}

std::optional<FigureValue> ReadPatents(const Company& c, Date) {
  if (!c.patents) return std::nullopt;
  return FigureValue{*c.patents, 0};
}
void SetPatents(Company* c, int64_t v, Date) {
  c->patents = static_cast<int32_t>(v);
}

// ------------------------------------------------------------------- ratios

// The newest revenue year before `on` and the one two years before it.
struct GrowthYears {
  const FiscalYear* base = nullptr;
  const FiscalYear* latest = nullptr;
};
GrowthYears FindGrowthYears(const Company& c, Date on) {
  std::vector<const FiscalYear*> years = RevenueYears(c, on);
  GrowthYears g;
  if (years.empty()) return g;
  g.latest = years[0];
  for (const FiscalYear* fy : years) {
    if (fy->year == years[0]->year - 2) g.base = fy;
  }
  return g;
}

// growth% = 100 (latest - base) / base; unknown unless the base is positive.
std::optional<RatioValue> ReadGrowth(const Company& c, Date on) {
  const GrowthYears g = FindGrowthYears(c, on);
  if (g.base == nullptr || *g.base->revenue_won <= 0) return std::nullopt;
  const absl::int128 b = *g.base->revenue_won;
  return RatioValue{(absl::int128(*g.latest->revenue_won) - b) * 100, b, false};
}

// "12.5%": the quotient to one decimal, truncated toward zero.
std::string PercentText(const RatioValue& r) {
  if (r.infinite || r.den <= 0) return "∞%";
  const absl::int128 tenths = r.num * 10 / r.den;
  const int64_t t = static_cast<int64_t>(tenths);
  const int64_t whole = t / 10;
  const int64_t tenth = (t < 0 ? -t : t) % 10;
  return absl::StrCat(t < 0 && whole == 0 ? "-" : "", whole, ".", tenth, "%");
}

std::string DescribeGrowth(const Company& c, Date on) {
  const GrowthYears g = FindGrowthYears(c, on);
  std::optional<RatioValue> r = ReadGrowth(c, on);
  if (!r) return "미상 (2개년 전 매출 필요)";
  return absl::StrCat(PercentText(*r), " (", g.base->year, "년 ",
                      FormatWon(*g.base->revenue_won), " → ", g.latest->year,
                      "년 ", FormatWon(*g.latest->revenue_won), ")");
}

// 부채비율 = 100 부채 / 자본 of the latest balance sheet before `on`; past
// every bound when equity is wiped out (자본 ≤ 0 with debts).
const FiscalYear* BalanceYear(const Company& c, Date on) {
  const FiscalYear* latest = nullptr;
  for (const FiscalYear& fy : c.fiscal_years) {
    if (fy.year < on.year() && fy.liabilities_won && fy.equity_won &&
        (latest == nullptr || fy.year > latest->year)) {
      latest = &fy;
    }
  }
  return latest;
}
std::optional<RatioValue> ReadDebtRatio(const Company& c, Date on) {
  const FiscalYear* fy = BalanceYear(c, on);
  if (fy == nullptr) return std::nullopt;
  if (*fy->equity_won > 0) {
    return RatioValue{absl::int128(*fy->liabilities_won) * 100, *fy->equity_won,
                      false};
  }
  if (*fy->liabilities_won > 0) return RatioValue{1, 0, true};
  return std::nullopt;  // no debts and no equity: no ratio
}
std::string DescribeDebtRatio(const Company& c, Date on) {
  const FiscalYear* fy = BalanceYear(c, on);
  std::optional<RatioValue> r = ReadDebtRatio(c, on);
  if (!r) return "미상 (결산 부채총계·자본총계 필요)";
  return absl::StrCat(r->infinite ? "자본잠식" : PercentText(*r), " (",
                      fy->year, "년 결산: 부채 ",
                      FormatWon(*fy->liabilities_won), ", 자본 ",
                      FormatWon(*fy->equity_won), ")");
}

// ------------------------------------------------------------------ regions

void HeadOfficePlaces(const Company& c, PlaceFn place) {
  place("본사", c.head_office_region ? &*c.head_office_region : nullptr);
}
void SitePlaces(const Company& c, PlaceFn place) {
  HeadOfficePlaces(c, place);
  if (!c.site_regions) {
    place("사업장", nullptr);
    return;
  }
  for (const std::string& s : *c.site_regions) place("사업장", &s);
}
void FactoryPlaces(const Company& c, PlaceFn place) {
  if (!c.factory_regions) {
    place("공장", nullptr);
    return;
  }
  for (const std::string& s : *c.factory_regions) place("공장", &s);
}

// ------------------------------------------------------------------ choices

std::optional<int> ReadLegalForm(const Company& c) {
  if (!c.legal_form) return std::nullopt;
  return static_cast<int>(*c.legal_form);
}
void SetLegalForm(Company* c, std::optional<int> v) {
  if (v) {
    c->legal_form = static_cast<LegalForm>(*v);
  } else {
    c->legal_form.reset();
  }
}
std::vector<int> LegalFormsOf(const Predicate& p) {
  std::vector<int> out;
  for (LegalForm f : p.legal_forms) out.push_back(static_cast<int>(f));
  return out;
}
const char* LegalFormLabel(int v) {
  return LegalFormName(static_cast<LegalForm>(v));
}

// 매출액 대비 연구개발비 비율 = 100 연구개발비 / 매출액 of the latest fiscal
// year before `on` that has both (벤처기업 연구개발기업 유형, 기술혁신 사업);
// past every bound for R&D spent before the first revenue.
const FiscalYear* RndYear(const Company& c, Date on) {
  const FiscalYear* latest = nullptr;
  for (const FiscalYear& fy : c.fiscal_years) {
    if (fy.year < on.year() && fy.rnd_spend_won && fy.revenue_won &&
        (latest == nullptr || fy.year > latest->year)) {
      latest = &fy;
    }
  }
  return latest;
}
std::optional<RatioValue> ReadRndIntensity(const Company& c, Date on) {
  const FiscalYear* fy = RndYear(c, on);
  if (fy == nullptr) return std::nullopt;
  if (*fy->revenue_won > 0) {
    return RatioValue{absl::int128(*fy->rnd_spend_won) * 100, *fy->revenue_won,
                      false};
  }
  if (*fy->rnd_spend_won > 0) return RatioValue{1, 0, true};
  return std::nullopt;  // neither revenue nor R&D: no ratio
}
std::string DescribeRndIntensity(const Company& c, Date on) {
  const FiscalYear* fy = RndYear(c, on);
  std::optional<RatioValue> r = ReadRndIntensity(c, on);
  if (!r) return "미상 (같은 해 매출액·연구개발비 필요)";
  return absl::StrCat(r->infinite ? "매출 없음" : PercentText(*r), " (",
                      fy->year, "년: 연구개발비 ",
                      FormatWon(*fy->rnd_spend_won), ", 매출액 ",
                      FormatWon(*fy->revenue_won), ")");
}

// -------------------------------------------------------------------- flags

#define JIWON_FLAG(name, member)                                        \
  std::optional<bool> Read##name(const Company& c) { return c.member; } \
  void Set##name(Company* c, std::optional<bool> v) { c->member = v; }

JIWON_FLAG(TaxArrears, tax_arrears)
JIWON_FLAG(LoanDefault, loan_default)
JIWON_FLAG(SuspendedOrClosed, suspended_or_closed)
JIWON_FLAG(ParticipationBanned, participation_banned)
JIWON_FLAG(Restart, restart)
JIWON_FLAG(InRestrictedGroup, in_restricted_group)
JIWON_FLAG(OwnedByRestrictedGroup, owned_by_restricted_group)
#undef JIWON_FLAG

// A member of a 상호출자제한기업집단 is not independent (중소기업기본법
// 시행령 §3), whatever the profile says of independence.
std::optional<bool> ReadIndependent(const Company& c) {
  if (c.in_restricted_group == true) return false;
  return c.independent;
}
void SetIndependent(Company* c, std::optional<bool> v) { c->independent = v; }

// --------------------------------------------------------------------- rows

constexpr FactInfo Row(Fact fact, const char* id, const char* ko,
                       const char* en, Family family, Unit unit, uint16_t ops) {
  return FactInfo{fact,          id,      ko,      en,      family,
                  unit,          ops,     false,   false,   false,
                  Column::kNone, nullptr, nullptr, nullptr, nullptr};
}

constexpr FactInfo Figure(Fact fact, const char* id, const char* ko,
                          const char* en, Unit unit, bool changeable,
                          bool year_dependent, bool narrow, Column column,
                          std::optional<FigureValue> (*read)(const Company&,
                                                             Date),
                          void (*set)(Company*, int64_t, Date)) {
  FactInfo row = Row(fact, id, ko, en, Family::kFigure, unit, kRangeOps);
  row.changeable = changeable;
  row.year_dependent = year_dependent;
  row.narrow = narrow;
  row.column = column;
  row.read_figure = read;
  row.set_figure = set;
  return row;
}

constexpr FactInfo Flag(Fact fact, const char* id, const char* ko,
                        const char* en, bool changeable, Column column,
                        std::optional<bool> (*read)(const Company&),
                        void (*set)(Company*, std::optional<bool>)) {
  FactInfo row = Row(fact, id, ko, en, Family::kFlag, Unit::kNone, kBoolOps);
  row.changeable = changeable;
  row.column = column;
  row.read_flag = read;
  row.set_flag = set;
  return row;
}

constexpr FactInfo Ratio(Fact fact, const char* id, const char* ko,
                         const char* en,
                         std::optional<RatioValue> (*read)(const Company&,
                                                           Date),
                         std::string (*describe)(const Company&, Date)) {
  FactInfo row =
      Row(fact, id, ko, en, Family::kRatio, Unit::kPercent, kRangeOps);
  row.year_dependent = true;
  row.read_ratio = read;
  row.describe_ratio = describe;
  return row;
}

constexpr FactInfo Region(Fact fact, const char* id, const char* ko,
                          const char* en,
                          void (*places)(const Company&, PlaceFn)) {
  FactInfo row = Row(fact, id, ko, en, Family::kRegion, Unit::kNone, kCodeOps);
  row.read_places = places;
  return row;
}

constexpr FactInfo LegalFormRow() {
  FactInfo row = Row(Fact::kLegalForm, "legal_form", "기업 형태", "legal form",
                     Family::kChoice, Unit::kNone, kCodeOps);
  row.column = Column::kLegalForm;
  row.read_choice = ReadLegalForm;
  row.set_choice = SetLegalForm;
  row.predicate_choices = LegalFormsOf;
  row.choices = kMaxLegalForm;
  row.choice_name = LegalFormLabel;
  return row;
}

constexpr FactInfo Changeable(FactInfo row) {
  row.changeable = true;
  return row;
}

constexpr std::array<FactInfo, kMaxFact + 1> MakeTable() {
  using F = Fact;
  using U = Unit;
  const std::array<FactInfo, kMaxFact> rows = {
      Region(F::kHeadOfficeRegion, "head_office_region", "본사 소재지",
             "head office region", HeadOfficePlaces),
      Changeable(Region(F::kSiteRegion, "site_region", "사업장 소재지",
                        "region of any site", SitePlaces)),
      Row(F::kPrimaryIndustry, "primary_industry", "주업종(KSIC)",
          "primary industry (KSIC)", Family::kIndustry, U::kNone, kCodeOps),
      Row(F::kAnyIndustry, "any_industry", "업종(KSIC, 주·부업종)",
          "any industry (KSIC, primary or secondary)", Family::kIndustry,
          U::kNone, kCodeOps),
      Row(F::kProspectiveFounder, "prospective_founder", "예비창업자 여부",
          "prospective founder", Family::kFounding, U::kNone, kBoolOps),
      Row(F::kBusinessAgeMonths, "business_age_months", "업력", "business age",
          Family::kFounding, U::kMonths, kRangeOps),
      Row(F::kCeoAgeYears, "ceo_age_years", "대표자 만 나이", "CEO's age",
          Family::kCeo, U::kYears, kRangeOps),
      Row(F::kCeoFemale, "ceo_female", "여성 대표자", "female CEO",
          Family::kCeo, U::kNone, kBoolOps),
      Row(F::kCeoDisabled, "ceo_disabled", "장애인 대표자", "disabled CEO",
          Family::kCeo, U::kNone, kBoolOps),
      Row(F::kYouthCeo, "youth_ceo", "청년 대표자(만 39세 이하)",
          "young CEO (39 or younger)", Family::kCeo, U::kNone, kBoolOps),
      Figure(F::kRevenueLatestWon, "revenue_latest_won", "최근 연매출",
             "latest annual revenue", U::kWon, true, true, false,
             Column::kRevenueLatest, ReadRevenueLatest, SetRevenueLatest),
      Figure(F::kRevenueAvg3Won, "revenue_avg3_won", "3년 평균 매출",
             "3-year average revenue", U::kWon, true, true, false,
             Column::kRevenueAvg3, ReadRevenueAvg3, SetRevenueAvg3),
      Ratio(F::kRevenueGrowthPercent, "revenue_growth_percent",
            "2년 매출 증가율", "revenue growth over two years", ReadGrowth,
            DescribeGrowth),
      Figure(F::kTotalAssetsWon, "total_assets_won", "자산총액", "total assets",
             U::kWon, true, false, false, Column::kAssets, ReadAssets,
             SetAssets),
      Figure(F::kRegularEmployees, "regular_employees", "상시근로자 수",
             "regular employees", U::kPeople, true, false, true,
             Column::kEmployees, ReadEmployees, SetEmployees),
      Figure(F::kEmployeeChange, "employee_change", "상시근로자 증감",
             "change in regular employees", U::kPeople, true, false, true,
             Column::kEmployeeChange, ReadEmployeeChange, SetEmployeeChange),
      Figure(F::kExportsPrevYearUsd, "exports_prev_year_usd", "전년도 수출실적",
             "exports in the previous year", U::kUsd, false, true, false,
             Column::kNone, ReadExports, SetExports),
      Figure(F::kRndSpendWon, "rnd_spend_won", "연구개발비", "R&D spending",
             U::kWon, true, true, false, Column::kNone, ReadRnd, SetRnd),
      Figure(F::kPatents, "patents", "특허 수", "patents", U::kItems, true,
             false, true, Column::kPatents, ReadPatents, SetPatents),
      Changeable(Row(F::kCertifications, "certifications", "인증",
                     "certifications", Family::kSet, U::kNone, kSetOps)),
      Changeable(Row(F::kNeeds, "needs", "애로사항·관심분야",
                     "needs and interests", Family::kSet, U::kNone, kSetOps)),
      Row(F::kSizeClass, "size_class", "기업규모", "size class", Family::kSize,
          U::kNone, kCodeOps),
      Flag(F::kTaxArrears, "tax_arrears", "국세·지방세 체납",
           "national or local tax arrears", true, Column::kTaxArrears,
           ReadTaxArrears, SetTaxArrears),
      Flag(F::kLoanDefault, "loan_default", "금융기관 연체·채무불이행",
           "loan delinquency or default", true, Column::kLoanDefault,
           ReadLoanDefault, SetLoanDefault),
      Flag(F::kSuspendedOrClosed, "suspended_or_closed", "휴·폐업",
           "suspended or closed", false, Column::kSuspendedOrClosed,
           ReadSuspendedOrClosed, SetSuspendedOrClosed),
      Flag(F::kParticipationBanned, "participation_banned", "정부사업 참여제한",
           "banned from government programs", false,
           Column::kParticipationBanned, ReadParticipationBanned,
           SetParticipationBanned),
      Row(F::kParticipationsEver, "participations_ever", "사업 참여 이력",
          "past participations", Family::kHistory, U::kCount, kRangeOps),
      Row(F::kParticipationsThisYear, "participations_this_year",
          "당해연도 참여 횟수", "participations this year", Family::kHistory,
          U::kCount, kRangeOps),
      Row(F::kAwardsThisYearWon, "awards_this_year_won", "당해연도 지원금액",
          "support received this year", Family::kHistory, U::kWon, kRangeOps),
      Flag(F::kIndependent, "independent", "독립성(대기업 계열 여부)",
           "independence (not part of a large group)", false,
           Column::kIndependent, ReadIndependent, SetIndependent),
      Ratio(F::kDebtRatioPercent, "debt_ratio_percent", "부채비율",
            "debt-to-equity ratio", ReadDebtRatio, DescribeDebtRatio),
      Figure(F::kInsuredEmployees, "insured_employees", "고용보험 피보험자 수",
             "employees insured by employment insurance", U::kPeople, true,
             false, true, Column::kNone, ReadInsured, SetInsured),
      Region(F::kFactoryRegion, "factory_region", "공장 소재지",
             "region of any registered factory", FactoryPlaces),
      Flag(F::kRestart, "restart", "재창업 여부",
           "restart after closing a business", false, Column::kNone,
           ReadRestart, SetRestart),
      LegalFormRow(),
      Flag(F::kInRestrictedGroup, "in_restricted_group",
           "상호출자제한기업집단 소속", "member of a restricted business group",
           false, Column::kNone, ReadInRestrictedGroup, SetInRestrictedGroup),
      Row(F::kQuestion, "question", "공고별 질문", "a program's own question",
          Family::kQuestion, U::kNone, kCodeOps | kRangeOps | kBoolOps),
      Flag(F::kOwnedByRestrictedGroup, "owned_by_restricted_group",
           "상호출자제한기업집단 소속회사의 30% 이상 소유",
           "30% or more owned by a restricted group's company", false,
           Column::kNone, ReadOwnedByRestrictedGroup,
           SetOwnedByRestrictedGroup),
      Ratio(F::kRndIntensityPercent, "rnd_intensity_percent",
            "매출액 대비 연구개발비 비율", "R&D spending as a share of revenue",
            ReadRndIntensity, DescribeRndIntensity),
  };
  std::array<FactInfo, kMaxFact + 1> table{};
  table[0] = Row(static_cast<Fact>(0), "unspecified", "?", "?", Family::kFlag,
                 U::kNone, 0);
  // A row left out (value-initialised, fact 0) or a fact given twice stops
  // the build here: the table is evaluated at compile time.
  for (const FactInfo& row : rows) {
    const size_t i = static_cast<size_t>(row.fact);
    if (i == 0 || i > static_cast<size_t>(kMaxFact) || table[i].id != nullptr) {
      throw "every fact has exactly one row";
    }
    table[i] = row;
  }
  return table;
}

}  // namespace

// Built at compile time: no initialisation order to mind, no guard to check
// on every lookup.
constinit const std::array<FactInfo, kMaxFact + 1> kFactTable = MakeTable();

std::span<const FactInfo> AllFacts() {
  return std::span<const FactInfo>(kFactTable).subspan(1);
}

const char* FamilyId(Family f) {
  switch (f) {
    case Family::kRegion:
      return "region";
    case Family::kIndustry:
      return "industry";
    case Family::kFounding:
      return "founding";
    case Family::kCeo:
      return "ceo";
    case Family::kFigure:
      return "figure";
    case Family::kRatio:
      return "ratio";
    case Family::kSet:
      return "set";
    case Family::kSize:
      return "size";
    case Family::kFlag:
      return "flag";
    case Family::kHistory:
      return "history";
    case Family::kChoice:
      return "choice";
    case Family::kQuestion:
      return "question";
  }
  return "?";
}

std::optional<int64_t> FigureOf(const Company& company, Fact fact, Date on) {
  const FactInfo& info = Info(fact);
  if (info.read_figure == nullptr) return std::nullopt;
  std::optional<FigureValue> f = info.read_figure(company, on);
  if (!f) return std::nullopt;
  return f->value;
}

bool RatioInRange(const RatioValue& r, std::optional<int64_t> min,
                  bool min_exclusive, std::optional<int64_t> max,
                  bool max_exclusive) {
  if (r.infinite || r.den <= 0) return !max;  // above every bound
  // num / den against a bound b: num against b * den (den > 0).
  bool ok = true;
  if (min) {
    const absl::int128 bound = absl::int128(*min) * r.den;
    ok = ok && (min_exclusive ? r.num > bound : r.num >= bound);
  }
  if (max) {
    const absl::int128 bound = absl::int128(*max) * r.den;
    ok = ok && (max_exclusive ? r.num < bound : r.num <= bound);
  }
  return ok;
}

const char* UnitId(Unit u) {
  switch (u) {
    case Unit::kNone:
      return "";
    case Unit::kWon:
      return "won";
    case Unit::kUsd:
      return "usd";
    case Unit::kCount:
      return "count";
    case Unit::kItems:
      return "items";
    case Unit::kPeople:
      return "people";
    case Unit::kYears:
      return "years";
    case Unit::kMonths:
      return "months";
    case Unit::kPercent:
      return "percent";
  }
  return "";
}

// The model's per-fact predicates, as lookups.
const char* FactName(Fact f) { return Info(f).name_ko; }
bool IsFigure(Fact f) { return Info(f).family == Family::kFigure; }
bool IsStandingFlag(Fact f) { return Info(f).family == Family::kFlag; }
bool IsChangeable(Fact f) { return Info(f).changeable; }

}  // namespace jiwon::engine
