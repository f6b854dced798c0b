#ifndef JIWON_ENGINE_SIZE_CLASS_H_
#define JIWON_ENGINE_SIZE_CLASS_H_

// The size class (소상공인 ⊂ 소기업 ⊂ 중소기업; 중견기업; 대기업), derived
// from the profile and decided over every value its unknown inputs may take:
// every division a coarse or unknown KSIC code may stand for, any revenue,
// assets, employee count, independence and group ties. The class is known
// when all of them agree; otherwise the inputs that could change the answer
// are the ones to ask for.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "engine/date.h"
#include "engine/model.h"
#include "engine/reference.h"
#include "engine/truth.h"

namespace jiwon::engine {

// Bit per size bucket; the classes of the API are unions of buckets.
enum SizeBucket : uint8_t {
  kBucketMicro = 1 << 0,
  kBucketSmall = 1 << 1,   // 소기업 but not 소상공인
  kBucketMedium = 1 << 2,  // 중소기업 but not 소기업
  kBucketMidsize = 1 << 3,
  kBucketLarge = 1 << 4,
};

uint8_t BucketsOf(SizeClass c);
// The buckets a size predicate's classes admit.
uint8_t AllowedBuckets(const Predicate& p);
// "소기업", "중견기업 또는 대기업", "소상공인 또는 소기업".
std::string BucketsName(uint8_t mask);
// Whether a size predicate holds for a company whose possible size buckets
// are `buckets`.
Truth SizePredicateTruth(const Predicate& p, uint8_t buckets);

// The size table seen by the divisions a company may stand for, made once
// from the reference tables.
class SizeRules {
 public:
  // What decides the class in one division: its revenue ceilings (none
  // when the table has no row) and the 소상공인 employee limit.
  struct Profile {
    const SizeTable::Ceilings* ceilings = nullptr;
    int micro_limit = 0;
  };

  explicit SizeRules(const Reference& ref);

  // The distinct profiles a company with `industry` may have: one for a
  // division or finer code, those of the section's divisions for a section
  // letter, those of every division when unknown — counting only the
  // divisions the size tables cover, unless the section has none. `one` is
  // room for the single profile of a division.
  std::span<const Profile> For(const std::optional<std::string>& industry,
                               Profile* one) const;

 private:
  const Reference& ref_;
  std::map<std::string, std::vector<Profile>, std::less<>> by_section_;
  std::vector<Profile> any_;
};

// The size class of one company at one reference date.
class SizeAssessment {
 public:
  // REQUIRES: `rules` and `c` outlive the assessment.
  SizeAssessment(const SizeRules& rules, const Company& c, Date on);
  // Not copied: the profiles may point into the assessment itself.
  SizeAssessment(const SizeAssessment&) = delete;
  SizeAssessment& operator=(const SizeAssessment&) = delete;

  uint8_t buckets() const { return buckets_; }

  // How the class was found, in words.
  std::string Trace() const;

  // The unknown inputs whose value could change whether the class is among
  // `allowed` (a mask of buckets), by fact; empty when it is decided, or
  // when only the size table's own gaps leave it open.
  std::vector<Fact> Deciders(uint8_t allowed) const;

 private:
  // Revenue and employee figures that decide the tests of one profile.
  void Revenue(const SizeRules::Profile& p, std::optional<int64_t> rep,
               int hidden, bool* sme, bool* small) const;
  bool Micro(const SizeRules::Profile& p, int64_t rep_staff) const;

  const Company& c_;
  std::span<const SizeRules::Profile> profiles_;
  SizeRules::Profile one_;
  bool division_known_ = false;
  std::optional<absl::int128> revenue_sum_;  // of revenue_n_ years
  int revenue_n_ = 0;
  int first_year_ = 0, last_year_ = 0;
  std::optional<bool> independent_, assets_ok_, group_, owned_;
  uint8_t reachable_ = 0;  // bit per inner state (sme, small, micro)
  uint8_t buckets_ = 0;
};

}  // namespace jiwon::engine

#endif  // JIWON_ENGINE_SIZE_CLASS_H_
