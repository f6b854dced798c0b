#ifndef JIWON_ENGINE_TRUTH_H_
#define JIWON_ENGINE_TRUTH_H_

#include <cstdint>

namespace jiwon::engine {

// Three-valued truth. kUnknown is never silently false: it propagates by
// Kleene's rules.
enum class Truth : uint8_t { kTrue = 1, kFalse = 2, kUnknown = 3 };

constexpr Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

constexpr Truth Not(Truth t) {
  return t == Truth::kTrue    ? Truth::kFalse
         : t == Truth::kFalse ? Truth::kTrue
                              : Truth::kUnknown;
}

constexpr Truth And(Truth a, Truth b) {
  if (a == Truth::kFalse || b == Truth::kFalse) return Truth::kFalse;
  if (a == Truth::kUnknown || b == Truth::kUnknown) return Truth::kUnknown;
  return Truth::kTrue;
}

constexpr Truth Or(Truth a, Truth b) {
  if (a == Truth::kTrue || b == Truth::kTrue) return Truth::kTrue;
  if (a == Truth::kUnknown || b == Truth::kUnknown) return Truth::kUnknown;
  return Truth::kFalse;
}

const char* TruthName(Truth t);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_TRUTH_H_
