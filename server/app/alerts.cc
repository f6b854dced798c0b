#include "server/app/alerts.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/errors.h"
#include "server/storage/key_codec.h"
#include "server/wire_format.h"

namespace jiwon::app {

void EncodeAlert(const AlertRecord& a, std::string* out) {
  using server::wire::AppendInt;
  using server::wire::AppendString;
  out->clear();
  AppendInt(out, 2, a.kind);
  AppendString(out, 3, a.company_id);
  AppendString(out, 4, a.program_id);
  AppendString(out, 5, a.program_title);
  AppendInt(out, 6, a.before);
  AppendInt(out, 7, a.after);
  AppendInt(out, 8, a.score);
  AppendString(out, 9, a.window_end);
  AppendString(out, 10, a.source);
  AppendInt(out, 11, a.catalog_version);
  AppendString(out, 12, a.as_of);
  AppendString(out, 13, a.created_at);
}

using storage::Table;

absl::StatusOr<std::unique_ptr<AlertLog>> AlertLog::Open(
    storage::Store* store) {
  std::unique_ptr<AlertLog> log(new AlertLog(store));
  absl::StatusOr<std::optional<std::string>> floor =
      store->Get(Table::kMeta, storage::kAlertsFloorKey);
  if (!floor.ok()) return floor.status();
  if (floor->has_value()) {
    std::optional<uint64_t> id = storage::DecodeUint64(**floor);
    if (!id || *id == 0) {
      return absl::DataLossError("alerts: the first kept id is damaged");
    }
    log->floor_->store(*id);
  }
  // Numbering goes on after the last alert, kept or trimmed.
  log->last_ = log->floor_->load() - 1;
  absl::StatusOr<std::optional<std::string>> last =
      store->LastKey(Table::kAlerts);
  if (!last.ok()) return last.status();
  if (last->has_value()) {
    std::optional<uint64_t> id = storage::DecodeUint64(**last);
    if (!id) return absl::DataLossError("alerts: a key is not an 8-byte id");
    log->last_ = std::max(log->last_, *id);
  }
  // An index entry whose last alert was trimmed points at nothing.
  store->SetExpiry(
      Table::kAlertsByCompany,
      [floor = log->floor_](std::string_view key, std::string_view) {
        if (key.size() < 8) return false;
        std::optional<uint64_t> last_id =
            storage::DecodeUint64(key.substr(key.size() - 8));
        return last_id && *last_id < floor->load();
      });
  return log;
}

absl::Status AlertLog::Commit(
    storage::WriteBatch batch, std::vector<Pending> alerts,
    const std::function<void(uint64_t, uint64_t, storage::WriteBatch*)>& finish,
    bool ingest) {
  std::lock_guard commit(commit_mu_);
  const uint64_t first = last_id() + 1;
  uint64_t id = first - 1;
  batch.Reserve(2 * alerts.size() + 1);
  // A company's consecutive alerts share one index entry (a rescore makes
  // several reminders a company at once): the key names the last, the value
  // how many there are when more than one.
  for (size_t i = 0; i < alerts.size();) {
    size_t j = i + 1;
    while (j < alerts.size() && alerts[j].company_id == alerts[i].company_id) {
      ++j;
    }
    for (size_t k = i; k < j; ++k) {
      // The id is the key; the stored alert leaves it out (Read puts it
      // back).
      batch.Put(Table::kAlerts, storage::EncodeUint64(++id),
                std::move(alerts[k].bytes));
    }
    // The company id's own buffer becomes the index key (the caller may
    // have reserved room for it).
    std::string key = std::move(alerts[i].company_id);
    key.push_back('\0');
    key.append(storage::EncodeUint64(id));
    std::string count;
    if (j - i > 1) server::wire::AppendVarint(&count, j - i);
    batch.Put(Table::kAlertsByCompany, std::move(key), std::move(count));
    i = j;
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
    std::vector<std::function<void()>> woken;
    {
      std::lock_guard lock(mu_);
      last_ = id;
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.after < id) {
          woken.push_back(std::move(it->second.fn));
          it = waiters_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (std::function<void()>& fn : woken) fn();
  }
  return absl::OkStatus();
}

std::optional<uint64_t> AlertLog::Subscribe(uint64_t after,
                                            std::function<void()> fn) {
  std::lock_guard lock(mu_);
  if (closed_ || last_ > after) return std::nullopt;
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, Waiter{after, std::move(fn)});
  return id;
}

bool AlertLog::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  return waiters_.erase(id) == 1;
}

void AlertLog::Close() {
  std::map<uint64_t, Waiter> woken;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    woken.swap(waiters_);
  }
  for (auto& [id, w] : woken) w.fn();
}

