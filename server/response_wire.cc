#include "server/response_wire.h"

#include <cstring>
#include <optional>

#include "server/convert.h"
#include "server/wire_format.h"

namespace jiwon::server {
namespace {

using wire::kLengthDelimited;
using wire::kVarint;
using wire::TagSize;
using wire::VarintSize;

uint64_t Raw(int64_t v) { return static_cast<uint64_t>(v); }

// Counts the bytes, and records each nested message's size before its
// contents' (the order the writer needs them in).
class Sizer {
 public:
  explicit Sizer(std::vector<uint32_t>* nested) : nested_(nested) {}

  void Int(int field, int64_t v) {
    if (v != 0) total_ += TagSize(field) + VarintSize(Raw(v));
  }
  // A field with presence: written when set, zero included.
  void OptionalInt(int field, std::optional<int64_t> v) {
    if (v) total_ += TagSize(field) + VarintSize(Raw(*v));
  }
  void String(int field, std::string_view s) {
    if (!s.empty()) total_ += TagSize(field) + VarintSize(s.size()) + s.size();
  }
  template <typename T>
  void PackedEnums(int field, const std::vector<T>& values) {
    if (values.empty()) return;
    size_t inner = 0;
    for (T v : values) inner += VarintSize(Raw(static_cast<int64_t>(v)));
    total_ += TagSize(field) + VarintSize(inner) + inner;
  }
  template <typename Fn>
  void Message(int field, Fn&& fill) {
    const size_t slot = nested_->size();
    nested_->push_back(0);
    const size_t outer = total_;
    total_ = 0;
    fill();
    const size_t inner = total_;
    (*nested_)[slot] = static_cast<uint32_t>(inner);
    total_ = outer + TagSize(field) + VarintSize(inner) + inner;
  }

  size_t total() const { return total_; }

 private:
  std::vector<uint32_t>* nested_;
  size_t total_ = 0;
};

class Writer {
 public:
  Writer(char* out, const uint32_t* nested) : p_(out), nested_(nested) {}

