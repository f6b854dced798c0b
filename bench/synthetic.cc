#include "bench/synthetic.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace jiwon::synthetic {
namespace {

using engine::Certification;
using engine::Condition;
using engine::Fact;
using engine::Op;
using engine::Predicate;
using engine::Rule;
using engine::RuleKind;

constexpr int64_t kEok = 100'000'000;
constexpr int64_t kMaxRevenue = 1000 * kEok;  // revenue is uniform below this
constexpr int kMaxEmployees = 300;            // employees uniform in 1..300
constexpr int kFoundingSpanMonths = 240;      // founded within 20 years
constexpr int kCertKinds = 6;                 // each held with p = 0.2
constexpr double kCertP = 0.2;

std::mt19937_64 Rng(uint64_t seed, uint64_t index, uint64_t stream) {
  std::seed_seq seq{seed, index, stream};
  return std::mt19937_64(seq);
}

Condition Leaf(Predicate p) {
  Condition c;
  c.kind = Condition::Kind::kPredicate;
  c.predicate = std::move(p);
  return c;
}

// The announcement's words a rule was read from, about as long as the
// feeds' (tests/data/feeds): what Recommend and Explain quote.
std::string Evidence(std::string_view id) {
  if (id == "region")
    return "공고일 기준 본사 소재지가 해당 시·도에 있는 중소기업";
  if (id == "industry")
    return "한국표준산업분류상 제조업(C) 중 지원 대상 업종을 영위하는 기업";
  if (id == "cert") return "신청일 현재 유효한 인증을 보유한 기업";
  if (id == "age")
    return "공고일 기준 창업 후 7년 이내의 기업 (법인은 법인등기일 기준)";
  if (id == "staff") return "상시근로자 수가 기준 이하인 기업";
  if (id == "arrears")
    return "국세 또는 지방세를 체납 중인 기업은 신청할 수 없음";
  if (id == "revenue") return "직전년도 매출액이 기준 이하인 중소기업";
  return "벤처기업 확인을 받은 기업 가점 부여";
}

Rule MakeRule(std::string id, RuleKind kind, Predicate p, int points = 0) {
  Rule r;
  r.evidence = Evidence(id);
  r.label = id;
  r.id = std::move(id);
  r.kind = kind;
  r.condition = Leaf(std::move(p));
  r.points = points;
  return r;
}

std::string Id(char prefix, uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%07llu", prefix,
                static_cast<unsigned long long>(index));
  return buf;
}

}  // namespace

Generator::Generator(const engine::Reference* reference, Options options)
    : reference_(reference), options_(options) {
  for (const std::string& code : reference->regions.ActiveCodes()) {
    if (code.size() == 2) sidos_.push_back(code);
  }
  sigungus_.resize(sidos_.size());
  for (const std::string& code : reference->regions.ActiveCodes()) {
    if (code.size() != 5) continue;
    const std::string sido = reference->regions.Sido(code);
    for (size_t i = 0; i < sidos_.size(); ++i) {
      if (sidos_[i] == sido) sigungus_[i].push_back(code);
    }
  }
  // Twenty divisions: manufacturing and the common services.
  divisions_ = {"10", "13", "20", "22", "24", "25", "26", "27", "28", "29",
                "30", "32", "41", "46", "47", "49", "58", "62", "70", "73"};
}

engine::Company Generator::Company(uint64_t index) const {
  std::mt19937_64 rng = Rng(options_.seed, index, 1);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  engine::Company c;
  c.id = Id('C', index);
  const size_t sido = static_cast<size_t>(uniform(0, sidos_.size() - 1));
  const auto& sigungus = sigungus_[sido];
  c.head_office_region =
      sigungus.empty()
          ? sidos_[sido]
          : sigungus[static_cast<size_t>(uniform(0, sigungus.size() - 1))];
  c.site_regions = std::vector<std::string>{};
  c.primary_industry =
      divisions_[static_cast<size_t>(uniform(0, divisions_.size() - 1))];
  c.founded_on = options_.as_of.AddDays(
      -static_cast<int32_t>(uniform(1, kFoundingSpanMonths * 30)));
  engine::Ceo ceo;
  ceo.birth_date = options_.as_of.AddDays(
      -static_cast<int32_t>(uniform(25 * 365, 65 * 365)));
  ceo.gender = chance(0.3) ? engine::Gender::kFemale : engine::Gender::kMale;
  ceo.disabled = chance(0.03);
  c.ceos.push_back(ceo);
  const int64_t revenue = uniform(0, kMaxRevenue);
  for (int y = options_.as_of.year() - 3; y < options_.as_of.year(); ++y) {
    engine::FiscalYear fy;
    fy.year = y;
    fy.revenue_won = revenue;
    fy.exports_usd = uniform(0, 2'000'000);
    c.fiscal_years.push_back(fy);
  }
  c.total_assets_won = uniform(1, 2000) * kEok;
  c.regular_employees = static_cast<int32_t>(uniform(1, kMaxEmployees));
  c.regular_employees_last_year =
      std::max<int32_t>(0, *c.regular_employees + uniform(-5, 5));
  c.independent = true;
  c.certifications.emplace();
  for (int k = 1; k <= kCertKinds; ++k) {
    if (chance(kCertP)) {
      c.certifications->push_back(
          {static_cast<Certification>(k), std::nullopt, std::nullopt});
    }
  }
  c.patents = static_cast<int32_t>(uniform(0, 10));
  // 2% in arrears, 5% unknown.
  const int64_t arrears = uniform(0, 99);
  if (arrears >= 5) c.tax_arrears = arrears < 7;
  c.loan_default = false;
  c.suspended_or_closed = false;
  c.participation_banned = false;
  c.participations.emplace();
  c.needs.emplace();
  for (int n = 1; n <= engine::kMaxNeed; ++n) {
    if (chance(0.25)) c.needs->push_back(static_cast<engine::Need>(n));
  }
  return c;
}

