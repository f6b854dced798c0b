// In-process benchmarks of matching. Run: build/bench/jiwon_bench
// (Release build), optionally --benchmark_filter=... .

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/synthetic.h"
#include "engine/catalog.h"
#include "engine/company_table.h"
#include "engine/matcher.h"
#include "engine/search.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/app/drafts.h"
#include "server/convert.h"
#include "server/reference_loader.h"
#include "server/response_wire.h"

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

const engine::Evaluator& TheEvaluator() {
  static const engine::Evaluator* e = new engine::Evaluator(&Reference());
  return *e;
}

struct Fixture {
  std::shared_ptr<const engine::Catalog> catalog;
  std::shared_ptr<const engine::Matcher> matcher;
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
      TheEvaluator().PrepareTexts(&p);  // as the server does
      ps.push_back(std::make_shared<const engine::Program>(std::move(p)));
    }
    it->second.catalog = engine::Catalog::Build(std::move(ps), 1);
    it->second.matcher =
        engine::Matcher::Build(it->second.catalog, &TheEvaluator());
    for (int i = 1; i <= 256; ++i)
      it->second.companies.push_back(gen.Company(i));
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

// The compiled matcher: eligibility, score and the top 10 for one company.
void BM_Match(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<int>(state.range(0)),
                                static_cast<int>(state.range(1)));
  engine::RecommendOptions options;
  options.as_of = synthetic::Options().as_of;
  options.limit = 10;
  size_t i = 0;
  int64_t eligible = 0;
  for (auto _ : state) {
    engine::Matcher::Result r =
        f.matcher->Match(f.companies[i++ % f.companies.size()], options);
    eligible += r.eligible;
    benchmark::DoNotOptimize(r);
  }
  state.counters["eligible_pct"] =
      100.0 * eligible / (state.iterations() * state.range(0));
}
BENCHMARK(BM_Match)
    ->Args({1000, 5})
    ->Args({10000, 1})
    ->Args({10000, 5})
    ->Args({10000, 10})
    ->Args({100000, 5})
    ->Unit(benchmark::kMicrosecond);

// The same with the full reasons for the ten programs listed.
void BM_MatchWithReasons(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<int>(state.range(0)),
                                static_cast<int>(state.range(1)));
  engine::RecommendOptions options;
  options.as_of = synthetic::Options().as_of;
  options.limit = 10;
  size_t i = 0;
  for (auto _ : state) {
    engine::Recommendation r =
        f.matcher->Recommend(f.companies[i++ % f.companies.size()], options);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_MatchWithReasons)->Args({10000, 5})->Unit(benchmark::kMicrosecond);

// What a Recommend call does besides gRPC: decode the stored profile, match
// with reasons for 10, encode the response, and the client's decoding of
// it.
void BM_RecommendCall(benchmark::State& state) {
  const Fixture& f = GetFixture(10000, 5);
  engine::RecommendOptions options;
  options.as_of = synthetic::Options().as_of;
  options.limit = 10;
  std::vector<std::string> stored;
  for (const engine::Company& c : f.companies) {
    stored.push_back(server::CompanyToProto(c).SerializeAsString());
  }
  const std::string as_of = options.as_of.ToString();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    v1::Company record;
    record.ParseFromString(stored[i++ % stored.size()]);
    std::vector<engine::FieldError> errors;
    engine::Company company = server::CompanyFromProto(record, &errors);
    engine::Recommendation r = f.matcher->Recommend(company, options);
    std::string wire =
        server::RecommendResponseWire(r, as_of, /*catalog_version=*/1)
            .ToString();
    bytes += static_cast<int64_t>(wire.size());
    google::protobuf::Arena client_arena;
    auto* parsed =
        google::protobuf::Arena::CreateMessage<v1::RecommendResponse>(
            &client_arena);
    parsed->ParseFromString(wire);
    benchmark::DoNotOptimize(parsed);
  }
  state.counters["response_bytes"] =
      static_cast<double>(bytes) / state.iterations();
}
BENCHMARK(BM_RecommendCall)->Unit(benchmark::kMicrosecond);

// Compiling a catalog into a matcher (an update rebuilds it).
void BM_MatcherBuild(benchmark::State& state) {
  const Fixture& f = GetFixture(static_cast<int>(state.range(0)), 5);
  for (auto _ : state) {
    auto matcher = engine::Matcher::Build(f.catalog, &TheEvaluator());
    benchmark::DoNotOptimize(matcher);
  }
  auto stats = engine::Matcher::Build(f.catalog, &TheEvaluator())->stats();
  state.counters["classes"] = stats.classes;
  state.counters["bitmap_MB"] = stats.bitmap_bytes / 1e6;
  state.counters["residual_rules"] = stats.residual_rules;
}
BENCHMARK(BM_MatcherBuild)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

