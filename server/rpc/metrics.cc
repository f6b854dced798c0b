#include "server/rpc/metrics.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "engine/model.h"
#include "jiwon/v1/match_service.pb.h"
#include "server/app/rescore.h"
#include "server/log.h"

namespace jiwon::rpc {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr size_t kCodes = 17;  // grpc::StatusCode 0-16

// gRPC's name of a code: "OK", "NOT_FOUND", ... (gRPC's codes are
// Abseil's, by number and name).
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// The method of a path, as a label: "jiwon.v1.MatchService/Recommend" for
// a method some compiled-in service has, "other" for anything else (a
// caller must not be able to make new series at will).
std::string MethodLabel(std::string_view path) {
  if (!path.starts_with('/')) return "other";
  const std::string_view rest = path.substr(1);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "other";
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(rest.substr(0, slash)));
  if (service == nullptr || service->FindMethodByName(std::string(
                                rest.substr(slash + 1))) == nullptr) {
    return "other";
  }
  return std::string(rest);
}

// Latency buckets, in seconds: 50 µs to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};
  return *buckets;
}

MetricFamily Family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void AddGauge(MetricFamily* f, double value,
              std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric& m = f->metric.emplace_back();
  m.label = std::move(labels);
  m.gauge.value = value;
}

void AddCounter(MetricFamily* f, double value,
                std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric& m = f->metric.emplace_back();
  m.label = std::move(labels);
  m.counter.value = value;
}

MetricFamily Gauge(std::string name, std::string help, double value) {
  MetricFamily f = Family(std::move(name), std::move(help), MetricType::Gauge);
  AddGauge(&f, value);
  return f;
}

MetricFamily Counter(std::string name, std::string help, double value) {
  MetricFamily f =
      Family(std::move(name), std::move(help), MetricType::Counter);
  AddCounter(&f, value);
  return f;
}

// The process's resident memory (bytes), threads and CPU seconds, from
// /proc/self/stat; zeros where it cannot be read.
struct ProcessFigures {
  double rss_bytes = 0;
  double threads = 0;
  double cpu_seconds = 0;
  double open_fds = 0;
};
ProcessFigures ReadProcess() {
  ProcessFigures p;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return p;
  // The command name (field 2) may hold spaces: fields count from after
  // its closing parenthesis, where field 3 (state) begins.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return p;
  std::vector<std::string> fields =
      absl::StrSplit(line.substr(close + 2), ' ', absl::SkipEmpty());
  // Field n of proc(5) is fields[n - 3].
  auto field = [&](size_t n) -> double {
    double v = 0;
    if (n - 3 < fields.size() && absl::SimpleAtod(fields[n - 3], &v)) return v;
    return 0;
  };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  p.cpu_seconds = ticks > 0 ? (field(14) + field(15)) / ticks : 0;
  p.threads = field(20);
  p.rss_bytes = field(24) * page;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++p.open_fds;
  }
  return p;
}

