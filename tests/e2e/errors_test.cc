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

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
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
      "CANCELLED",        "INTERNAL",      "METHOD_NOT_ALLOWED"};
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
         "--auth_tokens=" + dir_->path() + "/tokens",
         "--http_listen=127.0.0.1:0",
         "--http_port_file=" + dir_->path() + "/http.port"});
    ASSERT_TRUE(server_->ok()) << server_->log();
    http_port_ = new std::string(ReadFile(dir_->path() + "/http.port"));
    while (!http_port_->empty() && http_port_->back() == '\n') {
      http_port_->pop_back();
    }
  }
  static void TearDownTestSuite() {
    delete http_port_;
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

  struct HttpReply {
    int status = 0;
    std::string body;
  };
  // curl, over HTTPS with the client certificate, as `who`.
  static HttpReply Curl(const std::string& who, const std::string& method,
                        const std::string& path, const std::string& body) {
    const std::string dir = dir_->path();
    std::vector<std::string> argv = {"/usr/bin/curl",
                                     "-sS",
                                     "-X",
                                     method,
                                     "--cacert",
                                     pki_->ca,
                                     "--cert",
                                     pki_->client_cert,
                                     "--key",
                                     pki_->client_key,
                                     "-o",
                                     dir + "/curl.body",
                                     "-w",
                                     "%{http_code}",
                                     "-H",
                                     "Content-Type: application/json",
                                     "--max-time",
                                     "30"};
    if (who != "nobody") {
      argv.push_back("-H");
      argv.push_back("Authorization: Bearer " + (*tokens_)[who]);
    }
    if (!body.empty()) {
      std::ofstream(dir + "/curl.in", std::ios::binary) << body;
      argv.push_back("--data-binary");
      argv.push_back("@" + dir + "/curl.in");
    }
    argv.push_back("https://127.0.0.1:" + *http_port_ + path);
    HttpReply r;
    std::remove((dir + "/curl.body").c_str());
    const int code =
        WaitExit(Spawn(argv, dir + "/curl.out", dir + "/curl.err"));
    EXPECT_EQ(code, 0) << ReadFile(dir + "/curl.err") << server_->log();
    r.status = std::atoi(ReadFile(dir + "/curl.out").c_str());
    r.body = ReadFile(dir + "/curl.body");
    return r;
  }

  static std::string* http_port_;
  static testing::TempDir* dir_;
  static testing::TestPki* pki_;
  static std::map<std::string, std::string>* tokens_;
  static ServerProcess* server_;
};

std::string* ErrorContractTest::http_port_ = nullptr;
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

// The HTTP status each gRPC code is answered with (the README's table).
int HttpStatusOf(const std::string& code) {
  static const auto* const m = new std::map<std::string, int>{
      {"INVALID_ARGUMENT", 400},  {"FAILED_PRECONDITION", 400},
      {"OUT_OF_RANGE", 400},      {"UNAUTHENTICATED", 401},
      {"PERMISSION_DENIED", 403}, {"NOT_FOUND", 404},
      {"ABORTED", 409},           {"RESOURCE_EXHAUSTED", 429},
      {"UNAVAILABLE", 503},       {"INTERNAL", 500}};
  auto it = m->find(code);
  return it == m->end() ? -1 : it->second;
}

// The routes of the methods the cases call: HTTP method, path with
// {field}s taken from the request, and the request's field the body is
// ("*": the whole request); other top-level fields go in the query.
struct Route {
  std::string method, path, body;
};
const std::map<std::string, Route>& Routes() {
  static const auto* const m = new std::map<std::string, Route>{
      {"jiwon.v1.CompanyService/UpsertCompany",
       {"PUT", "/v1/companies/{company.id}", "company"}},
      {"jiwon.v1.CompanyService/UpdateCompany",
       {"PATCH", "/v1/companies/{company.id}", "company"}},
      {"jiwon.v1.CompanyService/GetCompany",
       {"GET", "/v1/companies/{company_id}", ""}},
      {"jiwon.v1.CompanyService/ListCompanies", {"GET", "/v1/companies", ""}},
      {"jiwon.v1.ProgramService/UpsertProgram",
       {"PUT", "/v1/programs/{program.id}", "program"}},
      {"jiwon.v1.ProgramService/GetProgram",
       {"GET", "/v1/programs/{program_id}", ""}},
      {"jiwon.v1.ProgramService/GetDraft",
       {"GET", "/v1/drafts/{program_id}", ""}},
      {"jiwon.v1.FeedbackService/DeleteFeedback",
       {"DELETE", "/v1/companies/{company_id}/feedback/{program_id}", ""}},
      {"jiwon.v1.RescoreService/GetResults",
       {"GET", "/v1/companies/{company_id}/results", ""}},
  };
  return *m;
}

