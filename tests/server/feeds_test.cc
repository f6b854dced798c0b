// The feeds' records normalised: text, periods, the structured fields'
// rules, and every real record of the samples.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "clients/feed_file.h"
#include "engine/feeds/announcement.h"
#include "engine/feeds/duplicates.h"
#include "engine/feeds/period.h"
#include "engine/feeds/text.h"
#include "engine/validate.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/feed_json.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using engine::Condition;
using engine::Date;
using engine::Fact;
using engine::Window;
using engine::WindowKind;
namespace feeds = engine::feeds;
namespace pb = google::protobuf;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pb::Struct Samples(const std::string& name) {
  pb::Struct s;
  const std::string text =
      ReadFile(std::string(JIWON_TEST_DATA_DIR) + "/feeds/" + name);
  EXPECT_FALSE(text.empty()) << name;
  EXPECT_TRUE(pb::util::JsonStringToMessage(text, &s).ok()) << name;
  return s;
}

std::string Json(const pb::Value& v) {
  std::string out;
  EXPECT_TRUE(pb::util::MessageToJsonString(v, &out).ok());
  return out;
}

feeds::FeedRecord Record(const pb::Value& raw) {
  absl::StatusOr<feeds::FeedRecord> r = server::FeedRecordFromJson(Json(raw));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : feeds::FeedRecord();
}

const pb::Value& Get(const pb::Struct& s, const std::string& key) {
  static const pb::Value kNull;
  auto it = s.fields().find(key);
  return it == s.fields().end() ? kNull : it->second;
}

Date Day(const char* s) { return testing::D(s); }

TEST(FeedTextTest, HtmlBecomesLinesAndInvisibleCharactersGo) {
  EXPECT_EQ(feeds::HtmlToText("<p>가&nbsp;나</p><p><br></p><p style=\"x\">"
                              "☞ 대구 소재(본사)</p>"),
            "가 나\n☞ 대구 소재(본사)");
  EXPECT_EQ(feeds::HtmlToText("R&amp;D &#40;연구&#41; &#xD;&#xA;다음줄"),
            "R&D (연구)\n다음줄");
  EXPECT_EQ(feeds::HtmlToText("a\xE2\x80\x8B"
                              "b\r\n\t c  d\r\n\r\n"),
            "ab\nc d");
  // A private-use bullet (U+F06D) and a byte-order mark are dropped; a
  // '<' that opens no tag is text.
  EXPECT_EQ(feeds::HtmlToText("\xEF\x81\xAD 대상 \xEF\xBB\xBF< 3명"),
            "대상 < 3명");
  // An unknown entity stays as written.
  EXPECT_EQ(feeds::HtmlToText("&foo; &#xZZ;"), "&foo; &#xZZ;");
  EXPECT_EQ(feeds::UnifyMiddleDots("시설·공간‧보육∙교육"),
            "시설ㆍ공간ㆍ보육ㆍ교육");
}

struct PeriodCase {
  const char* text;
  WindowKind kind;
  const char* opens;   // "" for none
  const char* closes;  // "" for none
};

TEST(FeedPeriodTest, EveryFormTheFeedsUse) {
  const PeriodCase cases[] = {
      {"2026-04-13 ~ 2026-04-28", WindowKind::kFixed, "2026-04-13",
       "2026-04-28"},
      {"2026.03.02 ~ 2026.12.31", WindowKind::kFixed, "2026-03-02",
       "2026-12-31"},
      {"20230801 ~ 20230831", WindowKind::kFixed, "2023-08-01", "2023-08-31"},
      {"2026-04-13 10:00 ~ 2026-04-28 18:00", WindowKind::kFixed, "2026-04-13",
       "2026-04-28"},
      {"2026-04-13 ~", WindowKind::kRolling, "2026-04-13", ""},
      {"2026-04-13 ~ 예산 소진시", WindowKind::kUntilBudget, "2026-04-13", ""},
      {"예산 소진시까지", WindowKind::kUntilBudget, "", ""},
      {"예산 소진시 까지", WindowKind::kUntilBudget, "", ""},
      {"상시 접수", WindowKind::kRolling, "", ""},
      {"추후 공지", WindowKind::kToBeAnnounced, "", ""},
      {"세부사업별 상이", WindowKind::kVaries, "", ""},
      {"사업별 상이", WindowKind::kVaries, "", ""},
      {"차수별 상이", WindowKind::kVaries, "", ""},
      {"반기별 상이", WindowKind::kVaries, "", ""},
      {"지원분야별 상이", WindowKind::kVaries, "", ""},
      {"선착순 접수", WindowKind::kUntilFilled, "", ""},
      {"선순 마감", WindowKind::kUntilFilled, "", ""},
      {"모집 완료시", WindowKind::kUntilFilled, "", ""},
      {"모집규모 충족시", WindowKind::kUntilFilled, "", ""},
      {"매월 1일~20일", WindowKind::kMonthly, "", ""},
  };
  for (const PeriodCase& c : cases) {
    absl::StatusOr<Window> w = feeds::ParsePeriod(c.text);
    ASSERT_TRUE(w.ok()) << c.text << ": " << w.status();
    EXPECT_EQ(w->kind, c.kind) << c.text;
    EXPECT_EQ(w->opens_on ? w->opens_on->ToString() : "", c.opens) << c.text;
    EXPECT_EQ(w->closes_on ? w->closes_on->ToString() : "", c.closes) << c.text;
  }
  absl::StatusOr<Window> monthly = feeds::ParsePeriod("매월 1일~20일");
  ASSERT_TRUE(monthly.ok());
  EXPECT_EQ(monthly->monthly_from_day, 1);
  EXPECT_EQ(monthly->monthly_to_day, 20);
}

