#include "engine/reference.h"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/feeds/text.h"

namespace jiwon::engine {
namespace {

// A CSV text read by its header's column names: whatever order the
// columns come in, and other columns beside them, each row is read by name;
// a header without one of the columns needed is an error. Errors name the
// line (of the text, blank lines counted) and the column.
class Csv {
 public:
  struct Row {
    int line = 0;
    std::vector<std::string> fields;
  };

  static absl::StatusOr<Csv> Read(std::string_view text,
                                  std::vector<std::string_view> columns);

  const std::vector<Row>& rows() const { return rows_; }
  // The value of column `name` (one of those Read was given).
  const std::string& Get(const Row& row, std::string_view name) const {
    return row.fields[Index(name)];
  }
  // INVALID_ARGUMENT: "line N, column C (name): message".
  absl::Status Error(const Row& row, std::string_view name,
                     std::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ", column ", Index(name) + 1, " (",
                     std::string(name), "): ", std::string(message)));
  }

 private:
  size_t Index(std::string_view name) const {
    for (const auto& [n, i] : index_) {
      if (n == name) return i;
    }
    return 0;  // not reached: Read checked every name
  }

  std::vector<std::pair<std::string, size_t>> index_;
  std::vector<Row> rows_;
};

absl::StatusOr<Csv> Csv::Read(std::string_view text,
                              std::vector<std::string_view> columns) {
  Csv csv;
  std::vector<std::string> header;
  int line_no = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_no;
    line = absl::StripSuffix(line, "\r");
    if (line_no == 1) line = absl::StripPrefix(line, "\xEF\xBB\xBF");  // BOM
    if (line.empty()) continue;
    std::vector<std::string> fields =
        SplitCsvLine(std::string_view(line.data(), line.size()));
    if (header.empty()) {
      header = std::move(fields);
      for (std::string& h : header) {
        while (!h.empty() && h.back() == ' ') h.pop_back();
        while (!h.empty() && h.front() == ' ') h.erase(0, 1);
      }
      for (std::string_view c : columns) {
        auto it = std::find(header.begin(), header.end(), c);
        if (it == header.end()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line_no, ": the header has no column \"", std::string(c),
              "\" (it has ", absl::StrJoin(header, ","), ")"));
        }
        csv.index_.emplace_back(std::string(c),
                                static_cast<size_t>(it - header.begin()));
      }
      continue;
    }
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_no, ": ", fields.size(),
                       " fields where the header has ", header.size()));
    }
    csv.rows_.push_back({line_no, std::move(fields)});
  }
  if (header.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line 1: no header (expected the columns ",
        absl::StrJoin(std::vector<std::string>(columns.begin(), columns.end()),
                      ","),
        ")"));
  }
  return csv;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `s` holds a Hangul syllable (U+AC00-U+D7A3).
bool HasHangul(std::string_view s) {
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    const uint32_t cp = feeds::DecodeAt(s, i, &len);
    if (cp >= 0xAC00 && cp <= 0xD7A3) return true;
  }
  return false;
}

