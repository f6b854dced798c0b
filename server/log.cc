#include "server/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace jiwon::server {

void Log(LogLevel level, std::string_view message) {
  static std::mutex mu;
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const int millis =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                           now.time_since_epoch())
                           .count() %
                       1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const char* name = level == LogLevel::kInfo      ? "INFO"
                     : level == LogLevel::kWarning ? "WARN"
                                                   : "ERROR";
  std::lock_guard lock(mu);
  std::fprintf(stderr, "%s.%03dZ %s %.*s\n", stamp, millis, name,
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

void LogLimiter::Log(LogLevel level, std::string_view message) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_second_.load();
  if (now == last || !last_second_.compare_exchange_strong(last, now)) {
    dropped_.fetch_add(1);
    return;
  }
  const int64_t left_out = dropped_.exchange(0);
  if (left_out == 0) {
    server::Log(level, message);
    return;
  }
  std::string line(message);
  line += " (";
  line += std::to_string(left_out);
  line += " more such lines left out)";
  server::Log(level, line);
}

}  // namespace jiwon::server
