#include "server/app/registry.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/near_miss.h"
#include "engine/validate.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/app/page_token.h"
#include "server/app/update_mask.h"
#include "server/convert.h"
#include "server/log.h"
#include "server/storage/key_codec.h"

namespace jiwon::app {
namespace {

// This Abseil's string_view is not std::string_view.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

using storage::Table;

// ListCompanies' and ListPrograms' pages.
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::Status CheckId(std::string_view field, std::string_view id) {
  if (id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": must not be empty"));
  }
  if (!engine::IsValidId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(field), ": must be 1-64 characters of [A-Za-z0-9._:-]"));
  }
  return absl::OkStatus();
}

// A stored record by id: INVALID_ARGUMENT for a malformed id, NOT_FOUND when
// absent. `kind` names it in messages ("company", "program").
template <typename Message>
absl::StatusOr<Message> ReadRecord(const storage::Store& store, Table table,
                                   std::string_view kind, std::string_view id) {
  if (absl::Status s = CheckId(absl::StrCat(std::string(kind), "_id"), id);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::optional<std::string>> value = store.Get(table, id);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat(std::string(kind), " \"",
                                         std::string(id), "\" does not exist")),
        kind == "company" ? engine::reason::kCompanyNotFound
                          : engine::reason::kProgramNotFound);
  }
  Message m;
  if (!m.ParseFromString(**value)) {
    return absl::DataLossError(absl::StrCat(std::string(kind), " ",
                                            std::string(id), " is unreadable"));
  }
  return m;
}

}  // namespace

