#include "clients/table.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace jiwon::cli {
namespace {

bool ambiguous_wide = false;

int CodePointWidth(UChar32 c) {
  if (c < 0) return 1;  // a malformed byte
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  if (c < 0x7f) return 1;
  const int8_t type = u_charType(c);
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
      type == U_FORMAT_CHAR) {
    return 0;
  }
  // Medial vowels and final consonants of a conjoining jamo sequence join
  // the initial consonant's two columns.
  const int syllable = u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE);
  if (syllable == U_HST_VOWEL_JAMO || syllable == U_HST_TRAILING_JAMO) {
    return 0;
  }
  switch (u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH)) {
    case U_EA_WIDE:
    case U_EA_FULLWIDTH:
      return 2;
    case U_EA_AMBIGUOUS:
      return ambiguous_wide ? 2 : 1;
    default:
      return 1;
  }
}

// Steps over one character or terminal escape sequence at `*i`, returning
// its columns.
int Advance(std::string_view s, size_t* i) {
  if (s[*i] == '\x1b' && *i + 1 < s.size() && s[*i + 1] == '[') {
    size_t j = *i + 2;
    while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) ++j;
    *i = std::min(s.size(), j + 1);
    return 0;
  }
  const int32_t length =
      static_cast<int32_t>(std::min<size_t>(4, s.size() - *i));
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data() + *i);
  int32_t offset = 0;
  UChar32 c = 0;
  U8_NEXT(bytes, offset, length, c);
  *i += static_cast<size_t>(offset);
  return CodePointWidth(c);
}

// The byte offsets at which grapheme clusters of `s` begin, and its size:
// where text may be cut without splitting a character from its marks or a
// syllable from its jamo. Code point boundaries if ICU cannot say.
std::vector<size_t> GraphemeBoundaries(std::string_view s) {
  std::vector<size_t> out;
  UErrorCode status = U_ZERO_ERROR;
  struct Closer {
    void operator()(UBreakIterator* b) const { ubrk_close(b); }
    void operator()(UText* t) const { utext_close(t); }
  };
  std::unique_ptr<UBreakIterator, Closer> breaks(
      ubrk_open(UBRK_CHARACTER, "", nullptr, 0, &status));
  std::unique_ptr<UText, Closer> text(utext_openUTF8(
      nullptr, s.data(), static_cast<int64_t>(s.size()), &status));
  if (U_SUCCESS(status)) ubrk_setUText(breaks.get(), text.get(), &status);
  if (U_SUCCESS(status)) {
    for (int32_t at = ubrk_first(breaks.get()); at != UBRK_DONE;
         at = ubrk_next(breaks.get())) {
      out.push_back(static_cast<size_t>(at));
    }
  }
  if (out.empty() || out.back() != s.size()) {
    out.clear();
    for (size_t i = 0; i < s.size();) {
      out.push_back(i);
      Advance(s, &i);
    }
    out.push_back(s.size());
  }
  return out;
}

// `word` (wider than `width`) in pieces of at most `width` columns: cut
// after the last '-', '/' or '_' that fits, else at the last grapheme
// cluster that fits, and at least one cluster a piece. One pass over the
// word, however long.
std::vector<std::string> BreakWord(std::string_view word, int width) {
  std::vector<std::string> pieces;
  const std::vector<size_t> bounds = GraphemeBoundaries(word);
  const size_t last = bounds.size() - 1;  // bounds[last] == word.size()
  for (size_t start = 0; start < last;) {
    size_t fits = start, joint = start;
    int used = 0;
    for (size_t k = start + 1; k <= last; ++k) {
      used +=
          DisplayWidth(word.substr(bounds[k - 1], bounds[k] - bounds[k - 1]));
      if (used > width) break;
      fits = k;
      const char end = word[bounds[k] - 1];
      if (end == '-' || end == '/' || end == '_') joint = k;
    }
    // The rest whole when it fits; else up to a joint, else what fits.
    size_t end = fits == last ? last : joint > start ? joint : fits;
    if (end == start) end = start + 1;
    pieces.emplace_back(
        word.substr(bounds[start], bounds[end] - bounds[start]));
    start = end;
  }
  if (pieces.empty()) pieces.emplace_back();
  return pieces;
}

// The parts of `s` between `sep`s; without the empty ones when `skip_empty`.
std::vector<std::string_view> Split(std::string_view s, char sep,
                                    bool skip_empty) {
  std::vector<std::string_view> out;
  for (size_t begin = 0;;) {
    const size_t end = std::min(s.find(sep, begin), s.size());
    if (!skip_empty || end > begin) out.push_back(s.substr(begin, end - begin));
    if (end == s.size()) break;
    begin = end + 1;
  }
  return out;
}

