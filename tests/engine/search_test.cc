#include "engine/search.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace jiwon::engine {
namespace {

std::shared_ptr<const Program> MakeProgram(std::string id, std::string title,
                                           std::string summary = "",
                                           std::string label = "",
                                           std::string evidence = "") {
  auto p = std::make_shared<Program>();
  p->id = std::move(id);
  p->title = std::move(title);
  p->agency = "경기도경제과학진흥원";
  p->summary = std::move(summary);
  if (!label.empty() || !evidence.empty()) {
    Rule r;
    r.id = "r1";
    r.label = std::move(label);
    r.evidence = std::move(evidence);
    p->rules.push_back(std::move(r));
  }
  return p;
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    programs_ = {
        MakeProgram("summary-only", "제조 혁신 바우처",
                    "중소기업의 스마트공장 도입을 돕는 바우처"),
        MakeProgram("title", "경기도 스마트공장 구축 지원"),
        MakeProgram("spaced", "스마트 공장 고도화 사업"),
        MakeProgram("export", "수출 바우처", "해외 마케팅"),
        MakeProgram("evidence", "기술 개발 지원", "",
                    "스마트공장 수준확인 기업",
                    "스마트공장 수준확인을 받은 기업은 제외"),
        MakeProgram("dot", "중소ㆍ중견 스마트·공장 전환"),
    };
    index_ = SearchIndex::Build(programs_);
  }

  std::vector<std::string> Ids(std::string_view query) {
    absl::StatusOr<SearchIndex::Results> found = index_->Search(query, 100);
    EXPECT_TRUE(found.ok()) << found.status();
    std::vector<std::string> ids;
    if (!found.ok()) return ids;
    EXPECT_EQ(found->total, found->hits.size());
    for (const SearchHit& h : found->hits) {
      ids.push_back(programs_[h.program]->id);
    }
    return ids;
  }

  std::vector<std::shared_ptr<const Program>> programs_;
  std::shared_ptr<const SearchIndex> index_;
};

TEST_F(SearchTest, SpacingAndSeparatorsDoNotMatter) {
  EXPECT_EQ(NormalizeForSearch("스마트 공장"),
            NormalizeForSearch("스마트공장"));
  EXPECT_EQ(NormalizeForSearch("스마트ㆍ공장"),
            NormalizeForSearch("스마트공장"));
  EXPECT_EQ(NormalizeForSearch("스마트·공장"),
            NormalizeForSearch("스마트공장"));
  EXPECT_EQ(NormalizeForSearch("R&D (ＫＳＩＣ) 2026"), U"rdksic2026");
  for (std::string_view q : {"스마트 공장", "스마트공장", "스마트ㆍ공장"}) {
    std::vector<std::string> ids = Ids(q);
    ASSERT_EQ(ids.size(), 5u) << q;  // all but the export voucher
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "export"), 0);
  }
}

TEST_F(SearchTest, TitleMatchesComeFirst) {
  const std::vector<std::string> ids = Ids("스마트 공장");
  ASSERT_GE(ids.size(), 5u);
  // Every bigram in the title: "title", "spaced" and "dot" (spaces and
  // separators dropped), before those with the words elsewhere.
  std::vector<std::string> first(ids.begin(), ids.begin() + 3);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<std::string>{"dot", "spaced", "title"}));
  absl::StatusOr<SearchIndex::Results> found =
      index_->Search("스마트 공장", 100);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->hits[0].in_title);
  EXPECT_FALSE(found->hits[3].in_title);
}

TEST_F(SearchTest, KeepsWhatThePredicateKeepsAndCountsAll) {
  absl::StatusOr<SearchIndex::Results> top = index_->Search("스마트 공장", 2);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->total, 5u);
  ASSERT_EQ(top->hits.size(), 2u);
  // The best two of the whole ranking.
  const std::vector<std::string> all = Ids("스마트 공장");
  EXPECT_EQ(programs_[top->hits[0].program]->id, all[0]);
  EXPECT_EQ(programs_[top->hits[1].program]->id, all[1]);
  absl::StatusOr<SearchIndex::Results> kept =
      index_->Search("스마트 공장", 100,
                     [&](int32_t p) { return programs_[p]->id != "title"; });
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->total, 4u);
  for (const SearchHit& h : kept->hits) {
    EXPECT_NE(programs_[h.program]->id, "title");
  }
}

TEST_F(SearchTest, RanksByBm25AndRequiresMostOfTheWords) {
  // "바우처": both vouchers hold it in the title; the one saying it twice
  // in fewer words ranks first.
  programs_.push_back(MakeProgram("twice", "바우처", "바우처"));
  index_ = SearchIndex::Build(programs_);
  std::vector<std::string> ids = Ids("바우처");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], "twice");
  std::sort(ids.begin() + 1, ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"twice", "export", "summary-only"}));
  // One bigram of four is not a match.
  EXPECT_TRUE(Ids("공장 없는 말").empty());
  EXPECT_EQ(Ids("수준확인"), (std::vector<std::string>{"evidence"}));
}

TEST_F(SearchTest, RefusesQueriesWithoutWords) {
  for (std::string_view q : {"", " ", "가", "!!", "(·)"}) {
    absl::StatusOr<SearchIndex::Results> found = index_->Search(q, 10);
    ASSERT_FALSE(found.ok()) << q;
    EXPECT_EQ(found.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(found.status().message().substr(0, 7), "query: ");
  }
  EXPECT_FALSE(index_->Search(std::string(200, 'a'), 10).ok());
  // Bytes that are not UTF-8 are dropped, not a crash.
  EXPECT_TRUE(index_->Search("\xff\xfe스마트\xc3", 10).ok());
}

TEST_F(SearchTest, StatsCountTheIndex) {
  const SearchIndex::Stats s = index_->stats();
  EXPECT_EQ(s.programs, programs_.size());
  EXPECT_GT(s.terms, 20u);
  EXPECT_GE(s.postings, s.terms);
  EXPECT_GT(s.bytes, s.postings * 8);
}

}  // namespace
}  // namespace jiwon::engine
