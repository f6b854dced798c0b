#ifndef JIWON_ENGINE_VALIDATE_H_
#define JIWON_ENGINE_VALIDATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/errors.h"
#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::engine {

// Limits that keep one record's evaluation cheap.
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxTextLength = 4000;
inline constexpr size_t kMaxListLength = 200;
inline constexpr size_t kMaxRules = 200;
inline constexpr int kMaxConditionDepth = 12;
inline constexpr size_t kMaxParticipations = 2000;

// Limits that keep figures meaningful and the arithmetic on them far from
// int64's ends. Money (won), exports (USD), counts and every RANGE bound
// are at most kMaxFigure in size: 1,000조원, beyond any company's
// figures. 가점 points are 1-kMaxBonusPoints a rule, a program's cap at
// most kMaxBonusCap.
inline constexpr int64_t kMaxFigure = 1'000'000'000'000'000;
inline constexpr int64_t kMaxEmployees = 10'000'000;
inline constexpr int32_t kMaxBonusPoints = 1000;
inline constexpr int32_t kMaxBonusCap = 100'000;

// 1-64 characters of [A-Za-z0-9._:-].
bool IsValidId(std::string_view id);
// 10 digits whose last is the 국세청 check digit of the first nine.
bool IsValidBusinessNumber(std::string_view digits);

// Appends the problems of a company or program to `errors`. The reference
// tables decide which region and KSIC codes exist. A company's founding
// date and CEO birth dates may not be after `today` (a company not yet
// registered is a 예비창업자; nobody is born in the future).
void ValidateCompany(const Company& company, const Reference& reference,
                     Date today, std::vector<FieldError>* errors);
void ValidateProgram(const Program& program, const Reference& reference,
                     std::vector<FieldError>* errors);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_VALIDATE_H_
