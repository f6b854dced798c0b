#ifndef JIWON_SERVER_APP_REGISTRY_H_
#define JIWON_SERVER_APP_REGISTRY_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/catalog.h"
#include "engine/company_table.h"
#include "engine/errors.h"
#include "engine/evaluate.h"
#include "engine/matcher.h"
#include "engine/reference.h"
#include "engine/search.h"
#include "google/protobuf/field_mask.pb.h"
#include "jiwon/v1/company.pb.h"
#include "jiwon/v1/feedback_service.pb.h"
#include "jiwon/v1/program.pb.h"
#include "server/storage/store.h"

namespace jiwon::app {

// Today's date in Korea (UTC+9).
engine::Date TodayInKorea();
// Seconds since 1970 now, and a time as RFC 3339 in UTC.
int64_t UnixNow();
std::string Rfc3339(int64_t unix_seconds);

// Ranking weights from "need=30,bonus=5,deadline=20,benefit=1,benefit_cap=50"
// (any subset; the rest keep their defaults). The keys: need (per program tag
// among the company's needs), bonus (per 가점 point), deadline (when closing
// today, falling to 0 at 30 days), benefit (per 1,000만원 of maximum
// benefit), benefit_cap (cap on the benefit part).
absl::StatusOr<engine::ScoringWeights> ParseScoringWeights(
    std::string_view spec);

// The use cases of jiwon: keeping profiles and the catalog, and matching.
// Records are validated in full before anything is written; a rejected
// record changes nothing. Thread-safe: writes are serialised, reads run
// against an immutable catalog snapshot and never wait for a writer.
class Registry {
 public:
  // Loads the catalog from `store`. REQUIRES: `store` and `reference`
  // outlive the registry.
  static absl::StatusOr<std::unique_ptr<Registry>> Open(
      storage::Store* store, const engine::Reference* reference,
      engine::ScoringWeights weights = {});

  // ---- companies
  struct CompanyWrite {
    bool created = false;
    // The stored record had the same content: nothing was written.
    bool unchanged = false;
  };
  // Validates and stores `company` (normalised, its version set to the
  // stored one's plus one, or kept when the content is the same). With
  // `expected_version`, ABORTED unless the stored company is at it (0:
  // none is stored).
  absl::StatusOr<CompanyWrite> UpsertCompany(
      v1::Company* company,
      std::optional<int64_t> expected_version = std::nullopt);
  // Replaces the fields `mask` names of the stored company `patch.id()`
  // with `patch`'s (see ApplyUpdateMask); `admit(stored, updated)` may
  // refuse. `*company` receives the record as stored.
  absl::StatusOr<CompanyWrite> UpdateCompany(
      const v1::Company& patch, const google::protobuf::FieldMask& mask,
      std::optional<int64_t> expected_version,
      const std::function<absl::Status(const v1::Company& stored,
                                       const v1::Company& updated)>& admit,
      v1::Company* company);
  // Normalises and validates a company to store (fields the schema does
  // not define refused): UpsertCompany's check, and imports' before
  // StoreCompanies.
  absl::StatusOr<engine::Company> PrepareCompany(v1::Company* company) const;
  // Stores prepared companies in one write (one sync of the log for all),
  // all or none, each at its next version; those identical to the stored
  // record are left as they are. Returns how many were.
  absl::StatusOr<int> StoreCompanies(
      std::vector<v1::Company>& records,
      const std::vector<engine::Company>& companies);
  absl::StatusOr<v1::Company> GetCompany(std::string_view id) const;
  absl::Status DeleteCompany(
      std::string_view id,
      std::optional<int64_t> expected_version = std::nullopt);
  struct CompanyPage {
    std::vector<v1::Company> companies;
    std::string next_page_token;
  };
  // page_size 0 means 100; 1-1000 otherwise.
  absl::StatusOr<CompanyPage> ListCompanies(int page_size,
                                            std::string_view page_token) const;
  // Calls `fn` for every stored company, in id order.
  absl::Status ForEachCompany(
      const std::function<void(const v1::Company&)>& fn) const;
  // The domain form of a profile (validated); for an inline profile or a
  // stored one. A refusal lists every problem: `errors` (found before,
  // such as unknown fields), then those of conversion and validation.
  absl::StatusOr<engine::Company> ToDomain(
      const v1::Company& company,
      std::vector<engine::FieldError> errors = {}) const;
  absl::StatusOr<engine::Company> LoadCompany(std::string_view id) const;

