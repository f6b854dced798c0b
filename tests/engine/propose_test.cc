#include "engine/feeds/propose.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/testing.h"

namespace jiwon::engine::feeds {
namespace {

using testing::Reference;

class ProposeTest : public ::testing::Test {
 protected:
  ProseProposals Read(const std::string& text,
                      Section section = Section::kEligibility,
                      std::vector<std::string> issuer = {}) {
    ProposeOptions options;
    options.issuer_regions = std::move(issuer);
    options.program_id = "bizinfo-PBLN_1";
    text_ = text;
    return proposer_.Propose(text_, section, options);
  }

  // The one rule on `fact` (a leaf), or a failure.
  const ProseRule* RuleOn(const ProseProposals& p, Fact fact) {
    const ProseRule* found = nullptr;
    for (const ProseRule& r : p.rules) {
      if (r.rule.condition.kind == Condition::Kind::kPredicate &&
          r.rule.condition.predicate.fact == fact) {
        EXPECT_EQ(found, nullptr) << "two rules on " << FactName(fact);
        found = &r;
      }
    }
    return found;
  }

  RuleProposer proposer_{Reference()};
  std::string text_;
};

TEST_F(ProposeTest, EvidenceIsTheExactSpanOfTheText) {
  const auto p = Read("☞ 전년도 매출액 120억원 미만인 도내 소재 중소기업",
                      Section::kEligibility, {"47"});
  const ProseRule* r = RuleOn(p, Fact::kRevenueLatestWon);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(text_.substr(r->begin, r->end - r->begin), "매출액 120억원 미만");
  EXPECT_EQ(r->rule.evidence, "매출액 120억원 미만");
  EXPECT_EQ(r->rule.kind, RuleKind::kRequire);
  EXPECT_EQ(r->rule.condition.predicate.max, 12000000000);
  EXPECT_TRUE(r->rule.condition.predicate.max_exclusive);
  EXPECT_FALSE(r->rule.condition.predicate.min.has_value());
  EXPECT_EQ(r->reference, "전년도");
  EXPECT_GT(r->confidence, 0);
  EXPECT_LE(r->confidence, 1);
  // 도내 is the issuer's 시도.
  const ProseRule* region = RuleOn(p, Fact::kHeadOfficeRegion);
  ASSERT_NE(region, nullptr);
  EXPECT_EQ(region->rule.condition.predicate.codes,
            std::vector<std::string>{"47"});
}

TEST_F(ProposeTest, BoundsKeepTheirInclusiveAndExclusiveEnds) {
  const auto p = Read("상시근로자 수 5인이상~1,000인미만 기업");
  const ProseRule* r = RuleOn(p, Fact::kRegularEmployees);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.condition.predicate.min, 5);
  EXPECT_FALSE(r->rule.condition.predicate.min_exclusive);
  EXPECT_EQ(r->rule.condition.predicate.max, 1000);
  EXPECT_TRUE(r->rule.condition.predicate.max_exclusive);

  const auto q = Read("연 매출액 0원 초과 1억 400만원 미만이며");
  const ProseRule* rev = RuleOn(q, Fact::kRevenueLatestWon);
  ASSERT_NE(rev, nullptr);
  EXPECT_EQ(rev->rule.condition.predicate.min, 0);
  EXPECT_TRUE(rev->rule.condition.predicate.min_exclusive);
  EXPECT_EQ(rev->rule.condition.predicate.max, 104000000);
}

TEST_F(ProposeTest, BusinessAgeWithinYearsEndsBeforeTheAnniversary) {
  const auto p = Read("공고일 기준 창업 후 7년 이내 기업");
  const ProseRule* r = RuleOn(p, Fact::kBusinessAgeMonths);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.condition.predicate.max, 84);
  EXPECT_TRUE(r->rule.condition.predicate.max_exclusive);
  EXPECT_EQ(r->reference, "공고일");