TEST(FeedPeriodTest, WhatCannotBeReadIsRefusedWithTheReason) {
  absl::StatusOr<Window> backwards =
      feeds::ParsePeriod("2026-04-28 ~ 2026-04-13");
  ASSERT_FALSE(backwards.ok());
  EXPECT_NE(backwards.status().message().find("before it begins"),
            std::string::npos);
  EXPECT_FALSE(feeds::ParsePeriod("2026-02-30 ~ 2026-03-10").ok());
  EXPECT_FALSE(feeds::ParsePeriod("공고문 참조").ok());
  EXPECT_FALSE(feeds::ParsePeriod("").ok());
  EXPECT_FALSE(feeds::ParsePeriod("매월 20일~1일").ok());
  // K-Startup's pair: no end is open, a bad date names its field.
  absl::StatusOr<Window> open =
      feeds::WindowFromDates("20260301", std::nullopt);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->kind, WindowKind::kRolling);
  absl::StatusOr<Window> bad = feeds::WindowFromDates("20260301", "2026033");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("pbanc_rcpt_end_dt"),
            std::string::npos);
}

TEST(FeedPeriodTest, AMonthlyWindowOpensOnItsDaysOfEveryMonth) {
  Window w;
  w.kind = WindowKind::kMonthly;
  w.monthly_from_day = 1;
  w.monthly_to_day = 20;
  EXPECT_EQ(engine::StatusOn(w, Day("2026-05-05")),
            engine::WindowStatus::kOpen);
  EXPECT_EQ(engine::StatusOn(w, Day("2026-05-20")),
            engine::WindowStatus::kOpen);
  EXPECT_EQ(engine::StatusOn(w, Day("2026-05-21")),
            engine::WindowStatus::kUpcoming);
  EXPECT_EQ(engine::ClosingDate(w, Day("2026-05-05"))->ToString(),
            "2026-05-20");
  // The last month it runs.
  w.closes_on = Day("2026-05-31");
  EXPECT_EQ(engine::StatusOn(w, Day("2026-05-25")),
            engine::WindowStatus::kClosed);
  // Days past a month's end are its last day.
  w.closes_on.reset();
  w.monthly_from_day = 25;
  w.monthly_to_day = 31;
  EXPECT_EQ(engine::StatusOn(w, Day("2026-02-28")),
            engine::WindowStatus::kOpen);
  EXPECT_EQ(engine::ClosingDate(w, Day("2026-02-26"))->ToString(),
            "2026-02-28");
}

// The condition as text, for comparing: "any(prospective, age[,36))".
std::string Shape(const Condition& c) {
  if (c.kind == Condition::Kind::kPredicate) {
    const engine::Predicate& p = c.predicate;
    if (p.fact == Fact::kProspectiveFounder) return "prospective";
    std::string s = p.fact == Fact::kBusinessAgeMonths ? "months" : "age";
    s += "[" + (p.min ? std::to_string(*p.min) : std::string()) + "," +
         (p.max ? std::to_string(*p.max) : std::string()) +
         (p.max_exclusive ? ")" : "]");
    return s;
  }
  std::string s = c.kind == Condition::Kind::kAny ? "any(" : "all(";
  for (size_t i = 0; i < c.children.size(); ++i) {
    if (i > 0) s += ", ";
    s += Shape(c.children[i]);
  }
  return s + ")";
}

