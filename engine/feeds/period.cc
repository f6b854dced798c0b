#include "engine/feeds/period.h"

#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/feeds/text.h"

namespace jiwon::engine::feeds {
namespace {

// The text without any spaces, for matching words however they are spaced
// ("예산 소진시 까지", "예산소진시까지").
std::string Squeezed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

// Reads N digits at s[*i].
std::optional<int> Digits(std::string_view s, size_t* i, size_t n) {
  if (*i + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[*i + k];
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  *i += n;
  return v;
}

// Words that name a window kind; matched on the squeezed text.
struct KindWords {
  std::string_view words;
  WindowKind kind;
};
constexpr KindWords kKinds[] = {
    {"예산소진시까지", WindowKind::kUntilBudget},
    {"예산소진시", WindowKind::kUntilBudget},
    {"예산소진", WindowKind::kUntilBudget},
    {"상시접수", WindowKind::kRolling},
    {"상시모집", WindowKind::kRolling},
    {"상시", WindowKind::kRolling},
    {"수시접수", WindowKind::kRolling},
    {"추후공지", WindowKind::kToBeAnnounced},
    {"추후공고", WindowKind::kToBeAnnounced},
    {"추후안내", WindowKind::kToBeAnnounced},
    {"선착순접수", WindowKind::kUntilFilled},
    {"선착순마감", WindowKind::kUntilFilled},
    {"선착순", WindowKind::kUntilFilled},
    {"선순마감", WindowKind::kUntilFilled},  // as 기업마당 spells it once
    {"모집완료시", WindowKind::kUntilFilled},
    {"모집규모충족시", WindowKind::kUntilFilled},
    {"마감시까지", WindowKind::kUntilFilled},
};

// "…별 상이" and "상이": the parts of the program have their own periods.
bool Varies(std::string_view squeezed) {
  return std::string_view(squeezed).ends_with("상이");
}

// "매월1일~20일" (squeezed): the days, or nullopt.
std::optional<std::pair<int, int>> Monthly(std::string_view squeezed) {
  if (!ConsumePrefix(&squeezed, "매월")) return std::nullopt;
  auto day = [&]() -> std::optional<int> {
    size_t n = 0;
    while (n < squeezed.size() && n < 2 && absl::ascii_isdigit(squeezed[n])) {
      ++n;
    }
    int v = 0;
    if (n == 0 || !ParseInt(squeezed.substr(0, n), &v)) {
      return std::nullopt;
    }
    squeezed.remove_prefix(n);
    if (!ConsumePrefix(&squeezed, "일")) return std::nullopt;
    return v;
  };
  const std::optional<int> from = day();
  if (!from) return std::nullopt;
  if (!ConsumePrefix(&squeezed, "~") && !ConsumePrefix(&squeezed, "-") &&
      !ConsumePrefix(&squeezed, "\xEF\xBD\x9E")) {  // ～
    return std::nullopt;
  }
  const std::optional<int> to = day();
  if (!to || !squeezed.empty()) return std::nullopt;
  if (*from < 1 || *from > 31 || *to < *from || *to > 31) return std::nullopt;
  return std::make_pair(*from, *to);
}

}  // namespace

std::optional<Date> ParseFeedDate(std::string_view text) {
  text = TrimSpaces(text);
  size_t i = 0;
  std::optional<int> y = Digits(text, &i, 4);
  if (!y) return std::nullopt;
  std::optional<int> m, d;
  if (i < text.size() && (text[i] == '-' || text[i] == '.' || text[i] == '/')) {
    const char sep = text[i++];
    // Dotted dates may write one-digit months and days ("2026.4.3").
    auto part = [&]() -> std::optional<int> {
      if (std::optional<int> two = Digits(text, &i, 2)) return two;
      return Digits(text, &i, 1);
    };
    m = part();
    if (!m || i >= text.size() || text[i] != sep) return std::nullopt;
    ++i;
    d = part();
    if (sep == '.' && i < text.size() && text[i] == '.') ++i;  // "2026.04.13."
  } else {
    m = Digits(text, &i, 2);
    d = Digits(text, &i, 2);
  }
  if (!m || !d) return std::nullopt;
  // A time of day may follow ("2026-04-13 10:00", "(월) 18:00"); nothing
  // else may.
  std::string_view rest = TrimSpaces(text.substr(i));
  if (!rest.empty() && !absl::ascii_isdigit(rest[0]) && rest[0] != '(') {
    return std::nullopt;
  }
  return Date::FromCivil(*y, *m, *d);
}

absl::StatusOr<Window> ParsePeriod(std::string_view raw) {
  const std::string text = OneLine(raw);
  const std::string squeezed = Squeezed(text);
  Window w;
  if (squeezed.empty()) {
    return absl::InvalidArgumentError("the application period is empty");
  }
  // Dates "A ~ B", either side possibly followed by a time of day.
  const size_t tilde = text.find('~');
  if (tilde != std::string::npos) {
    const std::string_view a =
        TrimSpaces(std::string_view(text).substr(0, tilde));
    const std::string_view b =
        TrimSpaces(std::string_view(text).substr(tilde + 1));
    const std::optional<Date> from = ParseFeedDate(a);
    const std::optional<Date> to = ParseFeedDate(b);
    if (from && to) {
      if (*to < *from) {
        return absl::InvalidArgumentError(
            absl::StrCat("the period ends (", to->ToString(),
                         ") before it begins (", from->ToString(), ")"));
      }
      w.kind = WindowKind::kFixed;
      w.opens_on = from;
      w.closes_on = to;
      return w;
    }
    if (from && b.empty()) {
      // "2026-04-13 ~": open from a date, no end given.
      w.kind = WindowKind::kRolling;
      w.opens_on = from;
      return w;
    }
    // "2026-04-13 ~ 예산 소진시": a date and words.
    if (from) {
      const std::string words = Squeezed(b);
      for (const KindWords& k : kKinds) {
        if (std::string_view(words).starts_with(k.words)) {
          w.kind = k.kind;
          w.opens_on = from;
          return w;
        }
      }
    }
  }
  if (std::optional<Date> one = ParseFeedDate(text)) {
    // One date: the last day.
    w.kind = WindowKind::kFixed;
    w.closes_on = one;
    return w;
  }
  if (auto days = Monthly(squeezed)) {
    w.kind = WindowKind::kMonthly;
    w.monthly_from_day = days->first;
    w.monthly_to_day = days->second;
    return w;
  }
  for (const KindWords& k : kKinds) {
    if (squeezed == k.words) {
      w.kind = k.kind;
      return w;
    }
  }
  if (Varies(squeezed)) {
    w.kind = WindowKind::kVaries;
    return w;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the application period \"", text.substr(0, 80),
                   "\" is neither dates (YYYY-MM-DD, YYYY.MM.DD, YYYYMMDD ~ "
                   "…) nor a known wording (예산 소진시까지, 상시 접수, 추후 "
                   "공지, 선착순, 모집 완료시, …별 상이, 매월 N일~M일)"));
}

absl::StatusOr<Window> WindowFromDates(std::optional<std::string_view> begin,
                                       std::optional<std::string_view> end) {
  Window w;
  auto read = [](std::string_view field, std::optional<std::string_view> v,
                 std::optional<Date>* out) -> absl::Status {
    if (!v || TrimSpaces(*v).empty()) return absl::OkStatus();
    *out = ParseFeedDate(*v);
    if (!*out) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(field), ": \"", std::string(v->substr(0, 40)),
          "\" is not a date (YYYYMMDD)"));
    }
    return absl::OkStatus();
  };
  if (absl::Status s = read("pbanc_rcpt_bgng_dt", begin, &w.opens_on); !s.ok())
    return s;
  if (absl::Status s = read("pbanc_rcpt_end_dt", end, &w.closes_on); !s.ok())
    return s;
  if (w.opens_on && w.closes_on && *w.closes_on < *w.opens_on) {
    return absl::InvalidArgumentError(
        absl::StrCat("pbanc_rcpt_end_dt: ", w.closes_on->ToString(),
                     " is before ", w.opens_on->ToString()));
  }
  // No end: open until further notice, as the feed's own docs advise.
  w.kind = w.closes_on ? WindowKind::kFixed : WindowKind::kRolling;
  return w;
}

}  // namespace jiwon::engine::feeds
