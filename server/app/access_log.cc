#include "server/app/access_log.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/errors.h"
#include "server/app/page_token.h"
#include "server/app/registry.h"
#include "server/storage/key_codec.h"

namespace jiwon::app {
namespace {

using storage::Table;

constexpr std::string_view kFloorKey = "access_first_kept";

}  // namespace

absl::StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(
    storage::Store* store, int retention_days, std::function<int64_t()> now) {
  std::unique_ptr<AccessLog> log(
      new AccessLog(store, retention_days, std::move(now)));
  absl::StatusOr<std::optional<std::string>> floor =
      store->Get(Table::kMeta, kFloorKey);
  if (!floor.ok()) return floor.status();
  if (floor->has_value()) {
    std::optional<uint64_t> id = storage::DecodeUint64(**floor);
    if (!id || *id == 0) {
      return absl::DataLossError("access log: the first kept id is damaged");
    }
    log->first_ = *id;
  }
  log->last_ = log->first_ - 1;
  absl::StatusOr<std::optional<std::string>> last =
      store->LastKey(Table::kAccess);
  if (!last.ok()) return last.status();
  if (last->has_value()) {
    std::optional<uint64_t> id = storage::DecodeUint64(**last);
    if (!id) {
      return absl::DataLossError("access log: a key is not an 8-byte id");
    }
    log->last_ = std::max(log->last_, *id);
  }
  log->MaybeTrim();
  return log;
}

uint64_t AccessLog::first_id() const {
  std::lock_guard lock(mu_);
  return first_;
}

uint64_t AccessLog::last_id() const {
  std::lock_guard lock(mu_);
  return last_;
}

absl::Status AccessLog::Append(v1::AccessRecord record) {
  MaybeTrim();
  record.set_time(Rfc3339(now_()));
  uint64_t id;
  {
    std::lock_guard lock(mu_);
    id = ++last_;
  }
  record.clear_id();
  storage::WriteBatch batch;
  batch.Put(Table::kAccess, storage::EncodeUint64(id),
            record.SerializeAsString());
  return store_->Write(batch);
}

void AccessLog::MaybeTrim() {
  if (retention_days_ <= 0) return;
  const int64_t now = now_();
  {
    std::lock_guard lock(mu_);
    if (last_trim_ != 0 && now - last_trim_ < 3600) return;
    last_trim_ = now;
  }
  // A failed trim is tried again an hour later; the records stay.
  (void)Trim(Rfc3339(now - int64_t{retention_days_} * 86400));
}

absl::StatusOr<uint64_t> AccessLog::FirstAtOrAfter(
    std::string_view time) const {
  uint64_t lo, hi;
  {
    std::lock_guard lock(mu_);
    lo = first_;
    hi = last_ + 1;
  }
  // Records are numbered in the order they were made. A number given but
  // not yet written (or whose write failed) counts as made now.
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    absl::StatusOr<std::optional<std::string>> value =
        store_->Get(Table::kAccess, storage::EncodeUint64(mid));
    if (!value.ok()) return value.status();
    v1::AccessRecord r;
    if (value->has_value() && !r.ParseFromString(**value)) {
      return absl::DataLossError(
          absl::StrCat("access record ", mid, " is unreadable"));
    }
    if (value->has_value() && r.time() < time) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

absl::StatusOr<uint64_t> AccessLog::Trim(std::string_view cutoff) {
  std::lock_guard trim(trim_mu_);
  absl::StatusOr<uint64_t> cut = FirstAtOrAfter(cutoff);
  if (!cut.ok()) return cut.status();
  const uint64_t floor = first_id();
  if (*cut <= floor) return 0;
  storage::WriteBatch batch;
  batch.Put(Table::kMeta, std::string(kFloorKey), storage::EncodeUint64(*cut));
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    first_ = *cut;
  }
  if (absl::Status s =
          store_->DeleteRange(Table::kAccess, storage::EncodeUint64(0),
                              storage::EncodeUint64(*cut));
      !s.ok()) {
    return s;
  }
  return *cut - floor;
}

absl::StatusOr<AccessLog::Page> AccessLog::Read(
    std::string_view company_id, std::string_view since, int page_size,
    std::string_view page_token) const {
  absl::StatusOr<int> size = PageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  page_size = *size;
  const std::string filters =
      absl::StrCat(std::string(company_id), "|", std::string(since));
  absl::StatusOr<std::string> position =
      ReadPageToken("access_log", filters, page_token);
  if (!position.ok()) return position.status();
  uint64_t after = 0;
  if (!position->empty() && !absl::SimpleAtoi(*position, &after)) {
    return engine::FieldStatus("page_token", engine::reason::kBadPageToken,
                               "not a record number");
  }
  if (!since.empty()) {
    absl::StatusOr<uint64_t> start = FirstAtOrAfter(since);
    if (!start.ok()) return start.status();
    if (*start > 0) after = std::max(after, *start - 1);
  }
  Page page;
  uint64_t reached = after;
  absl::Status bad;
  absl::Status s = store_->Scan(
      Table::kAccess, after == 0 ? "" : storage::EncodeUint64(after),
      [&](std::string_view key, std::string_view value) {
        std::optional<uint64_t> id = storage::DecodeUint64(key);
        v1::AccessRecord r;
        if (!id ||
            !r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          bad = absl::DataLossError("an access record is unreadable");
          return false;
        }
        reached = *id;
        bool match = company_id.empty();
        for (const std::string& c : r.company_ids()) {
          if (c == company_id) match = true;
        }
        if (match) {
          r.set_id(absl::StrCat(*id));
          page.records.push_back(std::move(r));
        }
        return static_cast<int>(page.records.size()) < page_size;
      });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  if (static_cast<int>(page.records.size()) == page_size &&
      reached < last_id()) {
    page.next_page_token =
        MakePageToken("access_log", filters, absl::StrCat(reached));
  }
  return page;
}

}  // namespace jiwon::app
