#ifndef JIWON_SERVER_LOG_H_
#define JIWON_SERVER_LOG_H_

#include <atomic>
#include <cstdint>
#include <string_view>

namespace jiwon::server {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line to stderr: "2026-11-27T06:50:19.123Z INFO message".
// Thread-safe.
void Log(LogLevel level, std::string_view message);

// Lets at most one line a second through, the next one saying how many
// were left out meanwhile: for lines a caller can provoke at will.
// Thread-safe.
class LogLimiter {
 public:
  void Log(LogLevel level, std::string_view message);

 private:
  std::atomic<int64_t> last_second_{0};
  std::atomic<int64_t> dropped_{0};
};

}  // namespace jiwon::server

#endif  // JIWON_SERVER_LOG_H_
