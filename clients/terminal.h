#ifndef JIWON_CLIENTS_TERMINAL_H_
#define JIWON_CLIENTS_TERMINAL_H_

// The terminal a client writes to: its width, and a progress bar that
// redraws one line in place.

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>

namespace jiwon::cli {

// Whether `fd` is a terminal.
bool IsTerminal(int fd);

// Columns to lay out for on `fd`: $COLUMNS when it is a number (as shells
// set it), else the terminal's own width, else 80.
int TerminalWidth(int fd);

// Columns to lay a command's output out for: `requested` when positive
// (--width), else the terminal's width when `fd` is one, else 80.
int OutputWidth(int fd, int requested);

// Lines of the terminal on `fd`: $LINES when it is a number, else the
// terminal's own height, else 24.
int TerminalRows(int fd);

// Whether ✓ ✗ ? may be coloured on `fd`: "always", "never", or "auto" (a
// terminal, and NO_COLOR unset or empty).
bool UseColour(int fd, const std::string& mode);

// `text` safe to show on a terminal: text from a feed or a caller must not
// drive the caseworker's terminal (move the cursor, clear the screen,
// retitle the window, overprint a line). A tab or carriage return becomes
// a space; every other control character — C0, DEL, C1 (U+0080–U+009F) and
// ESC — becomes U+FFFD, except the colour sequences of Coloured() while
// colours are allowed (SetColoursAllowed; off at first). Malformed UTF-8 is
// left as it is. Idempotent.
std::string ForTerminal(std::string_view text);
void SetColoursAllowed(bool allowed);

// `text` in green, red or yellow (the only escape sequences ForTerminal
// lets through).
enum class Colour { kGreen, kRed, kYellow };
std::string Coloured(Colour colour, std::string_view text);

// While alive, what `stream` (std::cout, std::cerr) writes goes through
// ForTerminal, a line (or a flush) at a time.
class TerminalFilter {
 public:
  explicit TerminalFilter(std::ostream& stream);
  ~TerminalFilter();
  TerminalFilter(const TerminalFilter&) = delete;
  TerminalFilter& operator=(const TerminalFilter&) = delete;

 private:
  class Buffer;
  std::ostream& stream_;
  std::streambuf* saved_;
  std::unique_ptr<Buffer> buffer_;
};

// A command's output held back while the command runs, then shown as git
// does: through a pager ($JIWON_PAGER, else $PAGER, else "less", with
// LESS=FRX unless LESS is set) when stdout is a terminal and the output is
// taller than the screen, straight to stdout otherwise. An empty pager or
// "cat" means none. While it is alive, std::cout writes to it.
class Pager {
 public:
  // Holds std::cout back when `enabled` and stdout is a terminal;
  // otherwise does nothing, and output streams as it is written.
  explicit Pager(bool enabled);
  ~Pager() { Finish(); }
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  // Shows what was held back (once).
  void Finish();

 private:
  bool enabled_;
  std::ostringstream held_;
  std::streambuf* saved_ = nullptr;
};

// One line redrawn in place on a terminal ("\r", the line, then erase to
// its end), never wider than the terminal, so that a redraw never wraps
// into a new line: a bar that shrinks to leave room for the figures, which
// are cut when even they do not fit. Finish() ends the line.
class ProgressBar {
 public:
  explicit ProgressBar(int fd);
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // `done` of `total` (0: unknown), and what to say after the bar.
  void Show(int64_t done, int64_t total, const std::string& figures);
  // Ends the line (the next output starts on a line of its own).
  void Finish();

  // The line Show draws at `width` columns, without "\r": for tests.
  static std::string Line(int width, int64_t done, int64_t total,
                          const std::string& figures);

 private:
  int fd_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace jiwon::cli

#endif  // JIWON_CLIENTS_TERMINAL_H_
