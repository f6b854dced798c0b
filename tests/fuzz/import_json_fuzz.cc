// JSON Lines as `jiwon company import` and `jiwon program import` read
// them: each line a record in the API's JSON form.

#include <string>

#include "google/protobuf/util/json_util.h"
#include "tests/fuzz/profile_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    google::protobuf::util::JsonParseOptions options;
    jiwon::v1::Company c;
    if (google::protobuf::util::JsonStringToMessage(line, &c, options).ok()) {
      jiwon::fuzz::CheckCompany(c, 0);
    }
    jiwon::v1::Program p;
    if (google::protobuf::util::JsonStringToMessage(line, &p, options).ok()) {
      jiwon::fuzz::CheckProgram(p);
    }
  }
  return 0;
}