TEST(FeedFieldsTest, BusinessAgeBuckets) {
  std::string error, reading;
  auto shape = [&](const char* buckets) {
    error.clear();
    reading.clear();
    std::optional<Condition> c =
        feeds::BusinessAgeCondition(buckets, &error, &reading);
    return c ? Shape(*c) : "error: " + error;
  };
  EXPECT_EQ(shape("예비창업자,1년미만,2년미만,3년미만"),
            "any(prospective, months[,36))");
  EXPECT_TRUE(reading.empty());
  // A bucket alone is "under N years" (창업 7년 미만).
  EXPECT_EQ(shape("7년미만"), "months[,84)");
  EXPECT_FALSE(reading.empty());
  // Buckets from 2년미만 up: at least a year (1년 이상 사업을 영위).
  EXPECT_EQ(shape("2년미만,3년미만,5년미만,7년미만,10년미만"),
            "months[12,120)");
  EXPECT_EQ(shape("예비창업자"), "prospective");
  EXPECT_EQ(shape("3년 미만"), "months[,36)");
  EXPECT_EQ(shape("예비창업자,1년미만,2년미만,5년미만,7년미만,10년미만"),
            "any(prospective, months[,120))");
  EXPECT_FALSE(reading.empty());  // the gap at 3년미만 is said
  EXPECT_EQ(shape("11년미만"),
            "error: \"11년미만\" is not a bucket (예비창업자, "
            "1년미만, 2년미만, 3년미만, 5년미만, 7년미만, 10년미만)");
}

TEST(FeedFieldsTest, AgeBandsAreBandsNotOneRange) {
  std::string error;
  auto shape = [&](const char* bands) {
    error.clear();
    std::optional<Condition> c = feeds::AgeCondition(bands, &error);
    return c ? Shape(*c) : (error.empty() ? "everyone" : "error: " + error);
  };
  EXPECT_EQ(shape("만 20세 미만,만 20세 이상 ~ 만 39세 이하,만 40세 이상"),
            "everyone");
  EXPECT_EQ(shape("만 20세 이상 ~ 만 39세 이하"), "age[20,39]");
  EXPECT_EQ(shape("만 20세 이상 ~ 만 39세 이하,만 40세 이상"), "age[20,]");
  EXPECT_EQ(shape("만 20세 미만,만 20세 이상 ~ 만 39세 이하"), "age[,39]");
  EXPECT_EQ(shape("만 40세 이상"), "age[40,]");
  EXPECT_EQ(shape("만 20세 미만,만 40세 이상"), "any(age[,19], age[40,])");
  EXPECT_EQ(shape("스무살"),
            "error: \"스무살\" is not an age band (만 N세 이상 ~ "
            "만 M세 이하, 만 N세 미만, 만 N세 이상)");
}

TEST(FeedJsonTest, EveryEnvelopeTheFeedsUse) {
  int64_t total = 0;
  auto count = [&](const char* json) {
    absl::StatusOr<std::vector<std::string>> r =
        clients::RecordsOfResponse(json, &total);
    return r.ok() ? static_cast<int>(r->size()) : -1;
  };
  EXPECT_EQ(
      count(R"([{"pblancId":"PBLN_1","totCnt":"1435"},{"pblancId":"PBLN_2"}])"),
      2);
  EXPECT_EQ(total, 1435);
  EXPECT_EQ(count(R"({"jsonArray":[{"pblancId":"PBLN_1"}]})"), 1);
  EXPECT_EQ(count(R"({"jsonArray":{"item":[{"a":1},{"a":2}],"totCnt":"7"}})"),
            2);
  EXPECT_EQ(total, 7);
  EXPECT_EQ(count(R"({"item":{"pblancId":"PBLN_1"}})"), 1);
  EXPECT_EQ(
      count(
          R"({"response":{"header":{"resultCode":"00"},"body":{"totalCount":1363,"items":{"item":{"pblancId":"PBLN_1"}}}}})"),
      1);
  EXPECT_EQ(total, 1363);
  EXPECT_EQ(
      count(
          R"({"currentCount":2,"data":[{"pbanc_sn":1},{"pbanc_sn":2}],"matchCount":28944,"page":1,"perPage":2,"totalCount":28944})"),
      2);
  EXPECT_EQ(total, 28944);
  EXPECT_EQ(count(R"({"something":[]})"), -1);
  EXPECT_EQ(count("not json"), -1);
  absl::StatusOr<feeds::FeedRecord> r = server::FeedRecordFromJson(
      R"({"pbanc_sn":178845,"prfn_matr":null,"x":1.5,"b":true,"s":"가"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("pbanc_sn"), "178845");
  EXPECT_FALSE(r->contains("prfn_matr"));
  EXPECT_EQ(r->at("x"), "1.5");
  EXPECT_EQ(r->at("b"), "true");
  EXPECT_FALSE(server::FeedRecordFromJson("[1]").ok());
  // Deep nesting is refused before Protobuf's parser, whose time grows with
  // the square of the depth.
  const std::string deep =
      std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_FALSE(server::FeedRecordFromJson(deep).ok());
  EXPECT_FALSE(clients::RecordsOfResponse(deep).ok());
  // Brackets inside strings are text.
  EXPECT_TRUE(server::FeedRecordFromJson(R"({"pblancNm":")" +
                                         std::string(100, '[') + R"("})")
                  .ok());
}

