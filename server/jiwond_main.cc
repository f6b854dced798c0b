// jiwond: the jiwon gRPC server.

#include <fcntl.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/crypto.h>
#include <prometheus/exposer.h>
#include <rocksdb/version.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/base/config.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "build_info.h"
#include "server/app/access_log.h"
#include "server/app/auth.h"
#include "server/app/backups.h"
#include "server/app/registry.h"
#include "server/convert.h"
#include "server/log.h"
#include "server/reference_loader.h"
#include "server/rpc/auth.h"
#include "server/rpc/health.h"
#include "server/rpc/http_gateway.h"
#include "server/rpc/metrics.h"
#include "server/rpc/services.h"
#include "server/storage/store.h"

#ifndef JIWON_DEFAULT_REFERENCE_DIR
#define JIWON_DEFAULT_REFERENCE_DIR "data/reference"
#endif

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to serve on; port 0 picks a free port. An address other "
          "than loopback needs --tls_cert, --tls_key and --auth_tokens (or "
          "--insecure)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: serve TLS (with --tls_key)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates: callers must present a client certificate "
          "signed by one of them (mutual TLS)");
ABSL_FLAG(std::string, auth_tokens, "",
          "token file: one caller a line, NAME ROLE SHA256-OF-TOKEN "
          "[scope=region:CODE,...]; every call but health checks then needs "
          "\"authorization: Bearer TOKEN\". Reread on SIGHUP");
ABSL_FLAG(bool, insecure, false,
          "allow a non-loopback --listen without TLS or tokens (warned at "
          "every start)");
ABSL_FLAG(int, access_log_retention_days, 730,
          "access records of personal data older than this many days are "
          "removed (0 keeps them all)");
ABSL_FLAG(int, max_streams_per_caller, 16,
          "server streams (ReadAlerts, WhoQualifies, Rescore) one caller may "
          "hold open at once; more are RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_writes_per_second, 1000,
          "writes (upserts, deletes, imports, feedback, rescores) one caller "
          "may make a second, in a burst of as many; 0: no limit");
ABSL_FLAG(std::string, data_dir, "var/jiwon-data",
          "RocksDB directory. It must exist (an empty directory gets a new "
          "database) unless --create_if_missing");
ABSL_FLAG(bool, create_if_missing, false,
          "create --data_dir when it does not exist, or holds files but no "
          "database; without it jiwond refuses to start, so that a mistyped "
          "path never serves an empty database");
ABSL_FLAG(std::string, restore_from, "",
          "before starting, restore a backup from this directory (made by "
          "AdminService.Backup, jiwon admin backup) into --data_dir, which "
          "must hold no database; then serve it");
ABSL_FLAG(int, backup_id, 0,
          "with --restore_from: the backup to restore (jiwon admin backups "
          "lists them); 0: the newest");
ABSL_FLAG(std::string, backup_root, "",
          "directory under which AdminService.Backup may write backups "
          "(jiwon admin backup DIR names a directory inside it); empty: "
          "backups are refused");
ABSL_FLAG(std::string, metrics_listen, "",
          "serve Prometheus metrics at http://HOST:PORT/metrics (port 0 "
          "picks one); they hold no personal data. Empty: no metrics");
ABSL_FLAG(std::string, metrics_port_file, "",
          "write the metrics port here once listening");
ABSL_FLAG(std::string, log_level, "info",
          "debug (adds a line per call: method, caller, code, duration, "
          "ids), info, warning or error");
ABSL_FLAG(std::string, log_format, "text",
          "text, or json: one JSON object a line with time, level, message "
          "and fields");
ABSL_FLAG(std::string, reference_dir, "",
          "directory with regions.csv, ksic11.csv, sme_size_thresholds.csv "
          "and micro_employee_limits.csv; default: share/jiwon/reference "
          "under the install prefix (beside bin/ of this jiwond), else the "
          "source tree's data/reference");
ABSL_FLAG(std::string, http_listen, "",
          "also serve the unary methods as JSON over HTTP/1.1 here "
          "(host:port; port 0 picks one), HTTPS when --tls_cert is given, "
          "behind the same tokens and roles; empty: no HTTP");
