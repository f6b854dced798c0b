#include "server/rpc/status.h"

#include <gtest/gtest.h>

#include <set>

#include "engine/errors.h"
#include "google/rpc/error_details.pb.h"
#include "server/storage/store.h"

namespace jiwon::rpc {
namespace {

namespace reason = engine::reason;

google::rpc::ErrorInfo InfoOf(const google::rpc::Status& s) {
  google::rpc::ErrorInfo info;
  EXPECT_GT(s.details_size(), 0);
  if (s.details_size() > 0) {
    EXPECT_TRUE(s.details(0).UnpackTo(&info));
  }
  return info;
}

google::rpc::BadRequest BadOf(const google::rpc::Status& s) {
  google::rpc::BadRequest bad;
  for (const auto& any : s.details()) {
    if (any.Is<google::rpc::BadRequest>()) {
      EXPECT_TRUE(any.UnpackTo(&bad));
    }
  }
  return bad;
}

// A status that names no reason gets its code's: the server's own failures
// included, which no caller can provoke on purpose.
TEST(StatusTest, EachCodeHasADefaultReason) {
  const std::pair<absl::Status, std::string_view> cases[] = {
      {absl::DataLossError("program x is unreadable"), reason::kStorageFailure},
      {absl::UnavailableError("shutting down"), reason::kUnavailable},
      {absl::DeadlineExceededError("slow"), reason::kUnavailable},
      {absl::CancelledError("gone"), reason::kCancelled},
      {absl::InternalError("bug"), reason::kInternal},
      {absl::UnknownError("?"), reason::kInternal},
      {absl::NotFoundError("no such"), reason::kNotFound},
      {absl::AbortedError("raced"), reason::kVersionMismatch},
  };
  for (const auto& [status, want] : cases) {
    const google::rpc::Status s = ToRpcStatus(status);
    EXPECT_EQ(s.code(), static_cast<int>(status.code()));
    EXPECT_EQ(s.message(), status.message());
    const google::rpc::ErrorInfo info = InfoOf(s);
    EXPECT_EQ(info.reason(), want) << status;
    EXPECT_EQ(info.domain(), "jiwon.v1");
    google::rpc::LocalizedMessage korean;
    ASSERT_EQ(s.details_size(), 2) << s.ShortDebugString();
    ASSERT_TRUE(s.details(1).UnpackTo(&korean));
    EXPECT_EQ(korean.locale(), "ko-KR");
    EXPECT_EQ(korean.message(), engine::KoreanOf(want));
  }
}

// The store's failures say what kind they are, never what the store said.
TEST(StatusTest, StorageFailuresAreNamedAndTheirDetailsKept) {
  const std::pair<absl::StatusCode, std::string_view> cases[] = {
      {absl::StatusCode::kResourceExhausted, reason::kDiskFull},
      {absl::StatusCode::kUnavailable, reason::kUnavailable},
      {absl::StatusCode::kInternal, reason::kStorageFailure},
      {absl::StatusCode::kDataLoss, reason::kStorageFailure},
  };
  for (const auto& [code, want] : cases) {
    absl::Status status(code, "storage write failed");
    status.SetPayload(
        storage::kDetailPayload,
        absl::Cord(std::string("IO error: /srv/jiwon/000123.sst")));
    const google::rpc::Status s = ToRpcStatus(status);
    EXPECT_EQ(InfoOf(s).reason(), want);
    EXPECT_EQ(s.SerializeAsString().find("/srv/jiwon"), std::string::npos);
  }
}

TEST(StatusTest, FieldErrorsBecomeOneViolationEachInTheirOrder) {
  const absl::Status status = engine::ErrorsToStatus(
      {{"company.founded_on", "\"2026-02-30\" is not a calendar date",
        reason::kInvalidDate},
       {"company.head_office_region", "unknown region code \"99\"",
        reason::kUnknownRegionCode}});
  EXPECT_EQ(status.message(),
            "company.founded_on: \"2026-02-30\" is not a calendar date; "
            "company.head_office_region: unknown region code \"99\"");
  const google::rpc::Status s = ToRpcStatus(status);
  const google::rpc::ErrorInfo info = InfoOf(s);
  EXPECT_EQ(info.reason(), "INVALID_DATE");  // the first problem's
  EXPECT_EQ(info.metadata().at("field"), "company.founded_on");
  EXPECT_EQ(info.metadata().at("violations"), "2");
  const google::rpc::BadRequest bad = BadOf(s);
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(1).field(), "company.head_office_region");
  EXPECT_EQ(bad.field_violations(1).reason(), "UNKNOWN_REGION_CODE");
  EXPECT_EQ(bad.field_violations(1).description(),
            "unknown region code \"99\"");
  EXPECT_EQ(bad.field_violations(1).localized_message().message(),
            engine::KoreanOf(reason::kUnknownRegionCode));
}

// "field: what" refusals that carry no field errors still name the field.
TEST(StatusTest, AFieldNamedInTheMessageBecomesAViolation) {
  struct Case {
    absl::Status status;
    std::string field, reason;
  } cases[] = {
      {absl::InvalidArgumentError("company: must be set"), "company",
       "FIELD_REQUIRED"},
      {absl::InvalidArgumentError(
           "company_id: must be 1-64 characters of [A-Za-z0-9._:-]"),
       "company_id", "BAD_ID"},
      {absl::InvalidArgumentError("limit: must be 1-100 (or 0 for 10), got 7"),
       "limit", "VALUE_OUT_OF_RANGE"},
      {absl::InvalidArgumentError("categories[2]: unknown category 99"),
       "categories[2]", "INVALID_VALUE"},
      {engine::WithReason(absl::InvalidArgumentError("page_token: not one"),
                          reason::kBadPageToken),
       "page_token", "BAD_PAGE_TOKEN"},
  };
  for (const Case& c : cases) {
    const google::rpc::Status s = ToRpcStatus(c.status);
    EXPECT_EQ(InfoOf(s).reason(), c.reason) << c.status;
    const google::rpc::BadRequest bad = BadOf(s);
    ASSERT_EQ(bad.field_violations_size(), 1) << c.status;
    EXPECT_EQ(bad.field_violations(0).field(), c.field);
    EXPECT_EQ(bad.field_violations(0).reason(), c.reason);
  }
  // Prose is not a field path: no violation is made up.
  const google::rpc::Status prose = ToRpcStatus(absl::InvalidArgumentError(
      "company_id or profile: one of them must be set"));
  EXPECT_EQ(BadOf(prose).field_violations_size(), 0);
  EXPECT_EQ(InfoOf(prose).reason(), "INVALID_VALUE");
}

// The payload is this process's own, but a damaged one must not crash or
// invent entries.
TEST(StatusTest, ADamagedFieldErrorPayloadYieldsWhatItHolds) {
  for (const char* payload :
       {"", "5:", "99999999999999999999:x", "3:abc", "1:a1:b7:UNKNOWN",
        "1:a1:b13:FIELD_REQUIRED2:cd"}) {
    absl::Status s = absl::InvalidArgumentError("x");
    s.SetPayload("jiwon.v1/field_errors", absl::Cord(std::string(payload)));
    const std::vector<engine::FieldError> got = engine::FieldErrorsOf(s);
    EXPECT_LE(got.size(), 1u) << payload;
    for (const engine::FieldError& fe : got) {
      EXPECT_FALSE(engine::KoreanOf(fe.reason).empty()) << payload;
    }
  }
}

TEST(StatusTest, EveryReasonHasKoreanAndIsUpperSnakeCase) {
  std::set<std::string_view> seen;
  for (std::string_view r : engine::AllReasons()) {
    EXPECT_TRUE(seen.insert(r).second) << r << " twice";
    EXPECT_FALSE(engine::KoreanOf(r).empty()) << r;
    for (char c : r) EXPECT_TRUE((c >= 'A' && c <= 'Z') || c == '_') << r;
  }
}

}  // namespace
}  // namespace jiwon::rpc
