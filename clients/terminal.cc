#include "clients/terminal.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/table.h"

namespace jiwon::cli {

bool IsTerminal(int fd) { return isatty(fd) == 1; }

namespace {

// $`env` when it is a number from `low` to `high` (as shells set COLUMNS
// and LINES), else the terminal's own columns or rows, else `fallback`.
int TerminalSize(int fd, const char* env, bool rows, int low, int high,
                 int fallback) {
  if (const char* value = std::getenv(env); value != nullptr) {
    int n = 0;
    if (absl::SimpleAtoi(value, &n) && n >= low && n <= high) return n;
  }
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
    const int n = rows ? ws.ws_row : ws.ws_col;
    if (n >= low) return n;
  }
  return fallback;
}

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kColours[] = {"\x1b[32m", "\x1b[31m", "\x1b[33m"};
constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

bool colours_allowed = false;

}  // namespace

int TerminalWidth(int fd) {
  return TerminalSize(fd, "COLUMNS", false, 20, 1000, 80);
}

void SetColoursAllowed(bool allowed) { colours_allowed = allowed; }

std::string ForTerminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\x1b' && colours_allowed) {
      bool ours = false;
      for (std::string_view allowed :
           {kColours[0], kColours[1], kColours[2], kReset}) {
        if (s.substr(i, allowed.size()) == allowed) {
          out.append(allowed);
          i += allowed.size();
          ours = true;
          break;
        }
      }
      if (!ours) {
        out.append(kReplacement);
        ++i;
      }
      continue;
    }
    if (c == '\t' || c == '\r') {
      out.push_back(' ');
    } else if ((c < 0x20 && c != '\n') || c == 0x7f) {
      out.append(kReplacement);
    } else if (c == 0xc2 && i + 1 < s.size() &&
               static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      out.append(kReplacement);  // a C1 control: U+0080 to U+009F
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

std::string Coloured(Colour colour, std::string_view text) {
  std::string out(kColours[static_cast<int>(colour)]);
  out.append(text).append(kReset);
  return out;
}

// Holds what is written up to a newline or a flush, then passes it on
// through ForTerminal.
class TerminalFilter::Buffer : public std::streambuf {
 public:
  explicit Buffer(std::streambuf* out) : out_(out) {}
  ~Buffer() override { Drain(); }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
    pending_.push_back(traits_type::to_char_type(c));
    if (c == '\n') Drain();
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    pending_.append(s, static_cast<size_t>(n));
    // Only the new text is looked at, so that long lines written in many
    // pieces cost no more than short ones.
    if (std::string_view(s, static_cast<size_t>(n)).find('\n') !=
        std::string_view::npos) {
      Drain();
    }
    return n;
  }
  int sync() override {
    Drain();
    return out_->pubsync();
  }

 private:
  void Drain() {
    if (pending_.empty()) return;
    const std::string clean = ForTerminal(pending_);
    out_->sputn(clean.data(), static_cast<std::streamsize>(clean.size()));
    pending_.clear();
  }

  std::streambuf* out_;
  std::string pending_;
};

TerminalFilter::TerminalFilter(std::ostream& stream)
    : stream_(stream),
      saved_(stream.rdbuf()),
      buffer_(std::make_unique<Buffer>(saved_)) {
  stream_.rdbuf(buffer_.get());
}

TerminalFilter::~TerminalFilter() {
  stream_.flush();
  stream_.rdbuf(saved_);
}

int OutputWidth(int fd, int requested) {
  if (requested > 0) return requested;
  return IsTerminal(fd) ? TerminalWidth(fd) : 80;
}

int TerminalRows(int fd) {
  return TerminalSize(fd, "LINES", true, 2, 10000, 24);
}

bool UseColour(int fd, const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  return IsTerminal(fd) && (no_colour == nullptr || *no_colour == '\0');
}

Pager::Pager(bool enabled) : enabled_(enabled && IsTerminal(STDOUT_FILENO)) {
  if (enabled_) saved_ = std::cout.rdbuf(held_.rdbuf());
}

void Pager::Finish() {
  if (!enabled_) return;
  enabled_ = false;
  std::cout.rdbuf(saved_);
  const std::string text = ForTerminal(held_.str());
  const auto lines = std::count(text.begin(), text.end(), '\n');
  std::string command = "less";
  for (const char* name : {"JIWON_PAGER", "PAGER"}) {
    if (const char* value = std::getenv(name); value != nullptr) {
      command = value;
      break;
    }
  }
  // One line is the shell's prompt.
  if (lines < TerminalRows(STDOUT_FILENO) || command.empty() ||
      command == "cat") {
    std::cout << text << std::flush;
    return;
  }
  std::cout.flush();
  // less: quit when it fits after all (F), keep colours (R), leave the
  // screen as it was (X).
  setenv("LESS", "FRX", 0);
  // A pager quit before the end closes the pipe: that is no error. The
  // interrupt and quit keys are the pager's while it runs (both get them).
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction saved[3] = {};
  const int signals[3] = {SIGPIPE, SIGINT, SIGQUIT};
  for (int k = 0; k < 3; ++k) sigaction(signals[k], &ignore, &saved[k]);
  auto restore = [&] {
    for (int k = 0; k < 3; ++k) sigaction(signals[k], &saved[k], nullptr);
  };
  FILE* pipe = popen(command.c_str(), "w");
  if (pipe == nullptr) {
    restore();
    std::cout << text << std::flush;
    return;
  }
  // A short write is the pager quit before the end: nothing more to show.
  if (fwrite(text.data(), 1, text.size(), pipe) != text.size()) clearerr(pipe);
  const int status = pclose(pipe);
  restore();
  // A pager that could not run (the shell's 127) leaves the text unseen.
  if (status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == 127)) {
    std::cout << text << std::flush;
  }
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
