// Feed records as jiwond takes them from ImportAnnouncements: the first
// byte picks the feed, the rest is the record's JSON. Whatever it is, the
// answer is a draft the catalog would accept or an error naming a field;
// the text and period readers never crash or loop.

#include <string>
#include <string_view>

#include "engine/feeds/duplicates.h"
#include "engine/feeds/period.h"
#include "engine/feeds/text.h"
#include "engine/validate.h"
#include "server/app/drafts.h"
#include "server/convert.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  namespace feeds = jiwon::engine::feeds;
  const jiwon::v1::Feed feed = static_cast<jiwon::v1::Feed>(data[0] % 3);
  const std::string_view json(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  // No store is touched by Normalize.
  const jiwon::app::Drafts drafts(nullptr, &jiwon::fuzz::Reference());
  absl::StatusOr<jiwon::v1::Draft> d = drafts.Normalize(feed, json);
  if (d.ok()) {
    const std::string& id = d->program().id();
    JIWON_FUZZ_CHECK(id.starts_with("bizinfo-PBLN_") ||
                     id.starts_with("kstartup-"));
    std::vector<jiwon::engine::FieldError> errors;
    jiwon::engine::Program p =
        jiwon::server::ProgramFromProto(d->program(), &errors);
    JIWON_FUZZ_CHECK(errors.empty());
    jiwon::engine::ValidateProgram(p, jiwon::fuzz::Reference(), &errors);
    JIWON_FUZZ_CHECK(errors.empty());
    JIWON_FUZZ_CHECK(d->proposals_size() == d->program().rules_size());
    JIWON_FUZZ_CHECK(jiwon::app::DraftContentHash(*d).size() == 64);
  } else {
    JIWON_FUZZ_CHECK(!d.status().message().empty());
  }
  // The readers on the raw bytes.
  const std::string text = feeds::HtmlToText(json);
  JIWON_FUZZ_CHECK(text.find('\r') == std::string::npos);
  JIWON_FUZZ_CHECK(text.find("\n\n") == std::string::npos);
  (void)feeds::ParsePeriod(json);
  const double same = feeds::TitleSimilarity(json, json);
  JIWON_FUZZ_CHECK(same == 0 || same == 1);
  return 0;
}
