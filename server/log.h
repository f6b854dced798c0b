#ifndef JIWON_SERVER_LOG_H_
#define JIWON_SERVER_LOG_H_

#include <string_view>

namespace jiwon::server {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line to stderr: "2026-11-27T06:50:19.123Z INFO message".
// Thread-safe.
void Log(LogLevel level, std::string_view message);

}  // namespace jiwon::server

#endif  // JIWON_SERVER_LOG_H_