ABSL_FLAG(std::string, http_port_file, "",
          "write the HTTP port here once listening (for --http_listen=...:0)");
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

// The libraries this jiwond was built with, for --version and the log.
std::string Libraries() {
  return absl::StrCat("gRPC ", grpc::Version(), ", Protobuf ",
                      GOOGLE_PROTOBUF_VERSION / 1000000, ".",
                      GOOGLE_PROTOBUF_VERSION / 1000 % 1000, ".",
                      GOOGLE_PROTOBUF_VERSION % 1000, ", RocksDB ",
                      ROCKSDB_MAJOR, ".", ROCKSDB_MINOR, ".", ROCKSDB_PATCH,
                      ", Abseil ", ABSL_LTS_RELEASE_VERSION, ", ",
                      OpenSSL_version(OPENSSL_VERSION));
}
namespace {

// Protobuf logs every string that is not UTF-8 it meets in a request: a
// hostile caller could fill the log.
void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  static LogLimiter* limiter = new LogLimiter();
  limiter->Log(level >= google::protobuf::LOGLEVEL_ERROR ? LogLevel::kWarning
                                                         : LogLevel::kInfo,
               absl::StrCat("protobuf (", file, ":", line, "): ", message));
}

// Whether `listen` (host:port) names a loopback address only.
bool IsLoopback(std::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view host = listen.substr(0, colon);
  if (host == "localhost" || host == "[::1]") return true;
  // 127.x.y.z, as digits and dots only: "127.example.com" is a name.
  if (!host.starts_with("127.")) return false;
  return host.find_first_not_of("0123456789.") == std::string_view::npos &&
         std::count(host.begin(), host.end(), '.') == 3;
}

absl::StatusOr<std::string> ReadPem(const std::string& flag,
                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return text.str();
}

// Holds `data_dir` for this process, with an exclusive lock on its
// jiwond.pid (released when the process ends, however it ends); the file
// names the holder. The error names the pid holding it.
absl::Status LockDataDir(const std::string& data_dir) {
  const std::string path = data_dir + "/jiwond.pid";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    std::string holder(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) {
      holder.pop_back();
    }
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        "the data directory ", data_dir, " is in use by another jiwond (pid ",
        holder.empty() ? std::string("unknown") : holder,
        "); stop it or give another --data_dir"));
  }
  const std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) !=
                                   static_cast<ssize_t>(pid.size())) {
    // The lock holds all the same; only the message of a second jiwond
    // would lack the pid.
  }
  return absl::OkStatus();  // fd stays open: the lock lives with the process
}

// The reference data of an installed jiwond (PREFIX/share/jiwon/reference
// beside PREFIX/bin/jiwond), else the source tree's.
std::string DefaultReferenceDir() {
  std::error_code ec;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed =
        exe.parent_path().parent_path() / "share" / "jiwon" / "reference";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return JIWON_DEFAULT_REFERENCE_DIR;
}

// Whether `dir` holds a RocksDB database.
bool HoldsDatabase(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
}