// XML text as a feed writes it: entities for <, > and &, padded with
// tabs and newlines.
std::string XmlText(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

TEST(FeedXmlTest, TheRssExampleOfTheGuideIsOneRecord) {
  // The guide's RSS example, its fields written back into RSS.
  const pb::Struct samples = Samples("bizinfo_samples.json");
  const pb::Struct& raw = Get(Get(samples, "documentation_examples")
                                  .list_value()
                                  .values(0)
                                  .struct_value(),
                              "raw")
                              .struct_value();
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">"
      "<channel>\n\t<title>기업마당</title>\n\t<item>\n";
  for (const auto& [name, value] : raw.fields()) {
    const std::string& text = value.string_value();
    xml += "\t\t<" + name + ">" +
           (name == "description" ? "<![CDATA[" + text + "]]>"
                                  : "\n\t\t\t" + XmlText(text) + "\n\t\t") +
           "</" + name + ">\n";
  }
  xml += "\t</item>\n</channel></rss>\n";
  int64_t total = 0;
  absl::StatusOr<std::vector<std::string>> records =
      clients::RecordsOfXml(xml, &total);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(total, 1435);
  const feeds::FeedRecord r = Record([&] {
    pb::Value v;
    EXPECT_TRUE(pb::util::JsonStringToMessage((*records)[0], &v).ok());
    return v;
  }());
  EXPECT_EQ(r.at("title"), "착한임대인 장관 표창 신청 연장 공고");  // trimmed
  EXPECT_EQ(r.at("description").substr(0, 5), "<div>");  // CDATA as it is
  EXPECT_FALSE(r.contains("reqstMthPapersCn"));          // empty: left out
  std::vector<feeds::RecordError> errors;
  std::optional<feeds::Announcement> a =
      feeds::NormalizeBizinfo(r, testing::Reference(), &errors);
  ASSERT_TRUE(a.has_value()) << (errors.empty() ? "" : errors[0].message);
  EXPECT_EQ(a->program_id, "bizinfo-PBLN_000000000080236");
  ASSERT_TRUE(a->window.closes_on.has_value());
  EXPECT_EQ(*a->window.closes_on, Day("2022-09-30"));
}

TEST(FeedXmlTest, KstartupColumnsByName) {
  const std::string xml =
      "<results><currentCount>2</currentCount><data>"
      "<item><col name=\"pbanc_sn\">177976</col>"
      "<col name=\"biz_pbanc_nm\"><![CDATA[2026 창업 & 성장 <모집>]]></col>"
      "<col name=\"aply_trgt_ctnt\">창업 7년 이내&#xD;&#xA;대표자 만 39세 이하"
      "</col><col name=\"prfn_matr\"/><col name='supt_regin'>경기</col></item>"
      "<item><biz_pbanc_nm>스펙 예시의 형태 &#40;잘못된&#41;</biz_pbanc_nm>"
      "<pbanc_sn>1</pbanc_sn></item>"
      "</data><matchCount>28944</matchCount><page>1</page>"
      "<totalCount>30000</totalCount></results>";
  int64_t total = 0;
  absl::StatusOr<std::vector<std::string>> records =
      clients::RecordsOfXml(xml, &total);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ(total, 28944);  // matchCount: the count after filters
  pb::Value v;
  ASSERT_TRUE(pb::util::JsonStringToMessage((*records)[0], &v).ok());
  const feeds::FeedRecord r = Record(v);
  EXPECT_EQ(r.at("pbanc_sn"), "177976");
  EXPECT_EQ(r.at("biz_pbanc_nm"), "2026 창업 & 성장 <모집>");
  EXPECT_EQ(r.at("aply_trgt_ctnt"), "창업 7년 이내\r\n대표자 만 39세 이하");
  EXPECT_FALSE(r.contains("prfn_matr"));
  EXPECT_EQ(r.at("supt_regin"), "경기");
  ASSERT_TRUE(pb::util::JsonStringToMessage((*records)[1], &v).ok());
  EXPECT_EQ(Record(v).at("biz_pbanc_nm"), "스펙 예시의 형태 (잘못된)");
}

TEST(FeedXmlTest, BrokenXmlIsRefusedWithWhereAndWhy) {
  for (const char* bad :
       {"<results><data><item><col name=\"a\">1</col></data></results>",
        "<results><data><item>", "<results><data><item><![CDATA[ never",
        "<results <data>", "<>", "<!-- never closed"}) {
    absl::StatusOr<std::vector<std::string>> r = clients::RecordsOfXml(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("XML:"), std::string::npos) << bad;
  }
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  absl::StatusOr<std::vector<std::string>> r = clients::RecordsOfXml(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper than"), std::string::npos);
  // A reference to no character is U+FFFD, an unknown entity stays.
  r = clients::RecordsOfXml(
      "<r><item><a>&#0;&#xD800;&#99999999;&bogus;&#x41;</a></item></r>");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)[0].find("\ufffd\ufffd\ufffd&bogus;A"), std::string::npos)
      << "[" << (*r)[0] << "]";
}

