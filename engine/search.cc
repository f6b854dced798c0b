#include "engine/search.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/feeds/text.h"

namespace jiwon::engine {
namespace {

// BM25's usual constants.
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// A query of more letters than this is refused: no announcement title is
// that long, and the work grows with it.
constexpr size_t kMaxQueryLetters = 128;

// The code point as searched, or 0 when it is dropped.
char32_t Fold(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
  if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) return cp;
  // Fullwidth digits and letters, as ASCII.
  if (cp >= 0xFF10 && cp <= 0xFF19) return cp - 0xFF10 + '0';
  if (cp >= 0xFF21 && cp <= 0xFF3A) return cp - 0xFF21 + 'a';
  if (cp >= 0xFF41 && cp <= 0xFF5A) return cp - 0xFF41 + 'a';
  if (cp >= 0xAC00 && cp <= 0xD7A3) return cp;  // Hangul syllables
  if (cp >= 0x1100 && cp <= 0x11FF) return cp;  // Hangul jamo
  // Compatibility jamo, but for ㆍ (U+318D), which announcements use as a
  // separator ("중소ㆍ중견").
  if (cp >= 0x3131 && cp <= 0x318E && cp != 0x318D) return cp;
  if (cp >= 0x4E00 && cp <= 0x9FFF) return cp;  // CJK ideographs (漢字)
  return 0;
}

uint64_t Bigram(char32_t a, char32_t b) {
  return (static_cast<uint64_t>(a) << 32) | b;
}

// The bigrams of a normalised text, in order (repeats kept).
void Bigrams(const std::u32string& text, std::vector<uint64_t>* out) {
  for (size_t i = 1; i < text.size(); ++i) {
    out->push_back(Bigram(text[i - 1], text[i]));
  }
}

}  // namespace

std::u32string NormalizeForSearch(std::string_view text) {
  std::u32string out;
  out.reserve(text.size() / 2);
  // A stray byte comes back as itself, which no kept range holds.
  for (size_t i = 0, len = 0; i < text.size(); i += len) {
    if (const char32_t cp = Fold(feeds::DecodeAt(text, i, &len)); cp != 0) {
      out.push_back(cp);
    }
  }
  return out;
}

std::shared_ptr<const SearchIndex> SearchIndex::Build(
    const std::vector<std::shared_ptr<const Program>>& programs) {
  auto index = std::make_shared<SearchIndex>();
  index->lengths_.reserve(programs.size());
  std::vector<uint64_t> title, all;
  absl::flat_hash_map<uint64_t, std::pair<uint32_t, uint32_t>> counts;
  uint64_t total = 0;
  for (size_t d = 0; d < programs.size(); ++d) {
    const Program& p = *programs[d];
    title.clear();
    all.clear();
    Bigrams(NormalizeForSearch(p.title), &title);
    all = title;
    // Each field apart: a bigram never spans two of them.
    Bigrams(NormalizeForSearch(p.agency), &all);
    Bigrams(NormalizeForSearch(p.subcategory), &all);
    Bigrams(NormalizeForSearch(p.summary), &all);
    for (const Rule& r : p.rules) {
      Bigrams(NormalizeForSearch(r.label), &all);
      Bigrams(NormalizeForSearch(r.evidence), &all);
    }
    counts.clear();
    for (uint64_t b : all) ++counts[b].first;
    for (uint64_t b : title) ++counts[b].second;
    for (const auto& [b, c] : counts) {
      index->postings_[b].push_back(
          {static_cast<int32_t>(d),
           static_cast<uint16_t>(std::min<uint32_t>(c.first, 65535)),
           static_cast<uint16_t>(std::min<uint32_t>(c.second, 65535))});
    }
    index->lengths_.push_back(static_cast<uint32_t>(all.size()));
    total += all.size();
  }
  for (auto& [b, list] : index->postings_) list.shrink_to_fit();
  index->average_length_ =
      programs.empty()
          ? 1
          : std::max(1.0, static_cast<double>(total) /
                              static_cast<double>(programs.size()));
  return index;
}

absl::StatusOr<SearchIndex::Results> SearchIndex::Search(
    std::string_view query, size_t limit,
    const std::function<bool(int32_t program)>& keep) const {
  const std::u32string q = NormalizeForSearch(query);
  if (q.size() < 2) {
    return absl::InvalidArgumentError(
        "query: give at least two letters or digits, e.g. \"스마트공장\"");
  }
  if (q.size() > kMaxQueryLetters) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: at most ", kMaxQueryLetters,
                     " letters and digits, got ", q.size()));
  }
  std::vector<uint64_t> bigrams;
  Bigrams(q, &bigrams);
  std::sort(bigrams.begin(), bigrams.end());
  bigrams.erase(std::unique(bigrams.begin(), bigrams.end()), bigrams.end());
  const int32_t n = static_cast<int32_t>(bigrams.size());
  const int32_t need = n <= 2 ? n : (2 * n + 2) / 3;

  const size_t docs = lengths_.size();
  std::vector<double> score(docs, 0);
  std::vector<int32_t> matched(docs, 0), in_title(docs, 0);
  std::vector<int32_t> touched;
  for (uint64_t b : bigrams) {
    auto it = postings_.find(b);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const double idf =
        std::log(1 + (static_cast<double>(docs) - df + 0.5) / (df + 0.5));
    for (const Posting& p : it->second) {
      if (matched[p.program] == 0) touched.push_back(p.program);
      const double tf = p.tf;
      const double norm =
          kK1 * (1 - kB + kB * lengths_[p.program] / average_length_);
      score[p.program] += idf * tf * (kK1 + 1) / (tf + norm);
      ++matched[p.program];
      if (p.title_tf > 0) ++in_title[p.program];
    }
  }
  Results out;
  std::vector<SearchHit>& hits = out.hits;
  for (int32_t d : touched) {
    if (matched[d] < need || (keep && !keep(d))) continue;
    hits.push_back({d, score[d], in_title[d] == n, matched[d]});
  }
  out.total = hits.size();
  const auto better = [](const SearchHit& a, const SearchHit& b) {
    if (a.in_title != b.in_title) return a.in_title;
    if (a.score != b.score) return a.score > b.score;
    return a.program < b.program;
  };
  if (hits.size() > limit) {
    std::partial_sort(hits.begin(),
                      hits.begin() + static_cast<ptrdiff_t>(limit), hits.end(),
                      better);
    hits.resize(limit);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return out;
}

SearchIndex::Stats SearchIndex::stats() const {
  Stats s;
  s.programs = lengths_.size();
  s.terms = postings_.size();
  s.bytes = lengths_.capacity() * sizeof(uint32_t) +
            postings_.capacity() *
                (sizeof(uint64_t) + sizeof(std::vector<Posting>) + 1);
  for (const auto& [b, list] : postings_) {
    s.postings += list.size();
    s.bytes += list.capacity() * sizeof(Posting);
  }
  return s;
}

}  // namespace jiwon::engine
