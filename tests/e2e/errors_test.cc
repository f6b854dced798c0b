// The error contract, through a real jiwond over TLS: every case of
// tests/data/errors/cases.jsonl is sent and its google.rpc.Status details
// checked (reason code, domain, field violations in English and Korean).
// The Python and Node client suites run the same table against the same
// server; with the codes the other tests produce, every reason code is
// covered, and the README lists each.

#include "engine/errors.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "jiwon/v1/admin_service.pb.h"
#include "jiwon/v1/company_service.pb.h"
#include "jiwon/v1/feedback_service.pb.h"
#include "jiwon/v1/match_service.pb.h"
#include "jiwon/v1/program_service.pb.h"
#include "jiwon/v1/rescore_service.pb.h"
#include "jiwon/v1/vocabulary_service.pb.h"
#include "tests/e2e/pki.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

namespace pb = google::protobuf;
using testing::ReadFile;
using testing::ServerProcess;
using testing::Spawn;
using testing::WaitExit;

// Reasons no unary request of the table can provoke (streams, limits,
// the server's own failures); other tests produce them (see the README).
const std::set<std::string>& ProducedElsewhere() {
  static const auto* const s = new std::set<std::string>{
      "IMPORT_STOPPED",   "DRAFT_CHANGED", "ALERTS_EXPIRED",
      "TOO_MANY_STREAMS", "RATE_LIMITED",  "RESCORE_IN_PROGRESS",
      "STORAGE_FAILURE",  "DISK_FULL",     "UNAVAILABLE",
      "CANCELLED",        "INTERNAL"};
  return *s;
}

struct Case {
  std::string line;
  pb::Struct json;  // the whole case
  std::string Str(const std::string& key) const {
    auto it = json.fields().find(key);
    return it == json.fields().end() ? "" : it->second.string_value();
  }
};

std::vector<Case> ReadCases() {
  std::vector<Case> out;
  std::istringstream in(ReadFile(JIWON_TEST_DATA_DIR "/errors/cases.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Case c;
    c.line = line;
    EXPECT_TRUE(pb::util::JsonStringToMessage(line, &c.json).ok()) << line;
    out.push_back(std::move(c));
  }
  return out;
}

// A request's bytes: its JSON (with "@@PAD:N@@" made N x's) as the
// method's input message, or the hex bytes as they are.
std::string RequestBytes(const std::string& method, const pb::Value* request,
                         const std::string& hex) {
  if (!hex.empty()) return absl::HexStringToBytes(hex);
  std::string dotted = absl::StrReplaceAll(method, {{"/", "."}});
  const pb::MethodDescriptor* m =
      pb::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  EXPECT_NE(m, nullptr) << method;
  if (m == nullptr) return "";
  std::string json;
  EXPECT_TRUE(
      pb::util::MessageToJsonString(request->struct_value(), &json).ok());
  const size_t pad = json.find("@@PAD:");
  if (pad != std::string::npos) {
    const size_t end = json.find("@@", pad + 6);
    const size_t n = std::stoul(json.substr(pad + 6, end - pad - 6));
    json.replace(pad, end + 2 - pad, std::string(n, 'x'));
  }
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> msg(
      factory.GetPrototype(m->input_type())->New());
  const auto parsed = pb::util::JsonStringToMessage(json, msg.get());
  EXPECT_TRUE(parsed.ok()) << method << ": " << parsed.ToString();
  return msg->SerializeAsString();
}

// The callers' tokens, for the client suites.
std::map<std::string, std::string>* tokens_of_suite = nullptr;

class ErrorContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The descriptors of every service, linked in for the lookup by name.
    (void)v1::UpsertCompanyRequest::descriptor();
    (void)v1::UpsertProgramRequest::descriptor();
    (void)v1::RecommendRequest::descriptor();
    (void)v1::RecordFeedbackRequest::descriptor();
    (void)v1::GetResultsRequest::descriptor();
    (void)v1::ReadAccessLogRequest::descriptor();
    (void)v1::GetVocabularyRequest::descriptor();

    dir_ = new testing::TempDir();
    pki_ = new testing::TestPki(testing::MakeTestPki(dir_->path()));
    ASSERT_TRUE(pki_->ok) << pki_->error;
    tokens_ = new std::map<std::string, std::string>;
    std::ofstream file(dir_->path() + "/tokens");
    std::string line;
    for (const char* role :
         {"portal", "caseworker", "catalog", "batch", "admin"}) {
      (*tokens_)[role] = testing::NewToken(role, role, &line);
      file << line << "\n";
    }
    (*tokens_)["portal-41"] =
        testing::NewToken("portal-41", "portal", &line, "region:41");
    file << line << "\n";
    file.close();
    (*tokens_)["stranger"] = "jw_not-a-token-of-this-server";
    server_ = new ServerProcess(
        dir_->path(), dir_->path() + "/data",
        {"--tls_cert=" + pki_->server_cert, "--tls_key=" + pki_->server_key,
         "--tls_client_ca=" + pki_->ca,
         "--auth_tokens=" + dir_->path() + "/tokens"});
    ASSERT_TRUE(server_->ok()) << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tokens_;
    delete pki_;
    delete dir_;
  }

  // One unary call as `who`; the status gRPC gave.
  static grpc::Status Call(const std::string& who, const std::string& method,
                           const std::string& bytes) {
    const std::string token = who == "nobody" ? "" : (*tokens_)[who];
    auto channel = cli::OpenChannel(server_->addr(),
                                    testing::TlsOptions(*pki_, token), {});
    grpc::GenericStub stub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(&ctx, "/" + method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     std::lock_guard lock(mu);
                     status = std::move(s);
                     done = true;
                     cv.notify_all();
                   });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    return status;
  }

  static void SetSuiteEnvironment() {
    tokens_of_suite = tokens_;
    setenv("JIWON_TEST_ADDR", server_->addr().c_str(), 1);
    setenv("JIWON_TEST_CA", pki_->ca.c_str(), 1);
    setenv("JIWON_TEST_CERT", pki_->client_cert.c_str(), 1);
    setenv("JIWON_TEST_KEY", pki_->client_key.c_str(), 1);
  }

  static testing::TempDir* dir_;
  static testing::TestPki* pki_;
  static std::map<std::string, std::string>* tokens_;
  static ServerProcess* server_;
};

