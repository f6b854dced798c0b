// jiwon_rescore_bench: the nightly rescore end to end at scale, in process
// over a real RocksDB — read the profiles, match and score every company,
// write the results, diff against the previous ones and write the alerts.
//
// Loads `--programs` synthetic programs and `--companies` synthetic
// companies into a fresh database, runs a first rescore (the baseline),
// changes `--changed` programs (each admits a different share of
// companies), runs a second one, and prints both runs' figures.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "bench/synthetic.h"
#include "server/app/alerts.h"
#include "server/app/registry.h"
#include "server/app/rescore.h"
#include "server/convert.h"
#include "server/reference_loader.h"
#include "server/storage/key_codec.h"

ABSL_FLAG(int, programs, 10000, "catalog size");
ABSL_FLAG(int, companies, 1000000, "companies");
ABSL_FLAG(int, eligible_pct, 1, "wanted eligible share, percent");
ABSL_FLAG(int, changed, 100, "programs changed between the two runs");
ABSL_FLAG(int, threads, 2, "rescore threads");
ABSL_FLAG(int, chunk, 131072, "companies per checkpoint");
ABSL_FLAG(std::string, dir, "", "database directory (default: a new temp)");
ABSL_FLAG(bool, load_only, false,
          "write the programs and companies into --dir and stop (for "
          "bench/rescore_load.sh, which serves them with jiwond)");
ABSL_FLAG(std::string, reference_dir, JIWON_REFERENCE_DIR, "reference data");

