#ifndef JIWON_CLIENTS_FEED_FETCH_H_
#define JIWON_CLIENTS_FEED_FETCH_H_

// The public feeds fetched page by page over HTTP(S) with libcurl: 기업마당's
// bizinfoApi.do (crtfcKey, pageUnit, pageIndex) and K-Startup's
// getAnnouncementInformation01 (serviceKey, page, perPage), until the total
// the feed gives is collected, with calls spaced, retries with backoff on
// rate limits and server errors, and a stop with the feed's own words on
// its error codes.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace jiwon::clients {

enum class FeedApi { kBizinfo, kKstartup };

struct FetchOptions {
  std::string url;  // the endpoint, http:// or https://
  std::string key;  // as issued (decoded); sent URL-encoded
  int page_size = 500;
  double interval_seconds = 1.5;  // between calls (bursts get 401)
  int retries = 4;                // per page, with doubling waits
  double timeout_seconds = 60;    // per call
  int max_pages = 1000;
  int64_t max_page_bytes = int64_t{64} << 20;
  // Told of each page and retry, for the operator.
  std::function<void(const std::string&)> progress;
};

struct Fetched {
  std::vector<std::string> records;  // each record's JSON
  int64_t total = 0;                 // what the feed counts; 0 unsaid
  int pages = 0;
  int retries = 0;
};

// Every page of the feed. A feed error code, a refused key or retries
// used up stop the fetch with a message naming the page and the cause.
absl::StatusOr<Fetched> FetchFeed(FeedApi api, const FetchOptions& options);

// The meaning of a data.go.kr / K-Startup result code ("22" →
// "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR: …"); empty when none.
std::string FeedErrorMeaning(const std::string& code);

}  // namespace jiwon::clients

#endif  // JIWON_CLIENTS_FEED_FETCH_H_
