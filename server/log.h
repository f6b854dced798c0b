#ifndef JIWON_SERVER_LOG_H_
#define JIWON_SERVER_LOG_H_

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace jiwon::server {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

// "debug", "info", "warning" (or "warn"), "error"; INVALID_ARGUMENT naming
// the choices otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);
// "text" or "json".
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name);

// What is written from now on: lines below `level` are dropped. Set them
// once at start, before other threads log (INFO and text until then).
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
// Whether a line of `level` would be written: for lines that cost
// something to make.
bool LogEnabled(LogLevel level);

// One named value of a line. Numbers stay numbers in JSON.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, int64_t v)
      : key(k), value(std::to_string(v)), number(true) {}
  LogField(std::string_view k, int v) : LogField(k, int64_t{v}) {}
  LogField(std::string_view k, uint64_t v)
      : key(k), value(std::to_string(v)), number(true) {}
  LogField(std::string_view k, double v);

  std::string_view key;
  std::string value;
  bool number = false;
};

// Writes one line to stderr. Text: "2026-11-27T06:50:19.123Z INFO message
// key=value ..."; JSON: {"time":"...","level":"info","message":"...",
// "key":value,...}. Control characters in the message and the values are
// escaped (a caller's text cannot start a line of its own), and bytes that
// are not UTF-8 become U+FFFD in JSON. Thread-safe.
void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields = {});

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

// The line Log would write at `unix_millis`, without its newline: for tests.
std::string FormatLogLine(LogFormat format, int64_t unix_millis, LogLevel level,
                          std::string_view message,
                          std::initializer_list<LogField> fields);

}  // namespace jiwon::server

#endif  // JIWON_SERVER_LOG_H_
