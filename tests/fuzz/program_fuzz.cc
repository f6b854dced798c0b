// Program records as bytes, as UpsertProgram receives them.

#include "tests/fuzz/profile_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  jiwon::v1::Program p;
  if (!p.ParseFromArray(data, static_cast<int>(size))) return 0;
  jiwon::fuzz::CheckProgram(p);
  return 0;
}
