#ifndef JIWON_ENGINE_FEEDS_PROPOSE_H_
#define JIWON_ENGINE_FEEDS_PROPOSE_H_

// Rules proposed from an announcement's own words: the 지원대상 / 신청자격,
// 신청제외 and 가점 / 우대 passages read clause by clause into rules a
// caseworker reviews. Every proposal carries the exact span of text it was
// read from, how it was read, its reference date when the text names one
// and a confidence; every clause that yields no rule is kept as unparsed,
// with why when the proposer recognised something it must not read as a
// rule (a permission, hired people's ages, tie-break points, benefit
// tiers).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/model.h"
#include "engine/reference.h"

namespace jiwon::engine::feeds {

// What a passage states.
enum class Section : uint8_t {
  kEligibility = 1,  // 지원대상, 신청자격, 신청대상: who may apply
  kExclusion = 2,    // 신청제외, 제외대상, 지원제외: who may not
  kBonus = 3,        // 가점, 우대사항: points in the ranking
  // 선정평가, 배점: how applicants are scored once they qualify. Nothing is
  // proposed; every clause is kept for the reviewer.
  kScoring = 4,
};
inline constexpr int kMaxSection = 4;

// The section a passage's own label names ("신청제외" → kExclusion, "우대
// 사항" → kBonus); kEligibility for any other label.
Section SectionOfLabel(std::string_view label);
// "eligibility", "exclusion", "bonus", "scoring".
const char* SectionName(Section s);

struct ProseRule {
  Rule rule;  // id, kind, label, evidence (the span), condition, points
  // The evidence as byte offsets into the text: [begin, end).
  size_t begin = 0;
  size_t end = 0;
  double confidence = 0;  // 0-1
  // The date the text measures the condition at when it names one:
  // "공고일", "신청일", "마감일", "전년도".
  std::string reference;
  // How the words were read, for the reviewer ("7년 이내: 업력 84개월
  // 미만, 7년이 지나지 아니한").
  std::string reading;
  // A question the rule asks when no profile fact holds it (a birth-date
  // cut-off, a past participation in named programs).
  std::optional<ProgramQuestion> question;
};

// A clause no rule was read from.
struct UnparsedClause {
  size_t begin = 0;
  size_t end = 0;
  std::string text;
  // Empty when nothing was recognised; otherwise what was recognised and
  // why it is no rule.
  std::string why;
};

struct ProseProposals {
  std::vector<ProseRule> rules;
  std::vector<UnparsedClause> unparsed;
  // 가점 cap the passage states ("최대 5점"); 0 when none.
  int32_t bonus_cap = 0;
};

struct ProposeOptions {
  // The 시도 or 시군구 codes of the issuer, for "도내", "관내" and "시내".
  std::vector<std::string> issuer_regions;
  // The program the text announces: caps count its own participations.
  std::string program_id;
  // Rule and question ids are this prefix, the section and a number.
  std::string id_prefix = "prose";
};

// Reads passages against the reference tables (region and industry names).
// Thread-safe once built.
class RuleProposer {
 public:
  explicit RuleProposer(const Reference& reference);

  ProseProposals Propose(std::string_view text, Section section,
                         const ProposeOptions& options) const;

  // The 시군구 codes a name stands for ("칠곡군"; "포천" too when `stems`);
  // of several places of that name, the one within a 시도 of `near`; empty
  // when it is none or could be several places.
  std::vector<std::string> RegionCodes(std::string_view name,
                                       const std::vector<std::string>& near,
                                       bool stems) const;
  // The KSIC code an industry's exact name stands for ("제조업" → C,
  // "일반유흥주점업" → 56211); empty when none.
  std::string IndustryCode(std::string_view name) const;

  const Reference& reference() const { return reference_; }

 private:
  const Reference& reference_;
  // 시군구 names without their 시도 ("상주시") → codes; their stems
  // ("상주") → codes.
  absl::flat_hash_map<std::string, std::vector<std::string>> places_;
  absl::flat_hash_map<std::string, std::vector<std::string>> stems_;
  // Industry names without spaces → the coarsest code.
  absl::flat_hash_map<std::string, std::string> industries_;
};

}  // namespace jiwon::engine::feeds

#endif  // JIWON_ENGINE_FEEDS_PROPOSE_H_
