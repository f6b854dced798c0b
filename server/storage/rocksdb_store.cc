#include <rocksdb/compaction_filter.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/statistics.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "server/storage/key_codec.h"
#include "server/storage/store.h"

namespace jiwon::storage {
namespace {

// `what` failed: a message for clients, RocksDB's words for the log.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  absl::Status out;
  const std::string op(what);
  if (s.IsNoSpace()) {
    out = absl::ResourceExhaustedError(
        absl::StrCat("disk full: storage ", op, " failed"));
  } else if (s.IsCorruption()) {
    out = absl::DataLossError(
        absl::StrCat("storage ", op, " found damaged data"));
  } else if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut() ||
             s.IsIncomplete()) {
    out = absl::UnavailableError(
        absl::StrCat("storage ", op, " failed for now; try again"));
  } else {
    out = absl::InternalError(absl::StrCat("storage ", op, " failed"));
  }
  out.SetPayload(kDetailPayload, absl::Cord(s.ToString()));
  return out;
}

absl::Status WithDetail(absl::Status s, std::string detail) {
  s.SetPayload(kDetailPayload, absl::Cord(std::move(detail)));
  return s;
}

// A backup, restore or listing of `dir` failed: the operator asked for it
// and needs RocksDB's words to act, so they go in the message.
absl::Status BackupError(std::string_view what, const std::string& dir,
                         const rocksdb::Status& s) {
  const absl::Status coded = FromRocks(s, what);
  return absl::Status(coded.code(), absl::StrCat("cannot ", std::string(what),
                                                 " ", dir, ": ", s.ToString()));
}

BackupInfo FromRocks(const rocksdb::BackupInfo& info) {
  BackupInfo out;
  out.id = info.backup_id;
  out.created_at = info.timestamp;
  out.bytes = info.size;
  out.files = info.number_files;
  out.metadata = info.app_metadata;
  return out;
}

rocksdb::Slice ToSlice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

// Tables with at least this many changes get their own thread in Ingest.
constexpr size_t kParallelIngestOps = 100'000;

// Drops, as RocksDB compacts a table's files, the entries the predicate of
// Store::SetExpiry calls expired.
class ExpiryFilter : public rocksdb::CompactionFilter {
 public:
  bool Filter(int /*level*/, const rocksdb::Slice& key,
              const rocksdb::Slice& value, std::string* /*new_value*/,
              bool* /*value_changed*/) const override {
    // Every table has a filter; most never get a predicate.
    if (!set_.load(std::memory_order_acquire)) return false;
    std::shared_lock lock(mu_);
    return expired_ && expired_(key.ToStringView(), value.ToStringView());
  }
  const char* Name() const override { return "jiwon.ExpiryFilter"; }

  void Set(Store::ExpiredFn expired) {
    std::unique_lock lock(mu_);
    expired_ = std::move(expired);
    set_.store(true, std::memory_order_release);
  }

 private:
  std::atomic<bool> set_{false};
  mutable std::shared_mutex mu_;
  Store::ExpiredFn expired_;
};

using ExpiryFilters = std::vector<std::unique_ptr<ExpiryFilter>>;

class RocksDbStore : public Store {
 public:
  // `filters` (one per table) are those the column families were opened
  // with; they outlive the database.
  RocksDbStore(ExpiryFilters filters, std::unique_ptr<rocksdb::DB> db,
               std::vector<rocksdb::ColumnFamilyHandle*> handles,
               std::string dir, std::string data_dir, RocksDbOptions options,
               std::shared_ptr<rocksdb::Statistics> statistics)
      : statistics_(std::move(statistics)),
        filters_(std::move(filters)),
        db_(std::move(db)),
        handles_(std::move(handles)),
        dir_(std::move(dir)),
        data_dir_(std::move(data_dir)),
        options_(std::move(options)) {
    write_options_.sync = options_.sync_writes;
  }

  StoreCounters counters() const override {
    StoreCounters c;
    c.writes_refused_disk_full = refused_.load();
    c.write_errors = write_errors_.load();
    c.writes_refused_now = refusing_.load();
    return c;
  }

