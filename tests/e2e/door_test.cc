// The door, end to end: the real jiwond over TLS with client certificates
// and a token file, called as anonymous, with a wrong token and as every
// role; scopes, access records, one server per port and data directory,
// bounded streams, keepalive, reload and shutdown.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "jiwon/v1/admin_service.grpc.pb.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/feedback_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"
#include "jiwon/v1/vocabulary_service.grpc.pb.h"
#include "tests/e2e/pki.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using testing::ReadFile;
using testing::ServerProcess;
using testing::Spawn;
using testing::WaitExit;

// The roles of the issue's table, written out here independently of the
// server's own table: the test holds the server to it.
const char* const kRoles[] = {"portal", "caseworker", "catalog", "batch",
                              "admin"};

struct Stubs {
  explicit Stubs(const std::shared_ptr<grpc::Channel>& channel)
      : companies(v1::CompanyService::NewStub(channel)),
        programs(v1::ProgramService::NewStub(channel)),
        matching(v1::MatchService::NewStub(channel)),
        feedback(v1::FeedbackService::NewStub(channel)),
        rescore(v1::RescoreService::NewStub(channel)),
        admin(v1::AdminService::NewStub(channel)),
        vocabulary(v1::VocabularyService::NewStub(channel)) {}
  std::unique_ptr<v1::CompanyService::Stub> companies;
  std::unique_ptr<v1::ProgramService::Stub> programs;
  std::unique_ptr<v1::MatchService::Stub> matching;
  std::unique_ptr<v1::FeedbackService::Stub> feedback;
  std::unique_ptr<v1::RescoreService::Stub> rescore;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::VocabularyService::Stub> vocabulary;
};

template <typename Response, typename Reader>
grpc::Status Drain(Reader reader, std::vector<Response>* out = nullptr) {
  Response r;
  while (reader->Read(&r)) {
    if (out != nullptr) out->push_back(r);
  }
  return reader->Finish();
}

struct MethodCase {
  std::string method;
  std::set<std::string> roles;  // who may call it
  // Calls it with a harmless request (one that changes nothing that the
  // other cases depend on).
  std::function<grpc::Status(Stubs&, grpc::ClientContext*)> call;
};

