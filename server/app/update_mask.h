#ifndef JIWON_SERVER_APP_UPDATE_MASK_H_
#define JIWON_SERVER_APP_UPDATE_MASK_H_

// Partial updates in the manner of Google AIP-134: a FieldMask names the
// top-level fields of a record to replace.

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace jiwon::app {

// Replaces in `target` the fields `mask` names with those of `patch` (a
// named field `patch` lacks is cleared in `target`). An empty mask names
// the fields set in `patch`; "*" names every field. `id` and `version`
// are the server's and cannot be named. INVALID_ARGUMENT (BAD_FIELD_MASK,
// one violation per bad path, "update_mask.paths[i]") changes nothing.
absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             google::protobuf::Message* target);

}  // namespace jiwon::app

#endif  // JIWON_SERVER_APP_UPDATE_MASK_H_
