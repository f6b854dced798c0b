#include "server/rpc/auth.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/errors.h"
#include "server/log.h"

namespace jiwon::rpc {
namespace {

std::string_view View(grpc::string_ref s) { return {s.data(), s.size()}; }

std::string AllowedRoles(const app::MethodRule& rule) {
  std::vector<std::string> names;
  for (app::Role r : app::kRoles) {
    if (app::RoleMayCall(rule, r)) names.push_back(app::RoleName(r));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

CallerGate::CallerGate(std::shared_ptr<const app::TokenTable> tokens,
                       int max_writes_per_second)
    : max_writes_per_second_(max_writes_per_second),
      tokens_(std::move(tokens)) {}

void CallerGate::Reload(std::shared_ptr<const app::TokenTable> tokens) {
  std::lock_guard lock(mu_);
  tokens_ = std::move(tokens);
}

bool CallerGate::TakeWrite(const std::string& caller) {
  if (max_writes_per_second_ <= 0) return true;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(caller);
  Bucket& b = it->second;
  const double rate = max_writes_per_second_;
  if (fresh) {
    b.tokens = rate;  // a second's worth to begin with
  } else {
    b.tokens = std::min(rate, b.tokens + (now - b.last_ns) * 1e-9 * rate);
  }
  b.last_ns = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

std::optional<app::Caller> CallerGate::Identify(
    std::string_view authorization) const {
  std::shared_ptr<const app::TokenTable> tokens;
  {
    std::lock_guard lock(mu_);
    tokens = tokens_;
  }
  if (tokens == nullptr) return app::Caller{"anonymous", app::Role::kAdmin, {}};
  if (!authorization.starts_with("Bearer ")) return std::nullopt;
  const app::Caller* caller = tokens->Find(authorization.substr(7));
  if (caller == nullptr) return std::nullopt;
  return *caller;
}

namespace {

// A call refused before it reaches a handler. gRPC's auth hook sends a
// code and a message only (no trailers, so no google.rpc.Status details):
// the reason code leads the message, in brackets, for clients to read.
grpc::Status Refusal(grpc::StatusCode code, std::string_view reason,
                     std::string_view message) {
  return grpc::Status(
      code, absl::StrCat("[", std::string(reason), "] ", std::string(message)));
}

}  // namespace

grpc::Status CallerGate::Process(const InputMetadata& auth_metadata,
                                 grpc::AuthContext* context,
                                 OutputMetadata* consumed,
                                 OutputMetadata* response) {
  grpc::Status s = Admit(auth_metadata, context, consumed, response);
  if (!s.ok()) {
    // Refusals are worth knowing of, but a caller can make them at will.
    static server::LogLimiter* limiter = new server::LogLimiter();
    limiter->Log(server::LogLevel::kWarning,
                 absl::StrCat("refused a call: ", s.error_message()));
  }
  return s;
}

grpc::Status CallerGate::Admit(const InputMetadata& auth_metadata,
                               grpc::AuthContext*, OutputMetadata*,
                               OutputMetadata*) {
  std::string_view path;
  std::optional<std::string_view> authorization;
  for (const auto& [key, value] : auth_metadata) {
    if (key == ":path") {
      path = View(value);
    } else if (key == "authorization") {
      authorization = View(value);
    }
  }
  return Check(path, authorization);
}

grpc::Status CallerGate::Check(std::string_view path,
                               std::optional<std::string_view> authorization) {
  grpc::Status s = Decide(path, authorization);
  if (!s.ok()) {
    refusals_[std::min<size_t>(static_cast<size_t>(s.error_code()), kCodes - 1)]
        .fetch_add(1, std::memory_order_relaxed);
  }
  return s;
}

std::vector<std::pair<grpc::StatusCode, uint64_t>> CallerGate::refusals()
    const {
  std::vector<std::pair<grpc::StatusCode, uint64_t>> out;
  for (size_t i = 0; i < kCodes; ++i) {
    if (const uint64_t n = refusals_[i].load(); n > 0) {
      out.emplace_back(static_cast<grpc::StatusCode>(i), n);
    }
  }
  return out;
}

grpc::Status CallerGate::Decide(
    std::string_view path, std::optional<std::string_view> authorization_or) {
  const bool has_authorization = authorization_or.has_value();
  const std::string_view authorization = authorization_or.value_or("");
  if (path.starts_with("/grpc.health.v1.Health/")) {
    return grpc::Status::OK;
  }
  bool with_tokens;
  {
    std::lock_guard lock(mu_);
    with_tokens = tokens_ != nullptr;
  }
  if (with_tokens && !has_authorization) {
    return Refusal(grpc::StatusCode::UNAUTHENTICATED,
                   engine::reason::kTokenMissing,
                   "authorization: missing; send the metadata "
                   "\"authorization: Bearer TOKEN\" (the CLI reads "
                   "TOKEN from JIWON_TOKEN or --token_file)");
  }
  if (with_tokens && !authorization.starts_with("Bearer ")) {
    return Refusal(grpc::StatusCode::UNAUTHENTICATED,
                   engine::reason::kTokenInvalid,
                   "authorization: expected \"Bearer TOKEN\"");
  }
  const std::optional<app::Caller> caller = Identify(authorization);
  if (!caller) {
    return Refusal(grpc::StatusCode::UNAUTHENTICATED,
                   engine::reason::kTokenInvalid,
                   "authorization: the token is not known to this "
                   "server (revoked, mistyped, or for another one)");
  }
  const app::MethodRule* rule = app::FindMethod(path);
  if (rule == nullptr) {
    if (caller->role != app::Role::kAdmin) {
      return Refusal(
          grpc::StatusCode::PERMISSION_DENIED, engine::reason::kRoleNotAllowed,
          absl::StrCat("role ", app::RoleName(caller->role), " may not call ",
                       std::string(path), ": not a method of the jiwon API"));
    }
    return grpc::Status::OK;
  }
  if (!app::RoleMayCall(*rule, caller->role)) {
    return Refusal(
        grpc::StatusCode::PERMISSION_DENIED, engine::reason::kRoleNotAllowed,
        absl::StrCat("role ", app::RoleName(caller->role), " (caller ",
                     caller->name, ") may not call ", std::string(path),
                     "; it is for: ", AllowedRoles(*rule)));
  }
  if ((rule->traits & app::kWrite) && !TakeWrite(caller->name)) {
    return Refusal(
        grpc::StatusCode::RESOURCE_EXHAUSTED, engine::reason::kRateLimited,
        absl::StrCat("caller ", caller->name, ": more than ",
                     max_writes_per_second_,
                     " writes a second (jiwond --max_writes_per_second); "
                     "retry after a moment"));
  }
  return grpc::Status::OK;
}

CallerInfo CallerOf(const grpc::CallbackServerContext* ctx,
                    const CallerGate* gate) {
  CallerInfo info;
  if (gate == nullptr) return info;
  std::string_view authorization;
  const auto& metadata = ctx->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization = View(it->second);
  }
  std::optional<app::Caller> caller = gate->Identify(authorization);
  if (!caller) {
    info.name = "revoked";
    info.role = app::Role::kPortal;
    info.scope.regions = {"revoked"};  // no region code starts so
    return info;
  }
  info.name = std::move(caller->name);
  info.role = caller->role;
  info.scope = std::move(caller->scope);
  return info;
}

absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> StreamSlots::Acquire(
    const std::string& caller) {
  std::lock_guard lock(mu_);
  int& n = open_[caller];
  if (n >= max_) {
    return engine::WithReason(
        absl::ResourceExhaustedError(
            absl::StrCat("caller ", caller, " already has ", n,
                         " streams open, the most allowed (jiwond "
                         "--max_streams_per_caller); close one first")),
        engine::reason::kTooManyStreams);
  }
  ++n;
  ++total_;
  return std::make_unique<Slot>(this, caller);
}

void StreamSlots::Release(const std::string& caller) {
  std::lock_guard lock(mu_);
  auto it = open_.find(caller);
  if (it == open_.end()) return;
  --total_;
  if (--it->second == 0) open_.erase(it);
}

int StreamSlots::open() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace jiwon::rpc