std::vector<MethodCase> Cases() {
  const std::set<std::string> site = {"portal", "caseworker", "admin"};
  const std::set<std::string> everyone = {"portal", "caseworker", "catalog",
                                          "batch", "admin"};
  std::vector<MethodCase> c;
  auto add = [&](std::string method, std::set<std::string> roles,
                 std::function<grpc::Status(Stubs&, grpc::ClientContext*)> f) {
    c.push_back({std::move(method), std::move(roles), std::move(f)});
  };
  add("CompanyService/UpsertCompany", site, [](Stubs& s, auto* ctx) {
    v1::UpsertCompanyRequest req;  // no company: INVALID_ARGUMENT
    v1::UpsertCompanyResponse resp;
    return s.companies->UpsertCompany(ctx, req, &resp);
  });
  add("CompanyService/UpdateCompany", site, [](Stubs& s, auto* ctx) {
    v1::UpdateCompanyRequest req;  // no company: INVALID_ARGUMENT
    v1::UpdateCompanyResponse resp;
    return s.companies->UpdateCompany(ctx, req, &resp);
  });
  add("CompanyService/GetCompany", site, [](Stubs& s, auto* ctx) {
    v1::GetCompanyRequest req;
    req.set_company_id("C0001");
    v1::GetCompanyResponse resp;
    return s.companies->GetCompany(ctx, req, &resp);
  });
  add("CompanyService/DeleteCompany", site, [](Stubs& s, auto* ctx) {
    v1::DeleteCompanyRequest req;
    req.set_company_id("no-such-company");
    v1::DeleteCompanyResponse resp;
    return s.companies->DeleteCompany(ctx, req, &resp);
  });
  add("CompanyService/ListCompanies", {"caseworker", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ListCompaniesRequest req;
        req.set_page_size(2);
        v1::ListCompaniesResponse resp;
        return s.companies->ListCompanies(ctx, req, &resp);
      });
  add("CompanyService/ImportCompanies", {"caseworker", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ImportCompaniesResponse resp;
        auto writer = s.companies->ImportCompanies(ctx, &resp);
        writer->WritesDone();
        return writer->Finish();
      });
  add("ProgramService/UpsertProgram", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::UpsertProgramRequest req;
        v1::UpsertProgramResponse resp;
        return s.programs->UpsertProgram(ctx, req, &resp);
      });
  add("ProgramService/UpdateProgram", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::UpdateProgramRequest req;
        v1::UpdateProgramResponse resp;
        return s.programs->UpdateProgram(ctx, req, &resp);
      });
  add("ProgramService/GetProgram", everyone, [](Stubs& s, auto* ctx) {
    v1::GetProgramRequest req;
    req.set_program_id("gbsa-dev-prod-2026");
    v1::GetProgramResponse resp;
    return s.programs->GetProgram(ctx, req, &resp);
  });
  add("ProgramService/DeleteProgram", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::DeleteProgramRequest req;
        req.set_program_id("no-such-program");
        v1::DeleteProgramResponse resp;
        return s.programs->DeleteProgram(ctx, req, &resp);
      });
  add("ProgramService/ListPrograms", everyone, [](Stubs& s, auto* ctx) {
    v1::ListProgramsRequest req;
    req.set_page_size(2);
    v1::ListProgramsResponse resp;
    return s.programs->ListPrograms(ctx, req, &resp);
  });
  add("ProgramService/ImportPrograms", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ImportProgramsResponse resp;
        auto writer = s.programs->ImportPrograms(ctx, &resp);
        writer->WritesDone();
        return writer->Finish();
      });
  add("ProgramService/ImportAnnouncements", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ImportAnnouncementsResponse resp;
        auto writer = s.programs->ImportAnnouncements(ctx, &resp);
        writer->WritesDone();
        return writer->Finish();
      });
  add("ProgramService/GetDraft", {"catalog", "admin"}, [](Stubs& s, auto* ctx) {
    v1::GetDraftRequest req;
    req.set_program_id("no-such-draft");
    v1::GetDraftResponse resp;
    return s.programs->GetDraft(ctx, req, &resp);
  });
  add("ProgramService/ListDrafts", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ListDraftsRequest req;
        v1::ListDraftsResponse resp;
        return s.programs->ListDrafts(ctx, req, &resp);
      });
  add("ProgramService/ProposeRules", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ProposeRulesRequest req;
        req.set_text("창업 후 7년 이내 기업");
        v1::ProposeRulesResponse resp;
        return s.programs->ProposeRules(ctx, req, &resp);
      });
  // A draft that does not exist: past the gate, NOT_FOUND.
  add("ProgramService/PublishDraft", {"catalog", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::PublishDraftRequest req;
        req.set_program_id("bizinfo-PBLN_000000000000001");
        v1::PublishDraftResponse resp;
        return s.programs->PublishDraft(ctx, req, &resp);
      });
  add("MatchService/Recommend", site, [](Stubs& s, auto* ctx) {
    v1::RecommendRequest req;
    req.set_company_id("C0001");
    v1::RecommendResponse resp;
    return s.matching->Recommend(ctx, req, &resp);
  });
  add("MatchService/Explain", site, [](Stubs& s, auto* ctx) {
    v1::ExplainRequest req;
    req.set_company_id("C0001");
    req.set_program_id("gbsa-dev-prod-2026");
    v1::ExplainResponse resp;
    return s.matching->Explain(ctx, req, &resp);
  });
  add("MatchService/WhoQualifies", {"caseworker", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::WhoQualifiesRequest req;
        req.set_program_id("gbsa-dev-prod-2026");
        return Drain<v1::WhoQualifiesResponse>(
            s.matching->WhoQualifies(ctx, req));
      });
  add("MatchService/NextQuestions", site, [](Stubs& s, auto* ctx) {
    v1::NextQuestionsRequest req;
    req.set_company_id("C0001");
    v1::NextQuestionsResponse resp;
    return s.matching->NextQuestions(ctx, req, &resp);
  });
  add("FeedbackService/RecordFeedback", site, [](Stubs& s, auto* ctx) {
    v1::RecordFeedbackRequest req;  // no kind: INVALID_ARGUMENT
    req.mutable_feedback()->set_company_id("C0001");
    v1::RecordFeedbackResponse resp;
    return s.feedback->RecordFeedback(ctx, req, &resp);
  });
  add("FeedbackService/DeleteFeedback", site, [](Stubs& s, auto* ctx) {
    v1::DeleteFeedbackRequest req;
    req.set_company_id("C0001");
    req.set_program_id("no-such-program");
    v1::DeleteFeedbackResponse resp;
    return s.feedback->DeleteFeedback(ctx, req, &resp);
  });
  add("FeedbackService/ListFeedback", site, [](Stubs& s, auto* ctx) {
    v1::ListFeedbackRequest req;
    req.set_company_id("C0001");
    v1::ListFeedbackResponse resp;
    return s.feedback->ListFeedback(ctx, req, &resp);
  });
  add("RescoreService/Rescore", {"batch", "admin"}, [](Stubs& s, auto* ctx) {
    v1::RescoreRequest req;
    req.set_as_of("not-a-date");  // refused before any work
    return Drain<v1::RescoreResponse>(s.rescore->Rescore(ctx, req));
  });
  add("RescoreService/GetResults", {"portal", "caseworker", "batch", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::GetResultsRequest req;
        req.set_company_id("C0001");
        v1::GetResultsResponse resp;
        return s.rescore->GetResults(ctx, req, &resp);
      });
  add("RescoreService/ReadAlerts", {"portal", "caseworker", "batch", "admin"},
      [](Stubs& s, auto* ctx) {
        v1::ReadAlertsRequest req;
        req.set_limit(1);
        return Drain<v1::ReadAlertsResponse>(s.rescore->ReadAlerts(ctx, req));
      });
  add("AdminService/ReadAccessLog", {"admin"}, [](Stubs& s, auto* ctx) {
    v1::ReadAccessLogRequest req;
    req.set_page_size(1);
    v1::ReadAccessLogResponse resp;
    return s.admin->ReadAccessLog(ctx, req, &resp);
  });
  add("ProgramService/SearchPrograms", everyone, [](Stubs& s, auto* ctx) {
    v1::SearchProgramsRequest req;
    req.set_query("스마트공장");
    v1::SearchProgramsResponse resp;
    return s.programs->SearchPrograms(ctx, req, &resp);
  });
  // jiwond runs without --backup_root here: FAILED_PRECONDITION past the
  // door.
  add("AdminService/Backup", {"admin"}, [](Stubs& s, auto* ctx) {
    v1::BackupRequest req;
    req.set_dir("nightly");
    v1::BackupResponse resp;
    return s.admin->Backup(ctx, req, &resp);
  });
  add("AdminService/ListBackups", {"admin"}, [](Stubs& s, auto* ctx) {
    v1::ListBackupsRequest req;
    req.set_dir("nightly");
    v1::ListBackupsResponse resp;
    return s.admin->ListBackups(ctx, req, &resp);
  });
  add("VocabularyService/GetVocabulary", everyone, [](Stubs& s, auto* ctx) {
    v1::Vocabulary resp;
    return s.vocabulary->GetVocabulary(ctx, v1::GetVocabularyRequest(), &resp);
  });
  return c;
}

class DoorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_dir_ = new testing::TempDir();
    pki_ = new testing::TestPki(testing::MakeTestPki(pki_dir_->path()));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete pki_dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(pki_->ok) << pki_->error;
    for (const char* role : kRoles) {
      std::string line;
      tokens_[role] = testing::NewToken(role, role, &line);
      token_lines_.push_back(line);
    }
    std::string line;
    tokens_["portal-41"] =
        testing::NewToken("portal-41", "portal", &line, "region:41");
    token_lines_.push_back(line);
    tokens_["portal-tag"] =
        testing::NewToken("portal-tag", "portal", &line, "tag:gbsa");
    token_lines_.push_back(line);
    tokens_["caseworker-41"] =
        testing::NewToken("caseworker-41", "caseworker", &line, "region:41");
    token_lines_.push_back(line);
  }

  void WriteTokens() {
    std::ofstream out(dir_.path() + "/tokens");
    out << "# test callers\n";
    for (const std::string& l : token_lines_) out << l << "\n";
  }

  // jiwond with TLS, client certificates and the token file.
  void Start(std::vector<std::string> flags = {}) {
    WriteTokens();
    std::vector<std::string> all = {"--tls_cert=" + pki_->server_cert,
                                    "--tls_key=" + pki_->server_key,
                                    "--tls_client_ca=" + pki_->ca,
                                    "--auth_tokens=" + dir_.path() + "/tokens"};
    all.insert(all.end(), flags.begin(), flags.end());
    server_ = std::make_unique<ServerProcess>(dir_.path(),
                                              dir_.path() + "/data", all);
    ASSERT_TRUE(server_->ok()) << server_->log();
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& token,
                                         grpc::ChannelArguments args = {}) {
    return cli::OpenChannel(server_->addr(), testing::TlsOptions(*pki_, token),
                            args);
  }

  // The CLI as `role`, over TLS.
  testing::ServerProcess* server() { return server_.get(); }
  int Cli(const std::string& role, std::vector<std::string> args,
          std::string* out = nullptr) {
    std::ofstream(dir_.path() + "/token." + role) << tokens_[role] << "\n";
    std::vector<std::string> argv = {
        JIWON_PATH,
        "--addr=" + server_->addr(),
        "--tls_ca=" + pki_->ca,
        "--tls_cert=" + pki_->client_cert,
        "--tls_key=" + pki_->client_key,
        "--token_file=" + dir_.path() + "/token." + role};
    argv.insert(argv.end(), args.begin(), args.end());
    const int code = WaitExit(
        Spawn(argv, dir_.path() + "/cli.out", dir_.path() + "/cli.err"));
    if (out != nullptr) {
      *out = ReadFile(dir_.path() + "/cli.out") +
             ReadFile(dir_.path() + "/cli.err");
    }
    return code;
  }

  void LoadDemo() {
    std::string out;
    ASSERT_EQ(
        Cli("admin", {"program", "import", JIWON_DEMO_DIR "/programs.jsonl"},
            &out),
        0)
        << out;
    ASSERT_EQ(
        Cli("admin", {"company", "import", JIWON_DEMO_DIR "/companies.jsonl"},
            &out),
        0)
        << out;
  }

  static testing::TempDir* pki_dir_;
  static testing::TestPki* pki_;
  testing::TempDir dir_;
  std::map<std::string, std::string> tokens_;
  std::vector<std::string> token_lines_;
  std::unique_ptr<ServerProcess> server_;
};

testing::TempDir* DoorTest::pki_dir_ = nullptr;
testing::TestPki* DoorTest::pki_ = nullptr;

