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

// 기업마당 carries its total on every item: the first item's totCnt.
void TotalOfFirstItem(const std::vector<std::string>& records, int64_t* total) {
  if (total == nullptr || *total != 0 || records.empty()) return;
  absl::StatusOr<pb::Value> first = Parse(records[0]);
  if (first.ok() && first->kind_case() == pb::Value::kStructValue) {
    auto it = first->struct_value().fields().find("totCnt");
    if (it != first->struct_value().fields().end())
      ReadTotal(it->second, total);
  }
}

// XML entities decoded: the five named ones and numeric references; a
// reference to no character becomes U+FFFD, an unknown one stays as it is.
std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(s[i++]);
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    bool done = false;
    for (const auto& [n, c] : kNamed) {
      if (name == n) {
        out.push_back(c);
        done = true;
      }
    }
    if (!done && name.size() > 1 && name[0] == '#') {
      uint32_t cp = 0;
      bool ok = true;
      const bool hex = name[1] == 'x' || name[1] == 'X';
      const std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) ok = false;
      for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) {
          ok = false;
          break;
        }
        // Past the last code point: no character, whatever follows.
        if (cp <= 0x10FFFF)
          cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (ok) {
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          cp = 0xFFFD;
        }
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        done = true;
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string_view TrimXmlSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
                        s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

constexpr int kMaxXmlDepth = 32;

}  // namespace

absl::StatusOr<std::vector<std::string>> RecordsOfXml(std::string_view xml,
                                                      int64_t* total) {
  if (total != nullptr) *total = 0;
  std::vector<std::string> out;
  std::vector<std::string> open;  // element names, outermost first
  pb::Struct record;
  int item_depth = -1;  // the depth of the open <item>, or -1
  std::string field;    // the field of the element being read in an item
  std::string text;     // its text so far (entities still encoded)
  std::string cdata;    // CDATA sections, taken as they are
  std::string outside;  // text of an element outside items (totals)
  int64_t match_count = 0;
  int64_t total_count = 0;
  auto number = [](std::string_view v, int64_t* n) {
    int64_t x = 0;
    if (absl::SimpleAtoi(absl::string_view(v.data(), v.size()), &x)) *n = x;
  };
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      const size_t lt = std::min(xml.find('<', i), xml.size());
      (item_depth >= 0 ? text : outside).append(xml.substr(i, lt - i));
      i = lt;
      continue;
    }
    const std::string_view rest = xml.substr(i);
    if (rest.starts_with("<![CDATA[")) {
      const size_t end = xml.find("]]>", i);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError("XML: a CDATA section never ends");
      }
      (item_depth >= 0 ? cdata : outside)
          .append(xml.substr(i + 9, end - i - 9));
      i = end + 3;
      continue;
    }
    if (rest.starts_with("<!--") || rest.starts_with("<?") ||
        rest.starts_with("<!")) {
      const std::string_view close = rest.starts_with("<!--") ? "-->"
                                     : rest.starts_with("<?") ? "?>"
                                                              : ">";
      const size_t end = xml.find(close, i + 2);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError(
            "XML: a comment or declaration "
            "never ends");
      }
      i = end + close.size();
      continue;
    }
    const size_t gt = xml.find('>', i);
    if (gt == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("XML: a tag at byte ", i, " never ends"));
    }
    std::string_view tag = xml.substr(i + 1, gt - i - 1);
    i = gt + 1;
    const bool closing = tag.starts_with("/");
    if (closing) tag.remove_prefix(1);
    const bool empty = !closing && tag.ends_with("/");
    if (empty) tag.remove_suffix(1);
    size_t name_end = 0;
    while (name_end < tag.size() && tag[name_end] != ' ' &&
           tag[name_end] != '\t' && tag[name_end] != '\n' &&
           tag[name_end] != '\r') {
      ++name_end;
    }
    const std::string name(tag.substr(0, name_end));
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("XML: a tag without a name before byte ", i));
    }
    if (closing) {
      if (open.empty() || open.back() != name) {
        return absl::InvalidArgumentError(absl::StrCat(
            "XML: </", name.substr(0, 40), "> closes ",
            open.empty() ? std::string("nothing")
                         : absl::StrCat("<", open.back().substr(0, 40), ">")));
      }
      const int depth = static_cast<int>(open.size()) - 1;
      open.pop_back();
      if (item_depth >= 0 && depth == item_depth + 1 && !field.empty()) {
        std::string value = DecodeEntities(TrimXmlSpace(text)) + cdata;
        value = std::string(TrimXmlSpace(value));
        if (!value.empty()) {
          (*record.mutable_fields())[field].set_string_value(value);
        }
        field.clear();
      } else if (depth == item_depth) {
        pb::Value v;
        *v.mutable_struct_value() = std::move(record);
        record.Clear();
        out.push_back(ToJson(v));
        item_depth = -1;
      } else if (item_depth < 0) {
        if (name == "matchCount") number(TrimXmlSpace(outside), &match_count);
        if (name == "totalCount" || name == "totCnt") {
          number(TrimXmlSpace(outside), &total_count);
        }
      }
      outside.clear();
      continue;
    }
    if (static_cast<int>(open.size()) >= kMaxXmlDepth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "XML: elements nest deeper than ", kMaxXmlDepth, " levels"));
    }
    const int depth = static_cast<int>(open.size());
    if (!empty) open.push_back(name);
    outside.clear();
    if (item_depth < 0 && name == "item") {
      if (!empty) item_depth = depth;
      continue;
    }
    if (item_depth >= 0 && depth == item_depth + 1) {
      field = name;
      text.clear();
      cdata.clear();
      // K-Startup: <col name="pbanc_sn">…</col>.
      if (name == "col") {
        const size_t at = tag.find("name=");
        if (at != std::string_view::npos && at + 6 < tag.size()) {
          const char quote = tag[at + 5];
          const size_t end = tag.find(quote, at + 6);
          if ((quote == '"' || quote == '\'') &&
              end != std::string_view::npos) {
            field = DecodeEntities(tag.substr(at + 6, end - at - 6));
          }
        }
      }
      if (empty) field.clear();
    }
  }
  if (!open.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("XML: <", open.back().substr(0, 40), "> is never closed"));
  }
  if (total != nullptr) {
    *total = match_count > 0 ? match_count : total_count;
    TotalOfFirstItem(out, total);
  }
  return out;
}

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
  TotalOfFirstItem(out, total);
  return out;
}

}  // namespace jiwon::clients
