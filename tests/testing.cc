#include "tests/testing.h"

#include <stdlib.h>

#include <filesystem>

#include "server/reference_loader.h"

namespace jiwon::testing {

const engine::Reference& Reference() {
  static const engine::Reference* ref = [] {
    auto loaded = server::LoadReference(JIWON_REFERENCE_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return loaded->release();
  }();
  return *ref;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base ? base : "/tmp") +
                     "/jiwon-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

engine::Date D(const char* iso) {
  std::optional<engine::Date> d = engine::Date::Parse(iso);
  if (!d) std::abort();
  return *d;
}

engine::Condition Leaf(engine::Predicate p) {
  engine::Condition c;
  c.kind = engine::Condition::Kind::kPredicate;
  c.predicate = std::move(p);
  return c;
}

engine::Condition HqIn(std::vector<std::string> codes) {
  engine::Predicate p;
  p.fact = engine::Fact::kHeadOfficeRegion;
  p.op = engine::Op::kIn;
  p.codes = std::move(codes);
  return Leaf(std::move(p));
}

engine::Condition IndustryIn(std::vector<std::string> codes) {
  engine::Predicate p;
  p.fact = engine::Fact::kPrimaryIndustry;
  p.op = engine::Op::kIn;
  p.codes = std::move(codes);
  return Leaf(std::move(p));
}

engine::Condition Range(engine::Fact fact, std::optional<int64_t> min,
                        std::optional<int64_t> max, bool min_exclusive,
                        bool max_exclusive) {
  engine::Predicate p;
  p.fact = fact;
  p.op = engine::Op::kRange;
  p.min = min;
  p.max = max;
  p.min_exclusive = min_exclusive;
  p.max_exclusive = max_exclusive;
  return Leaf(std::move(p));
}

engine::Condition Is(engine::Fact fact, bool value) {
  engine::Predicate p;
  p.fact = fact;
  p.op = value ? engine::Op::kIsTrue : engine::Op::kIsFalse;
  return Leaf(std::move(p));
}

engine::Condition HasAny(std::vector<engine::Certification> certs) {
  engine::Predicate p;
  p.fact = engine::Fact::kCertifications;
  p.op = engine::Op::kAnyOf;
  p.certifications = std::move(certs);
  return Leaf(std::move(p));
}

engine::Condition SizeIn(std::vector<engine::SizeClass> classes) {
  engine::Predicate p;
  p.fact = engine::Fact::kSizeClass;
  p.op = engine::Op::kIn;
  p.size_classes = std::move(classes);
  return Leaf(std::move(p));
}

engine::Condition AnyOf(std::vector<engine::Condition> items) {
  engine::Condition c;
  c.kind = engine::Condition::Kind::kAny;
  c.children = std::move(items);
  return c;
}

engine::Condition AllOf(std::vector<engine::Condition> items) {
  engine::Condition c;
  c.kind = engine::Condition::Kind::kAll;
  c.children = std::move(items);
  return c;
}

engine::Rule MakeRule(std::string id, engine::RuleKind kind,
                      engine::Condition condition, int points) {
  engine::Rule r;
  r.label = id;
  r.id = std::move(id);
  r.kind = kind;
  r.condition = std::move(condition);
  r.points = points;
  return r;
}

engine::Program MakeProgram(std::string id, std::vector<engine::Rule> rules) {
  engine::Program p;
  p.title = id;
  p.id = std::move(id);
  p.category = engine::Category::kTechnology;
  p.window.kind = engine::WindowKind::kRolling;
  p.rules = std::move(rules);
  return p;
}

engine::Company KnownCompany() {
  engine::Company c;
  c.id = "C1";
  c.name = "한빛정밀";
  c.head_office_region = "41610";
  c.site_regions = std::vector<std::string>{};
  c.primary_industry = "25929";
  c.founded_on = D("2016-05-16");
  c.ceos.push_back({D("1979-08-21"), engine::Gender::kFemale, false});
  c.fiscal_years = {{2023, 78'0000'0000LL, 320000, std::nullopt},
                    {2024, 96'0000'0000LL, 450000, std::nullopt},
                    {2025, 126'0000'0000LL, 610000, std::nullopt}};
  c.total_assets_won = 64'0000'0000LL;
  c.regular_employees = 38;
  c.regular_employees_last_year = 33;
  c.independent = true;
  c.certifications = std::vector<engine::CertificationGrant>{
      {engine::Certification::kWomenOwned, D("2024-03-02"), D("2027-03-01")}};
  c.patents = 3;
  c.tax_arrears = false;
  c.loan_default = false;
  c.suspended_or_closed = false;
  c.participation_banned = false;
  c.participations = std::vector<engine::Participation>{};
  c.needs = std::vector<engine::Need>{engine::Need::kSmartFactory};
  return c;
}

}  // namespace jiwon::testing