bool ParseInt(std::string_view s, int64_t* out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool IsLetter(std::string_view code) {
  return code.size() == 1 && code[0] >= 'A' && code[0] <= 'Z';
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

const char* TruthName(Truth t) {
  switch (t) {
    case Truth::kTrue:
      return "true";
    case Truth::kFalse:
      return "false";
    case Truth::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// ---------------------------------------------------------------- regions

absl::StatusOr<RegionTable> RegionTable::Parse(std::string_view text) {
  RegionTable table;
  absl::StatusOr<Csv> csv =
      Csv::Read(text, {"code", "level", "name", "status", "replaced_by"});
  if (!csv.ok()) return csv.status();
  for (const Csv::Row& row : csv->rows()) {
    Region r;
    r.code = csv->Get(row, "code");
    const std::string& level = csv->Get(row, "level");
    const std::string& status = csv->Get(row, "status");
    if (level != "sido" && level != "sigungu") {
      return csv->Error(row, "level",
                        absl::StrCat("\"", level, "\" is not sido or sigungu"));
    }
    r.is_sido = level == "sido";
    if (!IsDigits(r.code) || r.code.size() != (r.is_sido ? 2u : 5u)) {
      return csv->Error(
          row, "code",
          absl::StrCat("\"", r.code, "\" is not a ", r.is_sido ? 2 : 5,
                       "-digit ", level, " code"));
    }
    r.name = csv->Get(row, "name");
    if (!HasHangul(r.name)) {
      return csv->Error(row, "name",
                        absl::StrCat("\"", r.name, "\" is not a Korean name"));
    }
    if (status != "active" && status != "abolished" && status != "renamed") {
      return csv->Error(
          row, "status",
          absl::StrCat("\"", status, "\" is not active, abolished or renamed"));
    }
    r.abolished = status == "abolished";
    r.replaced_by = csv->Get(row, "replaced_by");
    if (!r.replaced_by.empty() && !IsDigits(r.replaced_by)) {
      return csv->Error(
          row, "replaced_by",
          absl::StrCat("\"", r.replaced_by, "\" is not a region code"));
    }
    if (table.regions_.contains(r.code)) {
      return csv->Error(row, "code",
                        absl::StrCat("\"", r.code, "\" appears twice"));
    }
    table.regions_[r.code] = std::move(r);
  }
  // Names of the places that exist now; a 시도 wins over a 시군구 of the same
  // name (세종특별자치시 is both 36 and 36110).
  std::map<std::string, const Region*, std::less<>> by_name;
  for (const auto& [code, r] : table.regions_) {
    if (r.abolished || !r.replaced_by.empty()) continue;
    auto [it, inserted] = by_name.emplace(r.name, &r);
    if (!inserted && r.is_sido) it->second = &r;
  }
  for (const auto& [code, r] : table.regions_) {
    if (r.abolished || !r.replaced_by.empty()) continue;
    std::vector<std::string>& ancestors = table.ancestors_[code];
    std::string_view name = r.name;
    if (!r.is_sido) {
      auto same = by_name.find(name);
      if (same != by_name.end() && same->second->is_sido) {
        ancestors.push_back(same->second->code);
      }
    }
    for (size_t pos = name.rfind(' '); pos != std::string_view::npos;
         pos = name.rfind(' ', pos - 1)) {
      auto it = by_name.find(name.substr(0, pos));
      if (it != by_name.end() && it->second->code != code) {
        ancestors.push_back(it->second->code);
      }
      if (pos == 0) break;
    }
  }
  return table;
}

const RegionTable::Region* RegionTable::Find(std::string_view code) const {
  auto it = regions_.find(code);
  return it == regions_.end() ? nullptr : &it->second;
}

std::string_view RegionTable::CanonicalView(std::string_view code) const {
  std::string_view current = code;
  for (int hops = 0; hops < 8; ++hops) {
    const Region* r = Find(current);
    if (r == nullptr || r->replaced_by.empty()) break;
    current = r->replaced_by;
  }
  return current;
}

std::string RegionTable::Canonical(std::string_view code) const {
  return std::string(CanonicalView(code));
}

bool RegionTable::Contains(std::string_view area,
                           std::string_view place) const {
  if (area == place) return true;
  auto it = ancestors_.find(place);
  if (it == ancestors_.end()) return false;
  for (const std::string& a : it->second) {
    if (a == area) return true;
  }
  return false;
}

Truth RegionTable::Covers(std::string_view area, std::string_view place) const {
  // Called for every region predicate of every explained program.
  const std::string_view a = CanonicalView(area);
  const std::string_view p = CanonicalView(place);
  if (Contains(a, p)) return Truth::kTrue;
  if (Contains(p, a)) return Truth::kUnknown;
  return Truth::kFalse;
}

std::string RegionTable::Describe(std::string_view code) const {
  const Region* r = Find(code);
  if (r == nullptr) return std::string(code);
  return absl::StrCat(std::string(code), " ", r->name);
}

std::string RegionTable::Sido(std::string_view code) const {
  const std::string c = Canonical(code);
  const Region* r = Find(c);
  if (r == nullptr || r->abolished) return std::string();
  if (r->is_sido) return c;
  auto it = ancestors_.find(c);
  if (it == ancestors_.end()) return std::string();
  for (const std::string& a : it->second) {
    const Region* ar = Find(a);
    if (ar != nullptr && ar->is_sido) return a;
  }
  return std::string();
}

std::vector<std::string> RegionTable::ActiveCodes() const {
  std::vector<std::string> codes;
  for (const auto& [code, r] : regions_) {
    if (!r.abolished && r.replaced_by.empty()) codes.push_back(code);
  }
  return codes;
}

absl::StatusOr<RegionGroups> RegionGroups::Parse(std::string_view text,
                                                 const RegionTable& regions) {
  RegionGroups groups;
  absl::StatusOr<Csv> csv = Csv::Read(text, {"group", "code"});
  if (!csv.ok()) return csv.status();
  for (const Csv::Row& row : csv->rows()) {
    const std::string& group = csv->Get(row, "group");
    const std::string& code = csv->Get(row, "code");
    if (group.empty()) return csv->Error(row, "group", "empty");
    const RegionTable::Region* r = regions.Find(code);
    if (r == nullptr || r->abolished) {
      return csv->Error(
          row, "code",
          absl::StrCat("\"", code, "\" is not a region code in force"));
    }
    groups.groups_[group].push_back(code);
  }
  return groups;
}

const std::vector<std::string>* RegionGroups::Find(
    std::string_view name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

std::vector<std::string> RegionTable::AllCodes() const {
  std::vector<std::string> codes;
  for (const auto& [code, r] : regions_) codes.push_back(code);
  return codes;
}

// ------------------------------------------------------------- industries

absl::StatusOr<IndustryTable> IndustryTable::Parse(std::string_view text) {
  IndustryTable table;
  absl::StatusOr<Csv> csv =
      Csv::Read(text, {"code", "level", "section", "name_ko"});
  if (!csv.ok()) return csv.status();
  // The digits of each level's codes.
  static constexpr std::pair<std::string_view, size_t> kLevels[] = {
      {"division", 2}, {"group", 3}, {"class", 4}, {"subclass", 5}};
  for (const Csv::Row& row : csv->rows()) {
    const std::string& code = csv->Get(row, "code");
    const std::string& level = csv->Get(row, "level");
    const std::string& section = csv->Get(row, "section");
    const std::string& name = csv->Get(row, "name_ko");
    if (!IsLetter(section)) {
      return csv->Error(
          row, "section",
          absl::StrCat("\"", section, "\" is not a KSIC section letter (A-U)"));
    }
    if (level == "section") {
      if (code != section) {
        return csv->Error(
            row, "code",
            absl::StrCat("\"", code, "\" is not the section letter ", section));
      }
    } else {
      size_t digits = 0;
      for (const auto& [l, n] : kLevels) {
        if (l == level) digits = n;
      }
      if (digits == 0) {
        return csv->Error(row, "level",
                          absl::StrCat("\"", level,
                                       "\" is not section, division, group, "
                                       "class or subclass"));
      }
      if (!IsDigits(code) || code.size() != digits) {
        return csv->Error(row, "code",
                          absl::StrCat("\"", code, "\" is not a ", digits,
                                       "-digit KSIC ", level, " code"));
      }
    }
    if (!HasHangul(name)) {
      return csv->Error(row, "name_ko",
                        absl::StrCat("\"", name, "\" is not a Korean name"));
    }
    if (table.entries_.contains(code)) {
      return csv->Error(row, "code",
                        absl::StrCat("\"", code, "\" appears twice"));
    }
    table.entries_[code] = Entry{section, name};
  }
  return table;
}

bool IndustryTable::IsValid(std::string_view code) const {
  return entries_.find(code) != entries_.end();
}

std::string IndustryTable::Section(std::string_view code) const {
  auto it = entries_.find(code);
  return it == entries_.end() ? std::string() : it->second.section;
}

std::string IndustryTable::Name(std::string_view code) const {
  auto it = entries_.find(code);
  return it == entries_.end() ? std::string() : it->second.name;
}

std::string IndustryTable::Describe(std::string_view code) const {
  auto it = entries_.find(code);
  if (it == entries_.end()) return std::string(code);
  return absl::StrCat(std::string(code), " ", it->second.name);
}

std::vector<std::string> IndustryTable::AllCodes() const {
  std::vector<std::string> codes;
  for (const auto& [code, e] : entries_) codes.push_back(code);
  return codes;
}

Truth IndustryTable::Covers(std::string_view area,
                            std::string_view code) const {
  if (IsLetter(area)) {
    if (IsLetter(code)) return FromBool(area == code);
    return FromBool(Section(code) == area);
  }
  if (IsLetter(code)) {
    return Section(area) == code ? Truth::kUnknown : Truth::kFalse;
  }
  if (StartsWith(code, area)) return Truth::kTrue;
  if (StartsWith(area, code)) return Truth::kUnknown;
  return Truth::kFalse;
}

// ------------------------------------------------------------------ sizes

absl::StatusOr<SizeTable> SizeTable::Parse(std::string_view thresholds_csv,
                                           std::string_view micro_csv) {
  constexpr int64_t kEok = 100'000'000;
  SizeTable table;
  absl::StatusOr<Csv> thresholds = Csv::Read(
      thresholds_csv, {"division_from", "division_to", "industry",
                       "sme_avg_revenue_max_eok", "small_avg_revenue_max_eok"});
  if (!thresholds.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sme_size_thresholds.csv: ", thresholds.status().message()));
  }
  const Csv& t = *thresholds;
  for (const Csv::Row& row : t.rows()) {
    int64_t from, to, sme, small;
    for (auto [column, out, max] :
         {std::tuple{"division_from", &from, int64_t{99}},
          std::tuple{"division_to", &to, int64_t{99}},
          std::tuple{"sme_avg_revenue_max_eok", &sme, int64_t{1'000'000}},
          std::tuple{"small_avg_revenue_max_eok", &small,
                     int64_t{1'000'000}}}) {
      const std::string& v = t.Get(row, column);
      if (!ParseInt(v, out) || *out < 0 || *out > max) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sme_size_thresholds.csv: ",
            t.Error(row, column,
                    absl::StrCat("\"", v, "\" is not a number from 0 to ", max))
                .message()));
      }
    }
    if (from > to) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sme_size_thresholds.csv: ",
          t.Error(row, "division_to", "below division_from").message()));
    }
    for (int64_t d = from; d <= to; ++d) {
      table.by_division_[static_cast<int>(d)] =
          Ceilings{t.Get(row, "industry"), sme * kEok, small * kEok};
    }
  }
  absl::StatusOr<Csv> micro =
      Csv::Read(micro_csv, {"section", "max_employees_exclusive"});
  if (!micro.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("micro_employee_limits.csv: ", micro.status().message()));
  }
  for (const Csv::Row& row : micro->rows()) {
    const std::string& section = micro->Get(row, "section");
    const std::string& v = micro->Get(row, "max_employees_exclusive");
    int64_t limit;
    if (!ParseInt(v, &limit) || limit <= 0 || limit > 1'000'000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "micro_employee_limits.csv: ",
          micro
              ->Error(
                  row, "max_employees_exclusive",
                  absl::StrCat("\"", v, "\" is not a number from 1 to 1000000"))
              .message()));
    }
    if (section != "*" && !IsLetter(section)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "micro_employee_limits.csv: ",
          micro
              ->Error(row, "section",
                      absl::StrCat("\"", section,
                                   "\" is not a KSIC section letter or *"))
              .message()));
    }
    if (section == "*") {
      table.micro_default_ = static_cast<int>(limit);
    } else {
      table.micro_limit_[section] = static_cast<int>(limit);
    }
  }
  return table;
}

const SizeTable::Ceilings* SizeTable::ForDivision(int division) const {
  auto it = by_division_.find(division);
  return it == by_division_.end() ? nullptr : &it->second;
}

int SizeTable::MicroEmployeeLimit(std::string_view section) const {
  auto it = micro_limit_.find(section);
  return it == micro_limit_.end() ? micro_default_ : it->second;
}

}  // namespace jiwon::engine