testing::TempDir* ErrorContractTest::dir_ = nullptr;
testing::TestPki* ErrorContractTest::pki_ = nullptr;
std::map<std::string, std::string>* ErrorContractTest::tokens_ = nullptr;
ServerProcess* ErrorContractTest::server_ = nullptr;

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : absl::StrCat(i);
}

// The reason code of a failed call: ErrorInfo's, or for a call refused
// before it reached jiwon (no details possible) the message's "[REASON]".
std::string ReasonOf(const grpc::Status& s, google::rpc::Status* details) {
  if (details->ParseFromString(s.error_details())) {
    for (const pb::Any& any : details->details()) {
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&info)) return info.reason();
    }
  }
  const std::string& m = s.error_message();
  if (m.starts_with("[") && m.find(']') != std::string::npos) {
    return m.substr(1, m.find(']') - 1);
  }
  return "";
}

TEST_F(ErrorContractTest, EveryCaseCarriesItsReasonAndFieldViolations) {
  const std::vector<Case> cases = ReadCases();
  ASSERT_GE(cases.size(), 30u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.Str("name"));
    if (auto it = c.json.fields().find("setup"); it != c.json.fields().end()) {
      for (const pb::Value& step : it->second.list_value().values()) {
        const std::string method =
            step.struct_value().fields().at("method").string_value();
        const grpc::Status s =
            Call("admin", method,
                 RequestBytes(method,
                              &step.struct_value().fields().at("request"), ""));
        ASSERT_TRUE(s.ok()) << method << ": " << s.error_message();
      }
    }
    const std::string method = c.Str("method");
    const auto req = c.json.fields().find("request");
    const grpc::Status s =
        Call(c.Str("as"), method,
             RequestBytes(method,
                          req == c.json.fields().end() ? nullptr : &req->second,
                          c.Str("request_hex")));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(CodeName(s.error_code()), c.Str("code")) << s.error_message();
    google::rpc::Status details;
    EXPECT_EQ(ReasonOf(s, &details), c.Str("reason")) << s.error_message();
    const bool before_jiwon = s.error_message().starts_with("[");
    if (!before_jiwon) {
      // What gRPC sent in the trailer is the status itself.
      EXPECT_EQ(details.code(), static_cast<int>(s.error_code()));
      EXPECT_EQ(details.message(), s.error_message());
      google::rpc::ErrorInfo info;
      ASSERT_TRUE(details.details_size() > 0 &&
                  details.details(0).UnpackTo(&info));
      EXPECT_EQ(info.domain(), "jiwon.v1");
      EXPECT_FALSE(engine::KoreanOf(info.reason()).empty()) << info.reason();
    }
    google::rpc::BadRequest bad;
    for (const pb::Any& any : details.details()) {
      if (any.Is<google::rpc::BadRequest>()) {
        ASSERT_TRUE(any.UnpackTo(&bad));
      }
    }
    auto wanted = c.json.fields().find("violations");
    if (wanted == c.json.fields().end()) continue;
    for (const pb::Value& v : wanted->second.list_value().values()) {
      const std::string field =
          v.struct_value().fields().at("field").string_value();
      const std::string why =
          v.struct_value().fields().at("reason").string_value();
      bool found = false;
      for (const auto& fv : bad.field_violations()) {
        if (fv.field() != field || fv.reason() != why) continue;
        found = true;
        EXPECT_FALSE(fv.description().empty());
        EXPECT_EQ(fv.localized_message().locale(), "ko-KR");
        EXPECT_EQ(fv.localized_message().message(), engine::KoreanOf(why));
      }
      EXPECT_TRUE(found) << field << " " << why << " not in "
                         << bad.ShortDebugString();
    }
  }
}

