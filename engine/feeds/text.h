#ifndef JIWON_ENGINE_FEEDS_TEXT_H_
#define JIWON_ENGINE_FEEDS_TEXT_H_

// The text of feed records as a person reads it: HTML to lines, entities
// decoded, invisible characters gone, middle dots unified.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace jiwon::engine::feeds {

// HTML (or plain text with entities) to plain text: <br>, </p>, </div>,
// </li>, </tr> and </h1-6> end a line, every other tag is removed, named and
// numeric entities are decoded (&nbsp; to a space), zero-width characters
// (U+200B-U+200D, U+2060, U+FEFF) and private-use bullets (U+E000-U+F8FF)
// are removed, \r\n and \r become \n, tabs and runs of spaces become one
// space, each line is trimmed and empty lines are dropped. Never fails:
// what is not markup is kept as text.
std::string HtmlToText(std::string_view html);

// One line: HtmlToText with the line breaks turned into spaces.
std::string OneLine(std::string_view html);

// Middle dots as Korean lists write them: ·, ‧, ∙, • and ・ become ㆍ
// (U+318D), so that "시설·공간" and "시설ㆍ공간" compare equal.
std::string UnifyMiddleDots(std::string_view text);

// The std::string_view forms of Abseil's helpers (Debian's Abseil has a
// string_view of its own).
inline bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}
inline bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (!s->ends_with(suffix)) return false;
  s->remove_suffix(suffix.size());
  return true;
}
inline bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}
// The pieces of `s` between any of the separators (each one or more
// bytes), empty pieces left out.
std::vector<std::string_view> Split(
    std::string_view s, std::initializer_list<std::string_view> seps);
// The code point at s[i] and its length in bytes; a stray byte is taken as
// itself (length 1) so that nothing is lost or looped over.
uint32_t DecodeAt(std::string_view s, size_t i, size_t* len);
// Parses a decimal int; false when `s` is not one.
bool ParseInt(std::string_view s, int* out);

// Leading and trailing spaces (ASCII and U+00A0, U+3000) removed.
std::string_view TrimSpaces(std::string_view text);

}  // namespace jiwon::engine::feeds

#endif  // JIWON_ENGINE_FEEDS_TEXT_H_
