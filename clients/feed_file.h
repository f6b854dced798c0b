#ifndef JIWON_CLIENTS_FEED_FILE_H_
#define JIWON_CLIENTS_FEED_FILE_H_

// Saved responses of the public feeds, split into their records: what
// `jiwon feed import` sends to jiwond as it finds them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace jiwon::clients {

// The records of a saved response, each as its JSON text:
//   기업마당: [item, …], {"jsonArray": [item, …]}, {"jsonArray": {"item":
//   [item, …]}} or {"item": {…}} (one item), data.go.kr's {"response":
//   {"body": {"items": {"item": […] or {…}}}}};
//   K-Startup: {"data": [row, …], "totalCount": …}.
// `total` is set from totCnt / totalCount / matchCount when given (0
// otherwise).
absl::StatusOr<std::vector<std::string>> RecordsOfResponse(
    std::string_view json, int64_t* total = nullptr);

// The records of a response in XML, each as a JSON object of its fields'
// text (entities and CDATA decoded, the padding around it trimmed, empty
// fields left out):
//   기업마당 RSS: <rss><channel>…<item><title>…</title>…</item>…;
//   K-Startup: <results><data><item><col name="pbanc_sn">…</col>…</item>…
//   </data><matchCount/><totalCount/></results>; its spec's <item>
//   <biz_pbanc_nm> form too.
// `total` is set from matchCount, totalCount or the items' totCnt.
absl::StatusOr<std::vector<std::string>> RecordsOfXml(std::string_view xml,
                                                      int64_t* total = nullptr);

}  // namespace jiwon::clients

#endif  // JIWON_CLIENTS_FEED_FILE_H_
