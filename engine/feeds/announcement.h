#ifndef JIWON_ENGINE_FEEDS_ANNOUNCEMENT_H_
#define JIWON_ENGINE_FEEDS_ANNOUNCEMENT_H_

// One record of the 기업마당 (bizinfo) or K-Startup feed, normalised: the
// program it announces, in the catalog's terms, with the rules its
// structured fields imply proposed for a caseworker's review, and the prose
// its eligibility is stated in.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::engine::feeds {

enum class Feed { kBizinfo, kKstartup };

// "bizinfo", "k-startup".
const char* FeedName(Feed feed);

// A record as the feed sent it, flattened: each present field's value as
// text (numbers in decimal); a null field is absent.
using FeedRecord = std::map<std::string, std::string, std::less<>>;

// A rule read from a structured field (or, later, from prose), with where
// it was read and how sure the reading is.
struct ProposedRule {
  Rule rule;
  std::string field;      // the record's field: "biz_enyy", "pblancNm"
  std::string evidence;   // the text the rule was read from, verbatim
  double confidence = 0;  // 0-1
};

struct Announcement {
  Feed feed = Feed::kBizinfo;
  std::string source_id;      // PBLN_000000000120526, 178845
  std::string program_id;     // bizinfo-PBLN_000000000120526, kstartup-178845
  std::string title;          // without its region tag, spaces and dots tidied
  std::string agency;         // 소관기관, 주관기관
  std::string operator_name;  // 수행기관, when named
  Category category = Category::kOther;
  std::string subcategory;  // the feed's own 분야 words
  std::string url;
  std::string contact;
  std::optional<Date> announced_on;
  Window window;
  std::string window_note;  // the period as the feed wrote it
  // 시도 codes the program is for (from the title's tag, 기업마당's
  // hashtags or K-Startup's supt_regin); empty when nationwide or unsaid.
  std::vector<std::string> regions;
  std::string region_evidence;
  // The prose, as text: 사업개요·지원대상 (bizinfo), 신청대상 and
  // 제외대상 (K-Startup).
  std::string summary;
  std::string eligibility_text;
  std::string exclusion_text;
  std::vector<ProposedRule> proposals;
  // What was read with doubt, for the reviewer ("hashtags name 3 시도 but
  // the title none").
  std::vector<std::string> notes;
};

// A field of a record that could not be read: its name and what is wrong.
struct RecordError {
  std::string field;
  std::string message;
};

// The announcement of a 기업마당 item (bizinfoApi.do's JSON or RSS names:
// pblancNm or title, hashtags or hashTags, …). Every problem is reported;
// a record with any is not imported.
std::optional<Announcement> NormalizeBizinfo(const FeedRecord& record,
                                             const Reference& reference,
                                             std::vector<RecordError>* errors);

// The announcement of a K-Startup getAnnouncementInformation01 row.
std::optional<Announcement> NormalizeKstartup(const FeedRecord& record,
                                              const Reference& reference,
                                              std::vector<RecordError>* errors);

// The program an announcement stands for, with its proposed rules, as a
// draft: what a caseworker reviews before it is published.
Program DraftProgram(const Announcement& a);

// 시도 codes for the short names the feeds use (서울, 경기, 전남광주, …) and
// the full ones (경기도, 서울특별시); empty when the name is none, and for
// 전국.
std::vector<std::string> SidoCodes(std::string_view name);

// The rule a K-Startup biz_enyy list admits ("예비창업자,1년미만,3년미만"):
// 예비창업자 and/or a span of 업력 below the highest bucket; nullopt when it
// cannot be read (see `error`). `reading` says how a list that can be read
// two ways was read (a bucket alone, a gap); empty otherwise.
std::optional<Condition> BusinessAgeCondition(std::string_view buckets,
                                              std::string* error,
                                              std::string* reading);
// The rule a biz_trgt_age list admits ("만 20세 이상 ~ 만 39세 이하,만 40세
// 이상"), over the CEOs' age; nullopt when it admits every age.
std::optional<Condition> AgeCondition(std::string_view bands,
                                      std::string* error);

}  // namespace jiwon::engine::feeds

#endif  // JIWON_ENGINE_FEEDS_ANNOUNCEMENT_H_
