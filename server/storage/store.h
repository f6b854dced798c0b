#ifndef JIWON_SERVER_STORAGE_STORE_H_
#define JIWON_SERVER_STORAGE_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace jiwon::storage {

// The record kinds, one column family each. The list is the schema: see
// key_codec.h for the keys and values of each.
enum class Table : uint8_t {
  kMeta,
  kCompanies,
  kPrograms,
  kFeedback,
  kResults,
  kAlerts,
  kAlertsByCompany,
  kAccess,
  kDrafts,
};
inline constexpr Table kTables[] = {Table::kMeta,
                                    Table::kCompanies,
                                    Table::kPrograms,
                                    Table::kFeedback,
                                    Table::kResults,
                                    Table::kAlerts,
                                    Table::kAlertsByCompany,
                                    Table::kAccess,
                                    Table::kDrafts};
const char* TableName(Table t);

// Changes applied together or not at all.
class WriteBatch {
 public:
  struct Op {
    Table table;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };

  void Put(Table t, std::string key, std::string value) {
    ops_.push_back({t, std::move(key), std::move(value)});
  }
  void Delete(Table t, std::string key) {
    ops_.push_back({t, std::move(key), std::nullopt});
  }
  // Room for `n` more changes.
  void Reserve(size_t n) { ops_.reserve(ops_.size() + n); }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
};

// A frozen view of the whole store, for reading many records as they were
// at one moment while writes go on.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
};

// What the store has refused so far, for metrics.
struct StoreCounters {
  uint64_t writes_refused_disk_full = 0;
  uint64_t write_errors = 0;
  bool writes_refused_now = false;
};

// RocksDB's own figures, for metrics; zero for the in-memory store.
struct StoreStats {
  uint64_t live_sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;
  uint64_t stall_micros = 0;  // writes held back, summed since the open
  bool writes_stopped = false;
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
  uint64_t block_cache_bytes = 0;
};

// One backup of a store (see Store::Backup).
struct BackupInfo {
  uint32_t id = 0;
  int64_t created_at = 0;  // Unix seconds
  uint64_t bytes = 0;      // the files it is made of, shared ones included
  uint32_t files = 0;
  std::string metadata;  // what the caller of Backup gave
};

// A sorted key-value store with a table per record kind. Thread-safe. A
// Write that returned OK survives a crash of the process (and power loss,
// with RocksDbOptions::sync_writes).
class Store {
 public:
  virtual ~Store() = default;

  // nullopt when the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(
      Table t, std::string_view key) const = 0;
  // Applies every change of the batch atomically.
  virtual absl::Status Write(const WriteBatch& batch) = 0;
  // Write, for a large batch: RocksDB sorts each table's changes into a
  // table file and adds the files to the database in one step, past the
  // write-ahead log and the memtables. A key may appear once per table.
  virtual absl::Status Ingest(const WriteBatch& batch) = 0;
  // Calls `fn` for each key greater than `after` (every key when empty), in
  // key order, until it returns false.
  virtual absl::Status Scan(
      Table t, std::string_view after,
      const std::function<bool(std::string_view key, std::string_view value)>&
          fn) const = 0;

  // The greatest key of the table; nullopt when the table is empty.
  virtual absl::StatusOr<std::optional<std::string>> LastKey(Table t) const = 0;

  // Removes every key in [begin, end) of the table, at once and durably;
  // RocksDB drops the files wholly inside the range at once, and gives the
  // rest of the space back as it compacts.
  virtual absl::Status DeleteRange(Table t, std::string_view begin,
                                   std::string_view end) = 0;
  // From now on, entries of `t` for which `expired(key, value)` holds may
  // disappear at any time: RocksDB drops them as it compacts the table's
  // files (the alert index's at least weekly). For records that point at
  // others that are gone: once true for an entry, `expired` must stay true;
  // it must be thread-safe. Replaces the previous predicate.
  using ExpiredFn =
      std::function<bool(std::string_view key, std::string_view value)>;
  virtual void SetExpiry(Table t, ExpiredFn expired) = 0;
  // Rewrites the whole table now, dropping what expired: maintenance.
  virtual absl::Status Compact(Table t) = 0;

  // Writes refused and failed since the store was opened.
  virtual StoreCounters counters() const { return {}; }
  virtual StoreStats stats() const { return {}; }

  // Adds a backup of the whole store as it is at one moment to the backup
  // directory `dir` (created when missing) while reads and writes go on.
  // Files an earlier backup in `dir` holds already are not copied again.
  // `metadata` is kept with it. One backup at a time: a second waits.
  // UNIMPLEMENTED for the in-memory store.
  virtual absl::StatusOr<BackupInfo> Backup(const std::string& dir,
                                            const std::string& metadata) {
    (void)dir;
    (void)metadata;
    return absl::UnimplementedError("this store cannot be backed up");
  }

  // The store as it is now; release it (destroy it) soon, it pins old data.
  virtual std::unique_ptr<const Snapshot> TakeSnapshot() const = 0;
  // Scan, over `snapshot` (taken from this store).
  virtual absl::Status ScanSnapshot(
      const Snapshot& snapshot, Table t, std::string_view after,
      const std::function<bool(std::string_view key, std::string_view value)>&
          fn) const = 0;
};

// Errors of the store name what failed in words a client may see; the
// details (paths, RocksDB's own message) travel in the status's payload
// under kDetailPayload, for the server's log only. Codes: RESOURCE_EXHAUSTED
// when the disk is full, DATA_LOSS for damaged data, UNAVAILABLE when a
// retry may succeed, INTERNAL otherwise.
inline constexpr char kDetailPayload[] = "type.jiwon.dev/storage.detail";

struct RocksDbOptions {
  // An acknowledged write is synced to disk (the write-ahead log's
  // fdatasync, shared by the writers waiting at that moment) and survives
  // power loss; false: it survives a crash of the process only.
  bool sync_writes = true;
  // Writes are refused with RESOURCE_EXHAUSTED ("disk full") while the
  // data directory's filesystem has less free space than this, before
  // RocksDB itself runs out; reads go on, and writes resume by themselves
  // when space returns.
  uint64_t min_free_bytes = uint64_t{256} << 20;
  // A damaged write-ahead log makes Open fail, naming the file and where
  // (default); true recovers to the last consistent point instead and
  // reports through `warn` what was dropped.
  bool recover_damaged_log = false;
  // Table files held open at once (RocksDB's table cache); the rest are
  // opened when read.
  int max_open_files = 512;
  // Where the store reports what it did by itself (a recovery, writes
  // refused or resumed); ignored when unset.
  std::function<void(std::string_view)> warn;
};

// A RocksDB database in `dir`, created when missing. Fails with
// FAILED_PRECONDITION when the database has another schema version.
absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const std::string& dir, RocksDbOptions options = {});

// The backups in `dir`, oldest first; NOT_FOUND when `dir` holds none.
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& dir);

// Restores backup `id` of `backup_dir` (0: the newest) into `data_dir`,
// which must hold no database; the restored files are checked against the
// checksums the backup recorded. Returns the backup restored.
absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir,
                                         uint32_t id,
                                         const std::string& data_dir);

// The in-memory twin, for tests and tools.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace jiwon::storage

#endif  // JIWON_SERVER_STORAGE_STORE_H_
