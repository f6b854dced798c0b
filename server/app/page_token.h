#ifndef JIWON_SERVER_APP_PAGE_TOKEN_H_
#define JIWON_SERVER_APP_PAGE_TOKEN_H_

// The one pattern of jiwon's lists (Google AIP-158): `page_size` (0 means
// the list's default; above its maximum, or negative, BAD_PAGE_SIZE),
// `page_token` from the previous page's `next_page_token`, empty on the
// last page, and a stable order (by id, or by record number).
//
// A token is opaque: URL-safe base64 of where the next page starts and a
// digest of the list's name, the request's filters and that position. A
// token of another list, of a request with other filters, or not made by
// jiwon at all is BAD_PAGE_TOKEN.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace jiwon::app {

// `requested` (0: `default_size`), or BAD_PAGE_SIZE on "page_size".
absl::StatusOr<int> PageSize(int requested, int default_size, int max_size);

// The token of the page after `position`.
std::string MakePageToken(std::string_view list, std::string_view filters,
                          std::string_view position);

// The position a token made by MakePageToken with the same list and filters
// holds; "" for an empty token (the first page).
absl::StatusOr<std::string> ReadPageToken(std::string_view list,
                                          std::string_view filters,
                                          std::string_view token);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_PAGE_TOKEN_H_
