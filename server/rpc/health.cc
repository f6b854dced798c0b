#include "server/rpc/health.h"

namespace jiwon::rpc {

using grpc::health::v1::HealthCheckResponse;

// One Watch stream: writes the latest status it was told, then ends when
// told to.
class HealthService::Watcher
    : public grpc::ServerWriteReactor<HealthCheckResponse> {
 public:
  explicit Watcher(HealthService* owner) : owner_(owner) {}

  // REQUIRES: owner_->mu_ held (so that OnDone cannot run meanwhile).
  void Tell(Status status, bool then_end) {
    std::lock_guard lock(mu_);
    pending_ = status;
    end_ |= then_end;
    if (!writing_) WriteNext();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) {
      End(grpc::Status::CANCELLED);
      return;
    }
    WriteNext();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    End(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    owner_->Remove(this);
    delete this;
  }

 private:
  // REQUIRES: mu_ held, no write under way.
  void WriteNext() {
    if (finished_) return;
    if (pending_ != HealthCheckResponse::UNKNOWN) {
      message_.set_status(pending_);
      pending_ = HealthCheckResponse::UNKNOWN;
      writing_ = true;
      StartWrite(&message_);
      return;
    }
    if (end_)
      End(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                       "jiwond is shutting down"));
  }

  void End(const grpc::Status& s) {
    if (finished_ || writing_) {
      if (!finished_ && !s.ok()) end_ = true;
      return;
    }
    finished_ = true;
    Finish(s);
  }

  HealthService* owner_;
  // Recursive: gRPC may run a reaction on the thread that started it.
  std::recursive_mutex mu_;
  HealthCheckResponse message_;
  Status pending_ = HealthCheckResponse::UNKNOWN;
  bool writing_ = false;
  bool end_ = false;
  bool finished_ = false;
};

HealthService::HealthService(const std::vector<std::string>& services) {
  status_[""] = HealthCheckResponse::SERVING;
  for (const std::string& s : services) {
    status_[s] = HealthCheckResponse::SERVING;
  }
}

HealthService::~HealthService() = default;

HealthService::Status HealthService::StatusOf(
    const std::string& service) const {
  auto it = status_.find(service);
  return it == status_.end() ? HealthCheckResponse::SERVICE_UNKNOWN
                             : it->second;
}

void HealthService::Shutdown() {
  std::lock_guard lock(mu_);
  shut_down_ = true;
  for (auto& [name, status] : status_) {
    status = HealthCheckResponse::NOT_SERVING;
  }
  for (Watcher* w : watchers_) {
    w->Tell(HealthCheckResponse::NOT_SERVING, /*then_end=*/true);
  }
}

void HealthService::Remove(Watcher* w) {
  std::lock_guard lock(mu_);
  watchers_.erase(w);
}

grpc::ServerUnaryReactor* HealthService::Check(
    grpc::CallbackServerContext* ctx,
    const grpc::health::v1::HealthCheckRequest* req,
    HealthCheckResponse* resp) {
  Status status;
  {
    std::lock_guard lock(mu_);
    status = StatusOf(req->service());
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    reactor->Finish(grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        "service \"" + req->service() + "\" is not one of this server's"));
  } else {
    resp->set_status(status);
    reactor->Finish(grpc::Status::OK);
  }
  return reactor;
}

grpc::ServerWriteReactor<HealthCheckResponse>* HealthService::Watch(
    grpc::CallbackServerContext*,
    const grpc::health::v1::HealthCheckRequest* req) {
  auto* w = new Watcher(this);
  std::lock_guard lock(mu_);
  watchers_.insert(w);
  w->Tell(StatusOf(req->service()), shut_down_);
  return w;
}

}  // namespace jiwon::rpc