// The state metrics, read at each scrape.
class StateCollector final : public prometheus::Collectable {
 public:
  explicit StateCollector(MetricSources sources)
      : s_(std::move(sources)),
        started_at_(std::chrono::duration<double>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count()) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    {
      MetricFamily f =
          Family("jiwon_build_info",
                 "Always 1; the labels name the version, commit and build type",
                 MetricType::Gauge);
      AddGauge(&f, 1,
               {{"version", s_.version},
                {"commit", s_.commit},
                {"build_type", s_.build_type}});
      out.push_back(std::move(f));
    }
    out.push_back(Gauge("jiwon_start_time_seconds",
                        "When jiwond started, in Unix seconds", started_at_));
    if (s_.registry != nullptr) CollectCatalog(&out);
    if (s_.rescorer != nullptr) CollectRescore(&out);
    if (s_.alerts != nullptr) CollectAlerts(&out);
    if (s_.gate != nullptr) {
      MetricFamily f =
          Family("jiwon_door_refusals_total",
                 "Calls refused before reaching a handler (no or bad token, "
                 "role, write rate), by code",
                 MetricType::Counter);
      for (const auto& [code, n] : s_.gate->refusals()) {
        AddCounter(&f, static_cast<double>(n), {{"code", CodeName(code)}});
      }
      out.push_back(std::move(f));
    }
    if (s_.store != nullptr) CollectStore(&out);
    const ProcessFigures p = ReadProcess();
    out.push_back(Gauge("process_resident_memory_bytes",
                        "Resident memory of jiwond, in bytes", p.rss_bytes));
    out.push_back(Gauge("process_threads", "Threads of jiwond", p.threads));
    out.push_back(Gauge("process_open_fds", "Open file descriptors of jiwond",
                        p.open_fds));
    out.push_back(Counter("process_cpu_seconds_total",
                          "CPU time jiwond used, user and system, in seconds",
                          p.cpu_seconds));
    return out;
  }

 private:
  void CollectCatalog(std::vector<MetricFamily>* out) const {
    const std::shared_ptr<const engine::Catalog> catalog =
        s_.registry->catalog();
    out->push_back(Gauge("jiwon_catalog_version",
                         "Version of the catalog served",
                         static_cast<double>(catalog->version())));
    std::array<double, 4> by_status{};
    const engine::Date today = app::TodayInKorea();
    for (const auto& p : catalog->programs()) {
      const auto status =
          static_cast<size_t>(engine::StatusOn(p->window, today));
      if (status < by_status.size()) ++by_status[status];
    }
    MetricFamily f = Family(
        "jiwon_programs",
        "Programs of the catalog served, by window status today in Korea",
        MetricType::Gauge);
    AddGauge(&f, by_status[static_cast<size_t>(engine::WindowStatus::kOpen)],
             {{"status", "open"}});
    AddGauge(&f,
             by_status[static_cast<size_t>(engine::WindowStatus::kUpcoming)],
             {{"status", "upcoming"}});
    AddGauge(&f, by_status[static_cast<size_t>(engine::WindowStatus::kClosed)],
             {{"status", "closed"}});
    out->push_back(std::move(f));
    out->push_back(Gauge(
        "jiwon_matcher_current",
        "1 when the compiled matcher covers the catalog served; 0 while it "
        "is rebuilt after a change (Recommend then uses the slower full "
        "evaluator)",
        s_.registry->CurrentMatcher() != nullptr ? 1 : 0));
    out->push_back(Gauge("jiwon_companies", "Company profiles stored",
                         static_cast<double>(s_.registry->CountCompanies(
                             [](std::string_view) { return true; }))));
  }

  void CollectRescore(std::vector<MetricFamily>* out) const {
    const app::Rescorer::Stats r = s_.rescorer->stats();
    out->push_back(Gauge("jiwon_rescore_running",
                         "Rescore runs going on now (one per shard)",
                         r.running));
    out->push_back(Gauge(
        "jiwon_rescore_companies_done",
        "Companies the runs going on now have scored (resumed ones included)",
        static_cast<double>(r.companies_done)));
    out->push_back(Gauge("jiwon_rescore_companies_per_second",
                         "Scoring rate of the runs going on now, summed",
                         r.per_second));
    MetricFamily runs = Family("jiwon_rescore_runs_total",
                               "Rescore runs ended since start, by result",
                               MetricType::Counter);
    AddCounter(&runs, static_cast<double>(r.runs_finished),
               {{"result", "finished"}});
    AddCounter(&runs, static_cast<double>(r.runs_failed),
               {{"result", "failed"}});
    AddCounter(&runs, static_cast<double>(r.runs_cancelled),
               {{"result", "cancelled"}});
    out->push_back(std::move(runs));
    out->push_back(
        Gauge("jiwon_rescore_last_end_time_seconds",
              "When the last rescore run ended (finished or not), in Unix "
              "seconds; 0 before the first",
              static_cast<double>(r.last_ended_at)));
    out->push_back(Gauge("jiwon_rescore_last_success",
                         "1 when the last rescore run finished, 0 otherwise",
                         r.last_ok ? 1 : 0));
    out->push_back(Gauge("jiwon_rescore_last_duration_seconds",
                         "How long the last finished rescore run took",
                         r.last_seconds));
    out->push_back(Gauge("jiwon_rescore_last_companies",
                         "Companies the last finished rescore run scored",
                         static_cast<double>(r.last_companies)));
  }

  void CollectAlerts(std::vector<MetricFamily>* out) const {
    const uint64_t last = s_.alerts->last_id();
    const uint64_t first = s_.alerts->first_id();
    out->push_back(Gauge("jiwon_alert_newest_id",
                         "Id of the newest alert of the feed (0: none yet)",
                         static_cast<double>(last)));
    out->push_back(
        Gauge("jiwon_alert_feed_alerts",
              "Alerts in the feed (from the oldest kept to the newest)",
              static_cast<double>(last >= first ? last - first + 1 : 0)));
    if (s_.consumers == nullptr) return;
    MetricFamily lag =
        Family("jiwon_alert_consumer_lag",
               "Alerts newer than the last one each reader (caller) was given",
               MetricType::Gauge);
    MetricFamily position =
        Family("jiwon_alert_consumer_position",
               "Id of the last alert each reader (caller) was given or "
               "resumed after",
               MetricType::Gauge);
    for (const auto& [name, at] : s_.consumers->Positions()) {
      AddGauge(&lag, static_cast<double>(last > at ? last - at : 0),
               {{"consumer", name}});
      AddGauge(&position, static_cast<double>(at), {{"consumer", name}});
    }
    out->push_back(std::move(lag));
    out->push_back(std::move(position));
  }

  void CollectStore(std::vector<MetricFamily>* out) const {
    const storage::StoreStats st = s_.store->stats();
    const storage::StoreCounters c = s_.store->counters();
    out->push_back(Gauge("jiwon_rocksdb_live_sst_bytes",
                         "Bytes of the table files the database uses",
                         static_cast<double>(st.live_sst_bytes)));
    out->push_back(Gauge("jiwon_rocksdb_memtable_bytes",
                         "Bytes of the memtables",
                         static_cast<double>(st.memtable_bytes)));
    out->push_back(
        Gauge("jiwon_rocksdb_pending_compaction_bytes",
              "Bytes RocksDB estimates compaction has still to rewrite",
              static_cast<double>(st.pending_compaction_bytes)));
    out->push_back(Gauge("jiwon_rocksdb_running_compactions",
                         "Compactions running now",
                         static_cast<double>(st.running_compactions)));
    out->push_back(Counter(
        "jiwon_rocksdb_write_stall_seconds_total",
        "Time writes were held back by RocksDB (too many files or pending "
        "compaction), summed over writers, since start",
        static_cast<double>(st.stall_micros) / 1e6));
    out->push_back(Gauge("jiwon_rocksdb_writes_stopped",
                         "1 while RocksDB stops writes altogether",
                         st.writes_stopped ? 1 : 0));
    out->push_back(Counter("jiwon_rocksdb_block_cache_hits_total",
                           "Block cache hits since start",
                           static_cast<double>(st.block_cache_hits)));
    out->push_back(Counter("jiwon_rocksdb_block_cache_misses_total",
                           "Block cache misses since start",
                           static_cast<double>(st.block_cache_misses)));
    const double lookups =
        static_cast<double>(st.block_cache_hits + st.block_cache_misses);
    out->push_back(Gauge(
        "jiwon_rocksdb_block_cache_hit_ratio",
        "Block cache hits over lookups since start (1 before any lookup)",
        lookups > 0 ? static_cast<double>(st.block_cache_hits) / lookups : 1));
    out->push_back(Gauge("jiwon_rocksdb_block_cache_bytes",
                         "Bytes held by the block cache",
                         static_cast<double>(st.block_cache_bytes)));
    out->push_back(Counter(
        "jiwon_storage_writes_refused_disk_full_total",
        "Writes refused because the disk was (nearly) full, since start",
        static_cast<double>(c.writes_refused_disk_full)));
    out->push_back(Counter("jiwon_storage_write_errors_total",
                           "Writes that failed in RocksDB, since start",
                           static_cast<double>(c.write_errors)));
    out->push_back(Gauge("jiwon_storage_writes_refused",
                         "1 while writes are refused (disk full)",
                         c.writes_refused_now ? 1 : 0));
  }

  const MetricSources s_;
  const double started_at_;
};

}  // namespace