TEST(FeedRecordsTest, EveryBizinfoSampleBecomesAValidDraft) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("bizinfo_samples.json");
  int drafts = 0, with_region = 0, categorised = 0;
  for (const pb::Value& s : Get(samples, "records").list_value().values()) {
    const std::string id = Get(s.struct_value(), "sample_id").string_value();
    std::vector<feeds::RecordError> errors;
    std::optional<feeds::Announcement> a = feeds::NormalizeBizinfo(
        Record(Get(s.struct_value(), "raw")), ref, &errors);
    ASSERT_TRUE(a.has_value())
        << id << ": " << errors[0].field << ": " << errors[0].message;
    std::vector<engine::FieldError> invalid;
    engine::ValidateProgram(feeds::DraftProgram(*a), ref, &invalid);
    EXPECT_TRUE(invalid.empty())
        << id << ": " << invalid[0].field << ": " << invalid[0].message;
    EXPECT_EQ(a->summary.find('<'), std::string::npos) << id;
    EXPECT_EQ(a->summary.find("&nbsp;"), std::string::npos) << id;
    EXPECT_FALSE(a->window_note.empty()) << id;
    ++drafts;
    if (!a->regions.empty()) ++with_region;
    if (a->category != engine::Category::kOther || a->subcategory == "기타") {
      ++categorised;
    }
  }
  EXPECT_EQ(drafts, 70);
  EXPECT_EQ(categorised, 70);  // 분야 names, every one known
  EXPECT_GT(with_region, 20);
}

TEST(FeedRecordsTest, ABizinfoItemReadAsThePortalShowsIt) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("bizinfo_samples.json");
  const pb::Value& first = Get(samples, "records").list_value().values(0);
  std::vector<feeds::RecordError> errors;
  std::optional<feeds::Announcement> a = feeds::NormalizeBizinfo(
      Record(Get(first.struct_value(), "raw")), ref, &errors);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->program_id, "bizinfo-PBLN_000000000120526");
  EXPECT_EQ(
      a->title,
      "2026년 대구콘텐츠기업지원센터 콘텐츠기업 맞춤형 패키지 지원 사업 공고");
  EXPECT_EQ(a->regions, std::vector<std::string>{"27"});
  EXPECT_EQ(a->region_evidence, "[대구]");
  EXPECT_EQ(a->category, engine::Category::kManagement);
  EXPECT_EQ(a->window.kind, WindowKind::kFixed);
  EXPECT_EQ(a->window.closes_on->ToString(), "2026-04-28");
  EXPECT_EQ(a->announced_on->ToString(), "2026-04-08");
  EXPECT_EQ(a->operator_name, "대구디지털혁신진흥원");
  EXPECT_EQ(a->eligibility_text.rfind(
                "☞ 공고시작일 기준 대구 소재(본사) 콘텐츠 기업", 0),
            0u)
      << a->eligibility_text;
  ASSERT_EQ(a->proposals.size(), 1u);
  EXPECT_EQ(a->proposals[0].field, "pblancNm");
  EXPECT_EQ(a->proposals[0].rule.condition.predicate.fact, Fact::kSiteRegion);

  // The guide's RSS example uses the RSS names (title, link, hashTags).
  const pb::Value& doc =
      Get(samples, "documentation_examples").list_value().values(0);
  errors.clear();
  std::optional<feeds::Announcement> rss = feeds::NormalizeBizinfo(
      Record(Get(doc.struct_value(), "raw")), ref, &errors);
  ASSERT_TRUE(rss.has_value()) << errors[0].field << ": " << errors[0].message;
  EXPECT_EQ(rss->window.kind, WindowKind::kFixed);
  EXPECT_EQ(rss->window.opens_on->ToString(), "2022-07-27");

  // A 6-field fixture lacks the period: refused, by field.
  const pb::Value& partial =
      Get(samples, "other_unverified").list_value().values(0);
  errors.clear();
  EXPECT_FALSE(feeds::NormalizeBizinfo(
                   Record(Get(partial.struct_value(), "raw")), ref, &errors)
                   .has_value());
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].field, "reqstBeginEndDe");
}

