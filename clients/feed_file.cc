#include "clients/feed_file.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace jiwon::clients {
namespace {

namespace pb = google::protobuf;

// How deep lists and objects nest, strings skipped: Protobuf's JSON parser
// takes time quadratic in the nesting of google.protobuf.Value.
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

constexpr int kMaxDepth = 32;  // envelopes are a few levels deep

absl::StatusOr<pb::Value> Parse(std::string_view json) {
  if (NestingDepth(json, kMaxDepth) > kMaxDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lists and objects nest deeper than ", kMaxDepth, " levels"));
  }
  pb::Value value;
  const auto status = pb::util::JsonStringToMessage(
      pb::StringPiece(json.data(), json.size()), &value);
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

// totCnt / totalCount / matchCount as a count, from a string or a number.
void ReadTotal(const pb::Value& v, int64_t* total) {
  if (total == nullptr) return;
  if (v.kind_case() == pb::Value::kNumberValue) {
    *total = static_cast<int64_t>(v.number_value());
  } else if (v.kind_case() == pb::Value::kStringValue) {
    int64_t n = 0;
    if (absl::SimpleAtoi(v.string_value(), &n)) *total = n;
  }
}

// The records of a list, or of one object.
void Collect(const pb::Value& v, std::vector<std::string>* out) {
  if (v.kind_case() == pb::Value::kListValue) {
    for (const pb::Value& item : v.list_value().values()) {
      out->push_back(ToJson(item));
    }
  } else if (v.kind_case() == pb::Value::kStructValue) {
    out->push_back(ToJson(v));
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> RecordsOfResponse(
    std::string_view json, int64_t* total) {
  if (total != nullptr) *total = 0;
  absl::StatusOr<pb::Value> v = Parse(json);
  if (!v.ok()) return v.status();
  std::vector<std::string> out;
  if (v->kind_case() == pb::Value::kListValue) {
    Collect(*v, &out);
  } else if (v->kind_case() == pb::Value::kStructValue) {
    auto field = [&](const pb::Struct& s,
                     const std::string& name) -> const pb::Value* {
      auto it = s.fields().find(name);
      return it == s.fields().end() ? nullptr : &it->second;
    };
    const pb::Struct& top = v->struct_value();
    if (const pb::Value* a = field(top, "jsonArray")) {
      if (a->kind_case() == pb::Value::kStructValue) {
        if (const pb::Value* item = field(a->struct_value(), "item")) {
          Collect(*item, &out);
        }
        if (const pb::Value* t = field(a->struct_value(), "totCnt")) {
          ReadTotal(*t, total);
        }
      } else {
        Collect(*a, &out);
      }
    } else if (const pb::Value* item = field(top, "item")) {
      Collect(*item, &out);
    } else if (const pb::Value* data = field(top, "data")) {
      Collect(*data, &out);
      if (const pb::Value* t = field(top, "matchCount")) ReadTotal(*t, total);
      if (const pb::Value* t = field(top, "totalCount");
          t != nullptr && (total == nullptr || *total == 0)) {
        ReadTotal(*t, total);
      }
    } else if (const pb::Value* r = field(top, "response");
               r != nullptr && r->kind_case() == pb::Value::kStructValue) {
      const pb::Value* body = field(r->struct_value(), "body");
      if (body != nullptr && body->kind_case() == pb::Value::kStructValue) {
        if (const pb::Value* t = field(body->struct_value(), "totalCount")) {
          ReadTotal(*t, total);
        }
        const pb::Value* items = field(body->struct_value(), "items");
        if (items != nullptr && items->kind_case() == pb::Value::kStructValue) {
          if (const pb::Value* item = field(items->struct_value(), "item")) {
            Collect(*item, &out);
          }
        }
      }
    } else {
      return absl::InvalidArgumentError(
          "no records: expected a list, jsonArray, item, data or "
          "response.body.items");
    }
  } else {
    return absl::InvalidArgumentError(
        "no records: a saved response is a JSON list or object");
  }
  // 기업마당 carries its total on every item.
  if (total != nullptr && *total == 0 && !out.empty()) {
    absl::StatusOr<pb::Value> first = Parse(out[0]);
    if (first.ok() && first->kind_case() == pb::Value::kStructValue) {
      auto it = first->struct_value().fields().find("totCnt");
      if (it != first->struct_value().fields().end()) {
        ReadTotal(it->second, total);
      }
    }
  }
  return out;
}

}  // namespace jiwon::clients
