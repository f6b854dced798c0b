// jiwon-rescore: the nightly batch job. It starts a rescore of every company
// (or of one shard) inside jiwond, which owns the database, and watches it:
// a progress bar on a terminal, a plain line every few seconds otherwise,
// and a summary at the end. Stopping it (Ctrl-C, kill, a lost connection)
// stops the run at its next checkpoint; running it again resumes there.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "build_info.h"
#include "clients/rpc_util.h"
#include "clients/terminal.h"
#include "google/protobuf/util/json_util.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"

ABSL_FLAG(std::string, addr, "",
          "jiwond address (default: $JIWON_ADDR, else 127.0.0.1:50051)");
ABSL_FLAG(std::string, shard, "0/1",
          "I/N: rescore the companies of shard I of N (a fixed hash of the "
          "company id), e.g. one Kubernetes Indexed Job pod per shard");
ABSL_FLAG(std::string, as_of, "",
          "evaluation date YYYY-MM-DD (default: today in Korea); a resumed "
          "run keeps its own");
ABSL_FLAG(bool, restart, false,
          "discard an unfinished run of the shard instead of resuming it");
ABSL_FLAG(int, checkpoint, 0,
          "companies per checkpoint (default: the server's, 131072)");
ABSL_FLAG(bool, json, false, "print the summary as one JSON object");
ABSL_FLAG(std::string, progress, "auto",
          "auto (a bar on a terminal, lines otherwise), bar, lines or none");
ABSL_FLAG(int, progress_seconds, 10, "seconds between progress lines");

namespace jiwon::cli {
namespace {

constexpr const char* kUsage =
    R"(rescore every company against the catalog, store the
results and make the alert feed (newly eligible, no longer eligible, closing
soon), inside jiwond. Interrupted runs resume from their last checkpoint.

  jiwon-rescore [--shard I/N] [--as_of YYYY-MM-DD] [--json]

Exit codes: 0 done, 1 failed or stopped, 2 usage, 3 jiwond unreachable.)";

std::atomic<bool> interrupted{false};

void OnSignal(int) { interrupted = true; }

std::string Grouped(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Duration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600)
    return absl::StrCat(s / 60, "m", s % 60 < 10 ? "0" : "", s % 60, "s");
  return absl::StrCat(s / 3600, "h", (s % 3600) / 60 < 10 ? "0" : "",
                      (s % 3600) / 60, "m");
}

struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;
};

Shard ParseShard(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  Shard s;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &s.index) ||
      !absl::SimpleAtoi(parts[1], &s.count) || s.count == 0 ||
      s.index >= s.count) {
    std::cerr << "jiwon-rescore: --shard: want I/N with 0 <= I < N, got \""
              << text << "\"\n";
    std::exit(kUsageError);
  }
  return s;
}

class Progress {
 public:
  enum class Mode { kBar, kLines, kNone };

  static Mode ModeFor(const std::string& flag) {
    if (flag == "bar") return Mode::kBar;
    if (flag == "lines") return Mode::kLines;
    if (flag == "none") return Mode::kNone;
    if (flag != "auto") {
      std::cerr << "jiwon-rescore: --progress: want auto, bar, lines or none, "
                   "got \""
                << flag << "\"\n";
      std::exit(kUsageError);
    }
    return IsTerminal(STDERR_FILENO) ? Mode::kBar : Mode::kLines;
  }

  explicit Progress(Mode mode) : mode_(mode) {}

  void Show(const v1::RescoreProgress& p) {
    const int64_t left = p.companies_total() - p.companies_done();
    const double eta =
        p.companies_per_second() > 0 ? left / p.companies_per_second() : -1;
    const std::string figures = absl::StrCat(
        Grouped(p.companies_done()), "/", Grouped(p.companies_total()),
        " companies, ", Grouped(static_cast<int64_t>(p.companies_per_second())),
        "/s, ETA ", Duration(eta));
    if (mode_ == Mode::kBar) {
      // One line redrawn in place, as wide as the terminal at most.
      bar_.Show(p.companies_done(), p.companies_total(), figures);
    } else if (mode_ == Mode::kLines) {
      const auto now = std::chrono::steady_clock::now();
      if (printed_ && now - last_ < std::chrono::seconds(absl::GetFlag(
                                        FLAGS_progress_seconds))) {
        return;
      }
      printed_ = true;
      last_ = now;
      std::cerr << "jiwon-rescore: " << p.run_id() << ": " << figures
                << (p.resumed_from() > 0
                        ? absl::StrCat(" (resumed after ",
                                       Grouped(p.resumed_from()), ")")
                        : "")
                << "\n";
    }
  }

  void End() { bar_.Finish(); }

 private:
  Mode mode_;
  ProgressBar bar_{STDERR_FILENO};
  bool printed_ = false;
  std::chrono::steady_clock::time_point last_;
};

