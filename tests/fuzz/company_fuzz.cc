// Company records as bytes, as UpsertCompany receives them.

#include "tests/fuzz/profile_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  jiwon::v1::Company c;
  if (!c.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  jiwon::fuzz::CheckCompany(c, data[0]);
  return 0;
}
