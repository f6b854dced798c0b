#ifndef JIWON_ENGINE_COMPANY_TABLE_H_
#define JIWON_ENGINE_COMPANY_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/evaluate.h"

namespace jiwon::engine {

// Companies held in memory as columns of what matching reads — region,
// industry, founding, figures, flags, certifications without dates, needs,
// the size class — in well under 100 bytes a company, for scanning every
// company against one program. Facts the columns do not carry (CEOs,
// participation history, dated certifications, exports, 사업장) stay in the
// store; a rule over them is answered by evaluating the full profile of the
// companies still standing.
//
// Thread-safe: scans share the table, writes take it alone.
class CompanyTable {
 public:
  // REQUIRES: `evaluator` outlives the table.
  explicit CompanyTable(const Evaluator* evaluator);
  ~CompanyTable();

  // Adds or replaces a company (by id). REQUIRES: it passed validation.
  void Upsert(const Company& company);
  // Returns whether the company was there.
  bool Remove(std::string_view id);

  size_t size() const;
  // How many companies have an id for which `pred` holds.
  size_t CountIf(const std::function<bool(std::string_view id)>& pred) const;
  // Bytes held by the columns and ids.
  size_t MemoryBytes() const;

  struct Hit {
    // Valid as long as the table: ids are never overwritten.
    std::string_view id;
    Eligibility eligibility = Eligibility::kEligible;
    uint32_t row = 0;  // the company's row in the table
  };
  struct ScanResult {
    std::vector<Hit> hits;  // ELIGIBLE and UNDETERMINED, in no set order
    int companies = 0;
    int eligible = 0;
    int undetermined = 0;
    int fetched = 0;  // full profiles evaluated for rules the columns lack
  };
  // The full profile of a company, for the rules the columns cannot answer.
  using Fetch = std::function<std::optional<Company>(std::string_view id)>;

  // Evaluates `program` at `as_of` for every company. UNDETERMINED hits are
  // listed only with `include_undetermined`; they are always counted.
  ScanResult WhoQualifies(const Program& program, Date as_of,
                          bool include_undetermined, const Fetch& fetch) const;

  // A program changed from `before` to `after`: the companies ELIGIBLE for
  // one and not the other. Rules the two versions share are evaluated once;
  // when each version then has at least `parallel_scan_rows` rows to go
  // through (a program replaced altogether), the two scans run on two
  // threads, and `fetch` is called one call at a time.
  struct Delta {
    std::vector<Hit> gained;  // ELIGIBLE for `after` only
    std::vector<Hit> lost;    // ELIGIBLE for `before` only
    int before_eligible = 0;
    int after_eligible = 0;
    int fetched = 0;
  };
  Delta ProgramDelta(const Program& before, const Program& after, Date as_of,
                     const Fetch& fetch) const;
  // 200,000 unless set; 0 always splits (for tests).
  void set_parallel_scan_rows(size_t rows) { parallel_scan_rows_ = rows; }

 private:
  struct Columns;
  class RuleRunner;
  // A scan in progress: per row 0 passes so far, 1 unknown, 2 fails, 3
  // needs the full profile; and the rows not failed yet.
  struct Scan {
    std::vector<uint8_t> verdict;
    std::vector<uint32_t> standing;
    bool first = true;  // no rule run yet: every live row stands
  };
  // REQUIRES: mu_ held. Runs `rules` (in the order given) over the rows
  // still standing.
  void RunRules(const std::vector<const Rule*>& rules, Date on,
                Scan* scan) const;
  // REQUIRES: mu_ held. The companies the scan left ELIGIBLE (and
  // UNDETERMINED), evaluating the full profiles it could not decide.
  void Gather(const Program& program, Date as_of, Scan* scan,
              bool include_undetermined, const Fetch& fetch,
              ScanResult* out) const;
  // Hashing and comparing rows by their ids, which the columns hold: the
  // index keeps 4 bytes a company.
  struct RowHash {
    using is_transparent = void;
    const Columns* c;
    size_t operator()(uint32_t row) const;
    size_t operator()(absl::string_view id) const;
  };
  struct RowEq {
    using is_transparent = void;
    const Columns* c;
    bool operator()(uint32_t a, uint32_t b) const;
    bool operator()(uint32_t a, absl::string_view b) const;
    bool operator()(absl::string_view a, uint32_t b) const;
  };
  uint32_t RowFor(std::string_view id);

  const Evaluator* evaluator_;
  size_t parallel_scan_rows_ = 200'000;
  mutable std::shared_mutex mu_;
  std::unique_ptr<Columns> c_;
  absl::flat_hash_set<uint32_t, RowHash, RowEq> rows_;
  size_t live_ = 0;
  std::vector<uint32_t> free_rows_;
  // Codes as small integers: index + 1, 0 when unknown.
  absl::flat_hash_map<std::string, uint16_t> region_index_;
  absl::flat_hash_map<std::string, uint16_t> industry_index_;
  std::vector<std::string> regions_;
  std::vector<std::string> industries_;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_COMPANY_TABLE_H_
