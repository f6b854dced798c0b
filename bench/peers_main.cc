// jiwon_peers: the input of bench/compare_peers.sh. Generates one synthetic
// catalog and set of companies, times jiwon's matcher and the full
// evaluator on them, writes each company's top 10, and writes the same
// data for the peers: CSV and prepared-statement calls for PostgreSQL (the
// rules as SQL predicates) and JSON for json-rules-engine. Derived facts
// (업력 at the evaluation date, the 시도 of the head office) are given to
// the peers precomputed, so that what is compared is the matching.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bench/synthetic.h"
#include "engine/matcher.h"
#include "server/reference_loader.h"

ABSL_FLAG(int, programs, 10000, "catalog size");
ABSL_FLAG(int, companies, 200, "companies matched by every contender");
ABSL_FLAG(int, naive_companies, 20, "companies for the full evaluator");
ABSL_FLAG(int, eligible_pct, 5, "wanted eligible share, percent");
ABSL_FLAG(std::string, out, "/tmp/jiwon-peers", "output directory");
ABSL_FLAG(std::string, reference_dir, JIWON_REFERENCE_DIR, "reference data");

namespace jiwon {
namespace {

using Clock = std::chrono::steady_clock;

const engine::Rule* FindRule(const engine::Program& p, const char* id) {
  for (const engine::Rule& r : p.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// 2 * whole months since founding + 1 when not an anniversary: the 업력 a
// "N개월 이내" bound compares as x <= 2N.
int64_t AgeX(const engine::Company& c, engine::Date on) {
  const engine::Date f = *c.founded_on;
  int64_t months = (on.year() - f.year()) * 12 + (on.month() - f.month());
  while (months > 0 && f.AddMonths(static_cast<int>(months)) > on) --months;
  return 2 * months + (f.AddMonths(static_cast<int>(months)) == on ? 0 : 1);
}

int Main() {
  auto reference = server::LoadReference(absl::GetFlag(FLAGS_reference_dir));
  if (!reference.ok()) return 2;
  const engine::Reference& ref = **reference;
  synthetic::Options options;
  options.eligible_fraction = absl::GetFlag(FLAGS_eligible_pct) / 100.0;
  synthetic::Generator gen(&ref, options);
  engine::Evaluator evaluator(&ref);
  std::vector<std::shared_ptr<const engine::Program>> programs;
  for (engine::Program& p : gen.Programs(absl::GetFlag(FLAGS_programs))) {
    programs.push_back(std::make_shared<const engine::Program>(std::move(p)));
  }
  auto catalog = engine::Catalog::Build(programs, 1);
  auto matcher = engine::Matcher::Build(catalog, &evaluator);
  const int n = absl::GetFlag(FLAGS_companies);
  std::vector<engine::Company> companies;
  for (int i = 1; i <= n; ++i) companies.push_back(gen.Company(i));
  const std::string out = absl::GetFlag(FLAGS_out);

  engine::RecommendOptions ro;
  ro.as_of = options.as_of;
  ro.limit = 10;
  ro.eligible_only = true;
  // jiwon: match, score, top 10.
  std::ofstream top(out + "/jiwon_top.txt");
  const auto t0 = Clock::now();
  int64_t eligible = 0;
  std::vector<std::string> lines;
  for (int rep = 0; rep < 20; ++rep) {
    for (const engine::Company& c : companies) {
      engine::Matcher::Result r = matcher->Match(c, ro);
      if (rep == 0) {
        eligible += r.eligible;
        std::vector<std::string> ids;
        for (const auto& m : r.top) ids.push_back(m.program->id);
        lines.push_back(absl::StrJoin(ids, ","));
      }
    }
  }
  const double jiwon_us =
      std::chrono::duration<double, std::micro>(Clock::now() - t0).count() /
      (20.0 * n);
  for (const std::string& l : lines) top << l << "\n";
  // The full evaluator on the first few.
  const int naive_n = std::min(n, absl::GetFlag(FLAGS_naive_companies));
  const auto t1 = Clock::now();
  for (int i = 0; i < naive_n; ++i) {
    engine::Recommendation r =
        engine::Recommend(*catalog, evaluator, companies[i], ro);
    (void)r;
  }
  const double naive_us =
      std::chrono::duration<double, std::micro>(Clock::now() - t1).count() /
      naive_n;

  // PostgreSQL: programs with one column per rule shape, companies, calls.
  std::ofstream pp(out + "/programs.csv");
  pp << "id,region_sidos,industry_divs,cert,age_max_x,emp_max,rev_max,"
        "venture_points,tags,static_score\n";
  std::ofstream rules(out + "/rules.json");
  rules << "[\n";
  const engine::ScoringWeights w;
  for (size_t i = 0; i < programs.size(); ++i) {
    const engine::Program& p = *programs[i];
    auto list = [](const std::vector<std::string>& v) {
      return "\"{" + absl::StrJoin(v, ",") + "}\"";
    };
    const engine::Rule* region = FindRule(p, "region");
    const engine::Rule* industry = FindRule(p, "industry");
    const engine::Rule* cert = FindRule(p, "cert");
    const engine::Rule* age = FindRule(p, "age");
    const engine::Rule* staff = FindRule(p, "staff");
    const engine::Rule* revenue = FindRule(p, "revenue");
    const engine::Rule* venture = FindRule(p, "bonus-venture");
    int tags = 0;
    for (engine::Need t : p.tags) tags |= 1 << static_cast<int>(t);
    int64_t static_score = std::min(
        w.benefit_cap, *p.max_amount_won / 10'000'000 * w.per_ten_million_won);
    if (std::optional<engine::Date> closes =
            engine::ClosingDate(p.window, options.as_of)) {
      const int64_t days = closes->days() - options.as_of.days();
      if (days >= 0 && days < 30)
        static_score += w.deadline_max * (30 - days) / 30;
    }
    const auto& cp = [](const engine::Rule* r) -> const engine::Predicate& {
      return r->condition.predicate;
    };
    pp << p.id << "," << (region ? list(cp(region).codes) : "") << ","
       << (industry ? list(cp(industry).codes) : "") << ","
       << (cert ? std::to_string(static_cast<int>(cp(cert).certifications[0]))
                : "")
       << "," << (age ? std::to_string(2 * *cp(age).max) : "") << ","
       << (staff ? std::to_string(*cp(staff).max) : "") << ","
       << (revenue ? std::to_string(*cp(revenue).max) : "") << ","
       << (venture ? venture->points : 0) << "," << tags << "," << static_score
       << "\n";
    // json-rules-engine: the same conditions over the same facts.
    std::vector<std::string> all;
    if (region) {
      std::vector<std::string> q;
      for (const auto& c : cp(region).codes) q.push_back(Quote(c));
      all.push_back(absl::StrCat(R"({"fact":"sido","operator":"in","value":[)",
                                 absl::StrJoin(q, ","), "]}"));
    }
    if (industry) {
      std::vector<std::string> q;
      for (const auto& c : cp(industry).codes) q.push_back(Quote(c));
      all.push_back(
          absl::StrCat(R"({"fact":"division","operator":"in","value":[)",
                       absl::StrJoin(q, ","), "]}"));
    }
    if (cert) {
      all.push_back(
          absl::StrCat(R"({"fact":"certs","operator":"contains","value":)",
                       static_cast<int>(cp(cert).certifications[0]), "}"));
    }
    if (age) {
      all.push_back(absl::StrCat(
          R"({"fact":"age_x","operator":"lessThanInclusive","value":)",
          2 * *cp(age).max, "}"));
    }
    if (staff) {
      all.push_back(absl::StrCat(
          R"({"fact":"employees","operator":"lessThanInclusive","value":)",
          *cp(staff).max, "}"));
    }
    if (revenue) {
      all.push_back(absl::StrCat(
          R"({"fact":"revenue","operator":"lessThanInclusive","value":)",
          *cp(revenue).max, "}"));
    }
    all.push_back(R"({"fact":"tax_arrears","operator":"equal","value":false})");
    rules << (i > 0 ? ",\n" : "")
          << absl::StrCat(
                 R"({"id":")", p.id, R"(","tags":)", tags, R"(,"static":)",
                 static_score, R"(,"venture":)", venture ? venture->points : 0,
                 R"(,"conditions":{"all":[)", absl::StrJoin(all, ","), "]}}");
  }
  rules << "\n]\n";

  std::ofstream pc(out + "/companies.csv");
  pc << "id,sido,division,certs,age_x,employees,revenue,tax_arrears,needs\n";
  std::ofstream calls(out + "/calls.sql");
  std::ofstream facts(out + "/facts.json");
  facts << "[\n";
  for (size_t i = 0; i < companies.size(); ++i) {
    const engine::Company& c = companies[i];
    const std::string sido = ref.regions.Sido(*c.head_office_region);
    int certs = 0;
    std::vector<std::string> cert_list;
    for (const auto& g : *c.certifications) {
      certs |= 1 << static_cast<int>(g.kind);
      cert_list.push_back(std::to_string(static_cast<int>(g.kind)));
    }
    int needs = 0;
    for (engine::Need need : *c.needs) needs |= 1 << static_cast<int>(need);
    const int64_t age_x = AgeX(c, options.as_of);
    const int64_t revenue = *c.fiscal_years.back().revenue_won;
    const std::string arrears =
        c.tax_arrears ? (*c.tax_arrears ? "true" : "false") : "";
    pc << c.id << "," << sido << "," << *c.primary_industry << "," << certs
       << "," << age_x << "," << *c.regular_employees << "," << revenue << ","
       << arrears << "," << needs << "\n";
    calls << "EXECUTE rec('" << sido << "','" << *c.primary_industry << "',"
          << certs << "," << age_x << "," << *c.regular_employees << ","
          << revenue << "," << (arrears.empty() ? "NULL" : arrears) << ","
          << needs << ");\n";
    facts << (i > 0 ? ",\n" : "")
          << absl::StrCat(R"({"id":")", c.id, R"(","sido":")", sido,
                          R"(","division":")", *c.primary_industry,
                          R"(","certs":[)", absl::StrJoin(cert_list, ","),
                          R"(],"age_x":)", age_x, R"(,"employees":)",
                          *c.regular_employees, R"(,"revenue":)", revenue,
                          R"(,"tax_arrears":)",
                          arrears.empty() ? "null" : arrears, R"(,"needs":)",
                          needs, "}");
  }
  facts << "\n]\n";
  std::printf(
      "jiwon_us_per_company %.3f\nnaive_us_per_company %.1f\n"
      "eligible_pairs %lld\n",
      jiwon_us, naive_us, static_cast<long long>(eligible));
  return 0;
}

}  // namespace
}  // namespace jiwon

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return jiwon::Main();
}
