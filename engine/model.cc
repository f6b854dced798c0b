#include "engine/model.h"

#include <algorithm>

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

namespace {

// A monthly window's next opening day after `on` (this month's when still
// ahead, else next month's).
Date MonthlyNext(const Window& w, Date on) {
  const int last = DaysInMonth(on.year(), on.month());
  if (on.day() < std::min(w.monthly_from_day, last)) {
    return Date::FromCivil(on.year(), on.month(),
                           std::min(w.monthly_from_day, last))
        .value_or(on);
  }
  const int year = on.month() == 12 ? on.year() + 1 : on.year();
  const int month = on.month() == 12 ? 1 : on.month() + 1;
  // Past the last date the calendar holds: no next month to open in.
  return Date::FromCivil(
             year, month,
             std::clamp(w.monthly_from_day, 1, DaysInMonth(year, month)))
      .value_or(on);
}

}  // namespace

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
    case WindowKind::kUntilFilled:
      if (w.budget_exhausted) return WindowStatus::kClosed;
      [[fallthrough]];
    case WindowKind::kRolling:
    case WindowKind::kFixed:
    case WindowKind::kVaries:
      if (w.opens_on && on < *w.opens_on) return WindowStatus::kUpcoming;
      if (w.closes_on && on > *w.closes_on) return WindowStatus::kClosed;
      return WindowStatus::kOpen;
    case WindowKind::kMonthly: {
      if (w.opens_on && on < *w.opens_on) return WindowStatus::kUpcoming;
      if (w.closes_on && on > *w.closes_on) return WindowStatus::kClosed;
      const int last = DaysInMonth(on.year(), on.month());
      const int from = std::min(w.monthly_from_day, last);
      const int to = std::min(w.monthly_to_day, last);
      if (on.day() >= from && on.day() <= to) return WindowStatus::kOpen;
      // Between this month's days and the next month's: it opens again.
      if (w.closes_on && MonthlyNext(w, on) > *w.closes_on) {
        return WindowStatus::kClosed;
      }
      return WindowStatus::kUpcoming;
    }
  }
  return WindowStatus::kClosed;
}

std::optional<Date> ClosingDate(const Window& w, Date on) {
  if (w.kind == WindowKind::kMonthly && w.rounds.empty() &&
      w.monthly_to_day > 0) {
    // This month's last day of the window, when open today.
    const int last = DaysInMonth(on.year(), on.month());
    const int to = std::min(w.monthly_to_day, last);
    if (on.day() > to) return std::nullopt;
    const std::optional<Date> d = Date::FromCivil(on.year(), on.month(), to);
    if (!d) return std::nullopt;
    if (w.closes_on && *d > *w.closes_on) return w.closes_on;
    return d;
  }
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
