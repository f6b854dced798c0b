#ifndef JIWON_ENGINE_SATURATING_H_
#define JIWON_ENGINE_SATURATING_H_

#include <cstdint>
#include <limits>

namespace jiwon::engine {

// Arithmetic on figures and bounds that stops at the ends of int64 instead
// of overflowing. Validation keeps stored figures far from the ends
// (kMaxFigure); these keep the engine defined for any input all the same.
inline int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  }
  return r;
}

inline int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<int64_t>::max()
                 : std::numeric_limits<int64_t>::min();
  }
  return r;
}

inline int64_t SatMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) {
    return (a < 0) == (b < 0) ? std::numeric_limits<int64_t>::max()
                              : std::numeric_limits<int64_t>::min();
  }
  return r;
}

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_SATURATING_H_
