// In-process benchmarks of matching. Run: build/bench/jiwon_bench
// (Release build), optionally --benchmark_filter=... .

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "bench/synthetic.h"
#include "engine/catalog.h"
#include "server/reference_loader.h"

namespace jiwon {
namespace {

const engine::Reference& Reference() {
  static const engine::Reference* ref = [] {
    auto loaded = server::LoadReference(JIWON_REFERENCE_DIR);
    if (!loaded.ok()) std::abort();
    return loaded->release();
  }();
  return *ref;
}

struct Fixture {
  std::shared_ptr<const engine::Catalog> catalog;
  std::vector<engine::Company> companies;
};

// Catalogs by (programs, eligible fraction in percent), built once.
const Fixture& GetFixture(int programs, int percent) {
  static std::map<std::pair<int, int>, Fixture>* cache =
      new std::map<std::pair<int, int>, Fixture>();
  auto [it, inserted] = cache->try_emplace({programs, percent});
  if (inserted) {
    synthetic::Options options;
    options.eligible_fraction = percent / 100.0;
    synthetic::Generator gen(&Reference(), options);
    std::vector<std::shared_ptr<const engine::Program>> ps;
    for (engine::Program& p : gen.Programs(programs)) {
      ps.push_back(std::make_shared<const engine::Program>(std::move(p)));
    }
    it->second.catalog = engine::Catalog::Build(std::move(ps), 1);
    for (int i = 1; i <= 256; ++i) it->second.companies.push_back(gen.Company(i));
  }
  return it->second;
}

// Recommend (the full evaluation of every program, with reasons) for one
// company, top 10.
void BM_RecommendFull(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<int>(state.range(0)),
                                static_cast<int>(state.range(1)));
  engine::Evaluator evaluator(&Reference());
  engine::RecommendOptions options;
  options.as_of = synthetic::Options().as_of;
  options.limit = 10;
  size_t i = 0;
  int64_t eligible = 0;
  for (auto _ : state) {
    engine::Recommendation r = engine::Recommend(
        *f.catalog, evaluator, f.companies[i++ % f.companies.size()], options);
    eligible += r.eligible;
    benchmark::DoNotOptimize(r);
  }
  state.counters["eligible_pct"] =
      100.0 * eligible / (state.iterations() * state.range(0));
  state.SetLabel("per company");
}
BENCHMARK(BM_RecommendFull)
    ->Args({1000, 5})
    ->Args({10000, 5})
    ->Unit(benchmark::kMicrosecond);

void BM_CatalogBuild(benchmark::State& state) {
  synthetic::Generator gen(&Reference(), synthetic::Options());
  std::vector<std::shared_ptr<const engine::Program>> ps;
  for (engine::Program& p : gen.Programs(state.range(0))) {
    ps.push_back(std::make_shared<const engine::Program>(std::move(p)));
  }
  for (auto _ : state) {
    auto catalog = engine::Catalog::Build(ps, 1);
    benchmark::DoNotOptimize(catalog);
  }
}
BENCHMARK(BM_CatalogBuild)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace jiwon

BENCHMARK_MAIN();
