// The token file, scopes and the role table.

#include "server/app/auth.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "jiwon/v1/admin_service.grpc.pb.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/feedback_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"
#include "jiwon/v1/vocabulary_service.grpc.pb.h"

namespace jiwon::app {
namespace {

std::string Hash(const std::string& token) {
  return absl::BytesToHexString(Sha256(token));
}

TEST(Sha256Test, KnownDigest) {
  // FIPS 180-2's example.
  EXPECT_EQ(Hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenTableTest, FindsCallersByTheirTokensHash) {
  auto t = TokenTable::Parse(absl::StrCat(
      "# callers\n\n", "gg-portal portal ", Hash("t1"),
      " scope=region:41,region:11110,tag:gbsa\n", "  night\tbatch ", Hash("t2"),
      "  \n", "root admin ", absl::AsciiStrToUpper(Hash("t3")), "\n"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->size(), 3u);
  const Caller* portal = (*t)->Find("t1");
  ASSERT_NE(portal, nullptr);
  EXPECT_EQ(portal->name, "gg-portal");
  EXPECT_EQ(portal->role, Role::kPortal);
  EXPECT_EQ(portal->scope.regions, (std::vector<std::string>{"41", "11110"}));
  EXPECT_EQ(portal->scope.tags, (std::vector<std::string>{"gbsa"}));
  EXPECT_EQ(portal->scope.ToString(), "region:41,region:11110,tag:gbsa");
  ASSERT_NE((*t)->Find("t2"), nullptr);
  EXPECT_EQ((*t)->Find("t2")->role, Role::kBatch);
  EXPECT_TRUE((*t)->Find("t2")->scope.empty());
  ASSERT_NE((*t)->Find("t3"), nullptr);  // hex digits in either case
  EXPECT_EQ((*t)->Find("t4"), nullptr);
  EXPECT_EQ((*t)->Find(""), nullptr);
  EXPECT_EQ((*t)->Find(Hash("t1")), nullptr);  // the hash is no token
}

TEST(TokenTableTest, BadLinesAreNamed) {
  const std::string h = Hash("x");
  const std::pair<std::string, std::string> cases[] = {
      {"a portal", "line 1: expected NAME ROLE SHA256"},
      {"a wizard " + h, "line 1: \"wizard\" is not a role"},
      {"a portal 1234", "line 1: the third word must be the token's SHA-256"},
      {"a portal " + h.substr(0, 63) + "g", "line 1: the third word"},
      {"\n\na portal " + h + " region:41", "line 3: the fourth word"},
      {"a portal " + h + " scope=region:4", "line 1: scope \"region:4\""},
      {"a portal " + h + " scope=tag:a b", "line 1: expected NAME ROLE"},
      {"a portal " + h + " scope=tag:", "line 1: scope \"tag:\""},
      {"a portal " + h + " scope=town:x", "line 1: scope \"town:x\""},
      {"a portal " + h + " scope=", "line 1: scope= names no region or tag"},
      {"a batch " + h + " scope=region:41", "line 1: only portal and"},
      {"a b@d! portal " + h, "line 1: \"b@d!\" is not a role"},
      {"b@d! portal " + h, "line 1: the name must be"},
      {"a portal " + h + "\nb admin " + Hash("y") + "\na admin " + Hash("z"),
       "line 3: the name a is already on line 1"},
      {"a portal " + h + "\nb admin " + h, "line 2: this token's hash"},
  };
  for (const auto& [text, want] : cases) {
    auto t = TokenTable::Parse(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find(want), std::string::npos)
        << text << " → " << t.status().message();
  }
}

v1::Company In(const std::string& region, std::vector<std::string> tags = {}) {
  v1::Company c;
  if (!region.empty()) c.set_head_office_region(region);
  for (std::string& t : tags) c.add_tags(std::move(t));
  return c;
}

TEST(ScopeTest, AdmitsCompaniesWhoseRegionStartsWithACodeOrWithATag) {
  Scope s{{"41", "11110"}, {"gbsa"}};
  EXPECT_TRUE(s.Admits(In("41610")));
  EXPECT_TRUE(s.Admits(In("41")));
  EXPECT_TRUE(s.Admits(In("11110")));
  EXPECT_FALSE(s.Admits(In("11140")));
  EXPECT_FALSE(s.Admits(In("44760")));
  EXPECT_TRUE(s.Admits(In("44760", {"x", "gbsa"})));
  EXPECT_FALSE(s.Admits(In("44760", {"gbsa2", "GBSA"})));
  EXPECT_FALSE(s.Admits(In("")));  // no region, no tag: in no scope
  EXPECT_TRUE(Scope{}.Admits(In("")));
  EXPECT_TRUE(Scope{}.Admits(In("44760")));
  EXPECT_EQ(s.ToString(), "region:41,region:11110,tag:gbsa");
}

TEST(MethodTableTest, EveryMethodOfTheApiHasARow) {
  // Each service through a message of its file (which loads the file).
  const std::pair<const google::protobuf::Descriptor*, const char*> services[] =
      {{v1::GetCompanyRequest::descriptor(), "jiwon.v1.CompanyService"},
       {v1::GetProgramRequest::descriptor(), "jiwon.v1.ProgramService"},
       {v1::ExplainRequest::descriptor(), "jiwon.v1.MatchService"},
       {v1::ListFeedbackRequest::descriptor(), "jiwon.v1.FeedbackService"},
       {v1::GetResultsRequest::descriptor(), "jiwon.v1.RescoreService"},
       {v1::ReadAccessLogRequest::descriptor(), "jiwon.v1.AdminService"},
       {v1::GetVocabularyRequest::descriptor(), "jiwon.v1.VocabularyService"}};
  int methods = 0;
  for (const auto& [message, name] : services) {
    const google::protobuf::ServiceDescriptor* service =
        message->file()->pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string path =
          absl::StrCat("/", name, "/", service->method(i)->name());
      const MethodRule* rule = FindMethod(path);
      ASSERT_NE(rule, nullptr) << path;
      EXPECT_TRUE(RoleMayCall(*rule, Role::kAdmin)) << path;
      // A server stream is counted against the stream cap.
      EXPECT_EQ(service->method(i)->server_streaming(),
                (rule->traits & kStream) != 0)
          << path;
      ++methods;
    }
  }
  EXPECT_EQ(methods, 32);
  // One row for each method, and the reflection service's.
  EXPECT_EQ(MethodTable().size(), 33u);
  EXPECT_EQ(FindMethod("/jiwon.v1.CompanyService/Nothing"), nullptr);
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role r : kRoles) {
    ASSERT_TRUE(RoleFromName(RoleName(r)).has_value());
    EXPECT_EQ(*RoleFromName(RoleName(r)), r);
  }
  EXPECT_FALSE(RoleFromName("Admin").has_value());
}

}  // namespace
}  // namespace jiwon::app
