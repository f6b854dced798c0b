#ifndef JIWON_SERVER_WIRE_FORMAT_H_
#define JIWON_SERVER_WIRE_FORMAT_H_

// Protobuf's wire format, for the few messages jiwon writes by hand because
// it writes so many of them (a Recommend answer, a night's alerts), and the
// varints of the rescore's own records: varints and proto3 fields, which leave
// out zeros and empty strings. Integers of every width are sign-extended to 64
// bits, as protobuf does for int32, int64 and enum fields. The messages are
// written in field-number order, as protobuf's encoder writes them, so that the
// bytes are the same.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jiwon::server::wire {

inline constexpr uint32_t kVarint = 0;
inline constexpr uint32_t kLengthDelimited = 2;

inline size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline size_t TagSize(int field) {
  return VarintSize(static_cast<uint64_t>(field) << 3);
}

inline uint64_t Tag(int field, uint32_t wire_type) {
  return (static_cast<uint64_t>(field) << 3) | wire_type;
}

// Writes `v` at `p`; returns the byte after it.
inline char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline void AppendVarint(std::string* out, uint64_t v) {
  char buf[10];
  out->append(buf, PutVarint(buf, v));
}

// Reads the varint at `*pos` of `in` and moves `*pos` past it; false when
// it runs past the end or over 64 bits.
inline bool ReadVarint(std::string_view in, size_t* pos, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *pos < in.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(in[(*pos)++]);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline void AppendInt(std::string* out, int field, int64_t v) {
  if (v == 0) return;
  AppendVarint(out, Tag(field, kVarint));
  AppendVarint(out, static_cast<uint64_t>(v));
}

inline void AppendString(std::string* out, int field, std::string_view s) {
  if (s.empty()) return;
  AppendVarint(out, Tag(field, kLengthDelimited));
  AppendVarint(out, s.size());
  out->append(s);
}

}  // namespace jiwon::server::wire

#endif  // JIWON_SERVER_WIRE_FORMAT_H_
