#include "engine/reference.h"

#include <charconv>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace jiwon::engine {
namespace {

// Lines of a CSV text without the header, skipping blank lines.
std::vector<std::string_view> DataLines(std::string_view csv) {
  std::vector<std::string_view> lines;
  bool header = true;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(csv.data(), csv.size()), '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (line.empty()) continue;
    if (header) {
      header = false;
      continue;
    }
    lines.emplace_back(line.data(), line.size());
  }
  return lines;
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

absl::StatusOr<RegionTable> RegionTable::Parse(std::string_view csv) {
  RegionTable table;
  int line_no = 1;
  for (std::string_view line : DataLines(csv)) {
    ++line_no;
    std::vector<std::string> f = SplitCsvLine(line);
    if (f.size() != 7) {
      return absl::InvalidArgumentError(absl::StrCat(
          "regions: line ", line_no, ": expected 7 fields, got ", f.size()));
    }
    Region r;
    r.code = f[0];
    r.is_sido = f[1] == "sido";
    r.name = f[2];
    r.abolished = f[3] == "abolished";
    r.replaced_by = f[6];
    if ((r.is_sido && r.code.size() != 2) ||
        (!r.is_sido && r.code.size() != 5)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "regions: line ", line_no, ": bad code \"", r.code, "\""));
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

absl::StatusOr<RegionGroups> RegionGroups::Parse(std::string_view csv,
                                                 const RegionTable& regions) {
  RegionGroups groups;
  int line_no = 1;
  for (std::string_view line : DataLines(csv)) {
    ++line_no;
    std::vector<std::string> f = SplitCsvLine(line);
    if (f.size() != 2 || f[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("region_groups: line ", line_no, ": malformed record"));
    }
    const RegionTable::Region* r = regions.Find(f[1]);
    if (r == nullptr || r->abolished) {
      return absl::InvalidArgumentError(
          absl::StrCat("region_groups: line ", line_no,
                       ": unknown region code \"", f[1], "\""));
    }
    groups.groups_[f[0]].push_back(f[1]);
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

absl::StatusOr<IndustryTable> IndustryTable::Parse(std::string_view csv) {
  IndustryTable table;
  int line_no = 1;
  for (std::string_view line : DataLines(csv)) {
    ++line_no;
    std::vector<std::string> f = SplitCsvLine(line);
    if (f.size() != 5 || f[0].empty() || f[2].size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("ksic: line ", line_no, ": malformed record"));
    }
    table.entries_[f[0]] = Entry{f[2], f[3]};
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
  int line_no = 1;
  for (std::string_view line : DataLines(thresholds_csv)) {
    ++line_no;
    std::vector<std::string> f = SplitCsvLine(line);
    int64_t from, to, sme, small;
    if (f.size() != 5 || !ParseInt(f[0], &from) || !ParseInt(f[1], &to) ||
        !ParseInt(f[3], &sme) || !ParseInt(f[4], &small) || from > to) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sme_size_thresholds: line ", line_no, ": malformed record"));
    }
    for (int64_t d = from; d <= to; ++d) {
      table.by_division_[static_cast<int>(d)] =
          Ceilings{f[2], sme * kEok, small * kEok};
    }
  }
  line_no = 1;
  for (std::string_view line : DataLines(micro_csv)) {
    ++line_no;
    std::vector<std::string> f = SplitCsvLine(line);
    int64_t limit;
    if (f.size() != 2 || !ParseInt(f[1], &limit) || limit <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "micro_employee_limits: line ", line_no, ": malformed record"));
    }
    if (f[0] == "*") {
      table.micro_default_ = static_cast<int>(limit);
    } else {
      table.micro_limit_[f[0]] = static_cast<int>(limit);
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