  // ---- programs
  struct ProgramWrite {
    v1::Program program;  // as stored, with its version
    bool created = false;
    // The same content as stored (version aside): nothing was written.
    bool unchanged = false;
    int64_t catalog_version = 0;
  };
  // Validates and stores `program` with the next catalog version, unless
  // the stored one has the same content (its version aside): then nothing
  // changes and the stored program is returned, `unchanged`.
  // `expected_version`, when given: ABORTED unless the stored program is
  // at that version (0: there is none).
  absl::StatusOr<ProgramWrite> UpsertProgram(
      v1::Program program, std::optional<int64_t> expected_version = {});
  // Replaces the fields `mask` names of the stored program `patch.id()`
  // with `patch`'s (see ApplyUpdateMask), then stores it as UpsertProgram
  // does. Without `expected_version`, the version read is expected: a
  // write between the read and this one makes it ABORTED, not lost.
  absl::StatusOr<ProgramWrite> UpdateProgram(
      const v1::Program& patch, const google::protobuf::FieldMask& mask,
      std::optional<int64_t> expected_version = {});
  absl::StatusOr<v1::Program> GetProgram(std::string_view id) const;
  // Returns the new catalog version.
  absl::StatusOr<int64_t> DeleteProgram(
      std::string_view id, std::optional<int64_t> expected_version = {});
  struct ProgramFilter {
    std::vector<engine::Category> categories;
    std::optional<engine::WindowStatus> window_status;
    engine::Date as_of;
    std::string region;  // empty: any
  };
  struct ProgramPage {
    std::vector<std::pair<v1::Program, engine::WindowStatus>> programs;
    std::string next_page_token;
    int64_t catalog_version = 0;
  };
  absl::StatusOr<ProgramPage> ListPrograms(int page_size,
                                           std::string_view page_token,
                                           const ProgramFilter& filter) const;

  // ---- feedback
  // Records (replaces) a company's decision about a program; both must
  // exist. Returns the record as stored, with its time.
  absl::StatusOr<v1::Feedback> RecordFeedback(v1::Feedback feedback);
  absl::Status DeleteFeedback(std::string_view company_id,
                              std::string_view program_id);
  absl::StatusOr<std::vector<v1::Feedback>> ListFeedback(
      std::string_view company_id) const;
  // The programs a company dismissed, sorted. Served from memory (every
  // Recommend by company id asks): the dismissals are loaded at start and
  // kept in step with every feedback write.
  std::vector<std::string> DismissedPrograms(std::string_view company_id) const;

  // A program written or deleted: the program before (nullptr when new)
  // and after (nullptr when deleted), and the catalog version made.
  struct ProgramChange {
    std::shared_ptr<const engine::Program> before;
    std::shared_ptr<const engine::Program> after;
    std::shared_ptr<const engine::Catalog> catalog;  // the one made
  };
  // Calls `fn` after each program change, in catalog version order, while
  // the next write waits: `fn` should only queue the work. nullptr stops.
  void SetProgramListener(std::function<void(const ProgramChange&)> fn);

  // ---- matching
  std::shared_ptr<const engine::Catalog> catalog() const {
    return catalog_.load();
  }
  const engine::Evaluator& evaluator() const { return evaluator_; }
  const engine::Reference& reference() const { return *reference_; }

  // Programs for a company, best first, with reasons. Uses the compiled
  // matcher when it is current, the full evaluator otherwise (right after a
  // catalog change, until the matcher is rebuilt in the background).
  // `catalog_version` receives the version of the catalog used.
  engine::Recommendation Recommend(const engine::Company& company,
                                   const engine::RecommendOptions& options,
                                   int64_t* catalog_version = nullptr) const;

  // ---- keyword search (engine/search.h)
  struct SearchOptions {
    engine::Date as_of;                        // for the window status
    bool open_only = false;                    // only programs open on `as_of`
    std::vector<engine::Category> categories;  // any, when empty
    // Only these program ids (sorted), when set: a company's ELIGIBLE and
    // UNDETERMINED programs.
    const std::vector<std::string>* among = nullptr;
  };
  struct SearchResult {
    std::shared_ptr<const engine::Program> program;
    double score = 0;
    bool in_title = false;
    engine::WindowStatus status = engine::WindowStatus::kOpen;
  };
  // The best `limit` programs whose text holds `query`'s words, best
  // first, and how many there are in all (`total`). The index is rebuilt
  // with the compiled matcher after each catalog change (a program added
  // moments ago is found once it is); the programs shown are the current
  // catalog's.
  absl::StatusOr<std::vector<SearchResult>> SearchPrograms(
      std::string_view query, const SearchOptions& options, size_t limit,
      size_t* total) const;