  const auto q = Read("창업 후 2년 3개월 미만 기업");
  ASSERT_NE(RuleOn(q, Fact::kBusinessAgeMonths), nullptr);
  EXPECT_EQ(RuleOn(q, Fact::kBusinessAgeMonths)->rule.condition.predicate.max,
            27);
  // "최근 3년 이내" is a look-back, not the company's age.
  EXPECT_EQ(RuleOn(Read("최근 3년 이내 지역특화 R&D 종료 기업"),
                   Fact::kBusinessAgeMonths),
            nullptr);
}

TEST_F(ProposeTest, TheAgeOfPeopleToBeHiredIsNotTheCeos) {
  const auto p =
      Read("☞ 만 60세 이상(1966년 이전 출생)을 신규 고용하는 사업장");
  for (const ProseRule& r : p.rules) {
    EXPECT_NE(r.rule.condition.predicate.fact, Fact::kCeoAgeYears);
    EXPECT_NE(r.rule.condition.predicate.fact, Fact::kQuestion);
  }
  bool explained = false;
  for (const UnparsedClause& u : p.unparsed) {
    if (u.why.find("대표자가 아닌") != std::string::npos) explained = true;
  }
  EXPECT_TRUE(explained);

  const auto ceo = Read("입주기업 대표자는 20세 이상 39세 이하인 자");
  const ProseRule* r = RuleOn(ceo, Fact::kCeoAgeYears);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.condition.predicate.min, 20);
  EXPECT_EQ(r->rule.condition.predicate.max, 39);
  EXPECT_FALSE(r->rule.condition.predicate.max_exclusive);
}

TEST_F(ProposeTest, BirthDateCutOffsBecomeADateQuestion) {
  const auto p = Read("* 1986.04.22. 이후 출생, 2007.04.21. 이전 출생 (공통)");
  const ProseRule* r = RuleOn(p, Fact::kQuestion);
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->question.has_value());
  EXPECT_EQ(r->question->type, QuestionType::kDate);
  EXPECT_EQ(r->question->id, r->rule.condition.predicate.question);
  EXPECT_EQ(r->rule.condition.predicate.min, 19860422);
  EXPECT_EQ(r->rule.condition.predicate.max, 20070421);
}

TEST_F(ProposeTest, AnExclusionPhrasedAsAPermissionIsNoExclusion) {
  const auto p = Read(
      "③ 국세 또는 지방세 체납으로 규제중인 경우\n* 단, 신청마감일까지 "
      "강제징수의 "
      "유예를 받은 자는 신청 (지원) 가능",
      Section::kExclusion);
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].rule.kind, RuleKind::kExclude);
  EXPECT_EQ(p.rules[0].rule.condition.predicate.fact, Fact::kTaxArrears);
  EXPECT_EQ(p.rules[0].rule.condition.predicate.op, Op::kIsTrue);
  ASSERT_EQ(p.unparsed.size(), 1u);
  EXPECT_NE(p.unparsed[0].text.find("가능"), std::string::npos);
  EXPECT_FALSE(p.unparsed[0].why.empty());

  // A 제외 field that says who may apply.
  const auto q = Read(
      "최근 3년 이내 동일한 아이템으로 지원받은 이력이 없거나 지원을 받지 않는 "
      "팀",
      Section::kExclusion);
  EXPECT_TRUE(q.rules.empty());
  ASSERT_EQ(q.unparsed.size(), 1u);
  EXPECT_FALSE(q.unparsed[0].why.empty());
}

TEST_F(ProposeTest, TieBreakPointsAreNoBonus) {
  const auto p = Read(
      "◦ (우대가점) 선정평가 결과 동일점수 기업에 대한 순위 구분 시에만 가점 "
      "적용\n"
      "|1|벤처기업|확인서|1|",
      Section::kBonus);
  for (const ProseRule& r : p.rules) EXPECT_NE(r.rule.kind, RuleKind::kBonus);
  EXPECT_EQ(p.bonus_cap, 0);
}