// Makes sure `data_dir` may be opened: it exists, and is empty or holds a
// database, unless --create_if_missing. Restores --restore_from first.
absl::Status PrepareDataDir(const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool create = absl::GetFlag(FLAGS_create_if_missing);
  const std::string restore_from = absl::GetFlag(FLAGS_restore_from);
  if (absl::GetFlag(FLAGS_backup_id) < 0) {
    return absl::InvalidArgumentError("--backup_id: must be 0 or more");
  }
  if (absl::GetFlag(FLAGS_backup_id) != 0 && restore_from.empty()) {
    return absl::InvalidArgumentError("--backup_id needs --restore_from");
  }
  const bool exists = fs::exists(data_dir, ec);
  if (exists && !fs::is_directory(data_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--data_dir=", data_dir, " is not a directory"));
  }
  if (!exists && !create && restore_from.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--data_dir=", data_dir, " (", fs::absolute(data_dir, ec).string(),
        ") does not exist. Give the right path, or --create_if_missing to "
        "start a new, empty database there"));
  }
  if (exists && !HoldsDatabase(data_dir) && !create && restore_from.empty()) {
    // An empty directory (a new volume, systemd's StateDirectory) gets a
    // database; one holding other files is likely the wrong one.
    bool others = false;
    for (const fs::directory_entry& e : fs::directory_iterator(data_dir, ec)) {
      if (e.path().filename() != "jiwond.pid") others = true;
    }
    if (others) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--data_dir=", data_dir,
          " holds files but no jiwon database. Give the right path, or "
          "--create_if_missing to start a new database there"));
    }
  }
  if (!restore_from.empty()) {
    if (HoldsDatabase(data_dir)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--restore_from: --data_dir=", data_dir,
          " holds a database already; restore into an empty directory"));
    }
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<storage::BackupInfo> restored = storage::RestoreBackup(
        restore_from, static_cast<uint32_t>(absl::GetFlag(FLAGS_backup_id)),
        data_dir);
    if (!restored.ok()) {
      return absl::Status(
          restored.status().code(),
          absl::StrCat("--restore_from: ", restored.status().message()));
    }
    Log(LogLevel::kInfo, "restored a backup",
        {{"from", restore_from},
         {"backup_id", static_cast<int64_t>(restored->id)},
         {"created_at", app::Rfc3339(restored->created_at)},
         {"bytes", restored->bytes},
         {"metadata", restored->metadata},
         {"seconds", std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count()}});
    return absl::OkStatus();
  }
  fs::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", data_dir, ": ", ec.message()));
  }
  if (!HoldsDatabase(data_dir)) {
    Log(LogLevel::kInfo, "creating a new database",
        {{"data_dir", fs::absolute(data_dir, ec).string()}});
  }
  return absl::OkStatus();
}

