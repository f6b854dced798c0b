#include "server/app/update_mask.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/errors.h"

namespace jiwon::app {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool ServersOwn(const FieldDescriptor* f) {
  return f->name() == "id" || f->name() == "version";
}

}  // namespace

absl::Status ApplyUpdateMask(const Message& patch,
                             const google::protobuf::FieldMask& mask,
                             Message* target) {
  const google::protobuf::Descriptor* type = target->GetDescriptor();
  std::vector<const FieldDescriptor*> fields;
  std::vector<engine::FieldError> errors;
  if (mask.paths_size() == 0) {
    patch.GetReflection()->ListFields(patch, &fields);
    std::erase_if(fields, ServersOwn);
  } else if (mask.paths_size() == 1 && mask.paths(0) == "*") {
    for (int i = 0; i < type->field_count(); ++i) {
      if (!ServersOwn(type->field(i))) fields.push_back(type->field(i));
    }
  } else {
    std::set<const FieldDescriptor*> seen;
    for (int i = 0; i < mask.paths_size(); ++i) {
      const std::string& path = mask.paths(i);
      const std::string field = absl::StrCat("update_mask.paths[", i, "]");
      const FieldDescriptor* f = type->FindFieldByName(path);
      if (path == "*") {
        errors.push_back({field, "\"*\" stands alone: it names every field",
                          engine::reason::kBadFieldMask});
      } else if (f == nullptr) {
        errors.push_back(
            {field,
             absl::StrCat("\"", path.substr(0, 100), "\" is not a field of ",
                          type->full_name(),
                          path.find('.') == std::string::npos
                              ? ""
                              : " (name a top-level field: it is replaced "
                                "whole)"),
             engine::reason::kBadFieldMask});
      } else if (ServersOwn(f)) {
        errors.push_back(
            {field,
             absl::StrCat("\"", path, "\" is set by the server, not updated"),
             engine::reason::kBadFieldMask});
      } else if (!seen.insert(f).second) {
        errors.push_back({field, absl::StrCat("\"", path, "\" appears twice"),
                          engine::reason::kBadFieldMask});
      } else {
        fields.push_back(f);
      }
    }
  }
  if (!errors.empty()) return engine::ErrorsToStatus(errors);
  // Clear each named field, then take the patch's (set or not).
  std::unique_ptr<Message> source(patch.New());
  source->CopyFrom(patch);
  for (const FieldDescriptor* f : fields) {
    target->GetReflection()->ClearField(target, f);
  }
  target->GetReflection()->SwapFields(target, source.get(), fields);
  return absl::OkStatus();
}

}  // namespace jiwon::app