engine::Date TodayInKorea() {
  return engine::Date::FromDays(
      static_cast<int32_t>((UnixNow() + 9 * 3600) / 86400));
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Rfc3339(int64_t unix_seconds) {
  const std::time_t secs = static_cast<std::time_t>(unix_seconds);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return stamp;
}

absl::StatusOr<engine::ScoringWeights> ParseScoringWeights(
    std::string_view spec) {
  engine::ScoringWeights w;
  if (spec.empty()) return w;
  const std::pair<const char*, int64_t*> keys[] = {
      {"need", &w.per_matching_need},
      {"bonus", &w.per_bonus_point},
      {"deadline", &w.deadline_max},
      {"benefit", &w.per_ten_million_won},
      {"benefit_cap", &w.benefit_cap}};
  for (absl::string_view item :
       absl::StrSplit(absl::string_view(spec.data(), spec.size()), ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    int64_t value = 0;
    if (!absl::SimpleAtoi(kv.second, &value) || value < 0 || value > 1000000) {
      return absl::InvalidArgumentError(
          absl::StrCat("scoring: \"", std::string(item),
                       "\" needs key=weight with a weight of 0-1000000"));
    }
    bool found = false;
    for (const auto& [name, field] : keys) {
      if (kv.first == name) {
        *field = value;
        found = true;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("scoring: unknown key \"", kv.first,
                       "\" (need, bonus, deadline, benefit, benefit_cap)"));
    }
  }
  return w;
}

Registry::Registry(storage::Store* store, const engine::Reference* reference,
                   engine::ScoringWeights weights)
    : store_(store),
      reference_(reference),
      evaluator_(reference, weights),
      companies_(&evaluator_) {}

absl::StatusOr<std::unique_ptr<Registry>> Registry::Open(
    storage::Store* store, const engine::Reference* reference,
    engine::ScoringWeights weights) {
  std::unique_ptr<Registry> r(new Registry(store, reference, weights));
  absl::StatusOr<std::optional<std::string>> version =
      store->Get(Table::kMeta, storage::kCatalogVersionKey);
  if (!version.ok()) return version.status();
  int64_t catalog_version = 0;
  if (version->has_value()) {
    catalog_version =
        static_cast<int64_t>(storage::DecodeUint64(**version).value_or(0));
  }
  std::vector<std::shared_ptr<const engine::Program>> programs;
  absl::Status failure;
  absl::Status scan = store->Scan(
      Table::kPrograms, "", [&](std::string_view key, std::string_view value) {
        v1::Program p;
        if (!p.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(
              absl::StrCat("program ", std::string(key), " is unreadable"));
          return false;
        }
        absl::StatusOr<engine::Program> domain = r->ValidateProgram(p);
        if (!domain.ok()) {
          failure = absl::DataLossError(absl::StrCat(
              "stored program ", std::string(key),
              " no longer validates: ", domain.status().message()));
          return false;
        }
        programs.push_back(
            std::make_shared<const engine::Program>(*std::move(domain)));
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failure.ok()) return failure;
  absl::Status companies = r->ForEachCompany([&](const v1::Company& record) {
    std::vector<engine::FieldError> errors;
    engine::Company c = server::CompanyFromProto(record, &errors);
    if (errors.empty()) r->companies_.Upsert(c);
  });
  if (!companies.ok()) return companies;
  absl::Status feedback = store->Scan(
      Table::kFeedback, "", [&](std::string_view key, std::string_view value) {
        v1::Feedback f;
        if (!f.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(absl::StrCat(
              "feedback ",
              absl::CHexEscape(absl::string_view(key.data(), key.size())),
              " is unreadable"));
          return false;
        }
        if (f.kind() == v1::FEEDBACK_KIND_DISMISSED) {
          // Keys sort by company, then program: the lists come out sorted.
          r->dismissed_[f.company_id()].push_back(f.program_id());
        }
        return true;
      });
  if (!feedback.ok()) return feedback;
  if (!failure.ok()) return failure;
  r->rebuilder_ = std::thread([raw = r.get()] { raw->RebuildLoop(); });
  r->Publish(engine::Catalog::Build(std::move(programs), catalog_version));
  return r;
}

Registry::~Registry() {
  {
    std::lock_guard lock(rebuild_mu_);
    stop_ = true;
  }
  rebuild_cv_.notify_all();
  if (rebuilder_.joinable()) rebuilder_.join();
}

void Registry::Publish(std::shared_ptr<const engine::Catalog> catalog) {
  const int64_t version = catalog->version();
  server::Log(server::LogLevel::kDebug, "catalog published",
              {{"catalog_version", version},
               {"programs", static_cast<int64_t>(catalog->programs().size())}});
  catalog_.store(std::move(catalog));
  {
    std::lock_guard lock(rebuild_mu_);
    wanted_version_ = version;
  }
  rebuild_cv_.notify_all();
}

void Registry::RebuildLoop() {
  constexpr auto kQuiet = std::chrono::milliseconds(20);
  std::unique_lock lock(rebuild_mu_);
  while (true) {
    rebuild_cv_.wait(lock, [&] {
      if (stop_) return true;
      std::shared_ptr<const engine::Matcher> m = matcher_.load();
      return m == nullptr || m->catalog().version() != wanted_version_;
    });
    if (stop_) return;
    // Let a burst of writes finish first.
    int64_t seen = wanted_version_;
    do {
      seen = wanted_version_;
      rebuild_cv_.wait_for(lock, kQuiet, [&] { return stop_; });
      if (stop_) return;
    } while (seen != wanted_version_);
    lock.unlock();
    std::shared_ptr<const engine::Catalog> catalog = catalog_.load();
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<const engine::Matcher> built =
        engine::Matcher::Build(catalog, &evaluator_);
    const engine::Matcher::Stats stats = built->stats();
    const int64_t matcher_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start)
            .count();
    // The search index of the same snapshot, published before the matcher:
    // once the matcher is current, so is the index.
    const auto search_start = std::chrono::steady_clock::now();
    auto view = std::make_shared<SearchView>();
    view->catalog = catalog;
    view->index = engine::SearchIndex::Build(catalog->programs());
    const int64_t search_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - search_start)
            .count();
    search_.store(std::move(view));
    matcher_.store(std::move(built));
    server::Log(server::LogLevel::kInfo, "catalog swapped",
                {{"catalog_version", catalog->version()},
                 {"programs", static_cast<int64_t>(stats.programs)},
                 {"dimensions", static_cast<int64_t>(stats.dimensions)},
                 {"indexed_rules", static_cast<int64_t>(stats.indexed_rules +
                                                        stats.threshold_rules)},
                 {"residual_rules", static_cast<int64_t>(stats.residual_rules)},
                 {"build_ms", matcher_ms},
                 {"search_index_ms", search_ms}});
    lock.lock();
    rebuild_cv_.notify_all();
  }
}

std::shared_ptr<const engine::Matcher> Registry::CurrentMatcher() const {
  std::shared_ptr<const engine::Matcher> m = matcher_.load();
  if (m == nullptr || m->catalog_ptr() != catalog_.load()) return nullptr;
  return m;
}

std::shared_ptr<const engine::Matcher> Registry::MatcherForCurrentCatalog()
    const {
  for (;;) {
    WaitForMatcher();
    // A write may have come between; then wait for its matcher too.
    if (std::shared_ptr<const engine::Matcher> m = CurrentMatcher()) return m;
  }
}

absl::StatusOr<std::vector<Registry::SearchResult>> Registry::SearchPrograms(
    std::string_view query, const SearchOptions& options, size_t limit,
    size_t* total) const {
  std::shared_ptr<const SearchView> view = search_.load();
  if (view == nullptr) {
    WaitForMatcher();
    view = search_.load();
  }
  // Hits name programs of the indexed snapshot; what is shown is the
  // current catalog's (a program deleted since is left out).
  const std::shared_ptr<const engine::Catalog> current = catalog_.load();
  const auto& indexed = view->catalog->programs();
  std::vector<std::shared_ptr<const engine::Program>> now(indexed.size());
  std::vector<engine::WindowStatus> statuses(indexed.size());
  const auto keep = [&](int32_t i) {
    const size_t at = static_cast<size_t>(i);
    std::shared_ptr<const engine::Program> p =
        current == view->catalog ? indexed[at] : current->Find(indexed[at]->id);
    if (p == nullptr) return false;
    if (!options.categories.empty() &&
        std::find(options.categories.begin(), options.categories.end(),
                  p->category) == options.categories.end()) {
      return false;
    }
    const engine::WindowStatus status =
        engine::StatusOn(p->window, options.as_of);
    if (options.open_only && status != engine::WindowStatus::kOpen) {
      return false;
    }
    if (options.among != nullptr &&
        !std::binary_search(options.among->begin(), options.among->end(),
                            p->id)) {
      return false;
    }
    now[at] = std::move(p);
    statuses[at] = status;
    return true;
  };
  absl::StatusOr<engine::SearchIndex::Results> found =
      view->index->Search(query, limit, keep);
  if (!found.ok()) return found.status();
  *total = found->total;
  std::vector<SearchResult> out;
  out.reserve(found->hits.size());
  for (const engine::SearchHit& h : found->hits) {
    const size_t at = static_cast<size_t>(h.program);
    out.push_back({now[at], h.score, h.in_title, statuses[at]});
  }
  return out;
}

void Registry::WaitForMatcher() const {
  std::unique_lock lock(rebuild_mu_);
  rebuild_cv_.wait(lock, [&] { return CurrentMatcher() != nullptr; });
}

namespace {

// Adds the validator's findings to what converting the record found
// (`errors`, whose first `prior` entries came before converting), leaving
// out those about a field the conversion already refused: a field that
// could not be read is left unset, and its absence is no second problem.
void AddFindings(std::vector<engine::FieldError> checked, size_t prior,
                 std::vector<engine::FieldError>* errors) {
  const size_t converted = errors->size();
  for (engine::FieldError& fe : checked) {
    bool repeats = false;
    for (size_t i = prior; i < converted && !repeats; ++i) {
      const std::string& refused = (*errors)[i].field;
      repeats =
          fe.field.compare(0, refused.size(), refused) == 0 &&
          (fe.field.size() == refused.size() ||
           fe.field[refused.size()] == '.' || fe.field[refused.size()] == '[');
    }
    if (!repeats) errors->push_back(std::move(fe));
  }
}

}  // namespace

// ------------------------------------------------------------- companies

absl::StatusOr<engine::Company> Registry::ToDomain(
    const v1::Company& company, std::vector<engine::FieldError> errors) const {
  const size_t prior = errors.size();
  engine::Company c = server::CompanyFromProto(company, &errors);
  std::vector<engine::FieldError> checked;
  engine::ValidateCompany(c, *reference_, TodayInKorea(), &checked);
  AddFindings(std::move(checked), prior, &errors);
  if (absl::Status s = engine::ErrorsToStatus(errors); !s.ok()) return s;
  return c;
}

absl::StatusOr<engine::Company> Registry::PrepareCompany(
    v1::Company* company) const {
  // A record to store: fields the schema lacks would be kept unread. (An
  // inline profile is not stored, and Recommend skips this walk.)
  std::vector<engine::FieldError> unknown;
  server::CheckUnknownFields(*company, "company", &unknown);
  server::NormalizeCompany(company);
  return ToDomain(*company, std::move(unknown));
}

namespace {

// The stored company `id`, or none.
absl::StatusOr<std::optional<v1::Company>> StoredCompany(
    const storage::Store& store, std::string_view id) {
  absl::StatusOr<std::optional<std::string>> bytes =
      store.Get(Table::kCompanies, id);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<v1::Company>();
  v1::Company c;
  if (!c.ParseFromString(**bytes)) {
    return absl::DataLossError(
        absl::StrCat("company ", std::string(id), " is unreadable"));
  }
  return std::optional<v1::Company>(std::move(c));
}

// ABORTED unless `stored_version` (0: none stored) is `expected`.
absl::Status CheckExpected(std::string_view kind, std::string_view id,
                           int64_t stored_version,
                           std::optional<int64_t> expected) {
  if (!expected || *expected == stored_version) return absl::OkStatus();
  return engine::WithReason(
      absl::AbortedError(absl::StrCat(
          "expected_version: ", *expected, ", but ", std::string(kind), " \"",
          std::string(id), "\" is ",
          stored_version == 0 ? std::string("not stored")
                              : absl::StrCat("at version ", stored_version),
          ": read it again and reapply the change")),
      engine::reason::kVersionMismatch);
}

// Sets `company`'s version after `stored`'s; false when the content is
// the same as stored (the version is then the stored one's).
bool NextCompanyVersion(const std::optional<v1::Company>& stored,
                        v1::Company* company) {
  company->clear_version();
  if (!stored) {
    company->set_version(1);
    return true;
  }
  v1::Company before = *stored;
  before.clear_version();
  if (google::protobuf::util::MessageDifferencer::Equals(before, *company)) {
    company->set_version(std::max<int64_t>(stored->version(), 1));
    return false;
  }
  company->set_version(std::max<int64_t>(stored->version(), 1) + 1);
  return true;
}

}  // namespace

absl::StatusOr<int> Registry::StoreCompanies(
    std::vector<v1::Company>& records,
    const std::vector<engine::Company>& companies) {
  if (records.empty()) return 0;
  storage::WriteBatch batch;
  batch.Reserve(records.size());
  std::lock_guard lock(write_mu_);
  std::vector<bool> changed(records.size());
  // A company twice in one batch: the later record follows the earlier.
  absl::flat_hash_map<std::string, size_t> earlier;
  int unchanged = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    v1::Company& c = records[i];
    std::optional<v1::Company> stored;
    if (auto it = earlier.find(c.id()); it != earlier.end()) {
      stored = records[it->second];
    } else {
      absl::StatusOr<std::optional<v1::Company>> s =
          StoredCompany(*store_, c.id());
      if (!s.ok()) return s.status();
      stored = *std::move(s);
    }
    changed[i] = NextCompanyVersion(stored, &c);
    earlier.insert_or_assign(c.id(), i);
    if (!changed[i]) {
      ++unchanged;
      continue;
    }
    batch.Put(Table::kCompanies, c.id(), c.SerializeAsString());
  }
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  for (size_t i = 0; i < companies.size(); ++i) {
    if (changed[i]) companies_.Upsert(companies[i]);
  }
  return unchanged;
}

