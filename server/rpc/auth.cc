#include "server/rpc/auth.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace jiwon::rpc {
namespace {

constexpr char kCallerProperty[] = "jiwon.caller";
constexpr char kRoleProperty[] = "jiwon.role";
constexpr char kScopeProperty[] = "jiwon.scope";

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

grpc::Status CallerGate::Process(const InputMetadata& auth_metadata,
                                 grpc::AuthContext* context,
                                 OutputMetadata* consumed_auth_metadata,
                                 OutputMetadata*) {
  std::string_view path;
  std::string_view authorization;
  bool has_authorization = false;
  for (const auto& [key, value] : auth_metadata) {
    if (key == ":path") {
      path = View(value);
    } else if (key == "authorization") {
      authorization = View(value);
      has_authorization = true;
    }
  }
  if (path.starts_with("/grpc.health.v1.Health/")) {
    return grpc::Status::OK;
  }
  std::shared_ptr<const app::TokenTable> tokens;
  {
    std::lock_guard lock(mu_);
    tokens = tokens_;
  }
  app::Caller anonymous{"anonymous", app::Role::kAdmin, {}};
  const app::Caller* caller = &anonymous;
  if (tokens != nullptr) {
    if (!has_authorization) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "authorization: missing; send the metadata "
                          "\"authorization: Bearer TOKEN\" (the CLI reads "
                          "TOKEN from JIWON_TOKEN or --token_file)");
    }
    if (!authorization.starts_with("Bearer ")) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "authorization: expected \"Bearer TOKEN\"");
    }
    caller = tokens->Find(authorization.substr(7));
    if (caller == nullptr) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          "authorization: the token is not known to this "
                          "server (revoked, mistyped, or for another one)");
    }
    consumed_auth_metadata->emplace("authorization",
                                    std::string(authorization));
  }
  const app::MethodRule* rule = app::FindMethod(path);
  if (rule == nullptr) {
    if (caller->role != app::Role::kAdmin) {
      return grpc::Status(
          grpc::StatusCode::PERMISSION_DENIED,
          absl::StrCat("role ", app::RoleName(caller->role), " may not call ",
                       std::string(path), ": not a method of the jiwon API"));
    }
  } else {
    if (!app::RoleMayCall(*rule, caller->role)) {
      return grpc::Status(
          grpc::StatusCode::PERMISSION_DENIED,
          absl::StrCat("role ", app::RoleName(caller->role), " (caller ",
                       caller->name, ") may not call ", std::string(path),
                       "; it is for: ", AllowedRoles(*rule)));
    }
    if ((rule->traits & app::kWrite) && !TakeWrite(caller->name)) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("caller ", caller->name, ": more than ",
                       max_writes_per_second_,
                       " writes a second (jiwond --max_writes_per_second); "
                       "retry after a moment"));
    }
  }
  context->AddProperty(kCallerProperty, caller->name);
  context->AddProperty(kRoleProperty, app::RoleName(caller->role));
  if (!caller->scope.empty()) {
    context->AddProperty(kScopeProperty, caller->scope.ToString());
  }
  return grpc::Status::OK;
}

CallerInfo CallerOf(const grpc::CallbackServerContext* ctx) {
  CallerInfo info;
  info.peer = ctx->peer();
  std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth == nullptr) return info;
  std::vector<grpc::string_ref> name =
      auth->FindPropertyValues(kCallerProperty);
  if (name.empty()) return info;
  info.name = std::string(View(name.front()));
  std::vector<grpc::string_ref> role = auth->FindPropertyValues(kRoleProperty);
  if (!role.empty()) {
    info.role =
        app::RoleFromName(View(role.front())).value_or(app::Role::kBatch);
  }
  for (const grpc::string_ref& scope :
       auth->FindPropertyValues(kScopeProperty)) {
    for (absl::string_view part :
         absl::StrSplit(absl::string_view(scope.data(), scope.size()), ',')) {
      if (absl::StartsWith(part, "region:")) {
        info.scope.regions.emplace_back(part.substr(7));
      }
    }
  }
  return info;
}

absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> StreamSlots::Acquire(
    const std::string& caller) {
  std::lock_guard lock(mu_);
  int& n = open_[caller];
  if (n >= max_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "caller ", caller, " already has ", n,
        " streams open, the most allowed (jiwond --max_streams_per_caller); "
        "close one first"));
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
