#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>

#include "absl/strings/str_cat.h"
#include "server/storage/key_codec.h"
#include "server/storage/store.h"

namespace jiwon::storage {

const char* TableName(Table t) {
  switch (t) {
    case Table::kMeta:
      return "meta";
    case Table::kCompanies:
      return "companies";
    case Table::kPrograms:
      return "programs";
    case Table::kFeedback:
      return "feedback";
    case Table::kResults:
      return "results";
    case Table::kAlerts:
      return "alerts";
    case Table::kAlertsByCompany:
      return "alerts_by_company";
    case Table::kAccess:
      return "access";
    case Table::kDrafts:
      return "drafts";
  }
  return "?";
}

namespace {

class MemoryStore : public Store {
 public:
  MemoryStore() {
    tables_[static_cast<int>(Table::kMeta)][std::string(kSchemaVersionKey)] =
        EncodeUint64(kSchemaVersion);
  }

  absl::StatusOr<std::optional<std::string>> Get(
      Table t, std::string_view key) const override {
    std::shared_lock lock(mu_);
    const auto& table = tables_[static_cast<int>(t)];
    auto it = table.find(key);
    if (it == table.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  absl::Status Write(const WriteBatch& batch) override {
    std::unique_lock lock(mu_);
    for (const WriteBatch::Op& op : batch.ops()) {
      auto& table = tables_[static_cast<int>(op.table)];
      if (op.value) {
        table[op.key] = *op.value;
      } else {
        table.erase(op.key);
      }
    }
    return absl::OkStatus();
  }

  absl::Status Ingest(const WriteBatch& batch) override {
    std::set<std::pair<Table, std::string_view>> seen;
    for (const WriteBatch::Op& op : batch.ops()) {
      if (!seen.emplace(op.table, op.key).second) {
        return absl::InvalidArgumentError(absl::StrCat(
            "ingest: key \"", op.key, "\" twice in ", TableName(op.table)));
      }
    }
    return Write(batch);
  }

  absl::Status Scan(
      Table t, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    std::shared_lock lock(mu_);
    return ScanTable(tables_[static_cast<int>(t)], after, fn);
  }

  absl::StatusOr<std::optional<std::string>> LastKey(Table t) const override {
    std::shared_lock lock(mu_);
    const Map& table = tables_[static_cast<int>(t)];
    if (table.empty()) return std::optional<std::string>();
    return std::optional<std::string>(table.rbegin()->first);
  }

  absl::Status DeleteRange(Table t, std::string_view begin,
                           std::string_view end) override {
    std::unique_lock lock(mu_);
    Map& table = tables_[static_cast<int>(t)];
    if (begin < end) {
      table.erase(table.lower_bound(begin), table.lower_bound(end));
    }
    return absl::OkStatus();
  }

  void SetExpiry(Table t, ExpiredFn expired) override {
    std::unique_lock lock(mu_);
    expired_[static_cast<int>(t)] = std::move(expired);
  }

  absl::Status Compact(Table t) override {
    std::unique_lock lock(mu_);
    const ExpiredFn& expired = expired_[static_cast<int>(t)];
    if (!expired) return absl::OkStatus();
    Map& table = tables_[static_cast<int>(t)];
    for (auto it = table.begin(); it != table.end();) {
      it = expired(it->first, it->second) ? table.erase(it) : std::next(it);
    }
    return absl::OkStatus();
  }

  std::unique_ptr<const Snapshot> TakeSnapshot() const override {
    std::shared_lock lock(mu_);
    auto copy = std::make_unique<Copy>();
    for (size_t i = 0; i < std::size(kTables); ++i)
      copy->tables[i] = tables_[i];
    return copy;
  }

  absl::Status ScanSnapshot(
      const Snapshot& snapshot, Table t, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn)
      const override {
    return ScanTable(
        static_cast<const Copy&>(snapshot).tables[static_cast<int>(t)], after,
        fn);
  }

 private:
  using Map = std::map<std::string, std::string, std::less<>>;
  struct Copy : Snapshot {
    Map tables[std::size(kTables)];
  };

  static absl::Status ScanTable(
      const Map& table, std::string_view after,
      const std::function<bool(std::string_view, std::string_view)>& fn) {
    auto it = after.empty() ? table.begin() : table.upper_bound(after);
    for (; it != table.end(); ++it) {
      if (!fn(it->first, it->second)) break;
    }
    return absl::OkStatus();
  }

  mutable std::shared_mutex mu_;
  Map tables_[std::size(kTables)];
  ExpiredFn expired_[std::size(kTables)];
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace jiwon::storage
