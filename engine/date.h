#ifndef JIWON_ENGINE_DATE_H_
#define JIWON_ENGINE_DATE_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jiwon::engine {

// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
// Cheap to copy; totally ordered.
class Date {
 public:
  constexpr Date() = default;

  static constexpr Date FromDays(int32_t days) { return Date(days); }
  // nullopt unless y-m-d is a real date (1..9999).
  static std::optional<Date> FromCivil(int year, int month, int day);
  // Parses exactly "YYYY-MM-DD".
  static std::optional<Date> Parse(std::string_view text);

  int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // "YYYY-MM-DD".
  std::string ToString() const;

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  // Calendar months; a day past the end of the target month clamps to its
  // last day (2024-01-31 + 1 month = 2024-02-29).
  Date AddMonths(int months) const;

  friend auto operator<=>(Date, Date) = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

int DaysInMonth(int year, int month);

// 만 나이: whole years from `birth` to `on`, the birthday counting on the day.
// A 29 February birthday is reached on 1 March in common years.
int AgeInYears(Date birth, Date on);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_DATE_H_
