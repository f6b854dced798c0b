// Golden tests of the shipped rule sets (data/demo/programs.jsonl, modelled
// on real announcements): each case states the expected outcome, per-rule
// results, missing facts and 가점; the full trace of every case is pinned in
// traces.golden. Set JIWON_UPDATE_GOLDEN=1 to rewrite traces.golden after a
// deliberate change, and review the diff.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/evaluate.h"
#include "engine/validate.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "jiwon/v1/match_service.pb.h"
#include "server/convert.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using google::protobuf::Struct;
using google::protobuf::util::JsonStringToMessage;
using google::protobuf::util::MessageToJsonString;

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename M>
M Parse(const std::string& json) {
  M m;
  auto s = JsonStringToMessage(json, &m);
  if (!s.ok()) ADD_FAILURE() << s.message() << " in " << json;
  return m;
}

std::string TruthCode(engine::Truth t) {
  return t == engine::Truth::kTrue    ? "TRUE"
         : t == engine::Truth::kFalse ? "FALSE"
                                      : "UNKNOWN";
}

std::string EligibilityCode(engine::Eligibility e) {
  switch (e) {
    case engine::Eligibility::kEligible:
      return "ELIGIBLE";
    case engine::Eligibility::kIneligible:
      return "INELIGIBLE";
    case engine::Eligibility::kUndetermined:
      return "UNDETERMINED";
    case engine::Eligibility::kNotInEffect:
      return "NOT_IN_EFFECT";
  }
  return "?";
}

// Run with the programs' expected texts prepared beforehand (as the server
// does) and without: both must give the pinned traces.
class GoldenTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    for (const std::string& line : Lines(JIWON_DEMO_DIR "/programs.jsonl")) {
      v1::Program p = Parse<v1::Program>(line);
      std::vector<engine::FieldError> errors;
      engine::Program domain = server::ProgramFromProto(p, &errors);
      engine::ValidateProgram(domain, testing::Reference(), &errors);
      ASSERT_TRUE(errors.empty())
          << p.id() << ": " << engine::ErrorsToStatus(errors);
      if (GetParam()) evaluator_.PrepareTexts(&domain);
      programs_[p.id()] = std::make_shared<const engine::Program>(domain);
    }
  }

  std::map<std::string, std::shared_ptr<const engine::Program>> programs_;
  engine::Evaluator evaluator_{&testing::Reference()};
};

std::string Render(const std::string& title, const engine::ProgramOutcome& o) {
  std::string out = absl::StrCat(
      "## ", title, "\n", EligibilityCode(o.eligibility), " (기준일 ",
      o.reference_date.ToString(), ", 가점 ", o.bonus_points, ")\n");
  for (const engine::RuleOutcome& r : o.rules) {
    absl::StrAppend(&out, "  ", r.rule->id, ": condition ",
                    TruthCode(r.condition), ", passed ", TruthCode(r.passed),
                    "\n");
    for (const engine::Check& c : r.checks) {
      absl::StrAppend(&out, "    ", engine::FactName(c.fact), " | ", c.expected,
                      " | ", c.observed, " | ", TruthCode(c.outcome), "\n");
    }
  }
  if (!o.missing_facts.empty()) {
    absl::StrAppend(&out, "  missing:");
    for (engine::Fact f : o.missing_facts) {
      absl::StrAppend(&out, " ", engine::FactName(f));
    }
    absl::StrAppend(&out, "\n");
  }
  for (const engine::ProgramQuestion* q : o.missing_questions) {
    absl::StrAppend(&out, "  question: ", q->id, " 「", q->text, "」\n");
  }
  return out;
}

