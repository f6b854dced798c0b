#ifndef JIWON_ENGINE_REFERENCE_H_
#define JIWON_ENGINE_REFERENCE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/truth.h"

namespace jiwon::engine {

// Splits one CSV record into fields (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> SplitCsvLine(std::string_view line);

// Korean administrative regions (regions.csv): 2-digit 시도 and 5-digit 시군구
// codes. The hierarchy is derived from names — a 구's name begins with its
// 시's name, a 시군구's with its 시도's — never from digits alone. Old codes
// are the same place as the codes that replaced them.
class RegionTable {
 public:
  struct Region {
    std::string code;
    std::string name;
    bool is_sido = false;
    bool abolished = false;
    std::string replaced_by;
  };

  // Parses the table: header `code,level,name,status,valid_from,valid_to,
  // replaced_by`.
  static absl::StatusOr<RegionTable> Parse(std::string_view csv);

  // nullptr when the code is not in the table.
  const Region* Find(std::string_view code) const;
  // The current code for `code` (following replaced_by); `code` itself when
  // it was never replaced or is unknown.
  std::string Canonical(std::string_view code) const;
  // Whether the region `area` contains `place` (or is it), after
  // canonicalising both. kUnknown when `place` is coarser than `area` and
  // contains it (a company known only as 경기도 against a rule naming
  // 경기도 광주시).
  Truth Covers(std::string_view area, std::string_view place) const;
  // "41610 경기도 광주시", or the code alone when unknown.
  std::string Describe(std::string_view code) const;
  // The 시도 a region belongs to (canonical); the code itself for a 시도,
  // empty when unknown.
  std::string Sido(std::string_view code) const;
  // Active codes, sorted.
  std::vector<std::string> ActiveCodes() const;
  // Every code of the table, old ones included, sorted.
  std::vector<std::string> AllCodes() const;

 private:
  // Canonical without a copy: a view of `code` or of a table entry.
  std::string_view CanonicalView(std::string_view code) const;
  bool Contains(std::string_view area, std::string_view place) const;

  std::map<std::string, Region, std::less<>> regions_;
  // canonical code -> its canonical ancestors, nearest first.
  std::map<std::string, std::vector<std::string>, std::less<>> ancestors_;
};

// KSIC 11th revision (ksic11.csv): section letters and numeric codes of 2 to
// 5 digits, each numeric code a prefix of its descendants.
class IndustryTable {
 public:
  static absl::StatusOr<IndustryTable> Parse(std::string_view csv);

  bool IsValid(std::string_view code) const;
  // The section letter of a valid code; empty when unknown.
  std::string Section(std::string_view code) const;
  std::string Name(std::string_view code) const;
  // "C25 금속가공제품 제조업; 기계 및 가구 제외" style description.
  std::string Describe(std::string_view code) const;
  // Every code, sorted.
  std::vector<std::string> AllCodes() const;
  // Whether the rule's code `area` covers the company's code `code`: a
  // section covers its divisions, numeric codes match by prefix. kUnknown
  // when the company's code is coarser than the rule's and contains it.
  Truth Covers(std::string_view area, std::string_view code) const;

 private:
  struct Entry {
    std::string section;
    std::string name;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

// Size-class thresholds (중소기업기본법 시행령 별표1·별표3) by KSIC division,
// and the 소상공인 employee limits by section.
class SizeTable {
 public:
  struct Ceilings {
    std::string industry;  // label of the table row
    int64_t sme_avg_revenue_max_won = 0;
    int64_t small_avg_revenue_max_won = 0;
  };

  // `thresholds_csv`: division_from,division_to,industry,
  // sme_avg_revenue_max_eok,small_avg_revenue_max_eok.
  // `micro_csv`: section,max_employees_exclusive (sections not listed use the
  // row with section "*").
  static absl::StatusOr<SizeTable> Parse(std::string_view thresholds_csv,
                                         std::string_view micro_csv);

  // nullptr when the division (2 digits) has no row.
  const Ceilings* ForDivision(int division) const;
  // Regular employees must be fewer than this for a 소상공인.
  int MicroEmployeeLimit(std::string_view section) const;

  // Total assets must be under this for a 중소기업.
  static constexpr int64_t kSmeAssetsLimitWon = 500'000'000'000;

 private:
  std::map<int, Ceilings> by_division_;
  std::map<std::string, int, std::less<>> micro_limit_;
  int micro_default_ = 5;
};

// Named groups of regions (region_groups.csv: `group,code`), e.g. 수도권 =
// 11, 28, 41. Data of the deployment, cited by rules by name.
class RegionGroups {
 public:
  // Every code must exist in `regions` and not be abolished.
  static absl::StatusOr<RegionGroups> Parse(std::string_view csv,
                                            const RegionTable& regions);
  // nullptr when there is no such group.
  const std::vector<std::string>* Find(std::string_view name) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> groups_;
};

// All reference tables, loaded once and shared read-only.
struct Reference {
  RegionTable regions;
  IndustryTable industries;
  SizeTable sizes;
  RegionGroups region_groups;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_REFERENCE_H_
