#ifndef JIWON_SERVER_CONVERT_H_
#define JIWON_SERVER_CONVERT_H_

// Conversions between the API's messages and the engine's domain types.
// Malformed values (a date that is not YYYY-MM-DD, an enum value out of
// range) are reported as field errors; meaning (does the region exist?) is
// checked by engine/validate.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/evaluate.h"
#include "engine/model.h"
#include "engine/reference.h"
#include "engine/validate.h"
#include "jiwon/v1/company.pb.h"
#include "jiwon/v1/match_service.pb.h"
#include "jiwon/v1/program.pb.h"
#include "jiwon/v1/vocabulary_service.pb.h"

namespace jiwon::server {

engine::Company CompanyFromProto(const v1::Company& in,
                                 std::vector<engine::FieldError>* errors);
engine::Program ProgramFromProto(const v1::Program& in,
                                 std::vector<engine::FieldError>* errors);

// The other way, for tools that make records (the benchmark data, the
// peer exports): every domain field is carried over.
v1::Company CompanyToProto(const engine::Company& in);
v1::Program ProgramToProto(const engine::Program& in);

// Removes the dashes of 사업자등록번호 and 법인등록번호 in place.
void NormalizeCompany(v1::Company* company);

// Appends an error for every field of `m`, or of a message inside it, that
// the schema does not define (sent by a newer or a broken client): a
// record is stored only as the schema reads it. `path` names `m`.
void CheckUnknownFields(const google::protobuf::Message& m,
                        const std::string& path,
                        std::vector<engine::FieldError>* errors);

// Every date of the API, stored or asked about, lies in these years: the
// earliest founding and birth dates a profile may hold, and as far ahead
// as any program is planned.
inline constexpr int kEarliestYear = 1900;
inline constexpr int kLatestYear = 2199;

// A YYYY-MM-DD date within the years above; nullopt with an error naming
// `field` otherwise.
std::optional<engine::Date> ParseDateField(
    std::string_view field, std::string_view text,
    std::vector<engine::FieldError>* errors);

// Every rule with its result, checks and the announcement's evidence text,
// and what a portal shows of the program.
void OutcomeToProto(const engine::ProgramOutcome& outcome,
                    v1::ProgramMatch* out);

v1::WindowStatus WindowStatusToProto(engine::WindowStatus s);
std::optional<engine::WindowStatus> WindowStatusFromProto(v1::WindowStatus s);
std::optional<engine::Category> CategoryFromProto(int c);

// The engine's fact table and enumeration names, as the API serves them,
// with the names of the regions and industries of `reference` when given.
v1::Vocabulary VocabularyToProto(const engine::Reference* reference = nullptr);

}  // namespace jiwon::server

#endif  // JIWON_SERVER_CONVERT_H_
