#ifndef JIWON_ENGINE_FACTS_FACT_TABLE_H_
#define JIWON_ENGINE_FACTS_FACT_TABLE_H_

// The one table of company facts: a row per Fact with its names, family,
// unit, the operators it admits, and how to read it from a company and set
// it on a copy. Every per-fact question the engine asks — is it a figure,
// may a near miss suggest changing it, does it depend on the year, which
// column of the company table holds it — is a lookup here, so that adding a
// fact is adding a row (and, for a new kind of fact, a family).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/numeric/int128.h"
#include "engine/date.h"
#include "engine/model.h"

namespace jiwon::engine {

// Facts that are tested, explained, indexed and changed alike.
enum class Family : uint8_t {
  kRegion = 1,     // 본사·사업장 소재지: IN / NOT_IN over region codes
  kIndustry = 2,   // KSIC codes: IN / NOT_IN
  kFounding = 3,   // 예비창업자 and 업력
  kCeo = 4,        // per 대표자, with a quantifier
  kFigure = 5,     // one number of the company: RANGE
  kRatio = 6,      // a quotient of two figures, compared exactly: RANGE
  kSet = 7,        // certifications, needs: ANY_OF / ALL_OF / NONE_OF
  kSize = 8,       // the derived size class: IN / NOT_IN
  kFlag = 9,       // a yes/no standing of the company: IS_TRUE / IS_FALSE
  kHistory = 10,   // counts and sums over past participations: RANGE
  kChoice = 11,    // one value of a fixed list (기업 형태): IN / NOT_IN
  kQuestion = 12,  // a question a program declares, by its type
};
inline constexpr int kMaxFamily = 12;

enum class Unit : uint8_t {
  kNone = 0,  // codes, sets, yes/no
  kWon,
  kUsd,
  kCount,  // 회
  kItems,  // 건
  kPeople,
  kYears,
  kMonths,
  kPercent,
};

// A bit per Op.
constexpr uint16_t OpBit(Op op) {
  const int i = static_cast<int>(op);
  return i < 16 ? static_cast<uint16_t>(1u << i) : 0;
}

// The column of the company table that holds a figure or flag, if any.
enum class Column : uint8_t {
  kNone = 0,
  kRevenueLatest,
  kRevenueAvg3,
  kAssets,
  kEmployees,
  kEmployeeChange,  // from the employees and last year's columns
  kPatents,
  kTaxArrears,
  kLoanDefault,
  kSuspendedOrClosed,
  kParticipationBanned,
  kIndependent,
  kLegalForm,
};

// A figure at a reference date, with the fiscal year it comes from when it
// has one (0 otherwise).
struct FigureValue {
  int64_t value = 0;
  int year = 0;
};

// A quotient num / den, compared exactly: never rounded. `infinite` stands
// for a positive number over zero or less (부채비율 of a company whose
// equity is wiped out): above every bound.
struct RatioValue {
  absl::int128 num = 0;
  absl::int128 den = 1;  // > 0 unless infinite
  bool infinite = false;
};

// A place a region fact reads: "본사" and its code, or nullptr when that
// place is unknown.
using PlaceFn =
    absl::FunctionRef<void(const char* label, const std::string* code)>;

struct FactInfo {
  Fact fact;
  const char* id;       // stable, lower case: "revenue_latest_won"
  const char* name_ko;  // for people: "최근 연매출"
  const char* name_en;  // "latest annual revenue"
  Family family;
  Unit unit;
  uint16_t ops;  // OpBit of each operator the fact admits
  // Whether a company could change the fact — obtain a certification, open
  // a 사업장, grow or shrink a figure, settle arrears — as opposed to
  // history and identity. Only changeable facts are suggested in near
  // misses.
  bool changeable;
  // Whether the value depends on the reference year (fiscal-year figures).
  bool year_dependent;
  // Whether the value is stored in 32 bits (employees, patents): bounds
  // beyond ±10^9 cannot be represented by a company of that value.
  bool narrow;
  Column column;
  // kFigure: the value at `on`; nullopt when unknown.
  std::optional<FigureValue> (*read_figure)(const Company& c, Date on);
  // kFigure: makes the value at `on` equal `v`, changing as little else as
  // it can (the years a figure is read from, the other figures kept).
  void (*set_figure)(Company* c, int64_t v, Date on);
  // kFlag: the flag, and setting it.
  std::optional<bool> (*read_flag)(const Company& c);
  void (*set_flag)(Company* c, std::optional<bool> v);
  // kRatio: the ratio at `on` (nullopt when unknown), and what the company
  // has in words, known or not ("12.5% (2023년 80억원 → 2025년 90억원)").
  std::optional<RatioValue> (*read_ratio)(const Company& c, Date on);
  std::string (*describe_ratio)(const Company& c, Date on);
  // kRegion: every place of the company the fact tests, known or not.
  void (*read_places)(const Company& c, PlaceFn place);
  // kChoice: the company's value (nullopt unknown), setting it, and the
  // values a predicate names.
  std::optional<int> (*read_choice)(const Company& c);
  void (*set_choice)(Company* c, std::optional<int> v);
  std::vector<int> (*predicate_choices)(const Predicate& p);
  int choices;  // values are 1..choices
  const char* (*choice_name)(int v);
};

// Every row by Fact value; row 0 stands for any value out of range.
extern const std::array<FactInfo, kMaxFact + 1> kFactTable;

// The row of `f`; the "?" row for a value that is no Fact.
inline const FactInfo& Info(Fact f) {
  const size_t i = static_cast<size_t>(f);
  return kFactTable[i <= static_cast<size_t>(kMaxFact) ? i : 0];
}
// Every row, by Fact value.
std::span<const FactInfo> AllFacts();

inline Family FamilyOf(Fact f) { return Info(f).family; }
inline Unit UnitOf(Fact f) { return Info(f).unit; }
inline bool Admits(Fact f, Op op) { return (Info(f).ops & OpBit(op)) != 0; }

// The value of a figure fact at `on`, when known; nullopt for a fact that
// is no figure.
std::optional<int64_t> FigureOf(const Company& company, Fact fact, Date on);

// Whether `r` lies within the predicate's RANGE bounds, exactly.
bool RatioInRange(const RatioValue& r, std::optional<int64_t> min,
                  bool min_exclusive, std::optional<int64_t> max,
                  bool max_exclusive);

// Ids of families and units, for the served vocabulary: "figure", "won";
// "" for Unit::kNone.
const char* FamilyId(Family f);
const char* UnitId(Unit u);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_FACTS_FACT_TABLE_H_
