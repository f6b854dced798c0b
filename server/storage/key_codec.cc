#include "server/storage/key_codec.h"

namespace jiwon::storage {

std::string EncodeUint64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

std::string FeedbackPrefix(std::string_view company_id) {
  std::string key(company_id);
  key.push_back('\0');
  return key;
}

std::string FeedbackKey(std::string_view company_id,
                        std::string_view program_id) {
  std::string key = FeedbackPrefix(company_id);
  key.append(program_id);
  return key;
}

std::string CompanyAlertKey(std::string_view company_id, uint64_t alert_id) {
  std::string key = FeedbackPrefix(company_id);
  key.append(EncodeUint64(alert_id));
  return key;
}

std::optional<uint64_t> DecodeUint64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

}  // namespace jiwon::storage
