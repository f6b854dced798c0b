#ifndef JIWON_CLIENTS_TABLE_H_
#define JIWON_CLIENTS_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace jiwon::cli {

// Terminal columns taken by UTF-8 text: 2 for East Asian wide characters
// (Hangul, CJK, full-width forms), 0 for combining marks, 1 otherwise.
int DisplayWidth(std::string_view utf8);

// `text` cut to at most `width` columns, ending in "…" when cut.
std::string Truncate(std::string_view text, int width);

// `text` padded with spaces to `width` columns (left-aligned, or right-
// aligned with `right`).
std::string Pad(std::string_view text, int width, bool right = false);

// A table for people: columns sized to their widest cell (capped per
// column), separated by two spaces.
class Table {
 public:
  // A max_width of 0 means unlimited.
  struct Column {
    std::string header;
    int max_width = 0;
    bool right = false;
  };
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  void AddRow(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
  }
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace jiwon::cli

#endif  // JIWON_CLIENTS_TABLE_H_