  void Int(int field, int64_t v) {
    if (v == 0) return;
    Tag(field, kVarint);
    Put(Raw(v));
  }
  void OptionalInt(int field, std::optional<int64_t> v) {
    if (!v) return;
    Tag(field, kVarint);
    Put(Raw(*v));
  }
  void String(int field, std::string_view s) {
    if (s.empty()) return;
    Tag(field, kLengthDelimited);
    Put(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  template <typename T>
  void PackedEnums(int field, const std::vector<T>& values) {
    if (values.empty()) return;
    size_t inner = 0;
    for (T v : values) inner += VarintSize(Raw(static_cast<int64_t>(v)));
    Tag(field, kLengthDelimited);
    Put(inner);
    for (T v : values) Put(Raw(static_cast<int64_t>(v)));
  }
  template <typename Fn>
  void Message(int field, Fn&& fill) {
    Tag(field, kLengthDelimited);
    Put(*nested_++);
    fill();
  }

  char* end() const { return p_; }

 private:
  void Tag(int field, uint32_t wire_type) { Put(wire::Tag(field, wire_type)); }
  void Put(uint64_t v) { p_ = wire::PutVarint(p_, v); }

  char* p_;
  const uint32_t* nested_;
};

// The fields of each message, in field-number order as protobuf writes
// them; the numbers are those of jiwon/v1/match_service.proto. Both passes
// walk the same code, so the sizes and the bytes cannot disagree.

template <typename Out>
void CheckFields(const engine::Check& c, Out& out) {
  out.Int(1, static_cast<int64_t>(c.fact));
  out.Int(2, static_cast<int64_t>(c.outcome));
  out.String(3, c.expected);
  out.String(4, c.observed);
}

template <typename Out>
void RuleFields(const engine::RuleOutcome& r, Out& out) {
  out.String(1, r.rule->id);
  out.Int(2, static_cast<int64_t>(r.rule->kind));
  out.String(3, r.rule->label);
  out.String(4, r.rule->evidence);
  out.Int(5, static_cast<int64_t>(r.condition));
  out.Int(6, static_cast<int64_t>(r.passed));
  out.Int(7, r.points);
  for (const engine::Check& c : r.checks) {
    out.Message(8, [&] { CheckFields(c, out); });
  }
}

template <typename Out>
void NearMissFields(const engine::NearMiss& nm, Out& out) {
  for (const engine::Change& c : nm.changes) {
    out.Message(1, [&] {
      out.Int(1, static_cast<int64_t>(c.fact));
      out.String(2, c.description);
      out.Int(3, c.gap_permille);
    });
  }
  out.Int(2, static_cast<int64_t>(nm.result));
  out.Int(3, nm.gap_permille);
}

using Dates = std::array<std::string, 3>;

Dates DatesOf(const engine::ProgramOutcome& o) {
  Dates d;
  const engine::Program& p = *o.program;
  if (p.window.opens_on) d[0] = p.window.opens_on->ToString();
  if (std::optional<engine::Date> closes =
          engine::ClosingDate(p.window, o.reference_date)) {
    d[1] = closes->ToString();
  }
  d[2] = o.reference_date.ToString();
  return d;
}

template <typename Out>
void ProgramMatchFields(const engine::ProgramOutcome& o, const Dates& dates,
                        Out& out) {
  const engine::Program& p = *o.program;
  out.String(1, p.id);
  out.String(2, p.title);
  out.Int(3, static_cast<int64_t>(p.category));
  out.Int(4, static_cast<int64_t>(o.eligibility));
  out.Int(5, o.score);
  out.Int(6, o.bonus_points);
  out.Int(7, WindowStatusToProto(o.window));
  out.String(8, dates[0]);
  out.String(9, dates[1]);
  out.String(10, dates[2]);
  out.Int(11, p.version);
  for (const engine::RuleOutcome& r : o.rules) {
    out.Message(12, [&] { RuleFields(r, out); });
  }
  out.PackedEnums(13, o.missing_facts);
  out.String(14, p.agency);
  for (const engine::ScorePart& part : o.score_parts) {
    out.Message(15, [&] {
      out.String(1, part.name);
      out.Int(2, part.points);
    });
  }
  if (o.near_miss) {
    out.Message(16, [&] { NearMissFields(*o.near_miss, out); });
  }
  for (const engine::ProgramQuestion* q : o.missing_questions) {
    out.Message(17, [&] {
      out.String(1, q->id);
      out.String(2, q->text);
    });
  }
  out.String(18, p.url);
  out.Int(19, static_cast<int64_t>(p.window.kind));
  out.String(20, p.window_note);
  out.String(21, p.contact);
  out.String(22, p.benefit);
  out.OptionalInt(23, p.max_amount_won);
}

template <typename Out>
void ResponseFields(const engine::Recommendation& r,
                    const std::vector<Dates>& dates, std::string_view as_of,
                    int64_t catalog_version, Out& out) {
  for (size_t i = 0; i < r.matches.size(); ++i) {
    out.Message(1, [&] { ProgramMatchFields(r.matches[i], dates[i], out); });
  }
  out.String(2, as_of);
  out.Int(3, catalog_version);
  out.Int(4, r.evaluated);
  out.Int(5, r.eligible);
  out.Int(6, r.undetermined);
  out.Int(7, r.ineligible);
  out.Int(8, r.near_misses);
}

}  // namespace

RecommendResponseWire::RecommendResponseWire(const engine::Recommendation& r,
                                             std::string_view as_of,
                                             int64_t catalog_version)
    : r_(r), as_of_(as_of), catalog_version_(catalog_version) {
  dates_.reserve(r.matches.size());
  for (const engine::ProgramOutcome& o : r.matches) {
    dates_.push_back(DatesOf(o));
  }
  Sizer sizer(&nested_);
  ResponseFields(r_, dates_, as_of_, catalog_version_, sizer);
  size_ = sizer.total();
}

void RecommendResponseWire::WriteTo(char* out) const {
  Writer writer(out, nested_.data());
  ResponseFields(r_, dates_, as_of_, catalog_version_, writer);
}

std::string RecommendResponseWire::ToString() const {
  std::string out(size_, '\0');
  WriteTo(out.data());
  return out;
}

}  // namespace jiwon::server