absl::StatusOr<Registry::CompanyWrite> Registry::UpsertCompany(
    v1::Company* company, std::optional<int64_t> expected_version) {
  company->clear_version();
  absl::StatusOr<engine::Company> domain = PrepareCompany(company);
  if (!domain.ok()) return domain.status();
  std::lock_guard lock(write_mu_);
  absl::StatusOr<std::optional<v1::Company>> stored =
      StoredCompany(*store_, company->id());
  if (!stored.ok()) return stored.status();
  return WriteCompany(*stored, *std::move(domain), expected_version, company);
}

absl::StatusOr<Registry::CompanyWrite> Registry::UpdateCompany(
    const v1::Company& patch, const google::protobuf::FieldMask& mask,
    std::optional<int64_t> expected_version,
    const std::function<absl::Status(const v1::Company&, const v1::Company&)>&
        admit,
    v1::Company* company) {
  if (absl::Status s = CheckId("company.id", patch.id()); !s.ok()) return s;
  std::lock_guard lock(write_mu_);
  absl::StatusOr<std::optional<v1::Company>> stored =
      StoredCompany(*store_, patch.id());
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(
            absl::StrCat("company \"", patch.id(), "\" does not exist")),
        engine::reason::kCompanyNotFound);
  }
  *company = **stored;
  if (absl::Status s = ApplyUpdateMask(patch, mask, company); !s.ok()) {
    return s;
  }
  if (admit) {
    if (absl::Status s = admit(**stored, *company); !s.ok()) return s;
  }
  company->clear_version();
  absl::StatusOr<engine::Company> domain = PrepareCompany(company);
  if (!domain.ok()) return domain.status();
  return WriteCompany(*stored, *std::move(domain), expected_version, company);
}

