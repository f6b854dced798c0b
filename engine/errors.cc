#include "engine/errors.h"

#include <array>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace jiwon::engine {
namespace {

// Payload type URLs; only this process reads them.
constexpr char kReasonPayload[] = "jiwon.v1/reason";
constexpr char kFieldErrorsPayload[] = "jiwon.v1/field_errors";

struct Entry {
  std::string_view code;
  std::string_view korean;
};

constexpr std::array kReasons = {
    Entry{reason::kFieldRequired, "필수 항목이 비어 있습니다."},
    Entry{reason::kTextTooLong, "글자 수가 허용된 길이를 넘습니다."},
    Entry{reason::kListTooLong, "항목 수가 허용된 개수를 넘습니다."},
    Entry{reason::kValueOutOfRange, "값이 허용 범위를 벗어났습니다."},
    Entry{reason::kInvalidValue, "허용되지 않는 값입니다."},
    Entry{reason::kInvalidDate, "YYYY-MM-DD 형식의 실제 날짜가 아닙니다."},
    Entry{reason::kDateInFuture, "오늘 이후의 날짜는 입력할 수 없습니다."},
    Entry{reason::kRangeReversed, "끝이 시작보다 앞섭니다."},
    Entry{reason::kUnknownRegionCode,
          "행정구역 코드표에 없는 지역 코드입니다."},
    Entry{reason::kRetiredRegionCode, "폐지된 행정구역의 코드입니다."},
    Entry{reason::kUnknownRegionGroup, "등록되지 않은 지역 묶음입니다."},
    Entry{reason::kUnknownKsicCode,
          "한국표준산업분류(제11차)에 없는 업종 코드입니다."},
    Entry{reason::kBadBusinessNumber,
          "올바른 사업자등록번호가 아닙니다 (10자리, 검증번호 확인)."},
    Entry{reason::kBadCorporateNumber,
          "법인등록번호는 13자리 숫자여야 합니다."},
    Entry{reason::kBadId,
          "ID는 1~64자의 영문, 숫자, 마침표, 밑줄, 쌍점, 하이픈이어야 합니다."},
    Entry{reason::kDuplicateEntry, "같은 항목이 두 번 있습니다."},
    Entry{reason::kFieldNotApplicable, "이 경우에는 쓰지 않는 항목입니다."},
    Entry{reason::kConflictingFields, "함께 설정할 수 없는 항목입니다."},
    Entry{reason::kConditionTooDeep, "조건이 너무 깊게 중첩되어 있습니다."},
    Entry{reason::kUnknownField,
          "정의되지 않은 필드가 있어 저장되지 않습니다."},
    Entry{reason::kRecordTooLarge, "레코드가 허용된 크기를 넘습니다."},
    Entry{reason::kBadFieldMask, "수정할 수 없는 필드 경로입니다."},
    Entry{reason::kRequestUndecodable, "요청을 해석할 수 없습니다."},
    Entry{reason::kMethodNotAllowed,
          "이 주소에서는 쓸 수 없는 HTTP 메서드입니다."},
    Entry{reason::kImportStopped,
          "거부된 레코드가 너무 많아 가져오기를 멈췄습니다."},
    Entry{reason::kBadPageSize, "페이지 크기가 허용 범위를 벗어났습니다."},
    Entry{reason::kBadPageToken, "이전 응답이 준 페이지 토큰이 아닙니다."},
    Entry{reason::kCompanyNotFound, "등록되지 않은 기업입니다."},
    Entry{reason::kProgramNotFound, "등록되지 않은 지원사업입니다."},
    Entry{reason::kDraftNotFound, "없는 공고 초안입니다."},
    Entry{reason::kFeedbackNotFound,
          "해당 기업의 이 사업에 대한 응답이 없습니다."},
    Entry{reason::kNotFound, "찾는 대상이 없습니다."},
    Entry{reason::kVersionMismatch,
          "그사이 다른 곳에서 수정되었습니다. 다시 읽은 뒤 수정하십시오."},
    Entry{reason::kDraftChanged,
          "검토하는 동안 초안이 바뀌었습니다. 다시 검토하십시오."},
    Entry{reason::kAlertsExpired, "보관 기간이 지나 더는 없는 알림입니다."},
    Entry{reason::kTokenMissing, "인증 토큰이 없습니다."},
    Entry{reason::kTokenInvalid, "올바른 인증 토큰이 아닙니다."},
    Entry{reason::kRoleNotAllowed, "이 역할로는 할 수 없는 요청입니다."},
    Entry{reason::kOutOfScope, "맡은 범위 밖의 기업입니다."},
    Entry{reason::kTooManyStreams, "동시에 열 수 있는 스트림 수를 넘었습니다."},
    Entry{reason::kRateLimited,
          "초당 쓰기 한도를 넘었습니다. 잠시 뒤 다시 시도하십시오."},
    Entry{reason::kRescoreInProgress, "이 구간은 이미 재계산 중입니다."},
    Entry{reason::kStorageFailure, "저장소 오류로 처리하지 못했습니다."},
    Entry{reason::kDiskFull,
          "서버의 저장 공간이 부족해 쓰기를 받지 않습니다. 읽기는 됩니다."},
    Entry{reason::kUnavailable,
          "지금은 처리할 수 없습니다. 잠시 뒤 다시 시도하십시오."},
    Entry{reason::kCancelled, "요청이 취소되었습니다."},
    Entry{reason::kInternal, "서버 내부 오류입니다."},
};

// The static code equal to `code`, or empty.
std::string_view Canonical(std::string_view code) {
  for (const Entry& e : kReasons) {
    if (e.code == code) return e.code;
  }
  return {};
}

void AppendPiece(std::string* out, std::string_view piece) {
  absl::StrAppend(out, piece.size(), ":", std::string(piece));
}

// Reads one "length:bytes" piece from the front of `in`.
bool TakePiece(std::string_view* in, std::string* piece) {
  const size_t colon = in->find(':');
  size_t n = 0;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(in->substr(0, colon)), &n) ||
      n > in->size() - colon - 1) {
    return false;
  }
  piece->assign(in->substr(colon + 1, n));
  in->remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