// A partial K-Startup row with what its collector kept beside it put back.
pb::Value Restored(const pb::Value& sample) {
  pb::Value raw = Get(sample.struct_value(), "raw");
  const pb::Struct& collector =
      Get(sample.struct_value(), "collector_fields").struct_value();
  auto* f = raw.mutable_struct_value()->mutable_fields();
  if (!f->contains("pbanc_sn") && collector.fields().contains("pbancSn")) {
    (*f)["pbanc_sn"] = Get(collector, "pbancSn");
  }
  if (!f->contains("pbanc_rcpt_end_dt") &&
      collector.fields().contains("deadline")) {
    std::string d = Get(collector, "deadline").string_value();
    d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
    (*f)["pbanc_rcpt_end_dt"].set_string_value(d);
  }
  if (!f->contains("detl_pg_url") && collector.fields().contains("url")) {
    (*f)["detl_pg_url"] = Get(collector, "url");
  }
  return raw;
}

TEST(FeedRecordsTest, EveryKstartupSampleBecomesAValidDraft) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("kstartup_samples.json");
  int drafts = 0, proposals = 0;
  for (const char* group : {"full_rows", "partial_rows", "minimal_rows",
                            "documentation_examples"}) {
    for (const pb::Value& s : Get(samples, group).list_value().values()) {
      const std::string id = Get(s.struct_value(), "sample_id").string_value();
      std::vector<feeds::RecordError> errors;
      std::optional<feeds::Announcement> a =
          feeds::NormalizeKstartup(Record(Restored(s)), ref, &errors);
      ASSERT_TRUE(a.has_value())
          << id << ": " << errors[0].field << ": " << errors[0].message;
      std::vector<engine::FieldError> invalid;
      engine::ValidateProgram(feeds::DraftProgram(*a), ref, &invalid);
      EXPECT_TRUE(invalid.empty())
          << id << ": " << invalid[0].field << ": " << invalid[0].message;
      EXPECT_EQ(a->title.find("\r"), std::string::npos) << id;
      EXPECT_EQ(a->eligibility_text.find("&#"), std::string::npos) << id;
      ++drafts;
      proposals += static_cast<int>(a->proposals.size());
    }
  }
  EXPECT_EQ(drafts, 97);
  EXPECT_GT(proposals, 100);
}

bool HasNote(const feeds::Announcement& a, const std::string& words) {
  for (const std::string& n : a.notes) {
    if (n.find(words) != std::string::npos) return true;
  }
  return false;
}