  // Blocks until the compiled matcher covers the current catalog. For tests
  // and for start-up.
  void WaitForMatcher() const;
  // The matcher, when it covers the current catalog; nullptr otherwise.
  std::shared_ptr<const engine::Matcher> CurrentMatcher() const;
  // The compiled matcher of the current catalog, waiting for it to be
  // built: one consistent snapshot of the catalog, for a long job.
  std::shared_ptr<const engine::Matcher> MatcherForCurrentCatalog() const;
  // How many stored companies have an id for which `pred` holds.
  size_t CountCompanies(
      const std::function<bool(std::string_view id)>& pred) const {
    return companies_.CountIf(pred);
  }

  ~Registry();

  struct Explanation {
    engine::ProgramOutcome outcome;
    std::vector<engine::DerivedFact> derived;
  };
  absl::StatusOr<Explanation> Explain(const engine::Company& company,
                                      std::string_view program_id,
                                      engine::Date as_of) const;

  // Evaluates `program_id` for every stored company (over the in-memory
  // columns); calls `fn` for each ELIGIBLE one (and UNDETERMINED ones when
  // asked), in company id order, with its stored record, its domain form and
  // the outcome.
  struct QualifyCounts {
    int companies = 0;
    int eligible = 0;
    int undetermined = 0;
  };
  // The reverse match of a program change from `before` (nullptr: a new
  // program) to `after`: the companies that became ELIGIBLE and those that
  // stopped being, each sorted, and how many are ELIGIBLE now.
  struct Delta {
    std::vector<std::string> gained;
    std::vector<std::string> lost;
    int eligible = 0;
  };
  absl::StatusOr<Delta> ProgramDelta(const engine::Program* before,
                                     const engine::Program& after,
                                     engine::Date as_of) const;

  absl::StatusOr<QualifyCounts> WhoQualifies(
      std::string_view program_id, engine::Date as_of,
      bool include_undetermined,
      const std::function<void(const v1::Company&, const engine::Company&,
                               const engine::ProgramOutcome&)>& fn) const;

 private:
  Registry(storage::Store* store, const engine::Reference* reference,
           engine::ScoringWeights weights);

  // Stores `company` (prepared as `domain`) over `stored` under
  // write_mu_: UpsertCompany's and UpdateCompany's common end.
  absl::StatusOr<CompanyWrite> WriteCompany(
      const std::optional<v1::Company>& stored, engine::Company domain,
      std::optional<int64_t> expected_version, v1::Company* company);
  absl::StatusOr<engine::Program> ValidateProgram(
      const v1::Program& program,
      std::vector<engine::FieldError> errors = {}) const;
  // The ids of the stored companies ELIGIBLE for `program` on `as_of`,
  // sorted; any program, in the catalog or not.
  absl::StatusOr<std::vector<std::string>> EligibleCompanies(
      const engine::Program& program, engine::Date as_of) const;
  // Full profiles for the company table's scans, from the store; the first
  // failure to read one goes to `failure`.
  engine::CompanyTable::Fetch FetchFromStore(absl::Status* failure) const;
  // Every company against `program`, over the columns.
  absl::StatusOr<engine::CompanyTable::ScanResult> ScanCompanies(
      const engine::Program& program, engine::Date as_of,
      bool include_undetermined) const;

  // Publishes a new catalog snapshot and asks for a matcher for it.
  void Publish(std::shared_ptr<const engine::Catalog> catalog);
  void RebuildLoop();

  storage::Store* store_;
  const engine::Reference* reference_;
  engine::Evaluator evaluator_;
  mutable std::mutex write_mu_;  // one writer at a time
  std::function<void(const ProgramChange&)> program_listener_;  // write_mu_
  std::atomic<std::shared_ptr<const engine::Catalog>> catalog_;
  std::atomic<std::shared_ptr<const engine::Matcher>> matcher_;
  struct SearchView {
    std::shared_ptr<const engine::Catalog> catalog;  // the one indexed
    std::shared_ptr<const engine::SearchIndex> index;
  };
  std::atomic<std::shared_ptr<const SearchView>> search_;
  // Every stored company, in columns, kept in step with every write.
  engine::CompanyTable companies_;
  // Each company's dismissed programs, sorted; companies without any are
  // absent. Written under write_mu_ after the store.
  mutable std::shared_mutex dismissed_mu_;
  absl::flat_hash_map<std::string, std::vector<std::string>> dismissed_;
  void SetDismissed(std::string_view company_id, std::string_view program_id,
                    bool dismissed);

  // The background rebuild of the matcher: after a change it waits for the
  // writes to pause (a bulk import is one rebuild, not thousands).
  mutable std::mutex rebuild_mu_;
  mutable std::condition_variable rebuild_cv_;
  bool stop_ = false;
  int64_t wanted_version_ = -1;
  std::thread rebuilder_;
};

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_REGISTRY_H_
