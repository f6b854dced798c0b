#include "engine/vocabulary.h"

#include "engine/evaluate.h"
#include "engine/model.h"

namespace jiwon::engine {
namespace {

constexpr Term kCategories[] = {
    {1, "finance", "금융", "finance"},
    {2, "technology", "기술", "technology"},
    {3, "manpower", "인력", "manpower"},
    {4, "export", "수출", "export"},
    {5, "domestic", "내수", "domestic market"},
    {6, "startup", "창업", "startup"},
    {7, "management", "경영", "management"},
    {9, "other", "기타", "other"},
};

constexpr Term kWindowStatuses[] = {
    {1, "open", "접수중", "open"},
    {2, "upcoming", "접수예정", "upcoming"},
    {3, "closed", "마감", "closed"},
};

constexpr Term kWindowKinds[] = {
    {1, "fixed", "기간 접수", "fixed dates"},
    {2, "rolling", "상시 접수", "rolling"},
    {3, "until_budget", "예산 소진시까지", "until the budget runs out"},
    {4, "to_be_announced", "추후 공지", "to be announced"},
    {5, "until_filled", "선착순·모집 완료시까지", "until the places are taken"},
    {6, "varies", "세부사업별 상이", "varies by part"},
    {7, "monthly", "매월 정해진 기간", "monthly days"},
};

constexpr Term kEligibilities[] = {
    {1, "eligible", "신청 가능", "eligible"},
    {2, "ineligible", "신청 불가", "ineligible"},
    {3, "undetermined", "확인 필요", "to be confirmed"},
    {4, "not_in_effect", "시행기간 아님", "not in effect"},
};

constexpr Term kRuleKinds[] = {
    {1, "require", "자격", "requirement"},
    {2, "exclude", "제외", "exclusion"},
    {3, "bonus", "가점", "bonus points"},
    {4, "cap", "참여제한", "participation limit"},
};

constexpr Term kCertifications[] = {
    {1, "venture", "벤처기업", "venture company"},
    {2, "innobiz", "이노비즈", "Inno-Biz"},
    {3, "mainbiz", "메인비즈", "Main-Biz"},
    {4, "social_enterprise", "사회적기업", "social enterprise"},
    {5, "pre_social_enterprise", "예비사회적기업",
     "prospective social enterprise"},
    {6, "women_owned", "여성기업", "women-owned business"},
    {7, "disabled_owned", "장애인기업", "disabled-owned business"},
    {8, "research_institute", "기업부설연구소", "corporate research institute"},
    {9, "rnd_department", "연구개발전담부서", "dedicated R&D department"},
    {10, "one_person_creative", "1인 창조기업", "one-person creative company"},
    {11, "iso9001", "ISO 9001", "ISO 9001"},
    {12, "iso14001", "ISO 14001", "ISO 14001"},
    {13, "cooperative", "협동조합", "cooperative"},
};

constexpr Term kNeeds[] = {
    {1, "manpower", "인력", "manpower"},
    {2, "foreign_workers", "외국인 고용", "foreign workers"},
    {3, "technology", "기술·R&D", "technology and R&D"},
    {4, "commercialization", "사업화", "commercialization"},
    {5, "export", "수출", "export"},
    {6, "funding", "자금", "funding"},
    {7, "smart_factory", "스마트공장", "smart factory"},
    {8, "marketing", "판로·마케팅", "sales channels and marketing"},
    {9, "startup", "창업", "startup"},
    {10, "training", "교육·컨설팅", "training and consulting"},
    {11, "facility", "시설·공간", "facilities and space"},
};

constexpr Term kSizeClasses[] = {
    {1, "micro", "소상공인", "micro business"},
    {2, "small", "소기업", "small business"},
    {3, "sme", "중소기업", "small or medium enterprise"},
    {4, "midsize", "중견기업", "mid-sized enterprise"},
    {5, "large", "대기업", "large enterprise"},
};

constexpr Term kLegalForms[] = {
    {1, "sole_proprietor", "개인사업자", "sole proprietorship"},
    {2, "for_profit_corporation", "영리법인", "for-profit corporation"},
    {3, "cooperative", "협동조합", "cooperative"},
    {4, "social_cooperative", "사회적협동조합", "social cooperative"},
    {5, "nonprofit_corporation", "비영리법인", "nonprofit corporation"},
    {6, "other", "기타", "other"},
};

const char* KoreanName(std::span<const Term> terms, int value) {
  const Term* t = FindTerm(terms, value);
  return t == nullptr ? "?" : t->name_ko;
}

}  // namespace

std::span<const Term> CategoryTerms() { return kCategories; }
std::span<const Term> WindowStatusTerms() { return kWindowStatuses; }
std::span<const Term> WindowKindTerms() { return kWindowKinds; }
std::span<const Term> EligibilityTerms() { return kEligibilities; }
std::span<const Term> RuleKindTerms() { return kRuleKinds; }
std::span<const Term> CertificationTerms() { return kCertifications; }
std::span<const Term> NeedTerms() { return kNeeds; }
std::span<const Term> SizeClassTerms() { return kSizeClasses; }
std::span<const Term> LegalFormTerms() { return kLegalForms; }

const Term* FindTerm(std::span<const Term> terms, int value) {
  for (const Term& t : terms) {
    if (t.value == value) return &t;
  }
  return nullptr;
}

const char* CertificationName(Certification c) {
  return KoreanName(kCertifications, static_cast<int>(c));
}
const char* NeedName(Need n) { return KoreanName(kNeeds, static_cast<int>(n)); }
const char* SizeClassName(SizeClass s) {
  return KoreanName(kSizeClasses, static_cast<int>(s));
}
const char* LegalFormName(LegalForm f) {
  return KoreanName(kLegalForms, static_cast<int>(f));
}
const char* RuleKindName(RuleKind k) {
  return KoreanName(kRuleKinds, static_cast<int>(k));
}
const char* CategoryName(Category c) {
  return KoreanName(kCategories, static_cast<int>(c));
}
const char* WindowStatusName(WindowStatus s) {
  return KoreanName(kWindowStatuses, static_cast<int>(s));
}
const char* WindowKindName(WindowKind k) {
  return KoreanName(kWindowKinds, static_cast<int>(k));
}
const char* EligibilityName(Eligibility e) {
  return KoreanName(kEligibilities, static_cast<int>(e));
}

}  // namespace jiwon::engine