// The quirks the feeds' README lists that no sample shows together.
TEST(FeedRecordsTest, TheQuirksOfKstartupRows) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("kstartup_samples.json");
  const feeds::FeedRecord full = Record(Get(
      Get(samples, "full_rows").list_value().values(0).struct_value(), "raw"));
  std::vector<feeds::RecordError> errors;
  // rcrt_prgs_yn lags: the dates decide. The spec's date form is read too.
  feeds::FeedRecord r = full;
  r["rcrt_prgs_yn"] = "N";
  r["pbanc_rcpt_bgng_dt"] = "2026-08-07 00:00:00";
  r["pbanc_rcpt_end_dt"] = "20991231";
  // The spec's misspelt name; the detail URL without its scheme.
  r["aply_exclt_trgt_ctnt"] = r["aply_excl_trgt_ctnt"];
  r.erase("aply_excl_trgt_ctnt");
  r.erase("detl_pg_url");
  r["biz_gdnc_url"] = "www.k-startup.go.kr/web/contents/bizpbanc.do";
  r["prch_cnpl_no"] = "1357";
  std::optional<feeds::Announcement> a =
      feeds::NormalizeKstartup(r, ref, &errors);
  ASSERT_TRUE(a.has_value()) << errors[0].field << ": " << errors[0].message;
  EXPECT_EQ(a->window.kind, WindowKind::kFixed);
  EXPECT_EQ(a->window.opens_on->ToString(), "2026-08-07");
  EXPECT_EQ(a->window.closes_on->ToString(), "2099-12-31");
  EXPECT_EQ(engine::StatusOn(a->window, Day("2026-09-01")),
            engine::WindowStatus::kOpen);
  EXPECT_NE(a->exclusion_text.find("팁스"), std::string::npos);
  EXPECT_EQ(a->url, "https://www.k-startup.go.kr/web/contents/bizpbanc.do");
  EXPECT_NE(a->contact.find("1357"), std::string::npos);
  // A placeholder states no exclusion; it is noted, not read as one.
  for (const char* placeholder : {"없음", "공고문 참고", " 해당 없음 "}) {
    feeds::FeedRecord p = full;
    p["aply_excl_trgt_ctnt"] = placeholder;
    errors.clear();
    std::optional<feeds::Announcement> b =
        feeds::NormalizeKstartup(p, ref, &errors);
    ASSERT_TRUE(b.has_value());
    EXPECT_TRUE(b->exclusion_text.empty()) << placeholder;
    EXPECT_TRUE(HasNote(*b, "no exclusions in the feed")) << placeholder;
  }
  // pbanc_sn as a number (JSON) and as a string (XML): the same program.
  feeds::FeedRecord text_sn = full;
  text_sn["pbanc_sn"] = " 178845 ";
  errors.clear();
  std::optional<feeds::Announcement> c =
      feeds::NormalizeKstartup(text_sn, ref, &errors);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->program_id, "kstartup-178845");
}

TEST(FeedRecordsTest, TheQuirksOfBizinfoItems) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("bizinfo_samples.json");
  const feeds::FeedRecord item = Record(Get(
      Get(samples, "records").list_value().values(0).struct_value(), "raw"));
  std::vector<feeds::RecordError> errors;
  feeds::FeedRecord r = item;
  // 전남광주 after the 2026-07 merger: both former 시도.
  r["pblancNm"] = "[전남광주] 2026년 통합 시범 지원사업 공고";
  r["excInsttNm"] = "기초자치단체";
  r.erase("updtPnttm");    // null in some cached items
  r["inqireCo"] = "1131";  // a string in the XML guide
  std::optional<feeds::Announcement> a =
      feeds::NormalizeBizinfo(r, ref, &errors);
  ASSERT_TRUE(a.has_value()) << errors[0].field << ": " << errors[0].message;
  EXPECT_EQ(a->title, "2026년 통합 시범 지원사업 공고");
  EXPECT_EQ(a->regions, (std::vector<std::string>{"29", "46"}));
  EXPECT_TRUE(a->operator_name.empty());  // 기초자치단체 names none
  EXPECT_TRUE(HasNote(*a, "기초자치단체"));
  r["excInsttNm"] = "직접수행";
  errors.clear();
  a = feeds::NormalizeBizinfo(r, ref, &errors);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->operator_name.empty());  // the agency itself
}