TEST_F(ErrorContractTest, EveryReasonCodeIsCoveredAndListedInTheReadme) {
  std::set<std::string> covered = ProducedElsewhere();
  for (const Case& c : ReadCases()) covered.insert(c.Str("reason"));
  const std::string readme = ReadFile(JIWON_SOURCE_DIR "/README.md");
  for (std::string_view r : engine::AllReasons()) {
    EXPECT_TRUE(covered.contains(std::string(r))) << r << " has no case";
    EXPECT_NE(readme.find(absl::StrCat("`", std::string(r), "`")),
              std::string::npos)
        << r << " is not in the README";
  }
  for (const std::string& r : covered) {
    EXPECT_FALSE(engine::KoreanOf(r).empty()) << r << " is no reason code";
  }
}

// Runs a client library's suite against this server: its address, the CA
// and client certificate, and the tokens by caller name in the environment.
int RunSuite(const std::string& dir, std::vector<std::string> argv,
             std::string* output) {
  std::ofstream tokens(dir + "/tokens.json");
  tokens << "{";
  bool first = true;
  for (const auto& [who, token] : *tokens_of_suite) {
    tokens << (first ? "" : ",") << "\"" << who << "\":\"" << token << "\"";
    first = false;
  }
  tokens << "}";
  tokens.close();
  setenv("JIWON_TEST_TOKENS", (dir + "/tokens.json").c_str(), 1);
  setenv("JIWON_TEST_CASES", JIWON_TEST_DATA_DIR "/errors/cases.jsonl", 1);
  const int code =
      WaitExit(Spawn(argv, dir + "/suite.out", dir + "/suite.err"));
  *output = ReadFile(dir + "/suite.out") + ReadFile(dir + "/suite.err");
  return code;
}

TEST_F(ErrorContractTest, ThePythonClientPassesItsSuite) {
  SetSuiteEnvironment();
  setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
  setenv("PYTHONPATH", JIWON_PYTHON_OUT ":" JIWON_SOURCE_DIR "/clients/python",
         1);
  std::string out;
  EXPECT_EQ(
      RunSuite(dir_->path(),
               {"/usr/bin/python3",
                JIWON_SOURCE_DIR "/clients/python/tests/test_client.py", "-v"},
               &out),
      0)
      << out;
  // Each test ran; none was skipped.
  EXPECT_NE(out.find("Ran 5 tests"), std::string::npos) << out;
  EXPECT_EQ(out.find("skipped"), std::string::npos) << out;
}

TEST_F(ErrorContractTest, TheNodeClientPassesItsSuite) {
  SetSuiteEnvironment();
  std::string out;
  EXPECT_EQ(RunSuite(dir_->path(),
                     {"/usr/bin/env", "node", "--test",
                      JIWON_SOURCE_DIR "/clients/node/test/"},
                     &out),
            0)
      << out;
  // Each test and each case (a subtest) ran and passed; none was skipped.
  auto count = [&](const std::string& label) {
    const size_t at = out.find("# " + label + " ");
    return at == std::string::npos
               ? -1
               : std::atoi(out.c_str() + at + label.size() + 3);
  };
  EXPECT_EQ(count("pass"), count("tests")) << out;
  EXPECT_EQ(count("pass"), 5 + static_cast<int>(ReadCases().size())) << out;
  EXPECT_EQ(count("skipped"), 0) << out;
}

}  // namespace
}  // namespace jiwon
