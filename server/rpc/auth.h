#ifndef JIWON_SERVER_RPC_AUTH_H_
#define JIWON_SERVER_RPC_AUTH_H_

// The door: who is calling (a bearer token from the token file), whether
// the caller's role may call the method (app/auth.h's table), how fast it
// may write and how many streams it may hold open.

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/app/auth.h"

namespace jiwon::rpc {

// Runs for every call before its handler, on gRPC's transport thread (it
// does not block): a call it refuses never reaches a handler. Missing or
// unknown token: UNAUTHENTICATED; a role not allowed the method:
// PERMISSION_DENIED naming both; a write past the caller's rate:
// RESOURCE_EXHAUSTED. The health service is open to anyone. Handlers that
// need the caller (scopes, access records, stream caps) find it again with
// CallerOf: gRPC shares one AuthContext among a connection's calls, so
// nothing per call may be added to it.
//
// Without a token table every caller is "anonymous" with the admin role
// (jiwond allows that on loopback only).
class CallerGate final : public grpc::AuthMetadataProcessor {
 public:
  // `max_writes_per_second` 0: no limit.
  CallerGate(std::shared_ptr<const app::TokenTable> tokens,
             int max_writes_per_second);

  // Replaces the token table (on SIGHUP): calls that begin after it see the
  // new one; calls already admitted go on.
  void Reload(std::shared_ptr<const app::TokenTable> tokens);

  // The caller whose "authorization" metadata this is ("Bearer TOKEN"),
  // or nullopt; an anonymous admin when there is no token table.
  std::optional<app::Caller> Identify(std::string_view authorization) const;

  // Whether a call of `method` ("/jiwon.v1.X/Y") with this "authorization"
  // (nullopt: none sent) may go on: what Process decides, for callers that
  // reach the services another way (the HTTP gateway).
  grpc::Status Check(std::string_view method,
                     std::optional<std::string_view> authorization);

  // The calls refused so far, by code (codes never used are left out).
  std::vector<std::pair<grpc::StatusCode, uint64_t>> refusals() const;

  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  // Process without the log line of a refusal.
  grpc::Status Admit(const InputMetadata& auth_metadata,
                     grpc::AuthContext* context,
                     OutputMetadata* consumed_auth_metadata,
                     OutputMetadata* response_metadata);
  // Check, uncounted.
  grpc::Status Decide(std::string_view method,
                      std::optional<std::string_view> authorization);
  // Whether `caller` may write once more now; a token bucket a caller.
  bool TakeWrite(const std::string& caller);

  const int max_writes_per_second_;
  mutable std::mutex mu_;
  std::shared_ptr<const app::TokenTable> tokens_;  // null: no tokens
  struct Bucket {
    double tokens = 0;
    int64_t last_ns = 0;
  };
  absl::flat_hash_map<std::string, Bucket> buckets_;
  static constexpr size_t kCodes = 17;  // grpc::StatusCode 0-16
  std::atomic<uint64_t> refusals_[kCodes] = {};
};

// Who is calling, from the call's token as `gate` knows it now; an
// anonymous admin without a gate or a token table. A token revoked after
// the gate let its call in gives a caller whose scope admits no company.
struct CallerInfo {
  std::string name = "anonymous";
  app::Role role = app::Role::kAdmin;
  app::Scope scope;
};
CallerInfo CallerOf(const grpc::CallbackServerContext* ctx,
                    const CallerGate* gate);

// The open server streams of each caller, at most `max_per_caller`.
class StreamSlots {
 public:
  explicit StreamSlots(int max_per_caller) : max_(max_per_caller) {}

  // Held for the life of one stream.
  class Slot {
   public:
    Slot(StreamSlots* owner, std::string caller)
        : owner_(owner), caller_(std::move(caller)) {}
    ~Slot() { owner_->Release(caller_); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    StreamSlots* owner_;
    std::string caller_;
  };
  // A slot, or RESOURCE_EXHAUSTED when the caller holds `max_per_caller`.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(const std::string& caller);
  int open() const;

 private:
  void Release(const std::string& caller);

  const int max_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, int> open_;
  int total_ = 0;
};

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_AUTH_H_
