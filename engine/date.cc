#include "engine/date.h"

#include <algorithm>
#include <cstdio>

namespace jiwon::engine {
namespace {

// Days from civil and back: Howard Hinnant's algorithms for the proleptic
// Gregorian calendar, with eras of 400 years.
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int y, m, d;
};

Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return {y + (m <= 2), m, d};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> Date::FromCivil(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return Date(DaysFromCivil(year, month, day));
}

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lengths[p]; ++i) {
      const char c = text[starts[p] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  return FromCivil(parts[0], parts[1], parts[2]);
}

int Date::year() const { return CivilFromDays(days_).y; }
int Date::month() const { return CivilFromDays(days_).m; }
int Date::day() const { return CivilFromDays(days_).d; }

std::string Date::ToString() const {
  const Civil c = CivilFromDays(days_);
  if (c.y < 0 || c.y > 9999) {  // only arithmetic gets here
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
    return buf;
  }
  // Answers carry many dates; this is several times faster than snprintf.
  std::string out = "0000-00-00";
  auto put = [&](int v, int at, int width) {
    for (int i = at + width - 1; i >= at; --i, v /= 10) {
      out[i] = static_cast<char>('0' + v % 10);
    }
  };
  put(c.y, 0, 4);
  put(c.m, 5, 2);
  put(c.d, 8, 2);
  return out;
}

Date Date::AddMonths(int months) const {
  const Civil c = CivilFromDays(days_);
  // Floor division: months before year 0 count backwards too.
  const int64_t index = int64_t{c.y} * 12 + (c.m - 1) + months;
  const int y = static_cast<int>(index >= 0 ? index / 12 : (index - 11) / 12);
  const int m = static_cast<int>(index - int64_t{y} * 12) + 1;
  const int d = std::min(c.d, DaysInMonth(y, m));
  return Date(DaysFromCivil(y, m, d));
}

int AgeInYears(Date birth, Date on) {
  const Civil b = CivilFromDays(birth.days());
  const Civil o = CivilFromDays(on.days());
  int age = o.y - b.y;
  if (o.m < b.m || (o.m == b.m && o.d < b.d)) --age;
  return age;
}

}  // namespace jiwon::engine