// WhoQualifies over a columnar table of `range(0)` companies, for a program
// of the 5% catalog.
engine::CompanyTable& TableOf(int64_t companies) {
  static std::map<int64_t, std::unique_ptr<engine::CompanyTable>>* tables =
      new std::map<int64_t, std::unique_ptr<engine::CompanyTable>>();
  auto& table = (*tables)[companies];
  if (table == nullptr) {
    synthetic::Generator gen(&Reference(), synthetic::Options());
    table = std::make_unique<engine::CompanyTable>(&TheEvaluator());
    for (int64_t i = 1; i <= companies; ++i) {
      table->Upsert(gen.Company(static_cast<uint64_t>(i)));
    }
  }
  return *table;
}

void BM_WhoQualifies(benchmark::State& state) {
  synthetic::Generator gen(&Reference(), synthetic::Options());
  engine::CompanyTable* table = &TableOf(state.range(0));
  uint64_t p = 1;
  int64_t eligible = 0;
  int64_t fetched = 0;
  for (auto _ : state) {
    const engine::Program program = gen.Program(p++ % 100 + 1);
    auto r = table->WhoQualifies(
        program, synthetic::Options().as_of, false,
        [](std::string_view) { return std::optional<engine::Company>(); });
    eligible += r.eligible;
    fetched += r.fetched;
    benchmark::DoNotOptimize(r);
  }
  state.counters["bytes_per_company"] =
      static_cast<double>(table->MemoryBytes()) / state.range(0);
  state.counters["eligible_pct"] =
      100.0 * eligible / (state.iterations() * state.range(0));
  state.counters["fetched"] = static_cast<double>(fetched);
}
BENCHMARK(BM_WhoQualifies)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);

// One program changed: the companies that gained it and those that lost
// it (CompanyTable::ProgramDelta, as the incremental alerts use it). Second
// argument 0: a corrected rule (its figure bound moved by 10%), the other
// rules shared; 1: another program altogether.
void BM_ProgramDelta(benchmark::State& state) {
  synthetic::Generator gen(&Reference(), synthetic::Options());
  synthetic::Options other;
  other.seed += 1;
  synthetic::Generator next(&Reference(), other);
  engine::CompanyTable& table = TableOf(state.range(0));
  const engine::Date on = synthetic::Options().as_of;
  auto none = [](std::string_view) { return std::optional<engine::Company>(); };
  std::vector<std::pair<engine::Program, engine::Program>> changes;
  for (uint64_t p = 1; p <= 100; ++p) {
    engine::Program before = gen.Program(p);
    engine::Program after = before;
    if (state.range(1) == 1) {
      after = next.Program(p);
    } else {
      for (engine::Rule& r : after.rules) {
        engine::Predicate& pred = r.condition.predicate;
        if (r.condition.kind == engine::Condition::Kind::kPredicate &&
            pred.max) {
          *pred.max = *pred.max + *pred.max / 10;
          break;
        }
      }
    }
    changes.emplace_back(std::move(before), std::move(after));
  }
  size_t i = 0;
  int64_t changed = 0;
  for (auto _ : state) {
    const auto& [before, after] = changes[i++ % changes.size()];
    engine::CompanyTable::Delta d = table.ProgramDelta(before, after, on, none);
    changed += static_cast<int64_t>(d.gained.size() + d.lost.size());
    benchmark::DoNotOptimize(d);
  }
  state.counters["changed"] =
      static_cast<double>(changed) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ProgramDelta)
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->Unit(benchmark::kMillisecond);

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

// `n` programs whose titles, summaries and rule texts are drawn (seeded)
// from the words of the feeds' real announcements (tests/data/feeds, as
// often as they occur there); one in 50 has "스마트 공장" in its title.
std::vector<std::string> AnnouncementWords() {
  std::vector<std::string> words;
  for (const char* f :
       {"/feeds/bizinfo_samples.json", "/feeds/kstartup_samples.json",
        "/feeds/sentences.jsonl"}) {
    std::ifstream in(std::string(JIWON_TEST_DATA_DIR) + f);
    std::string word;
    while (in >> word) {
      // Keep words with a Hangul syllable (EA B0 80 - ED 9E A3 in UTF-8).
      bool hangul = false;
      for (size_t i = 0; i + 2 < word.size() && !hangul; ++i) {
        const auto c = static_cast<unsigned char>(word[i]);
        hangul = c >= 0xEA && c <= 0xED;
      }
      if (hangul) words.push_back(word);
    }
  }
  if (words.empty()) std::abort();
  return words;
}

