#ifndef JIWON_SERVER_APP_AUTH_H_
#define JIWON_SERVER_APP_AUTH_H_

// Who may call what: the roles, the one table of the methods each may call,
// and the token file that names the callers.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "jiwon/v1/company.pb.h"

namespace jiwon::app {

enum class Role : uint8_t { kPortal, kCaseworker, kCatalog, kBatch, kAdmin };
inline constexpr Role kRoles[] = {Role::kPortal, Role::kCaseworker,
                                  Role::kCatalog, Role::kBatch, Role::kAdmin};

// "portal", "caseworker", ...
const char* RoleName(Role role);
// The inverse; nullopt for a name that is not a role.
std::optional<Role> RoleFromName(std::string_view name);

// What the server does for a method besides checking the role.
enum MethodTrait : uint32_t {
  kWrite = 1 << 0,   // counts against the caller's write rate
  kStream = 1 << 1,  // a server stream: counts against the stream cap
};

// One row of the role table.
struct MethodRule {
  std::string_view method;  // "/jiwon.v1.CompanyService/GetCompany"
  uint32_t roles;           // bit (1 << Role) for each role allowed
  uint32_t traits;          // MethodTrait bits
};

// Every method of the API with the roles that may call it. A method not in
// the table is refused to every role but admin; the health service is open
// to anyone.
const std::vector<MethodRule>& MethodTable();
// The row for `method`, or nullptr.
const MethodRule* FindMethod(std::string_view method);
inline bool RoleMayCall(const MethodRule& rule, Role role) {
  return (rule.roles >> static_cast<int>(role)) & 1;
}

// Which companies a caller may see: all of them when empty, else those
// whose head office is in one of `regions` (a 시도 or 시군구 code: a
// company's region code starts with it) or that carry one of `tags`.
struct Scope {
  std::vector<std::string> regions;
  std::vector<std::string> tags;

  bool empty() const { return regions.empty() && tags.empty(); }
  // Whether `company` is in scope; one without a head office region or a
  // tag is in no scope but the empty one.
  bool Admits(const v1::Company& company) const;
  // "region:41,tag:gbsa"; "" when empty.
  std::string ToString() const;
};

// A caller named in the token file.
struct Caller {
  std::string name;
  Role role = Role::kAdmin;
  Scope scope;
};

// The token file: one caller a line,
//
//   NAME ROLE SHA256-OF-TOKEN [scope=region:41,region:11110,tag:gbsa]
//
// with blank lines and lines starting with # ignored. Only the tokens'
// hashes are kept, in the file and in memory.
class TokenTable {
 public:
  // INVALID_ARGUMENT naming the line and what is wrong with it.
  static absl::StatusOr<std::shared_ptr<const TokenTable>> Parse(
      std::string_view text);
  static absl::StatusOr<std::shared_ptr<const TokenTable>> Load(
      const std::string& path);

  // The caller whose token this is, or nullptr.
  const Caller* Find(std::string_view token) const;
  size_t size() const { return by_hash_.size(); }

 private:
  absl::flat_hash_map<std::string, Caller> by_hash_;  // raw SHA-256 → caller
};

// SHA-256 of `data` (OpenSSL's), 32 bytes.
std::string Sha256(std::string_view data);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_AUTH_H_
