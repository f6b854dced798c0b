#ifndef JIWON_ENGINE_ERRORS_H_
#define JIWON_ENGINE_ERRORS_H_

// What went wrong, in a form callers can act on: a stable reason code
// (the same string in every language and release), and for a refused
// record one entry per problem, each naming the field.
//
// The codes travel inside absl::Status payloads, so every layer can add
// them and the RPC layer turns them into google.rpc.Status details
// (ErrorInfo in domain "jiwon.v1", BadRequest field violations).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace jiwon::engine {

// The reason codes. A code, once released, keeps its meaning; new ones
// are added, none renamed.
namespace reason {
// A field of a record, or of a request.
inline constexpr std::string_view kFieldRequired = "FIELD_REQUIRED";
inline constexpr std::string_view kTextTooLong = "TEXT_TOO_LONG";
inline constexpr std::string_view kListTooLong = "LIST_TOO_LONG";
inline constexpr std::string_view kValueOutOfRange = "VALUE_OUT_OF_RANGE";
inline constexpr std::string_view kInvalidValue = "INVALID_VALUE";
inline constexpr std::string_view kInvalidDate = "INVALID_DATE";
inline constexpr std::string_view kDateInFuture = "DATE_IN_FUTURE";
inline constexpr std::string_view kRangeReversed = "RANGE_REVERSED";
inline constexpr std::string_view kUnknownRegionCode = "UNKNOWN_REGION_CODE";
inline constexpr std::string_view kRetiredRegionCode = "RETIRED_REGION_CODE";
inline constexpr std::string_view kUnknownRegionGroup = "UNKNOWN_REGION_GROUP";
inline constexpr std::string_view kUnknownKsicCode = "UNKNOWN_KSIC_CODE";
inline constexpr std::string_view kBadBusinessNumber = "BAD_BUSINESS_NUMBER";
inline constexpr std::string_view kBadCorporateNumber = "BAD_CORPORATE_NUMBER";
inline constexpr std::string_view kBadId = "BAD_ID";
inline constexpr std::string_view kDuplicateEntry = "DUPLICATE_ENTRY";
inline constexpr std::string_view kFieldNotApplicable = "FIELD_NOT_APPLICABLE";
inline constexpr std::string_view kConflictingFields = "CONFLICTING_FIELDS";
inline constexpr std::string_view kConditionTooDeep = "CONDITION_TOO_DEEP";
inline constexpr std::string_view kUnknownField = "UNKNOWN_FIELD";
inline constexpr std::string_view kRecordTooLarge = "RECORD_TOO_LARGE";
inline constexpr std::string_view kBadFieldMask = "BAD_FIELD_MASK";
// A request as a whole.
inline constexpr std::string_view kRequestUndecodable = "REQUEST_UNDECODABLE";
inline constexpr std::string_view kImportStopped = "IMPORT_STOPPED";
inline constexpr std::string_view kMethodNotAllowed = "METHOD_NOT_ALLOWED";
inline constexpr std::string_view kBadPageSize = "BAD_PAGE_SIZE";
inline constexpr std::string_view kBadPageToken = "BAD_PAGE_TOKEN";
inline constexpr std::string_view kCompanyNotFound = "COMPANY_NOT_FOUND";
inline constexpr std::string_view kProgramNotFound = "PROGRAM_NOT_FOUND";
inline constexpr std::string_view kDraftNotFound = "DRAFT_NOT_FOUND";
inline constexpr std::string_view kFeedbackNotFound = "FEEDBACK_NOT_FOUND";
inline constexpr std::string_view kNotFound = "NOT_FOUND";
inline constexpr std::string_view kVersionMismatch = "VERSION_MISMATCH";
inline constexpr std::string_view kDraftChanged = "DRAFT_CHANGED";
inline constexpr std::string_view kAlertsExpired = "ALERTS_EXPIRED";
inline constexpr std::string_view kTokenMissing = "TOKEN_MISSING";
inline constexpr std::string_view kTokenInvalid = "TOKEN_INVALID";
inline constexpr std::string_view kRoleNotAllowed = "ROLE_NOT_ALLOWED";
inline constexpr std::string_view kOutOfScope = "OUT_OF_SCOPE";
inline constexpr std::string_view kTooManyStreams = "TOO_MANY_STREAMS";
inline constexpr std::string_view kRateLimited = "RATE_LIMITED";
inline constexpr std::string_view kRescoreInProgress = "RESCORE_IN_PROGRESS";
// The server's side.
inline constexpr std::string_view kStorageFailure = "STORAGE_FAILURE";
inline constexpr std::string_view kDiskFull = "DISK_FULL";
inline constexpr std::string_view kUnavailable = "UNAVAILABLE";
inline constexpr std::string_view kCancelled = "CANCELLED";
inline constexpr std::string_view kInternal = "INTERNAL";
}  // namespace reason

// Every code above, in the order listed.
const std::vector<std::string_view>& AllReasons();

// What a code means, in Korean, for a form to show beside the field; the
// empty string for a code this build does not know.
std::string_view KoreanOf(std::string_view reason);

// A problem with one field of a record, named by its path in the API
// ("company.fiscal_years[2].revenue_won"), with its reason code and what
// is wrong in English.
struct FieldError {
  std::string field;
  std::string message;
  std::string_view reason = reason::kInvalidValue;
};

// OK when `errors` is empty, else INVALID_ARGUMENT whose message lists
// them all ("; "-joined) and whose payload carries each.
absl::Status ErrorsToStatus(const std::vector<FieldError>& errors);

// INVALID_ARGUMENT about one field ("field: message").
absl::Status FieldStatus(std::string_view field, std::string_view reason,
                         std::string_view message);

// `status` with its reason code set (an OK status stays OK).
absl::Status WithReason(absl::Status status, std::string_view reason);

// The reason code `status` carries: the one set by WithReason or, for a
// status of field errors, the first error's; empty when none.
std::string ReasonOf(const absl::Status& status);

// The field errors `status` carries (none when it carries none).
std::vector<FieldError> FieldErrorsOf(const absl::Status& status);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_ERRORS_H_