// Per method, its latency histogram and a counter per code, made on first
// use; a method's entry is never removed, so pointers to it stay valid.
struct ServerMetrics::Calls {
  struct Method {
    prometheus::Histogram* latency = nullptr;
    std::array<std::atomic<prometheus::Counter*>, kCodes> codes{};
  };

  explicit Calls(prometheus::Registry* registry)
      : count(prometheus::BuildCounter()
                  .Name("jiwon_rpc_calls_total")
                  .Help("Calls ended, by method and gRPC code (HTTP/JSON "
                        "calls included)")
                  .Register(*registry)),
        latency(prometheus::BuildHistogram()
                    .Name("jiwon_rpc_duration_seconds")
                    .Help("Time from a call's start to its status, by method "
                          "(a stream's whole life)")
                    .Register(*registry)) {}

  Method* Find(const std::string& path) {
    {
      std::shared_lock lock(mu);
      auto it = methods.find(path);
      if (it != methods.end()) return it->second.get();
    }
    const std::string label = MethodLabel(path);
    std::unique_lock lock(mu);
    auto [it, inserted] =
        methods.try_emplace(label == "other" ? "other" : path);
    if (inserted) {
      it->second = std::make_unique<Method>();
      it->second->latency = &latency.Add({{"method", label}}, LatencyBuckets());
    }
    return it->second.get();
  }