const pb::Value* At(const pb::Struct& s, const std::string& dotted) {
  const pb::Struct* at = &s;
  const pb::Value* v = nullptr;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    auto it = at->fields().find(std::string(part));
    if (it == at->fields().end()) return nullptr;
    v = &it->second;
    at = &v->struct_value();
  }
  return v;
}

std::string Percent(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out += static_cast<char>(c);
    } else {
      out += absl::StrFormat("%%%02X", c);
    }
  }
  return out;
}

std::string JsonOf(const pb::Message& m) {
  std::string out;
  EXPECT_TRUE(pb::util::MessageToJsonString(m, &out).ok());
  const size_t pad = out.find("@@PAD:");
  if (pad != std::string::npos) {
    const size_t end = out.find("@@", pad + 6);
    out.replace(
        pad, end + 2 - pad,
        std::string(std::stoul(out.substr(pad + 6, end - pad - 6)), 'x'));
  }
  return out;
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

// The same cases over HTTP/JSON (those sent as JSON): the status of their
// code, and the google.rpc.Status as the body with the same details.
TEST_F(ErrorContractTest, OverHttpEveryCaseAnswersItsStatusAndDetails) {
  int sent = 0;
  for (const Case& c : ReadCases()) {
    auto req = c.json.fields().find("request");
    if (req == c.json.fields().end()) continue;  // bytes: gRPC only
    SCOPED_TRACE(c.Str("name"));
    if (auto it = c.json.fields().find("setup"); it != c.json.fields().end()) {
      for (const pb::Value& step : it->second.list_value().values()) {
        const std::string method =
            step.struct_value().fields().at("method").string_value();
        ASSERT_TRUE(
            Call("admin", method,
                 RequestBytes(method,
                              &step.struct_value().fields().at("request"), ""))
                .ok());
      }
    }
    auto route = Routes().find(c.Str("method"));
    ASSERT_NE(route, Routes().end()) << c.Str("method");
    const pb::Struct& request = req->second.struct_value();
    std::string path = route->second.path;
    std::set<std::string> in_path;
    for (size_t open; (open = path.find('{')) != std::string::npos;) {
      const size_t close = path.find('}', open);
      const std::string field = path.substr(open + 1, close - open - 1);
      in_path.insert(field.substr(0, field.find('.')));
      const pb::Value* v = At(request, field);
      path.replace(open, close + 1 - open,
                   Percent(v == nullptr ? "" : v->string_value()));
    }
    std::string body, query;
    for (const auto& [name, value] : request.fields()) {
      if (name == route->second.body) {
        body = JsonOf(value.struct_value());
      } else if (!in_path.contains(name)) {
        absl::StrAppend(&query, query.empty() ? "?" : "&", name, "=",
                        Percent(value.has_number_value()
                                    ? absl::StrCat(value.number_value())
                                    : value.string_value()));
      }
    }
    const HttpReply r =
        Curl(c.Str("as"), route->second.method, path + query, body);
    EXPECT_EQ(r.status, HttpStatusOf(c.Str("code"))) << r.body;
    google::rpc::Status status;
    ASSERT_TRUE(pb::util::JsonStringToMessage(r.body, &status).ok()) << r.body;
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    for (const pb::Any& any : status.details()) {
      if (any.Is<google::rpc::ErrorInfo>()) {
        ASSERT_TRUE(any.UnpackTo(&info));
      } else if (any.Is<google::rpc::BadRequest>()) {
        ASSERT_TRUE(any.UnpackTo(&bad));
      }
    }
    EXPECT_EQ(info.reason(), c.Str("reason")) << r.body;
    EXPECT_EQ(info.domain(), "jiwon.v1");
    EXPECT_EQ(CodeName(static_cast<grpc::StatusCode>(status.code())),
              c.Str("code"));
    if (auto w = c.json.fields().find("violations");
        w != c.json.fields().end()) {
      for (const pb::Value& v : w->second.list_value().values()) {
        const auto& f = v.struct_value().fields();
        bool found = false;
        for (const auto& fv : bad.field_violations()) {
          found |= fv.field() == f.at("field").string_value() &&
                   fv.reason() == f.at("reason").string_value() &&
                   !fv.localized_message().message().empty();
        }
        EXPECT_TRUE(found) << f.at("field").string_value() << " in " << r.body;
      }
    }
    ++sent;
  }
  EXPECT_GE(sent, 28);
}

// The unary methods as JSON: a portal's page, a partial update, pages of a
// list, and the refusals only HTTP has.
TEST_F(ErrorContractTest, OverHttpTheMethodsAnswerJson) {
  auto reason = [](const HttpReply& r) {
    google::rpc::Status status;
    EXPECT_TRUE(pb::util::JsonStringToMessage(r.body, &status).ok()) << r.body;
    for (const pb::Any& any : status.details()) {
      google::rpc::ErrorInfo info;
      if (any.UnpackTo(&info)) return info.reason();
    }
    return std::string();
  };
  const std::string program = R"({"title":"HTTP 시험 사업",
      "category":"CATEGORY_DOMESTIC","url":"https://www.bizinfo.go.kr/h1",
      "window":{"kind":"WINDOW_KIND_ROLLING","note":"상시 접수"},
      "rules":[{"id":"gyeonggi","kind":"RULE_KIND_REQUIRE","label":"경기도 소재",
        "evidence":"공고일 기준 본사가 경기도에 소재한 기업",
        "condition":{"predicate":{"fact":"FACT_HEAD_OFFICE_REGION",
          "op":"OPERATOR_IN","codes":["41"]}}}]})";
  for (const char* id : {"h-p1", "h-p2", "h-p3"}) {
    HttpReply r =
        Curl("catalog", "PUT", absl::StrCat("/v1/programs/", id), program);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"version\""), std::string::npos) << r.body;
  }
  // A portal may not write the catalog: refused at the door, with details.
  HttpReply r = Curl("portal", "PUT", "/v1/programs/h-p9", program);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(reason(r), "ROLE_NOT_ALLOWED");
  r = Curl("nobody", "GET", "/v1/programs/h-p1", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(reason(r), "TOKEN_MISSING");

  r = Curl("portal", "PUT", "/v1/companies/H1",
           R"({"name":"(주)에이치","headOfficeRegion":"41610",
               "regularEmployees":12,"businessNumber":"220-81-62517"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"created\":true"), std::string::npos) << r.body;
  // Only the employees change.
  r = Curl("portal", "PATCH", "/v1/companies/H1?update_mask=regularEmployees",
           R"({"regularEmployees":30,"name":"무시됨"})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Curl("portal", "GET", "/v1/companies/H1", "");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::GetCompanyResponse got;
  ASSERT_TRUE(pb::util::JsonStringToMessage(r.body, &got).ok()) << r.body;
  EXPECT_EQ(got.company().name(), "(주)에이치");
  EXPECT_EQ(got.company().regular_employees(), 30);
  EXPECT_EQ(got.company().version(), 2);
  // The read of personal data is recorded, naming the HTTP client.
  r = Curl("admin", "GET", "/v1/accessLog?company_id=H1", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"peer\":\"http 127.0.0.1:"), std::string::npos)
      << r.body;
  // A stale version.
  r = Curl("portal", "PATCH", "/v1/companies/H1?expectedVersion=1",
           R"({"regularEmployees":31})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(reason(r), "VERSION_MISMATCH");

  // The recommendation page from one call.
  r = Curl("portal", "POST", "/v1/companies/H1:recommend", R"({"limit":50})");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::RecommendResponse page;
  ASSERT_TRUE(pb::util::JsonStringToMessage(r.body, &page).ok()) << r.body;
  bool shown = false;
  for (const v1::ProgramMatch& m : page.matches()) {
    if (m.program_id() != "h-p1") continue;
    shown = true;
    EXPECT_EQ(m.url(), "https://www.bizinfo.go.kr/h1");
    EXPECT_EQ(m.window_note(), "상시 접수");
    ASSERT_EQ(m.rules_size(), 1);
    EXPECT_EQ(m.rules(0).evidence(), "공고일 기준 본사가 경기도에 소재한 기업");
  }
  EXPECT_TRUE(shown) << r.body;

  // Pages of a list, by query parameters.
  std::vector<std::string> ids;
  std::string token;
  do {
    r = Curl("portal", "GET",
             "/v1/programs?page_size=1&categories=CATEGORY_DOMESTIC" +
                 (token.empty() ? "" : "&page_token=" + Percent(token)),
             "");
    ASSERT_EQ(r.status, 200) << r.body;
    v1::ListProgramsResponse list;
    ASSERT_TRUE(pb::util::JsonStringToMessage(r.body, &list).ok()) << r.body;
    for (const auto& p : list.programs()) ids.push_back(p.program().id());
    token = list.next_page_token();
  } while (!token.empty() && ids.size() < 100);
  // (Other tests of this server may have stored programs of their own.)
  std::erase_if(ids,
                [](const std::string& id) { return !id.starts_with("h-"); });
  EXPECT_EQ(ids, (std::vector<std::string>{"h-p1", "h-p2", "h-p3"}));

  // What only HTTP can get wrong.
  r = Curl("portal", "GET", "/v1/nowhere", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(reason(r), "NOT_FOUND");
  r = Curl("portal", "DELETE", "/v1/vocabulary", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(reason(r), "METHOD_NOT_ALLOWED");
  r = Curl("portal", "PUT", "/v1/companies/H1", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "REQUEST_UNDECODABLE");
  r = Curl("portal", "GET", "/v1/programs?colour=red", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "UNKNOWN_FIELD");
  r = Curl("portal", "PUT", "/v1/companies/H1", R"({"id":"H2","name":"x"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(reason(r), "CONFLICTING_FIELDS");
}

// What an attacker would send over HTTP: each refused with a status, and
// the server answers the next caller.
TEST_F(ErrorContractTest, OverHttpHostileRequestsAreRefused) {
  auto status_of = [](const HttpReply& r) { return r.status; };
  EXPECT_EQ(status_of(Curl("portal", "PUT", "/v1/companies/H9",
                           std::string(9 << 20, ' '))),
            413);
  EXPECT_EQ(status_of(Curl("portal", "PUT", "/v1/companies/H9",
                           std::string(200000, '['))),
            400);
  EXPECT_EQ(status_of(Curl("portal", "PUT", "/v1/companies/H9",
                           "{\"name\":\"\xff\xfe\"}")),
            400);
  EXPECT_EQ(status_of(Curl("portal", "GET",
                           "/v1/companies/" + std::string(20000, 'a'), "")),
            414);
  EXPECT_EQ(status_of(Curl("portal", "GET", "/v1/companies/a%00b", "")), 400);
  EXPECT_EQ(status_of(Curl("portal", "GET", "/v1/companies/%FF%FE", "")), 400);
  EXPECT_EQ(status_of(Curl("portal", "GET", "/v1/programs/%", "")), 400);
  std::string many = "/v1/programs?";
  for (int i = 0; i < 500; ++i) absl::StrAppend(&many, "p", i, "=1&");
  EXPECT_EQ(status_of(Curl("portal", "GET", many, "")), 400);
  EXPECT_EQ(status_of(Curl("portal", "GET",
                           "/v1/programs?page_size=1&page_size=2", "")),
            400);
  EXPECT_EQ(status_of(Curl("portal", "GET",
                           "/v1/programs?page_size=99999999999999", "")),
            400);
  EXPECT_EQ(
      status_of(Curl("portal", "GET", "/v1/programs?categories=NOPE", "")),
      400);
  EXPECT_EQ(status_of(Curl("portal", "GET", "/v1/vocabulary", "")), 200);
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
