#include "engine/size_class.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/format.h"
#include "engine/facts/figures.h"

namespace jiwon::engine {
namespace {

// The inner state of one scenario: the revenue tests and the employee
// test, as bits.
constexpr int kSme = 4, kSmall = 2, kMicro = 1;

// The bucket of an inner state under independence, assets and group ties.
uint8_t BucketOf(int t, bool independent, bool assets_ok, bool group,
                 bool owned) {
  if (!(independent && assets_ok && (t & kSme))) {
    return group || owned ? kBucketLarge : kBucketMidsize;
  }
  if (!(t & kSmall)) return kBucketMedium;
  return (t & kMicro) ? kBucketMicro : kBucketSmall;
}

// The values a yes/no input may have: its own when known, both otherwise;
// no allocation, as the loops below run for every assessment.
struct Values {
  explicit Values(std::optional<bool> v)
      : values{v.value_or(false), true}, n(v ? 1 : 2) {}
  const bool* begin() const { return values; }
  const bool* end() const { return values + n; }
  bool values[2];
  int n;
};

const char* YesNo(std::optional<bool> b) {
  if (!b) return "미상";
  return *b ? "예" : "아니오";
}

bool SameProfile(const SizeRules::Profile& a, const SizeRules::Profile& b) {
  if (a.micro_limit != b.micro_limit) return false;
  if ((a.ceilings == nullptr) != (b.ceilings == nullptr)) return false;
  return a.ceilings == nullptr || (a.ceilings->sme_avg_revenue_max_won ==
                                       b.ceilings->sme_avg_revenue_max_won &&
                                   a.ceilings->small_avg_revenue_max_won ==
                                       b.ceilings->small_avg_revenue_max_won);
}

void AddDistinct(std::vector<SizeRules::Profile>* out,
                 const SizeRules::Profile& p) {
  for (const SizeRules::Profile& q : *out) {
    if (SameProfile(p, q)) return;
  }
  out->push_back(p);
}

}  // namespace

uint8_t BucketsOf(SizeClass c) {
  switch (c) {
    case SizeClass::kMicro:
      return kBucketMicro;
    case SizeClass::kSmall:
      return kBucketMicro | kBucketSmall;
    case SizeClass::kSme:
      return kBucketMicro | kBucketSmall | kBucketMedium;
    case SizeClass::kMidsize:
      return kBucketMidsize;
    case SizeClass::kLarge:
      return kBucketLarge;
  }
  return 0;
}

uint8_t AllowedBuckets(const Predicate& p) {
  uint8_t allowed = 0;
  for (SizeClass s : p.size_classes) allowed |= BucketsOf(s);
  return allowed;
}

std::string BucketsName(uint8_t mask) {
  if (mask == (kBucketMidsize | kBucketLarge)) {
    return "중견기업 이상(중소기업 아님)";
  }
  std::vector<std::string> names;
  if (mask & kBucketMicro) names.push_back("소상공인");
  if (mask & kBucketSmall) names.push_back("소기업");
  if (mask & kBucketMedium) names.push_back("중기업");
  if (mask & kBucketMidsize) names.push_back("중견기업");
  if (mask & kBucketLarge) names.push_back("대기업");
  return absl::StrJoin(names, " 또는 ");
}

Truth SizePredicateTruth(const Predicate& p, uint8_t buckets) {
  const uint8_t allowed = AllowedBuckets(p);
  Truth in = Truth::kUnknown;
  if ((buckets & ~allowed) == 0) {
    in = Truth::kTrue;
  } else if ((buckets & allowed) == 0) {
    in = Truth::kFalse;
  }
  return p.op == Op::kNotIn ? Not(in) : in;
}

// ---------------------------------------------------------------- SizeRules

SizeRules::SizeRules(const Reference& ref) : ref_(ref) {
  // Divisions outside the size tables (공공행정, 가구 내 고용, 국외기관) are
  // no business the tables judge: a code that is unknown or only a section
  // stands for the divisions the tables cover, unless its section has none.
  std::map<std::string, std::vector<Profile>, std::less<>> uncovered;
  for (const std::string& code : ref.industries.AllCodes()) {
    if (code.size() != 2) continue;  // divisions only
    const std::string section = ref.industries.Section(code);
    const Profile p{ref.sizes.ForDivision(std::stoi(code)),
                    ref.sizes.MicroEmployeeLimit(section)};
    if (p.ceilings == nullptr) {
      AddDistinct(&uncovered[section], p);
      continue;
    }
    AddDistinct(&by_section_[section], p);
    AddDistinct(&any_, p);
  }
  for (auto& [section, profiles] : uncovered) {
    if (!by_section_.contains(section)) by_section_[section] = profiles;
  }
}

std::span<const SizeRules::Profile> SizeRules::For(
    const std::optional<std::string>& industry, Profile* one) const {
  if (!industry) return any_;
  if (industry->size() >= 2) {
    *one = Profile{
        ref_.sizes.ForDivision(std::stoi(industry->substr(0, 2))),
        ref_.sizes.MicroEmployeeLimit(ref_.industries.Section(*industry))};
    return std::span<const Profile>(one, 1);
  }
  auto it = by_section_.find(*industry);
  if (it == by_section_.end()) return any_;
  return it->second;
}

// ----------------------------------------------------------- SizeAssessment

SizeAssessment::SizeAssessment(const SizeRules& rules, const Company& c,
                               Date on)
    : c_(c) {
  division_known_ = c.primary_industry && c.primary_industry->size() >= 2;
  profiles_ = rules.For(c.primary_industry, &one_);
  if (std::optional<RevenueAverage> avg = RevenueAvg3(c, on)) {
    revenue_sum_ = avg->sum;
    revenue_n_ = avg->count;
    first_year_ = avg->first_year;
    last_year_ = avg->last_year;
  }
  // A group member is not independent (중소기업기본법 시행령 §3).
  independent_ =
      c.in_restricted_group == true ? std::optional(false) : c.independent;
  if (c.total_assets_won) {
    assets_ok_ = *c.total_assets_won < SizeTable::kSmeAssetsLimitWon;
  }
  group_ = c.in_restricted_group;
  owned_ = c.owned_by_restricted_group;

  // The inner states the profiles allow, then the buckets they give.
  for (const SizeRules::Profile& p : profiles_) {
    const bool revenue_decides = revenue_sum_ && p.ceilings != nullptr;
    for (int hidden = 0; hidden < (revenue_decides ? 1 : 3); ++hidden) {
      bool sme = false, small = false;
      Revenue(p, std::nullopt, hidden, &sme, &small);
      for (bool micro :
           Values(c.regular_employees
                      ? std::optional(*c.regular_employees < p.micro_limit)
                      : std::nullopt)) {
        reachable_ |= static_cast<uint8_t>(1u << ((sme ? kSme : 0) |
                                                  (small ? kSmall : 0) |
                                                  (micro ? kMicro : 0)));
      }
    }
  }
  for (int t = 0; t < 8; ++t) {
    if (!(reachable_ & (1u << t))) continue;
    for (bool i : Values(independent_)) {
      for (bool g : Values(group_)) {
        if (i && g) continue;
        for (bool a : Values(assets_ok_)) {
          for (bool o : Values(owned_)) buckets_ |= BucketOf(t, i, a, g, o);
        }
      }
    }
  }
}

// The revenue tests of profile `p`: exact when the revenue and the
// profile's ceilings are known; for a representative average `rep` when
// the revenue is unknown; otherwise (any revenue, or no table row) one of
// three states, `hidden`: both pass, only the 중소기업 one, neither.
void SizeAssessment::Revenue(const SizeRules::Profile& p,
                             std::optional<int64_t> rep, int hidden, bool* sme,
                             bool* small) const {
  if (p.ceilings != nullptr && revenue_sum_) {
    // mean ≤ ceiling ⇔ sum ≤ ceiling × n: never a truncated mean.
    *sme = *revenue_sum_ <=
           absl::int128(p.ceilings->sme_avg_revenue_max_won) * revenue_n_;
    *small = *revenue_sum_ <=
             absl::int128(p.ceilings->small_avg_revenue_max_won) * revenue_n_;
  } else if (p.ceilings != nullptr && rep) {
    *sme = *rep <= p.ceilings->sme_avg_revenue_max_won;
    *small = *rep <= p.ceilings->small_avg_revenue_max_won;
  } else {
    *sme = hidden < 2;
    *small = hidden < 1;
  }
}

bool SizeAssessment::Micro(const SizeRules::Profile& p,
                           int64_t rep_staff) const {
  const int64_t staff =
      c_.regular_employees ? *c_.regular_employees : rep_staff;
  return staff < p.micro_limit;
}

std::vector<Fact> SizeAssessment::Deciders(uint8_t allowed) const {
  std::vector<Fact> out;
  if ((buckets_ & ~allowed) == 0 || (buckets_ & allowed) == 0) return out;
  auto truth = [&](int t, bool i, bool a, bool g, bool o) {
    return (BucketOf(t, i, a, g, o) & allowed) != 0;
  };
  const Values is(independent_), as(assets_ok_), gs(group_), os(owned_);

  // The outer inputs: does flipping one, all else held, change the answer?
  bool flips[4] = {false, false, false, false};  // independent, assets, g, o
  for (int t = 0; t < 8; ++t) {
    if (!(reachable_ & (1u << t))) continue;
    for (bool i : is) {
      for (bool a : as) {
        for (bool g : gs) {
          for (bool o : os) {
            if (i && g) continue;
            const bool here = truth(t, i, a, g, o);
            if (!independent_ && !g && truth(t, !i, a, g, o) != here) {
              flips[0] = true;
            }
            if (!assets_ok_ && truth(t, i, !a, g, o) != here) flips[1] = true;
            if (!group_ && !i && truth(t, i, a, !g, o) != here) flips[2] = true;
            if (!owned_ && truth(t, i, a, g, !o) != here) flips[3] = true;
          }
        }
      }
    }
  }

  // The inner inputs — the division, the revenue, the employees — over
  // representative values: each ceiling and the won above it, each employee
  // limit. Neighbours along one input give the pairs of inner states it can
  // move between.
  std::vector<int64_t> revenues = {0};  // known: the exact sum decides
  if (!revenue_sum_) {
    std::set<int64_t> reps = {0};
    for (const SizeRules::Profile& p : profiles_) {
      if (p.ceilings == nullptr) continue;
      for (int64_t c : {p.ceilings->sme_avg_revenue_max_won,
                        p.ceilings->small_avg_revenue_max_won}) {
        reps.insert(c);
        reps.insert(c + 1);
      }
    }
    revenues.assign(reps.begin(), reps.end());
  }
  std::vector<int64_t> staffs = {0};
  if (!c_.regular_employees) {
    std::set<int64_t> reps = {0};
    for (const SizeRules::Profile& p : profiles_) reps.insert(p.micro_limit);
    staffs.assign(reps.begin(), reps.end());
  }
  bool gaps = false;  // a profile without a table row
  for (const SizeRules::Profile& p : profiles_) gaps |= p.ceilings == nullptr;
  const size_t dims[4] = {profiles_.size(), revenues.size(), gaps ? 3u : 1u,
                          staffs.size()};
  const size_t n = dims[0] * dims[1] * dims[2] * dims[3];
  std::vector<uint8_t> state(n);
  for (size_t x = 0; x < n; ++x) {
    size_t rest = x;
    const size_t di = rest % dims[0];
    rest /= dims[0];
    const size_t ri = rest % dims[1];
    rest /= dims[1];
    const int hidden = static_cast<int>(rest % dims[2]);
    rest /= dims[2];
    const size_t si = rest;
    const SizeRules::Profile& p = profiles_[di];
    bool sme = false, small = false;
    Revenue(p, revenue_sum_ ? std::nullopt : std::optional(revenues[ri]),
            hidden, &sme, &small);
    state[x] = static_cast<uint8_t>((sme ? kSme : 0) | (small ? kSmall : 0) |
                                    (Micro(p, staffs[si]) ? kMicro : 0));
  }
  uint64_t pairs[4] = {0, 0, 0, 0};  // by input: bit 8 t + t'
  size_t stride = 1;
  for (int d = 0; d < 4; ++d) {
    for (size_t x = 0; x < n; ++x) {
      if ((x / stride) % dims[d] + 1 >= dims[d]) continue;
      pairs[d] |= uint64_t{1} << (state[x] * 8 + state[x + stride]);
    }
    stride *= dims[d];
  }
  auto inner_flips = [&](uint64_t moves) {
    for (int t = 0; t < 8; ++t) {
      for (int u = 0; u < 8; ++u) {
        if (!(moves >> (t * 8 + u) & 1)) continue;
        for (bool i : is) {
          for (bool a : as) {
            for (bool g : gs) {
              for (bool o : os) {
                if (!(i && g) && truth(t, i, a, g, o) != truth(u, i, a, g, o)) {
                  return true;
                }
              }
            }
          }
        }
      }
    }
    return false;
  };
  if (dims[0] > 1 && inner_flips(pairs[0]))
    out.push_back(Fact::kPrimaryIndustry);
  if (!revenue_sum_ && inner_flips(pairs[1])) {
    out.push_back(Fact::kRevenueAvg3Won);
  }
  if (!c_.regular_employees && inner_flips(pairs[3])) {
    out.push_back(Fact::kRegularEmployees);
  }
  if (flips[0]) out.push_back(Fact::kIndependent);
  if (flips[1]) out.push_back(Fact::kTotalAssetsWon);
  if (flips[2]) out.push_back(Fact::kInRestrictedGroup);
  if (flips[3]) out.push_back(Fact::kOwnedByRestrictedGroup);
  std::sort(out.begin(), out.end());
  return out;
}

std::string SizeAssessment::Trace() const {
  std::vector<std::string> trace;
  trace.push_back(absl::StrCat(
      "독립성 ", YesNo(independent_),
      c_.in_restricted_group == true ? " (상호출자제한기업집단 소속)" : ""));
  if (c_.total_assets_won) {
    trace.push_back(absl::StrCat("자산총액 ", FormatWon(*c_.total_assets_won),
                                 *assets_ok_ ? " < " : " ≥ ",
                                 FormatWon(SizeTable::kSmeAssetsLimitWon)));
  } else {
    trace.push_back("자산총액 미상");
  }
  if (division_known_) {
    const std::string& code = *c_.primary_industry;
    const SizeTable::Ceilings* ceilings = one_.ceilings;
    if (ceilings == nullptr) {
      trace.push_back(absl::StrCat("주업종 ", code, ": 규모기준표에 없음"));
    } else {
      trace.push_back(absl::StrCat(
          "주업종 ", code, " → ", ceilings->industry, " 기준 중소기업 ",
          FormatWon(ceilings->sme_avg_revenue_max_won), " 이하, 소기업 ",
          FormatWon(ceilings->small_avg_revenue_max_won), " 이하"));
    }
  } else if (c_.primary_industry) {
    trace.push_back(absl::StrCat("주업종이 대분류(", *c_.primary_industry,
                                 ")까지만 알려져 그 중분류들의 기준 ",
                                 profiles_.size(), "가지를 모두 검토"));
  } else {
    trace.push_back(absl::StrCat("주업종 미상: 규모기준표 모든 업종의 기준 ",
                                 profiles_.size(), "가지를 검토"));
  }
  if (revenue_sum_) {
    trace.push_back(absl::StrCat(
        "3년 평균 매출 ",
        FormatWon(static_cast<int64_t>(*revenue_sum_ / revenue_n_)), " (",
        first_year_, "–", last_year_, ", ", revenue_n_, "개년)"));
  } else {
    trace.push_back("매출 미상");
  }
  if (c_.regular_employees) {
    if (division_known_) {
      trace.push_back(absl::StrCat("상시근로자 ", *c_.regular_employees,
                                   "명 (소상공인 기준 ", one_.micro_limit,
                                   "명 미만)"));
    } else {
      trace.push_back(absl::StrCat("상시근로자 ", *c_.regular_employees, "명"));
    }
  } else {
    trace.push_back("상시근로자 수 미상");
  }
  if (buckets_ & (kBucketMidsize | kBucketLarge)) {
    trace.push_back(absl::StrCat("상호출자제한기업집단 소속 ", YesNo(group_),
                                 ", 그 소속회사의 30% 이상 소유 ",
                                 YesNo(owned_)));
  }
  return absl::StrCat(absl::StrJoin(trace, "; "), " → ", BucketsName(buckets_));
}

}  // namespace jiwon::engine
