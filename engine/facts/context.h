#ifndef JIWON_ENGINE_FACTS_CONTEXT_H_
#define JIWON_ENGINE_FACTS_CONTEXT_H_

// One company at one reference date, with the facts derived from it on
// demand, and the small pieces every family's truth and text share.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/facts/fact_table.h"
#include "engine/facts/figures.h"
#include "engine/model.h"
#include "engine/reference.h"
#include "engine/size_class.h"
#include "engine/truth.h"

namespace jiwon::engine {

// 청년: 만 39세 이하.
inline constexpr int kYouthMaxAge = 39;

class FactContext {
 public:
  FactContext(const Reference& ref, const SizeRules& sizes, const Company& c,
              Date on)
      : ref_(ref), sizes_(sizes), c_(c), on_(on) {}

  const Company& company() const { return c_; }
  Date on() const { return on_; }
  const Reference& ref() const { return ref_; }

  // Fiscal years before the reference year with revenue, newest first.
  std::vector<const FiscalYear*> RevenueYears() const {
    return engine::RevenueYears(c_, on_);
  }
  std::optional<RevenueAverage> RevenueAvg3() const {
    return engine::RevenueAvg3(c_, on_);
  }

  // Prospective founder at the reference date.
  Truth Prospective() const {
    if (c_.founded_on) return FromBool(*c_.founded_on > on_);
    if (c_.prospective_founder) return FromBool(*c_.prospective_founder);
    return Truth::kUnknown;
  }

  // Whole calendar months since founding, when founded by the reference date.
  std::optional<int64_t> BusinessAgeMonths() const {
    if (!c_.founded_on || *c_.founded_on > on_) return std::nullopt;
    const Date f = *c_.founded_on;
    int64_t months = (on_.year() - f.year()) * 12 + (on_.month() - f.month());
    while (months > 0 && f.AddMonths(static_cast<int>(months)) > on_) --months;
    return months;
  }

  // The size class, assessed once.
  const SizeAssessment& Size() {
    if (!size_) size_.emplace(sizes_, c_, on_);
    return *size_;
  }

  // A figure of the company at the reference date.
  std::optional<FigureValue> Numeric(Fact fact) const {
    const FactInfo& info = Info(fact);
    if (info.read_figure == nullptr) return std::nullopt;
    return info.read_figure(c_, on_);
  }

 private:
  const Reference& ref_;
  const SizeRules& sizes_;
  const Company& c_;
  Date on_;
  std::optional<SizeAssessment> size_;
};

// Whether v lies within the predicate's RANGE bounds.
inline Truth InRange(int64_t v, const Predicate& p) {
  bool ok = true;
  if (p.min) ok = ok && (p.min_exclusive ? v > *p.min : v >= *p.min);
  if (p.max) ok = ok && (p.max_exclusive ? v < *p.max : v <= *p.max);
  return FromBool(ok);
}

inline Truth FromOptional(std::optional<bool> b) {
  return b ? FromBool(*b) : Truth::kUnknown;
}

// IS_TRUE keeps t, IS_FALSE negates it.
inline Truth BoolOp(const Predicate& p, Truth t) {
  return p.op == Op::kIsTrue ? t : Not(t);
}

// Whether a certification is valid on `on` (both ends included).
inline bool ValidOn(const CertificationGrant& g, Date on) {
  return (!g.valid_from || *g.valid_from <= on) &&
         (!g.valid_to || on <= *g.valid_to);
}

// "예", "아니오", "미상".
inline const char* YesNo(std::optional<bool> b) {
  if (!b) return "미상";
  return *b ? "예" : "아니오";
}

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_FACTS_CONTEXT_H_
