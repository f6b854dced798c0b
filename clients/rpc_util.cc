#include "clients/rpc_util.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"

namespace jiwon::cli {

std::string ResolveAddress(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("JIWON_ADDR");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:50051";
}

int ReportRpcError(const char* program, const grpc::Status& s,
                   const std::string& address, double timeout_seconds) {
  std::string message;
  int code = kFailed;
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      message = absl::StrCat("cannot reach jiwond at ", address,
                             " (start it with `jiwond`, or point --addr or "
                             "JIWON_ADDR at a running one)");
      code = kUnreachable;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      message = absl::StrCat("jiwond at ", address, " did not answer within ",
                             timeout_seconds,
                             "s (raise --timeout, or check the server)");
      code = kUnreachable;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      message = absl::StrCat("rejected: ", s.error_message());
      break;
    case grpc::StatusCode::NOT_FOUND:
      message = s.error_message();
      break;
    default:
      message = absl::StrCat("jiwond error (", s.error_code(),
                             "): ", s.error_message());
  }
  std::cerr << program << ": " << message << "\n";
  return code;
}

}  // namespace jiwon::cli