  StoreStats stats() const override {
    StoreStats st;
    auto aggregated = [&](const std::string& name) {
      uint64_t v = 0;
      return db_->GetAggregatedIntProperty(name, &v) ? v : 0;
    };
    st.live_sst_bytes = aggregated(rocksdb::DB::Properties::kLiveSstFilesSize);
    st.memtable_bytes =
        aggregated(rocksdb::DB::Properties::kCurSizeAllMemTables);
    st.pending_compaction_bytes =
        aggregated(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
    st.running_compactions =
        aggregated(rocksdb::DB::Properties::kNumRunningCompactions);
    st.block_cache_bytes =
        aggregated(rocksdb::DB::Properties::kBlockCacheUsage);
    uint64_t stopped = 0;
    st.writes_stopped =
        db_->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped,
                            &stopped) &&
        stopped != 0;
    if (statistics_ != nullptr) {
      st.stall_micros = statistics_->getTickerCount(rocksdb::STALL_MICROS);
      st.block_cache_hits =
          statistics_->getTickerCount(rocksdb::BLOCK_CACHE_HIT);
      st.block_cache_misses =
          statistics_->getTickerCount(rocksdb::BLOCK_CACHE_MISS);
    }
    return st;
  }

  absl::StatusOr<BackupInfo> Backup(const std::string& dir,
                                    const std::string& metadata) override {
    std::lock_guard lock(backup_mu_);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create the backup directory ", dir, ": ", ec.message()));
    }
    rocksdb::BackupEngineOptions engine_options(dir);
    // Copies go on beside serving: at most two threads, at idle priority.
    engine_options.max_background_operations = 2;
    rocksdb::BackupEngine* raw = nullptr;
    rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
        engine_options, rocksdb::Env::Default(), &raw);
    if (!s.ok()) return BackupError("open the backup directory", dir, s);
    std::unique_ptr<rocksdb::BackupEngine> engine(raw);
    rocksdb::CreateBackupOptions options;
    options.flush_before_backup = true;
    options.decrease_background_thread_cpu_priority = true;
    options.background_thread_cpu_priority = rocksdb::CpuPriority::kIdle;
    rocksdb::BackupID id = 0;
    s = engine->CreateNewBackupWithMetadata(options, db_.get(), metadata, &id);
    if (!s.ok()) return BackupError("back up", dir, s);
    rocksdb::BackupInfo info;
    if (rocksdb::Status got = engine->GetBackupInfo(id, &info); !got.ok()) {
      return BackupError("read back", dir, got);
    }
    return FromRocks(info);
  }

  ~RocksDbStore() override {
    for (rocksdb::ColumnFamilyHandle* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  absl::StatusOr<std::optional<std::string>> Get(
      Table t, std::string_view key) const override {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), Handle(t), ToSlice(key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return FromRocks(s, "get");
    return std::optional<std::string>(std::move(value));
  }

  absl::Status Write(const WriteBatch& batch) override {
    rocksdb::WriteBatch wb;
    for (const WriteBatch::Op& op : batch.ops()) {
      rocksdb::Status s =
          op.value
              ? wb.Put(Handle(op.table), ToSlice(op.key), ToSlice(*op.value))
              : wb.Delete(Handle(op.table), ToSlice(op.key));
      if (!s.ok()) return FromRocks(s, "batch");
    }
    if (absl::Status s = Admit(wb.GetDataSize()); !s.ok()) return s;
    // The write-ahead log is on: an acknowledged write survives a crash of
    // the process (the OS holds the log); synced, power loss too.
    return Written(db_->Write(write_options_, &wb), "write");
  }

  absl::Status Ingest(const WriteBatch& batch) override {
    // Each table's changes, sorted by key.
    std::vector<std::vector<const WriteBatch::Op*>> by_table(
        std::size(kTables));
    for (const WriteBatch::Op& op : batch.ops()) {
      by_table[static_cast<size_t>(op.table)].push_back(&op);
    }
    const uint64_t n = ingest_counter_.fetch_add(1);
    std::vector<size_t> tables;
    for (size_t t = 0; t < by_table.size(); ++t) {
      if (!by_table[t].empty()) tables.push_back(t);
    }
    if (tables.empty()) return absl::OkStatus();
    {
      uint64_t bytes = 0;
      for (const WriteBatch::Op& op : batch.ops()) {
        bytes += op.key.size() + (op.value ? op.value->size() : 0);
      }
      if (absl::Status s = Admit(bytes); !s.ok()) return s;
    }
    // One table file per table, the large ones written side by side (a
    // rescore checkpoint carries millions of alerts and index entries).
    std::vector<std::string> files(tables.size());
    std::vector<absl::Status> written(tables.size());
    std::vector<std::thread> helpers;
    for (size_t i = 0; i < tables.size(); ++i) {
      const size_t t = tables[i];
      files[i] = absl::StrCat(dir_, "/", n, "-",
                              TableName(static_cast<Table>(t)), ".sst");
      auto write = [&, i, t] {
        written[i] =
            WriteTableFile(static_cast<Table>(t), &by_table[t], files[i]);
      };
      if (by_table[t].size() >= kParallelIngestOps && i + 1 < tables.size()) {
        helpers.emplace_back(write);
      } else {
        write();
      }
    }
    for (std::thread& h : helpers) h.join();
    auto cleanup = [&] {
      for (const std::string& f : files) std::remove(f.c_str());
    };
    for (const absl::Status& s : written) {
      if (!s.ok()) {
        cleanup();
        return s;
      }
    }
    std::vector<rocksdb::IngestExternalFileArg> args;
    for (size_t i = 0; i < tables.size(); ++i) {
      rocksdb::IngestExternalFileArg& arg = args.emplace_back();
      arg.column_family = Handle(static_cast<Table>(tables[i]));
      arg.external_files = {files[i]};
      arg.options.move_files = true;
    }
    rocksdb::Status s = db_->IngestExternalFiles(args);
    cleanup();  // moved files are gone already; failed ones are removed
    return Written(s, "ingest");
  }

  absl::Status Scan(
      Table t, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    return ScanWith(rocksdb::ReadOptions(), t, after, fn);
  }

  absl::Status DeleteRange(Table t, std::string_view begin,
                           std::string_view end) override {
    if (!(begin < end)) return absl::OkStatus();
    const rocksdb::Slice from = ToSlice(begin), to = ToSlice(end);
    // Files wholly inside the range are dropped without being read (8.9M
    // alerts in 0.17 s; compacting the range as well took 3.7 s); the range
    // deletion hides the rest, whose space compaction gives back later.
    if (absl::Status s = FromRocks(
            rocksdb::DeleteFilesInRange(db_.get(), Handle(t), &from, &to,
                                        /*include_end=*/false),
            "delete files in range");
        !s.ok()) {
      return s;
    }
    return FromRocks(
        db_->DeleteRange(rocksdb::WriteOptions(), Handle(t), from, to),
        "delete range");
  }

  void SetExpiry(Table t, ExpiredFn expired) override {
    filters_[static_cast<size_t>(t)]->Set(std::move(expired));
  }

  absl::Status Compact(Table t) override {
    rocksdb::CompactRangeOptions options;
    // Files at the last level too, or nothing would be dropped from them.
    options.bottommost_level_compaction =
        rocksdb::BottommostLevelCompaction::kForce;
    return FromRocks(db_->CompactRange(options, Handle(t), nullptr, nullptr),
                     "compact");
  }

  absl::StatusOr<std::optional<std::string>> LastKey(Table t) const override {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), Handle(t)));
    it->SeekToLast();
    if (!it->status().ok()) return FromRocks(it->status(), "last key");
    if (!it->Valid()) return std::optional<std::string>();
    return std::optional<std::string>(it->key().ToString());
  }

  std::unique_ptr<const Snapshot> TakeSnapshot() const override {
    return std::make_unique<RocksDbSnapshot>(db_.get());
  }

  absl::Status ScanSnapshot(
      const Snapshot& snapshot, Table t, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    rocksdb::ReadOptions options;
    options.snapshot = static_cast<const RocksDbSnapshot&>(snapshot).get();
    return ScanWith(options, t, after, fn);
  }

 private:
  void Warn(std::string_view message) const {
    if (options_.warn) options_.warn(message);
  }

  // Whether a write of about `bytes` may go ahead: not when it would leave
  // less than the reserve free (RocksDB must never meet a full disk: a
  // failed log write leaves it read-only, and has aborted jiwond).
  absl::Status Admit(uint64_t bytes) {
    struct statvfs st;
    if (statvfs(data_dir_.c_str(), &st) != 0) return absl::OkStatus();
    const uint64_t free = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    if (free < options_.min_free_bytes + bytes) {
      refused_.fetch_add(1);
      const std::string detail = absl::StrCat(
          free >> 20, " MiB free in ", data_dir_, ", under the reserve of ",
          options_.min_free_bytes >> 20, " MiB");
      if (!refusing_.exchange(true)) {
        Warn(absl::StrCat("disk full: ", detail,
                          "; writes are refused until space is freed, reads "
                          "are served"));
      }
      return WithDetail(
          absl::ResourceExhaustedError("disk full: the server refuses "
                                       "writes until space is freed; reads "
                                       "are served"),
          detail);
    }
    if (refusing_.exchange(false)) {
      Warn(absl::StrCat("disk space is back (", free >> 20, " MiB free in ",
                        data_dir_, "): writes resume"));
    }
    if (resume_.load()) {
      // A write failed below us (another process filled the disk, say):
      // RocksDB stopped writing; with space back it may go on.
      rocksdb::Status s = db_->Resume();
      if (!s.ok()) return FromRocks(s, "resume after a failed write");
      resume_.store(false);
      Warn("storage: writes resumed after a failed write");
    }
    return absl::OkStatus();
  }

  absl::Status Written(const rocksdb::Status& s, std::string_view what) {
    if (s.ok()) return absl::OkStatus();
    write_errors_.fetch_add(1);
    if (s.IsIOError() || s.IsNoSpace()) resume_.store(true);
    Warn(absl::StrCat("storage ", std::string(what), " failed in ", data_dir_,
                      ": ", s.ToString()));
    return FromRocks(s, what);
  }

  class RocksDbSnapshot : public Snapshot {
   public:
    explicit RocksDbSnapshot(rocksdb::DB* db)
        : db_(db), snapshot_(db->GetSnapshot()) {}
    ~RocksDbSnapshot() override { db_->ReleaseSnapshot(snapshot_); }
    const rocksdb::Snapshot* get() const { return snapshot_; }

   private:
    rocksdb::DB* db_;
    const rocksdb::Snapshot* snapshot_;
  };

  absl::Status ScanWith(
      rocksdb::ReadOptions options, Table t, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn) const {
    // A long scan should not push the hot blocks out of the cache.
    options.fill_cache = false;
    options.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, Handle(t)));
    if (after.empty()) {
      it->SeekToFirst();
    } else {
      it->Seek(ToSlice(after));
      if (it->Valid() && it->key().ToStringView() == after) it->Next();
    }
    for (; it->Valid(); it->Next()) {
      if (!fn(it->key().ToStringView(), it->value().ToStringView())) break;
    }
    return FromRocks(it->status(), "scan");
  }

  rocksdb::ColumnFamilyHandle* Handle(Table t) const {
    return handles_[static_cast<size_t>(t) + 1];
  }

  // Writes one table's changes, sorted by key (in place), as a table file
  // at `path`. A key twice is an error.
  absl::Status WriteTableFile(Table t, std::vector<const WriteBatch::Op*>* ops,
                              const std::string& path) const {
    auto by_key = [](const WriteBatch::Op* a, const WriteBatch::Op* b) {
      return a->key < b->key;
    };
    // Callers mostly hand them over in order already.
    if (!std::is_sorted(ops->begin(), ops->end(), by_key)) {
      std::stable_sort(ops->begin(), ops->end(), by_key);
    }
    for (size_t i = 1; i < ops->size(); ++i) {
      if ((*ops)[i]->key == (*ops)[i - 1]->key) {
        return absl::InvalidArgumentError(absl::StrCat(
            "ingest: key \"", (*ops)[i]->key, "\" twice in ", TableName(t)));
      }
    }
    rocksdb::Options options;
    options.compression = rocksdb::kNoCompression;
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, Handle(t));
    rocksdb::Status s = writer.Open(path);
    for (size_t i = 0; s.ok() && i < ops->size(); ++i) {
      const WriteBatch::Op& op = *(*ops)[i];
      s = op.value ? writer.Put(ToSlice(op.key), ToSlice(*op.value))
                   : writer.Delete(ToSlice(op.key));
    }
    if (s.ok()) s = writer.Finish();
    return FromRocks(s, "ingest: write table file");
  }

  std::shared_ptr<rocksdb::Statistics> statistics_;
  std::mutex backup_mu_;   // one backup at a time
  ExpiryFilters filters_;  // declared first: destroyed after db_
  std::unique_ptr<rocksdb::DB> db_;
  // handles_[0] is the default column family, then one per Table.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::string dir_;       // where Ingest makes its files
  std::string data_dir_;  // the database
  RocksDbOptions options_;
  rocksdb::WriteOptions write_options_;
  std::atomic<uint64_t> ingest_counter_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> write_errors_{0};
  std::atomic<bool> refusing_{false};
  std::atomic<bool> resume_{false};
};