int Run() {
  {
    absl::StatusOr<LogLevel> level =
        ParseLogLevel(absl::GetFlag(FLAGS_log_level));
    absl::StatusOr<LogFormat> format =
        ParseLogFormat(absl::GetFlag(FLAGS_log_format));
    for (const absl::Status& st : {level.status(), format.status()}) {
      if (!st.ok()) {
        Log(LogLevel::kError, std::string(st.message()));
        return 2;
      }
    }
    SetLogLevel(*level);
    SetLogFormat(*format);
  }
  // Abseil's mutexes (gRPC's locks are ones) look for lock-order cycles
  // unless told not to, taking a global lock on every acquisition.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  google::protobuf::SetLogHandler(&ProtobufLog);
  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Table files and connections each hold a descriptor: take what the
  // system allows this process.
  if (rlimit files; getrlimit(RLIMIT_NOFILE, &files) == 0 &&
                    files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  // The door: TLS, tokens, and where jiwond may listen with or without
  // them.
  const std::string listen = absl::GetFlag(FLAGS_listen);
  const bool loopback = IsLoopback(listen);
  const std::string& cert_path = absl::GetFlag(FLAGS_tls_cert);
  const std::string& key_path = absl::GetFlag(FLAGS_tls_key);
  const std::string& client_ca_path = absl::GetFlag(FLAGS_tls_client_ca);
  if (cert_path.empty() != key_path.empty()) {
    Log(LogLevel::kError, "--tls_cert and --tls_key go together");
    return 2;
  }
  if (!client_ca_path.empty() && cert_path.empty()) {
    Log(LogLevel::kError, "--tls_client_ca needs --tls_cert and --tls_key");
    return 2;
  }
  const bool tls = !cert_path.empty();
  std::shared_ptr<const app::TokenTable> tokens;
  if (const std::string& path = absl::GetFlag(FLAGS_auth_tokens);
      !path.empty()) {
    absl::StatusOr<std::shared_ptr<const app::TokenTable>> t =
        app::TokenTable::Load(path);
    if (!t.ok()) {
      Log(LogLevel::kError,
          absl::StrCat("--auth_tokens: ", t.status().message()));
      return 2;
    }
    tokens = *std::move(t);
  }
  if (!loopback && !(tls && tokens != nullptr)) {
    std::vector<std::string> missing;
    if (!tls) missing.push_back("--tls_cert and --tls_key");
    if (tokens == nullptr) missing.push_back("--auth_tokens");
    const std::string what =
        absl::StrCat("--listen=", listen, " is not a loopback address, and ",
                     absl::StrJoin(missing, " and "),
                     missing.size() > 1 ? " are" : " is", " missing");
    if (!absl::GetFlag(FLAGS_insecure)) {
      Log(LogLevel::kError,
          absl::StrCat(what,
                       ": anyone who can reach the port could read and "
                       "change every company. Give them, or --insecure to "
                       "serve like this all the same"));
      return 2;
    }
    if (!tls && tokens != nullptr) {
      Log(LogLevel::kError,
          "--auth_tokens on a non-loopback address needs TLS (--tls_cert, "
          "--tls_key): tokens sent in plaintext could be read on the way");
      return 2;
    }
    Log(LogLevel::kWarning, absl::StrCat("INSECURE (--insecure): ", what));
  }
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (tls) {
    absl::StatusOr<std::string> cert = ReadPem("--tls_cert", cert_path);
    absl::StatusOr<std::string> key = ReadPem("--tls_key", key_path);
    for (const auto* pem : {&cert, &key}) {
      if (!pem->ok()) {
        Log(LogLevel::kError, std::string(pem->status().message()));
        return 2;
      }
    }
    if (struct stat st; stat(key_path.c_str(), &st) == 0 &&
                        (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      Log(LogLevel::kWarning,
          absl::StrCat("--tls_key: ", key_path,
                       " may be read by other users (chmod 600 it)"));
    }
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({*key, *cert});
    if (!client_ca_path.empty()) {
      absl::StatusOr<std::string> ca =
          ReadPem("--tls_client_ca", client_ca_path);
      if (!ca.ok()) {
        Log(LogLevel::kError, std::string(ca.status().message()));
        return 2;
      }
      options.pem_root_certs = *ca;
      options.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    credentials = grpc::SslServerCredentials(options);
  } else if (loopback) {
    // Plaintext on the wire, as insecure credentials are, but only for
    // peers on this machine, and with the gate below.
    credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }
  std::shared_ptr<rpc::CallerGate> gate;
  if (tls || loopback) {
    gate = std::make_shared<rpc::CallerGate>(
        tokens, absl::GetFlag(FLAGS_max_writes_per_second));
    credentials->SetAuthMetadataProcessor(gate);
  }

  std::string reference_dir = absl::GetFlag(FLAGS_reference_dir);
  if (reference_dir.empty()) reference_dir = DefaultReferenceDir();
  absl::StatusOr<std::unique_ptr<engine::Reference>> reference =
      LoadReference(reference_dir);
  if (!reference.ok()) {
    Log(LogLevel::kError,
        absl::StrCat("reference data: ", reference.status().ToString()));
    return 2;
  }
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (absl::Status s = PrepareDataDir(data_dir); !s.ok()) {
    Log(LogLevel::kError, std::string(s.message()));
    return 2;
  }
  if (absl::Status s = LockDataDir(data_dir); !s.ok()) {
    Log(LogLevel::kError, std::string(s.message()));
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

  absl::StatusOr<std::unique_ptr<app::AccessLog>> access_log =
      app::AccessLog::Open(store->get(),
                           absl::GetFlag(FLAGS_access_log_retention_days),
                           app::UnixNow);
  if (!access_log.ok()) {
    Log(LogLevel::kError, access_log.status().ToString());
    return 2;
  }
  if (absl::GetFlag(FLAGS_max_streams_per_caller) < 1 ||
      absl::GetFlag(FLAGS_max_writes_per_second) < 0 ||
      absl::GetFlag(FLAGS_access_log_retention_days) < 0) {
    Log(LogLevel::kError,
        "--max_streams_per_caller must be 1 or more, "
        "--max_writes_per_second and --access_log_retention_days 0 or more");
    return 2;
  }
  rpc::StreamSlots streams(absl::GetFlag(FLAGS_max_streams_per_caller));
  app::AlertConsumers consumers;
  const rpc::CallPolicy policy{access_log->get(), &streams, gate.get(),
                               &consumers};
  rpc::CompanyService companies(registry->get(), policy);
  app::Drafts drafts(store->get(), reference->get());
  rpc::ProgramService programs(registry->get(), &drafts, gate.get());
  rpc::MatchService matching(registry->get(), policy);
  rpc::FeedbackService feedback(registry->get(), policy);
  rpc::RescoreService rescoring(rescorer.get(), alerts->get(), registry->get(),
                                policy);
  app::Backups backups(store->get(), registry->get(),
                       absl::GetFlag(FLAGS_backup_root), kVersion);
  rpc::AdminService admin(access_log->get(), &backups);
  std::unique_ptr<rpc::ServerMetrics> metrics;
  const std::string metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (!metrics_listen.empty()) {
    metrics = std::make_unique<rpc::ServerMetrics>(rpc::MetricSources{
        registry->get(), rescorer.get(), alerts->get(), &consumers,
        store->get(), gate.get(), kVersion, kCommit, kBuildType});
  }
  rpc::VocabularyService vocabulary(
      server::VocabularyToProto(reference->get()));
  // Our own health service: its Watch streams end at shutdown.
  grpc::EnableDefaultHealthCheckService(false);
  rpc::HealthService health({"jiwon.v1.CompanyService",
                             "jiwon.v1.ProgramService", "jiwon.v1.MatchService",
                             "jiwon.v1.FeedbackService",
                             "jiwon.v1.RescoreService", "jiwon.v1.AdminService",
                             "jiwon.v1.VocabularyService"});
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  // One server a port: a second jiwond on it fails to start instead of
  // taking half of the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Records are capped at 1 MiB by the services (INVALID_ARGUMENT); the
  // transport refuses anything far larger outright.
  builder.SetMaxReceiveMessageSize(8 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, 16 << 10);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 1000);
  // Keepalive: clients may ping every 10 s (5 s allowed, for timer jitter),
  // calls open or not; jiwond pings a connection idle for a minute and
  // drops it when 20 s pass without an answer.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(rpc::NewUndecodableRequestInterceptorFactory());
    interceptors.push_back(
        rpc::NewCallObserverFactory(metrics.get(), gate.get()));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }
  builder.RegisterService(&companies);
  builder.RegisterService(&programs);
  builder.RegisterService(&matching);
  builder.RegisterService(&feedback);
  builder.RegisterService(&rescoring);
  builder.RegisterService(&admin);
  builder.RegisterService(&vocabulary);
  builder.RegisterService(&health);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    Log(LogLevel::kError,
        absl::StrCat("cannot listen on ", listen,
                     ": the port is in use (by another jiwond?) or the "
                     "address is not one of this machine's"));
    return 2;
  }
  const std::string host = listen.substr(0, listen.rfind(':'));
  Log(LogLevel::kInfo,
      absl::StrCat("jiwond ", kVersion, " serving on ", host, ":", port),
      {{"version", kVersion},
       {"commit", kCommit},
       {"build_type", kBuildType},
       {"transport", tls ? (absl::GetFlag(FLAGS_tls_client_ca).empty()
                                ? "TLS"
                                : "TLS, client certificates required")
                         : "plaintext"},
       {"callers", tokens != nullptr
                       ? absl::StrCat(tokens->size())
                       : std::string("no tokens: every caller is admin")},
       {"data_dir", data_dir},
       {"reference", reference_dir},
       {"programs",
        static_cast<int64_t>((*registry)->catalog()->programs().size())},
       {"catalog_version", (*registry)->catalog()->version()}});
  std::unique_ptr<rpc::HttpGateway> http;
  if (const std::string http_listen = absl::GetFlag(FLAGS_http_listen);
      !http_listen.empty()) {
    if (!tls && !IsLoopback(http_listen) && !absl::GetFlag(FLAGS_insecure)) {
      Log(LogLevel::kError,
          "--http_listen: plaintext HTTP off loopback needs --tls_cert (or "
          "--insecure)");
      return 2;
    }
    rpc::HttpOptions options;
    options.listen = http_listen;
    if (tls) {
      options.tls_cert_path = absl::GetFlag(FLAGS_tls_cert);
      options.tls_key_path = absl::GetFlag(FLAGS_tls_key);
      options.tls_client_ca_path = absl::GetFlag(FLAGS_tls_client_ca);
    }
    absl::StatusOr<std::unique_ptr<rpc::HttpGateway>> started =
        rpc::HttpGateway::Start(
            options, server->InProcessChannel(grpc::ChannelArguments()), gate);
    if (!started.ok()) {
      Log(LogLevel::kError, std::string(started.status().message()));
      return 2;
    }
    http = *std::move(started);
    Log(LogLevel::kInfo,
        absl::StrCat("HTTP/JSON on ",
                     http_listen.substr(0, http_listen.rfind(':')), ":",
                     http->port(), http->tls() ? " (HTTPS)" : " (plaintext)"));
    if (const std::string f = absl::GetFlag(FLAGS_http_port_file); !f.empty()) {
      std::ofstream(f) << http->port() << "\n";
    }
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  if (metrics != nullptr) {
    try {
      exposer = std::make_unique<prometheus::Exposer>(std::vector<std::string>{
          "listening_ports", metrics_listen, "num_threads", "2"});
    } catch (const std::exception& e) {
      Log(LogLevel::kError,
          absl::StrCat("--metrics_listen=", metrics_listen,
                       ": cannot listen there (", e.what(), ")"));
      return 2;
    }
    exposer->RegisterCollectable(metrics->calls());
    exposer->RegisterCollectable(metrics->state());
    const std::vector<int> ports = exposer->GetListeningPorts();
    const int metrics_port = ports.empty() ? 0 : ports.front();
    Log(LogLevel::kInfo, "metrics served",
        {{"url",
          absl::StrCat("http://",
                       metrics_listen.substr(0, metrics_listen.rfind(':')), ":",
                       metrics_port, "/metrics")}});
    if (const std::string f = absl::GetFlag(FLAGS_metrics_port_file);
        !f.empty()) {
      std::ofstream(f) << metrics_port << "\n";
    }
  }
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file);
      !port_file.empty()) {
    std::ofstream(port_file) << port << "\n";
  }

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    const std::string& path = absl::GetFlag(FLAGS_auth_tokens);
    if (path.empty() || gate == nullptr) {
      Log(LogLevel::kInfo, "SIGHUP: no --auth_tokens to reread");
      continue;
    }
    absl::StatusOr<std::shared_ptr<const app::TokenTable>> fresh =
        app::TokenTable::Load(path);
    if (!fresh.ok()) {
      Log(LogLevel::kError,
          absl::StrCat("SIGHUP: keeping the tokens loaded before: ",
                       fresh.status().message()));
      continue;
    }
    Log(LogLevel::kInfo, absl::StrCat("SIGHUP: ", (*fresh)->size(),
                                      " callers read from ", path));
    gate->Reload(*std::move(fresh));
  }
  Log(LogLevel::kInfo,
      absl::StrCat("received ", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                   "; finishing in-flight calls"));
  // Load balancers first see the server going; then readers following the
  // alert feed are ended (they would hold the grace period), then the calls
  // in flight finish.
  health.Shutdown();
  if (http != nullptr) http->Stop();
  exposer.reset();
  (*alerts)->Close();
  server->Shutdown(
      std::chrono::system_clock::now() +
      std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->Wait();
  server.reset();
  rescorer.reset();
  alerts->reset();
  registry->reset();
  access_log->reset();
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
  absl::FlagsUsageConfig config;
  config.version_string = [] {
    return jiwon::VersionText("jiwond", jiwon::server::Libraries()) + "\n";
  };
  absl::SetFlagsUsageConfig(config);
  absl::ParseCommandLine(argc, argv);
  return jiwon::server::Run();
}
