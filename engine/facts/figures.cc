#include "engine/facts/figures.h"

#include <algorithm>

namespace jiwon::engine {

std::vector<const FiscalYear*> RevenueYears(const Company& c, Date on) {
  std::vector<const FiscalYear*> years;
  for (const FiscalYear& fy : c.fiscal_years) {
    if (fy.year < on.year() && fy.revenue_won) years.push_back(&fy);
  }
  std::sort(years.begin(), years.end(),
            [](const FiscalYear* a, const FiscalYear* b) {
              return a->year > b->year;
            });
  return years;
}

std::optional<RevenueAverage> RevenueAvg3(const Company& c, Date on) {
  std::vector<const FiscalYear*> years = RevenueYears(c, on);
  if (years.empty()) return std::nullopt;
  const size_t n = std::min<size_t>(3, years.size());
  absl::int128 sum = 0;
  for (size_t i = 0; i < n; ++i) sum += *years[i]->revenue_won;
  RevenueAverage avg;
  avg.value = static_cast<int64_t>(sum / static_cast<int>(n));
  avg.sum = sum;
  avg.first_year = years[n - 1]->year;
  avg.last_year = years[0]->year;
  avg.count = static_cast<int>(n);
  return avg;
}

FiscalYear* YearOf(Company* c, int year) {
  for (FiscalYear& fy : c->fiscal_years) {
    if (fy.year == year) return &fy;
  }
  FiscalYear& fy = c->fiscal_years.emplace_back();
  fy.year = year;
  return &fy;
}

}  // namespace jiwon::engine
