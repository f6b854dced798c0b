#include "engine/format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace jiwon::engine {
namespace {

constexpr int64_t kEok = 100'000'000;
constexpr int64_t kMan = 10'000;

}  // namespace

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

}  // namespace jiwon::engine
