#ifndef JIWON_ENGINE_EVALUATE_H_
#define JIWON_ENGINE_EVALUATE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/model.h"
#include "engine/reference.h"
#include "engine/scoring.h"
#include "engine/size_class.h"
#include "engine/truth.h"

namespace jiwon::engine {

// One predicate as evaluated: what the rule asks and what the company has.
struct Check {
  Fact fact = Fact::kHeadOfficeRegion;
  Truth outcome = Truth::kUnknown;
  std::string expected;
  std::string observed;
  // For an unknown derived fact (the size class): the unknown inputs that
  // would decide it. Empty otherwise.
  std::vector<Fact> unknown_inputs;
  // For Fact::kQuestion: the program's question (owned by the program).
  const ProgramQuestion* question = nullptr;
};

struct RuleOutcome {
  const Rule* rule = nullptr;  // owned by the ProgramOutcome's program
  // Whether the rule's condition holds.
  Truth condition = Truth::kUnknown;
  // Whether the rule lets the company through: require and cap rules pass
  // when their condition is true, exclude rules when it is false; bonus
  // rules always pass and earn `points` when their condition is true.
  Truth passed = Truth::kUnknown;
  int32_t points = 0;
  std::vector<Check> checks;  // the predicates, in order
};

enum class Eligibility : uint8_t {
  kEligible = 1,
  kIneligible = 2,
  kUndetermined = 3,
  kNotInEffect = 4,
};
const char* EligibilityName(Eligibility e);

struct ScorePart {
  std::string name;
  int64_t points = 0;
};

// One change to a company's changeable facts.
struct Change {
  enum class Kind : uint8_t {
    kAddCertification,  // obtain `certification`
    kAddSite,           // open a 사업장 in `region`
    kAddNeed,           // declare `need` among its interests
    kSetFigure,         // `fact` from `from` to `to`
    kClearFlag,         // settle `fact` (체납, 연체)
  };
  Kind kind = Kind::kSetFigure;
  Fact fact = Fact::kCertifications;
  Certification certification = Certification::kVenture;
  Need need = Need::kManpower;
  std::string region;
  int64_t from = 0;
  int64_t to = 0;
  // How far the figure is from the threshold, in thousandths of the
  // threshold (0 for the other kinds).
  int64_t gap_permille = 0;
  // In Korean, for people: "최근 연매출 120억원 이하 (현재 126억원)".
  std::string description;
};

// What would make an INELIGIBLE program's answer change.
struct NearMiss {
  std::vector<Change> changes;  // one or two
  // ELIGIBLE, or UNDETERMINED when other rules hang on unknown facts.
  Eligibility result = Eligibility::kEligible;
  int64_t gap_permille = 0;  // sum over the changes
};

struct ProgramOutcome {
  std::shared_ptr<const Program> program;
  Eligibility eligibility = Eligibility::kUndetermined;
  Date reference_date;
  WindowStatus window = WindowStatus::kClosed;
  std::vector<RuleOutcome> rules;
  // Facts whose values would settle an UNDETERMINED outcome, sorted.
  std::vector<Fact> missing_facts;
  // The program's own questions among them (Fact::kQuestion), by id; owned
  // by `program`.
  std::vector<const ProgramQuestion*> missing_questions;
  int32_t bonus_points = 0;  // after the program's cap
  int64_t score = 0;
  std::vector<ScorePart> score_parts;
  // For an INELIGIBLE outcome, when asked for: what would change it.
  std::optional<NearMiss> near_miss;
};

// A fact derived from the profile, with how it was computed.
struct DerivedFact {
  std::string name;
  std::string value;
  std::string computation;
};

// What a company has, in words ("본사 41610 경기도 광주시", "126억원
// (2025년)"), kept while one answer explains several programs: most checks
// of one fact read the same whatever the program. Not thread-safe; one per
// company and answer.
class ObservedTexts {
 public:
  const std::string* Find(Fact fact, Date on) const;
  void Put(Fact fact, Date on, std::string text);

 private:
  struct Entry {
    Fact fact;
    Date on;
    std::string text;
  };
  std::vector<Entry> entries_;  // a few dozen at most
};

// Evaluates programs against companies. Immutable after construction and
// safe to share between threads.
class Evaluator {
 public:
  // REQUIRES: `reference` outlives the evaluator.
  explicit Evaluator(const Reference* reference, ScoringWeights weights = {});

  // How much of the evaluation to write down.
  enum class Detail {
    kChecks,       // every predicate with its expected and observed text
    kOutcomeOnly,  // outcomes, points, missing facts and score; no text
  };

  // The evaluation of one program. With kOutcomeOnly the rules carry no
  // checks; everything else is the same. `observed`, when given, keeps the
  // texts of what the company has from one call to the next (the same
  // company's).
  // REQUIRES: the program and company passed validation.
  ProgramOutcome Evaluate(std::shared_ptr<const Program> program,
                          const Company& company, Date as_of,
                          Detail detail = Detail::kChecks,
                          ObservedTexts* observed = nullptr) const;

  // Facts derived at `on`: 업력, CEO ages, 청년, size class, revenue
  // averages, valid certifications.
  std::vector<DerivedFact> Derive(const Company& company, Date on) const;

  // Whether `condition` holds for `company` at `on`, without text. The
  // facts of unknown predicates (for an undecided size class, its unknown
  // inputs) are appended to `unknown` when it is given.
  Truth Holds(const Condition& condition, const Company& company, Date on,
              std::vector<Fact>* unknown = nullptr) const;

  // The size buckets the company may be in at `on`: a bit each for
  // 소상공인, 소기업 (not 소상공인), 중기업, 중견기업, 대기업, in that order;
  // several bits when unknown inputs leave the class undecided.
  uint8_t SizeBuckets(const Company& company, Date on) const;

  // Fills program->expected_texts. REQUIRES: the program is valid and not
  // yet shared.
  void PrepareTexts(Program* program) const;

  // The size class at `on` in words ("소기업", "중견기업 이상(중소기업 아님)",
  // "소상공인 또는 소기업" when undecided).
  std::string SizeLabel(const Company& company, Date on) const;

  // 공고일, 신청일 (as_of) or 마감일, falling back to as_of when the program
  // has no such date.
  static Date ReferenceDateFor(const Program& program, Date as_of);

  const Reference& reference() const { return *reference_; }
  const ScoringWeights& weights() const { return weights_; }

 private:
  const Reference* reference_;
  std::shared_ptr<const SizeRules> size_rules_;
  ScoringWeights weights_;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_EVALUATE_H_
