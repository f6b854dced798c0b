#ifndef JIWON_SERVER_RESPONSE_WIRE_H_
#define JIWON_SERVER_RESPONSE_WIRE_H_

// A RecommendResponse written in protobuf's wire format straight from the
// engine's answer, without building the message first: the same bytes, in
// the same order, as OutcomeToProto followed by SerializeAsString (a test
// holds the two equal), at a fraction of the cost. Recommend is the call a
// portal makes on every page view; its answer carries a few hundred short
// texts, and building them as message fields, then checking each one's
// UTF-8 while encoding, was the larger part of the call.
//
// The texts are written as they are: every one comes from a parsed (hence
// valid) record or from the engine's own Korean, so there is nothing for
// the check to find, and protobuf's encoder only logs what it finds anyway.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/catalog.h"

namespace jiwon::server {

class RecommendResponseWire {
 public:
  // REQUIRES: `r` outlives this object.
  RecommendResponseWire(const engine::Recommendation& r, std::string_view as_of,
                        int64_t catalog_version);

  size_t size() const { return size_; }
  // Writes exactly size() bytes to `out`.
  void WriteTo(char* out) const;
  std::string ToString() const;

 private:
  const engine::Recommendation& r_;
  std::string_view as_of_;
  int64_t catalog_version_;
  // Sizes of the nested messages, in the order they are written.
  std::vector<uint32_t> nested_;
  // Each match's dates as text (opens_on, closes_on, reference_date; empty
  // when absent), made once for both passes.
  std::vector<std::array<std::string, 3>> dates_;
  size_t size_ = 0;
};

}  // namespace jiwon::server

#endif  // JIWON_SERVER_RESPONSE_WIRE_H_
