#ifndef JIWON_ENGINE_FACTS_FIGURES_H_
#define JIWON_ENGINE_FACTS_FIGURES_H_

// Reading figures out of a company's fiscal years: the one definition of
// which years count at a reference date.

#include <optional>
#include <vector>

#include "absl/numeric/int128.h"
#include "engine/date.h"
#include "engine/model.h"

namespace jiwon::engine {

// Fiscal years before the reference year with revenue, newest first.
std::vector<const FiscalYear*> RevenueYears(const Company& c, Date on);

// The mean revenue of the latest (up to) three such years, truncated
// toward zero, with the sum it comes from for exact comparisons.
struct RevenueAverage {
  int64_t value = 0;
  absl::int128 sum = 0;
  int first_year = 0, last_year = 0, count = 0;
};
std::optional<RevenueAverage> RevenueAvg3(const Company& c, Date on);

// The fiscal year `year` of `c`, added when missing.
FiscalYear* YearOf(Company* c, int year);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_FACTS_FIGURES_H_