  prometheus::Family<prometheus::Counter>& count;
  prometheus::Family<prometheus::Histogram>& latency;
  std::shared_mutex mu;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods;
};

ServerMetrics::ServerMetrics(MetricSources sources)
    : call_registry_(std::make_shared<prometheus::Registry>()),
      state_(std::make_shared<StateCollector>(std::move(sources))) {
  calls_ = std::make_unique<Calls>(call_registry_.get());
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::ObserveCall(const std::string& method,
                                grpc::StatusCode code, double seconds) {
  Calls::Method* m = calls_->Find(method);
  const size_t i = std::min(static_cast<size_t>(code), kCodes - 1);
  prometheus::Counter* counter = m->codes[i].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the same series for the same labels: a race here
    // stores the same pointer twice.
    std::string label = MethodLabel(method);
    counter = &calls_->count.Add(
        {{"method", std::move(label)}, {"code", CodeName(code)}});
    m->codes[i].store(counter, std::memory_order_release);
  }
  counter->Increment();
  m->latency->Observe(seconds);
}

std::string ServerMetrics::Scrape() const {
  std::vector<MetricFamily> families = call_registry_->Collect();
  for (MetricFamily& f : state_->Collect()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

std::shared_ptr<prometheus::Collectable> ServerMetrics::calls() const {
  return call_registry_;
}
std::shared_ptr<prometheus::Collectable> ServerMetrics::state() const {
  return state_;
}

namespace {

// The ids a request names, for the request log: company_id, program_id,
// id, and the id of a company or program it carries.
std::string RequestIds(const google::protobuf::Message& m) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  std::string out;
  auto add = [&](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(key);
    out += '=';
    out += value.substr(0, 64);
  };
  for (const char* name : {"company_id", "program_id", "id"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name);
    if (f != nullptr && !f->is_repeated() &&
        f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      add(name, r->GetString(m, f));
    }
  }
  for (const char* name : {"company", "program"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr || f->is_repeated() ||
        f->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE ||
        !r->HasField(m, f)) {
      continue;
    }
    const google::protobuf::Message& inner = r->GetMessage(m, f);
    const google::protobuf::FieldDescriptor* id =
        inner.GetDescriptor()->FindFieldByName("id");
    if (id != nullptr && !id->is_repeated() &&
        id->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      add(std::string(name) + "_id",
          inner.GetReflection()->GetString(inner, id));
    }
  }
  return out;
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, ServerMetrics* metrics,
               const CallerGate* gate, bool log)
      : info_(info),
        metrics_(metrics),
        gate_(gate),
        log_(log),
        start_(std::chrono::steady_clock::now()) {}

  ~CallObserver() override {
    // A call that ended without a status sent (its client went away).
    if (!ended_) End(grpc::StatusCode::CANCELLED, /*with_context=*/false);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    using grpc::experimental::InterceptionHookPoints;
    if (log_ && ids_.empty() &&
        m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      ReadIds(m->GetRecvMessage());
    }
    if (!ended_ && m->QueryInterceptionHookPoint(
                       InterceptionHookPoints::PRE_SEND_STATUS)) {
      End(m->GetSendStatus().error_code(), /*with_context=*/true);
    }
    m->Proceed();
  }

 private:
  void ReadIds(void* message) {
    if (message == nullptr) return;
    const std::string_view method = info_->method();
    if (method == "/jiwon.v1.MatchService/Recommend") {
      // Recommend takes its request as bytes.
      grpc::Slice bytes;
      if (!static_cast<grpc::ByteBuffer*>(message)
               ->TrySingleSlice(&bytes)
               .ok() &&
          !static_cast<grpc::ByteBuffer*>(message)
               ->DumpToSingleSlice(&bytes)
               .ok()) {
        return;
      }
      v1::RecommendRequest req;
      if (req.ParseFromArray(bytes.begin(), static_cast<int>(bytes.size()))) {
        ids_ = RequestIds(req);
      }
      return;
    }
    if (method.find("/Import") != std::string_view::npos) return;  // bytes
    ids_ = RequestIds(*static_cast<const google::protobuf::Message*>(message));
  }

  // `with_context`: the call's ServerContext may still be read.
  void End(grpc::StatusCode code, bool with_context) {
    ended_ = true;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    const std::string method = info_->method();
    if (metrics_ != nullptr) metrics_->ObserveCall(method, code, seconds);
    if (!log_) return;
    std::string caller = "anonymous", peer;
    if (!with_context) {
      caller = "unknown";
    } else if (gate_ != nullptr) {
      const auto& md = info_->server_context()->client_metadata();
      std::string_view authorization;
      if (auto it = md.find("authorization"); it != md.end()) {
        authorization = std::string_view(it->second.data(), it->second.size());
      }
      std::optional<app::Caller> c = gate_->Identify(authorization);
      caller = c ? c->name : "unknown";
    }
    if (with_context) peer = info_->server_context()->peer();
    server::Log(server::LogLevel::kDebug, "call",
                {{"method", method},
                 {"caller", caller},
                 {"peer", peer},
                 {"code", CodeName(code)},
                 {"ms", seconds * 1000},
                 {"ids", ids_}});
  }

  grpc::experimental::ServerRpcInfo* info_;
  ServerMetrics* metrics_;
  const CallerGate* gate_;
  const bool log_;
  const std::chrono::steady_clock::time_point start_;
  bool ended_ = false;
  std::string ids_;
};

class CallObserverFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  CallObserverFactory(ServerMetrics* metrics, const CallerGate* gate)
      : metrics_(metrics), gate_(gate) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const bool log = server::LogEnabled(server::LogLevel::kDebug);
    if (metrics_ == nullptr && !log) return nullptr;
    return new CallObserver(info, metrics_, gate_, log);
  }

 private:
  ServerMetrics* metrics_;
  const CallerGate* gate_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallObserverFactory(ServerMetrics* metrics, const CallerGate* gate) {
  return std::make_unique<CallObserverFactory>(metrics, gate);
}

}  // namespace jiwon::rpc
