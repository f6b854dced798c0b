#ifndef JIWON_TESTS_E2E_HTTP_SERVER_H_
#define JIWON_TESTS_E2E_HTTP_SERVER_H_

// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests that
// stand in for the public feeds: each GET is answered by a handler, one
// request per connection.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace jiwon::testing {

class HttpServer {
 public:
  struct Request {
    std::string path;
    std::map<std::string, std::string> query;  // values percent-decoded
  };
  struct Response {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  using Handler = std::function<Response(const Request&)>;

  explicit HttpServer(Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool ok() const { return fd_ >= 0; }
  // "http://127.0.0.1:PORT" + path.
  std::string Url(const std::string& path) const;
  // Every request answered so far, in order.
  std::vector<Request> requests() const;

 private:
  void Serve();
  void Answer(int client);

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_E2E_HTTP_SERVER_H_
