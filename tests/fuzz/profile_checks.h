#ifndef JIWON_TESTS_FUZZ_PROFILE_CHECKS_H_
#define JIWON_TESTS_FUZZ_PROFILE_CHECKS_H_

#include "jiwon/v1/company.pb.h"
#include "jiwon/v1/program.pb.h"

namespace jiwon::fuzz {

// A company record as the server takes it: converted and validated; when
// valid, matched against the demo catalog by the full evaluator and by the
// compiled matcher, which must agree, and its Recommend answer written to
// the wire, which must equal protobuf's encoding of the same answer.
void CheckCompany(const v1::Company& company, uint8_t options);

// A program record as the server takes it: converted and validated; when
// valid, a catalog of it alone is matched for a few demo-like companies
// by both paths, which must agree.
void CheckProgram(const v1::Program& program);

}  // namespace jiwon::fuzz

#endif  // JIWON_TESTS_FUZZ_PROFILE_CHECKS_H_
