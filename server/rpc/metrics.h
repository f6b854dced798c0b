#ifndef JIWON_SERVER_RPC_METRICS_H_
#define JIWON_SERVER_RPC_METRICS_H_

// What jiwond tells an operator about itself: counters and latency of every
// call (kept as calls end), and the state of the catalog, the companies,
// the rescore runs, the alert feed, RocksDB and the process (read at each
// scrape). Served in Prometheus' text format by prometheus-cpp's exposer
// (jiwond --metrics_listen); the README lists every metric.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <vector>

#include "server/app/alerts.h"
#include "server/app/registry.h"
#include "server/app/rescore.h"
#include "server/rpc/auth.h"
#include "server/storage/store.h"

namespace prometheus {
class Registry;
class Collectable;
}  // namespace prometheus

namespace jiwon::rpc {

// What the state metrics are read from; each may be null (its metrics are
// then left out). They must outlive the ServerMetrics.
struct MetricSources {
  const app::Registry* registry = nullptr;
  const app::Rescorer* rescorer = nullptr;
  const app::AlertLog* alerts = nullptr;
  const app::AlertConsumers* consumers = nullptr;
  const storage::Store* store = nullptr;
  const CallerGate* gate = nullptr;
  std::string version;
  std::string commit;
  std::string build_type;
};

class ServerMetrics {
 public:
  explicit ServerMetrics(MetricSources sources);
  ~ServerMetrics();

  // Counts every call of `method` ("/jiwon.v1.X/Y") ended with `code`,
  // taking `seconds`. Thread-safe.
  void ObserveCall(const std::string& method, grpc::StatusCode code,
                   double seconds);

  // Every metric, in Prometheus' text format: what a scrape reads.
  std::string Scrape() const;

  // For prometheus::Exposer::RegisterCollectable.
  std::shared_ptr<prometheus::Collectable> calls() const;
  std::shared_ptr<prometheus::Collectable> state() const;

 private:
  struct Calls;
  std::unique_ptr<Calls> calls_;
  std::shared_ptr<prometheus::Registry> call_registry_;
  std::shared_ptr<prometheus::Collectable> state_;
};

// Observes every call for `metrics` (when not null) and, when the log is at
// debug level, writes a request line for it: method, caller, code,
// duration, and the company or program the request names. When neither is
// wanted it adds no work to a call. For ServerBuilder::experimental().
// SetInterceptorCreators; `metrics` and `gate` must outlive the server.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallObserverFactory(ServerMetrics* metrics, const CallerGate* gate);

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_METRICS_H_
