#include "clients/feed_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/feed_file.h"

namespace jiwon::clients {
namespace {

// The data.go.kr gateway's codes, as its guide names them.
struct Code {
  const char* code;
  const char* name;
  const char* hint;
};
constexpr Code kCodes[] = {
    {"1", "APPLICATION_ERROR", "the feed failed; try again later"},
    {"10", "INVALID_REQUEST_PARAMETER_ERROR", "a parameter was refused"},
    {"12", "NO_OPENAPI_SERVICE_ERROR", "no such service at this address"},
    {"20", "SERVICE_ACCESS_DENIED_ERROR",
     "the key is not approved for this service"},
    {"22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR",
     "too many calls (30 a second, and a daily quota)"},
    {"30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR",
     "the key is unknown: give the decoded key (jiwon encodes it once; an "
     "encoded key gets encoded twice)"},
    {"31", "DEADLINE_HAS_EXPIRED_ERROR", "the key's use period has ended"},
    {"32", "UNREGISTERED_IP_ERROR", "this machine's address is not allowed"},
    {"99", "UNKNOWN_ERROR", "the feed failed for a reason it does not say"},
};

struct CurlFree {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

struct Reply {
  long status = 0;
  std::string body;
  double retry_after = -1;  // seconds the server asked to wait; -1 unsaid
};

struct Sink {
  std::string* body;
  int64_t limit;
  bool over = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t bytes = size * n;
  if (static_cast<int64_t>(sink->body->size() + bytes) > sink->limit) {
    sink->over = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

absl::StatusOr<Reply> Get(CURL* h, const std::string& url,
                          const FetchOptions& o) {
  Reply r;
  Sink sink{&r.body, o.max_page_bytes};
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(o.timeout_seconds * 1000));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "jiwon-feed-import");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  const CURLcode rc = curl_easy_perform(h);
  if (sink.over) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the response is over ", o.max_page_bytes, " bytes"));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  curl_off_t wait = -1;
  if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK &&
      wait >= 0) {
    r.retry_after = static_cast<double>(wait);
  }
  return r;
}

// The value after `"name"` in JSON or inside <name>…</name> in XML, digits
// and letters only; empty when absent.
std::string Extract(const std::string& body, const std::string& name) {
  size_t at = body.find("<" + name + ">");
  size_t i = std::string::npos;
  if (at != std::string::npos) {
    i = at + name.size() + 2;
  } else if ((at = body.find("\"" + name + "\"")) != std::string::npos) {
    i = at + name.size() + 2;
    while (i < body.size() &&
           (body[i] == ' ' || body[i] == ':' || body[i] == '"')) {
      ++i;
    }
  }
  std::string out;
  while (i < body.size() && out.size() < 80 &&
         (std::isalnum(static_cast<unsigned char>(body[i])) || body[i] == '_' ||
          body[i] == '-')) {
    out.push_back(body[i++]);
  }
  return out;
}

// The feed's error code in a reply, if it states one: data.go.kr's
// returnReasonCode (XML) or resultCode other than 00, 기업마당's reqErr.
std::string ErrorCode(const std::string& body) {
  std::string code = Extract(body, "returnReasonCode");
  if (code.empty()) code = Extract(body, "resultCode");
  if (code == "00" || code == "0" || code == "INFO-000") code.clear();
  if (code.empty()) {
    const std::string err = Extract(body, "reqErr");
    if (!err.empty() && err != "null" && err != "false") code = err;
  }
  return code;
}

std::string Escape(CURL* h, const std::string& s) {
  char* e = curl_easy_escape(h, s.data(), static_cast<int>(s.size()));
  std::string out = e == nullptr ? "" : e;
  curl_free(e);
  return out;
}

bool Retryable(long status) {
  return status == 401 || status == 408 || status == 429 ||
         (status >= 500 && status <= 504);
}

}  // namespace

std::string FeedErrorMeaning(const std::string& code) {
  for (const Code& c : kCodes) {
    if (code == c.code) return absl::StrCat(c.name, ": ", c.hint);
  }
  return "";
}

absl::StatusOr<Fetched> FetchFeed(FeedApi api, const FetchOptions& o) {
  if (!(o.url.starts_with("http://") || o.url.starts_with("https://"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL: ", o.url.substr(0, 80), " is no http(s) address"));
  }
  if (o.page_size < 1 || o.max_pages < 1 || o.retries < 0) {
    return absl::InvalidArgumentError(
        "page size and pages must be 1 or more, retries 0 or more");
  }
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) return absl::InternalError("libcurl failed to start");
  std::unique_ptr<CURL, CurlFree> h(curl_easy_init());
  if (h == nullptr) return absl::InternalError("libcurl failed to start");
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  auto pause = [](double seconds) {
    if (seconds > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(
          static_cast<int64_t>(std::min(seconds, 600.0) * 1000)));
    }
  };
  const std::string key = Escape(h.get(), o.key);
  const char joint = o.url.find('?') == std::string::npos ? '?' : '&';
  Fetched out;
  for (int page = 1;; ++page) {
    if (page > o.max_pages) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "stopped after ", o.max_pages, " pages with ", out.records.size(),
          " of ", out.total, " records: raise --fetch_max_pages"));
    }
    const std::string url =
        api == FeedApi::kBizinfo
            ? absl::StrCat(o.url, std::string(1, joint), "crtfcKey=", key,
                           "&dataType=json&pageUnit=", o.page_size,
                           "&pageIndex=", page)
            : absl::StrCat(o.url, std::string(1, joint), "serviceKey=", key,
                           "&page=", page, "&perPage=", o.page_size,
                           "&returnType=json");
    if (page > 1) pause(o.interval_seconds);
    Reply reply;
    std::string code;
    for (int attempt = 0;; ++attempt) {
      absl::StatusOr<Reply> r = Get(h.get(), url, o);
      std::string why;
      double wait = o.interval_seconds * std::pow(2.0, attempt);
      if (!r.ok()) {
        if (r.status().code() == absl::StatusCode::kResourceExhausted) {
          return absl::ResourceExhaustedError(
              absl::StrCat("page ", page, ": ", r.status().message()));
        }
        why = std::string(r.status().message());
      } else {
        reply = *std::move(r);
        code = ErrorCode(reply.body);
        if (code == "22") {
          why = absl::StrCat("feed error 22 (", FeedErrorMeaning(code), ")");
        } else if (!code.empty()) {
          const std::string meaning = FeedErrorMeaning(code);
          return absl::FailedPreconditionError(
              absl::StrCat("page ", page, ": the feed answered error ", code,
                           meaning.empty() ? "" : absl::StrCat(" ", meaning)));
        } else if (Retryable(reply.status)) {
          why = absl::StrCat("HTTP ", reply.status);
          if (reply.retry_after >= 0) {
            wait = std::max(wait, std::min(reply.retry_after, 60.0));
          }
        } else if (reply.status != 200) {
          return absl::FailedPreconditionError(absl::StrCat(
              "page ", page, ": HTTP ", reply.status,
              reply.status == 403 ? " (the key was refused)" : ""));
        } else {
          break;
        }
      }
      if (attempt >= o.retries) {
        return absl::UnavailableError(absl::StrCat(
            "page ", page, ": ", why, ", still after ", o.retries, " retries",
            reply.status == 401 ? " (a 401 that lasts is a refused key)" : ""));
      }
      ++out.retries;
      say(absl::StrCat("page ", page, ": ", why, "; retrying in ", wait, " s"));
      pause(wait);
    }
    int64_t total = 0;
    const size_t start = reply.body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    absl::StatusOr<std::vector<std::string>> records =
        start != std::string::npos && reply.body[start] == '<'
            ? RecordsOfXml(reply.body, &total)
            : RecordsOfResponse(reply.body, &total);
    if (!records.ok()) {
      return absl::DataLossError(
          absl::StrCat("page ", page,
                       ": not a feed response: ", records.status().message()));
    }
    ++out.pages;
    if (out.total == 0) out.total = total;
    const size_t got = records->size();
    for (std::string& r : *records) out.records.push_back(std::move(r));
    say(absl::StrCat(
        "page ", page, ": ", got, " records (", out.records.size(),
        out.total > 0 ? absl::StrCat(" of ", out.total) : std::string(), ")"));
    if (got == 0) break;
    // A feed that ignores the page asked for sends the same page again.
    if (page > 1 && out.records.size() >= 2 * got &&
        std::equal(out.records.end() - static_cast<std::ptrdiff_t>(got),
                   out.records.end(),
                   out.records.end() - static_cast<std::ptrdiff_t>(2 * got))) {
      out.records.resize(out.records.size() - got);
      return absl::FailedPreconditionError(absl::StrCat(
          "page ", page, ": the feed sent page ", page - 1,
          " again (it ignores paging); ", out.records.size(), " records read"));
    }
    if (out.total > 0 &&
        static_cast<int64_t>(out.records.size()) >= out.total) {
      break;
    }
    if (out.total == 0 && static_cast<int>(got) < o.page_size) break;
  }
  return out;
}

}  // namespace jiwon::clients
