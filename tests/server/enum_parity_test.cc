// The API's enums and the engine's are converted by number (static_cast in
// server/convert.cc and the CLI): every jiwon.v1 value but UNSPECIFIED must
// have an engine counterpart with the same number, and every engine value
// one in the API.

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/evaluate.h"
#include "engine/facts/fact_table.h"
#include "engine/model.h"
#include "engine/truth.h"
#include "jiwon/v1/company.pb.h"
#include "jiwon/v1/match_service.pb.h"
#include "jiwon/v1/program.pb.h"
#include "server/convert.h"

namespace jiwon {
namespace {

// `engine_name(n)` is the engine's name of value n, "?" when it has none.
void ExpectParity(const google::protobuf::EnumDescriptor* api,
                  const std::function<std::string(int)>& engine_name) {
  SCOPED_TRACE(api->full_name());
  ASSERT_NE(api->FindValueByNumber(0), nullptr);  // UNSPECIFIED
  EXPECT_EQ(engine_name(0), "?");
  int matched = 0;
  for (int n = 1; n < 256; ++n) {
    const bool in_api = api->FindValueByNumber(n) != nullptr;
    const bool in_engine = engine_name(n) != "?";
    EXPECT_EQ(in_api, in_engine)
        << "value " << n << ": "
        << (in_api ? api->FindValueByNumber(n)->name() : engine_name(n));
    matched += in_api && in_engine;
  }
  EXPECT_EQ(matched, api->value_count() - 1);
}

template <typename E>
std::function<std::string(int)> Names(const char* (*name)(E)) {
  return [name](int n) { return std::string(name(static_cast<E>(n))); };
}

TEST(EnumParityTest, EveryApiValueHasItsEngineCounterpartAndBack) {
  ExpectParity(v1::Fact_descriptor(), Names(&engine::FactName));
  ExpectParity(v1::CertificationKind_descriptor(),
               Names(&engine::CertificationName));
  ExpectParity(v1::Need_descriptor(), Names(&engine::NeedName));
  ExpectParity(v1::SizeClass_descriptor(), Names(&engine::SizeClassName));
  ExpectParity(v1::LegalForm_descriptor(), Names(&engine::LegalFormName));
  ExpectParity(v1::RuleKind_descriptor(), Names(&engine::RuleKindName));
  ExpectParity(v1::Category_descriptor(), Names(&engine::CategoryName));
  ExpectParity(v1::WindowStatus_descriptor(), Names(&engine::WindowStatusName));
  ExpectParity(v1::WindowKind_descriptor(), Names(&engine::WindowKindName));
  ExpectParity(v1::Eligibility_descriptor(), Names(&engine::EligibilityName));
  // TruthName says "unknown" for a value it does not know, too.
  ExpectParity(v1::Truth_descriptor(), [](int n) -> std::string {
    const std::string name = engine::TruthName(static_cast<engine::Truth>(n));
    return name == "unknown" && n != static_cast<int>(engine::Truth::kUnknown)
               ? "?"
               : name;
  });
}

TEST(EnumParityTest, OperatorsAndTheLastValuesAgree) {
  // The engine's operators have no names: their count and numbers.
  const google::protobuf::EnumDescriptor* ops = v1::Operator_descriptor();
  EXPECT_EQ(ops->value_count() - 1, engine::kMaxOp);
  for (int n = 1; n <= engine::kMaxOp; ++n) {
    EXPECT_NE(ops->FindValueByNumber(n), nullptr) << n;
  }
  EXPECT_EQ(v1::Fact_descriptor()->value_count() - 1, engine::kMaxFact);
  EXPECT_EQ(v1::CertificationKind_descriptor()->value_count() - 1,
            engine::kMaxCertification);
  EXPECT_EQ(v1::Need_descriptor()->value_count() - 1, engine::kMaxNeed);
  EXPECT_EQ(v1::SizeClass_descriptor()->value_count() - 1,
            engine::kMaxSizeClass);
  EXPECT_EQ(v1::LegalForm_descriptor()->value_count() - 1,
            engine::kMaxLegalForm);
}

TEST(EnumParityTest, FactIdsAreTheApiNames) {
  // The fact table's ids are what the vocabulary serves: FACT_X is "x".
  for (const engine::FactInfo& info : engine::AllFacts()) {
    const google::protobuf::EnumValueDescriptor* v =
        v1::Fact_descriptor()->FindValueByNumber(static_cast<int>(info.fact));
    ASSERT_NE(v, nullptr) << info.id;
    EXPECT_EQ(absl::StrCat("FACT_", absl::AsciiStrToUpper(info.id)), v->name());
  }
}

// What the vocabulary serves names every value of the API's enumerations,
// each once, in Korean and English.
void ExpectNamed(const google::protobuf::EnumDescriptor* api,
                 const google::protobuf::RepeatedPtrField<v1::Term>& terms) {
  SCOPED_TRACE(api->full_name());
  std::set<int> seen;
  for (const v1::Term& t : terms) {
    EXPECT_NE(api->FindValueByNumber(t.value()), nullptr) << t.id();
    EXPECT_TRUE(seen.insert(t.value()).second) << t.id();
    EXPECT_FALSE(t.id().empty());
    EXPECT_FALSE(t.name_ko().empty());
    EXPECT_FALSE(t.name_en().empty());
  }
  EXPECT_EQ(static_cast<int>(seen.size()), api->value_count() - 1);
}

TEST(EnumParityTest, TheVocabularyNamesEveryValue) {
  const v1::Vocabulary v = server::VocabularyToProto();
  google::protobuf::RepeatedPtrField<v1::Term> facts;
  for (const v1::FactTerm& f : v.facts()) {
    *facts.Add() = f.term();
    EXPECT_FALSE(f.family().empty()) << f.term().id();
    EXPECT_GT(f.operators_size(), 0) << f.term().id();
    for (int op : f.operators()) {
      EXPECT_TRUE(engine::Admits(static_cast<engine::Fact>(f.term().value()),
                                 static_cast<engine::Op>(op)));
    }
  }
  ExpectNamed(v1::Fact_descriptor(), facts);
  ExpectNamed(v1::Category_descriptor(), v.categories());
  ExpectNamed(v1::WindowStatus_descriptor(), v.window_statuses());
  ExpectNamed(v1::Eligibility_descriptor(), v.eligibilities());
  ExpectNamed(v1::RuleKind_descriptor(), v.rule_kinds());
  ExpectNamed(v1::CertificationKind_descriptor(), v.certifications());
  ExpectNamed(v1::Need_descriptor(), v.needs());
  ExpectNamed(v1::SizeClass_descriptor(), v.size_classes());
  ExpectNamed(v1::LegalForm_descriptor(), v.legal_forms());
}

}  // namespace
}  // namespace jiwon
