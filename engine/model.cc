#include "engine/model.h"

namespace jiwon::engine {

const char* CertificationName(Certification c) {
  switch (c) {
    case Certification::kVenture:
      return "벤처기업";
    case Certification::kInnobiz:
      return "이노비즈";
    case Certification::kMainbiz:
      return "메인비즈";
    case Certification::kSocialEnterprise:
      return "사회적기업";
    case Certification::kPreSocialEnterprise:
      return "예비사회적기업";
    case Certification::kWomenOwned:
      return "여성기업";
    case Certification::kDisabledOwned:
      return "장애인기업";
    case Certification::kResearchInstitute:
      return "기업부설연구소";
    case Certification::kRndDepartment:
      return "연구개발전담부서";
    case Certification::kOnePersonCreative:
      return "1인 창조기업";
    case Certification::kIso9001:
      return "ISO 9001";
    case Certification::kIso14001:
      return "ISO 14001";
    case Certification::kCooperative:
      return "협동조합";
  }
  return "?";
}

const char* NeedName(Need n) {
  switch (n) {
    case Need::kManpower:
      return "인력";
    case Need::kForeignWorkers:
      return "외국인 고용";
    case Need::kTechnology:
      return "기술·R&D";
    case Need::kCommercialization:
      return "사업화";
    case Need::kExport:
      return "수출";
    case Need::kFunding:
      return "자금";
    case Need::kSmartFactory:
      return "스마트공장";
    case Need::kMarketing:
      return "판로·마케팅";
    case Need::kStartup:
      return "창업";
    case Need::kTraining:
      return "교육·컨설팅";
    case Need::kFacility:
      return "시설·공간";
  }
  return "?";
}

const char* SizeClassName(SizeClass s) {
  switch (s) {
    case SizeClass::kMicro:
      return "소상공인";
    case SizeClass::kSmall:
      return "소기업";
    case SizeClass::kSme:
      return "중소기업";
    case SizeClass::kMidsize:
      return "중견기업";
    case SizeClass::kLarge:
      return "대기업";
  }
  return "?";
}

const char* RuleKindName(RuleKind k) {
  switch (k) {
    case RuleKind::kRequire:
      return "자격";
    case RuleKind::kExclude:
      return "제외";
    case RuleKind::kBonus:
      return "가점";
    case RuleKind::kCap:
      return "참여제한";
  }
  return "?";
}

const char* CategoryName(Category c) {
  switch (c) {
    case Category::kFinance:
      return "금융";
    case Category::kTechnology:
      return "기술";
    case Category::kManpower:
      return "인력";
    case Category::kExport:
      return "수출";
    case Category::kDomestic:
      return "내수";
    case Category::kStartup:
      return "창업";
    case Category::kManagement:
      return "경영";
    case Category::kOther:
      return "기타";
  }
  return "?";
}

const char* WindowStatusName(WindowStatus s) {
  switch (s) {
    case WindowStatus::kOpen:
      return "접수중";
    case WindowStatus::kUpcoming:
      return "접수예정";
    case WindowStatus::kClosed:
      return "마감";
  }
  return "?";
}

bool InEffect(const Program& p, Date on) {
  return (!p.effective_from || *p.effective_from <= on) &&
         (!p.effective_to || on <= *p.effective_to);
}

WindowStatus StatusOn(const Window& w, Date on) {
  if (!w.rounds.empty()) {
    bool later = false;
    for (const IntakeRound& r : w.rounds) {
      if (r.opens_on <= on && on <= r.closes_on) return WindowStatus::kOpen;
      if (r.opens_on > on) later = true;
    }
    return later ? WindowStatus::kUpcoming : WindowStatus::kClosed;
  }
  switch (w.kind) {
    case WindowKind::kToBeAnnounced:
      return WindowStatus::kUpcoming;
    case WindowKind::kUntilBudget:
      if (w.budget_exhausted) return WindowStatus::kClosed;
      [[fallthrough]];
    case WindowKind::kRolling:
    case WindowKind::kFixed:
      if (w.opens_on && on < *w.opens_on) return WindowStatus::kUpcoming;
      if (w.closes_on && on > *w.closes_on) return WindowStatus::kClosed;
      return WindowStatus::kOpen;
  }
  return WindowStatus::kClosed;
}

std::optional<Date> ClosingDate(const Window& w, Date on) {
  if (!w.rounds.empty()) {
    std::optional<Date> best;
    for (const IntakeRound& r : w.rounds) {
      if (r.closes_on >= on && (!best || r.closes_on < *best)) {
        best = r.closes_on;
      }
    }
    return best;
  }
  return w.closes_on;
}

}  // namespace jiwon::engine