TEST(FeedRecordsTest, AKstartupRowReadFieldByField) {
  const engine::Reference& ref = testing::Reference();
  const pb::Struct samples = Samples("kstartup_samples.json");
  const pb::Value& full = Get(samples, "full_rows").list_value().values(0);
  std::vector<feeds::RecordError> errors;
  std::optional<feeds::Announcement> a = feeds::NormalizeKstartup(
      Record(Get(full.struct_value(), "raw")), ref, &errors);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->program_id, "kstartup-178845");
  EXPECT_EQ(a->category, engine::Category::kTechnology);  // 기술개발(R&amp;D)
  EXPECT_EQ(a->subcategory, "기술개발(R&D)");
  // supt_regin says 전국 (the prose says 충청권): no region from the field.
  EXPECT_TRUE(a->regions.empty());
  EXPECT_EQ(a->window.opens_on->ToString(), "2026-08-07");
  EXPECT_EQ(a->window.closes_on->ToString(), "2026-08-18");
  ASSERT_EQ(a->proposals.size(), 2u);
  EXPECT_EQ(a->proposals[0].field, "biz_enyy");
  EXPECT_EQ(Shape(a->proposals[0].rule.condition), "months[,36)");
  EXPECT_EQ(a->proposals[1].field, "biz_trgt_age");
  EXPECT_EQ(Shape(a->proposals[1].rule.condition), "age[20,]");
  EXPECT_EQ(a->exclusion_text,
            "팁스 R&D 및 팁스 연계 사업에 선정되어 협약을 체결한 이력이 있는 "
            "창업기업(대표자 포함)은 신청 불가");
  // A title past the catalog's 400 bytes is cut between syllables.
  feeds::FeedRecord long_title = Record(Get(full.struct_value(), "raw"));
  long_title["biz_pbanc_nm"].clear();
  for (int i = 0; i < 200; ++i) long_title["biz_pbanc_nm"] += "가";  // 600 B
  errors.clear();
  std::optional<feeds::Announcement> cut =
      feeds::NormalizeKstartup(long_title, ref, &errors);
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->title.size(), 399u);  // 133 syllables, not 133⅓
  std::vector<engine::FieldError> invalid;
  engine::ValidateProgram(feeds::DraftProgram(*cut), ref, &invalid);
  EXPECT_TRUE(invalid.empty())
      << invalid[0].field << ": " << invalid[0].message;
  // Without pbanc_sn (the row number "id" is no id) the row is refused.
  feeds::FeedRecord no_sn = Record(Get(full.struct_value(), "raw"));
  no_sn.erase("pbanc_sn");
  no_sn.insert_or_assign(std::string("id"), std::string("1"));
  errors.clear();
  EXPECT_FALSE(feeds::NormalizeKstartup(no_sn, ref, &errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "pbanc_sn");
}

TEST(FeedDuplicatesTest, TheNineteenPairsMergeAndTheLookAlikeDoesNot) {
  const pb::Struct biz = Samples("bizinfo_samples.json");
  const pb::Struct ks = Samples("kstartup_samples.json");
  const pb::Struct labels = Samples("cross_feed_duplicates.json");
  std::vector<std::string> ks_titles, ks_ids, biz_titles, biz_ids;
  for (const char* group : {"full_rows", "partial_rows", "minimal_rows",
                            "documentation_examples"}) {
    for (const pb::Value& s : Get(ks, group).list_value().values()) {
      const feeds::FeedRecord r = Record(Restored(s));
      ks_titles.push_back(r.at("biz_pbanc_nm"));
      ks_ids.push_back(r.at("pbanc_sn"));
    }
  }
  for (const pb::Value& s : Get(biz, "records").list_value().values()) {
    const feeds::FeedRecord r = Record(Get(s.struct_value(), "raw"));
    biz_titles.push_back(r.at("pblancNm"));
    biz_ids.push_back(r.at("pblancId"));
  }
  std::set<std::pair<std::string, std::string>> found, want, lookalike;
  for (auto [i, j] : feeds::SamePrograms(ks_titles, biz_titles)) {
    found.emplace(ks_ids[i], biz_ids[j]);
  }
  for (const pb::Value& p : Get(labels, "same_program").list_value().values()) {
    want.emplace(Get(p.struct_value(), "kstartup_pbanc_sn").string_value(),
                 Get(p.struct_value(), "bizinfo_pblancId").string_value());
  }
  for (const pb::Value& p :
       Get(labels, "different_programs_similar_titles").list_value().values()) {
    lookalike.emplace(Get(p.struct_value(), "kstartup_pbanc_sn").string_value(),
                      Get(p.struct_value(), "bizinfo_pblancId").string_value());
  }
  EXPECT_EQ(want.size(), 19u);
  EXPECT_EQ(found, want);  // every pair, and nothing else among 97 × 70
  for (const auto& l : lookalike) EXPECT_FALSE(found.contains(l));
  // Decoration is not content.
  EXPECT_EQ(feeds::TitleCore("[대구] 2026년도 「찾아가는 노무서비스」 지원"),
            "2026찾아가는노무서비스지원");
  EXPECT_GT(feeds::TitleSimilarity("2026 여성발명왕EXPO 참가기업 모집 공고",
                                   "2026년 여성발명왕EXPO 참가기업 모집 공고"),
            0.99);
}

}  // namespace
}  // namespace jiwon
