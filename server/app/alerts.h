#ifndef JIWON_SERVER_APP_ALERTS_H_
#define JIWON_SERVER_APP_ALERTS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiwon/v1/rescore_service.pb.h"
#include "server/storage/store.h"

namespace jiwon::app {

// An alert as stored: a v1::Alert without its id (the key is the id).
struct AlertRecord {
  v1::AlertKind kind = v1::ALERT_KIND_UNSPECIFIED;
  std::string_view company_id, program_id, program_title;
  v1::Eligibility before = v1::ELIGIBILITY_UNSPECIFIED;
  v1::Eligibility after = v1::ELIGIBILITY_UNSPECIFIED;
  int64_t score = 0;
  std::string_view window_end, source;
  int64_t catalog_version = 0;
  std::string_view as_of, created_at;
};
// Replaces `out` with the record's bytes: those of the v1::Alert with these
// fields, written straight (a rescore makes millions of them; a test holds
// them equal to protobuf's).
void EncodeAlert(const AlertRecord& a, std::string* out);

// The alert feed: every alert jiwon made, numbered 1, 2, 3, ... in the order
// they were committed. An alert's number is its id and a resume token: a
// reader that has handled alert n asks for those after n and misses none.
// Alerts are written in the same batch as the change that made them (a
// company's new results, a run's checkpoint), so that a crash loses or
// repeats neither.
//
// Thread-safe.
class AlertLog {
 public:
  // REQUIRES: `store` outlives the log.
  static absl::StatusOr<std::unique_ptr<AlertLog>> Open(storage::Store* store);

  // An alert to commit: its company and the serialised v1::Alert without
  // its id. Reserving 9 more bytes in company_id saves the commit an
  // allocation.
  struct Pending {
    std::string company_id;
    std::string bytes;
  };
  // Numbers `alerts`, adds them (and the per-company index) to `batch`,
  // lets `finish` add what depends on their numbers (first and last, 0 when
  // there are none), and writes the batch (with Store::Ingest when
  // `ingest`). Commits are serialised, so the feed grows in id order.
  absl::Status Commit(
      storage::WriteBatch batch, std::vector<Pending> alerts,
      const std::function<void(uint64_t first, uint64_t last,
                               storage::WriteBatch* batch)>& finish,
      bool ingest = false);

  // The id of the newest alert; 0 when there is none.
  uint64_t last_id() const;

  // Calls `fn` with the alerts after `after`, in order, for `company_id`
  // only when it is not empty (read through the per-company index), until
  // it returns false. `reached` (when given) receives the id up to which
  // the feed was read: the next read starts after it.
  absl::Status Read(uint64_t after, std::string_view company_id,
                    const std::function<bool(v1::Alert&&)>& fn,
                    uint64_t* reached = nullptr) const;

  // Removes the oldest alerts: those before the first one made at or after
  // `cutoff` (RFC 3339, UTC, as alerts record it). Returns how many went.
  // Reads from a token before them then fail with OUT_OF_RANGE; the
  // company index's entries for them go as the store compacts it.
  absl::StatusOr<uint64_t> Trim(std::string_view cutoff);
  // The id of the oldest alert kept (last_id() + 1 when none is).
  uint64_t first_id() const { return floor_->load(); }

  // For a reader that has caught up and waits without a thread: `fn` is
  // called once, on the committing thread, when an alert after `after` is
  // committed or the log is closed. nullopt (and no call) when one already
  // exists or the log is closed: read again at once. Otherwise an id for
  // Unsubscribe.
  std::optional<uint64_t> Subscribe(uint64_t after, std::function<void()> fn);
  // Cancels a subscription; false when its `fn` has been called or is
  // being called.
  bool Unsubscribe(uint64_t id);
  // Wakes every subscriber and refuses new ones: for shutdown, so that
  // following readers end instead of holding the server open.
  void Close();
  bool closed() const;

  // "123" → 123; INVALID_ARGUMENT naming `field` otherwise. "" is 0.
  static absl::StatusOr<uint64_t> ParseId(std::string_view field,
                                          std::string_view id);

 private:
  explicit AlertLog(storage::Store* store) : store_(store) {}

  storage::Store* store_;
  // The first id kept; shared with the store's expiry of index entries,
  // which may outlive the log.
  std::shared_ptr<std::atomic<uint64_t>> floor_ =
      std::make_shared<std::atomic<uint64_t>>(1);
  std::mutex trim_mu_;    // one trim at a time
  std::mutex commit_mu_;  // one commit at a time, in id order
  mutable std::mutex mu_;
  uint64_t last_ = 0;
  bool closed_ = false;
  struct Waiter {
    uint64_t after;
    std::function<void()> fn;
  };
  std::map<uint64_t, Waiter> waiters_;  // by subscription id
  uint64_t next_waiter_ = 1;
};

// Where each reader of the feed has got to, by caller: the last alert id
// its ReadAlerts streams were given (or resumed after), since jiwond
// started; for the consumer lag metric. At most kMaxConsumers callers are
// followed. Thread-safe.
class AlertConsumers {
 public:
  static constexpr size_t kMaxConsumers = 1000;

  // Positions only move forward.
  void Advance(const std::string& consumer, uint64_t position);
  std::vector<std::pair<std::string, uint64_t>> Positions() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> positions_;
};

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_ALERTS_H_
