#include "engine/feeds/text.h"

#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace jiwon::engine::feeds {
namespace {

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool Invisible(uint32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
         (cp >= 0xE000 && cp <= 0xF8FF);
}

// A named or numeric entity at s[i] ('&'), decoded; nullopt when it is not
// one (the '&' is then text).
std::optional<uint32_t> Entity(std::string_view s, size_t i, size_t* len) {
  const size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return std::nullopt;
  const std::string_view name = s.substr(i + 1, semi - i - 1);
  *len = semi - i + 1;
  if (!name.empty() && name[0] == '#') {
    uint32_t cp = 0;
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return std::nullopt;
    for (char c : digits) {
      const int d = absl::ascii_isdigit(c)        ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
      if (d < 0) return std::nullopt;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (cp > 0x10FFFF) return std::nullopt;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    return cp;
  }
  static constexpr struct {
    std::string_view name;
    uint32_t cp;
  } kNamed[] = {{"amp", '&'},      {"lt", '<'},       {"gt", '>'},
                {"quot", '"'},     {"apos", '\''},    {"nbsp", 0xA0},
                {"middot", 0xB7},  {"lsquo", 0x2018}, {"rsquo", 0x2019},
                {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026},
                {"bull", 0x2022},  {"ndash", 0x2013}, {"mdash", 0x2014},
                {"times", 0xD7},   {"middot", 0xB7},  {"rarr", 0x2192}};
  for (const auto& e : kNamed) {
    if (name == e.name) return e.cp;
  }
  return std::nullopt;
}

// Whether the tag text (between < and >) ends a line.
bool BreaksLine(std::string_view tag) {
  std::string t = absl::AsciiStrToLower(std::string(tag.substr(0, 6)));
  const bool closing = !t.empty() && t[0] == '/';
  if (closing) t.erase(0, 1);
  auto is = [&](std::string_view name) {
    return std::string_view(t).starts_with(name) &&
           (t.size() == name.size() || !absl::ascii_isalnum(t[name.size()]));
  };
  if (is("br")) return true;
  if (!closing) return false;
  return is("p") || is("div") || is("li") || is("tr") || is("h1") || is("h2") ||
         is("h3") || is("h4") || is("h5") || is("h6");
}

// Lines trimmed, spaces collapsed, empty lines dropped.
std::string Tidy(std::string_view raw) {
  std::string out;
  std::string line;
  auto flush = [&] {
    const std::string_view t = TrimSpaces(line);
    if (!t.empty()) {
      if (!out.empty()) out.push_back('\n');
      out.append(t);
    }
    line.clear();
  };
  for (char c : raw) {
    if (c == '\n') {
      flush();
    } else if (c == ' ' || c == '\t') {
      if (!line.empty() && line.back() != ' ') line.push_back(' ');
    } else {
      line.push_back(c);
    }
  }
  flush();
  return out;
}

}  // namespace

uint32_t DecodeAt(std::string_view s, size_t i, size_t* len) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80         ? 1
             : (b >> 5) == 6  ? 2
             : (b >> 4) == 14 ? 3
             : (b >> 3) == 30 ? 4
                              : 1;
  if (i + n > s.size()) n = 1;
  uint32_t cp = n == 1   ? b
                : n == 2 ? (b & 0x1F)
                : n == 3 ? (b & 0x0F)
                         : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      *len = 1;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *len = n;
  return cp;
}

std::vector<std::string_view> Split(
    std::string_view s, std::initializer_list<std::string_view> seps) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < s.size()) {
    size_t len = 0;
    for (std::string_view sep : seps) {
      if (!sep.empty() && s.substr(i).starts_with(sep)) {
        len = sep.size();
        break;
      }
    }
    if (len == 0) {
      ++i;
      continue;
    }
    if (i > start) out.push_back(s.substr(start, i - start));
    i += len;
    start = i;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

bool ParseInt(std::string_view s, int* out) {
  return absl::SimpleAtoi(absl::string_view(s.data(), s.size()), out);
}

std::string_view TrimSpaces(std::string_view text) {
  auto space_at_front = [&](size_t* len) {
    if (text.empty()) return false;
    if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' ||
        text[0] == '\r') {
      *len = 1;
      return true;
    }
    if (std::string_view(text).starts_with("\xC2\xA0")) {
      *len = 2;
      return true;
    }
    if (std::string_view(text).starts_with("\xE3\x80\x80")) {
      *len = 3;
      return true;
    }
    return false;
  };
  auto space_at_back = [&](size_t* len) {
    if (text.empty()) return false;
    const char c = text.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      *len = 1;
      return true;
    }
    if (std::string_view(text).ends_with("\xC2\xA0")) {
      *len = 2;
      return true;
    }
    if (std::string_view(text).ends_with("\xE3\x80\x80")) {
      *len = 3;
      return true;
    }
    return false;
  };
  size_t len = 0;
  while (space_at_front(&len)) text.remove_prefix(len);
  while (space_at_back(&len)) text.remove_suffix(len);
  return text;
}

std::string HtmlToText(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      // A tag: a letter, '/' or '!' after '<' and a '>' to end it.
      const size_t end = html.find('>', i + 1);
      const bool tag = end != std::string_view::npos && i + 1 < html.size() &&
                       (absl::ascii_isalpha(html[i + 1]) ||
                        html[i + 1] == '/' || html[i + 1] == '!');
      if (tag) {
        if (BreaksLine(html.substr(i + 1, end - i - 1))) raw.push_back('\n');
        i = end + 1;
        continue;
      }
    }
    if (c == '&') {
      size_t len = 0;
      if (std::optional<uint32_t> cp = Entity(html, i, &len)) {
        if (*cp == 0xA0) {
          raw.push_back(' ');
        } else if (*cp == '\r') {
          // &#xD;&#xA; as one break: the \n that follows makes it.
        } else if (!Invisible(*cp)) {
          AppendUtf8(&raw, *cp);
        }
        i += len;
        continue;
      }
    }
    if (c == '\r') {
      raw.push_back('\n');
      i += i + 1 < html.size() && html[i + 1] == '\n' ? 2 : 1;
      continue;
    }
    size_t len = 1;
    const uint32_t cp = DecodeAt(html, i, &len);
    if (cp == 0xA0) {
      raw.push_back(' ');
    } else if (!Invisible(cp)) {
      raw.append(html.substr(i, len));
    }
    i += len;
  }
  return Tidy(raw);
}

std::string OneLine(std::string_view html) {
  std::string text = HtmlToText(html);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

std::string UnifyMiddleDots(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 1;
    const uint32_t cp = DecodeAt(text, i, &len);
    if (cp == 0xB7 || cp == 0x2027 || cp == 0x2219 || cp == 0x2022 ||
        cp == 0x30FB) {
      AppendUtf8(&out, 0x318D);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace jiwon::engine::feeds
