#include "server/app/backups.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/log.h"

namespace jiwon::app {
namespace {

namespace fs = std::filesystem;

// "dir: what is wrong": the field is named in the error's details.
absl::Status DirError(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

bool IsSegment(std::string_view s) {
  if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Backups::Backups(storage::Store* store, const Registry* registry,
                 std::string root, std::string version)
    : store_(store),
      registry_(registry),
      root_(root.empty()
                ? std::string()
                : fs::absolute(fs::path(root)).lexically_normal().string()),
      version_(std::move(version)) {}

absl::StatusOr<std::string> Backups::Resolve(std::string_view dir) const {
  if (root_.empty()) {
    return absl::FailedPreconditionError(
        "backups are off: start jiwond with --backup_root=DIR");
  }
  if (dir.empty()) return DirError("dir: required, e.g. \"nightly\"");
  if (dir.size() > 1024) return DirError("dir: longer than 1024 characters");
  std::string root = root_;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::string_view relative = dir;
  if (dir.front() == '/') {
    const std::string prefix = root == "/" ? "/" : root + "/";
    if (!dir.starts_with(prefix) || dir.size() == prefix.size()) {
      return DirError(absl::StrCat("dir: ", std::string(dir),
                                   " is not inside --backup_root ", root));
    }
    relative = dir.substr(prefix.size());
  }
  for (absl::string_view part : absl::StrSplit(
           absl::string_view(relative.data(), relative.size()), '/')) {
    if (part.empty()) continue;  // "a//b", a trailing slash
    if (!IsSegment(std::string_view(part.data(), part.size()))) {
      return DirError(absl::StrCat(
          "dir: \"", std::string(part),
          "\" is not a directory name (letters, digits, '.', '_', '-'; "
          "no \"..\")"));
    }
  }
  return (fs::path(root) / fs::path(std::string(relative)))
      .lexically_normal()
      .string();
}

absl::StatusOr<v1::BackupResponse> Backups::Backup(std::string_view dir) {
  absl::StatusOr<std::string> path = Resolve(dir);
  if (!path.ok()) return path.status();
  const int64_t companies = static_cast<int64_t>(
      registry_->CountCompanies([](std::string_view) { return true; }));
  const int64_t catalog_version = registry_->catalog()->version();
  const std::string metadata = absl::StrCat(
      "jiwon_version=", version_, ";catalog_version=", catalog_version,
      ";companies=", companies);
  const auto start = std::chrono::steady_clock::now();
  server::Log(server::LogLevel::kInfo, "backup started",
              {{"dir", *path}, {"companies", companies}});
  absl::StatusOr<storage::BackupInfo> info = store_->Backup(*path, metadata);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!info.ok()) {
    server::Log(
        server::LogLevel::kError, "backup failed",
        {{"dir", *path}, {"error", std::string(info.status().message())}});
    return info.status();
  }
  server::Log(server::LogLevel::kInfo, "backup finished",
              {{"dir", *path},
               {"backup_id", static_cast<int64_t>(info->id)},
               {"bytes", info->bytes},
               {"files", static_cast<int64_t>(info->files)},
               {"seconds", seconds}});
  v1::BackupResponse out;
  *out.mutable_backup() = ToProto(*info);
  out.set_dir(*path);
  out.set_seconds(seconds);
  return out;
}

absl::StatusOr<v1::ListBackupsResponse> Backups::List(
    std::string_view dir) const {
  absl::StatusOr<std::string> path = Resolve(dir);
  if (!path.ok()) return path.status();
  absl::StatusOr<std::vector<storage::BackupInfo>> backups =
      storage::ListBackups(*path);
  if (!backups.ok()) return backups.status();
  v1::ListBackupsResponse out;
  for (const storage::BackupInfo& b : *backups) {
    *out.add_backups() = ToProto(b);
  }
  out.set_dir(*path);
  return out;
}

v1::BackupInfo ToProto(const storage::BackupInfo& info) {
  v1::BackupInfo out;
  out.set_backup_id(info.id);
  out.set_created_at(Rfc3339(info.created_at));
  out.set_size_bytes(static_cast<int64_t>(info.bytes));
  out.set_files(static_cast<int32_t>(info.files));
  for (absl::string_view field : absl::StrSplit(info.metadata, ';')) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(field, absl::MaxSplits('=', 1));
    int64_t n = 0;
    if (kv.first == "jiwon_version") {
      out.set_jiwon_version(kv.second);
    } else if (kv.first == "catalog_version" &&
               absl::SimpleAtoi(kv.second, &n)) {
      out.set_catalog_version(n);
    } else if (kv.first == "companies" && absl::SimpleAtoi(kv.second, &n)) {
      out.set_companies(n);
    }
  }
  return out;
}

}  // namespace jiwon::app
