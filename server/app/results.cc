#include "server/app/results.h"

#include "server/wire_format.h"

namespace jiwon::app {
namespace {

// Unsigned LEB128 varints and length-prefixed strings.
void PutVarint(std::string* out, uint64_t v) {
  server::wire::AppendVarint(out, v);
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool Varint(uint64_t* v) { return server::wire::ReadVarint(in_, &pos_, v); }
  bool Signed(int64_t* v) {
    uint64_t u;
    if (!Varint(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  bool String(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool Date(engine::Date* d) {
    int64_t days;
    if (!Signed(&days) || days < INT32_MIN || days > INT32_MAX) return false;
    *d = engine::Date::FromDays(static_cast<int32_t>(days));
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

constexpr uint64_t kResultsFormat = 1;
constexpr uint64_t kRunStateFormat = 1;

}  // namespace

std::string EncodeResults(const StoredResults& r) {
  std::string out;
  EncodeResultsTo(r, &out);
  return out;
}

void EncodeResultsTo(const StoredResults& r, std::string* out_string) {
  // The entries, the bulk, go through a raw buffer: at most 10 bytes a
  // varint.
  std::string& out = *out_string;
  out.clear();
  PutVarint(&out, kResultsFormat);
  PutVarint(&out, ZigZag(r.catalog_version));
  PutVarint(&out, ZigZag(r.computed_at));
  PutVarint(&out, ZigZag(r.as_of.days()));
  PutString(&out, r.run_id);
  PutVarint(&out, r.entries.size());
  const size_t head = out.size();
  out.resize(head + r.entries.size() * 20);
  char* p = out.data() + head;
  auto put = [&p](uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
  };
  uint32_t previous = 0;
  for (const StoredResults::Entry& e : r.entries) {
    // Positions ascend: the gap from the previous one, then the score with
    // the eligibility in its lowest bit.
    put(e.index - previous);
    previous = e.index;
    const uint64_t undetermined =
        e.eligibility == engine::Eligibility::kUndetermined ? 1 : 0;
    put((ZigZag(e.score) << 1) | undetermined);
  }
  out.resize(static_cast<size_t>(p - out.data()));
  PutVarint(&out, r.reminders.size());
  previous = 0;
  for (const StoredResults::Reminder& m : r.reminders) {
    PutVarint(&out, m.index - previous);
    previous = m.index;
    PutVarint(&out, ZigZag(m.window_end.days()));
  }
}

std::optional<StoredResults> DecodeResults(std::string_view bytes) {
  StoredResults r;
  if (!DecodeResultsInto(bytes, &r)) return std::nullopt;
  return r;
}

bool DecodeResultsInto(std::string_view bytes, StoredResults* out) {
  Reader in(bytes);
  StoredResults& r = *out;
  uint64_t format, n;
  if (!in.Varint(&format) || format != kResultsFormat) return false;
  if (!in.Signed(&r.catalog_version) || !in.Signed(&r.computed_at) ||
      !in.Date(&r.as_of) || !in.String(&r.run_id) || !in.Varint(&n) ||
      n > bytes.size()) {
    return false;
  }
  r.entries.resize(n);
  uint64_t index = 0;
  for (StoredResults::Entry& e : r.entries) {
    uint64_t gap, packed;
    if (!in.Varint(&gap) || !in.Varint(&packed)) return false;
    // Positions ascend and fit 32 bits; a gap must not wrap the sum.
    if (gap > UINT32_MAX - index) return false;
    index += gap;
    e.index = static_cast<uint32_t>(index);
    e.eligibility = (packed & 1) ? engine::Eligibility::kUndetermined
                                 : engine::Eligibility::kEligible;
    e.score = UnZigZag(packed >> 1);
  }
  if (!in.Varint(&n) || n > bytes.size()) return false;
  r.reminders.resize(n);
  index = 0;
  for (StoredResults::Reminder& m : r.reminders) {
    uint64_t gap;
    if (!in.Varint(&gap) || !in.Date(&m.window_end)) return false;
    if (gap > UINT32_MAX - index) return false;
    index += gap;
    m.index = static_cast<uint32_t>(index);
  }
  return in.done();
}

std::string EncodeProgramList(const std::vector<std::string_view>& ids) {
  std::string out;
  PutVarint(&out, ids.size());
  for (std::string_view id : ids) PutString(&out, id);
  return out;
}

std::optional<std::vector<std::string>> DecodeProgramList(
    std::string_view bytes) {
  Reader in(bytes);
  uint64_t n;
  if (!in.Varint(&n) || n > bytes.size()) return std::nullopt;
  std::vector<std::string> ids(n);
  for (std::string& id : ids) {
    if (!in.String(&id)) return std::nullopt;
  }
  if (!in.done()) return std::nullopt;
  return ids;
}

std::string EncodeRunState(const RunState& s) {
  std::string out;
  PutVarint(&out, kRunStateFormat);
  PutString(&out, s.run_id);
  PutVarint(&out, ZigZag(s.catalog_version));
  PutVarint(&out, ZigZag(s.as_of.days()));
  PutVarint(&out, ZigZag(s.started_at));
  PutVarint(&out, s.finished ? 1 : 0);
  PutString(&out, s.last_company);
  for (int64_t v : {s.companies, s.eligible_pairs, s.undetermined_pairs,
                    s.newly_eligible, s.no_longer_eligible, s.closing_soon}) {
    PutVarint(&out, ZigZag(v));
  }
  PutVarint(&out, s.first_alert);
  PutVarint(&out, s.last_alert);
  PutVarint(&out, ZigZag(s.sequence));
  return out;
}

std::optional<RunState> DecodeRunState(std::string_view bytes) {
  Reader in(bytes);
  RunState s;
  uint64_t format, finished;
  if (!in.Varint(&format) || format != kRunStateFormat ||
      !in.String(&s.run_id) || !in.Signed(&s.catalog_version) ||
      !in.Date(&s.as_of) || !in.Signed(&s.started_at) ||
      !in.Varint(&finished) || !in.String(&s.last_company)) {
    return std::nullopt;
  }
  s.finished = finished != 0;
  for (int64_t* v :
       {&s.companies, &s.eligible_pairs, &s.undetermined_pairs,
        &s.newly_eligible, &s.no_longer_eligible, &s.closing_soon}) {
    if (!in.Signed(v)) return std::nullopt;
  }
  if (!in.Varint(&s.first_alert) || !in.Varint(&s.last_alert) ||
      !in.Signed(&s.sequence) || !in.done()) {
    return std::nullopt;
  }
  return s;
}

}  // namespace jiwon::app
