#ifndef JIWON_SERVER_APP_ACCESS_LOG_H_
#define JIWON_SERVER_APP_ACCESS_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiwon/v1/admin_service.pb.h"
#include "server/storage/store.h"

namespace jiwon::app {

// The access records (접속기록) of personal data: one per call that
// returned a company's personal fields, numbered 1, 2, 3, ... and never
// changed; the oldest leave after the retention period.
//
// Thread-safe.
class AccessLog {
 public:
  // `retention_days` 0 keeps every record; `now` gives Unix seconds.
  // REQUIRES: `store` outlives the log.
  static absl::StatusOr<std::unique_ptr<AccessLog>> Open(
      storage::Store* store, int retention_days, std::function<int64_t()> now);

  // Numbers and timestamps `record` and writes it (synced as every write
  // of the store is). An answer with personal fields goes out only after
  // its record is written. Trims the records past the retention period at
  // most once an hour.
  absl::Status Append(v1::AccessRecord record);

  struct Page {
    std::vector<v1::AccessRecord> records;
    std::string next_page_token;  // empty on the last page
  };
  // Records in id order after `page_token`, of `company_id` only when not
  // empty, at or after `since` (RFC 3339 UTC; "" for all).
  absl::StatusOr<Page> Read(std::string_view company_id, std::string_view since,
                            int page_size, std::string_view page_token) const;

  // Removes the records made before `cutoff` (RFC 3339 UTC). Returns how
  // many went.
  absl::StatusOr<uint64_t> Trim(std::string_view cutoff);

  uint64_t first_id() const;
  uint64_t last_id() const;

 private:
  AccessLog(storage::Store* store, int retention_days,
            std::function<int64_t()> now)
      : store_(store), retention_days_(retention_days), now_(std::move(now)) {}

  // The id of the first record made at or after `time`, or last + 1.
  absl::StatusOr<uint64_t> FirstAtOrAfter(std::string_view time) const;
  void MaybeTrim();

  storage::Store* store_;
  const int retention_days_;
  const std::function<int64_t()> now_;
  std::mutex trim_mu_;
  mutable std::mutex mu_;
  uint64_t first_ = 1;  // the first id kept
  uint64_t last_ = 0;   // the last id given
  int64_t last_trim_ = 0;
};

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_ACCESS_LOG_H_