namespace jiwon {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void Print(const char* what, const app::RescoreSummary& s) {
  std::printf(
      "%s: %lld companies in %.2f s (%.0f companies/s); eligible pairs %lld, "
      "undetermined %lld; alerts: newly eligible %lld, no longer %lld, "
      "closing soon %lld; phases:",
      what, static_cast<long long>(s.state.companies), s.seconds,
      s.state.companies / s.seconds,
      static_cast<long long>(s.state.eligible_pairs),
      static_cast<long long>(s.state.undetermined_pairs),
      static_cast<long long>(s.state.newly_eligible),
      static_cast<long long>(s.state.no_longer_eligible),
      static_cast<long long>(s.state.closing_soon));
  for (const auto& [name, seconds] : s.phases) {
    std::printf(" %s %.2f s", name.c_str(), seconds);
  }
  std::printf("\n");
}

int Main() {
  auto reference = server::LoadReference(absl::GetFlag(FLAGS_reference_dir));
  if (!reference.ok()) {
    std::fprintf(stderr, "%s\n", reference.status().ToString().c_str());
    return 2;
  }
  const engine::Reference& ref = **reference;
  synthetic::Options options;
  options.eligible_fraction = absl::GetFlag(FLAGS_eligible_pct) / 100.0;
  synthetic::Generator gen(&ref, options);

  std::string dir = absl::GetFlag(FLAGS_dir);
  const bool temp = dir.empty();
  if (temp) {
    dir = (std::filesystem::temp_directory_path() /
           absl::StrCat("jiwon-rescore-bench-", getpid()))
              .string();
  }
  std::filesystem::remove_all(dir);
  auto store = storage::OpenRocksDbStore(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 2;
  }

  // The data, written straight into the store in large batches.
  Clock::time_point t = Clock::now();
  const int n_programs = absl::GetFlag(FLAGS_programs);
  const int n_companies = absl::GetFlag(FLAGS_companies);
  {
    storage::WriteBatch batch;
    for (int i = 1; i <= n_programs; ++i) {
      engine::Program p = gen.Program(static_cast<uint64_t>(i));
      p.version = 1;
      batch.Put(storage::Table::kPrograms, p.id,
                server::ProgramToProto(p).SerializeAsString());
    }
    batch.Put(storage::Table::kMeta, std::string(storage::kCatalogVersionKey),
              storage::EncodeUint64(1));
    if (!(*store)->Write(batch).ok()) return 2;
  }
  for (int i = 1; i <= n_companies;) {
    storage::WriteBatch batch;
    for (int k = 0; k < 10000 && i <= n_companies; ++k, ++i) {
      engine::Company c = gen.Company(static_cast<uint64_t>(i));
      batch.Put(storage::Table::kCompanies, c.id,
                server::CompanyToProto(c).SerializeAsString());
    }
    if (!(*store)->Write(batch).ok()) return 2;
  }
  std::printf("generated %d programs, %d companies in %.1f s\n", n_programs,
              n_companies, Since(t));
  if (absl::GetFlag(FLAGS_load_only)) return 0;

  t = Clock::now();
  auto registry = app::Registry::Open(store->get(), &ref);
  if (!registry.ok()) {
    std::fprintf(stderr, "%s\n", registry.status().ToString().c_str());
    return 2;
  }
  (*registry)->WaitForMatcher();
  auto alerts = app::AlertLog::Open(store->get());
  if (!alerts.ok()) return 2;
  std::printf("opened (catalog compiled, company columns loaded) in %.1f s\n",
              Since(t));
  auto rescorer_owner = std::make_unique<app::Rescorer>(
      registry->get(), store->get(), alerts->get(),
      absl::GetFlag(FLAGS_threads), false);
  app::Rescorer& rescorer = *rescorer_owner;

  app::RescoreOptions run;
  run.as_of = options.as_of;
  run.checkpoint_companies = static_cast<size_t>(absl::GetFlag(FLAGS_chunk));
  auto first = rescorer.Run(run, nullptr, nullptr);
  if (!first.ok()) {
    std::fprintf(stderr, "%s\n", first.status().ToString().c_str());
    return 1;
  }
  Print("first run (baseline)", *first);

  // Change programs: each one's generated successor with another seed of
  // thresholds, so that some companies gain and some lose it.
  t = Clock::now();
  synthetic::Options other = options;
  other.seed = options.seed + 1;
  synthetic::Generator next(&ref, other);
  const int changed = absl::GetFlag(FLAGS_changed);
  for (int i = 1; i <= changed; ++i) {
    const uint64_t index = static_cast<uint64_t>(i) *
                           static_cast<uint64_t>(n_programs) /
                           static_cast<uint64_t>(changed);
    engine::Program p = next.Program(index);
    p.id = gen.Program(index).id;
    auto w = (*registry)->UpsertProgram(server::ProgramToProto(p));
    if (!w.ok()) {
      std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
      return 1;
    }
  }
  (*registry)->WaitForMatcher();
  std::printf("changed %d programs in %.1f s\n", changed, Since(t));

  run.as_of = options.as_of.AddDays(1);
  auto second = rescorer.Run(run, nullptr, nullptr);
  if (!second.ok()) {
    std::fprintf(stderr, "%s\n", second.status().ToString().c_str());
    return 1;
  }
  Print("second run", *second);

  // One program changed: the reverse match over the company columns (who
  // qualified before, who qualifies now) and the alerts, without a rescore.
  {
    // Not one of the programs changed above.
    const uint64_t index = static_cast<uint64_t>(n_programs) / 2 + 1;
    engine::Program before = gen.Program(index);
    engine::Program p = next.Program(index);
    p.id = before.id;
    auto before_ptr = std::make_shared<const engine::Program>(before);
    auto after_ptr = std::make_shared<const engine::Program>(p);
    std::vector<double> scans;
    for (int i = 0; i < 5; ++i) {
      t = Clock::now();
      auto delta = (*registry)->ProgramDelta(before_ptr.get(), *after_ptr,
                                             run.as_of.value());
      if (!delta.ok()) return 1;
      scans.push_back(Since(t) * 1000);
    }
    std::sort(scans.begin(), scans.end());
    std::printf(
        "one program's reverse match (before and after) over %d companies: "
        "median %.2f ms (min %.2f, max %.2f, 5 runs)\n",
        n_companies, scans[2], scans[0], scans[4]);
    t = Clock::now();
    const uint64_t last = (*alerts)->last_id();
    auto w = (*registry)->UpsertProgram(server::ProgramToProto(p));
    if (!w.ok()) return 1;
    rescorer.WaitForChanges();
    std::printf(
        "one program changed: %llu alerts written, results updated, in "
        "%.1f ms\n",
        static_cast<unsigned long long>((*alerts)->last_id() - last),
        Since(t) * 1000);
  }

  // Retention: the alerts made before the second run leave the feed.
  {
    std::string cutoff;
    auto found =
        (*alerts)->Read(second->state.first_alert - 1, "", [&](v1::Alert&& a) {
          cutoff = a.created_at();
          return false;
        });
    if (!found.ok() || cutoff.empty()) return 1;
    t = Clock::now();
    auto trimmed = (*alerts)->Trim(cutoff);
    if (!trimmed.ok()) {
      std::fprintf(stderr, "%s\n", trimmed.status().ToString().c_str());
      return 1;
    }
    std::printf("retention: %llu alerts made before %s removed in %.2f s\n",
                static_cast<unsigned long long>(*trimmed), cutoff.c_str(),
                Since(t));
  }

  rescorer_owner.reset();
  alerts->reset();
  registry->reset();
  store->reset();
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace jiwon

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return jiwon::Main();
}