void PrintSummary(const v1::RescoreSummary& s) {
  std::cout << "rescore " << s.run_id() << " done: " << Grouped(s.companies())
            << " companies in " << absl::StrFormat("%.2f", s.seconds())
            << " s, as of " << s.as_of() << ", catalog version "
            << s.catalog_version() << "\n";
  if (s.resumed_from() > 0) {
    std::cout << "  resumed after " << Grouped(s.resumed_from())
              << " companies done by an interrupted run\n";
  }
  std::cout << "  eligible pairs      " << Grouped(s.eligible_pairs()) << "\n"
            << "  undetermined pairs  " << Grouped(s.undetermined_pairs())
            << "\n"
            << "  new alerts          "
            << Grouped(s.newly_eligible_alerts() +
                       s.no_longer_eligible_alerts() + s.closing_soon_alerts())
            << " (newly eligible " << Grouped(s.newly_eligible_alerts())
            << ", no longer eligible " << Grouped(s.no_longer_eligible_alerts())
            << ", closing soon " << Grouped(s.closing_soon_alerts()) << ")\n";
  if (!s.first_alert_id().empty()) {
    std::cout << "  alert ids           " << s.first_alert_id() << "-"
              << s.last_alert_id() << "\n";
  }
  if (s.phases_size() > 0) {
    std::cout << "  slowest phase       " << s.phases(0).name() << " ("
              << absl::StrFormat("%.2f", s.phases(0).seconds())
              << " s, summed over threads)\n";
  }
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig config;
  config.version_string = [] {
    return VersionText("jiwon-rescore", cli::ClientLibraries()) + "\n";
  };
  std::vector<char*> rest =
      jiwon::cli::ParseCommandLineOrExit("jiwon-rescore", config, argc, argv);
  if (rest.size() > 1) {
    std::cerr << "jiwon-rescore: unexpected argument \"" << rest[1] << "\"\n\n"
              << kUsage << "\n";
    return kUsageError;
  }
  const Shard shard = ParseShard(absl::GetFlag(FLAGS_shard));
  if (absl::GetFlag(FLAGS_checkpoint) < 0) {
    std::cerr << "jiwon-rescore: --checkpoint: must not be negative\n";
    return kUsageError;
  }
  Progress progress(Progress::ModeFor(absl::GetFlag(FLAGS_progress)));

  const std::string address = ResolveAddress(absl::GetFlag(FLAGS_addr));
  absl::StatusOr<ConnectOptions> connect =
      ConnectOptions::FromFlagsAndEnvironment();
  if (!connect.ok()) {
    std::cerr << "jiwon-rescore: " << connect.status().message() << "\n";
    return kUsageError;
  }
  auto channel = OpenChannel(address, *connect);
  auto stub = v1::RescoreService::NewStub(channel);
  v1::RescoreRequest req;
  req.set_shard_index(shard.index);
  req.set_shard_count(shard.count);
  req.set_as_of(absl::GetFlag(FLAGS_as_of));
  req.set_restart(absl::GetFlag(FLAGS_restart));
  req.set_checkpoint_companies(
      static_cast<uint32_t>(absl::GetFlag(FLAGS_checkpoint)));

  grpc::ClientContext ctx;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  // A signal stops the run at its next checkpoint: the stream is
  // cancelled, the server sees it.
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    while (!finished) {
      if (interrupted) {
        ctx.TryCancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::unique_ptr<grpc::ClientReaderInterface<v1::RescoreResponse>> reader =
      stub->Rescore(&ctx, req);
  v1::RescoreResponse msg;
  v1::RescoreSummary summary;
  bool have_summary = false;
  while (reader->Read(&msg)) {
    if (msg.has_progress()) progress.Show(msg.progress());
    if (msg.has_summary()) {
      summary = msg.summary();
      have_summary = true;
    }
  }
  grpc::Status s = reader->Finish();
  finished = true;
  watcher.join();
  progress.End();
  if (interrupted) {
    std::cerr << "jiwon-rescore: stopped; the run halts at its next "
                 "checkpoint and the next jiwon-rescore of shard "
              << shard.index << "/" << shard.count << " resumes it\n";
    return kFailed;
  }
  if (!s.ok()) {
    return ReportRpcError("jiwon-rescore", s, address, 0);
  }
  if (!have_summary) {
    std::cerr << "jiwon-rescore: the server ended the run without a summary\n";
    return kFailed;
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    (void)google::protobuf::util::MessageToJsonString(summary, &out, options);
    std::cout << out << "\n";
  } else {
    PrintSummary(summary);
  }
  return kOk;
}

}  // namespace
}  // namespace jiwon::cli

int main(int argc, char** argv) {
  // Text from callers reaches the terminal only as text.
  jiwon::cli::TerminalFilter out(std::cout), err(std::cerr);
  return jiwon::cli::Main(argc, argv);
}
