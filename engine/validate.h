#ifndef JIWON_ENGINE_VALIDATE_H_
#define JIWON_ENGINE_VALIDATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::engine {

// A problem with one field of a record, named by its path in the API
// ("company.fiscal_years[2].revenue_won").
struct FieldError {
  std::string field;
  std::string message;
};

// Limits that keep one record's evaluation cheap.
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxTextLength = 4000;
inline constexpr size_t kMaxListLength = 200;
inline constexpr size_t kMaxRules = 200;
inline constexpr int kMaxConditionDepth = 12;
inline constexpr size_t kMaxParticipations = 2000;

// 1-64 characters of [A-Za-z0-9._:-].
bool IsValidId(std::string_view id);
// 10 digits whose last is the 국세청 check digit of the first nine.
bool IsValidBusinessNumber(std::string_view digits);

// Appends the problems of a company or program to `errors`. The reference
// tables decide which region and KSIC codes exist.
void ValidateCompany(const Company& company, const Reference& reference,
                     std::vector<FieldError>* errors);
void ValidateProgram(const Program& program, const Reference& reference,
                     std::vector<FieldError>* errors);

// OK when `errors` is empty, else INVALID_ARGUMENT listing them all.
absl::Status ErrorsToStatus(const std::vector<FieldError>& errors);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_VALIDATE_H_
