// Feed records as jiwond takes them from ImportAnnouncements: the first
// byte picks the feed, the rest is the record's JSON. Whatever it is, the
// answer is a draft the catalog would accept or an error naming a field;
// the text and period readers never crash or loop.

#include <string>
#include <string_view>

#include "clients/feed_file.h"
#include "engine/feeds/duplicates.h"
#include "engine/feeds/period.h"
#include "engine/feeds/propose.h"
#include "engine/feeds/text.h"
#include "engine/validate.h"
#include "server/app/drafts.h"
#include "server/convert.h"
#include "server/feed_json.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  namespace feeds = jiwon::engine::feeds;
  const jiwon::v1::Feed feed = static_cast<jiwon::v1::Feed>(data[0] % 3);
  const std::string_view json(reinterpret_cast<const char*>(data + 1),
                              size - 1);
  // No store is touched by Normalize.
  static const jiwon::app::Drafts drafts(nullptr, &jiwon::fuzz::Reference());
  absl::StatusOr<jiwon::v1::Draft> d = drafts.Normalize(feed, json);
  if (d.ok()) {
    const std::string& id = d->program().id();
    JIWON_FUZZ_CHECK(id.starts_with("bizinfo-PBLN_") ||
                     id.starts_with("kstartup-"));
    std::vector<jiwon::engine::FieldError> errors;
    jiwon::engine::Program p =
        jiwon::server::ProgramFromProto(d->program(), &errors);
    JIWON_FUZZ_CHECK(errors.empty());
    JIWON_FUZZ_CHECK(d->proposals_size() == d->program().rules_size());
    // Without the rules whose proposal names a problem, a valid program.
    std::vector<jiwon::engine::Rule> valid;
    for (int i = 0; i < d->proposals_size(); ++i) {
      if (d->proposals(i).problem().empty()) valid.push_back(p.rules[i]);
    }
    p.rules = std::move(valid);
    jiwon::engine::ValidateProgram(p, jiwon::fuzz::Reference(), &errors);
    JIWON_FUZZ_CHECK(errors.empty());
    JIWON_FUZZ_CHECK(jiwon::app::DraftContentHash(*d).size() == 64);
  } else {
    JIWON_FUZZ_CHECK(!d.status().message().empty());
  }
  // The readers on the raw bytes.
  const std::string text = feeds::HtmlToText(json);
  JIWON_FUZZ_CHECK(text.find('\r') == std::string::npos);
  JIWON_FUZZ_CHECK(text.find("\n\n") == std::string::npos);
  (void)feeds::ParsePeriod(json);
  // The prose reader on the raw bytes: spans inside the text, evidence its
  // very bytes.
  static const feeds::RuleProposer proposer(jiwon::fuzz::Reference());
  feeds::ProposeOptions options;
  options.program_id = "fuzz";
  options.issuer_regions = {"41"};
  const auto prose = proposer.Propose(
      json, static_cast<feeds::Section>(1 + data[0] % feeds::kMaxSection),
      options);
  for (const feeds::ProseRule& r : prose.rules) {
    JIWON_FUZZ_CHECK(r.begin <= r.end && r.end <= json.size());
    JIWON_FUZZ_CHECK(json.substr(r.begin, r.end - r.begin) == r.rule.evidence);
    JIWON_FUZZ_CHECK(r.confidence > 0 && r.confidence <= 1);
  }
  for (const feeds::UnparsedClause& u : prose.unparsed) {
    JIWON_FUZZ_CHECK(u.begin <= u.end && u.end <= json.size());
  }
  // The saved-response splitters: records or an error, never a crash.
  int64_t total = -1;
  const auto xml = jiwon::clients::RecordsOfXml(json, &total);
  if (xml.ok()) {
    // Each record is a JSON object the importer can send.
    for (const std::string& r : *xml) {
      JIWON_FUZZ_CHECK(jiwon::server::FeedRecordFromJson(r).ok());
    }
  } else {
    JIWON_FUZZ_CHECK(!xml.status().message().empty());
  }
  (void)jiwon::clients::RecordsOfResponse(json, &total);
  const double same = feeds::TitleSimilarity(json, json);
  JIWON_FUZZ_CHECK(same == 0 || same == 1);
  return 0;
}
