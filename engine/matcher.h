#ifndef JIWON_ENGINE_MATCHER_H_
#define JIWON_ENGINE_MATCHER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/evaluate.h"

namespace jiwon::engine {

// A catalog compiled for matching many companies fast. Immutable once
// built; safe to share between threads.
//
// Most rules test one dimension of a company: its head-office region, its
// industry, its founding (예비창업자 and 업력), one figure, one flag, one
// certification or need, its size class. For each such dimension the
// company's value falls in one of a few classes (the regions the catalog's
// rules tell apart, the intervals between the catalog's thresholds, ...),
// and for each class the matcher keeps a bitmap of the programs that the
// class fails and of those it leaves unknown. Matching a company ORs one
// bitmap pair per dimension, evaluates the few remaining rules (several
// dimensions, CEO facts, participation history, programs with their own
// reference date) only for programs still standing, scores the survivors
// and keeps the best. Results equal engine::Recommend's exactly; the tests
// check that on random catalogs.
class Matcher {
 public:
  // REQUIRES: `evaluator` outlives the matcher.
  static std::shared_ptr<const Matcher> Build(
      std::shared_ptr<const Catalog> catalog, const Evaluator* evaluator);

  ~Matcher();

  struct Ranked {
    const Program* program = nullptr;
    size_t index = 0;  // position in the catalog
    Eligibility eligibility = Eligibility::kEligible;
    int64_t score = 0;
  };
  struct Result {
    std::vector<Ranked> top;  // in Recommend's order
    int evaluated = 0;
    int eligible = 0;
    int undetermined = 0;
    int ineligible = 0;
  };

  // The ranking part of Recommend, without reasons. REQUIRES: neither
  // include_near_misses nor include_ineligible.
  Result Match(const Company& company, const RecommendOptions& options) const;

  // Every ELIGIBLE and UNDETERMINED program that passes the options' filters
  // (limit, eligible_only and the listing options aside), with its score, by
  // catalog position, into `all` (cleared first). For rescoring every
  // company: the counts are as Match's.
  Result MatchAll(const Company& company, const RecommendOptions& options,
                  std::vector<Ranked>* all) const;

  // engine::Recommend, with reasons for the programs listed: the fast path
  // ranks, the full evaluator explains the top. Near misses and ineligible
  // listings go through engine::Recommend.
  Recommendation Recommend(const Company& company,
                           const RecommendOptions& options) const;

  const Catalog& catalog() const { return *catalog_; }
  std::shared_ptr<const Catalog> catalog_ptr() const { return catalog_; }

  // Figures about the index, for benchmarks and logs.
  struct Stats {
    int programs = 0;
    int dimensions = 0;
    int classes = 0;
    int indexed_rules = 0;
    int threshold_rules = 0;
    int residual_rules = 0;
    size_t bitmap_bytes = 0;
  };
  Stats stats() const { return stats_; }

 private:
  struct Dimension;
  struct Thresholds;
  struct DayView;
  class Builder;

  Matcher() = default;
  std::shared_ptr<const DayView> Day(Date day) const;
  // Match, or MatchAll when `all` is given.
  Result Run(const Company& company, const RecommendOptions& options,
             std::vector<Ranked>* all) const;

  std::shared_ptr<const Catalog> catalog_;
  const Evaluator* evaluator_ = nullptr;
  size_t words_ = 0;
  std::vector<std::unique_ptr<Dimension>> dimensions_;
  std::vector<std::unique_ptr<Thresholds>> thresholds_;

  // Per program, by catalog position.
  struct ProgramInfo {
    bool application_reference = true;
    std::vector<uint32_t> residual_rules;  // rule indexes
  };
  std::vector<ProgramInfo> info_;
  // What scoring reads, by catalog position, in one compact array.
  struct Hot {
    uint16_t tags = 0;  // bit per Need
    int16_t bonus_cap = 0;
    // A program's only bonus rule, when it is indexed: its dimension (-1
    // otherwise) and points; its earned bit is at bonus_begin.
    int16_t single_dimension = -1;
    int16_t single_points = 0;
    uint32_t bonus_begin = 0;  // bonus_ entries [bonus_begin, bonus_end)
    uint32_t bonus_end = 0;
  };
  std::vector<int32_t> benefit_part_;  // score part for the benefit size
  std::vector<Hot> hot_;
  struct Bonus {
    int32_t points = 0;
    int32_t dimension = -1;  // -1: evaluated directly
    uint32_t rule = 0;
  };
  std::vector<Bonus> bonus_;
  // By dimension and class: a bitmap over bonus_ of the rules earned.
  std::vector<std::vector<std::vector<uint64_t>>> bonus_earned_;
  std::vector<uint64_t> has_residual_;              // bitmap
  std::vector<std::vector<uint64_t>> by_category_;  // bitmap per category id

  mutable std::atomic<std::shared_ptr<const DayView>> day_;
  Stats stats_;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_MATCHER_H_
