#include "server/app/alerts.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/storage/key_codec.h"

namespace jiwon::app {

using storage::Table;

absl::StatusOr<std::unique_ptr<AlertLog>> AlertLog::Open(
    storage::Store* store) {
  std::unique_ptr<AlertLog> log(new AlertLog(store));
  absl::StatusOr<std::optional<std::string>> last =
      store->LastKey(Table::kAlerts);
  if (!last.ok()) return last.status();
  if (last->has_value()) {
    std::optional<uint64_t> id = storage::DecodeUint64(**last);
    if (!id) return absl::DataLossError("alerts: a key is not an 8-byte id");
    log->last_ = *id;
  }
  return log;
}

absl::Status AlertLog::Commit(
    storage::WriteBatch batch, std::vector<Pending> alerts,
    const std::function<void(uint64_t, uint64_t, storage::WriteBatch*)>& finish,
    bool ingest) {
  std::lock_guard commit(commit_mu_);
  const uint64_t first = last_id() + 1;
  uint64_t id = first - 1;
  for (Pending& a : alerts) {
    ++id;
    // The id is the key; the stored alert leaves it out (Read puts it back).
    batch.Put(Table::kAlerts, storage::EncodeUint64(id), std::move(a.bytes));
    // The company id's own buffer becomes the index key (the caller may
    // have reserved room for it).
    std::string key = std::move(a.company_id);
    key.push_back('\0');
    key.append(storage::EncodeUint64(id));
    batch.Put(Table::kAlertsByCompany, std::move(key), std::string());
  }
  if (finish) {
    if (alerts.empty()) {
      finish(0, 0, &batch);
    } else {
      finish(first, id, &batch);
    }
  }
  if (absl::Status s = ingest ? store_->Ingest(batch) : store_->Write(batch);
      !s.ok()) {
    return s;
  }
  if (!alerts.empty()) {
    std::lock_guard lock(mu_);
    last_ = id;
    grew_.notify_all();
  }
  return absl::OkStatus();
}

uint64_t AlertLog::last_id() const {
  std::lock_guard lock(mu_);
  return last_;
}

absl::Status AlertLog::Read(uint64_t after, std::string_view company_id,
                            const std::function<bool(v1::Alert&&)>& fn,
                            uint64_t* reached) const {
  // Only what was committed when the read began: a commit in progress may
  // not be whole yet.
  const uint64_t until = last_id();
  uint64_t position = std::max(after, until);
  if (reached != nullptr) *reached = position;
  if (after >= until) return absl::OkStatus();
  absl::Status bad;
  auto parse = [&](uint64_t id, std::string_view value, v1::Alert* alert) {
    if (!alert->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      bad = absl::DataLossError(absl::StrCat("alert ", id, " unreadable"));
      return false;
    }
    alert->set_id(absl::StrCat(id));
    return true;
  };
  absl::Status scan;
  if (company_id.empty()) {
    scan = store_->Scan(Table::kAlerts, storage::EncodeUint64(after),
                        [&](std::string_view key, std::string_view value) {
                          std::optional<uint64_t> id =
                              storage::DecodeUint64(key);
                          if (!id || *id > until) return false;
                          v1::Alert alert;
                          if (!parse(*id, value, &alert)) return false;
                          if (fn(std::move(alert))) return true;
                          position = *id;
                          return false;
                        });
  } else {
    const std::string prefix = storage::FeedbackPrefix(company_id);
    scan = store_->Scan(
        Table::kAlertsByCompany, storage::CompanyAlertKey(company_id, after),
        [&](std::string_view key, std::string_view) {
          if (key.substr(0, prefix.size()) != prefix) return false;
          std::optional<uint64_t> id =
              storage::DecodeUint64(key.substr(prefix.size()));
          if (!id || *id > until) return false;
          absl::StatusOr<std::optional<std::string>> value =
              store_->Get(Table::kAlerts, storage::EncodeUint64(*id));
          if (!value.ok()) {
            bad = value.status();
            return false;
          }
          if (!value->has_value()) {
            bad = absl::DataLossError(
                absl::StrCat("alert ", *id, " indexed but missing"));
            return false;
          }
          v1::Alert alert;
          if (!parse(*id, **value, &alert)) return false;
          if (fn(std::move(alert))) return true;
          position = *id;
          return false;
        });
  }
  if (reached != nullptr) *reached = position;
  if (!scan.ok()) return scan;
  return bad;
}

bool AlertLog::WaitAfter(uint64_t after, int timeout_ms) const {
  std::unique_lock lock(mu_);
  return grew_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return last_ > after; });
}

absl::StatusOr<uint64_t> AlertLog::ParseId(std::string_view field,
                                           std::string_view id) {
  if (id.empty()) return 0;
  uint64_t v;
  if (!absl::SimpleAtoi(absl::string_view(id.data(), id.size()), &v) ||
      id.front() == '+' || id.front() == '-') {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": not an alert id (a number from the feed): \"",
        std::string(id.substr(0, 40)), "\""));
  }
  return v;
}

}  // namespace jiwon::app