std::vector<std::string> WrapLines(std::string_view text, int first_width,
                                   int rest_width) {
  std::vector<std::string> lines;
  auto room = [&] {
    return std::max(1, lines.empty() ? first_width : rest_width);
  };
  for (std::string_view paragraph : Split(text, '\n', false)) {
    std::string line;
    int used = 0;
    for (std::string_view word : Split(paragraph, ' ', true)) {
      const int w = DisplayWidth(word);
      if (!line.empty() && used + 1 + w <= room()) {
        line.append(" ").append(word);
        used += 1 + w;
        continue;
      }
      if (!line.empty()) lines.push_back(std::move(line));
      line.clear();
      if (w <= room()) {
        line = std::string(word);
        used = w;
        continue;
      }
      // Pieces of a long word, each on a line of its own but the last.
      std::vector<std::string> pieces = BreakWord(word, room());
      for (size_t k = 0; k + 1 < pieces.size(); ++k) {
        lines.push_back(std::move(pieces[k]));
      }
      line = std::move(pieces.back());
      used = DisplayWidth(line);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string StripTrailingSpaces(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace

void SetAmbiguousWide(bool wide) { ambiguous_wide = wide; }
bool AmbiguousWide() { return ambiguous_wide; }

bool AmbiguousWideFromLocale() {
  const char* locale = nullptr;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    locale = std::getenv(name);
    if (locale != nullptr && *locale != '\0') break;
  }
  if (locale == nullptr) return false;
  const std::string lower = absl::AsciiStrToLower(locale);
  return absl::StartsWith(lower, "ko") || absl::StartsWith(lower, "ja") ||
         absl::StartsWith(lower, "zh");
}

int DisplayWidth(std::string_view s) {
  int width = 0;
  for (size_t i = 0; i < s.size();) width += Advance(s, &i);
  return width;
}

std::string Truncate(std::string_view s, int width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  const std::string_view ellipsis = "…";
  const int room = width - DisplayWidth(ellipsis);
  if (room < 0) return "";
  const std::vector<size_t> bounds = GraphemeBoundaries(s);
  size_t cut = 0;
  int used = 0;
  for (size_t k = 1; k < bounds.size(); ++k) {
    used += DisplayWidth(s.substr(bounds[k - 1], bounds[k] - bounds[k - 1]));
    if (used > room) break;
    cut = bounds[k];
  }
  std::string out(s.substr(0, cut));
  // A colour begun in the part kept ends before the ellipsis.
  if (out.find('\x1b') != std::string::npos) out += "\x1b[0m";
  return out.append(ellipsis);
}

std::string Pad(std::string_view s, int width, bool right) {
  const size_t fill = static_cast<size_t>(std::max(0, width - DisplayWidth(s)));
  std::string out;
  if (right) out.append(fill, ' ');
  out.append(s);
  if (!right) out.append(fill, ' ');
  return out;
}

std::vector<std::string> WrapWords(std::string_view text, int width) {
  return WrapLines(text, width, width);
}

std::string Wrap(std::string_view text, int width, std::string_view first,
                 std::string_view rest) {
  std::string out;
  const std::vector<std::string> lines =
      WrapLines(text, width - DisplayWidth(first), width - DisplayWidth(rest));
  for (size_t k = 0; k < lines.size(); ++k) {
    std::string line(k == 0 ? first : rest);
    out.append(StripTrailingSpaces(line.append(lines[k]))).append("\n");
  }
  return out;
}

std::string Table::Render() const {
  const size_t n = columns_.size();
  auto cell = [&](const std::vector<std::string>& row, size_t c) {
    return c < row.size() ? std::string_view(row[c]) : std::string_view();
  };
  // Each column's natural width (its widest line), the widest word of a
  // wrapping one, and the narrowest it may get.
  std::vector<int> widths(n, 0), words(n, 0), floors(n, 0);
  for (size_t c = 0; c < n; ++c) {
    const int header = DisplayWidth(columns_[c].header);
    int widest = header;
    for (const auto& row : rows_) {
      for (std::string_view line : Split(cell(row, c), '\n', false)) {
        widest = std::max(widest, DisplayWidth(line));
        if (columns_[c].fit != Fit::kWrap) continue;
        for (std::string_view word : Split(line, ' ', true)) {
          words[c] = std::max(words[c], DisplayWidth(word));
        }
      }
    }
    widths[c] = widest;
    const int floor = columns_[c].min_width > 0 ? columns_[c].min_width
                                                : std::max(header, 10);
    floors[c] =
        columns_[c].fit == Fit::kKeep ? widest : std::min(widest, floor);
    words[c] = std::clamp(words[c], floors[c], widest);
  }
  if (width_ > 0) {
    int total = 0;
    for (size_t c = 0; c < n; ++c) total += widths[c] + (c > 0 ? 2 : 0);
    // The widest column gives a column at a time: first down to its
    // widest word, so that words stay whole, then down to its floor.
    for (const std::vector<int>* limit : {&words, &floors}) {
      while (total > width_) {
        size_t widest = n;
        for (size_t c = 0; c < n; ++c) {
          if (widths[c] > (*limit)[c] &&
              (widest == n || widths[c] > widths[widest])) {
            widest = c;
          }
        }
        if (widest == n) break;  // as narrow as it goes
        --widths[widest];
        --total;
      }
    }
  }

  std::string out;
  auto emit = [&](const std::vector<std::string>& row, bool header) {
    std::vector<std::vector<std::string>> parts(n);
    size_t height = 1;
    for (size_t c = 0; c < n; ++c) {
      const std::string_view text =
          header ? std::string_view(columns_[c].header) : cell(row, c);
      if (columns_[c].fit == Fit::kWrap && !header) {
        parts[c] = WrapWords(text, widths[c]);
      } else {
        parts[c] = {Truncate(text, widths[c])};
      }
      height = std::max(height, parts[c].size());
    }
    for (size_t k = 0; k < height; ++k) {
      std::string line;
      for (size_t c = 0; c < n; ++c) {
        if (c > 0) line += "  ";
        const std::string_view text =
            k < parts[c].size() ? std::string_view(parts[c][k]) : "";
        line += Pad(text, widths[c], columns_[c].right && !header);
      }
      out.append(StripTrailingSpaces(std::move(line))).append("\n");
    }
  };
  emit({}, true);
  for (const auto& row : rows_) emit(row, false);
  return out;
}

}  // namespace jiwon::cli
