// jiwond: the jiwon gRPC server.

#include <google/protobuf/stubs/logging.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "server/app/registry.h"
#include "server/log.h"
#include "server/reference_loader.h"
#include "server/rpc/services.h"
#include "server/storage/store.h"

#ifndef JIWON_DEFAULT_REFERENCE_DIR
#define JIWON_DEFAULT_REFERENCE_DIR "data/reference"
#endif

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to serve on; port 0 picks a free port");
ABSL_FLAG(std::string, data_dir, "var/jiwon-data",
          "RocksDB directory, created when missing");
ABSL_FLAG(std::string, reference_dir, JIWON_DEFAULT_REFERENCE_DIR,
          "directory with regions.csv, ksic11.csv, sme_size_thresholds.csv "
          "and micro_employee_limits.csv");
ABSL_FLAG(std::string, port_file, "",
          "if set, the bound port is written to this file once serving");
ABSL_FLAG(std::string, scoring, "",
          "ranking weights, e.g. need=30,bonus=5,deadline=20,benefit=1,"
          "benefit_cap=50 (unset keys keep these defaults)");
ABSL_FLAG(int, rescore_threads, 0,
          "threads scoring companies in a rescore run (0: one per rescore "
          "CPU); they run at idle priority");
ABSL_FLAG(std::string, rescore_cpus, "",
          "CPUs a rescore run may use: a list such as 2,3, or all; default: "
          "the last CPU when there are several, so that serving keeps the "
          "others (measured: Recommend p99 within 1.3x of idle during a run, "
          "against 5-8x with the run on every CPU)");
ABSL_FLAG(int, alert_retention_days, 90,
          "after each rescore run, alerts made more than this many days "
          "before leave the feed (a reader resuming from an older token is "
          "told so); 0 keeps every alert");
ABSL_FLAG(bool, sync_writes, true,
          "sync the write-ahead log before acknowledging a write, so that "
          "it survives power loss (concurrent writes share one sync); "
          "false: acknowledged writes survive a crash of jiwond only");
ABSL_FLAG(int64_t, min_free_disk_mb, 256,
          "writes are refused (RESOURCE_EXHAUSTED, disk full) while the data "
          "directory's filesystem has less free space than this; reads go "
          "on and writes resume once space is freed");
ABSL_FLAG(bool, recover_damaged_log, false,
          "when the write-ahead log is damaged, start anyway with the data "
          "up to the last consistent point, logging what was dropped (by "
          "default jiwond refuses to start and names the damage)");
ABSL_FLAG(int, max_open_files, 512, "RocksDB table files held open at once");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "how long in-flight calls may run after SIGINT or SIGTERM");

