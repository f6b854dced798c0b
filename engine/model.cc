#include "engine/model.h"

namespace jiwon::engine {

const ProgramQuestion* FindQuestion(const Program& p, std::string_view id) {
  for (const ProgramQuestion& q : p.questions) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

bool InEffect(const Program& p, Date on) {
  return (!p.effective_from || *p.effective_from <= on) &&
         (!p.effective_to || on <= *p.effective_to);
}

WindowStatus StatusOn(const Window& w, Date on) {
  if (!w.rounds.empty()) {
    bool later = false;
    for (const IntakeRound& r : w.rounds) {
      if (r.opens_on <= on && on <= r.closes_on) return WindowStatus::kOpen;
      if (r.opens_on > on) later = true;
    }
    return later ? WindowStatus::kUpcoming : WindowStatus::kClosed;
  }
  switch (w.kind) {
    case WindowKind::kToBeAnnounced:
      return WindowStatus::kUpcoming;
    case WindowKind::kUntilBudget:
      if (w.budget_exhausted) return WindowStatus::kClosed;
      [[fallthrough]];
    case WindowKind::kRolling:
    case WindowKind::kFixed:
      if (w.opens_on && on < *w.opens_on) return WindowStatus::kUpcoming;
      if (w.closes_on && on > *w.closes_on) return WindowStatus::kClosed;
      return WindowStatus::kOpen;
  }
  return WindowStatus::kClosed;
}

std::optional<Date> ClosingDate(const Window& w, Date on) {
  if (!w.rounds.empty()) {
    std::optional<Date> best;
    for (const IntakeRound& r : w.rounds) {
      if (r.closes_on >= on && (!best || r.closes_on < *best)) {
        best = r.closes_on;
      }
    }
    return best;
  }
  return w.closes_on;
}

}  // namespace jiwon::engine
