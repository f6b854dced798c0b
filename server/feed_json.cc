#include "server/feed_json.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace jiwon::server {
namespace {

namespace pb = google::protobuf;

// How deep lists and objects nest, strings skipped. Protobuf's JSON parser
// takes time quadratic in the nesting of google.protobuf.Value (10,000
// levels: seconds), so deep input is refused before it is parsed.
int NestingDepth(std::string_view json, int stop_at) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop_at) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

constexpr int kMaxDepth = 16;  // a feed record is a flat object

absl::StatusOr<pb::Value> Parse(std::string_view json) {
  if (NestingDepth(json, kMaxDepth) > kMaxDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a feed record: lists and objects nest deeper than ",
                     kMaxDepth, " levels"));
  }
  pb::Value value;
  pb::util::JsonParseOptions options;
  const auto status = pb::util::JsonStringToMessage(
      pb::StringPiece(json.data(), json.size()), &value, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not JSON: ", std::string(status.message()).substr(0, 200)));
  }
  return value;
}

std::string ToJson(const pb::Value& v) {
  std::string out;
  (void)pb::util::MessageToJsonString(v, &out);
  return out;
}

std::string NumberText(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
    return absl::StrCat(static_cast<int64_t>(d));
  }
  return absl::StrCat(d);
}

}  // namespace

absl::StatusOr<engine::feeds::FeedRecord> FeedRecordFromJson(
    std::string_view json) {
  absl::StatusOr<pb::Value> v = Parse(json);
  if (!v.ok()) return v.status();
  if (v->kind_case() != pb::Value::kStructValue) {
    return absl::InvalidArgumentError("a record is a JSON object");
  }
  engine::feeds::FeedRecord out;
  for (const auto& [name, value] : v->struct_value().fields()) {
    switch (value.kind_case()) {
      case pb::Value::kStringValue:
        out[name] = value.string_value();
        break;
      case pb::Value::kNumberValue:
        out[name] = NumberText(value.number_value());
        break;
      case pb::Value::kBoolValue:
        out[name] = value.bool_value() ? "true" : "false";
        break;
      case pb::Value::kStructValue:
      case pb::Value::kListValue:
        out[name] = ToJson(value);
        break;
      case pb::Value::kNullValue:
      case pb::Value::KIND_NOT_SET:
        break;
    }
  }
  return out;
}

}  // namespace jiwon::server
