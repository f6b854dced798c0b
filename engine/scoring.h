#ifndef JIWON_ENGINE_SCORING_H_
#define JIWON_ENGINE_SCORING_H_

// How a program is ranked for a company: the one definition of each part of
// the score, used by the evaluator (which writes the parts down) and by the
// matcher (which adds them up from its compact arrays).

#include <algorithm>
#include <cstdint>
#include <optional>

namespace jiwon::engine {

// Ranking weights: configuration of a deployment, not constants of the code.
struct ScoringWeights {
  int64_t per_matching_need = 30;   // per program tag among the company's needs
  int64_t per_bonus_point = 5;      // per 가점 point earned
  int64_t deadline_max = 20;        // when closing today; falls to 0 at 30 days
  int64_t per_ten_million_won = 1;  // per 1,000만원 of maximum benefit
  int64_t benefit_cap = 50;         // cap on the benefit part
};

// "관심분야 일치": `matched` of the program's tags are among the company's
// needs.
inline int64_t NeedsPart(const ScoringWeights& w, int64_t matched) {
  return matched * w.per_matching_need;
}

// The 가점 a company earns: the points of the bonus rules it meets, capped
// by the program's cap when it has one (cap > 0).
inline int64_t CappedBonus(int64_t points, int64_t cap) {
  return cap > 0 ? std::min(points, cap) : points;
}

// "가점": the capped points, weighted.
inline int64_t BonusPart(const ScoringWeights& w, int64_t capped_points) {
  return capped_points * w.per_bonus_point;
}

// "마감 임박": from deadline_max when closing today down to nothing at 30
// days; 0 for a window that closes in 30 days or more, or closed.
inline int64_t DeadlinePart(const ScoringWeights& w, int64_t days_left) {
  if (days_left < 0 || days_left >= 30) return 0;
  return w.deadline_max * (30 - days_left) / 30;
}

// "지원 규모": per 1,000만원 of the program's maximum benefit, capped.
inline int64_t BenefitPart(const ScoringWeights& w,
                           std::optional<int64_t> max_amount_won) {
  if (!max_amount_won || *max_amount_won <= 0) return 0;
  return std::max<int64_t>(
      0, std::min(w.benefit_cap,
                  *max_amount_won / 10'000'000 * w.per_ten_million_won));
}

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_SCORING_H_
