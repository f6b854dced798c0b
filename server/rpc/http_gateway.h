#ifndef JIWON_SERVER_RPC_HTTP_GATEWAY_H_
#define JIWON_SERVER_RPC_HTTP_GATEWAY_H_

// jiwon's unary methods as JSON over HTTP/1.1, for portals that cannot
// speak gRPC: each route is a method, the JSON is protobuf's canonical
// mapping, and a call goes to the same services through jiwond's in-process
// channel after the same door (tokens, roles, write rate). An error is
// answered with the HTTP status of its gRPC code and the google.rpc.Status
// (reason code, field violations) as the JSON body.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/rpc/auth.h"

namespace httplib {
class Server;
}

namespace jiwon::rpc {

struct HttpOptions {
  std::string listen;  // host:port; port 0 picks a free one
  // HTTPS with this certificate and key when set (jiwond sets them when it
  // serves gRPC over TLS), and client certificates from this CA.
  std::string tls_cert_path, tls_key_path, tls_client_ca_path;
  int threads = 8;
};

// The routes, for the README and the tests: method, path pattern, RPC.
struct HttpRoute {
  const char* http_method;
  const char* pattern;  // {field} stands for a path segment
  const char* rpc;      // "/jiwon.v1.CompanyService/GetCompany"
  // Where the JSON body goes: "" none, "*" the whole request, or the name
  // of the request's field.
  const char* body;
};
const std::vector<HttpRoute>& HttpRoutes();

class HttpGateway {
 public:
  // Listens and serves on a thread of its own. `channel` reaches the
  // services (jiwond's in-process channel); `gate` may be nullptr (no
  // door, as for gRPC).
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      const HttpOptions& options, std::shared_ptr<grpc::Channel> channel,
      std::shared_ptr<CallerGate> gate);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops listening and waits for the requests being served.
  void Stop();

 private:
  HttpGateway() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_HTTP_GATEWAY_H_
