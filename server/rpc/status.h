#ifndef JIWON_SERVER_RPC_STATUS_H_
#define JIWON_SERVER_RPC_STATUS_H_

// Errors as gRPC sends them: the code, an English message, and the
// google.rpc.Status details in the grpc-status-details-bin trailer.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace jiwon::rpc {

// The ErrorInfo domain of every jiwon reason code.
inline constexpr std::string_view kErrorDomain = "jiwon.v1";

// The google.rpc.Status of a failed `status`: an ErrorInfo with its reason
// code (the one it carries, else the code's default), and for
// INVALID_ARGUMENT a BadRequest with one violation per field problem, each
// in English and in Korean. A storage failure's details (paths, RocksDB's
// words) are logged, not sent.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The same, as gRPC sends it.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_STATUS_H_
