#ifndef JIWON_CLIENTS_RPC_UTIL_H_
#define JIWON_CLIENTS_RPC_UTIL_H_

// What the command line clients share: where jiwond is, exit codes, and
// one line for a failed call.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/usage_config.h"
#include "absl/status/statusor.h"

namespace jiwon::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;  // the server refused, or records were bad
inline constexpr int kUsageError = 2;
inline constexpr int kUnreachable = 3;

// `flag` when set, else $JIWON_ADDR, else 127.0.0.1:50051.
std::string ResolveAddress(const std::string& flag);

// How a client reaches jiwond, each from its flag or else its environment
// variable:
//   --tls_ca       JIWON_TLS_CA       PEM CA certificates: connect with TLS
//   --tls_cert     JIWON_TLS_CERT     PEM client certificate (mutual TLS)
//   --tls_key      JIWON_TLS_KEY      its private key
//   --token_file   JIWON_TOKEN_FILE   a file holding the bearer token
//                  JIWON_TOKEN        the token itself (never a flag: flags
//                                     show in `ps`)
// The flags are defined once, here, for every client.
struct ConnectOptions {
  std::string tls_ca, tls_cert, tls_key, token;
  // INVALID_ARGUMENT naming the flag or variable and the file.
  static absl::StatusOr<ConnectOptions> FromFlagsAndEnvironment();
};

// A channel to `address` with TLS when options name a CA, sending the
// token (when there is one) with every call.
std::shared_ptr<grpc::Channel> OpenChannel(const std::string& address,
                                           const ConnectOptions& options,
                                           grpc::ChannelArguments args = {});

// "gRPC 1.51.1, Protobuf 3.21.12": what a client was built with, for
// --version.
std::string ClientLibraries();

// absl::ParseCommandLine, but a flag that does not exist or a value that
// does not parse is a usage error: one line on stderr naming it ("jiwon:
// unknown flag --limt (run `jiwon --help` for the flags)") and exit code 2
// (absl's own parser exits 1). Sets `config` (the program's --version) with
// --help listing the flags of the clients' own files (by default absl lists
// only those of a file named as the program). Returns the positional
// arguments, the program first.
std::vector<char*> ParseCommandLineOrExit(const char* program,
                                          absl::FlagsUsageConfig config,
                                          int argc, char** argv);

// Prints one line to stderr, "PROGRAM: what went wrong (what to do)", and
// returns the exit code for it.
int ReportRpcError(const char* program, const grpc::Status& s,
                   const std::string& address, double timeout_seconds);

}  // namespace jiwon::cli

#endif  // JIWON_CLIENTS_RPC_UTIL_H_