absl::StatusOr<Registry::CompanyWrite> Registry::WriteCompany(
    const std::optional<v1::Company>& stored, engine::Company domain,
    std::optional<int64_t> expected_version, v1::Company* company) {
  if (absl::Status s =
          CheckExpected("company", company->id(),
                        stored ? std::max<int64_t>(stored->version(), 1) : 0,
                        expected_version);
      !s.ok()) {
    return s;
  }
  CompanyWrite out;
  out.created = !stored.has_value();
  out.unchanged = !NextCompanyVersion(stored, company);
  if (out.unchanged) return out;
  storage::WriteBatch batch;
  batch.Put(Table::kCompanies, company->id(), company->SerializeAsString());
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  companies_.Upsert(std::move(domain));
  return out;
}

absl::StatusOr<v1::Company> Registry::GetCompany(std::string_view id) const {
  absl::StatusOr<v1::Company> c =
      ReadRecord<v1::Company>(*store_, Table::kCompanies, "company", id);
  // One stored before companies had versions is at its first.
  if (c.ok() && c->version() == 0) c->set_version(1);
  return c;
}

absl::StatusOr<engine::Company> Registry::LoadCompany(
    std::string_view id) const {
  absl::StatusOr<v1::Company> c = GetCompany(id);
  if (!c.ok()) return c.status();
  std::vector<engine::FieldError> errors;
  engine::Company domain = server::CompanyFromProto(*c, &errors);
  if (!errors.empty()) {
    return absl::DataLossError(absl::StrCat(
        "stored company ", std::string(id),
        " is malformed: ", engine::ErrorsToStatus(errors).message()));
  }
  return domain;
}

absl::Status Registry::DeleteCompany(std::string_view id,
                                     std::optional<int64_t> expected_version) {
  if (absl::Status s = CheckId("company_id", id); !s.ok()) return s;
  std::lock_guard lock(write_mu_);
  absl::StatusOr<std::optional<v1::Company>> old = StoredCompany(*store_, id);
  if (!old.ok()) return old.status();
  if (!old->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(
            absl::StrCat("company \"", std::string(id), "\" does not exist")),
        engine::reason::kCompanyNotFound);
  }
  if (absl::Status s =
          CheckExpected("company", id, std::max<int64_t>((*old)->version(), 1),
                        expected_version);
      !s.ok()) {
    return s;
  }
  // The company, its feedback and its rescore results go together.
  storage::WriteBatch batch;
  batch.Delete(Table::kCompanies, std::string(id));
  batch.Delete(Table::kResults, std::string(id));
  absl::StatusOr<std::vector<v1::Feedback>> feedback = ListFeedback(id);
  if (!feedback.ok()) return feedback.status();
  for (const v1::Feedback& f : *feedback) {
    batch.Delete(Table::kFeedback,
                 storage::FeedbackKey(f.company_id(), f.program_id()));
  }
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  companies_.Remove(id);
  std::unique_lock dismissed(dismissed_mu_);
  dismissed_.erase(Absl(id));
  return absl::OkStatus();
}

