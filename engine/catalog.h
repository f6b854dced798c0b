#ifndef JIWON_ENGINE_CATALOG_H_
#define JIWON_ENGINE_CATALOG_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/evaluate.h"
#include "engine/model.h"
#include "engine/near_miss.h"

namespace jiwon::engine {

// An immutable snapshot of the program catalog, sorted by program id. A
// change builds a new snapshot (sharing the unchanged programs) that is
// swapped in whole; readers holding the old one are unaffected.
class Catalog {
 public:
  static std::shared_ptr<const Catalog> Build(
      std::vector<std::shared_ptr<const Program>> programs, int64_t version);

  // A new snapshot with `program` added or replaced.
  std::shared_ptr<const Catalog> With(std::shared_ptr<const Program> program,
                                      int64_t version) const;
  // A new snapshot without the program `id`.
  std::shared_ptr<const Catalog> Without(std::string_view id,
                                         int64_t version) const;

  const std::vector<std::shared_ptr<const Program>>& programs() const {
    return programs_;
  }
  // nullptr when absent.
  std::shared_ptr<const Program> Find(std::string_view id) const;
  int64_t version() const { return version_; }

 private:
  Catalog(std::vector<std::shared_ptr<const Program>> programs, int64_t version)
      : programs_(std::move(programs)), version_(version) {}

  std::vector<std::shared_ptr<const Program>> programs_;
  int64_t version_;
};

struct RecommendOptions {
  Date as_of;
  std::vector<Category> categories;  // empty: all
  bool open_only = false;            // only programs open on as_of
  bool include_closed = false;       // keep programs whose window has closed
  size_t limit = 20;
  bool eligible_only = false;
  bool include_ineligible = false;
  // INELIGIBLE programs one or two changeable facts away, with the changes,
  // after the UNDETERMINED ones.
  bool include_near_misses = false;
  // Programs never to list (those the company dismissed), sorted.
  std::vector<std::string> excluded_programs;
};

struct Recommendation {
  // ELIGIBLE first, then UNDETERMINED, then (on request) near misses by
  // how close they are, then (on request) the other INELIGIBLE ones; within
  // each group by score (high first), then program id.
  std::vector<ProgramOutcome> matches;
  int evaluated = 0;
  int eligible = 0;
  int undetermined = 0;
  int ineligible = 0;
  int near_misses = 0;  // counted when asked for
};

// Evaluates every program in effect on `options.as_of` that passes the
// filters, and ranks them.
Recommendation Recommend(const Catalog& catalog, const Evaluator& evaluator,
                         const Company& company,
                         const RecommendOptions& options);

// The facts the company has not given, ranked by how many programs open or
// upcoming on `as_of` knowing each would settle.
std::vector<Question> AskNext(const Catalog& catalog,
                              const Evaluator& evaluator,
                              const Company& company, Date as_of);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_CATALOG_H_