TEST_F(DoorTest, EveryMethodAnswersEachCallerAsTheRoleTableSays) {
  Start();
  LoadDemo();
  std::map<std::string, std::unique_ptr<Stubs>> callers;
  callers["anonymous"] = std::make_unique<Stubs>(Channel(""));
  callers["wrong token"] =
      std::make_unique<Stubs>(Channel("jw_not-a-token-of-this-server"));
  for (const char* role : kRoles) {
    callers[role] = std::make_unique<Stubs>(Channel(tokens_[role]));
  }
  int checked = 0;
  for (const MethodCase& m : Cases()) {
    for (auto& [who, stubs] : callers) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
      const grpc::Status s = m.call(*stubs, &ctx);
      SCOPED_TRACE(absl::StrCat(m.method, " as ", who, ": ", s.error_code(),
                                " ", s.error_message()));
      if (who == "anonymous" || who == "wrong token") {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      } else if (m.roles.contains(who)) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE);
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
        EXPECT_NE(s.error_message().find("role " + who), std::string::npos);
        EXPECT_NE(s.error_message().find("/jiwon.v1." + m.method),
                  std::string::npos);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 32 * 7);
  // The health service stays open to anyone.
  auto health = grpc::health::v1::Health::NewStub(Channel(""));
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("jiwon.v1.MatchService");
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(DoorTest, MutualTlsRefusesACallerWithoutACertificate) {
  Start();
  auto channel = cli::OpenChannel(
      server_->addr(), testing::TlsOptions(*pki_, tokens_["admin"], false));
  auto stub = v1::ProgramService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListProgramsRequest req;
  v1::ListProgramsResponse resp;
  EXPECT_EQ(stub->ListPrograms(&ctx, req, &resp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Plaintext to the TLS port fails as well.
  cli::ConnectOptions plaintext;
  plaintext.token = tokens_["admin"];
  auto plain = cli::OpenChannel(server_->addr(), plaintext);
  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(10));
  EXPECT_EQ(v1::ProgramService::NewStub(plain)
                ->ListPrograms(&ctx2, req, &resp)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(DoorTest, ReadsOfPersonalDataAreRecordedForTheAdmin) {
  Start();
  LoadDemo();
  std::string out;
  ASSERT_EQ(Cli("portal", {"company", "get", "C0001"}, &out), 0) << out;
  Stubs caseworker(Channel(tokens_["caseworker"]));
  {
    grpc::ClientContext ctx;
    v1::ListCompaniesRequest req;
    req.set_page_size(3);
    v1::ListCompaniesResponse resp;
    ASSERT_TRUE(caseworker.companies->ListCompanies(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.companies_size(), 3);
  }
  std::vector<v1::WhoQualifiesResponse> qualifying;
  {
    grpc::ClientContext ctx;
    v1::WhoQualifiesRequest req;
    req.set_program_id("gbsa-dev-prod-2026");
    ASSERT_TRUE(
        Drain(caseworker.matching->WhoQualifies(&ctx, req), &qualifying).ok());
  }
  std::vector<std::string> qualified;
  for (const auto& m : qualifying) {
    if (m.has_company()) qualified.push_back(m.company().company_id());
  }
  ASSERT_FALSE(qualified.empty());

  Stubs admin(Channel(tokens_["admin"]));
  grpc::ClientContext ctx;
  v1::ReadAccessLogRequest req;
  v1::ReadAccessLogResponse resp;
  ASSERT_TRUE(admin.admin->ReadAccessLog(&ctx, req, &resp).ok());
  // Importing wrote none (an import answers no record); the three reads
  // one each, in order.
  ASSERT_EQ(resp.records_size(), 3) << resp.DebugString();
  const v1::AccessRecord& get = resp.records(0);
  EXPECT_EQ(get.caller(), "portal");
  EXPECT_EQ(get.role(), "portal");
  EXPECT_EQ(get.method(), "/jiwon.v1.CompanyService/GetCompany");
  EXPECT_EQ(std::vector<std::string>(get.company_ids().begin(),
                                     get.company_ids().end()),
            std::vector<std::string>{"C0001"});
  EXPECT_NE(
      std::find(get.fields().begin(), get.fields().end(), "business_number"),
      get.fields().end());
  EXPECT_NE(
      std::find(get.fields().begin(), get.fields().end(), "ceos.birth_date"),
      get.fields().end());
  EXPECT_FALSE(get.time().empty());
  EXPECT_NE(get.peer().find("127.0.0.1"), std::string::npos) << get.peer();
  const v1::AccessRecord& list = resp.records(1);
  EXPECT_EQ(list.caller(), "caseworker");
  EXPECT_EQ(list.method(), "/jiwon.v1.CompanyService/ListCompanies");
  EXPECT_EQ(list.company_ids_size(), 3);
  const v1::AccessRecord& who = resp.records(2);
  EXPECT_EQ(who.method(), "/jiwon.v1.MatchService/WhoQualifies");
  EXPECT_EQ(std::vector<std::string>(who.company_ids().begin(),
                                     who.company_ids().end()),
            qualified);
  // One company's records, through the CLI.
  ASSERT_EQ(
      Cli("admin", {"admin", "access-log", "--company=C0001", "--json"}, &out),
      0)
      << out;
  EXPECT_NE(out.find("GetCompany"), std::string::npos) << out;
  // Not for anyone else.
  EXPECT_NE(Cli("caseworker", {"admin", "access-log"}, &out), 0);
  EXPECT_NE(out.find("not allowed: [ROLE_NOT_ALLOWED] role caseworker"),
            std::string::npos)
      << out;
}

TEST_F(DoorTest, AScopedPortalSeesOnlyItsRegion) {
  Start();
  LoadDemo();
  Stubs portal(Channel(tokens_["portal-41"]));
  auto get = [&](const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetCompanyRequest req;
    req.set_company_id(id);
    v1::GetCompanyResponse resp;
    return portal.companies->GetCompany(&ctx, req, &resp);
  };
  EXPECT_TRUE(get("C0001").ok());             // 41610, 경기 광주시
  const grpc::Status outside = get("C0203");  // 44760, 충남
  EXPECT_EQ(outside.error_code(), grpc::StatusCode::NOT_FOUND);
  // Said as of a company that does not exist.
  std::string missing = get("C9999").error_message();
  ASSERT_NE(missing.find("C9999"), std::string::npos) << missing;
  missing.replace(missing.find("C9999"), 5, "C0203");
  EXPECT_EQ(outside.error_message(), missing);
  {
    grpc::ClientContext ctx;
    v1::RecommendRequest req;
    req.set_company_id("C0203");
    v1::RecommendResponse resp;
    EXPECT_EQ(portal.matching->Recommend(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::UpsertCompanyRequest req;
    req.mutable_company()->set_id("C0203");
    req.mutable_company()->set_name("덮어쓰기");
    req.mutable_company()->set_head_office_region("41610");
    v1::UpsertCompanyResponse resp;
    EXPECT_EQ(portal.companies->UpsertCompany(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::UpsertCompanyRequest req;
    req.mutable_company()->set_id("NEW1");
    req.mutable_company()->set_name("다른 지역");
    req.mutable_company()->set_head_office_region("11110");
    v1::UpsertCompanyResponse resp;
    EXPECT_EQ(portal.companies->UpsertCompany(&ctx, req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // The stored company is untouched.
  Stubs admin(Channel(tokens_["admin"]));
  {
    grpc::ClientContext ctx;
    v1::GetCompanyRequest req;
    req.set_company_id("C0203");
    v1::GetCompanyResponse resp;
    ASSERT_TRUE(admin.companies->GetCompany(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.company().head_office_region(), "44760");
    // Tagged by the admin, the 충남 company is in the tag's scope.
    grpc::ClientContext put_ctx;
    v1::UpsertCompanyRequest put;
    *put.mutable_company() = resp.company();
    put.mutable_company()->add_tags("gbsa");
    v1::UpsertCompanyResponse put_resp;
    ASSERT_TRUE(admin.companies->UpsertCompany(&put_ctx, put, &put_resp).ok());
  }
  Stubs tagged(Channel(tokens_["portal-tag"]));
  auto get_tagged = [&](const std::string& id) {
    grpc::ClientContext ctx;
    v1::GetCompanyRequest req;
    req.set_company_id(id);
    v1::GetCompanyResponse resp;
    return tagged.companies->GetCompany(&ctx, req, &resp).error_code();
  };
  EXPECT_EQ(get_tagged("C0203"), grpc::StatusCode::OK);
  EXPECT_EQ(get_tagged("C0001"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get("C0203").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DoorTest, SearchingForACompanyNeedsTheRightToReadIt) {
  Start();
  LoadDemo();
  auto search = [&](const std::string& token, const std::string& company) {
    Stubs stubs(Channel(token));
    grpc::ClientContext ctx;
    v1::SearchProgramsRequest req;
    req.set_query("지원");
    req.set_eligible_for(company);
    v1::SearchProgramsResponse resp;
    return stubs.programs->SearchPrograms(&ctx, req, &resp);
  };
  EXPECT_TRUE(search(tokens_["portal"], "C0001").ok());
  EXPECT_TRUE(search(tokens_["portal-41"], "C0001").ok());  // 경기
  // Outside the scope: as of a company that does not exist.
  EXPECT_EQ(search(tokens_["portal-41"], "C0203").error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Roles that may not ask Recommend may not ask this either.
  for (const char* role : {"catalog", "batch"}) {
    const grpc::Status s = search(tokens_[role], "C0001");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << role;
    EXPECT_EQ(testing::ReasonInDetails(s), "ROLE_NOT_ALLOWED") << role;
  }
  // Without a company, anyone may search the public catalog.
  EXPECT_TRUE(search(tokens_["catalog"], "").ok());
}

TEST_F(DoorTest, AScopedCaseworkerListsAndCountsItsRegionOnly) {
  Start();
  LoadDemo();
  Stubs scoped(Channel(tokens_["caseworker-41"]));
  Stubs admin(Channel(tokens_["admin"]));
  auto list_all = [](Stubs& s) {
    std::vector<v1::Company> out;
    v1::ListCompaniesRequest req;
    req.set_page_size(50);
    for (;;) {
      grpc::ClientContext ctx;
      v1::ListCompaniesResponse resp;
      EXPECT_TRUE(s.companies->ListCompanies(&ctx, req, &resp).ok());
      out.insert(out.end(), resp.companies().begin(), resp.companies().end());
      if (resp.next_page_token().empty()) return out;
      req.set_page_token(resp.next_page_token());
    }
  };
  std::set<std::string> want;
  for (const v1::Company& c : list_all(admin)) {
    if (c.head_office_region().starts_with("41")) want.insert(c.id());
  }
  std::set<std::string> got;
  for (const v1::Company& c : list_all(scoped)) got.insert(c.id());
  ASSERT_GT(want.size(), 100u);
  EXPECT_LT(want.size(), 320u);
  EXPECT_EQ(got, want);

  auto qualify = [](Stubs& s, bool undetermined, v1::WhoQualifiesSummary* sum) {
    grpc::ClientContext ctx;
    v1::WhoQualifiesRequest req;
    // A national program: companies of every region qualify.
    req.set_program_id("sbiz-policy-fund-2026");
    req.set_include_undetermined(undetermined);
    std::vector<v1::WhoQualifiesResponse> out;
    EXPECT_TRUE(Drain(s.matching->WhoQualifies(&ctx, req), &out).ok());
    std::map<std::string, v1::Eligibility> ids;
    for (const auto& m : out) {
      if (m.has_company()) {
        ids[m.company().company_id()] = m.company().eligibility();
      }
      if (m.has_summary()) *sum = m.summary();
    }
    return ids;
  };
  v1::WhoQualifiesSummary all_sum, scoped_sum, scoped_eligible_sum;
  std::map<std::string, v1::Eligibility> all = qualify(admin, true, &all_sum);
  std::map<std::string, v1::Eligibility> mine =
      qualify(scoped, true, &scoped_sum);
  int eligible = 0, undetermined = 0;
  for (const auto& [id, e] : all) {
    if (!want.contains(id)) continue;
    EXPECT_EQ(mine[id], e) << id;
    ++(e == v1::ELIGIBILITY_ELIGIBLE ? eligible : undetermined);
  }
  EXPECT_EQ(mine.size(), static_cast<size_t>(eligible + undetermined));
  EXPECT_GT(eligible, 0);
  EXPECT_EQ(scoped_sum.eligible(), eligible);
  EXPECT_EQ(scoped_sum.undetermined(), undetermined);
  EXPECT_EQ(scoped_sum.companies(), 0);  // not counted for a scope
  EXPECT_GT(all_sum.companies(), 0);
  EXPECT_GT(all_sum.eligible(), eligible);  // other regions' too
  for (const v1::Count& c : scoped_sum.eligible_by_region()) {
    EXPECT_EQ(c.key(), "41 경기도");
  }
  // Without the undetermined ones streamed, they are still counted.
  std::map<std::string, v1::Eligibility> only =
      qualify(scoped, false, &scoped_eligible_sum);
  EXPECT_EQ(only.size(), static_cast<size_t>(eligible));
  EXPECT_EQ(scoped_eligible_sum.undetermined(), undetermined);
}

TEST_F(DoorTest, BatchAnswersCarryNoPersonalField) {
  Start();
  LoadDemo();
  // Every personal value of the demo companies.
  std::set<std::string> personal;
  std::ifstream in(JIWON_DEMO_DIR "/companies.jsonl");
  Stubs admin(Channel(tokens_["admin"]));
  for (std::string line; std::getline(in, line);) {
    const std::string id = line.substr(7, line.find('"', 7) - 7);
    grpc::ClientContext ctx;
    v1::GetCompanyRequest req;
    req.set_company_id(id);
    v1::GetCompanyResponse resp;
    ASSERT_TRUE(admin.companies->GetCompany(&ctx, req, &resp).ok()) << id;
    const v1::Company& c = resp.company();
    if (c.has_business_number()) personal.insert(c.business_number());
    if (c.has_corporate_number()) personal.insert(c.corporate_number());
    for (const v1::Ceo& ceo : c.ceos()) {
      if (!ceo.name().empty()) personal.insert(ceo.name());
      if (ceo.has_birth_date()) personal.insert(ceo.birth_date());
    }
  }
  ASSERT_GT(personal.size(), 300u);
  Stubs batch(Channel(tokens_["batch"]));
  std::string answers;
  {
    grpc::ClientContext ctx;
    v1::RescoreRequest req;
    req.set_as_of("2026-12-01");
    std::vector<v1::RescoreResponse> out;
    ASSERT_TRUE(Drain(batch.rescore->Rescore(&ctx, req), &out).ok());
    for (const auto& m : out) answers += m.SerializeAsString();
  }
  {
    grpc::ClientContext ctx;
    std::vector<v1::ReadAlertsResponse> out;
    ASSERT_TRUE(
        Drain(batch.rescore->ReadAlerts(&ctx, v1::ReadAlertsRequest()), &out)
            .ok());
    int alerts = 0;
    for (const auto& m : out) {
      alerts += m.alerts_size();
      answers += m.SerializeAsString();
    }
    EXPECT_GT(alerts, 0);
  }
  for (const char* id : {"C0001", "C0002", "C0203"}) {
    grpc::ClientContext ctx;
    v1::GetResultsRequest req;
    req.set_company_id(id);
    v1::GetResultsResponse resp;
    ASSERT_TRUE(batch.rescore->GetResults(&ctx, req, &resp).ok());
    answers += resp.SerializeAsString();
  }
  ASSERT_GT(answers.size(), 2'000u);
  for (const std::string& value : personal) {
    EXPECT_EQ(answers.find(value), std::string::npos) << value;
  }
}

TEST_F(DoorTest, HostileAuthorizationHeadersAreRefused) {
  Start();
  auto stub = v1::ProgramService::NewStub(Channel(""));
  auto list = [&](const std::string& header) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    ctx.AddMetadata("authorization", header);
    v1::ListProgramsRequest req;
    v1::ListProgramsResponse resp;
    return stub->ListPrograms(&ctx, req, &resp);
  };
  for (const std::string& header :
       {std::string(""), std::string("Bearer"), std::string("Bearer "),
        "Basic " + tokens_["admin"], "bearer " + tokens_["admin"],
        "Bearer  " + tokens_["admin"], "Bearer " + tokens_["admin"] + " ",
        "Bearer " + std::string(10000, 'A'),
        "Bearer " + tokens_["admin"].substr(0, 20)}) {
    const grpc::Status s = list(header);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << header.substr(0, 40) << ": " << s.error_message();
    // The token is never repeated back.
    EXPECT_EQ(s.error_message().find(tokens_["admin"]), std::string::npos);
  }
  // Past the 16 KiB metadata limit the transport refuses the call.
  const grpc::Status huge = list("Bearer " + std::string(40000, 'A'));
  EXPECT_FALSE(huge.ok());
  // And the server goes on serving (the transport may have closed that
  // connection: a new one, waited for).
  {
    auto fresh = v1::ProgramService::NewStub(Channel(tokens_["admin"]));
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    v1::ListProgramsRequest req;
    v1::ListProgramsResponse resp;
    const grpc::Status s = fresh->ListPrograms(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_NE(
      server_->log().find("WARN refused a call: [TOKEN_INVALID] authorization"),
      std::string::npos)
      << server_->log();
}

TEST_F(DoorTest, ASecondServerOnTheSamePortOrDataDirectoryRefusesToStart) {
  Start();
  const std::string port =
      server_->addr().substr(server_->addr().rfind(':') + 1);
  {
    testing::TempDir other;
    const int code = WaitExit(
        Spawn({JIWOND_PATH, "--listen=127.0.0.1:" + port,
               "--data_dir=" + other.path() + "/data", "--create_if_missing"},
              other.path() + "/out", other.path() + "/err"));
    EXPECT_EQ(code, 2);
    EXPECT_NE(ReadFile(other.path() + "/err")
                  .find("cannot listen on 127.0.0.1:" + port +
                        ": the port is in use"),
              std::string::npos)
        << ReadFile(other.path() + "/err");
  }
  {
    testing::TempDir other;
    const int code =
        WaitExit(Spawn({JIWOND_PATH, "--listen=127.0.0.1:0",
                        "--data_dir=" + dir_.path() + "/data"},
                       other.path() + "/out", other.path() + "/err"));
    EXPECT_EQ(code, 2);
    EXPECT_NE(ReadFile(other.path() + "/err")
                  .find(absl::StrCat("the data directory ", dir_.path(),
                                     "/data is in use by another jiwond (pid ",
                                     server_->pid(), ")")),
              std::string::npos)
        << ReadFile(other.path() + "/err");
  }
  // The first one still serves.
  std::string out;
  EXPECT_EQ(Cli("admin", {"program", "list"}, &out), 0) << out;
}

// Follows the alert feed on the callback API: no thread of the test's per
// stream either.
class Follower : public grpc::ClientReadReactor<v1::ReadAlertsResponse> {
 public:
  Follower(v1::RescoreService::Stub* stub, uint64_t after) {
    v1::ReadAlertsRequest req;
    req.set_after(absl::StrCat(after));
    req.set_follow(true);
    stub->async()->ReadAlerts(&ctx_, &req, this);
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      std::lock_guard lock(mu_);
      received_ += message_.alerts_size();
      cv_.notify_all();
    }
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& s) override {
    std::lock_guard lock(mu_);
    status_ = s;
    done_ = true;
    cv_.notify_all();
  }
  // Waits until it has received an alert, or ended.
  bool WaitForAlerts(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      return received_ > 0 || done_;
    }) && received_ > 0;
  }
  // Waits until it has ended; false when `timeout` passed first.
  bool WaitForEnd(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return done_; });
  }
  void Cancel() { ctx_.TryCancel(); }
  grpc::Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  grpc::ClientContext ctx_;
  v1::ReadAlertsResponse message_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t received_ = 0;
  bool done_ = false;
  grpc::Status status_;
};

int ThreadsOf(pid_t pid) {
  const std::string status = ReadFile(absl::StrCat("/proc/", pid, "/status"));
  const size_t at = status.find("Threads:");
  return at == std::string::npos ? -1 : std::atoi(status.c_str() + at + 8);
}

TEST_F(DoorTest, TwoHundredFollowersHoldNoThreadEachAndTheCapHolds) {
  for (int i = 0; i < 13; ++i) {
    std::string line;
    tokens_[absl::StrCat("follower-", i)] =
        testing::NewToken(absl::StrCat("follower-", i), "batch", &line);
    token_lines_.push_back(line);
  }
  Start();
  LoadDemo();
  {
    // Alerts to follow from: one rescore.
    Stubs batch(Channel(tokens_["batch"]));
    grpc::ClientContext ctx;
    v1::RescoreRequest req;
    req.set_as_of("2026-12-01");
    ASSERT_TRUE(
        Drain<v1::RescoreResponse>(batch.rescore->Rescore(&ctx, req)).ok());
  }
  const int before = ThreadsOf(server_->pid());
  ASSERT_GT(before, 0);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::RescoreService::Stub>> stubs;
  for (int i = 0; i < 13; ++i) {
    channels.push_back(Channel(tokens_[absl::StrCat("follower-", i)]));
    stubs.push_back(v1::RescoreService::NewStub(channels.back()));
  }
  std::vector<std::unique_ptr<Follower>> followers;
  for (int i = 0; i < 200; ++i) {
    // Callers 0-11 hold 16 streams each, caller 12 the other 8.
    followers.push_back(std::make_unique<Follower>(stubs[i / 16].get(), 0));
  }
  for (auto& f : followers) {
    ASSERT_TRUE(f->WaitForAlerts(std::chrono::seconds(60)))
        << f->status().error_message();
  }
  const int during = ThreadsOf(server_->pid());
  std::cout << "jiwond threads: " << before << " before, " << during
            << " with 200 followers\n";
  // gRPC's own pollers and executors grow a little with load; a thread per
  // stream would add 200.
  EXPECT_LE(during, before + 16) << "before " << before;
  // Caller 0 holds 16: its 17th is refused.
  Follower extra(stubs[0].get(), 0);
  ASSERT_TRUE(extra.WaitForEnd(std::chrono::seconds(30)));
  EXPECT_EQ(extra.status().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(extra.status().error_message().find("follower-0"),
            std::string::npos);
  EXPECT_EQ(testing::ReasonInDetails(extra.status()), "TOO_MANY_STREAMS");
  // Caller 12 holds 8: it may open another.
  Follower more(stubs[12].get(), 0);
  EXPECT_TRUE(more.WaitForAlerts(std::chrono::seconds(30)));
  more.Cancel();
  for (auto& f : followers) f->Cancel();
  for (auto& f : followers) {
    ASSERT_TRUE(f->WaitForEnd(std::chrono::seconds(60)));
    EXPECT_EQ(f->status().error_code(), grpc::StatusCode::CANCELLED);
  }
  ASSERT_TRUE(more.WaitForEnd(std::chrono::seconds(60)));
  // The slots are given back: caller 0 may follow again. The server frees
  // a slot when it has finished the stream, which on a loaded machine can
  // come after the client has seen it cancelled: ask until admitted.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool admitted = false;
  std::string last;
  while (!admitted && std::chrono::steady_clock::now() < deadline) {
    Follower again(stubs[0].get(), 0);
    admitted = again.WaitForAlerts(std::chrono::seconds(30));
    last = again.status().error_message();
    again.Cancel();
    ASSERT_TRUE(again.WaitForEnd(std::chrono::seconds(60)));
    if (!admitted) {
      ASSERT_EQ(again.status().error_code(),
                grpc::StatusCode::RESOURCE_EXHAUSTED)
          << last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_TRUE(admitted) << last;
}

TEST_F(DoorTest, AFollowerPingingEveryTenSecondsIsNotCutOff) {
  Start();
  LoadDemo();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  auto stub = v1::RescoreService::NewStub(Channel(tokens_["batch"], args));
  Follower follower(stub.get(), 0);
  // Sixty seconds of an idle stream: six pings, where the server's default
  // policy would have sent GOAWAY after the third.
  EXPECT_FALSE(follower.WaitForEnd(std::chrono::seconds(60)))
      << follower.status().error_code() << " "
      << follower.status().error_message();
  // Still alive: a rescore's alerts arrive on it.
  {
    Stubs batch(Channel(tokens_["batch"]));
    grpc::ClientContext ctx;
    v1::RescoreRequest req;
    req.set_as_of("2026-12-01");
    ASSERT_TRUE(
        Drain<v1::RescoreResponse>(batch.rescore->Rescore(&ctx, req)).ok());
  }
  EXPECT_TRUE(follower.WaitForAlerts(std::chrono::seconds(30)));
  follower.Cancel();
  ASSERT_TRUE(follower.WaitForEnd(std::chrono::seconds(30)));
}

TEST_F(DoorTest, TokensAreRereadOnSighup) {
  Start();
  std::string newcomer_line;
  const std::string newcomer =
      testing::NewToken("newcomer", "catalog", &newcomer_line);
  auto list = [&](const std::string& token) {
    auto stub = v1::ProgramService::NewStub(Channel(token));
    grpc::ClientContext ctx;
    v1::ListProgramsRequest req;
    v1::ListProgramsResponse resp;
    return stub->ListPrograms(&ctx, req, &resp).error_code();
  };
  EXPECT_EQ(list(newcomer), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(list(tokens_["catalog"]), grpc::StatusCode::OK);
  // The catalog caller is revoked, the newcomer added.
  token_lines_.erase(std::find_if(
      token_lines_.begin(), token_lines_.end(),
      [](const std::string& l) { return l.starts_with("catalog "); }));
  token_lines_.push_back(newcomer_line);
  WriteTokens();
  kill(server_->pid(), SIGHUP);
  for (int i = 0; i < 600 && list(newcomer) != grpc::StatusCode::OK; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(list(newcomer), grpc::StatusCode::OK);
  EXPECT_EQ(list(tokens_["catalog"]), grpc::StatusCode::UNAUTHENTICATED);
  // A broken file keeps the tokens loaded before.
  std::ofstream(dir_.path() + "/tokens") << "newcomer wizard 00\n";
  kill(server_->pid(), SIGHUP);
  for (int i = 0; i < 600 && server_->log().find("keeping the tokens") ==
                                 std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(server_->log().find("token file line 1: \"wizard\" is not a role"),
            std::string::npos)
      << server_->log();
  EXPECT_EQ(list(newcomer), grpc::StatusCode::OK);
}

TEST_F(DoorTest, WritesPastTheCallersRateAreRefused) {
  Start({"--max_writes_per_second=5"});
  Stubs portal(Channel(tokens_["portal"]));
  Stubs caseworker(Channel(tokens_["caseworker"]));
  auto upsert = [](Stubs& s, const std::string& id) {
    grpc::ClientContext ctx;
    v1::UpsertCompanyRequest req;
    req.mutable_company()->set_id(id);
    req.mutable_company()->set_name("속도");
    v1::UpsertCompanyResponse resp;
    return s.companies->UpsertCompany(&ctx, req, &resp);
  };
  int refused = 0;
  grpc::Status last;
  for (int i = 0; i < 30; ++i) {
    last = upsert(portal, absl::StrCat("R", i));
    if (last.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      EXPECT_NE(last.error_message().find("caller portal"), std::string::npos);
      // Refused before a handler: the reason leads the message.
      EXPECT_TRUE(last.error_message().starts_with("[RATE_LIMITED] "))
          << last.error_message();
    } else {
      EXPECT_TRUE(last.ok()) << last.error_message();
    }
  }
  // A burst of five, then about five a second: most of 30 quick writes.
  EXPECT_GT(refused, 0);
  // Another caller's budget is its own; reads are not limited.
  EXPECT_TRUE(upsert(caseworker, "X1").ok());
  grpc::ClientContext ctx;
  v1::ListProgramsRequest req;
  v1::ListProgramsResponse resp;
  EXPECT_TRUE(portal.programs->ListPrograms(&ctx, req, &resp).ok());
}

TEST_F(DoorTest, SigtermEndsFollowersAndTurnsHealthNotServingFirst) {
  Start({"--shutdown_grace_seconds=120"});
  LoadDemo();
  auto channel = Channel(tokens_["batch"]);
  auto stub = v1::RescoreService::NewStub(channel);
  {
    grpc::ClientContext ctx;
    v1::RescoreRequest req;
    req.set_as_of("2026-12-01");
    ASSERT_TRUE(Drain<v1::RescoreResponse>(stub->Rescore(&ctx, req)).ok());
  }
  // Served: it has had the feed's first alerts.
  Follower follower(stub.get(), 0);
  ASSERT_TRUE(follower.WaitForAlerts(std::chrono::seconds(60)));
  // A health watcher.
  auto health = grpc::health::v1::Health::NewStub(Channel(""));
  grpc::ClientContext watch_ctx;
  grpc::health::v1::HealthCheckRequest watch_req;
  watch_req.set_service("jiwon.v1.RescoreService");
  auto watch = health->Watch(&watch_ctx, watch_req);
  grpc::health::v1::HealthCheckResponse seen;
  ASSERT_TRUE(watch->Read(&seen));
  EXPECT_EQ(seen.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  kill(server_->pid(), SIGTERM);
  std::vector<grpc::health::v1::HealthCheckResponse::ServingStatus> states;
  while (watch->Read(&seen)) states.push_back(seen.status());
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.front(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  ASSERT_TRUE(follower.WaitForEnd(std::chrono::seconds(60)));
  // Ended by the server with where to resume, not cut at the grace period.
  EXPECT_EQ(follower.status().error_code(), grpc::StatusCode::UNAVAILABLE)
      << follower.status().error_message();
  EXPECT_NE(follower.status().error_message().find("resume with after="),
            std::string::npos)
      << follower.status().error_message();
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

}  // namespace
}  // namespace jiwon
