#include "server/app/page_token.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/errors.h"

namespace jiwon::app {
namespace {

constexpr size_t kDigestBytes = 8;
constexpr size_t kMaxTokenBytes = 512;

// FNV-1a over the parts, each followed by a separator byte: it tells a
// token apart from another list's, other filters' or made-up bytes; it is
// no secret (a caller who forges a position could as well ask for it).
std::string Digest(std::string_view list, std::string_view filters,
                   std::string_view position) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view part) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(list);
  mix(filters);
  mix(position);
  std::string out(kDigestBytes, '\0');
  for (size_t i = 0; i < kDigestBytes; ++i) {
    out[i] = static_cast<char>(h >> (8 * i));
  }
  return out;
}

absl::Status BadToken() {
  return engine::FieldStatus(
      "page_token", engine::reason::kBadPageToken,
      "not a next_page_token this list gave for these filters (a token "
      "goes with the request that made it, filters included)");
}

}  // namespace

absl::StatusOr<int> PageSize(int requested, int default_size, int max_size) {
  if (requested == 0) return default_size;
  if (requested < 0 || requested > max_size) {
    return engine::FieldStatus(
        "page_size", engine::reason::kBadPageSize,
        absl::StrCat("must be 1-", max_size, " (or 0 for ", default_size,
                     "), got ", requested));
  }
  return requested;
}

std::string MakePageToken(std::string_view list, std::string_view filters,
                          std::string_view position) {
  std::string raw =
      absl::StrCat(std::string(position), Digest(list, filters, position));
  std::string token;
  absl::WebSafeBase64Escape(raw, &token);
  return token;
}

absl::StatusOr<std::string> ReadPageToken(std::string_view list,
                                          std::string_view filters,
                                          std::string_view token) {
  if (token.empty()) return std::string();
  if (token.size() > kMaxTokenBytes) return BadToken();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) ||
      raw.size() < kDigestBytes) {
    return BadToken();
  }
  std::string position = raw.substr(0, raw.size() - kDigestBytes);
  if (raw.substr(position.size()) != Digest(list, filters, position)) {
    return BadToken();
  }
  return position;
}

}  // namespace jiwon::app
