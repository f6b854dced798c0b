#ifndef JIWON_CLIENTS_TABLE_H_
#define JIWON_CLIENTS_TABLE_H_

// Text laid out for a terminal: display widths from ICU's Unicode
// properties, lines wrapped between words, tables that fit a width.

#include <string>
#include <string_view>
#include <vector>

namespace jiwon::cli {

// Whether East Asian ambiguous-width characters (·, …, ①, Greek and
// Cyrillic letters) take two columns, as on terminals set up for CJK
// text; one by default.
void SetAmbiguousWide(bool wide);
bool AmbiguousWide();
// What the locale suggests (LC_ALL, else LC_CTYPE, else LANG): wide for
// Korean, Japanese and Chinese locales.
bool AmbiguousWideFromLocale();

// Terminal columns taken by UTF-8 text, from the Unicode East Asian Width
// property: 2 for wide and full-width characters (Hangul syllables, CJK),
// 2 or 1 for ambiguous ones (SetAmbiguousWide), 0 for combining marks,
// format characters and Hangul medial and final jamo, 1 otherwise.
// Terminal escape sequences (ESC [ … final byte) take none; a malformed
// byte takes one.
int DisplayWidth(std::string_view utf8);

// `text` cut to at most `width` columns at a character boundary, ending in
// "…" when cut.
std::string Truncate(std::string_view text, int width);

// `text` padded with spaces to `width` columns (left-aligned, or right-
// aligned with `right`).
std::string Pad(std::string_view text, int width, bool right = false);

// `text` broken into lines of at most `width` columns. Lines break at
// spaces (between 어절), never inside a word; a word wider than `width`
// alone is broken after a '-', '/' or '_' inside it if that fits, else
// between grapheme clusters (never inside a syllable or a character with
// its marks). Runs of spaces at a break are dropped; "\n" in `text` starts
// a new line. An empty text is one empty line.
std::vector<std::string> WrapWords(std::string_view text, int width);

// `text` wrapped to `width` columns as a paragraph: the first line begins
// with `first`, the following ones with `rest` (a hanging indent); each
// line ends in "\n".
std::string Wrap(std::string_view text, int width, std::string_view first,
                 std::string_view rest);

// A table for people: columns sized to their widest cell, separated by two
// spaces. Given a width, a table wider than it shrinks the columns that
// may shrink, the widest first, down to their header (and at least 10
// columns); a wrapping column's cells then wrap between words over as many
// lines as they need, a cutting column's are cut with "…".
class Table {
 public:
  enum class Fit {
    kKeep,  // never shrinks
    kWrap,  // shrinks, wrapping its cells
    kCut,   // shrinks, cutting its cells: one line a row
  };
  struct Column {
    std::string header;
    bool right = false;
    Fit fit = Fit::kKeep;
    // The narrowest a column that shrinks may get (0: its header's width,
    // and at least 10).
    int min_width = 0;
  };
  // A `width` of 0 means unlimited.
  explicit Table(std::vector<Column> columns, int width = 0)
      : columns_(std::move(columns)), width_(width) {}

  void AddRow(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
  }
  // Sets the narrowest `column` may shrink to (Column::min_width).
  void SetMinWidth(size_t column, int width) {
    if (column < columns_.size()) columns_[column].min_width = width;
  }
  // The header, then each row; lines carry no trailing spaces.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  int width_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace jiwon::cli

#endif  // JIWON_CLIENTS_TABLE_H_
