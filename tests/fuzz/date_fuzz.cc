// Dates as the API takes them, and the calendar arithmetic on them.

#include <string>
#include <string_view>

#include "engine/date.h"
#include "server/convert.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int months = static_cast<int8_t>(data[0]) * 24 + data[1] % 24;
  const std::string_view text(reinterpret_cast<const char*>(data + 2),
                              size - 2);
  std::optional<jiwon::engine::Date> d = jiwon::engine::Date::Parse(text);
  if (!d) return 0;
  JIWON_FUZZ_CHECK(d->ToString() == text);
  JIWON_FUZZ_CHECK(
      jiwon::engine::Date::FromCivil(d->year(), d->month(), d->day()) == d);
  const jiwon::engine::Date later = d->AddMonths(months);
  JIWON_FUZZ_CHECK(later.day() <= d->day());
  JIWON_FUZZ_CHECK(later.month() >= 1 && later.month() <= 12);
  JIWON_FUZZ_CHECK((months >= 0) == (later >= *d) || months == 0);
  const int age = jiwon::engine::AgeInYears(*d, later);
  JIWON_FUZZ_CHECK(months < 0 || age == months / 12 || age == months / 12 - 1);
  std::vector<jiwon::engine::FieldError> errors;
  std::optional<jiwon::engine::Date> field =
      jiwon::server::ParseDateField("as_of", text, &errors);
  JIWON_FUZZ_CHECK(field.has_value() == errors.empty());
  JIWON_FUZZ_CHECK(!field || (field->year() >= jiwon::server::kEarliestYear &&
                              field->year() <= jiwon::server::kLatestYear));
  return 0;
}
