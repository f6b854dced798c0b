#ifndef JIWON_SERVER_FEED_JSON_H_
#define JIWON_SERVER_FEED_JSON_H_

// A feed record in JSON, as the importers send it, to the flat field map
// the normalisers read.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/feeds/announcement.h"

namespace jiwon::server {

// One JSON object to fields: strings as they are, numbers in decimal
// (integers without a fraction), booleans as "true"/"false", null left out,
// lists and objects as their JSON text.
absl::StatusOr<engine::feeds::FeedRecord> FeedRecordFromJson(
    std::string_view json);

}  // namespace jiwon::server

#endif  // JIWON_SERVER_FEED_JSON_H_
