#ifndef JIWON_ENGINE_FEEDS_DUPLICATES_H_
#define JIWON_ENGINE_FEEDS_DUPLICATES_H_

// The same program announced in both feeds. Titles differ in decoration —
// a region tag, 공고 or 모집 added, 「」, 2026 or 2026년, a space — so they
// are compared by the character bigrams of their cores (Dice coefficient),
// and two announcements are the same program only when each is the other's
// best match across the feeds and the similarity is at least kSameProgram.
// A look-alike that is another track of one call (AI리그 vs 혁신창업리그)
// loses to the true pair, which matches better.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jiwon::engine::feeds {

inline constexpr double kSameProgram = 0.7;

// The title's core: no leading region tag, no brackets 「」『』, no spaces or
// middle dots or hyphens, "2026년" and "2026년도" as "2026".
std::string TitleCore(std::string_view title);

// Dice coefficient of the two cores' character bigrams, 0-1.
double TitleSimilarity(std::string_view a, std::string_view b);

// Pairs (index into `a`, index into `b`) of titles that name the same
// program, by mutual best match; each index appears at most once.
std::vector<std::pair<size_t, size_t>> SamePrograms(
    const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace jiwon::engine::feeds

#endif  // JIWON_ENGINE_FEEDS_DUPLICATES_H_
