#include "engine/feeds/duplicates.h"

#include <algorithm>
#include <cstdint>

#include "engine/feeds/text.h"

namespace jiwon::engine::feeds {
namespace {

// Code points of `s` (a stray byte stands for itself).
std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    out.push_back(DecodeAt(s, i, &len));
  }
  return out;
}

std::vector<uint64_t> Bigrams(std::string_view title) {
  const std::vector<uint32_t> cps = CodePoints(TitleCore(title));
  std::vector<uint64_t> out;
  for (size_t i = 0; i + 1 < cps.size(); ++i) {
    out.push_back((uint64_t{cps[i]} << 32) | cps[i + 1]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Dice(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) /
         static_cast<double>(a.size() + b.size());
}

}  // namespace

std::string TitleCore(std::string_view title) {
  std::string t = UnifyMiddleDots(OneLine(title));
  std::string_view v = t;
  if (v.starts_with("[")) {
    const size_t close = v.find(']');
    if (close != std::string_view::npos) v.remove_prefix(close + 1);
  }
  std::string out;
  size_t i = 0;
  while (i < v.size()) {
    bool dropped = false;
    for (std::string_view drop :
         {"「", "」", "『", "』", "ㆍ", " ", "-", "\t"}) {
      if (v.substr(i).starts_with(drop)) {
        i += drop.size();
        dropped = true;
        break;
      }
    }
    if (dropped) continue;
    out.push_back(v[i++]);
    // "2026년도" and "2026년" after four digits: the year alone.
    if (out.size() >= 4 && std::all_of(out.end() - 4, out.end(), [](char c) {
          return c >= '0' && c <= '9';
        })) {
      std::string_view rest = v.substr(i);
      if (ConsumePrefix(&rest, "년도") || ConsumePrefix(&rest, "년")) {
        i = v.size() - rest.size();
      }
    }
  }
  return out;
}

double TitleSimilarity(std::string_view a, std::string_view b) {
  return Dice(Bigrams(a), Bigrams(b));
}

std::vector<std::pair<size_t, size_t>> SamePrograms(
    const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<uint64_t>> ga, gb;
  for (const std::string& t : a) ga.push_back(Bigrams(t));
  for (const std::string& t : b) gb.push_back(Bigrams(t));
  // Each side's best match on the other, ties to the lower index.
  std::vector<size_t> best_a(a.size(), SIZE_MAX), best_b(b.size(), SIZE_MAX);
  std::vector<double> score_a(a.size(), 0), score_b(b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      const double s = Dice(ga[i], gb[j]);
      if (s > score_a[i]) {
        score_a[i] = s;
        best_a[i] = j;
      }
      if (s > score_b[j]) {
        score_b[j] = s;
        best_b[j] = i;
      }
    }
  }
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t j = best_a[i];
    if (j != SIZE_MAX && best_b[j] == i && score_a[i] >= kSameProgram) {
      out.emplace_back(i, j);
    }
  }
  return out;
}

}  // namespace jiwon::engine::feeds