TEST_P(GoldenTest, RuleSetsBehaveAsTheAnnouncementsSay) {
  std::vector<std::string> lines =
      Lines(JIWON_SOURCE_DIR "/tests/golden/cases.jsonl");
  ASSERT_GT(lines.size(), 1u);
  Struct first = Parse<Struct>(lines[0]);
  ASSERT_TRUE(first.fields().contains("base"));
  const Struct base = first.fields().at("base").struct_value();

  std::string traces;
  std::map<std::string, std::set<std::string>> statuses;  // program -> seen
  for (size_t i = 1; i < lines.size(); ++i) {
    Struct c = Parse<Struct>(lines[i]);
    const auto& f = c.fields();
    const std::string program_id = f.at("program").string_value();
    const std::string name = f.at("case").string_value();
    SCOPED_TRACE(absl::StrCat("line ", i + 1, ": ", program_id, " — ", name));
    ASSERT_TRUE(programs_.contains(program_id));

    // The company: the base with the case's fields replaced (null: unknown).
    Struct company = base;
    if (f.contains("company")) {
      for (const auto& [key, value] : f.at("company").struct_value().fields()) {
        if (value.has_null_value()) {
          company.mutable_fields()->erase(key);
        } else {
          (*company.mutable_fields())[key] = value;
        }
      }
    }
    std::string json;
    ASSERT_TRUE(MessageToJsonString(company, &json).ok());
    v1::Company proto = Parse<v1::Company>(json);
    std::vector<engine::FieldError> errors;
    engine::Company domain = server::CompanyFromProto(proto, &errors);
    engine::ValidateCompany(domain, testing::Reference(), testing::Today(),
                            &errors);
    ASSERT_TRUE(errors.empty()) << engine::ErrorsToStatus(errors);

    const std::string as_of =
        f.contains("as_of") ? f.at("as_of").string_value() : "2026-11-27";
    engine::ProgramOutcome o = evaluator_.Evaluate(
        programs_.at(program_id), domain, testing::D(as_of.c_str()));

    const std::string expect = f.at("expect").string_value();
    EXPECT_EQ(EligibilityCode(o.eligibility), expect);
    statuses[program_id].insert(expect);
    if (f.contains("rules")) {
      for (const auto& [rule, truth] : f.at("rules").struct_value().fields()) {
        bool found = false;
        for (const engine::RuleOutcome& r : o.rules) {
          if (r.rule->id != rule) continue;
          found = true;
          EXPECT_EQ(TruthCode(r.condition), truth.string_value()) << rule;
        }
        EXPECT_TRUE(found) << "no rule " << rule;
      }
    }
    if (f.contains("missing")) {
      std::vector<std::string> want, got;
      for (const auto& v : f.at("missing").list_value().values()) {
        want.push_back(v.string_value());
      }
      for (engine::Fact fact : o.missing_facts) {
        got.push_back(v1::Fact_Name(static_cast<v1::Fact>(fact)));
      }
      EXPECT_EQ(got, want);
    }
    if (f.contains("bonus")) {
      EXPECT_EQ(o.bonus_points, static_cast<int>(f.at("bonus").number_value()));
    }
    traces += Render(absl::StrCat(program_id, " — ", name, " @ ", as_of), o);
  }

  // At least 15 rule sets are each seen eligible, ineligible and undetermined.
  int complete = 0;
  for (const auto& [program, seen] : statuses) {
    if (seen.contains("ELIGIBLE") && seen.contains("INELIGIBLE") &&
        seen.contains("UNDETERMINED")) {
      ++complete;
    }
  }
  EXPECT_GE(complete, 15);

  const std::string golden_path =
      JIWON_SOURCE_DIR "/tests/golden/traces.golden";
  const char* update = std::getenv("JIWON_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden_path) << traces;
    GTEST_SKIP() << "rewrote " << golden_path;
  }
  const std::string golden = ReadAll(golden_path);
  ASSERT_FALSE(golden.empty())
      << "missing " << golden_path << "; run with JIWON_UPDATE_GOLDEN=1";
  // Compare line by line for a readable failure.
  std::vector<std::string> want = absl::StrSplit(golden, '\n');
  std::vector<std::string> got = absl::StrSplit(traces, '\n');
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
    ASSERT_EQ(got[i], want[i]) << "traces.golden line " << i + 1;
  }
  EXPECT_EQ(got.size(), want.size());
}

INSTANTIATE_TEST_SUITE_P(Texts, GoldenTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Prepared" : "MadeEachTime";
                         });

}  // namespace
}  // namespace jiwon
