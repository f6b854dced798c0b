#ifndef JIWON_BENCH_SYNTHETIC_H_
#define JIWON_BENCH_SYNTHETIC_H_

// One seeded generator of catalogs and companies, shared by the benchmarks,
// the peer comparison and the tests. Company facts follow simple known
// distributions, so each program's rules have a known pass rate; a
// calibrating revenue ceiling brings each program's chance of being
// eligible to `eligible_fraction` (a few percent of the companies also come
// out UNDETERMINED, their 체납 status being unknown).

#include <cstdint>
#include <vector>

#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::synthetic {

struct Options {
  uint64_t seed = 20261127;
  // Wanted share of companies eligible for a program: 0.01, 0.05, 0.10.
  double eligible_fraction = 0.05;
  engine::Date as_of = engine::Date::FromCivil(2026, 11, 27).value();
};

class Generator {
 public:
  Generator(const engine::Reference* reference, Options options);

  // Program `index` of the catalog: the same index always gives the same
  // program. Ids are "P0000001"-style.
  engine::Program Program(uint64_t index) const;
  std::vector<engine::Program> Programs(uint64_t count) const;

  // Company `index`; ids are "C0000001"-style.
  engine::Company Company(uint64_t index) const;

  const Options& options() const { return options_; }

 private:
  const engine::Reference* reference_;
  Options options_;
  std::vector<std::string> sidos_;                  // 17 시도
  std::vector<std::vector<std::string>> sigungus_;  // per 시도
  std::vector<std::string> divisions_;              // KSIC divisions used
};

}  // namespace jiwon::synthetic

#endif  // JIWON_BENCH_SYNTHETIC_H_