TEST_F(ProposeTest, BonusItemsTakeTheirPointsAndTheCap) {
  const auto p = Read(
      "가점 항목 (각 항목 1점, 최대 5점)<br>□ 여성기업 여부<br>□ "
      "청년(만39세이하) "
      "여부",
      Section::kBonus);
  EXPECT_EQ(p.bonus_cap, 5);
  const ProseRule* cert = RuleOn(p, Fact::kCertifications);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(cert->rule.kind, RuleKind::kBonus);
  EXPECT_EQ(cert->rule.points, 1);
  const ProseRule* age = RuleOn(p, Fact::kCeoAgeYears);
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->rule.points, 1);

  const auto q = Read(
      "※ 우대사항: 사회적기업(예비사회적기업 포함) 가점 부여(3점, 증빙자료 "
      "미제출 "
      "시 불인정)",
      Section::kBonus);
  const ProseRule* social = RuleOn(q, Fact::kCertifications);
  ASSERT_NE(social, nullptr);
  EXPECT_EQ(social->rule.points, 3);
  EXPECT_EQ(social->rule.condition.predicate.certifications.size(), 2u);
  // "부여" (grant) is no place.
  EXPECT_EQ(RuleOn(q, Fact::kHeadOfficeRegion), nullptr);
}

TEST_F(ProposeTest, BenefitTiersAreNoConditions) {
  const auto p = Read(
      "(10) 매출액 5억원 미만<br>(7) 매출액 5억원~20억원 미만<br>(5) 매출액 "
      "20억원~50억원<br>(3) 매출액 50억원 이상");
  EXPECT_TRUE(p.rules.empty());
  EXPECT_GE(p.unparsed.size(), 4u);
  const auto q = Read("* (보조율) 직전년도 매출액 100억 미만 : 70%");
  EXPECT_TRUE(q.rules.empty());
}

TEST_F(ProposeTest, PlacesFromNamesGroupsAndTheWordsAroundThem) {
  const auto p =
      Read("남동구에 본사 또는 공장이 소재한 연 매출 300억 미만 중소기업",
           Section::kEligibility, {"28"});
  ASSERT_EQ(p.rules.empty(), false);
  bool head = false;
  bool factory = false;
  for (const ProseRule& r : p.rules) {
    if (r.rule.condition.kind != Condition::Kind::kAny) continue;
    for (const Condition& c : r.rule.condition.children) {
      EXPECT_EQ(c.predicate.codes, std::vector<std::string>{"28200"});
      head |= c.predicate.fact == Fact::kHeadOfficeRegion;
      factory |= c.predicate.fact == Fact::kFactoryRegion;
    }
  }
  EXPECT_TRUE(head && factory);

  const auto g =
      Read("충청권(대전ㆍ세종ㆍ충남ㆍ충북) 소재 창업 후 2년 미만 기업");
  const ProseRule* r = RuleOn(g, Fact::kHeadOfficeRegion);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.condition.predicate.region_groups,
            std::vector<std::string>{"충청권"});
  EXPECT_TRUE(r->rule.condition.predicate.codes.empty());

  // A person's home is not the company's place.
  EXPECT_EQ(
      RuleOn(Read("전라남도 거주자 및 전입 예정자"), Fact::kHeadOfficeRegion),
      nullptr);
}

TEST_F(ProposeTest, IndustriesByCodeAndByExactName) {
  const auto p = Read("성남시 소재 식품제조 소공인 (산업분류코드 C10, C11)");
  const ProseRule* r = RuleOn(p, Fact::kPrimaryIndustry);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.condition.predicate.codes,
            (std::vector<std::string>{"10", "11"}));
  const auto q = Read(
      "* 지원제외 대상 업종: 일반유흥주점업, 무도유흥주점업, 카지노 운영업",
      Section::kExclusion);
  const ProseRule* ex = RuleOn(q, Fact::kPrimaryIndustry);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->rule.kind, RuleKind::kExclude);
  EXPECT_EQ(ex->rule.condition.predicate.codes,
            (std::vector<std::string>{"56211", "56212", "91242"}));
}

TEST_F(ProposeTest, LawsAndProgramsNamedAreNoSizeOrCertification) {
  const auto p = Read(
      "「중소기업기본법」상 중소벤처기업부 ‘소공인 공동기반시설 구축사업’에 "
      "선정된 "
      "지방자치단체");
  EXPECT_EQ(RuleOn(p, Fact::kSizeClass), nullptr);
  EXPECT_EQ(RuleOn(p, Fact::kCertifications), nullptr);
}

