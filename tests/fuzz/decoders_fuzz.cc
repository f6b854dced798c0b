// Everything read back from the store: keys and the values jiwon encodes
// itself (results, program lists, run states). A value that decodes must
// encode back to what decodes the same.

#include <string>
#include <string_view>

#include "server/app/results.h"
#include "server/storage/key_codec.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (std::optional<uint64_t> v = jiwon::storage::DecodeUint64(bytes)) {
    JIWON_FUZZ_CHECK(jiwon::storage::EncodeUint64(*v) == bytes);
  }
  if (std::optional<jiwon::app::StoredResults> r =
          jiwon::app::DecodeResults(bytes)) {
    const std::string again = jiwon::app::EncodeResults(*r);
    std::optional<jiwon::app::StoredResults> twice =
        jiwon::app::DecodeResults(again);
    JIWON_FUZZ_CHECK(twice.has_value());
    JIWON_FUZZ_CHECK(jiwon::app::EncodeResults(*twice) == again);
  }
  if (auto ids = jiwon::app::DecodeProgramList(bytes)) {
    std::vector<std::string_view> views(ids->begin(), ids->end());
    auto twice =
        jiwon::app::DecodeProgramList(jiwon::app::EncodeProgramList(views));
    JIWON_FUZZ_CHECK(twice.has_value() && *twice == *ids);
  }
  if (auto state = jiwon::app::DecodeRunState(bytes)) {
    auto twice = jiwon::app::DecodeRunState(jiwon::app::EncodeRunState(*state));
    JIWON_FUZZ_CHECK(twice.has_value());
    JIWON_FUZZ_CHECK(jiwon::app::EncodeRunState(*twice) ==
                     jiwon::app::EncodeRunState(*state));
  }
  return 0;
}
