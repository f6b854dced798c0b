#include "server/app/auth.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/validate.h"

namespace jiwon::app {
namespace {

constexpr uint32_t Bit(Role r) { return uint32_t{1} << static_cast<int>(r); }
constexpr uint32_t kPortal = Bit(Role::kPortal);
constexpr uint32_t kCaseworker = Bit(Role::kCaseworker);
constexpr uint32_t kCatalog = Bit(Role::kCatalog);
constexpr uint32_t kBatch = Bit(Role::kBatch);
constexpr uint32_t kAdmin = Bit(Role::kAdmin);
constexpr uint32_t kCompanySite = kPortal | kCaseworker | kAdmin;
constexpr uint32_t kEveryone =
    kPortal | kCaseworker | kCatalog | kBatch | kAdmin;

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kPortal:
      return "portal";
    case Role::kCaseworker:
      return "caseworker";
    case Role::kCatalog:
      return "catalog";
    case Role::kBatch:
      return "batch";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : kRoles) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

const std::vector<MethodRule>& MethodTable() {
  // The role table. README's "Security" section shows the same; a test
  // calls every row as every role.
  static const std::vector<MethodRule>* table = new std::vector<MethodRule>{
      // A company's own profile: the portal of its site and caseworkers.
      {"/jiwon.v1.CompanyService/UpsertCompany", kCompanySite, kWrite},
      {"/jiwon.v1.CompanyService/UpdateCompany", kCompanySite, kWrite},
      {"/jiwon.v1.CompanyService/GetCompany", kCompanySite, 0},
      {"/jiwon.v1.CompanyService/DeleteCompany", kCompanySite, kWrite},
      // Every company at once: caseworkers.
      {"/jiwon.v1.CompanyService/ListCompanies", kCaseworker | kAdmin, 0},
      {"/jiwon.v1.CompanyService/ImportCompanies", kCaseworker | kAdmin,
       kWrite},
      // The catalog is public; its writes are the catalog team's.
      {"/jiwon.v1.ProgramService/UpsertProgram", kCatalog | kAdmin, kWrite},
      {"/jiwon.v1.ProgramService/UpdateProgram", kCatalog | kAdmin, kWrite},
      {"/jiwon.v1.ProgramService/GetProgram", kEveryone, 0},
      {"/jiwon.v1.ProgramService/DeleteProgram", kCatalog | kAdmin, kWrite},
      {"/jiwon.v1.ProgramService/ListPrograms", kEveryone, 0},
      // eligible_for reads a company: the company's scope is checked.
      {"/jiwon.v1.ProgramService/SearchPrograms", kEveryone, 0},
      {"/jiwon.v1.ProgramService/ImportPrograms", kCatalog | kAdmin, kWrite},
      // Announcements from the feeds, and the drafts they make: the catalog
      // team reviews them.
      {"/jiwon.v1.ProgramService/ImportAnnouncements", kCatalog | kAdmin,
       kWrite},
      {"/jiwon.v1.ProgramService/GetDraft", kCatalog | kAdmin, 0},
      {"/jiwon.v1.ProgramService/ListDrafts", kCatalog | kAdmin, 0},
      {"/jiwon.v1.ProgramService/ProposeRules", kCatalog | kAdmin, 0},
      {"/jiwon.v1.ProgramService/PublishDraft", kCatalog | kAdmin, 0},
      // Matching one company.
      {"/jiwon.v1.MatchService/Recommend", kCompanySite, 0},
      {"/jiwon.v1.MatchService/Explain", kCompanySite, 0},
      {"/jiwon.v1.MatchService/NextQuestions", kCompanySite, 0},
      // Every company qualifying for a program.
      {"/jiwon.v1.MatchService/WhoQualifies", kCaseworker | kAdmin, kStream},
      {"/jiwon.v1.FeedbackService/RecordFeedback", kCompanySite, kWrite},
      {"/jiwon.v1.FeedbackService/DeleteFeedback", kCompanySite, kWrite},
      {"/jiwon.v1.FeedbackService/ListFeedback", kCompanySite, 0},
      // The nightly run and what it made.
      {"/jiwon.v1.RescoreService/Rescore", kBatch | kAdmin, kWrite | kStream},
      {"/jiwon.v1.RescoreService/GetResults", kCompanySite | kBatch, 0},
      {"/jiwon.v1.RescoreService/ReadAlerts", kCompanySite | kBatch, kStream},
      // Access records.
      {"/jiwon.v1.AdminService/ReadAccessLog", kAdmin, 0},
      // Backups of the whole database.
      {"/jiwon.v1.AdminService/Backup", kAdmin, 0},
      {"/jiwon.v1.AdminService/ListBackups", kAdmin, 0},
      // The API's own description: names of facts and enumerations, and
      // reflection.
      {"/jiwon.v1.VocabularyService/GetVocabulary", kEveryone, 0},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
       kEveryone, 0},
  };
  return *table;
}