const std::vector<std::string_view>& AllReasons() {
  static const std::vector<std::string_view>* const all = [] {
    auto* v = new std::vector<std::string_view>;
    for (const Entry& e : kReasons) v->push_back(e.code);
    return v;
  }();
  return *all;
}

std::string_view KoreanOf(std::string_view code) {
  for (const Entry& e : kReasons) {
    if (e.code == code) return e.korean;
  }
  return {};
}

absl::Status ErrorsToStatus(const std::vector<FieldError>& errors) {
  if (errors.empty()) return absl::OkStatus();
  std::string message;
  std::string payload;
  for (const FieldError& fe : errors) {
    if (!message.empty()) message += "; ";
    absl::StrAppend(&message, fe.field, ": ", fe.message);
    AppendPiece(&payload, fe.field);
    AppendPiece(&payload, fe.message);
    AppendPiece(&payload, fe.reason);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kFieldErrorsPayload, absl::Cord(payload));
  return status;
}

absl::Status FieldStatus(std::string_view field, std::string_view code,
                         std::string_view message) {
  return ErrorsToStatus(
      {FieldError{std::string(field), std::string(message), code}});
}

absl::Status WithReason(absl::Status status, std::string_view code) {
  if (!status.ok())
    status.SetPayload(kReasonPayload, absl::Cord(std::string(code)));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  if (absl::optional<absl::Cord> r = status.GetPayload(kReasonPayload)) {
    return std::string(*r);
  }
  std::vector<FieldError> errors = FieldErrorsOf(status);
  return errors.empty() ? std::string() : std::string(errors[0].reason);
}

std::vector<FieldError> FieldErrorsOf(const absl::Status& status) {
  std::vector<FieldError> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kFieldErrorsPayload);
  if (!payload) return out;
  const std::string flat(*payload);
  std::string_view in = flat;
  std::string field, message, code;
  while (!in.empty() && TakePiece(&in, &field) && TakePiece(&in, &message) &&
         TakePiece(&in, &code)) {
    std::string_view known = Canonical(code);
    out.push_back(FieldError{std::move(field), std::move(message),
                             known.empty() ? reason::kInvalidValue : known});
  }
  return out;
}

}  // namespace jiwon::engine