absl::StatusOr<Registry::CompanyPage> Registry::ListCompanies(
    int page_size, std::string_view page_token) const {
  absl::StatusOr<int> size =
      PageSize(page_size, kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  absl::StatusOr<std::string> after =
      ReadPageToken("companies", "", page_token);
  if (!after.ok()) return after.status();
  CompanyPage page;
  absl::Status failure;
  bool more = false;
  absl::Status scan = store_->Scan(
      Table::kCompanies, *after,
      [&](std::string_view key, std::string_view value) {
        if (static_cast<int>(page.companies.size()) == *size) {
          more = true;
          return false;
        }
        v1::Company& c = page.companies.emplace_back();
        if (!c.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(
              absl::StrCat("company ", std::string(key), " is unreadable"));
          return false;
        }
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failure.ok()) return failure;
  if (more) {
    page.next_page_token =
        MakePageToken("companies", "", page.companies.back().id());
  }
  return page;
}

absl::Status Registry::ForEachCompany(
    const std::function<void(const v1::Company&)>& fn) const {
  absl::Status failure;
  absl::Status scan = store_->Scan(
      Table::kCompanies, "", [&](std::string_view key, std::string_view value) {
        v1::Company c;
        if (!c.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(
              absl::StrCat("company ", std::string(key), " is unreadable"));
          return false;
        }
        fn(c);
        return true;
      });
  if (!scan.ok()) return scan;
  return failure;
}

// -------------------------------------------------------------- programs

absl::StatusOr<engine::Program> Registry::ValidateProgram(
    const v1::Program& program, std::vector<engine::FieldError> errors) const {
  const size_t prior = errors.size();
  engine::Program p = server::ProgramFromProto(program, &errors);
  std::vector<engine::FieldError> checked;
  engine::ValidateProgram(p, *reference_, &checked);
  AddFindings(std::move(checked), prior, &errors);
  if (absl::Status s = engine::ErrorsToStatus(errors); !s.ok()) return s;
  evaluator_.PrepareTexts(&p);
  return p;
}

namespace {

// ABORTED unless `stored` (nullptr: none) is at `expected`.
absl::Status CheckExpectedVersion(const engine::Program* stored,
                                  std::optional<int64_t> expected,
                                  std::string_view id) {
  return CheckExpected("program", id, stored == nullptr ? 0 : stored->version,
                       expected);
}

}  // namespace

absl::StatusOr<Registry::ProgramWrite> Registry::UpsertProgram(
    v1::Program program, std::optional<int64_t> expected_version) {
  // New records only: one stored by an older jiwond still loads.
  std::vector<engine::FieldError> unknown;
  server::CheckUnknownFields(program, "program", &unknown);
  absl::StatusOr<engine::Program> checked =
      ValidateProgram(program, std::move(unknown));
  if (!checked.ok()) return checked.status();
  std::lock_guard lock(write_mu_);
  std::shared_ptr<const engine::Catalog> current = catalog_.load();
  ProgramWrite out;
  out.created = current->Find(program.id()) == nullptr;
  if (absl::Status s = CheckExpectedVersion(current->Find(program.id()).get(),
                                            expected_version, program.id());
      !s.ok()) {
    return s;
  }
  // The same program again changes nothing: no version, no catalog
  // version, nothing for a rescore or an alert to see.
  if (!out.created) {
    absl::StatusOr<v1::Program> stored = GetProgram(program.id());
    if (stored.ok()) {
      v1::Program before = *stored;
      before.clear_version();
      program.clear_version();
      if (google::protobuf::util::MessageDifferencer::Equals(before, program)) {
        out.program = *std::move(stored);
        out.unchanged = true;
        out.catalog_version = current->version();
        return out;
      }
    }
  }
  const int64_t version = current->version() + 1;
  program.set_version(version);
  checked->version = version;
  storage::WriteBatch batch;
  batch.Put(Table::kPrograms, program.id(), program.SerializeAsString());
  batch.Put(Table::kMeta, std::string(storage::kCatalogVersionKey),
            storage::EncodeUint64(static_cast<uint64_t>(version)));
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  auto after = std::make_shared<const engine::Program>(*std::move(checked));
  std::shared_ptr<const engine::Program> before = current->Find(program.id());
  std::shared_ptr<const engine::Catalog> next = current->With(after, version);
  if (program_listener_) {
    program_listener_({std::move(before), std::move(after), next});
  }
  Publish(std::move(next));
  out.program = std::move(program);
  out.catalog_version = version;
  return out;
}

absl::StatusOr<Registry::ProgramWrite> Registry::UpdateProgram(
    const v1::Program& patch, const google::protobuf::FieldMask& mask,
    std::optional<int64_t> expected_version) {
  if (absl::Status s = CheckId("program.id", patch.id()); !s.ok()) return s;
  absl::StatusOr<v1::Program> stored = GetProgram(patch.id());
  if (!stored.ok()) return stored.status();
  v1::Program updated = *stored;
  if (absl::Status s = ApplyUpdateMask(patch, mask, &updated); !s.ok()) {
    return s;
  }
  return UpsertProgram(std::move(updated), expected_version
                                               ? *expected_version
                                               : stored->version());
}

absl::StatusOr<v1::Program> Registry::GetProgram(std::string_view id) const {
  return ReadRecord<v1::Program>(*store_, Table::kPrograms, "program", id);
}

absl::StatusOr<int64_t> Registry::DeleteProgram(
    std::string_view id, std::optional<int64_t> expected_version) {
  if (absl::Status s = CheckId("program_id", id); !s.ok()) return s;
  std::lock_guard lock(write_mu_);
  std::shared_ptr<const engine::Catalog> current = catalog_.load();
  if (current->Find(id) == nullptr) {
    return engine::WithReason(
        absl::NotFoundError(
            absl::StrCat("program \"", std::string(id), "\" does not exist")),
        engine::reason::kProgramNotFound);
  }
  if (absl::Status s =
          CheckExpectedVersion(current->Find(id).get(), expected_version, id);
      !s.ok()) {
    return s;
  }
  const int64_t version = current->version() + 1;
  storage::WriteBatch batch;
  batch.Delete(Table::kPrograms, std::string(id));
  batch.Put(Table::kMeta, std::string(storage::kCatalogVersionKey),
            storage::EncodeUint64(static_cast<uint64_t>(version)));
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  std::shared_ptr<const engine::Program> before = current->Find(id);
  std::shared_ptr<const engine::Catalog> next = current->Without(id, version);
  if (program_listener_) program_listener_({std::move(before), nullptr, next});
  Publish(std::move(next));
  return version;
}

absl::StatusOr<Registry::ProgramPage> Registry::ListPrograms(
    int page_size, std::string_view page_token,
    const ProgramFilter& filter) const {
  absl::StatusOr<int> size =
      PageSize(page_size, kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  // A token goes with the filters of the request that made it.
  std::string filters = absl::StrCat(
      filter.as_of.ToString(), "|", filter.region, "|",
      filter.window_status ? static_cast<int>(*filter.window_status) : 0);
  for (engine::Category c : filter.categories) {
    absl::StrAppend(&filters, "|", static_cast<int>(c));
  }
  absl::StatusOr<std::string> after =
      ReadPageToken("programs", filters, page_token);
  if (!after.ok()) return after.status();
  if (!filter.region.empty()) {
    const engine::RegionTable::Region* r =
        reference_->regions.Find(filter.region);
    if (r == nullptr) {
      return engine::FieldStatus(
          "region", engine::reason::kUnknownRegionCode,
          absl::StrCat("unknown region code \"", filter.region, "\""));
    }
  }
  // The catalog and the stored records as of one moment (writes change
  // both under write_mu_), so that a write during the listing changes
  // neither what is listed nor how.
  std::shared_ptr<const engine::Catalog> snapshot;
  std::unique_ptr<const storage::Snapshot> records;
  {
    std::lock_guard lock(write_mu_);
    snapshot = catalog_.load();
    records = store_->TakeSnapshot();
  }
  // A company known only by its head office region: a program whose area
  // rules exclude the region comes out INELIGIBLE.
  engine::Company probe;
  probe.head_office_region = filter.region;
  ProgramPage page;
  page.catalog_version = snapshot->version();
  absl::Status failure;
  // Whether a program is listed, and its window status.
  auto listed = [&](const std::shared_ptr<const engine::Program>& program,
                    engine::WindowStatus* status) {
    if (!filter.categories.empty() &&
        std::find(filter.categories.begin(), filter.categories.end(),
                  program->category) == filter.categories.end()) {
      return false;
    }
    *status = engine::StatusOn(program->window, filter.as_of);
    if (filter.window_status && *status != *filter.window_status) return false;
    if (!filter.region.empty()) {
      engine::ProgramOutcome o =
          evaluator_.Evaluate(program, probe, filter.as_of);
      bool region_fails = false;
      for (const engine::RuleOutcome& r : o.rules) {
        if (r.passed != engine::Truth::kFalse) continue;
        for (const engine::Check& c : r.checks) {
          if (c.fact == engine::Fact::kHeadOfficeRegion ||
              c.fact == engine::Fact::kSiteRegion) {
            region_fails = true;
          }
        }
      }
      if (region_fails) return false;
    }
    return true;
  };
  absl::Status scan = store_->ScanSnapshot(
      *records, Table::kPrograms, *after,
      [&](std::string_view id, std::string_view value) {
        std::shared_ptr<const engine::Program> program = snapshot->Find(id);
        if (program == nullptr) {
          failure = absl::DataLossError(
              absl::StrCat("program ", std::string(id),
                           " is stored but not in the catalog"));
          return false;
        }
        engine::WindowStatus status;
        if (!listed(program, &status)) return true;
        if (static_cast<int>(page.programs.size()) == *size) {
          page.next_page_token = MakePageToken("programs", filters,
                                               page.programs.back().first.id());
          return false;
        }
        v1::Program record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          failure = absl::DataLossError(
              absl::StrCat("program ", std::string(id), " is unreadable"));
          return false;
        }
        page.programs.emplace_back(std::move(record), status);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failure.ok()) return failure;
  return page;
}

// -------------------------------------------------------------- feedback

absl::StatusOr<v1::Feedback> Registry::RecordFeedback(v1::Feedback feedback) {
  {
    std::vector<engine::FieldError> errors;
    server::CheckUnknownFields(feedback, "feedback", &errors);
    if (!errors.empty()) return engine::ErrorsToStatus(errors);
  }
  if (absl::Status s = CheckId("feedback.company_id", feedback.company_id());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckId("feedback.program_id", feedback.program_id());
      !s.ok()) {
    return s;
  }
  if (feedback.kind() < v1::FEEDBACK_KIND_DISMISSED ||
      feedback.kind() > v1::FEEDBACK_KIND_APPLIED) {
    return absl::InvalidArgumentError(
        "feedback.kind: must be DISMISSED, SAVED or APPLIED");
  }
  if (feedback.note().size() > 2000) {
    return engine::FieldStatus("feedback.note", engine::reason::kTextTooLong,
                               absl::StrCat("is ", feedback.note().size(),
                                            " bytes; at most 2000 allowed"));
  }
  std::lock_guard lock(write_mu_);
  absl::StatusOr<std::optional<std::string>> company =
      store_->Get(Table::kCompanies, feedback.company_id());
  if (!company.ok()) return company.status();
  if (!company->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat("company \"", feedback.company_id(),
                                         "\" does not exist")),
        engine::reason::kCompanyNotFound);
  }
  if (catalog_.load()->Find(feedback.program_id()) == nullptr) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat("program \"", feedback.program_id(),
                                         "\" does not exist")),
        engine::reason::kProgramNotFound);
  }
  feedback.set_recorded_at(Rfc3339(UnixNow()));
  storage::WriteBatch batch;
  batch.Put(Table::kFeedback,
            storage::FeedbackKey(feedback.company_id(), feedback.program_id()),
            feedback.SerializeAsString());
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  SetDismissed(feedback.company_id(), feedback.program_id(),
               feedback.kind() == v1::FEEDBACK_KIND_DISMISSED);
  return feedback;
}

