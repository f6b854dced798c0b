#include "tests/fuzz/profile_checks.h"

#include "engine/matcher.h"
#include "engine/validate.h"
#include "server/convert.h"
#include "server/response_wire.h"
#include "tests/fuzz/fuzz_common.h"

namespace jiwon::fuzz {
namespace {

const engine::Date kToday = *engine::Date::FromCivil(2026, 12, 1);

// The ids, eligibilities and scores of a recommendation, in order.
std::vector<std::tuple<std::string, int, int64_t>> Ranking(
    const engine::Recommendation& r) {
  std::vector<std::tuple<std::string, int, int64_t>> out;
  for (const engine::ProgramOutcome& o : r.matches) {
    out.emplace_back(o.program->id, static_cast<int>(o.eligibility), o.score);
  }
  return out;
}

void CheckBothPaths(const std::shared_ptr<const engine::Catalog>& catalog,
                    const engine::Company& company, engine::Date as_of) {
  std::shared_ptr<const engine::Matcher> matcher =
      engine::Matcher::Build(catalog, &Evaluator());
  engine::RecommendOptions options;
  options.as_of = as_of;
  options.limit = 50;
  const engine::Recommendation full =
      engine::Recommend(*catalog, Evaluator(), company, options);
  const engine::Recommendation fast = matcher->Recommend(company, options);
  JIWON_FUZZ_CHECK(Ranking(full) == Ranking(fast));
  JIWON_FUZZ_CHECK(full.eligible == fast.eligible);
  JIWON_FUZZ_CHECK(full.undetermined == fast.undetermined);
}

}  // namespace

void CheckCompany(const v1::Company& record, uint8_t flags) {
  std::vector<engine::FieldError> errors;
  server::CheckUnknownFields(record, "company", &errors);
  const engine::Company company = server::CompanyFromProto(record, &errors);
  if (!errors.empty()) return;
  engine::ValidateCompany(company, Reference(), kToday, &errors);
  if (!errors.empty()) return;
  static const std::shared_ptr<const engine::Matcher> matcher =
      engine::Matcher::Build(DemoCatalog(), &Evaluator());
  engine::RecommendOptions options;
  options.as_of = kToday.AddDays(flags & 0x3f ? (flags & 0x3f) * 37 - 1200 : 0);
  options.limit = 10;
  options.include_near_misses = flags & 0x40;
  options.include_ineligible = flags & 0x80;
  const engine::Recommendation full =
      engine::Recommend(*DemoCatalog(), Evaluator(), company, options);
  if (!options.include_near_misses && !options.include_ineligible) {
    JIWON_FUZZ_CHECK(Ranking(full) ==
                     Ranking(matcher->Recommend(company, options)));
  }
  // The wire encoder against protobuf's encoding of the same answer.
  const std::string as_of = options.as_of.ToString();
  v1::RecommendResponse want;
  for (const engine::ProgramOutcome& o : full.matches) {
    server::OutcomeToProto(o, want.add_matches());
  }
  want.set_as_of(as_of);
  want.set_catalog_version(7);
  want.set_evaluated(full.evaluated);
  want.set_eligible(full.eligible);
  want.set_undetermined(full.undetermined);
  want.set_ineligible(full.ineligible);
  want.set_near_misses(full.near_misses);
  const server::RecommendResponseWire wire(full, as_of, 7);
  const std::string got = wire.ToString();
  JIWON_FUZZ_CHECK(got.size() == wire.size());
  JIWON_FUZZ_CHECK(got == want.SerializeAsString());
}

void CheckProgram(const v1::Program& record) {
  std::vector<engine::FieldError> errors;
  server::CheckUnknownFields(record, "program", &errors);
  engine::Program program = server::ProgramFromProto(record, &errors);
  if (!errors.empty()) return;
  engine::ValidateProgram(program, Reference(), &errors);
  if (!errors.empty()) return;
  Evaluator().PrepareTexts(&program);
  auto catalog = engine::Catalog::Build(
      {std::make_shared<const engine::Program>(std::move(program))}, 1);
  static const std::vector<engine::Company>* companies = [] {
    auto* out = new std::vector<engine::Company>();
    engine::Company known;
    known.id = "C1";
    known.head_office_region = "41610";
    known.primary_industry = "25929";
    known.founded_on = engine::Date::FromCivil(2016, 5, 16);
    known.ceos.push_back(
        {engine::Date::FromCivil(1979, 8, 21), engine::Gender::kFemale, false});
    known.fiscal_years = {{2024, 96'0000'0000LL, 450000, std::nullopt},
                          {2025, 126'0000'0000LL, 610000, std::nullopt}};
    known.total_assets_won = 64'0000'0000LL;
    known.regular_employees = 38;
    known.regular_employees_last_year = 33;
    known.independent = true;
    known.tax_arrears = false;
    known.participations = std::vector<engine::Participation>{};
    out->push_back(known);
    engine::Company bare;
    bare.id = "C2";
    out->push_back(bare);
    engine::Company founder;
    founder.id = "C3";
    founder.prospective_founder = true;
    founder.head_office_region = "11";
    out->push_back(founder);
    return out;
  }();
  for (const engine::Company& c : *companies) {
    CheckBothPaths(catalog, c, kToday);
  }
}

}  // namespace jiwon::fuzz
