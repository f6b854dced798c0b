#include "server/rpc/status.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/errors.h"
#include "google/rpc/error_details.pb.h"
#include "server/log.h"
#include "server/storage/store.h"

namespace jiwon::rpc {
namespace {

namespace reason = engine::reason;

// The reason of a status that names none: what its code means here.
std::string_view DefaultReason(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return reason::kInvalidValue;
    case absl::StatusCode::kNotFound:
      return reason::kNotFound;
    case absl::StatusCode::kAborted:
      return reason::kVersionMismatch;
    case absl::StatusCode::kOutOfRange:
      return reason::kValueOutOfRange;
    case absl::StatusCode::kPermissionDenied:
      return reason::kOutOfScope;
    case absl::StatusCode::kUnauthenticated:
      return reason::kTokenInvalid;
    case absl::StatusCode::kResourceExhausted:
      return reason::kTooManyStreams;
    case absl::StatusCode::kDataLoss:
      return reason::kStorageFailure;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return reason::kUnavailable;
    case absl::StatusCode::kCancelled:
      return reason::kCancelled;
    default:
      return reason::kInternal;
  }
}

// "company.founded_on: ..." names its field first; the path's characters
// are those of proto field paths.
bool LooksLikeFieldPath(std::string_view s) {
  if (s.empty() || !absl::ascii_islower(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_' &&
        c != '.' && c != '[' && c != ']') {
      return false;
    }
  }
  return true;
}

// The reason of an untagged "field: what" refusal, from the phrases the
// server's messages use.
std::string_view ReasonOfText(std::string_view what) {
  if (what.starts_with("must be set") ||
      what.starts_with("must not be empty")) {
    return reason::kFieldRequired;
  }
  if (what.find("characters of [A-Za-z0-9._:-]") != std::string_view::npos) {
    return reason::kBadId;
  }
  if (what.starts_with("must not be negative") ||
      (what.starts_with("must be ") && what.size() > 8 &&
       absl::ascii_isdigit(static_cast<unsigned char>(what[8])))) {
    return reason::kValueOutOfRange;
  }
  return reason::kInvalidValue;
}

void AddViolation(google::rpc::BadRequest* bad, std::string_view field,
                  std::string_view description, std::string_view code) {
  google::rpc::BadRequest::FieldViolation* v = bad->add_field_violations();
  v->set_field(std::string(field));
  v->set_description(std::string(description));
  v->set_reason(std::string(code));
  v->mutable_localized_message()->set_locale("ko-KR");
  v->mutable_localized_message()->set_message(
      std::string(engine::KoreanOf(code)));
}

}  // namespace

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(status.code()));
  out.set_message(std::string(status.message()));
  if (status.ok()) return out;

  std::vector<engine::FieldError> fields = engine::FieldErrorsOf(status);
  const std::string tagged = engine::ReasonOf(status);
  std::string code = tagged;
  if (code.empty() && status.GetPayload(storage::kDetailPayload)) {
    // The store's own failure.
    code = status.code() == absl::StatusCode::kResourceExhausted
               ? reason::kDiskFull
           : status.code() == absl::StatusCode::kUnavailable
               ? reason::kUnavailable
               : reason::kStorageFailure;
  }
  if (code.empty()) code = std::string(DefaultReason(status.code()));

  google::rpc::BadRequest bad;
  for (const engine::FieldError& fe : fields) {
    AddViolation(&bad, fe.field, fe.message, fe.reason);
  }
  // A refusal written as "field: what is wrong" names its field.
  const std::string message(status.message());
  const size_t colon = message.find(": ");
  if (fields.empty() && status.code() == absl::StatusCode::kInvalidArgument &&
      colon != std::string::npos &&
      LooksLikeFieldPath(std::string_view(message).substr(0, colon))) {
    const std::string_view what = std::string_view(message).substr(colon + 2);
    if (tagged.empty()) code = std::string(ReasonOfText(what));
    AddViolation(&bad, std::string_view(message).substr(0, colon), what, code);
  }

  google::rpc::ErrorInfo info;
  info.set_reason(code);
  info.set_domain(std::string(kErrorDomain));
  if (bad.field_violations_size() > 0) {
    (*info.mutable_metadata())["field"] = bad.field_violations(0).field();
    (*info.mutable_metadata())["violations"] =
        absl::StrCat(bad.field_violations_size());
  }
  out.add_details()->PackFrom(info);
  if (bad.field_violations_size() > 0) out.add_details()->PackFrom(bad);
  google::rpc::LocalizedMessage korean;
  korean.set_locale("ko-KR");
  korean.set_message(std::string(engine::KoreanOf(code)));
  if (!korean.message().empty()) out.add_details()->PackFrom(korean);
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (absl::optional<absl::Cord> detail =
          status.GetPayload(storage::kDetailPayload)) {
    server::Log(server::LogLevel::kError,
                absl::StrCat(status.message(), ": ", std::string(*detail)));
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      ToRpcStatus(status).SerializeAsString());
}

}  // namespace jiwon::rpc
