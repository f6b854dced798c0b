#include "clients/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/table.h"

namespace jiwon::cli {

bool IsTerminal(int fd) { return isatty(fd) == 1; }

int TerminalWidth(int fd) {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    int n = 0;
    if (absl::SimpleAtoi(columns, &n) && n >= 20 && n <= 1000) return n;
  }
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

ProgressBar::ProgressBar(int fd) : fd_(fd) {}

std::string ProgressBar::Line(int width, int64_t done, int64_t total,
                              const std::string& figures) {
  // One column is left free: a terminal wraps when the last one is written.
  const int room = std::max(10, width - 1);
  const double fraction =
      total > 0
          ? std::clamp(static_cast<double>(done) / static_cast<double>(total),
                       0.0, 1.0)
          : 0;
  const std::string percent =
      total > 0 ? absl::StrCat(static_cast<int>(fraction * 100), "% ") : "";
  const std::string text = absl::StrCat(percent, figures);
  // The bar takes what the figures leave, 10 to 40 columns; without room
  // for 10, no bar.
  const int bar = std::min(40, room - DisplayWidth(text) - 3);
  std::string line;
  if (bar >= 10 && total > 0) {
    const int filled = static_cast<int>(fraction * bar);
    line =
        absl::StrCat("[", std::string(static_cast<size_t>(filled), '#'),
                     std::string(static_cast<size_t>(bar - filled), '.'), "] ");
  }
  absl::StrAppend(&line, Truncate(text, room - DisplayWidth(line)));
  return line;
}

void ProgressBar::Show(int64_t done, int64_t total,
                       const std::string& figures) {
  // At most ten redraws a second: a fast run would spend its time drawing.
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_ = now;
  const std::string out = absl::StrCat(
      "\r", Line(TerminalWidth(fd_), done, total, figures), "\x1b[K");
  if (write(fd_, out.data(), out.size()) < 0) return;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  drawn_ = false;
  if (write(fd_, "\n", 1) < 0) return;
}

}  // namespace jiwon::cli
