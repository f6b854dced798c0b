#ifndef JIWON_ENGINE_FEEDS_PERIOD_H_
#define JIWON_ENGINE_FEEDS_PERIOD_H_

// Application periods as the feeds write them, to windows: dates in
// YYYY-MM-DD, YYYY.MM.DD and YYYYMMDD forms, and the words that stand for a
// kind of window (예산 소진시까지, 상시 접수, 추후 공지, 선착순, 세부사업별
// 상이, 매월 1일~20일, …). A date is never made up: words give a kind, not a
// day.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "engine/date.h"
#include "engine/model.h"

namespace jiwon::engine::feeds {

// One date in any of the three forms, with at most trailing time of day
// ("2026-04-13 10:00"); nullopt when it is none.
std::optional<Date> ParseFeedDate(std::string_view text);

// 기업마당's reqstBeginEndDe: "A ~ B" with dates, or words. An error names
// what could not be read; the caller keeps the text as the window's note.
absl::StatusOr<Window> ParsePeriod(std::string_view text);

// K-Startup's pbanc_rcpt_bgng_dt / pbanc_rcpt_end_dt (YYYYMMDD, either may
// be missing): a fixed window when it ends, a rolling one when no end is
// given.
absl::StatusOr<Window> WindowFromDates(std::optional<std::string_view> begin,
                                       std::optional<std::string_view> end);

}  // namespace jiwon::engine::feeds

#endif  // JIWON_ENGINE_FEEDS_PERIOD_H_
