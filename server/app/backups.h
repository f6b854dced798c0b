#ifndef JIWON_SERVER_APP_BACKUPS_H_
#define JIWON_SERVER_APP_BACKUPS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "jiwon/v1/admin_service.pb.h"
#include "server/app/registry.h"
#include "server/storage/store.h"

namespace jiwon::app {

// Online backups of the store into directories under one root, each with
// what it holds (jiwond's version, the catalog version, the companies).
// Thread-safe; one backup runs at a time.
class Backups {
 public:
  // `root` empty: every backup and listing is FAILED_PRECONDITION.
  // REQUIRES: `store` and `registry` outlive this.
  Backups(storage::Store* store, const Registry* registry, std::string root,
          std::string version);

  // Adds a backup to `dir` (see BackupRequest.dir).
  absl::StatusOr<v1::BackupResponse> Backup(std::string_view dir);
  absl::StatusOr<v1::ListBackupsResponse> List(std::string_view dir) const;

  // `dir` of a request, as an absolute directory under the root; the field
  // "dir" is named when it is not one.
  absl::StatusOr<std::string> Resolve(std::string_view dir) const;

 private:
  storage::Store* store_;
  const Registry* registry_;
  const std::string root_;  // absolute, normalised; empty: none
  const std::string version_;
};

// The API's form of a backup, its metadata (as Backups writes it) read.
v1::BackupInfo ToProto(const storage::BackupInfo& info);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_BACKUPS_H_