namespace jiwon::server {
namespace {

// Protobuf logs every string that is not UTF-8 it meets in a request: a
// hostile caller could fill the log. At most one line a second passes,
// saying how many were left out.
void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  static std::atomic<int64_t> last_second{0};
  static std::atomic<int64_t> dropped{0};
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_second.load();
  if (now == last || !last_second.compare_exchange_strong(last, now)) {
    dropped.fetch_add(1);
    return;
  }
  const int64_t left_out = dropped.exchange(0);
  Log(level >= google::protobuf::LOGLEVEL_ERROR ? LogLevel::kWarning
                                                : LogLevel::kInfo,
      absl::StrCat("protobuf (", file, ":", line, "): ", message,
                   left_out > 0 ? absl::StrCat(" (", left_out,
                                               " more such lines left out)")
                                : ""));
}

int Run() {
  // Abseil's mutexes (gRPC's locks are ones) look for lock-order cycles
  // unless told not to, taking a global lock on every acquisition.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  google::protobuf::SetLogHandler(&ProtobufLog);
  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Table files and connections each hold a descriptor: take what the
  // system allows this process.
  if (rlimit files; getrlimit(RLIMIT_NOFILE, &files) == 0 &&
                    files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  absl::StatusOr<std::unique_ptr<engine::Reference>> reference =
      LoadReference(absl::GetFlag(FLAGS_reference_dir));
  if (!reference.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("reference data: ", reference.status().ToString()));
    return 2;
  }
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    Log(LogLevel::kError,
        absl::StrCat("cannot create ", data_dir, ": ", ec.message()));
    return 2;
  }
  storage::RocksDbOptions store_options;
  store_options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  if (absl::GetFlag(FLAGS_min_free_disk_mb) < 0 ||
      absl::GetFlag(FLAGS_min_free_disk_mb) > (int64_t{1} << 30) ||
      absl::GetFlag(FLAGS_max_open_files) < 16) {
    Log(LogLevel::kError,
        "--min_free_disk_mb must be 0 to 1073741824, --max_open_files 16 or "
        "more");
    return 2;
  }
  store_options.min_free_bytes =
      static_cast<uint64_t>(absl::GetFlag(FLAGS_min_free_disk_mb)) << 20;
  store_options.recover_damaged_log = absl::GetFlag(FLAGS_recover_damaged_log);
  store_options.max_open_files = absl::GetFlag(FLAGS_max_open_files);
  store_options.warn = [](std::string_view message) {
    Log(LogLevel::kWarning, message);
  };
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenRocksDbStore(data_dir, store_options);
  if (!store.ok()) {
    Log(LogLevel::kError, store.status().ToString());
    return 2;
  }
  absl::StatusOr<engine::ScoringWeights> weights =
      app::ParseScoringWeights(absl::GetFlag(FLAGS_scoring));
  if (!weights.ok()) {
    Log(LogLevel::kError, weights.status().ToString());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<app::Registry>> registry =
      app::Registry::Open(store->get(), reference->get(), *weights);
  if (!registry.ok()) {
    Log(LogLevel::kError, registry.status().ToString());
    return 2;
  }

  absl::StatusOr<std::unique_ptr<app::AlertLog>> alerts =
      app::AlertLog::Open(store->get());
  if (!alerts.ok()) {
    Log(LogLevel::kError, alerts.status().ToString());
    return 2;
  }
  const int cpus_here =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<int> rescore_cpus;
  if (const std::string spec = absl::GetFlag(FLAGS_rescore_cpus);
      spec.empty()) {
    if (cpus_here > 1) rescore_cpus.push_back(cpus_here - 1);
  } else if (spec != "all") {
    for (absl::string_view part : absl::StrSplit(spec, ',')) {
      int cpu = -1;
      if (!absl::SimpleAtoi(part, &cpu) || cpu < 0 || cpu >= cpus_here) {
        Log(LogLevel::kError,
            absl::StrCat("--rescore_cpus: \"", std::string(part),
                         "\" is not a CPU of this machine (0-", cpus_here - 1,
                         ")"));
        return 2;
      }
      rescore_cpus.push_back(cpu);
    }
  }
  int rescore_threads = absl::GetFlag(FLAGS_rescore_threads);
  if (rescore_threads <= 0) {
    rescore_threads = rescore_cpus.empty()
                          ? cpus_here
                          : static_cast<int>(rescore_cpus.size());
  }
  auto rescorer = std::make_unique<app::Rescorer>(
      registry->get(), store->get(), alerts->get(), rescore_threads,
      /*background=*/true, app::TodayInKorea, rescore_cpus);
  if (absl::GetFlag(FLAGS_alert_retention_days) < 0) {
    Log(LogLevel::kError, "--alert_retention_days: must be 0 or more");
    return 2;
  }
  rescorer->set_alert_retention_days(absl::GetFlag(FLAGS_alert_retention_days));

  rpc::CompanyService companies(registry->get());
  rpc::ProgramService programs(registry->get());
  rpc::MatchService matching(registry->get());
  rpc::FeedbackService feedback(registry->get());
  rpc::RescoreService rescoring(rescorer.get(), alerts->get());
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials(), &port);
  // Records are capped at 1 MiB by the services (INVALID_ARGUMENT); the
  // transport refuses anything far larger outright.
  builder.SetMaxReceiveMessageSize(8 << 20);
  {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(rpc::NewUndecodableRequestInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.RegisterService(&companies);
  builder.RegisterService(&programs);
  builder.RegisterService(&matching);
  builder.RegisterService(&feedback);
  builder.RegisterService(&rescoring);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    Log(LogLevel::kError,
        absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen)));
    return 2;
  }
  const std::string& listen = absl::GetFlag(FLAGS_listen);
  const std::string host = listen.substr(0, listen.rfind(':'));
  Log(LogLevel::kInfo,
      absl::StrCat("jiwond serving on ", host, ":", port, " (data ", data_dir,
                   ", ", (*registry)->catalog()->programs().size(),
                   " programs, catalog version ",
                   (*registry)->catalog()->version(), ")"));
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file);
      !port_file.empty()) {
    std::ofstream(port_file) << port << "\n";
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Log(LogLevel::kInfo,
      absl::StrCat("received ", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                   "; finishing in-flight calls"));
  server->Shutdown(
      std::chrono::system_clock::now() +
      std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->Wait();
  server.reset();
  rescorer.reset();
  alerts->reset();
  registry->reset();
  store->reset();  // closes RocksDB
  Log(LogLevel::kInfo, "jiwond stopped cleanly");
  return 0;
}

}  // namespace
}  // namespace jiwon::server

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "jiwon matching server.\n  jiwond --listen=127.0.0.1:50051 "
      "--data_dir=var/jiwon-data");
  absl::ParseCommandLine(argc, argv);
  return jiwon::server::Run();
}