absl::Status Registry::DeleteFeedback(std::string_view company_id,
                                      std::string_view program_id) {
  if (absl::Status s = CheckId("company_id", company_id); !s.ok()) return s;
  if (absl::Status s = CheckId("program_id", program_id); !s.ok()) return s;
  std::lock_guard lock(write_mu_);
  const std::string key = storage::FeedbackKey(company_id, program_id);
  absl::StatusOr<std::optional<std::string>> old =
      store_->Get(Table::kFeedback, key);
  if (!old.ok()) return old.status();
  if (!old->has_value()) {
    return engine::WithReason(
        absl::NotFoundError(
            absl::StrCat("no feedback of company \"", std::string(company_id),
                         "\" on program \"", std::string(program_id), "\"")),
        engine::reason::kFeedbackNotFound);
  }
  storage::WriteBatch batch;
  batch.Delete(Table::kFeedback, key);
  if (absl::Status s = store_->Write(batch); !s.ok()) return s;
  SetDismissed(company_id, program_id, false);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Feedback>> Registry::ListFeedback(
    std::string_view company_id) const {
  if (absl::Status s = CheckId("company_id", company_id); !s.ok()) return s;
  const std::string prefix = storage::FeedbackPrefix(company_id);
  std::vector<v1::Feedback> out;
  absl::Status failure;
  absl::Status scan = store_->Scan(
      Table::kFeedback, std::string(company_id),
      [&](std::string_view key, std::string_view value) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        v1::Feedback& f = out.emplace_back();
        if (!f.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError("unreadable feedback record");
          return false;
        }
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failure.ok()) return failure;
  return out;
}

std::vector<std::string> Registry::DismissedPrograms(
    std::string_view company_id) const {
  std::shared_lock lock(dismissed_mu_);
  auto it = dismissed_.find(Absl(company_id));
  if (it == dismissed_.end()) return {};
  return it->second;
}

void Registry::SetDismissed(std::string_view company_id,
                            std::string_view program_id, bool dismissed) {
  std::unique_lock lock(dismissed_mu_);
  auto it = dismissed_.find(Absl(company_id));
  if (it == dismissed_.end()) {
    if (dismissed) {
      dismissed_[Absl(company_id)].push_back(std::string(program_id));
    }
    return;
  }
  std::vector<std::string>& programs = it->second;
  auto at = std::lower_bound(programs.begin(), programs.end(), program_id);
  const bool present = at != programs.end() && *at == program_id;
  if (dismissed && !present) {
    programs.insert(at, std::string(program_id));
  } else if (!dismissed && present) {
    programs.erase(at);
    if (programs.empty()) dismissed_.erase(it);
  }
}

// -------------------------------------------------------------- matching

engine::Recommendation Registry::Recommend(
    const engine::Company& company, const engine::RecommendOptions& options,
    int64_t* catalog_version) const {
  std::shared_ptr<const engine::Catalog> snapshot = catalog_.load();
  std::shared_ptr<const engine::Matcher> matcher = matcher_.load();
  if (catalog_version != nullptr) *catalog_version = snapshot->version();
  if (matcher != nullptr && matcher->catalog_ptr() == snapshot) {
    return matcher->Recommend(company, options);
  }
  return engine::Recommend(*snapshot, evaluator_, company, options);
}

absl::StatusOr<Registry::Explanation> Registry::Explain(
    const engine::Company& company, std::string_view program_id,
    engine::Date as_of) const {
  if (absl::Status s = CheckId("program_id", program_id); !s.ok()) return s;
  std::shared_ptr<const engine::Program> program =
      catalog_.load()->Find(program_id);
  if (program == nullptr) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat("program \"", std::string(program_id),
                                         "\" does not exist")),
        engine::reason::kProgramNotFound);
  }
  Explanation out;
  out.outcome = evaluator_.Evaluate(program, company, as_of);
  out.outcome.near_miss =
      engine::FindNearMiss(evaluator_, out.outcome, company, as_of);
  out.derived = evaluator_.Derive(company, out.outcome.reference_date);
  return out;
}