TEST_F(ProposeTest, WhatCannotBeReadIsKeptNeverDropped) {
  const std::string text =
      "최근 3년간 매출액 및 영업이익 성장기업\n자체 제작 콘텐츠를 보유한 기업";
  const auto p = Read(text);
  EXPECT_TRUE(p.rules.empty());
  ASSERT_EQ(p.unparsed.size(), 2u);
  for (const UnparsedClause& u : p.unparsed) {
    EXPECT_EQ(text.substr(u.begin, u.end - u.begin), u.text);
  }
}

TEST_F(ProposeTest, CapsCountTheProgramsOwnParticipations) {
  const auto p =
      Read("국제전 출품보조금은 지급대상자별 연간 최대 2회까지 지원 가능");
  const ProseRule* r = RuleOn(p, Fact::kParticipationsThisYear);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rule.kind, RuleKind::kCap);
  EXPECT_EQ(r->rule.condition.predicate.codes,
            std::vector<std::string>{"bizinfo-PBLN_1"});
  EXPECT_EQ(r->rule.condition.predicate.max, 2);
  EXPECT_TRUE(r->rule.condition.predicate.max_exclusive);
}

TEST_F(ProposeTest, HostileTextNeitherCrashesNorLoops) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "999999999999999999억 ~ ((‘「 만 ";
  text += std::string("\xE2\x82", 2);  // a cut UTF-8 sequence
  const auto p = Read(text);
  for (const ProseRule& r : p.rules) {
    EXPECT_LE(r.end, text.size());
    EXPECT_LE(r.begin, r.end);
  }
  for (const UnparsedClause& u : p.unparsed) EXPECT_LE(u.end, text.size());
  ASSERT_FALSE(p.unparsed.empty());  // one clause too long to read

  // A megabyte of short clauses is read clause by clause.
  std::string many;
  while (many.size() < (1 << 20))
    many += "상시근로자 5인 이상, 창업 후 3년 이내\n";
  const auto q = Read(many);
  EXPECT_EQ(q.rules.size(), 2u);  // the same two rules, proposed once each
}

// Whether `s` is well-formed UTF-8 (what protobuf's string fields demand).
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80       ? 1
                     : c >> 5 == 6  ? 2
                     : c >> 4 == 14 ? 3
                     : c >> 3 == 30 ? 4
                                    : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST_F(ProposeTest, EveryEvidenceSpanIsWholeCharacters) {
  // "중소ㆍ중견 기업" once ended its span inside 기.
  const auto p =
      Read("경기도 소재 중소ㆍ중견 기업, 중견ㆍ중소기업 및 소상공인");
  ASSERT_NE(RuleOn(p, Fact::kSizeClass), nullptr);
  for (const ProseRule& r : p.rules) {
    EXPECT_TRUE(IsUtf8(r.rule.evidence)) << r.rule.evidence;
  }
  // Every passage of the labelled set.
  const auto q = Read(
      "☞ 만 39세 이하(1987년 1월 1일 이후 출생)의 예비창업자 또는 사업장 "
      "소재지가 "
      "인천인 3년 이내 창업자\n- 제조업, 건설업 : 상시종업원 10인 미만 업체");
  for (const ProseRule& r : q.rules) EXPECT_TRUE(IsUtf8(r.rule.evidence));
  for (const UnparsedClause& u : q.unparsed) EXPECT_TRUE(IsUtf8(u.text));
}

TEST(SectionOfLabelTest, LabelsToSections) {
  EXPECT_EQ(SectionOfLabel("신청제외"), Section::kExclusion);
  EXPECT_EQ(SectionOfLabel("제외대상"), Section::kExclusion);
  EXPECT_EQ(SectionOfLabel("우대사항"), Section::kBonus);
  EXPECT_EQ(SectionOfLabel("가점"), Section::kBonus);
  EXPECT_EQ(SectionOfLabel("선정평가(정량)"), Section::kScoring);
  EXPECT_EQ(SectionOfLabel("지원대상"), Section::kEligibility);
}

}  // namespace
}  // namespace jiwon::engine::feeds
