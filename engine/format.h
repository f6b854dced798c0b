#ifndef JIWON_ENGINE_FORMAT_H_
#define JIWON_ENGINE_FORMAT_H_

// Numbers, amounts and ranges in the words a caseworker reads: "126억
// 3,000만원", "3년 2개월", "10명 이상 50명 미만".

#include <cstdint>
#include <string>

#include "engine/facts/fact_table.h"
#include "engine/model.h"

namespace jiwon::engine {

// Appends v with a comma every three digits ("-1,234,567").
void AppendWithCommas(std::string* out, int64_t v);
std::string WithCommas(int64_t v);

// "126억 3,000만원", "120억 1원", "0원".
std::string FormatWon(int64_t won);
// "3년 2개월".
std::string FormatMonths(int64_t months);
// A value in a unit: "38명", "3건", "1,200달러", "만 39세".
std::string FormatValue(int64_t v, Unit unit);
// A figure in its fact's unit: "126억원", "38명", "3건".
std::string FormatFigure(Fact fact, int64_t value);
// A predicate's RANGE bounds in a unit: "10명 이상 50명 미만"; "N개월 이내"
// for an inclusive upper bound in months.
std::string RangeText(const Predicate& p, Unit unit);

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_FORMAT_H_