void Registry::SetProgramListener(
    std::function<void(const ProgramChange&)> fn) {
  std::lock_guard lock(write_mu_);
  program_listener_ = std::move(fn);
}

engine::CompanyTable::Fetch Registry::FetchFromStore(
    absl::Status* failure) const {
  return
      [this, failure](std::string_view id) -> std::optional<engine::Company> {
        absl::StatusOr<engine::Company> c = LoadCompany(id);
        if (!c.ok()) {
          *failure = c.status();
          return std::nullopt;
        }
        return *std::move(c);
      };
}

absl::StatusOr<engine::CompanyTable::ScanResult> Registry::ScanCompanies(
    const engine::Program& program, engine::Date as_of,
    bool include_undetermined) const {
  // The columns decide who qualifies; the store gives the profiles of the
  // companies the columns cannot decide.
  absl::Status failure;
  engine::CompanyTable::ScanResult scan = companies_.WhoQualifies(
      program, as_of, include_undetermined, FetchFromStore(&failure));
  if (!failure.ok()) return failure;
  return scan;
}

absl::StatusOr<std::vector<std::string>> Registry::EligibleCompanies(
    const engine::Program& program, engine::Date as_of) const {
  absl::StatusOr<engine::CompanyTable::ScanResult> scan =
      ScanCompanies(program, as_of, false);
  if (!scan.ok()) return scan.status();
  std::vector<std::string> ids;
  ids.reserve(scan->hits.size());
  for (const engine::CompanyTable::Hit& hit : scan->hits) {
    ids.emplace_back(hit.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

absl::StatusOr<Registry::Delta> Registry::ProgramDelta(
    const engine::Program* before, const engine::Program& after,
    engine::Date as_of) const {
  Delta out;
  if (before == nullptr) {
    absl::StatusOr<std::vector<std::string>> ids =
        EligibleCompanies(after, as_of);
    if (!ids.ok()) return ids.status();
    out.gained = *std::move(ids);
    out.eligible = static_cast<int>(out.gained.size());
    return out;
  }
  absl::Status failure;
  engine::CompanyTable::Delta d =
      companies_.ProgramDelta(*before, after, as_of, FetchFromStore(&failure));
  if (!failure.ok()) return failure;
  for (const auto& h : d.gained) out.gained.emplace_back(h.id);
  for (const auto& h : d.lost) out.lost.emplace_back(h.id);
  std::sort(out.gained.begin(), out.gained.end());
  std::sort(out.lost.begin(), out.lost.end());
  out.eligible = d.after_eligible;
  return out;
}

absl::StatusOr<Registry::QualifyCounts> Registry::WhoQualifies(
    std::string_view program_id, engine::Date as_of, bool include_undetermined,
    const std::function<void(const v1::Company&, const engine::Company&,
                             const engine::ProgramOutcome&)>& fn) const {
  if (absl::Status s = CheckId("program_id", program_id); !s.ok()) return s;
  std::shared_ptr<const engine::Program> program =
      catalog_.load()->Find(program_id);
  if (program == nullptr) {
    return engine::WithReason(
        absl::NotFoundError(absl::StrCat("program \"", std::string(program_id),
                                         "\" does not exist")),
        engine::reason::kProgramNotFound);
  }
  absl::StatusOr<engine::CompanyTable::ScanResult> scanned =
      ScanCompanies(*program, as_of, include_undetermined);
  if (!scanned.ok()) return scanned.status();
  engine::CompanyTable::ScanResult& scan = *scanned;
  QualifyCounts counts;
  counts.companies = scan.companies;
  counts.eligible = scan.eligible;
  counts.undetermined = scan.undetermined;
  std::sort(scan.hits.begin(), scan.hits.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const engine::CompanyTable::Hit& hit : scan.hits) {
    absl::StatusOr<v1::Company> record = GetCompany(hit.id);
    if (!record.ok()) continue;  // deleted since the scan
    std::vector<engine::FieldError> errors;
    engine::Company c = server::CompanyFromProto(*record, &errors);
    fn(*record, c,
       evaluator_.Evaluate(program, c, as_of,
                           engine::Evaluator::Detail::kOutcomeOnly));
  }
  return counts;
}

}  // namespace jiwon::app
