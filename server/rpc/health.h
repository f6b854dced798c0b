#ifndef JIWON_SERVER_RPC_HEALTH_H_
#define JIWON_SERVER_RPC_HEALTH_H_

// The standard health service (grpc.health.v1.Health), per service and for
// the whole server (""), whose Watch streams end when the server goes down
// instead of holding its shutdown's grace period.

#include <grpcpp/grpcpp.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"

namespace jiwon::rpc {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  // `services` and "" start SERVING.
  explicit HealthService(const std::vector<std::string>& services);
  ~HealthService() override;

  // Every service and "" NOT_SERVING; each Watch is told, then ended.
  // Later Watch calls are told NOT_SERVING and ended at once.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* ctx,
      const grpc::health::v1::HealthCheckRequest* req,
      grpc::health::v1::HealthCheckResponse* resp) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* ctx,
      const grpc::health::v1::HealthCheckRequest* req) override;

 private:
  class Watcher;
  friend class Watcher;

  Status StatusOf(const std::string& service) const;  // REQUIRES: mu_ held
  void Remove(Watcher* w);

  mutable std::mutex mu_;
  std::map<std::string, Status> status_;
  std::set<Watcher*> watchers_;
  bool shut_down_ = false;
};

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_HEALTH_H_
