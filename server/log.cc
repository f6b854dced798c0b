#include "server/log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace jiwon::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};

const char* LevelName(LogLevel level, LogFormat format) {
  const bool json = format == LogFormat::kJson;
  switch (level) {
    case LogLevel::kDebug:
      return json ? "debug" : "DEBUG";
    case LogLevel::kInfo:
      return json ? "info" : "INFO";
    case LogLevel::kWarning:
      return json ? "warning" : "WARN";
    case LogLevel::kError:
      break;
  }
  return json ? "error" : "ERROR";
}

// The length of the UTF-8 sequence at s[i], or 0 when it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Appends `s` with control characters escaped; in JSON also quotes and
// backslashes, and bytes that are not UTF-8 as U+FFFD.
void AppendEscaped(std::string* out, std::string_view s, bool json) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      switch (c) {
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          if (json) {
            absl::StrAppendFormat(out, "\\u%04x", c);
          } else {
            absl::StrAppendFormat(out, "\\x%02x", c);
          }
      }
      ++i;
      continue;
    }
    if (json && (c == '"' || c == '\\')) {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t n = Utf8Length(s, i);
    if (n == 0) {
      *out += json ? "\\ufffd" : absl::StrFormat("\\x%02x", c);
      ++i;
      continue;
    }
    out->append(s.substr(i, n));
    i += n;
  }
}

// A text value needs quotes when it is empty or holds a space, a quote or
// an equals sign.
bool NeedsQuotes(std::string_view v) {
  return v.empty() || v.find_first_of(" \"=") != std::string_view::npos;
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), number(true) {
  if (!std::isfinite(v)) {
    value = "null";
    return;
  }
  value = absl::StrFormat("%.6g", v);
}

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  const std::string n =
      absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  if (n == "debug") return LogLevel::kDebug;
  if (n == "info") return LogLevel::kInfo;
  if (n == "warning" || n == "warn") return LogLevel::kWarning;
  if (n == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(absl::StrCat(
      "--log_level: \"", n, "\" is not one of debug, info, warning, error"));
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat(
      "--log_format: \"", std::string(name), "\" is not text or json"));
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
void SetLogFormat(LogFormat format) {
  g_format.store(static_cast<int>(format));
}
bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::string FormatLogLine(LogFormat format, int64_t unix_millis, LogLevel level,
                          std::string_view message,
                          std::initializer_list<LogField> fields) {
  const std::time_t secs = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const std::string time =
      absl::StrFormat("%s.%03dZ", stamp, static_cast<int>(unix_millis % 1000));
  std::string line;
  line.reserve(64 + message.size());
  if (format == LogFormat::kJson) {
    absl::StrAppend(&line, "{\"time\":\"", time, "\",\"level\":\"",
                    LevelName(level, format), "\",\"message\":\"");
    AppendEscaped(&line, message, true);
    line += '"';
    for (const LogField& f : fields) {
      line += ",\"";
      AppendEscaped(&line, f.key, true);
      line += "\":";
      if (f.number) {
        line += f.value;
      } else {
        line += '"';
        AppendEscaped(&line, f.value, true);
        line += '"';
      }
    }
    line += '}';
    return line;
  }
  absl::StrAppend(&line, time, " ", LevelName(level, format), " ");
  AppendEscaped(&line, message, false);
  for (const LogField& f : fields) {
    line += ' ';
    AppendEscaped(&line, f.key, false);
    line += '=';
    if (!f.number && NeedsQuotes(f.value)) {
      line += '"';
      std::string escaped;
      AppendEscaped(&escaped, f.value, false);
      for (char c : escaped) {
        if (c == '"') line += '\\';
        line += c;
      }
      line += '"';
    } else {
      AppendEscaped(&line, f.value, false);
    }
  }
  return line;
}

void Log(LogLevel level, std::string_view message,
         std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  static std::mutex mu;
  const int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::string line = FormatLogLine(static_cast<LogFormat>(g_format.load()),
                                   millis, level, message, fields);
  line += '\n';
  std::lock_guard lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void LogLimiter::Log(LogLevel level, std::string_view message) {
  if (!LogEnabled(level)) return;
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
  server::Log(level, message, {{"left_out", left_out}});
}

}  // namespace jiwon::server