std::vector<std::shared_ptr<const engine::Program>> KoreanPrograms(int n) {
  static const std::vector<std::string>* const vocabulary =
      new std::vector<std::string>(AnnouncementWords());
  const size_t kCount = vocabulary->size();
  uint64_t seed = 42;
  auto next = [&seed](size_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((seed >> 33) % bound);
  };
  auto words = [&](int count) {
    std::vector<std::string> picked;
    for (int i = 0; i < count; ++i) {
      picked.push_back((*vocabulary)[next(kCount)]);
    }
    return absl::StrJoin(picked, " ");
  };
  std::vector<std::shared_ptr<const engine::Program>> out;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<engine::Program>();
    p->id = absl::StrCat("p", i);
    p->title = words(3 + static_cast<int>(next(4)));
    if (i % 50 == 0) absl::StrAppend(&p->title, " 스마트 공장 지원");
    p->agency = words(2);
    p->summary = words(15 + static_cast<int>(next(15)));
    for (int r = 0; r < 6; ++r) {
      engine::Rule rule;
      rule.id = absl::StrCat("r", r);
      rule.label = words(2 + static_cast<int>(next(3)));
      rule.evidence = words(8 + static_cast<int>(next(10)));
      p->rules.push_back(std::move(rule));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// A two-word query over 10,000 programs, the best 20 ("스마트 공장",
// "수출 바우처").
void BM_Search(benchmark::State& state) {
  const auto programs = KoreanPrograms(10000);
  const auto index = engine::SearchIndex::Build(programs);
  const char* query = state.range(0) == 0 ? "스마트 공장" : "수출 바우처";
  size_t hits = 0;
  for (auto _ : state) {
    auto found = index->Search(query, 20);
    if (!found.ok()) std::abort();
    hits = found->total;
    benchmark::DoNotOptimize(found);
  }
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_Search)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Building the index of 10,000 programs, and what it holds.
void BM_SearchIndexBuild(benchmark::State& state) {
  const auto programs = KoreanPrograms(10000);
  engine::SearchIndex::Stats stats;
  for (auto _ : state) {
    auto index = engine::SearchIndex::Build(programs);
    stats = index->stats();
    benchmark::DoNotOptimize(index);
  }
  state.counters["terms"] = static_cast<double>(stats.terms);
  state.counters["postings"] = static_cast<double>(stats.postings);
  state.counters["MiB"] = static_cast<double>(stats.bytes) / (1 << 20);
}
BENCHMARK(BM_SearchIndexBuild)->Unit(benchmark::kMillisecond);

// The feeds' sample records (tests/data/feeds), 70 기업마당 items and 97
// K-Startup rows, cycled to `n` records with ids made unique: what one
// import of n announcements reads.
std::vector<std::pair<v1::Feed, std::string>> FeedRecords(size_t n) {
  namespace pb = google::protobuf;
  auto load = [](const char* file) {
    std::ifstream in(std::string(JIWON_TEST_DATA_DIR) + "/feeds/" + file);
    std::stringstream text;
    text << in.rdbuf();
    pb::Struct s;
    if (!pb::util::JsonStringToMessage(text.str(), &s).ok()) std::abort();
    return s;
  };
  std::vector<std::pair<v1::Feed, pb::Value>> samples;
  const pb::Struct biz = load("bizinfo_samples.json");
  for (const pb::Value& v : biz.fields().at("records").list_value().values()) {
    samples.emplace_back(v1::FEED_BIZINFO, v.struct_value().fields().at("raw"));
  }
  const pb::Struct ks = load("kstartup_samples.json");
  for (const char* g : {"full_rows", "partial_rows", "minimal_rows"}) {
    for (const pb::Value& v : ks.fields().at(g).list_value().values()) {
      pb::Value raw = v.struct_value().fields().at("raw");
      auto c = v.struct_value().fields().find("collector_fields");
      if (c != v.struct_value().fields().end()) {
        (*raw.mutable_struct_value()->mutable_fields())["pbanc_sn"] =
            c->second.struct_value().fields().at("pbancSn");
      }
      samples.emplace_back(v1::FEED_KSTARTUP, raw);
    }
  }
  std::vector<std::pair<v1::Feed, std::string>> out;
  for (size_t i = 0; i < n; ++i) {
    auto [feed, raw] = samples[i % samples.size()];
    auto* f = raw.mutable_struct_value()->mutable_fields();
    if (feed == v1::FEED_BIZINFO) {
      char id[32];
      std::snprintf(id, sizeof id, "PBLN_%015zu", i);
      (*f)["pblancId"].set_string_value(id);
    } else {
      (*f)["pbanc_sn"].set_string_value(std::to_string(1'000'000 + i));
    }
    std::string json;
    if (!pb::util::MessageToJsonString(raw, &json).ok()) std::abort();
    out.emplace_back(feed, std::move(json));
  }
  return out;
}

// Importing n announcements into an empty draft table (normalise, propose,
// validate, hash, store), then the one pass that finds the programs in both
// feeds.
void BM_ImportAnnouncements(benchmark::State& state) {
  const auto records = FeedRecords(static_cast<size_t>(state.range(0)));
  int pairs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<storage::Store> store = storage::NewMemoryStore();
    app::Drafts drafts(store.get(), &Reference());
    state.ResumeTiming();
    for (const auto& [feed, json] : records) {
      if (!drafts.Import(feed, json, 1'780'000'000).ok()) std::abort();
    }
    pairs = *drafts.LinkSamePrograms();
  }
  state.counters["pairs"] = pairs;
}
BENCHMARK(BM_ImportAnnouncements)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace jiwon

BENCHMARK_MAIN();