const MethodRule* FindMethod(std::string_view method) {
  static const absl::flat_hash_map<std::string_view, const MethodRule*>* index =
      [] {
        auto* m = new absl::flat_hash_map<std::string_view, const MethodRule*>;
        for (const MethodRule& r : MethodTable()) m->emplace(r.method, &r);
        return m;
      }();
  auto it = index->find(method);
  return it == index->end() ? nullptr : it->second;
}

bool Scope::Admits(const v1::Company& company) const {
  if (empty()) return true;
  const std::string& region = company.head_office_region();
  for (const std::string& r : regions) {
    if (!region.empty() && region.starts_with(r)) return true;
  }
  for (const std::string& t : tags) {
    for (const std::string& has : company.tags()) {
      if (has == t) return true;
    }
  }
  return false;
}

std::string Scope::ToString() const {
  std::vector<std::string> parts;
  for (const std::string& r : regions) parts.push_back("region:" + r);
  for (const std::string& t : tags) parts.push_back("tag:" + t);
  return absl::StrJoin(parts, ",");
}

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

namespace {

absl::Status LineError(int line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("token file line ", line, ": ", std::string(what)));
}

bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.' && c != '@') {
      return false;
    }
  }
  return true;
}

bool IsRegionCode(std::string_view s) {
  if (s.size() != 2 && s.size() != 5) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const TokenTable>> TokenTable::Parse(
    std::string_view text) {
  auto table = std::make_shared<TokenTable>();
  absl::flat_hash_map<std::string, int> names;
  int line_number = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() < 3 || words.size() > 4) {
      return LineError(line_number,
                       "expected NAME ROLE SHA256 [scope=region:CODE,...]");
    }
    Caller caller;
    caller.name = std::string(words[0]);
    if (!IsName(caller.name)) {
      return LineError(line_number,
                       "the name must be 1-64 characters of "
                       "[A-Za-z0-9._@-]");
    }
    std::optional<Role> role =
        RoleFromName(std::string_view(words[1].data(), words[1].size()));
    if (!role) {
      return LineError(line_number,
                       absl::StrCat("\"", std::string(words[1]),
                                    "\" is not a role (portal, caseworker, "
                                    "catalog, batch, admin)"));
    }
    caller.role = *role;
    bool hex = words[2].size() == 64;
    for (char c : words[2]) {
      hex &= absl::ascii_isxdigit(static_cast<unsigned char>(c));
    }
    const std::string hash = hex ? absl::HexStringToBytes(words[2]) : "";
    if (hash.size() != 32) {
      return LineError(line_number,
                       "the third word must be the token's SHA-256, 64 hex "
                       "digits (jiwon admin token new prints it)");
    }
    if (words.size() == 4) {
      if (!absl::StartsWith(words[3], "scope=")) {
        return LineError(line_number,
                         "the fourth word, when given, is "
                         "scope=region:CODE|tag:NAME[,...]");
      }
      for (absl::string_view part :
           absl::StrSplit(words[3].substr(6), ',', absl::SkipEmpty())) {
        if (absl::StartsWith(part, "region:") &&
            IsRegionCode(std::string_view(part.data() + 7, part.size() - 7))) {
          caller.scope.regions.emplace_back(part.substr(7));
        } else if (absl::StartsWith(part, "tag:") &&
                   engine::IsValidId(
                       std::string_view(part.data() + 4, part.size() - 4))) {
          caller.scope.tags.emplace_back(part.substr(4));
        } else {
          return LineError(
              line_number,
              absl::StrCat("scope \"", std::string(part),
                           "\": expected region: and a 2-digit 시도 or "
                           "5-digit 시군구 code, or tag: and a company tag"));
        }
      }
      if (caller.scope.empty()) {
        return LineError(line_number, "scope= names no region or tag");
      }
      if (caller.role != Role::kPortal && caller.role != Role::kCaseworker) {
        return LineError(line_number,
                         "only portal and caseworker callers take a scope");
      }
    }
    if (auto [it, added] = names.emplace(caller.name, line_number); !added) {
      return LineError(line_number,
                       absl::StrCat("the name ", caller.name,
                                    " is already on line ", it->second));
    }
    if (!table->by_hash_.emplace(hash, std::move(caller)).second) {
      return LineError(line_number,
                       "this token's hash is already on another line");
    }
  }
  return std::shared_ptr<const TokenTable>(std::move(table));
}

absl::StatusOr<std::shared_ptr<const TokenTable>> TokenTable::Load(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (16 << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": larger than 16 MiB"));
  }
  absl::StatusOr<std::shared_ptr<const TokenTable>> t = Parse(text.str());
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", t.status().message()));
  }
  return t;
}

const Caller* TokenTable::Find(std::string_view token) const {
  auto it = by_hash_.find(Sha256(token));
  return it == by_hash_.end() ? nullptr : &it->second;
}

}  // namespace jiwon::app
