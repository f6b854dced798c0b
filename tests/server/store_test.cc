// One conformance suite for both stores, plus what only RocksDB can show.

#include "server/storage/store.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "server/storage/key_codec.h"
#include "tests/testing.h"

namespace jiwon::storage {
namespace {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_.path());
    ASSERT_NE(store_, nullptr);
  }

  std::optional<std::string> Get(Table t, std::string_view key) {
    absl::StatusOr<std::optional<std::string>> v = store_->Get(t, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  void Put(Table t, std::string key, std::string value) {
    WriteBatch b;
    b.Put(t, std::move(key), std::move(value));
    JIWON_ASSERT_OK(store_->Write(b));
  }

  std::vector<std::string> Keys(Table t, std::string_view after = "",
                                size_t stop_after = 1000) {
    std::vector<std::string> keys;
    JIWON_EXPECT_OK(
        store_->Scan(t, after, [&](std::string_view k, std::string_view) {
          keys.emplace_back(k);
          return keys.size() < stop_after;
        }));
    return keys;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, MissingKeyIsNullopt) {
  EXPECT_EQ(Get(Table::kCompanies, "nope"), std::nullopt);
}

TEST_P(StoreConformanceTest, SnapshotsKeepTheirMoment) {
  Put(Table::kCompanies, "a", "1");
  Put(Table::kCompanies, "b", "2");
  std::unique_ptr<const Snapshot> snapshot = store_->TakeSnapshot();
  Put(Table::kCompanies, "b", "changed");
  Put(Table::kCompanies, "c", "3");
  WriteBatch b;
  b.Delete(Table::kCompanies, "a");
  JIWON_ASSERT_OK(store_->Write(b));
  std::vector<std::string> seen;
  JIWON_ASSERT_OK(store_->ScanSnapshot(
      *snapshot, Table::kCompanies, "",
      [&](std::string_view k, std::string_view v) {
        seen.push_back(std::string(k) + "=" + std::string(v));
        return true;
      }));
  EXPECT_EQ(seen, (std::vector<std::string>{"a=1", "b=2"}));
  seen.clear();
  JIWON_ASSERT_OK(
      store_->ScanSnapshot(*snapshot, Table::kCompanies, "a",
                           [&](std::string_view k, std::string_view) {
                             seen.emplace_back(k);
                             return true;
                           }));
  EXPECT_EQ(seen, (std::vector<std::string>{"b"}));
  EXPECT_EQ(Keys(Table::kCompanies), (std::vector<std::string>{"b", "c"}));
}

TEST_P(StoreConformanceTest, LastKeyIsTheGreatest) {
  auto none = store_->LastKey(Table::kAlerts);
  JIWON_ASSERT_OK(none);
  EXPECT_EQ(*none, std::nullopt);
  Put(Table::kAlerts, EncodeUint64(2), "b");
  Put(Table::kAlerts, EncodeUint64(300), "c");
  Put(Table::kAlerts, EncodeUint64(1), "a");
  Put(Table::kResults, "zzz", "other table");
  auto last = store_->LastKey(Table::kAlerts);
  JIWON_ASSERT_OK(last);
  EXPECT_EQ(*last, EncodeUint64(300));
}

TEST_P(StoreConformanceTest, IngestAppliesALargeBatchAtOnce) {
  Put(Table::kResults, "b", "old");
  Put(Table::kResults, "d", "gone soon");
  WriteBatch batch;
  batch.Put(Table::kResults, "c", "3");
  batch.Put(Table::kResults, "a", "1");
  batch.Put(Table::kResults, "b", "2");
  batch.Delete(Table::kResults, "d");
  batch.Put(Table::kAlerts, EncodeUint64(2), "x");
  batch.Put(Table::kMeta, "k", "v");
  JIWON_ASSERT_OK(store_->Ingest(batch));
  EXPECT_EQ(Keys(Table::kResults), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Get(Table::kResults, "b"), "2");
  EXPECT_EQ(Get(Table::kMeta, "k"), "v");
  EXPECT_EQ(Get(Table::kAlerts, EncodeUint64(2)), "x");
  // Later writes win over ingested ones, as over written ones.
  Put(Table::kResults, "a", "after");
  EXPECT_EQ(Get(Table::kResults, "a"), "after");

  WriteBatch twice;
  twice.Put(Table::kResults, "e", "1");
  twice.Put(Table::kResults, "e", "2");
  const absl::Status s = store_->Ingest(twice);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(Table::kResults, "e"), std::nullopt);
}

// Batches the size of a rescore checkpoint: several tables of 100,000s of
// changes (written side by side by RocksDB's store), all or nothing.
TEST_P(StoreConformanceTest, IngestsLargeTablesTogetherOrNotAtAll) {
  constexpr uint64_t kRows = 150'000;
  constexpr size_t kAll = 1'000'000;
  WriteBatch batch;
  for (uint64_t i = 1; i <= kRows; ++i) {
    batch.Put(Table::kAlerts, EncodeUint64(i), absl::StrCat("alert ", i));
    batch.Put(Table::kAlertsByCompany,
              absl::StrCat("C", 1000000 + i % 1000, "/", 1000000 + i), "");
    if (i % 3 == 0) batch.Put(Table::kResults, absl::StrCat("r", i), "res");
  }
  batch.Put(Table::kMeta, "checkpoint", "1");
  JIWON_ASSERT_OK(store_->Ingest(batch));
  EXPECT_EQ(Keys(Table::kAlerts, "", kAll).size(), kRows);
  EXPECT_EQ(Keys(Table::kAlertsByCompany, "", kAll).size(), kRows);
  EXPECT_EQ(Keys(Table::kResults, "", kAll).size(), kRows / 3);
  EXPECT_EQ(Get(Table::kAlerts, EncodeUint64(kRows)),
            absl::StrCat("alert ", kRows));
  EXPECT_EQ(Get(Table::kMeta, "checkpoint"), "1");

  // One key twice in one large table: no table changes.
  WriteBatch bad;
  for (uint64_t i = kRows + 1; i <= 2 * kRows; ++i) {
    bad.Put(Table::kAlerts, EncodeUint64(i), "a");
    bad.Put(Table::kResults, absl::StrCat("s", i), "b");
  }
  bad.Put(Table::kResults, absl::StrCat("s", kRows + 7), "again");
  bad.Put(Table::kMeta, "checkpoint", "2");
  EXPECT_EQ(store_->Ingest(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Keys(Table::kAlerts, "", kAll).size(), kRows);
  EXPECT_EQ(Keys(Table::kResults, "", kAll).size(), kRows / 3);
  EXPECT_EQ(Get(Table::kMeta, "checkpoint"), "1");
}

TEST_P(StoreConformanceTest, DeleteRangeAndExpiry) {
  WriteBatch batch;
  for (uint64_t i = 1; i <= 20; ++i) {
    batch.Put(Table::kAlerts, EncodeUint64(i), "a");
    batch.Put(Table::kAlertsByCompany, absl::StrCat(std::string("C\0", 2), i),
              "");
  }
  JIWON_ASSERT_OK(store_->Ingest(batch));
  // [5, 12) goes; the rest stays.
  JIWON_ASSERT_OK(
      store_->DeleteRange(Table::kAlerts, EncodeUint64(5), EncodeUint64(12)));
  JIWON_ASSERT_OK(
      store_->DeleteRange(Table::kAlerts, EncodeUint64(9), EncodeUint64(9)));
  std::vector<std::string> want;
  for (uint64_t i : {1, 2, 3, 4, 12, 13, 14, 15, 16, 17, 18, 19, 20}) {
    want.push_back(EncodeUint64(i));
  }
  EXPECT_EQ(Keys(Table::kAlerts), want);

  // Entries called expired may go at any time, and do when compacted; the
  // others stay.
  store_->SetExpiry(Table::kAlertsByCompany,
                    [](std::string_view key, std::string_view) {
                      return key.size() == 3;  // "C\0" and one digit
                    });
  JIWON_ASSERT_OK(store_->Compact(Table::kAlertsByCompany));
  std::vector<std::string> index = Keys(Table::kAlertsByCompany);
  ASSERT_EQ(index.size(), 11u);
  for (const std::string& k : index) EXPECT_EQ(k.size(), 4u) << k;
  JIWON_ASSERT_OK(store_->Compact(Table::kAlerts));  // no predicate: no-op
  EXPECT_EQ(Keys(Table::kAlerts), want);
}

TEST_P(StoreConformanceTest, PutGetOverwriteDelete) {
  Put(Table::kCompanies, "c1", "one");
  EXPECT_EQ(Get(Table::kCompanies, "c1"), "one");
  Put(Table::kCompanies, "c1", "uno");
  EXPECT_EQ(Get(Table::kCompanies, "c1"), "uno");
  WriteBatch del;
  del.Delete(Table::kCompanies, "c1");
  JIWON_ASSERT_OK(store_->Write(del));
  EXPECT_EQ(Get(Table::kCompanies, "c1"), std::nullopt);
}

TEST_P(StoreConformanceTest, TablesAreSeparate) {
  Put(Table::kCompanies, "x", "company");
  Put(Table::kPrograms, "x", "program");
  EXPECT_EQ(Get(Table::kCompanies, "x"), "company");
  EXPECT_EQ(Get(Table::kPrograms, "x"), "program");
}

TEST_P(StoreConformanceTest, BatchAppliesEveryChange) {
  Put(Table::kPrograms, "old", "1");
  WriteBatch b;
  b.Put(Table::kPrograms, "p1", "a");
  b.Put(Table::kMeta, std::string(kCatalogVersionKey), EncodeUint64(7));
  b.Delete(Table::kPrograms, "old");
  JIWON_ASSERT_OK(store_->Write(b));
  EXPECT_EQ(Get(Table::kPrograms, "p1"), "a");
  EXPECT_EQ(Get(Table::kPrograms, "old"), std::nullopt);
  EXPECT_EQ(DecodeUint64(*Get(Table::kMeta, kCatalogVersionKey)), 7u);
}

TEST_P(StoreConformanceTest, ScansInKeyOrderAfterAKey) {
  for (const char* k : {"b", "a", "d", "c"}) Put(Table::kCompanies, k, k);
  EXPECT_EQ(Keys(Table::kCompanies),
            (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Keys(Table::kCompanies, "b"), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Keys(Table::kCompanies, "bb"),
            (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Keys(Table::kCompanies, "", 2),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Keys(Table::kPrograms).empty());
}

TEST_P(StoreConformanceTest, NewStoreCarriesTheSchemaVersion) {
  std::optional<std::string> v = Get(Table::kMeta, kSchemaVersionKey);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(DecodeUint64(*v), kSchemaVersion);
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreConformanceTest,
    ::testing::Values(
        StoreFactory{"Memory",
                     [](const std::string&) { return NewMemoryStore(); }},
        StoreFactory{"RocksDb",
                     [](const std::string& dir) -> std::unique_ptr<Store> {
                       auto s = OpenRocksDbStore(dir + "/db");
                       EXPECT_TRUE(s.ok()) << s.status();
                       return s.ok() ? *std::move(s) : nullptr;
                     }}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) {
      return info.param.name;
    });

TEST(RocksDbStoreTest, WritesSurviveReopening) {
  testing::TempDir dir;
  {
    auto store = OpenRocksDbStore(dir.path());
    JIWON_ASSERT_OK(store);
    WriteBatch b;
    b.Put(Table::kCompanies, "c1", "kept");
    JIWON_ASSERT_OK((*store)->Write(b));
  }
  auto store = OpenRocksDbStore(dir.path());
  JIWON_ASSERT_OK(store);
  auto v = (*store)->Get(Table::kCompanies, "c1");
  JIWON_ASSERT_OK(v);
  EXPECT_EQ(*v, "kept");
}

// Every key and value of every table.
using Contents = std::map<std::pair<Table, std::string>, std::string>;
Contents Dump(const Store& store) {
  Contents out;
  for (Table t : kTables) {
    JIWON_EXPECT_OK(
        store.Scan(t, "", [&](std::string_view k, std::string_view v) {
          out.emplace(std::make_pair(t, std::string(k)), std::string(v));
          return true;
        }));
  }
  return out;
}

// `n` records in every table, through the log and past it (Ingest).
void Fill(Store* store, int from, int n) {
  WriteBatch logged, ingested;
  for (Table t : kTables) {
    if (t == Table::kMeta) continue;
    for (int i = from; i < from + n; ++i) {
      (i % 2 == 0 ? logged : ingested)
          .Put(t, absl::StrCat("k", 100000 + i),
               absl::StrCat(TableName(t), " value ", i));
    }
  }
  JIWON_ASSERT_OK(store->Write(logged));
  JIWON_ASSERT_OK(store->Ingest(ingested));
}

uint64_t DiskBytes(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

TEST(RocksDbStoreTest, BackupsRestoreEveryTableAsItWas) {
  testing::TempDir dir;
  const std::string backups = dir.path() + "/backups";
  auto store = OpenRocksDbStore(dir.path() + "/db");
  JIWON_ASSERT_OK(store);
  Fill(store->get(), 0, 2000);
  const Contents first = Dump(**store);
  absl::StatusOr<BackupInfo> one = (*store)->Backup(backups, "first");
  JIWON_ASSERT_OK(one);
  EXPECT_EQ(one->id, 1u);
  EXPECT_EQ(one->metadata, "first");
  EXPECT_GT(one->bytes, 0u);

  // More writes, a deletion and an overwrite, then the second backup.
  Fill(store->get(), 2000, 500);
  {
    WriteBatch b;
    b.Delete(Table::kCompanies, "k100000");
    b.Put(Table::kPrograms, "k100001", "changed");
    JIWON_ASSERT_OK((*store)->Write(b));
  }
  const Contents second = Dump(**store);
  ASSERT_NE(first, second);
  absl::StatusOr<BackupInfo> two = (*store)->Backup(backups, "second");
  JIWON_ASSERT_OK(two);
  EXPECT_EQ(two->id, 2u);
  // The second shares the first's files: the directory holds less than
  // the two backups' sizes summed.
  EXPECT_LT(DiskBytes(backups), one->bytes + two->bytes);
  Fill(store->get(), 3000, 10);  // after both: in neither

  absl::StatusOr<std::vector<BackupInfo>> list = ListBackups(backups);
  JIWON_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].metadata, "first");
  EXPECT_EQ((*list)[1].metadata, "second");

  for (const auto& [id, want] : {std::pair{1u, &first}, {0u, &second}}) {
    const std::string to = absl::StrCat(dir.path(), "/restored", id);
    absl::StatusOr<BackupInfo> restored = RestoreBackup(backups, id, to);
    JIWON_ASSERT_OK(restored);
    EXPECT_EQ(restored->id, id == 0 ? 2u : id);
    auto opened = OpenRocksDbStore(to);
    JIWON_ASSERT_OK(opened);
    EXPECT_TRUE(Dump(**opened) == *want) << "backup " << id;
  }
  // Into a database: refused, and the database is left as it was.
  const Contents before = Dump(**store);
  store->reset();
  EXPECT_EQ(RestoreBackup(backups, 1, dir.path() + "/db").status().code(),
            absl::StatusCode::kFailedPrecondition);
  store = OpenRocksDbStore(dir.path() + "/db");
  JIWON_ASSERT_OK(store);
  EXPECT_TRUE(Dump(**store) == before);
  EXPECT_EQ(RestoreBackup(backups, 9, dir.path() + "/x").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ListBackups(dir.path() + "/none").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(RocksDbStoreTest, ReportsItsFigures) {
  testing::TempDir dir;
  auto store = OpenRocksDbStore(dir.path());
  JIWON_ASSERT_OK(store);
  Fill(store->get(), 0, 1000);
  const StoreStats st = (*store)->stats();
  EXPECT_GT(st.live_sst_bytes, 0u);  // the ingested files
  EXPECT_GT(st.memtable_bytes, 0u);  // the logged writes
  for (int i = 0; i < 1000; i += 7) {
    JIWON_EXPECT_OK(
        (*store)->Get(Table::kCompanies, absl::StrCat("k", 100000 + i)));
  }
  EXPECT_GT(
      (*store)->stats().block_cache_hits + (*store)->stats().block_cache_misses,
      0u);
}

TEST(RocksDbStoreTest, UpgradesVersionOneInPlace) {
  testing::TempDir dir;
  {
    auto store = OpenRocksDbStore(dir.path());
    JIWON_ASSERT_OK(store);
    WriteBatch b;
    b.Put(Table::kMeta, std::string(kSchemaVersionKey), EncodeUint64(1));
    b.Put(Table::kCompanies, "c1", "kept");
    JIWON_ASSERT_OK((*store)->Write(b));
  }
  auto store = OpenRocksDbStore(dir.path());
  JIWON_ASSERT_OK(store);
  auto v = (*store)->Get(Table::kMeta, kSchemaVersionKey);
  JIWON_ASSERT_OK(v);
  EXPECT_EQ(DecodeUint64(**v), kSchemaVersion);
  auto c = (*store)->Get(Table::kCompanies, "c1");
  JIWON_ASSERT_OK(c);
  EXPECT_EQ(*c, "kept");
}

TEST(RocksDbStoreTest, RefusesAnotherSchemaVersion) {
  testing::TempDir dir;
  {
    auto store = OpenRocksDbStore(dir.path());
    JIWON_ASSERT_OK(store);
    WriteBatch b;
    b.Put(Table::kMeta, std::string(kSchemaVersionKey),
          EncodeUint64(kSchemaVersion + 1));
    JIWON_ASSERT_OK((*store)->Write(b));
  }
  auto store = OpenRocksDbStore(dir.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

RocksDbOptions Quick(std::vector<std::string>* warnings = nullptr) {
  RocksDbOptions o;
  o.sync_writes = false;
  if (warnings != nullptr) {
    o.warn = [warnings](std::string_view w) { warnings->emplace_back(w); };
  }
  return o;
}

size_t CountCompanies(Store& store) {
  size_t n = 0;
  EXPECT_TRUE(store
                  .Scan(Table::kCompanies, "",
                        [&](std::string_view, std::string_view) {
                          ++n;
                          return true;
                        })
                  .ok());
  return n;
}

// A damaged write-ahead log: the store will not open, naming the log file,
// unless recovery to the last consistent point is asked for, which keeps
// what came before the damage and says what it dropped.
TEST(RocksDbStoreTest, DamagedLogIsRefusedThenRecoveredOnRequest) {
  testing::TempDir dir;
  {
    auto store = OpenRocksDbStore(dir.path(), Quick());
    JIWON_ASSERT_OK(store);
    for (int i = 0; i < 320; ++i) {
      WriteBatch b;
      b.Put(Table::kCompanies, absl::StrCat("C", 1000 + i),
            std::string(200, 'x'));
      JIWON_ASSERT_OK((*store)->Write(b));
    }
  }
  std::string wal;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    if (name.size() > 4 && name.ends_with(".log") &&
        e.file_size() > 32 * 1024) {
      wal = e.path().string();
    }
  }
  ASSERT_FALSE(wal.empty()) << "no write-ahead log with the writes";
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(wal) / 2));
    f.write("garbage garbage garbage garbage!", 32);
  }
  auto refused = OpenRocksDbStore(dir.path(), Quick());
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(refused.status().message().find(".log"), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("--recover_damaged_log"),
            std::string::npos)
      << refused.status();

  std::vector<std::string> warnings;
  RocksDbOptions recover = Quick(&warnings);
  recover.recover_damaged_log = true;
  auto store = OpenRocksDbStore(dir.path(), recover);
  JIWON_ASSERT_OK(store);
  const size_t kept = CountCompanies(**store);
  EXPECT_GT(kept, 0u);
  EXPECT_LT(kept, 320u);
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("storage recovery"), std::string::npos)
      << warnings[0];
}

// A data directory on a small tmpfs filled by writes: they are refused
// with RESOURCE_EXHAUSTED before RocksDB meets the full disk, reads go on,
// and writes resume by themselves once space is freed. Needs root (mount).
TEST(RocksDbStoreTest, FullDiskRefusesWritesAndResumes) {
  testing::TempDir dir;
  const std::string mnt = dir.path() + "/small";
  std::filesystem::create_directories(mnt);
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64m"), 0)
      << "mounting a 64 MiB tmpfs needs root: " << std::strerror(errno);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string filler = mnt + "/filler";
  {
    std::ofstream f(filler, std::ios::binary);
    const std::string mib(1 << 20, 'f');
    for (int i = 0; i < 24; ++i) f << mib;
  }
  std::vector<std::string> warnings;
  RocksDbOptions options = Quick(&warnings);
  options.min_free_bytes = 8 << 20;
  auto store = OpenRocksDbStore(mnt + "/db", options);
  JIWON_ASSERT_OK(store);
  const std::string value(100 * 1024, 'v');
  int written = 0;
  absl::Status last;
  for (; written < 1000; ++written) {
    WriteBatch b;
    b.Put(Table::kCompanies, absl::StrCat("C", 10000 + written), value);
    last = (*store)->Write(b);
    if (!last.ok()) break;
  }
  ASSERT_LT(written, 1000) << "the disk never filled";
  EXPECT_GT(written, 50);
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  EXPECT_NE(last.message().find("disk full"), std::string::npos) << last;
  EXPECT_EQ(last.message().find(mnt), std::string::npos)
      << "the path is for the log only: " << last;
  EXPECT_TRUE((*store)->counters().writes_refused_now);
  EXPECT_GE((*store)->counters().writes_refused_disk_full, 1u);
  // Reads are served.
  auto first = (*store)->Get(Table::kCompanies, "C10000");
  JIWON_ASSERT_OK(first);
  EXPECT_EQ(first->value_or(""), value);
  EXPECT_EQ(CountCompanies(**store), static_cast<size_t>(written));
  // Space back: the next write goes through.
  std::filesystem::remove(filler);
  WriteBatch b;
  b.Put(Table::kCompanies, "after", "x");
  JIWON_ASSERT_OK((*store)->Write(b));
  EXPECT_FALSE((*store)->counters().writes_refused_now);
  ASSERT_GE(warnings.size(), 2u);
  EXPECT_NE(warnings.front().find("disk full"), std::string::npos);
  EXPECT_NE(warnings.back().find("writes resume"), std::string::npos);
  store->reset();
  auto reopened = OpenRocksDbStore(mnt + "/db", options);
  JIWON_ASSERT_OK(reopened);
  EXPECT_EQ(CountCompanies(**reopened), static_cast<size_t>(written) + 1);
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
}

// Every ingest adds table files that nothing compacts (alerts only grow at
// the end): the descriptors held stay within max_open_files however many
// there are, and every key stays readable.
TEST(RocksDbStoreTest, OpenFilesStayBounded) {
  testing::TempDir dir;
  RocksDbOptions options = Quick();
  options.max_open_files = 32;
  auto store = OpenRocksDbStore(dir.path(), options);
  JIWON_ASSERT_OK(store);
  const size_t before = OpenDescriptors();
  for (int i = 0; i < 200; ++i) {
    WriteBatch b;
    b.Put(Table::kAlerts, EncodeUint64(static_cast<uint64_t>(i + 1)), "a");
    JIWON_ASSERT_OK((*store)->Ingest(b));
  }
  for (int i = 0; i < 200; i += 7) {
    auto v = (*store)->Get(Table::kAlerts,
                           EncodeUint64(static_cast<uint64_t>(i + 1)));
    JIWON_ASSERT_OK(v);
    EXPECT_EQ(v->value_or(""), "a");
  }
  const size_t after = OpenDescriptors();
  EXPECT_LT(after, before + 48)
      << before << " descriptors before, " << after << " after 200 ingests";
}

TEST(KeyCodecTest, BigEndianSortsNumerically) {
  EXPECT_LT(EncodeUint64(255), EncodeUint64(256));
  EXPECT_EQ(DecodeUint64(EncodeUint64(0x0102030405060708ULL)),
            0x0102030405060708ULL);
  EXPECT_EQ(DecodeUint64("short"), std::nullopt);
}

}  // namespace
}  // namespace jiwon::storage