engine::Program Generator::Program(uint64_t index) const {
  std::mt19937_64 rng = Rng(options_.seed, index, 2);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  engine::Program p;
  p.id = Id('P', index);
  p.title = "program " + p.id;
  p.agency = "agency";
  p.category = static_cast<engine::Category>(uniform(1, 7));
  p.tags = {static_cast<engine::Need>(uniform(1, engine::kMaxNeed))};
  p.window.kind = engine::WindowKind::kFixed;
  p.window.opens_on =
      options_.as_of.AddDays(-static_cast<int32_t>(uniform(0, 60)));
  p.window.closes_on =
      options_.as_of.AddDays(static_cast<int32_t>(uniform(0, 90)));
  p.max_amount_won = uniform(1, 50) * 10'000'000;
  p.url =
      "https://www.bizinfo.go.kr/web/lay1/bbs/S1T122C128/AS/74/view.do?"
      "pblancId=PBLN_" +
      p.id;
  p.contact = "주관기관 고객센터";
  p.window_note = "공고일부터 마감일 18:00까지 온라인 접수";
  p.benefit = "사업비의 70% 이내, 기업당 최대 지원";
  double pass = 1.0;  // chance a company passes the rules so far
  // A rule is added only while the program can still reach the wanted
  // fraction; the revenue ceiling then brings it down to it.
  const double wanted = options_.eligible_fraction / 0.93;
  auto fits = [&](double p) { return pass * p >= wanted; };
  if (chance(0.6) && fits(1.0 / sidos_.size())) {
    // Regional: one 시도, or one of three.
    Predicate r;
    r.fact = Fact::kHeadOfficeRegion;
    r.op = Op::kIn;
    const int count = chance(0.7) && fits(1.0 / sidos_.size()) ? 1 : 3;
    std::vector<std::string> sidos = sidos_;
    std::shuffle(sidos.begin(), sidos.end(), rng);
    r.codes.assign(sidos.begin(), sidos.begin() + count);
    pass *= static_cast<double>(count) / sidos_.size();
    p.rules.push_back(MakeRule("region", RuleKind::kRequire, std::move(r)));
  }
  if (chance(0.4) && fits(16.0 / divisions_.size())) {
    Predicate ind;
    ind.fact = Fact::kPrimaryIndustry;
    ind.op = Op::kIn;
    int count = static_cast<int>(uniform(4, 16));
    while (!fits(static_cast<double>(count) / divisions_.size())) ++count;
    std::vector<std::string> divisions = divisions_;
    std::shuffle(divisions.begin(), divisions.end(), rng);
    ind.codes.assign(divisions.begin(), divisions.begin() + count);
    pass *= static_cast<double>(count) / divisions_.size();
    p.rules.push_back(MakeRule("industry", RuleKind::kRequire, std::move(ind)));
  }
  if (chance(0.3) && fits(kCertP)) {
    Predicate cert;
    cert.fact = Fact::kCertifications;
    cert.op = Op::kAnyOf;
    cert.certifications = {static_cast<Certification>(uniform(1, kCertKinds))};
    pass *= kCertP;
    p.rules.push_back(MakeRule("cert", RuleKind::kRequire, std::move(cert)));
  }
  if (chance(0.3) && fits(0.5)) {
    Predicate age;
    age.fact = Fact::kBusinessAgeMonths;
    age.op = Op::kRange;
    const int64_t months =
        uniform(kFoundingSpanMonths / 2, kFoundingSpanMonths);
    age.max = months;
    pass *= static_cast<double>(months) / kFoundingSpanMonths;
    p.rules.push_back(MakeRule("age", RuleKind::kRequire, std::move(age)));
  }
  if (chance(0.3) && fits(0.5)) {
    Predicate staff;
    staff.fact = Fact::kRegularEmployees;
    staff.op = Op::kRange;
    const int64_t max = uniform(kMaxEmployees / 2, kMaxEmployees);
    staff.max = max;
    pass *= static_cast<double>(max) / kMaxEmployees;
    p.rules.push_back(MakeRule("staff", RuleKind::kRequire, std::move(staff)));
  }
  Predicate arrears;
  arrears.fact = Fact::kTaxArrears;
  arrears.op = Op::kIsTrue;
  p.rules.push_back(
      MakeRule("arrears", RuleKind::kExclude, std::move(arrears)));
  // The calibrating ceiling: revenue is uniform in [0, kMaxRevenue].
  if (pass > wanted) {
    Predicate revenue;
    revenue.fact = Fact::kRevenueLatestWon;
    revenue.op = Op::kRange;
    revenue.max = static_cast<int64_t>(kMaxRevenue * (wanted / pass));
    p.rules.push_back(
        MakeRule("revenue", RuleKind::kRequire, std::move(revenue)));
  }
  Predicate venture;
  venture.fact = Fact::kCertifications;
  venture.op = Op::kAnyOf;
  venture.certifications = {Certification::kVenture};
  p.rules.push_back(MakeRule("bonus-venture", RuleKind::kBonus,
                             std::move(venture),
                             static_cast<int>(uniform(1, 3))));
  return p;
}

std::vector<engine::Program> Generator::Programs(uint64_t count) const {
  std::vector<engine::Program> out;
  out.reserve(count);
  for (uint64_t i = 1; i <= count; ++i) out.push_back(Program(i));
  return out;
}

}  // namespace jiwon::synthetic
