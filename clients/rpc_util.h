#ifndef JIWON_CLIENTS_RPC_UTIL_H_
#define JIWON_CLIENTS_RPC_UTIL_H_

// What the command line clients share: where jiwond is, exit codes, and
// one line for a failed call.

#include <grpcpp/grpcpp.h>

#include <string>

namespace jiwon::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;  // the server refused, or records were bad
inline constexpr int kUsageError = 2;
inline constexpr int kUnreachable = 3;

// `flag` when set, else $JIWON_ADDR, else 127.0.0.1:50051.
std::string ResolveAddress(const std::string& flag);

// Prints one line to stderr, "PROGRAM: what went wrong (what to do)", and
// returns the exit code for it.
int ReportRpcError(const char* program, const grpc::Status& s,
                   const std::string& address, double timeout_seconds);

}  // namespace jiwon::cli

#endif  // JIWON_CLIENTS_RPC_UTIL_H_
