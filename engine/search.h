#ifndef JIWON_ENGINE_SEARCH_H_
#define JIWON_ENGINE_SEARCH_H_

// Keyword search over a catalog, for the caseworker who hears "스마트공장
// 지원 뭐 있어요?": an index of character bigrams over each program's title,
// agency, subcategory, summary, rule labels and evidence, ranked by BM25 with
// programs whose title holds the words first.
//
// Text is normalised before it is split: letters lowered, and spaces,
// punctuation and separators (·, ㆍ, ‧, -, /, brackets) dropped, so that
// "스마트 공장", "스마트공장" and "스마트ㆍ공장" are the same words. A word of
// Hangul, Latin letters and digits is read as the bigrams of its code
// points: Korean has no spaces one may rely on (a 공고문 writes "스마트공장"
// and "스마트 공장" alike), and a bigram index finds a word inside a
// compound.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/model.h"

namespace jiwon::engine {

// `text` normalised for search: lowered code points with every character
// that is not a letter or digit dropped (Hangul syllables and jamo, Latin,
// digits, CJK ideographs kept).
std::u32string NormalizeForSearch(std::string_view text);

struct SearchHit {
  int32_t program = 0;    // index into the programs the index was built from
  double score = 0;       // BM25 over every field
  bool in_title = false;  // every bigram of the query is in the title
  // Of the query's distinct bigrams, how many the program holds.
  int32_t matched = 0;
};

class SearchIndex {
 public:
  // Over `programs` (their order gives SearchHit::program).
  static std::shared_ptr<const SearchIndex> Build(
      const std::vector<std::shared_ptr<const Program>>& programs);

  // The best `limit` programs matching `query` for which `keep` (when
  // given) holds, best first: those with every query bigram in the title,
  // then by score, then by position. A program matches when it holds at
  // least two thirds of the query's distinct bigrams (all of them for a
  // query of one or two). `total` counts every program kept. INVALID_ARGUMENT
  // (field "query") when the query has fewer than two letters or digits,
  // or more than 128.
  struct Results {
    std::vector<SearchHit> hits;
    size_t total = 0;
  };
  absl::StatusOr<Results> Search(
      std::string_view query, size_t limit,
      const std::function<bool(int32_t program)>& keep = nullptr) const;

  struct Stats {
    size_t programs = 0;
    size_t terms = 0;     // distinct bigrams
    size_t postings = 0;  // (bigram, program) pairs
    size_t bytes = 0;     // memory the index holds, approximately
  };
  Stats stats() const;

 private:
  struct Posting {
    int32_t program;
    uint16_t tf;        // in every field
    uint16_t title_tf;  // in the title
  };
  absl::flat_hash_map<uint64_t, std::vector<Posting>> postings_;
  std::vector<uint32_t> lengths_;  // bigrams per program, every field
  double average_length_ = 0;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_SEARCH_H_