// What RocksDB's log of this opening says about the write-ahead log
// (damage found, bytes dropped), one line each.
std::vector<std::string> LogRecoveryLines(const std::string& dir) {
  std::vector<std::string> out;
  std::FILE* f = std::fopen((dir + "/LOG").c_str(), "r");
  if (f == nullptr) return out;
  char line[4096];
  while (std::fgets(line, sizeof line, f) != nullptr && out.size() < 20) {
    std::string_view l(line);
    if (l.find("dropping") != l.npos || l.find("Corruption") != l.npos ||
        l.find("corruption") != l.npos) {
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) {
        l.remove_suffix(1);
      }
      out.emplace_back(l);
    }
  }
  std::fclose(f);
  return out;
}

}  // namespace

namespace {

// Opens the backup directory `dir`, which must exist, read-only.
absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackups(
    const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", dir, " does not exist"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::Env::Default(), rocksdb::BackupEngineOptions(dir), &raw);
  if (!s.ok()) return BackupError("open the backup directory", dir, s);
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

}  // namespace

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenBackups(dir);
  if (!engine.ok()) return engine.status();
  std::vector<rocksdb::BackupInfo> infos;
  (*engine)->GetBackupInfo(&infos);
  if (infos.empty()) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", dir, " holds no backup"));
  }
  std::vector<BackupInfo> out;
  out.reserve(infos.size());
  for (const rocksdb::BackupInfo& i : infos) out.push_back(FromRocks(i));
  std::sort(
      out.begin(), out.end(),
      [](const BackupInfo& a, const BackupInfo& b) { return a.id < b.id; });
  return out;
}

absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_dir,
                                         uint32_t id,
                                         const std::string& data_dir) {
  absl::StatusOr<std::vector<BackupInfo>> backups = ListBackups(backup_dir);
  if (!backups.ok()) return backups.status();
  const BackupInfo* chosen = &backups->back();
  if (id != 0) {
    chosen = nullptr;
    for (const BackupInfo& b : *backups) {
      if (b.id == id) chosen = &b;
    }
    if (chosen == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("backup ", id, " is not in ", backup_dir, " (it holds ",
                       backups->front().id, " to ", backups->back().id, ")"));
    }
  }
  std::error_code ec;
  if (std::filesystem::exists(data_dir + "/CURRENT", ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(data_dir,
                     " holds a database already; restore into an empty "
                     "directory"));
  }
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", data_dir, ": ", ec.message()));
  }
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenBackups(backup_dir);
  if (!engine.ok()) return engine.status();
  if (rocksdb::IOStatus s = (*engine)->VerifyBackup(chosen->id); !s.ok()) {
    return BackupError(absl::StrCat("verify backup ", chosen->id, " in"),
                       backup_dir, s);
  }
  rocksdb::IOStatus s = (*engine)->RestoreDBFromBackup(
      rocksdb::RestoreOptions(), chosen->id, data_dir, data_dir);
  if (!s.ok()) {
    return BackupError(absl::StrCat("restore backup ", chosen->id, " from"),
                       backup_dir, s);
  }
  return *chosen;
}

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(
    const std::string& dir, RocksDbOptions store_options) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.max_open_files = store_options.max_open_files;
  // A damaged log is an error unless the operator asked for recovery to
  // the last consistent point (RocksDB's default would do that silently).
  options.wal_recovery_mode =
      store_options.recover_damaged_log
          ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
          : rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  // Background flushes and compactions that meet a full disk are retried
  // once space returns, instead of leaving the database read-only.
  options.sst_file_manager.reset(rocksdb::NewSstFileManager(options.env));
  // Flushes and compactions are background work: they yield the CPU to
  // the threads that answer calls.
  for (auto pool :
       {rocksdb::Env::Priority::LOW, rocksdb::Env::Priority::HIGH}) {
    options.env->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kIdle)
        .PermitUncheckedError();
  }
  options.create_missing_column_families = true;
  // Tickers only (stalls, block cache hits): no timers on the read path.
  options.statistics = rocksdb::CreateDBStatistics();
  options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName,
                        rocksdb::ColumnFamilyOptions());
  ExpiryFilters filters;
  for (Table t : kTables) {
    rocksdb::ColumnFamilyOptions cf;
    filters.push_back(std::make_unique<ExpiryFilter>());
    cf.compaction_filter = filters.back().get();
    // The alert index's files are compacted at least weekly, so that the
    // entries of alerts gone go even from files no write makes RocksDB
    // compact; the other tables only as their writes make them.
    cf.periodic_compaction_seconds =
        t == Table::kAlertsByCompany ? 7 * 24 * 3600 : 0;
    families.emplace_back(TableName(t), cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, families, &handles, &raw);
  if (!s.ok() && s.IsCorruption()) {
    std::string where;
    for (const std::string& l : LogRecoveryLines(dir)) {
      absl::StrAppend(&where, "\n  ", l);
    }
    return absl::DataLossError(absl::StrCat(
        "the database in ", dir, " is damaged: ", s.ToString(),
        where.empty() ? "" : "; RocksDB's log says:", where,
        "\nStart with --recover_damaged_log to recover to the last "
        "consistent point (what follows it is lost and is logged)"));
  }
  if (!s.ok()) {
    // For the operator starting jiwond: the details belong in the message.
    return absl::UnavailableError(
        absl::StrCat("cannot open the database in ", dir, ": ", s.ToString()));
  }
  if (store_options.recover_damaged_log && store_options.warn) {
    for (const std::string& l : LogRecoveryLines(dir)) {
      store_options.warn(absl::StrCat("storage recovery: ", l));
    }
  }
  // Table files for Ingest are made here; any left by a crash are removed.
  const std::string ingest_dir = dir + "/ingest";
  std::error_code ec;
  std::filesystem::remove_all(ingest_dir, ec);
  std::filesystem::create_directories(ingest_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("create ", ingest_dir, ": ", ec.message()));
  }
  auto store = std::make_unique<RocksDbStore>(
      std::move(filters), std::unique_ptr<rocksdb::DB>(raw), std::move(handles),
      ingest_dir, dir, std::move(store_options), options.statistics);
  absl::StatusOr<std::optional<std::string>> version =
      store->Get(Table::kMeta, kSchemaVersionKey);
  if (!version.ok()) return version.status();
  // Version 1 lacked the results and alerts column families, which Open has
  // just created empty: it upgrades by writing the new version.
  const std::optional<uint64_t> found =
      version->has_value() ? DecodeUint64(**version) : std::nullopt;
  if (!version->has_value() || found == 1) {
    WriteBatch batch;
    batch.Put(Table::kMeta, std::string(kSchemaVersionKey),
              EncodeUint64(kSchemaVersion));
    if (absl::Status w = store->Write(batch); !w.ok()) return w;
  } else if (found != kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir,
        " holds a database of another schema version; this jiwond reads "
        "versions 1 and ",
        kSchemaVersion));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jiwon::storage
