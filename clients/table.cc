#include "clients/table.h"

#include <algorithm>

namespace jiwon::cli {
namespace {

// Decodes one code point at `i`, advancing it; malformed bytes count as one
// column each.
char32_t Next(std::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  int len = c < 0x80           ? 1
            : (c >> 5) == 0x6  ? 2
            : (c >> 4) == 0xe  ? 3
            : (c >> 3) == 0x1e ? 4
                               : 1;
  if (*i + len > s.size()) len = 1;
  char32_t cp = len == 1   ? c
                : len == 2 ? (c & 0x1f)
                : len == 3 ? (c & 0x0f)
                           : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3f);
  }
  *i += len;
  return cp;
}

int Width(char32_t cp) {
  if (cp == 0) return 0;
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1160 && cp <= 0x11ff) ||
      cp == 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) {
    return 0;
  }
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
      (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)) {
    return 2;
  }
  return 1;
}

}  // namespace

int DisplayWidth(std::string_view s) {
  int width = 0;
  for (size_t i = 0; i < s.size();) width += Width(Next(s, &i));
  return width;
}

std::string Truncate(std::string_view s, int width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  std::string out;
  int used = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const int w = Width(Next(s, &i));
    if (used + w > width - 1) break;
    out.append(s.substr(start, i - start));
    used += w;
  }
  return out + "…";
}

std::string Pad(std::string_view s, int width, bool right) {
  const int fill = std::max(0, width - DisplayWidth(s));
  if (right) return std::string(fill, ' ') + std::string(s);
  return std::string(s) + std::string(fill, ' ');
}

std::string Table::Render() const {
  std::vector<int> widths(columns_.size(), 0);
  auto cell = [&](const std::vector<std::string>& row, size_t c) {
    std::string text = c < row.size() ? row[c] : std::string();
    if (columns_[c].max_width > 0) text = Truncate(text, columns_[c].max_width);
    return text;
  };
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(cell({columns_[c].header}, 0));
    for (const auto& row : rows_) {
      widths[c] = std::max(widths[c], DisplayWidth(cell(row, c)));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row, bool header) {
    std::string text;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) text += "  ";
      const std::string value = header ? columns_[c].header : cell(row, c);
      // The last column is not padded, so lines carry no trailing spaces.
      if (c + 1 == columns_.size() && !columns_[c].right) {
        text += value;
      } else {
        text += Pad(value, widths[c], columns_[c].right && !header);
      }
    }
    out += text + "\n";
  };
  line({}, true);
  for (const auto& row : rows_) line(row, false);
  return out;
}

}  // namespace jiwon::cli
