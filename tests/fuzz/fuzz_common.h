#ifndef JIWON_TESTS_FUZZ_FUZZ_COMMON_H_
#define JIWON_TESTS_FUZZ_FUZZ_COMMON_H_

// What the libFuzzer harnesses share: the reference tables and the demo
// catalog, loaded once, and checks that abort (so that libFuzzer reports
// the input) when an invariant breaks.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/catalog.h"
#include "engine/evaluate.h"
#include "engine/reference.h"

namespace jiwon::fuzz {

const engine::Reference& Reference();
const engine::Evaluator& Evaluator();
// The demo programs, validated, with their texts prepared.
std::shared_ptr<const engine::Catalog> DemoCatalog();

#define JIWON_FUZZ_CHECK(cond)                                              \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                  \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

}  // namespace jiwon::fuzz

#endif  // JIWON_TESTS_FUZZ_FUZZ_COMMON_H_
