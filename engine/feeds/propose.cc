#include "engine/feeds/propose.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/facts/fact_table.h"
#include "engine/feeds/announcement.h"
#include "engine/feeds/text.h"

namespace jiwon::engine::feeds {
namespace {

using std::string_view;

constexpr double kFigureConfidence = 0.8;  // a named figure and a bound
constexpr double kFlagConfidence = 0.8;    // an exclusion's own words
constexpr double kRegionConfidence = 0.7;  // place names in the clause
constexpr double kNameConfidence = 0.6;    // a certification, a size
constexpr double kGuessConfidence = 0.4;   // read with a doubt

// How far (bytes) a bound may follow the words that name its figure, and
// how near the words that make an age someone else's must be.
constexpr size_t kFigureWindow = 36;
constexpr size_t kOthersBefore = 36;
constexpr size_t kOthersAfter = 45;

// Longer clauses are kept unread (the longest line of the 95 real passages
// is 478 bytes).
constexpr size_t kMaxClauseBytes = 4096;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A middle dot of any of the forms lists use, at s[i]: its length, or 0.
size_t DotAt(string_view s, size_t i) {
  for (string_view d : {"ㆍ", "·", "‧", "∙", "•", "・"}) {
    if (s.substr(i).starts_with(d)) return d.size();
  }
  return 0;
}

size_t SkipSpaces(string_view s, size_t i, size_t end) {
  while (i < end && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

bool At(string_view s, size_t i, string_view word) {
  return s.substr(i).starts_with(word);
}

// Where `word` occurs in [from, to), or npos.
size_t FindIn(string_view s, string_view word, size_t from, size_t to) {
  if (from >= to) return string_view::npos;
  const size_t at = s.substr(0, to).find(word, from);
  return at == string_view::npos || at + word.size() > to ? string_view::npos
                                                          : at;
}

bool HasIn(string_view s, string_view word, size_t from, size_t to) {
  return FindIn(s, word, from, to) != string_view::npos;
}

// Whether s[i] lies inside parentheses opened in [from, i).
bool InParens(string_view s, size_t from, size_t i) {
  int depth = 0;
  for (size_t k = from; k < i && k < s.size(); ++k) {
    if (s[k] == '(') ++depth;
    if (s[k] == ')' && depth > 0) --depth;
  }
  return depth > 0;
}

// --- Quantities ------------------------------------------------------------

enum class QKind { kMoney, kPeople, kYears, kAge, kPercent, kTimes, kPoints };

struct Quantity {
  int64_t value = 0;  // won or USD; people; months; years; percent; times
  bool usd = false;
  bool has_unit = false;  // money: 억, 만, 원 or 불 was written
  size_t begin = 0;
  size_t end = 0;
};

// A decimal number with thousands commas at s[i]: its value ×1000 (the
// fraction's three digits) and the end; nullopt past 10^15.
std::optional<int64_t> ReadMilli(string_view s, size_t i, size_t end,
                                 size_t* after) {
  if (i >= end || !IsDigit(s[i])) return std::nullopt;
  int64_t whole = 0;
  size_t j = i;
  int digits = 0;
  while (j < end) {
    if (IsDigit(s[j])) {
      whole = whole * 10 + (s[j] - '0');
      if (++digits > 15) return std::nullopt;
      ++j;
    } else if (s[j] == ',' && j + 3 < end && IsDigit(s[j + 1]) &&
               IsDigit(s[j + 2]) && IsDigit(s[j + 3]) &&
               (j + 4 >= end || !IsDigit(s[j + 4]))) {
      ++j;
    } else {
      break;
    }
  }
  int64_t milli = whole * 1000;
  if (j + 1 < end && s[j] == '.' && IsDigit(s[j + 1])) {
    int64_t scale = 100;
    ++j;
    while (j < end && IsDigit(s[j])) {
      milli += scale * (s[j] - '0');
      scale /= 10;
      ++j;
    }
  }
  *after = j;
  return milli;
}

std::optional<Quantity> ReadMoney(string_view s, size_t i, size_t end) {
  static constexpr std::pair<string_view, int64_t> kUnits[] = {
      {"억", 100000000},
      {"천만", 10000000},
      {"백만", 1000000},
      {"만", 10000},
      {"천", 1000}};
  Quantity q;
  q.begin = i;
  absl::int128 total = 0;
  size_t j = i;
  while (j < end && IsDigit(s[j])) {
    size_t after = j;
    std::optional<int64_t> milli = ReadMilli(s, j, end, &after);
    if (!milli) return std::nullopt;
    int64_t unit = 1;
    for (const auto& [word, value] : kUnits) {
      if (At(s, after, word)) {
        unit = value;
        after += word.size();
        break;
      }
    }
    total += absl::int128(*milli) * unit / 1000;
    j = after;
    if (unit == 1) break;
    q.has_unit = true;
    const size_t next = SkipSpaces(s, j, end);
    if (next < end && IsDigit(s[next])) {
      j = next;
      continue;
    }
    break;
  }
  if (j == i) return std::nullopt;
  const size_t k = SkipSpaces(s, j, end);
  if (At(s, k, "원")) {
    q.has_unit = true;
    j = k + string_view("원").size();
  } else if (At(s, k, "불") || At(s, k, "달러")) {
    q.has_unit = true;
    q.usd = true;
    j = k + (At(s, k, "불") ? string_view("불") : string_view("달러")).size();
  }
  if (!q.has_unit || total > absl::int128(int64_t{1} << 62)) {
    return std::nullopt;
  }
  q.value = static_cast<int64_t>(total);
  q.end = j;
  return q;
}

// An integer followed by one of the unit words.
std::optional<Quantity> ReadCounted(string_view s, size_t i, size_t end,
                                    std::initializer_list<string_view> units,
                                    int64_t limit) {
  size_t after = i;
  std::optional<int64_t> milli = ReadMilli(s, i, end, &after);
  if (!milli || *milli % 1000 != 0 || *milli / 1000 > limit) {
    return std::nullopt;
  }
  const size_t k = SkipSpaces(s, after, end);
  for (string_view u : units) {
    if (At(s, k, u)) {
      Quantity q;
      q.value = *milli / 1000;
      q.begin = i;
      q.end = k + u.size();
      return q;
    }
  }
  return std::nullopt;
}

// "3년", "2년 3개월", "6개월": months.
std::optional<Quantity> ReadYears(string_view s, size_t i, size_t end) {
  std::optional<Quantity> q = ReadCounted(s, i, end, {"년", "개월"}, 99);
  if (!q) return std::nullopt;
  if (At(s, q->end - string_view("년").size(), "년")) {
    if (At(s, q->end, "도") || At(s, q->end, "간")) return std::nullopt;
    q->value *= 12;
    const size_t k = SkipSpaces(s, q->end, end);
    if (std::optional<Quantity> m = ReadCounted(s, k, end, {"개월"}, 11)) {
      q->value += m->value;
      q->end = m->end;
    }
  }
  return q;
}

std::optional<Quantity> ReadQuantity(string_view s, size_t i, size_t end,
                                     QKind kind) {
  switch (kind) {
    case QKind::kMoney:
      return ReadMoney(s, i, end);
    case QKind::kPeople:
      return ReadCounted(s, i, end, {"인", "명"}, 10000000);
    case QKind::kYears:
      return ReadYears(s, i, end);
    case QKind::kAge:
      return ReadCounted(s, i, end, {"세"}, 130);
    case QKind::kPercent:
      return ReadCounted(s, i, end, {"%", "％"}, 100000);
    case QKind::kTimes:
      return ReadCounted(s, i, end, {"회"}, 1000);
    case QKind::kPoints:
      return ReadCounted(s, i, end, {"점"}, 1000);
  }
  return std::nullopt;
}

enum class Cmp { kNone, kBelow, kAtMost, kAtLeast, kAbove, kWithin };

// The comparison word after a quantity ("미만"), skipping spaces, quotes and
// a closing parenthesis; its end in `after`.
Cmp ReadCmp(string_view s, size_t i, size_t end, size_t* after) {
  size_t k = i;
  while (k < end && (s[k] == ' ' || s[k] == '\'' || s[k] == ')')) ++k;
  for (string_view q : {"’", "‘"}) {
    if (At(s, k, q)) k += q.size();
  }
  k = SkipSpaces(s, k, end);
  static constexpr std::pair<string_view, Cmp> kWords[] = {
      {"미만", Cmp::kBelow},   {"이하", Cmp::kAtMost}, {"이내", Cmp::kWithin},
      {"이상", Cmp::kAtLeast}, {"초과", Cmp::kAbove},  {"까지", Cmp::kAtMost},
      {"넘는", Cmp::kAbove},
  };
  for (const auto& [word, cmp] : kWords) {
    if (At(s, k, word)) {
      *after = k + word.size();
      return cmp;
    }
  }
  *after = i;
  return Cmp::kNone;
}

bool IsUpper(Cmp c) {
  return c == Cmp::kBelow || c == Cmp::kAtMost || c == Cmp::kWithin;
}

struct Bounds {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  bool min_exclusive = false;
  bool max_exclusive = false;
  bool usd = false;
  size_t begin = 0;
  size_t end = 0;
  std::string words;  // the comparison words, for the reading
};

void SetBound(Bounds* b, const Quantity& q, Cmp cmp, bool within_exclusive) {
  switch (cmp) {
    case Cmp::kBelow:
      b->max = q.value;
      b->max_exclusive = true;
      break;
    case Cmp::kAtMost:
      b->max = q.value;
      break;
    case Cmp::kWithin:
      b->max = q.value;
      b->max_exclusive = within_exclusive;
      break;
    case Cmp::kAtLeast:
      b->min = q.value;
      break;
    case Cmp::kAbove:
      b->min = q.value;
      b->min_exclusive = true;
      break;
    case Cmp::kNone:
      break;
  }
}

// The bounds written at s[i]: "120억원 미만", "5인이상~1,000인미만", "0원 초과
// 1억 400만원 미만", "19세 이상 39세 이하", "만19세 ~ 55세".
// `within_exclusive`: whether 이내 excludes its bound (업력).
std::optional<Bounds> ReadBounds(string_view s, size_t i, size_t end,
                                 QKind kind, bool within_exclusive) {
  std::optional<Quantity> q1 = ReadQuantity(s, i, end, kind);
  if (!q1) return std::nullopt;
  Bounds b;
  b.begin = i;
  b.usd = q1->usd;
  size_t after = q1->end;
  const Cmp c1 = ReadCmp(s, q1->end, end, &after);
  size_t k = SkipSpaces(s, after, end);
  const bool tilde = At(s, k, "~") || At(s, k, "∼") || At(s, k, "～");
  if (tilde && (c1 == Cmp::kNone || c1 == Cmp::kAtLeast)) {
    k += At(s, k, "~") ? 1 : string_view("∼").size();
    k = SkipSpaces(s, k, end);
    if (At(s, k, "만") && kind == QKind::kAge) {
      k = SkipSpaces(s, k + string_view("만").size(), end);
    }
    std::optional<Quantity> q2 = ReadQuantity(s, k, end, kind);
    if (!q2 || q2->usd != q1->usd) return std::nullopt;
    size_t after2 = q2->end;
    Cmp c2 = ReadCmp(s, q2->end, end, &after2);
    if (!IsUpper(c2) && c2 != Cmp::kNone) return std::nullopt;
    SetBound(&b, *q1, Cmp::kAtLeast, within_exclusive);
    SetBound(&b, *q2, c2 == Cmp::kNone ? Cmp::kAtMost : c2, within_exclusive);
    b.end = after2;
    b.words = std::string(s.substr(b.begin, b.end - b.begin));
    return b;
  }
  if (c1 == Cmp::kNone) return std::nullopt;
  SetBound(&b, *q1, c1, within_exclusive);
  b.end = after;
  if (c1 == Cmp::kAtLeast || c1 == Cmp::kAbove) {
    // A second, upper bound close behind: "50인 이상 100인 미만".
    size_t j = SkipSpaces(s, after, end);
    if (At(s, j, "만") && kind == QKind::kAge) {
      j = SkipSpaces(s, j + string_view("만").size(), end);
    }
    if (std::optional<Quantity> q2 = ReadQuantity(s, j, end, kind);
        q2 && q2->usd == q1->usd) {
      size_t after2 = q2->end;
      const Cmp c2 = ReadCmp(s, q2->end, end, &after2);
      if (IsUpper(c2)) {
        SetBound(&b, *q2, c2, within_exclusive);
        b.end = after2;
      }
    }
  }
  b.words = std::string(s.substr(b.begin, b.end - b.begin));
  return b;
}

// The first bounds of `kind` in [from, to), reading from each digit.
std::optional<Bounds> FindBounds(string_view s, size_t from, size_t to,
                                 QKind kind, bool within_exclusive) {
  for (size_t i = from; i < to; ++i) {
    if (!IsDigit(s[i]) || (i > 0 && IsDigit(s[i - 1])) ||
        (i > 0 && (s[i - 1] == ',' || s[i - 1] == '.'))) {
      continue;
    }
    if (std::optional<Bounds> b =
            ReadBounds(s, i, to, kind, within_exclusive)) {
      return b;
    }
  }
  return std::nullopt;
}

// --- Dates -----------------------------------------------------------------

struct DateRead {
  Date date;
  bool year_only = false;
  size_t begin = 0;
  size_t end = 0;
};

// "1986. 03. 05.", "1986.1.1.", "1987년 1월 1일", "1966년" at s[i].
std::optional<DateRead> ReadDateAt(string_view s, size_t i, size_t end) {
  if (i + 4 > end) return std::nullopt;
  for (size_t k = i; k < i + 4; ++k) {
    if (!IsDigit(s[k])) return std::nullopt;
  }
  if (i + 4 < end && IsDigit(s[i + 4])) return std::nullopt;
  const int year = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
                   (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
  if (year < 1900 || year > 2100) return std::nullopt;
  size_t j = i + 4;
  auto sep = [&](std::initializer_list<string_view> words) {
    const size_t k = SkipSpaces(s, j, end);
    for (string_view w : words) {
      if (At(s, k, w)) {
        j = SkipSpaces(s, k + w.size(), end);
        return true;
      }
    }
    return false;
  };
  auto number = [&](int* out) {
    int v = 0;
    int n = 0;
    while (j < end && IsDigit(s[j]) && n < 2) {
      v = v * 10 + (s[j] - '0');
      ++j;
      ++n;
    }
    *out = v;
    return n > 0;
  };
  DateRead d;
  d.begin = i;
  const bool korean = At(s, SkipSpaces(s, j, end), "년");
  if (!sep({".", "년", "-"})) return std::nullopt;
  int month = 0;
  int day = 0;
  const size_t after_year = j;
  if (!number(&month) || !sep({".", "월", "-"}) || !number(&day)) {
    if (!korean) return std::nullopt;
    d.year_only = true;
    d.date = *Date::FromCivil(year, 12, 31);
    d.end = after_year;
    return d;
  }
  std::optional<Date> date = Date::FromCivil(year, month, day);
  if (!date) return std::nullopt;
  const size_t k = SkipSpaces(s, j, end);
  if (At(s, k, ".")) j = k + 1;
  if (At(s, k, "일")) j = k + string_view("일").size();
  d.date = *date;
  d.end = j;
  return d;
}

// --- Clauses ---------------------------------------------------------------

struct Clause {
  size_t begin = 0;
  size_t end = 0;
};

// Lines, table cells and inline bullets, each without its leading bullet,
// numbering and spaces.
std::vector<Clause> Clauses(string_view s) {
  std::vector<Clause> out;
  static constexpr string_view kBreaks[] = {
      "\n", "<br>", "<br/>", "|", "☞", "※", "▶", "◦",
      "￭",  "□",    "⦁",     "▪", "■", "○", "●", "◇"};
  size_t start = 0;
  auto flush = [&](size_t stop) {
    size_t b = start;
    size_t e = stop;
    // Leading bullets, dashes, numbering ("1)", "①", "가.", "3.") and spaces.
    for (bool more = true; more && b < e;) {
      more = false;
      const size_t dot = DotAt(s, b);
      if (s[b] == ' ' || s[b] == '-' || s[b] == '*' || s[b] == '\t' ||
          (s[b] == 'o' && b + 1 < e && s[b + 1] == ' ')) {
        ++b;
        more = true;
      } else if (dot > 0) {
        b += dot;
        more = true;
      } else if (IsDigit(s[b])) {
        size_t k = b;
        while (k < e && IsDigit(s[k])) ++k;
        if (k < e && k - b <= 2 && (s[k] == ')' || s[k] == '.') &&
            (k + 1 >= e || !IsDigit(s[k + 1]))) {
          b = k + 1;
          more = true;
        }
      } else {
        size_t len = 0;
        const uint32_t cp = DecodeAt(s, b, &len);
        if ((cp >= 0x2460 && cp <= 0x2473) || cp == 0x0152) {  // ① … ⑳
          b += len;
          more = true;
        } else if (cp >= 0xAC00 && cp <= 0xD7A3 && b + len < e &&
                   (s[b + len] == '.' || s[b + len] == ')') &&
                   (b + len + 1 >= e || s[b + len + 1] == ' ')) {
          b += len + 1;  // "가." "나)"
          more = true;
        }
      }
    }
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) {
      --e;
    }
    if (e > b) out.push_back({b, e});
  };
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 0;
    for (string_view br : kBreaks) {
      if (At(s, i, br)) {
        len = br.size();
        break;
      }
    }
    // A middle dot after a space or a line start is a bullet, not a list.
    if (len == 0 && (i == 0 || s[i - 1] == ' ')) {
      const size_t dot = DotAt(s, i);
      if (dot > 0 && i + dot < s.size() && s[i + dot] == ' ') len = dot;
    }
    if (len > 0) {
      flush(i);
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  flush(s.size());
  return out;
}

// The codes a place name is looked up near: those read so far, and the
// issuer's.
std::vector<std::string> Near(const std::set<std::string>& codes,
                              const std::vector<std::string>& issuer) {
  std::vector<std::string> near(codes.begin(), codes.end());
  near.insert(near.end(), issuer.begin(), issuer.end());
  return near;
}

// Whether a word ends at s[i]: the clause's end, a character that is no
// Hangul syllable, or a particle ("제조업을", "제조업의") — not a longer
// word ("제조업관련").
bool WordEndsAt(string_view s, size_t i, size_t end) {
  if (i >= end) return true;
  size_t len = 0;
  const uint32_t cp = DecodeAt(s, i, &len);
  if (!(cp >= 0xAC00 && cp <= 0xD7A3)) return true;
  for (string_view particle :
       {"을", "를", "의", "에", "과", "및", "은", "는", "으로", "만", "도"}) {
    if (At(s, i, particle)) return true;
  }
  return false;
}

// --- Reading ---------------------------------------------------------------

Condition Leaf(Predicate p) {
  Condition c;
  c.predicate = std::move(p);
  return c;
}

Predicate RangeOf(Fact fact, const Bounds& b) {
  Predicate p;
  p.fact = fact;
  p.op = Op::kRange;
  p.min = b.min;
  p.max = b.max;
  p.min_exclusive = b.min_exclusive;
  p.max_exclusive = b.max_exclusive;
  return p;
}

// The words that make a clause about people other than the applicant (the
// ones to be hired) or a condition someone else states.
constexpr string_view kOthers[] = {"채용", "고용",   "근로자", "직원",  "인턴",
                                   "구직", "구성원", "참여자", "종사자"};

// A permission or an exception: a clause that widens, not narrows.
bool IsPermission(string_view s, Clause c) {
  auto outside = [&](size_t at) { return !InParens(s, c.begin, at); };
  // "지원 가능", "신청이 가능합니다", "참여 가능" — not "근무가 가능한".
  for (size_t at = FindIn(s, "가능", c.begin, c.end); at != string_view::npos;
       at = FindIn(s, "가능", at + 1, c.end)) {
    if (at >= 3 && At(s, at - 3, "불")) continue;
    const size_t from = at > c.begin + 10 ? at - 10 : c.begin;
    for (string_view w : {"지원", "신청", "참여", "접수", "인정", "허용"}) {
      if (HasIn(s, w, from, at) && outside(at)) return true;
    }
  }
  for (string_view w : {"허용", "인정"}) {
    for (size_t at = FindIn(s, w, c.begin, c.end); at != string_view::npos;
         at = FindIn(s, w, at + w.size(), c.end)) {
      if (at >= 3 && At(s, at - 3, "불")) continue;
      if (outside(at)) return true;
    }
  }
  return false;
}

// Whether s[i] lies inside quotation marks opened in [from, i): the names
// of programs and laws ("‘소공인 공동기반시설 구축사업’",
// "「소상공인기본법」").
bool InQuotes(string_view s, size_t from, size_t i) {
  int depth = 0;
  for (size_t k = from; k < i && k < s.size();) {
    size_t len = 0;
    const uint32_t cp = DecodeAt(s, k, &len);
    if (cp == 0x2018 || cp == 0x300C || cp == 0x201C || cp == 0x300E) ++depth;
    if ((cp == 0x2019 || cp == 0x300D || cp == 0x201D || cp == 0x300F) &&
        depth > 0) {
      --depth;
    }
    k += len;
  }
  return depth > 0;
}

class PassageReader {
 public:
  PassageReader(const RuleProposer& proposer, string_view text, Section section,
                const ProposeOptions& options)
      : p_(proposer), s_(text), section_(section), options_(options) {}

  ProseProposals Read();

 private:
  struct Found {
    ProseRule rule;
    bool in_parens = false;
    Fact figure = Fact::kQuestion;  // the figure of a RANGE, for tiers
  };

  void ReadClause(Clause c);
  void Figures(Clause c);
  void BusinessAge(Clause c);
  void Ages(Clause c);
  void BirthDates(Clause c);
  void Regions(Clause c);
  void Industries(Clause c);
  void Sizes(Clause c);
  void Certifications(Clause c);
  void LegalForms(Clause c);
  void Flags(Clause c);
  void Participations(Clause c);

  RuleKind KindFor() const {
    switch (section_) {
      case Section::kExclusion:
        return RuleKind::kExclude;
      case Section::kBonus:
        return RuleKind::kBonus;
      case Section::kEligibility:
      case Section::kScoring:
        break;
    }
    return RuleKind::kRequire;
  }
  void Add(Clause c, size_t begin, size_t end, Condition cond, double conf,
           std::string reading, RuleKind kind, Fact figure = Fact::kQuestion);
  std::string ReferenceOf(Clause c) const;
  bool Has(Clause c, string_view w) const {
    return HasIn(s_, w, c.begin, c.end);
  }
  // Outside parentheses: "(대표 제외)" qualifies a count, not the clause.
  bool HasOutside(Clause c, string_view w) const {
    for (size_t at = FindIn(s_, w, c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, w, at + 1, c.end)) {
      if (!InParens(s_, c.begin, at)) return true;
    }
    return false;
  }
  bool OthersNear(size_t begin, size_t end, Clause c) const;

  const RuleProposer& p_;
  string_view s_;
  Section section_;
  const ProposeOptions& options_;
  std::vector<Found> found_;  // of the clause being read
  ProseProposals out_;
  int32_t default_points_ = 0;
  int next_question_ = 1;
};

std::string PassageReader::ReferenceOf(Clause c) const {
  static constexpr std::pair<string_view, string_view> kRefs[] = {
      {"공고일", "공고일"},        {"공고시작일", "공고일"},
      {"공고 마감일", "마감일"},   {"공고마감일", "마감일"},
      {"마감일", "마감일"},        {"접수마감일", "마감일"},
      {"신청마감일", "마감일"},    {"신청일", "신청일"},
      {"전년도", "전년도"},        {"직전년도", "전년도"},
      {"직전 사업연도", "전년도"},
  };
  string_view best;
  size_t best_at = string_view::npos;
  for (const auto& [word, ref] : kRefs) {
    const size_t at = FindIn(s_, word, c.begin, c.end);
    if (at != string_view::npos &&
        (best_at == string_view::npos || at < best_at ||
         (at == best_at && word.size() > 3))) {
      best = ref;
      best_at = at;
    }
  }
  return std::string(best);
}

bool PassageReader::OthersNear(size_t begin, size_t end, Clause c) const {
  const size_t from =
      begin > c.begin + kOthersBefore ? begin - kOthersBefore : c.begin;
  const size_t to = std::min(c.end, end + kOthersAfter);
  for (string_view w : kOthers) {
    if (HasIn(s_, w, from, to)) return true;
  }
  return false;
}

void PassageReader::Add(Clause c, size_t begin, size_t end, Condition cond,
                        double conf, std::string reading, RuleKind kind,
                        Fact figure) {
  // Spans end on characters, whatever the readers computed.
  auto continuation = [&](size_t i) {
    return i < s_.size() && (static_cast<unsigned char>(s_[i]) & 0xC0) == 0x80;
  };
  while (begin > 0 && continuation(begin)) --begin;
  while (continuation(end)) ++end;
  Found f;
  f.rule.rule.kind = kind;
  f.rule.rule.condition = std::move(cond);
  f.rule.begin = begin;
  f.rule.end = end;
  f.rule.rule.evidence = std::string(s_.substr(begin, end - begin));
  f.rule.confidence = conf;
  f.rule.reading = std::move(reading);
  f.rule.reference = ReferenceOf(c);
  // 전년도 dates a figure; the clause's other rules hold on the day itself.
  if (f.rule.reference == "전년도" && figure == Fact::kQuestion) {
    f.rule.reference.clear();
  }
  f.in_parens = InParens(s_, c.begin, begin);
  f.figure = figure;
  found_.push_back(std::move(f));
}

// 매출액, 수출액, 상시근로자, 고용보험 피보험자, 부채비율: a figure's name and
// its bounds close behind.
void PassageReader::Figures(Clause c) {
  struct Trigger {
    string_view word;
    Fact fact;
    QKind kind;
  };
  static constexpr Trigger kTriggers[] = {
      {"매출액", Fact::kRevenueLatestWon, QKind::kMoney},
      {"매출", Fact::kRevenueLatestWon, QKind::kMoney},
      {"수출액", Fact::kExportsPrevYearUsd, QKind::kMoney},
      {"수출실적", Fact::kExportsPrevYearUsd, QKind::kMoney},
      {"수출 실적", Fact::kExportsPrevYearUsd, QKind::kMoney},
      {"직수출", Fact::kExportsPrevYearUsd, QKind::kMoney},
      {"상시근로자", Fact::kRegularEmployees, QKind::kPeople},
      {"상시 근로자", Fact::kRegularEmployees, QKind::kPeople},
      {"상시종업원", Fact::kRegularEmployees, QKind::kPeople},
      {"근로자", Fact::kRegularEmployees, QKind::kPeople},
      {"고용인원", Fact::kRegularEmployees, QKind::kPeople},
      {"피보험자", Fact::kInsuredEmployees, QKind::kPeople},
      {"부채비율", Fact::kDebtRatioPercent, QKind::kPercent},
  };
  std::set<size_t> used;  // bounds already read, by their start
  for (const Trigger& t : kTriggers) {
    for (size_t at = FindIn(s_, t.word, c.begin, c.end);
         at != string_view::npos;
         at = FindIn(s_, t.word, at + t.word.size(), c.end)) {
      const size_t from = at + t.word.size();
      if (t.fact == Fact::kRegularEmployees && t.word == "근로자" &&
          (HasIn(s_, "청년", at > c.begin + 9 ? at - 9 : c.begin, at) ||
           HasIn(s_, "과반", c.begin, c.end))) {
        continue;  // young workers to be hired, a share of the staff
      }
      std::optional<Bounds> b = FindBounds(
          s_, from, std::min(c.end, from + kFigureWindow), t.kind, false);
      if (!b || used.count(b->begin) > 0) continue;
      if (t.fact == Fact::kExportsPrevYearUsd && !b->usd) continue;
      if (t.fact == Fact::kRevenueLatestWon && b->usd) continue;
      // Another figure's name between the name and the bound reads it.
      bool other = false;
      for (const Trigger& u : kTriggers) {
        if (u.fact != t.fact && HasIn(s_, u.word, from, b->begin)) other = true;
      }
      if (other) continue;
      used.insert(b->begin);
      Fact fact = t.fact;
      std::string reading = absl::StrCat(FactName(fact), " ", b->words);
      double conf = kFigureConfidence;
      if (fact == Fact::kRevenueLatestWon &&
          (Has(c, "3년 평균") || Has(c, "3년평균") || Has(c, "3개년 평균"))) {
        fact = Fact::kRevenueAvg3Won;
        reading = absl::StrCat("3년 평균 매출액 ", b->words);
      }
      if (Has(c, "중 1개년") || Has(c, "중 한 해")) {
        conf = kGuessConfidence;
        absl::StrAppend(&reading,
                        " (글은 여러 해 중 한 해를 말함: 최근 연도로 읽음)");
      }
      Add(c, at, b->end, Leaf(RangeOf(fact, *b)), conf, std::move(reading),
          KindFor(), fact);
    }
  }
}

// 업력: "창업 후 7년 이내", "업력 3년 이상", "3년 이내 창업자", and 예비창업자.
void PassageReader::BusinessAge(Clause c) {
  static constexpr string_view kBefore[] = {"창업 후",
                                            "창업후",
                                            "창업",
                                            "업력",
                                            "설립",
                                            "사업운영",
                                            "개업",
                                            "재창업",
                                            "창업개시일이",
                                            "사업자등록 후",
                                            "사업을 개시한 날부터"};
  static constexpr string_view kAfter[] = {"창업", "재창업", "사업을 영위",
                                           "영업 중", "사업을 운영"};
  for (size_t i = c.begin; i < c.end; ++i) {
    if (!IsDigit(s_[i]) || (i > c.begin && IsDigit(s_[i - 1]))) continue;
    size_t start = i;
    if (i >= c.begin + 4 && At(s_, i - 4, "만 ")) start = i - 4;
    std::optional<Bounds> b = ReadBounds(s_, i, c.end, QKind::kYears, true);
    if (!b) continue;
    const size_t window_from = start > c.begin + 24 ? start - 24 : c.begin;
    bool named = false;
    for (string_view w : kBefore) {
      if (HasIn(s_, w, window_from, start)) named = true;
    }
    for (string_view w : kAfter) {
      const size_t at = FindIn(s_, w, b->end, std::min(c.end, b->end + 20));
      if (at != string_view::npos) named = true;
    }
    if (!named || HasIn(s_, "최근", window_from, start) ||
        HasIn(s_, "협약", window_from, start) ||
        HasIn(s_, "거주", window_from, start)) {
      i = b->end;
      continue;
    }
    std::string reading =
        absl::StrCat("업력 ", b->words, ": ",
                     b->min ? absl::StrCat(*b->min, "개월 이상") : "",
                     b->min && b->max ? ", " : "",
                     b->max ? absl::StrCat(*b->max, "개월 미만") : "");
    if (Contains(b->words, "이내") || Contains(b->words, "이하")) {
      absl::StrAppend(&reading,
                      " (이내·이하는 그 햇수가 지나지 아니한 때까지)");
    }
    Predicate p = RangeOf(Fact::kBusinessAgeMonths, *b);
    if (b->max) p.max_exclusive = true;
    Add(c, start, b->end, Leaf(std::move(p)), kFigureConfidence,
        std::move(reading), KindFor(), Fact::kBusinessAgeMonths);
    i = b->end;
  }
  // 재창업: 예비재창업자 and 재창업기업 (eligibility: a restart).
  if (section_ == Section::kEligibility) {
    for (string_view w : {"예비재창업자", "재창업기업", "재창업자"}) {
      if (const size_t at = FindIn(s_, w, c.begin, c.end);
          at != string_view::npos) {
        Predicate p;
        p.fact = Fact::kRestart;
        p.op = Op::kIsTrue;
        Add(c, at, at + w.size(), Leaf(std::move(p)), kNameConfidence,
            "재창업(예비재창업자 포함)", KindFor());
        break;
      }
    }
  }
  // 예비창업자 (not "(예비)창업자", which admits both, nor 예비재창업자).
  for (size_t at = FindIn(s_, "예비창업자", c.begin, c.end);
       at != string_view::npos; at = FindIn(s_, "예비창업자", at + 1, c.end)) {
    if (At(s_, at + string_view("예비창업자").size(), "의 경우")) continue;
    Predicate p;
    p.fact = Fact::kProspectiveFounder;
    p.op = Op::kIsTrue;
    Add(c, at, at + string_view("예비창업자").size(), Leaf(std::move(p)),
        kNameConfidence, "예비창업자", KindFor());
    break;
  }
}

// 대표자 나이: "만 39세 이하", "19세 이상 39세 이하", "만19세 ~ 55세", unless
// the clause speaks of people to be hired.
void PassageReader::Ages(Clause c) {
  for (size_t i = c.begin; i < c.end; ++i) {
    if (!IsDigit(s_[i]) || (i > c.begin && IsDigit(s_[i - 1]))) continue;
    size_t start = i;
    if (i >= c.begin + 4 && At(s_, i - 4, "만 ")) start = i - 4;
    if (i >= c.begin + 3 && At(s_, i - 3, "만")) start = i - 3;
    std::optional<Bounds> b = ReadBounds(s_, i, c.end, QKind::kAge, false);
    if (!b) continue;
    i = b->end;
    if (OthersNear(start, b->end, c)) {
      out_.unparsed.push_back(
          {c.begin, c.end, std::string(s_.substr(c.begin, c.end - c.begin)),
           absl::StrCat("나이 ", b->words,
                        "는 대표자가 아닌 사람(채용·고용할 사람, 근로자)의 "
                        "나이")});
      continue;
    }
    Predicate p = RangeOf(Fact::kCeoAgeYears, *b);
    Add(c, start, b->end, Leaf(std::move(p)), kFigureConfidence,
        absl::StrCat("대표자 만 나이 ", b->words), KindFor(),
        Fact::kCeoAgeYears);
  }
}

// "1986. 03. 05. 이후 출생자", "1966년 이전 출생": a date question.
void PassageReader::BirthDates(Clause c) {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
  size_t begin = c.end;
  size_t end = c.begin;
  for (size_t at = FindIn(s_, "출생", c.begin, c.end); at != string_view::npos;
       at = FindIn(s_, "출생", at + 1, c.end)) {
    const size_t from = at > c.begin + 40 ? at - 40 : c.begin;
    for (size_t i = from; i < at; ++i) {
      if (!IsDigit(s_[i]) || (i > 0 && IsDigit(s_[i - 1]))) continue;
      std::optional<DateRead> d = ReadDateAt(s_, i, at);
      if (!d) continue;
      const size_t k = SkipSpaces(s_, d->end, at);
      const bool after = At(s_, k, "이후");
      const bool before = At(s_, k, "이전");
      if (!after && !before) continue;
      if (OthersNear(d->begin, at, c)) break;
      Date date = d->date;
      if (after && d->year_only) date = *Date::FromCivil(date.year(), 1, 1);
      const int64_t ymd = date.year() * 10000 + date.month() * 100 + date.day();
      (after ? min : max) = ymd;
      begin = std::min(begin, d->begin);
      end = std::max(end, at + string_view("출생").size());
      break;
    }
  }
  if (!min && !max) return;
  if (At(s_, end, "자")) end += string_view("자").size();
  Predicate p;
  p.fact = Fact::kQuestion;
  p.op = Op::kRange;
  p.question = absl::StrCat(options_.id_prefix, "-ceo-birth-date");
  p.min = min;
  p.max = max;
  ProgramQuestion q;
  q.id = p.question;
  q.text = "대표자 생년월일";
  q.type = QuestionType::kDate;
  Add(c, begin, end, Leaf(std::move(p)), kFigureConfidence,
      absl::StrCat("대표자 생년월일",
                   min ? absl::StrCat(" ", *min, " 이후") : "",
                   max ? absl::StrCat(" ", *max, " 이전") : "", " (그날 포함)"),
      KindFor());
  found_.back().rule.question = std::move(q);
}

// 소재지: 시도, 시군구 and named groups, "도내" and "관내" from the issuer;
// 본사, 사업장 or 공장 by the words of the clause.
void PassageReader::Regions(Clause c) {
  // An exclusion's places are where a past program ran, not a rule.
  if (section_ == Section::kExclusion) return;
  const Reference& ref = p_.reference();
  std::set<std::string> codes;
  std::vector<std::string> groups;
  size_t begin = c.end;
  size_t end = c.begin;
  bool from_issuer = false;
  auto note = [&](size_t b, size_t e) {
    begin = std::min(begin, b);
    end = std::max(end, e);
  };
  // Words: split on spaces and punctuation.
  size_t i = c.begin;
  while (i < c.end) {
    size_t w = i;
    size_t len = 0;
    while (w < c.end) {
      const char ch = s_[w];
      if (ch == ' ' || ch == ',' || ch == '/' || ch == '(' || ch == ')' ||
          ch == '\'' || ch == '"' || ch == ':' || ch == '~' || ch == '[' ||
          ch == ']' || DotAt(s_, w) > 0) {
        break;
      }
      const uint32_t cp = DecodeAt(s_, w, &len);
      if (cp == 0x2018 || cp == 0x2019 || cp == 0x300C || cp == 0x300D ||
          cp == 0x201C || cp == 0x201D) {
        break;
      }
      w += len;
    }
    if (w > i) {
      string_view word = s_.substr(i, w - i);
      // What follows the name: 거주 makes it the person's residence.
      const bool residence =
          HasIn(s_, "거주", w, std::min(c.end, w + 12)) ||
          HasIn(s_, "주민등록", i > c.begin + 30 ? i - 30 : c.begin, i) ||
          HasIn(s_, "주소지", i > c.begin + 12 ? i - 12 : c.begin, i);
      // The word as written, then without a particle or a place word
      // ("인천인", "경북도내에", "포천지역").
      // A 시군구's bare stem ("포천", "부여", "강화") is a common word too:
      // taken only before a place word ("포천지역", "포천 내").
      auto resolve = [&](string_view name, bool stem) {
        if (std::vector<std::string> sido = SidoCodes(name); !sido.empty()) {
          codes.insert(sido.begin(), sido.end());
        } else if (ref.region_groups.Find(std::string(name)) != nullptr) {
          groups.emplace_back(name);
        } else if (std::vector<std::string> place = p_.RegionCodes(
                       name, Near(codes, options_.issuer_regions), stem);
                   !place.empty()) {
          codes.insert(place.begin(), place.end());
        } else {
          return false;
        }
        note(i, w);
        return true;
      };
      if (residence) {
        // The person's home, not the company's place.
      } else if (word == "도내" || word == "관내" || word == "시내" ||
                 word == "군내" || word == "도내에" ||
                 word.starts_with("도내기업")) {
        if (!options_.issuer_regions.empty()) {
          codes.insert(options_.issuer_regions.begin(),
                       options_.issuer_regions.end());
          from_issuer = true;
          note(i, w);
        }
      } else if ((word == "지방소재" ||
                  (word == "지방" &&
                   At(s_, SkipSpaces(s_, w, c.end), "소재"))) &&
                 ref.region_groups.Find("비수도권") != nullptr) {
        groups.emplace_back("비수도권");  // 지방 소재: outside 수도권
        note(i, w);
      } else if (const bool place_next =
                     At(s_, SkipSpaces(s_, w, c.end), "내") ||
                     At(s_, SkipSpaces(s_, w, c.end), "지역") ||
                     At(s_, SkipSpaces(s_, w, c.end), "소재");
                 !resolve(word, place_next)) {
        for (string_view suffix :
             {"도내에", "도내", "내에", "내", "에서", "에", "의", "지역",
              "기업", "소재", "이", "가", "인", "은", "는"}) {
          string_view name = word;
          const bool place_word = suffix == "도내에" || suffix == "도내" ||
                                  suffix == "내에" || suffix == "내" ||
                                  suffix == "지역" || suffix == "소재";
          if (name.size() > suffix.size() + 3 && ConsumeSuffix(&name, suffix) &&
              resolve(name, place_word)) {
            break;
          }
        }
      }
    }
    i = w;
    if (i < c.end) {
      const size_t dot = DotAt(s_, i);
      DecodeAt(s_, i, &len);
      i += dot > 0 ? dot : len;
    }
  }
  if (codes.empty() && groups.empty()) return;
  // A 시군구 named with its 시도: the 시군구 alone. A group: its members
  // named beside it are the group.
  std::set<std::string> kept;
  for (const std::string& code : codes) {
    bool covered = false;
    for (const std::string& other : codes) {
      if (other != code && ref.regions.Sido(other) == code) covered = true;
    }
    for (const std::string& g : groups) {
      if (const auto* members = ref.region_groups.Find(g);
          members != nullptr &&
          std::find(members->begin(), members->end(), ref.regions.Sido(code)) !=
              members->end()) {
        covered = true;
      }
    }
    if (!covered) kept.insert(code);
  }
  const bool head = Has(c, "본사") || Has(c, "본점");
  const bool site = Has(c, "사업장") || Has(c, "지사") || Has(c, "연구소");
  const bool factory = Has(c, "공장");
  std::vector<Fact> facts;
  std::string where;
  if (site) {
    facts = {Fact::kSiteRegion};
    where = "사업장(본사 포함)";
  } else if (head && factory) {
    facts = {Fact::kHeadOfficeRegion, Fact::kFactoryRegion};
    where = "본사 또는 공장";
  } else if (factory) {
    facts = {Fact::kFactoryRegion};
    where = "공장";
  } else {
    facts = {Fact::kHeadOfficeRegion};
    where = head ? "본사" : "본사 (장소를 말하지 않은 소재지)";
  }
  std::vector<Condition> leaves;
  for (Fact f : facts) {
    Predicate p;
    p.fact = f;
    p.op = Op::kIn;
    p.codes.assign(kept.begin(), kept.end());
    p.region_groups = groups;
    leaves.push_back(Leaf(std::move(p)));
  }
  Condition cond;
  if (leaves.size() == 1) {
    cond = std::move(leaves[0]);
  } else {
    cond.kind = Condition::Kind::kAny;
    cond.children = std::move(leaves);
  }
  std::vector<std::string> names = groups;
  for (const std::string& code : kept) {
    names.push_back(ref.regions.Describe(code));
  }
  std::string reading =
      absl::StrCat(where, " 소재지: ", absl::StrJoin(names, ", "));
  if (from_issuer) absl::StrAppend(&reading, " (도내·관내는 공고기관의 지역)");
  Add(c, begin, end, std::move(cond),
      from_issuer ? kNameConfidence : kRegionConfidence, std::move(reading),
      KindFor());
}

// 업종: KSIC codes written out ("C32", "C10, C11", "대분류(C)", "대분류 N.")
// and industries' exact names ("제조업", "일반유흥주점업").
void PassageReader::Industries(Clause c) {
  const IndustryTable& table = p_.reference().industries;
  std::set<std::string> codes;
  size_t begin = c.end;
  size_t end = c.begin;
  for (size_t i = c.begin; i < c.end; ++i) {
    const char ch = s_[i];
    if (ch < 'A' || ch > 'U') continue;
    if (i > c.begin && ((s_[i - 1] >= 'A' && s_[i - 1] <= 'Z') ||
                        (s_[i - 1] >= 'a' && s_[i - 1] <= 'z'))) {
      continue;
    }
    size_t k = i + 1;
    while (k < c.end && IsDigit(s_[k])) ++k;
    const size_t digits = k - i - 1;
    const bool section_alone =
        digits == 0 &&
        ((i > c.begin && s_[i - 1] == '(' && k < c.end && s_[k] == ')') ||
         (k < c.end && s_[k] == '.' &&
          HasIn(s_, "대분류", i > c.begin + 12 ? i - 12 : c.begin, i)));
    if (k < c.end &&
        ((s_[k] >= 'A' && s_[k] <= 'Z') || (s_[k] >= 'a' && s_[k] <= 'z'))) {
      continue;
    }
    if (section_alone) {
      codes.insert(std::string(1, ch));
      begin = std::min(begin, i);
      end = std::max(end, k);
    } else if (digits >= 2 && digits <= 5 && Has(c, "업")) {
      const std::string code(s_.substr(i + 1, digits));
      if (table.IsValid(code) && table.Section(code) == std::string(1, ch)) {
        codes.insert(code);
        begin = std::min(begin, i);
        end = std::max(end, k);
      }
    }
  }
  bool by_name = false;
  if (codes.empty()) {
    // Words ending in 업, with up to four words before them ("카지노
    // 운영업", "기타 사행시설 관리 및 운영업"): the longest exact name.
    for (size_t at = FindIn(s_, "업", c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, "업", at + 1, c.end)) {
      const size_t e = at + string_view("업").size();
      if (!WordEndsAt(s_, e, c.end)) continue;
      size_t w = at;
      size_t best_begin = 0;
      std::string best;
      for (int words = 0; words < 5 && w > c.begin;) {
        size_t back = w - 1;
        while (back > c.begin &&
               (static_cast<unsigned char>(s_[back]) & 0xC0) == 0x80) {
          --back;
        }
        size_t len = 0;
        const uint32_t cp = DecodeAt(s_, back, &len);
        if (cp == ' ') {
          ++words;
        } else if (!(cp >= 0xAC00 && cp <= 0xD7A3)) {
          break;
        }
        w = back;
        if (cp == ' ') continue;
        const bool boundary = w == c.begin || s_[w - 1] == ' ' ||
                              s_[w - 1] == ',' || s_[w - 1] == '(' ||
                              DotAt(s_, w > 3 ? w - 3 : w) > 0 ||
                              s_[w - 1] == ':';
        if (!boundary) continue;
        std::string key;
        for (char ch : s_.substr(w, e - w)) {
          if (ch != ' ') key.push_back(ch);
        }
        const std::string code = p_.IndustryCode(key);
        if (!code.empty()) {
          best = code;
          best_begin = w;
        }
      }
      if (!best.empty()) {
        codes.insert(best);
        begin = std::min(begin, best_begin);
        end = std::max(end, e);
        by_name = true;
      }
    }
    for (size_t at = FindIn(s_, "제조 ", c.begin, c.end);
         at != string_view::npos; at = FindIn(s_, "제조 ", at + 1, c.end)) {
      const size_t e = at + string_view("제조").size();
      if (at > c.begin && s_[at - 1] != ' ') continue;  // "식품제조"
      if (At(s_, e + 1, "중소") || At(s_, e + 1, "중견") ||
          At(s_, e + 1, "소공인")) {
        codes.insert("C");
        begin = std::min(begin, at);
        end = std::max(end, e);
        by_name = true;
      }
    }
  }
  if (codes.empty()) return;
  Predicate p;
  p.fact = Fact::kPrimaryIndustry;
  p.op = Op::kIn;
  p.codes.assign(codes.begin(), codes.end());
  std::vector<std::string> names;
  for (const std::string& code : codes) names.push_back(table.Describe(code));
  Add(c, begin, end, Leaf(std::move(p)),
      by_name ? kNameConfidence : kFigureConfidence,
      absl::StrCat("주업종 ", absl::StrJoin(names, ", ")), KindFor());
}

// 기업규모: 중소기업, 소상공인, 소기업, 중견기업, "중소ㆍ중견기업" — not the
// names of the laws that define them.
void PassageReader::Sizes(Clause c) {
  if (section_ == Section::kExclusion) return;
  std::set<SizeClass> sizes;
  size_t begin = c.end;
  size_t end = c.begin;
  auto law = [&](size_t at) {
    for (string_view w : {"중소기업기본법", "중소기업 기본법", "중소기업창업",
                          "중소기업 창업", "소상공인기본법", "소상공인 기본법",
                          "소상공인 기준", "중소기업진흥"}) {
      if (At(s_, at, w)) return true;
    }
    return false;
  };
  auto take = [&](string_view word, SizeClass size) {
    for (size_t at = FindIn(s_, word, c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, word, at + word.size(), c.end)) {
      if (law(at)) continue;
      if (word == "소기업" && at >= 3 && At(s_, at - 3, "중")) continue;
      if (word == "소기업" && at >= 6 && At(s_, at - 6, "지역")) continue;
      if (word == "중소기업" && at >= 6 && At(s_, at - 6, "지역")) continue;
      if (InQuotes(s_, c.begin, at)) continue;
      sizes.insert(size);
      begin = std::min(begin, at);
      end = std::max(end, at + word.size());
    }
  };
  take("중소기업", SizeClass::kSme);
  take("소상공인", SizeClass::kMicro);
  take("소공인", SizeClass::kMicro);
  take("소기업", SizeClass::kSmall);
  take("중견기업", SizeClass::kMidsize);
  // "중소ㆍ중견기업", "중견ㆍ중소 기업": both.
  for (const auto& [first, second] :
       {std::pair<string_view, string_view>{"중소", "중견"},
        {"중견", "중소"}}) {
    for (size_t at = FindIn(s_, first, c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, first, at + 1, c.end)) {
      const size_t dot = DotAt(s_, at + first.size());
      if (dot == 0 || !At(s_, at + first.size() + dot, second)) continue;
      sizes.insert(SizeClass::kSme);
      sizes.insert(SizeClass::kMidsize);
      size_t e = at + first.size() + dot + second.size();
      const size_t k = SkipSpaces(s_, e, c.end);
      if (At(s_, k, "기업")) e = k + string_view("기업").size();
      begin = std::min(begin, at);
      end = std::max(end, e);
    }
  }
  if (sizes.empty()) return;
  // 소상공인 and 소기업 lie within 중소기업: the widest named is the rule.
  if (sizes.count(SizeClass::kSme) > 0) {
    sizes.erase(SizeClass::kMicro);
    sizes.erase(SizeClass::kSmall);
  }
  Predicate p;
  p.fact = Fact::kSizeClass;
  p.op = Op::kIn;
  p.size_classes.assign(sizes.begin(), sizes.end());
  std::vector<std::string> names;
  for (SizeClass sc : sizes) names.push_back(SizeClassName(sc));
  Add(c, begin, end, Leaf(std::move(p)), kNameConfidence,
      absl::StrCat("기업규모 ", absl::StrJoin(names, ", ")), KindFor());
}

void PassageReader::Certifications(Clause c) {
  if (section_ == Section::kExclusion) return;
  static constexpr std::pair<string_view, Certification> kNames[] = {
      {"예비사회적기업", Certification::kPreSocialEnterprise},
      {"사회적기업", Certification::kSocialEnterprise},
      {"벤처기업", Certification::kVenture},
      {"벤처인증", Certification::kVenture},
      {"이노비즈", Certification::kInnobiz},
      {"메인비즈", Certification::kMainbiz},
      {"여성기업", Certification::kWomenOwned},
      {"장애인기업", Certification::kDisabledOwned},
      {"기업부설연구소", Certification::kResearchInstitute},
      {"연구개발전담부서", Certification::kRndDepartment},
      {"1인 창조기업", Certification::kOnePersonCreative},
      {"1인창조기업", Certification::kOnePersonCreative},
  };
  std::set<Certification> certs;
  size_t begin = c.end;
  size_t end = c.begin;
  for (const auto& [word, cert] : kNames) {
    for (size_t at = FindIn(s_, word, c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, word, at + word.size(), c.end)) {
      const size_t e = at + word.size();
      if (cert == Certification::kSocialEnterprise && at >= 6 &&
          At(s_, at - 6, "예비")) {
        continue;
      }
      // Places and centres named after them are none of them.
      if (At(s_, e, "종합지원센터") || At(s_, e, " 집적시설") ||
          At(s_, e, "가 소재") || At(s_, e, "를 이전") || At(s_, e, "육성") ||
          At(s_, e, "지원센터")) {
        continue;
      }
      if (At(s_, e, "부")) continue;  // 중소벤처기업부
      certs.insert(cert);
      begin = std::min(begin, at);
      end = std::max(end, e);
    }
  }
  if (certs.empty()) return;
  Predicate p;
  p.fact = Fact::kCertifications;
  p.op = Op::kAnyOf;
  p.certifications.assign(certs.begin(), certs.end());
  std::vector<std::string> names;
  for (Certification cert : certs) names.push_back(CertificationName(cert));
  Add(c, begin, end, Leaf(std::move(p)), kNameConfidence,
      absl::StrCat("인증·확인 중 하나: ", absl::StrJoin(names, ", ")),
      KindFor());
}

void PassageReader::LegalForms(Clause c) {
  if (section_ == Section::kExclusion) return;
  static constexpr std::pair<string_view, LegalForm> kNames[] = {
      {"사회적협동조합", LegalForm::kSocialCooperative},
      {"협동조합", LegalForm::kCooperative},
      {"법인기업", LegalForm::kForProfitCorporation},
      {"법인사업자", LegalForm::kForProfitCorporation},
      {"법인 또는 개인", LegalForm::kForProfitCorporation},
      {"법인 설립", LegalForm::kForProfitCorporation},
      {"법인설립", LegalForm::kForProfitCorporation},
      {"개인사업자", LegalForm::kSoleProprietor},
      {"비영리법인", LegalForm::kNonprofitCorporation},
  };
  std::set<LegalForm> forms;
  size_t begin = c.end;
  size_t end = c.begin;
  for (const auto& [word, form] : kNames) {
    for (size_t at = FindIn(s_, word, c.begin, c.end); at != string_view::npos;
         at = FindIn(s_, word, at + word.size(), c.end)) {
      const size_t e = at + word.size();
      if (form == LegalForm::kCooperative && at >= 9 &&
          At(s_, at - 9, "사회적")) {
        continue;
      }
      if ((word == "법인 설립" || word == "법인설립") &&
          !FindBounds(s_, e, std::min(c.end, e + 12), QKind::kYears, true)) {
        continue;  // "법인설립 등기일": a date's definition, not a rule
      }
      if (At(s_, e, "의 경우") || At(s_, e, "인 경우") ||
          At(s_, e, " 의 경우") || At(s_, e, "의 사업장")) {
        continue;
      }
      forms.insert(form);
      if (word == "법인 또는 개인") forms.insert(LegalForm::kSoleProprietor);
      begin = std::min(begin, at);
      end = std::max(end, e);
    }
  }
  if (forms.empty()) return;
  Predicate p;
  p.fact = Fact::kLegalForm;
  p.op = Op::kIn;
  p.legal_forms.assign(forms.begin(), forms.end());
  std::vector<std::string> names;
  for (LegalForm f : forms) names.push_back(LegalFormName(f));
  Add(c, begin, end, Leaf(std::move(p)), kGuessConfidence + 0.1,
      absl::StrCat("기업 형태 ", absl::StrJoin(names, ", ")), KindFor());
}

// The standing exclusions: 국세·지방세 체납, 휴·폐업, 금융기관 연체, 참여제한,
// 대기업 계열.
void PassageReader::Flags(Clause c) {
  auto flag = [&](Fact fact, size_t at, size_t len, std::string reading) {
    Predicate p;
    p.fact = fact;
    p.op = section_ == Section::kBonus ? Op::kIsFalse : Op::kIsTrue;
    Add(c, at, at + len, Leaf(std::move(p)), kFlagConfidence,
        std::move(reading),
        section_ == Section::kBonus ? RuleKind::kBonus : RuleKind::kExclude);
  };
  if (size_t at = FindIn(s_, "체납", c.begin, c.end);
      at != string_view::npos && !At(s_, at, "체납처분의 유예")) {
    flag(Fact::kTaxArrears, at, string_view("체납").size(),
         "국세·지방세 체납이 있으면 제외");
  }
  const bool history = Has(c, "이력") || Has(c, "폐업한") || Has(c, "폐업 후");
  // "영업중인 소상공인": in business, so neither suspended nor closed.
  if (section_ == Section::kEligibility) {
    for (string_view w : {"영업중", "영업 중"}) {
      if (const size_t at = FindIn(s_, w, c.begin, c.end);
          at != string_view::npos) {
        flag(Fact::kSuspendedOrClosed, at, w.size(),
             "영업 중이어야 함: 휴업·폐업 중이면 제외");
        break;
      }
    }
  }
  for (string_view w : {"휴업", "폐업", "휴ㆍ폐업", "휴·폐업"}) {
    const size_t at = FindIn(s_, w, c.begin, c.end);
    if (at == string_view::npos || history) continue;
    flag(Fact::kSuspendedOrClosed, at, w.size(), "휴업·폐업 중이면 제외");
    break;
  }
  for (string_view w : {"채무불이행", "연체", "정상적인 거래를 할 수 없는"}) {
    const size_t at = FindIn(s_, w, c.begin, c.end);
    if (at == string_view::npos) continue;
    flag(Fact::kLoanDefault, at, w.size(), "금융기관 연체·채무불이행이면 제외");
    break;
  }
  const bool benefit = Has(c, "수혜") || Has(c, "중복");
  for (string_view w : {"참여제한", "참여 제한", "참여가 제한"}) {
    const size_t at = FindIn(s_, w, c.begin, c.end);
    if (at == string_view::npos || benefit) continue;
    flag(Fact::kParticipationBanned, at, w.size(),
         "정부지원사업 참여제한 중이면 제외");
    break;
  }
  // 가점 for a disabled CEO ("중증 장애인 여부"), not for a 장애인기업 or for
  // employing disabled people.
  if (const size_t at = FindIn(s_, "장애인", c.begin, c.end);
      at != string_view::npos && section_ == Section::kBonus &&
      !Has(c, "장애인기업") && !Has(c, "고용")) {
    Predicate p;
    p.fact = Fact::kCeoDisabled;
    p.op = Op::kIsTrue;
    p.quantifier = Quantifier::kAny;
    Add(c, at, at + string_view("장애인").size(), Leaf(std::move(p)),
        kGuessConfidence, "장애인 대표자면 가점", RuleKind::kBonus);
  }
  if (const size_t at = FindIn(s_, "대기업", c.begin, c.end);
      at != string_view::npos && section_ == Section::kExclusion &&
      (Has(c, "소유") || Has(c, "출자"))) {
    Predicate p;
    p.fact = Fact::kIndependent;
    p.op = Op::kIsFalse;
    Add(c, at, c.end, Leaf(std::move(p)), kGuessConfidence,
        "대기업이 지배하는 기업(독립성 없음)이면 제외", RuleKind::kExclude);
  }
}

// A past participation in named programs (기수혜, 선정된 이력, 중복수혜): a
// yes/no question, since the programs are named in words.
void PassageReader::Participations(Clause c) {
  static constexpr string_view kWords[] = {
      "기수혜",   "수혜중",    "지원받은", "선정되어",
      "선정된",   "참여 이력", "참여이력", "협약을 체결한 이력",
      "중복수혜", "기참여",    "미참여",   "참여기업"};
  size_t at = string_view::npos;
  for (string_view w : kWords) {
    const size_t a = FindIn(s_, w, c.begin, c.end);
    if (a != string_view::npos && a < at) at = a;
  }
  if (section_ == Section::kBonus) {
    for (string_view w : {"선정자", "수료", "수상"}) {
      const size_t a = FindIn(s_, w, c.begin, c.end);
      // "수료증 제출": the proof to send, not an item.
      if (a != string_view::npos && a < at && !At(s_, a, "수료증")) at = a;
    }
  }
  if (at == string_view::npos) return;
  const bool never = Has(c, "미참여");
  // Eligibility that asks for a history ("선정된 이력이 있을 것").
  const bool asked = Has(c, "이력이 있") || Has(c, "선정된 기업");
  if (section_ == Section::kEligibility && !never && !asked) return;
  RuleKind kind = RuleKind::kExclude;
  std::string reading =
      never ? "지정된 사업에 참여한 적이 있으면 제외 (미참여 요건)"
            : "지정된 사업에 참여·수혜한 적이 있으면 제외";
  if (section_ == Section::kBonus) {
    kind = RuleKind::kBonus;
    reading = "지정된 교육·사업·대회의 이력이 있으면 가점";
  } else if (section_ == Section::kEligibility && asked) {
    kind = RuleKind::kRequire;
    reading = "지정된 사업에 선정·참여한 이력이 있어야 함";
  }
  ProgramQuestion q;
  q.id = absl::StrCat(options_.id_prefix, "-", SectionName(section_),
                      "-participation-", next_question_++);
  q.text = absl::StrCat("다음에 해당합니까? ",
                        std::string(s_.substr(c.begin, c.end - c.begin)));
  q.type = QuestionType::kYesNo;
  Predicate p;
  p.fact = Fact::kQuestion;
  p.op = Op::kIsTrue;
  p.question = q.id;
  Add(c, c.begin, c.end, Leaf(std::move(p)), kGuessConfidence,
      std::move(reading), kind);
  found_.back().rule.question = std::move(q);
}

void PassageReader::ReadClause(Clause c) {
  found_.clear();
  const std::string text(s_.substr(c.begin, c.end - c.begin));
  // Reading looks back over the clause (parentheses, quotes): a clause past
  // this size is no sentence of an announcement, and is kept unread.
  if (c.end - c.begin > kMaxClauseBytes) {
    out_.unparsed.push_back({c.begin, c.end, text,
                             absl::StrCat("한 문장이 ", kMaxClauseBytes,
                                          "바이트를 넘음: 읽지 않음")});
    return;
  }
  // Caps first: "연간 최대 2회까지 지원 가능" is a cap though it says 가능.
  if (size_t at = FindIn(s_, "최대", c.begin, c.end);
      at != string_view::npos && (Has(c, "연간") || Has(c, "연 "))) {
    const size_t k = SkipSpaces(s_, at + string_view("최대").size(), c.end);
    if (std::optional<Quantity> q = ReadQuantity(s_, k, c.end, QKind::kTimes);
        q && q->value > 0 && !options_.program_id.empty()) {
      Predicate p;
      p.fact = Fact::kParticipationsThisYear;
      p.op = Op::kRange;
      p.max = q->value;
      p.max_exclusive = true;
      p.codes = {options_.program_id};
      Add(c, at, q->end, Leaf(std::move(p)), kNameConfidence,
          absl::StrCat("한 해에 ", q->value,
                       "회까지: 올해 이 사업 참여가 그보다 적어야 함"),
          RuleKind::kCap);
      for (Found& f : found_) out_.rules.push_back(std::move(f.rule));
      return;
    }
  }
  if (IsPermission(s_, c) || (Has(c, "단,") && Has(c, "가능"))) {
    out_.unparsed.push_back(
        {c.begin, c.end, text,
         "허용·예외를 말하는 문장(조건을 넓힘): 규칙이 아님"});
    return;
  }
  for (string_view w : {"지원한도", "보조율", "지원금액", "지원규모"}) {
    if (Has(c, w)) {
      out_.unparsed.push_back(
          {c.begin, c.end, text,
           "지원 내용의 구간(지원한도·보조율): 자격이 아님"});
      return;
    }
  }
  if (section_ == Section::kExclusion &&
      (HasOutside(c, "없거나") || HasOutside(c, "이력이 없") ||
       HasOutside(c, "받지 않는") || HasOutside(c, "받지 않은"))) {
    out_.unparsed.push_back(
        {c.begin, c.end, text,
         "제외 항목이 신청할 수 있는 쪽으로 쓰여 있음: 뜻을 확인해야 함"});
    return;
  }
  if (section_ == Section::kEligibility &&
      (HasOutside(c, "불가") || HasOutside(c, "제외") || Has(c, "단,"))) {
    out_.unparsed.push_back(
        {c.begin, c.end, text, "지원대상 안의 예외·제한: 검토자가 읽어야 함"});
    return;
  }
  const size_t unparsed_before = out_.unparsed.size();
  Figures(c);
  BusinessAge(c);
  Ages(c);
  BirthDates(c);
  Regions(c);
  Industries(c);
  Sizes(c);
  Certifications(c);
  LegalForms(c);
  Flags(c);
  Participations(c);
  // Readings inside parentheses give way to those outside of the same
  // fact ("창업 7년 이내 기업 (신산업 분야기업은 10년 이내까지 인정)").
  std::set<Fact> outside;
  for (const Found& f : found_) {
    if (!f.in_parens && f.figure != Fact::kQuestion) outside.insert(f.figure);
  }
  std::vector<Found> kept;
  for (Found& f : found_) {
    if (f.in_parens && outside.count(f.figure) > 0) continue;
    kept.push_back(std::move(f));
  }
  if (kept.empty()) {
    if (out_.unparsed.size() == unparsed_before) {
      out_.unparsed.push_back({c.begin, c.end, text, ""});
    }
    return;
  }
  // Points: the clause's own "(3점)", else the passage's "각 항목 1점".
  int32_t points = 0;
  if (section_ == Section::kBonus) {
    for (size_t i = c.begin; i < c.end; ++i) {
      if (!IsDigit(s_[i]) || (i > c.begin && IsDigit(s_[i - 1]))) continue;
      if (std::optional<Quantity> q =
              ReadQuantity(s_, i, c.end, QKind::kPoints);
          q && !At(s_, q->end, "수")) {
        points = static_cast<int32_t>(q->value);
        break;
      }
    }
    if (points == 0) points = default_points_;
  }
  for (Found& f : kept) {
    if (f.rule.rule.kind == RuleKind::kBonus) {
      f.rule.rule.points = points;
      if (points == 0) {
        f.rule.confidence /= 2;
        absl::StrAppend(&f.rule.reading, " (가점 점수가 쓰여 있지 않음)");
      }
    }
    out_.rules.push_back(std::move(f.rule));
  }
}

ProseProposals PassageReader::Read() {
  const std::vector<Clause> clauses = Clauses(s_);
  if (section_ == Section::kBonus) {
    // "각 항목 1점", "각 항목별 2점", "(각 1점)"; "최대 5점".
    for (string_view w : {"각 항목별", "각 항목", "각"}) {
      for (size_t at = s_.find(w); at != string_view::npos;
           at = s_.find(w, at + 1)) {
        const size_t k = SkipSpaces(s_, at + w.size(), s_.size());
        if (std::optional<Quantity> q =
                ReadQuantity(s_, k, s_.size(), QKind::kPoints)) {
          default_points_ = static_cast<int32_t>(q->value);
          break;
        }
      }
      if (default_points_ > 0) break;
    }
    if (size_t at = s_.find("최대"); at != string_view::npos) {
      const size_t k =
          SkipSpaces(s_, at + string_view("최대").size(), s_.size());
      if (std::optional<Quantity> q =
              ReadQuantity(s_, k, s_.size(), QKind::kPoints)) {
        out_.bonus_cap = static_cast<int32_t>(q->value);
      }
    }
  }
  for (Clause c : clauses) {
    if (section_ == Section::kScoring) {
      out_.unparsed.push_back({c.begin, c.end,
                               std::string(s_.substr(c.begin, c.end - c.begin)),
                               "선정평가 배점: 자격 조건이 아님"});
    } else if (section_ == Section::kBonus) {
      // Items of a 가점 list separated by commas are rules each.
      size_t start = c.begin;
      for (size_t i = c.begin; i <= c.end; ++i) {
        if (i == c.end || (s_[i] == ',' && !InParens(s_, c.begin, i))) {
          size_t b = SkipSpaces(s_, start, i);
          if (i > b) ReadClause({b, i});
          start = i + 1;
        }
      }
    } else {
      ReadClause(c);
    }
  }
  // Points only to break ties are no 가점 in the ranking.
  const bool ties = Contains(s_, "동일점수") || Contains(s_, "동점") ||
                    Contains(s_, "순위 구분 시에만");
  // A share of places set aside ("40% 내외 우선 선정") is no 가점 either.
  const bool quota = Contains(s_, "우선 선정") || Contains(s_, "쿼터");
  // One figure read at three or more bounds is a table of tiers (지원한도,
  // 배점), not a condition.
  std::map<Fact, std::set<std::pair<int64_t, int64_t>>> readings;
  for (const ProseRule& r : out_.rules) {
    const Condition& c = r.rule.condition;
    if (c.kind == Condition::Kind::kPredicate && c.predicate.op == Op::kRange &&
        c.predicate.fact != Fact::kQuestion) {
      readings[c.predicate.fact].insert(
          {c.predicate.min.value_or(-1), c.predicate.max.value_or(-1)});
    }
  }
  std::vector<ProseRule> kept;
  for (ProseRule& r : out_.rules) {
    const Condition& c = r.rule.condition;
    const bool tier = c.kind == Condition::Kind::kPredicate &&
                      c.predicate.op == Op::kRange &&
                      readings[c.predicate.fact].size() >= 3;
    if (tier) {
      out_.unparsed.push_back(
          {r.begin, r.end, r.rule.evidence,
           absl::StrCat("같은 항목(", FactName(c.predicate.fact),
                        ")의 구간표: 지원 내용·배점이지 "
                        "자격이 아님")});
    } else if (quota && r.rule.kind == RuleKind::kBonus) {
      out_.unparsed.push_back({r.begin, r.end, r.rule.evidence,
                               "우선 선정 비율(쿼터): 가점도 자격도 아님"});
    } else if (ties && r.rule.kind == RuleKind::kBonus) {
      out_.unparsed.push_back(
          {r.begin, r.end, r.rule.evidence,
           "동점일 때 순위만 가르는 가점: 순위 점수에 넣지 않음"});
    } else {
      kept.push_back(std::move(r));
    }
  }
  // A rule stated twice (a track's line repeating the common condition) is
  // proposed once, at its first statement.
  out_.rules.clear();
  for (ProseRule& r : kept) {
    bool seen = false;
    for (const ProseRule& earlier : out_.rules) {
      if (earlier.rule.kind == r.rule.kind &&
          earlier.rule.condition == r.rule.condition) {
        seen = true;
      }
    }
    if (!seen) out_.rules.push_back(std::move(r));
  }
  if (ties) out_.bonus_cap = 0;
  int n = 1;
  for (ProseRule& r : out_.rules) {
    r.rule.id =
        absl::StrCat(options_.id_prefix, "-", SectionName(section_), "-", n++);
    r.rule.label = r.reading;
  }
  std::sort(out_.unparsed.begin(), out_.unparsed.end(),
            [](const UnparsedClause& a, const UnparsedClause& b) {
              return a.begin < b.begin;
            });
  return std::move(out_);
}

}  // namespace

Section SectionOfLabel(std::string_view label) {
  if (Contains(label, "제외") || Contains(label, "불가") ||
      Contains(label, "제한")) {
    return Section::kExclusion;
  }
  if (Contains(label, "평가") || Contains(label, "배점")) {
    return Section::kScoring;
  }
  if (Contains(label, "가점") || Contains(label, "우대"))
    return Section::kBonus;
  return Section::kEligibility;
}

const char* SectionName(Section s) {
  switch (s) {
    case Section::kEligibility:
      return "eligibility";
    case Section::kExclusion:
      return "exclusion";
    case Section::kBonus:
      return "bonus";
    case Section::kScoring:
      return "scoring";
  }
  return "?";
}

RuleProposer::RuleProposer(const Reference& reference) : reference_(reference) {
  for (const std::string& code : reference.regions.ActiveCodes()) {
    const RegionTable::Region* r = reference.regions.Find(code);
    if (r == nullptr || r->is_sido) continue;
    const size_t space = r->name.rfind(' ');
    std::string last =
        space == std::string::npos ? r->name : r->name.substr(space + 1);
    places_[last].push_back(code);
    std::string_view stem = last;
    for (std::string_view suffix : {"시", "군", "구"}) {
      if (stem.size() >= 9 && ConsumeSuffix(&stem, suffix)) {
        stems_[std::string(stem)].push_back(code);
        break;
      }
    }
  }
  for (const std::string& code : reference.industries.AllCodes()) {
    std::string key;
    for (char ch : reference.industries.Name(code)) {
      if (ch != ' ') key.push_back(ch);
    }
    auto [it, inserted] = industries_.emplace(key, code);
    if (!inserted && code.size() < it->second.size()) it->second = code;
  }
}

std::vector<std::string> RuleProposer::RegionCodes(
    std::string_view name, const std::vector<std::string>& near,
    bool stems) const {
  const std::vector<std::string>* found = nullptr;
  const absl::string_view key(name.data(), name.size());
  if (auto it = places_.find(key); it != places_.end()) {
    found = &it->second;
  } else if (auto st = stems_.find(key); stems && st != stems_.end()) {
    found = &st->second;
  }
  if (found == nullptr) return {};
  const std::vector<std::string>& codes = *found;
  if (codes.size() == 1) return codes;
  // Several places of that name: the one within a 시도 named beside it.
  std::vector<std::string> within;
  for (const std::string& code : codes) {
    for (const std::string& n : near) {
      if (reference_.regions.Sido(code) == reference_.regions.Sido(n)) {
        within.push_back(code);
      }
    }
  }
  if (within.size() == 1) return within;
  return {};
}

std::string RuleProposer::IndustryCode(std::string_view name) const {
  auto it = industries_.find(absl::string_view(name.data(), name.size()));
  return it == industries_.end() ? "" : it->second;
}

ProseProposals RuleProposer::Propose(std::string_view text, Section section,
                                     const ProposeOptions& options) const {
  return PassageReader(*this, text, section, options).Read();
}

}  // namespace jiwon::engine::feeds