bool AlertLog::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
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
  const uint64_t floor = first_id();
  if (after > until) {
    return absl::OutOfRangeError(
        absl::StrCat("after: alert ", after, " has not been made; the feed ",
                     until == 0 ? std::string("is empty")
                                : absl::StrCat("ends at alert ", until)));
  }
  // floor >= 1; `after + 1` would wrap at the top of uint64.
  if (after != 0 && after < floor - 1) {
    return engine::WithReason(
        absl::OutOfRangeError(absl::StrCat(
            "after: alerts ", after + 1, " to ", floor - 1,
            " are no longer kept (older than jiwond's --alert_retention_days); "
            "the feed now starts at alert ",
            floor, ": resume after ", floor - 1, " to go on without them")),
        engine::reason::kAlertsExpired);
  }
  after = std::max(after, floor - 1);
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
    // Index keys name the last alert of a run of the company's alerts, so
    // the first key past `after` is the first run with an alert after it.
    scan = store_->Scan(
        Table::kAlertsByCompany, storage::CompanyAlertKey(company_id, after),
        [&](std::string_view key, std::string_view count_bytes) {
          if (key.substr(0, prefix.size()) != prefix) return false;
          std::optional<uint64_t> last =
              storage::DecodeUint64(key.substr(prefix.size()));
          uint64_t count = 1;
          size_t pos = 0;
          if (!last ||
              (!count_bytes.empty() &&
               (!server::wire::ReadVarint(count_bytes, &pos, &count) ||
                pos != count_bytes.size() || count == 0 || count > *last))) {
            bad = absl::DataLossError(absl::StrCat("alert index of company ",
                                                   std::string(company_id),
                                                   " damaged"));
            return false;
          }
          // after + 1 >= floor: trimmed alerts are skipped.
          for (uint64_t id = std::max(*last - count + 1, after + 1);
               id <= *last; ++id) {
            if (id > until) return false;
            absl::StatusOr<std::optional<std::string>> value =
                store_->Get(Table::kAlerts, storage::EncodeUint64(id));
            if (!value.ok()) {
              bad = value.status();
              return false;
            }
            if (!value->has_value()) {
              if (id < first_id()) continue;  // trimmed while we read
              bad = absl::DataLossError(
                  absl::StrCat("alert ", id, " indexed but missing"));
              return false;
            }
            v1::Alert alert;
            if (!parse(id, **value, &alert)) return false;
            if (!fn(std::move(alert))) {
              position = id;
              return false;
            }
          }
          return true;
        });
  }
  if (reached != nullptr) *reached = position;
  if (!scan.ok()) return scan;
  return bad;
}

absl::StatusOr<uint64_t> AlertLog::Trim(std::string_view cutoff) {
  std::lock_guard trim(trim_mu_);
  const uint64_t floor = first_id();
  const uint64_t last = last_id();
  // The first alert made at or after the cutoff: alerts are numbered in the
  // order they were made.
  uint64_t lo = floor, hi = last + 1;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    absl::StatusOr<std::optional<std::string>> value =
        store_->Get(Table::kAlerts, storage::EncodeUint64(mid));
    if (!value.ok()) return value.status();
    v1::Alert alert;
    if (!value->has_value() || !alert.ParseFromString(**value)) {
      return absl::DataLossError(
          absl::StrCat("alert ", mid, " missing or unreadable"));
    }
    if (alert.created_at() < cutoff) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const uint64_t cut = lo;
  if (cut == floor) return 0;
  // The new first id first: should the deletion not happen, the alerts
  // before it are skipped all the same, and the next trim deletes them.
  storage::WriteBatch batch;
  batch.Put(Table::kMeta, std::string(storage::kAlertsFloorKey),
            storage::EncodeUint64(cut));
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  floor_->store(cut);
  if (absl::Status s = store_->DeleteRange(
          Table::kAlerts, storage::EncodeUint64(0), storage::EncodeUint64(cut));
      !s.ok()) {
    return s;
  }
  return cut - floor;
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

void AlertConsumers::Advance(const std::string& consumer, uint64_t position) {
  std::lock_guard lock(mu_);
  auto it = positions_.find(consumer);
  if (it == positions_.end()) {
    if (positions_.size() >= kMaxConsumers) return;
    positions_.emplace(consumer, position);
    return;
  }
  it->second = std::max(it->second, position);
}

std::vector<std::pair<std::string, uint64_t>> AlertConsumers::Positions()
    const {
  std::lock_guard lock(mu_);
  return {positions_.begin(), positions_.end()};
}

}  // namespace jiwon::app
