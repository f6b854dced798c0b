// What an attacker would send, through the real jiwond on 127.0.0.1: bytes
// that are no message, invalid UTF-8, nesting past protobuf's limit,
// messages over the size limits, numbers and dates at the ends of their
// types, empty requests, unknown enum values and fields, duplicate ids, on
// every RPC. Each is answered with its code and a message naming the field
// (or the message type), the server stays up, and a full dump of the store
// taken after the attack equals the one taken before.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/feedback_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"
#include "server/storage/store.h"
#include "server/wire_format.h"
#include "tests/e2e/process.h"
#include "tests/testing.h"

namespace jiwon {
namespace {

using grpc::StatusCode;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

template <typename M>
M FromJson(const std::string& json) {
  M m;
  auto s = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(s.ok()) << s.message() << ": " << json.substr(0, 200);
  return m;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  for (absl::string_view l :
       absl::StrSplit(testing::ReadFile(path), '\n', absl::SkipEmpty())) {
    out.emplace_back(l);
  }
  return out;
}

// One call of any kind, as bytes: writes `requests`, half-closes, reads
// every answer.
class RawCall
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  struct Outcome {
    grpc::Status status;
    std::vector<std::string> responses;
  };

  static Outcome Run(grpc::GenericStub* stub, const std::string& method,
                     std::vector<std::string> requests) {
    RawCall call(std::move(requests));
    call.ctx_.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(60));
    stub->PrepareBidiStreamingCall(&call.ctx_, method, grpc::StubOptions(),
                                   &call);
    call.StartRead(&call.in_);
    call.NextWrite();
    call.StartCall();
    Outcome out;
    out.status = call.done_.get_future().get();
    out.responses = std::move(call.responses_);
    return out;
  }

  void OnWriteDone(bool ok) override {
    if (ok) NextWrite();
  }
  void OnWritesDoneDone(bool) override {}
  void OnReadDone(bool ok) override {
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    (void)in_.Dump(&slices);
    std::string bytes;
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    responses_.push_back(std::move(bytes));
    StartRead(&in_);
  }
  void OnDone(const grpc::Status& s) override { done_.set_value(s); }

 private:
  explicit RawCall(std::vector<std::string> requests)
      : requests_(std::move(requests)) {}

  void NextWrite() {
    if (next_ == requests_.size()) {
      StartWritesDone();
      return;
    }
    grpc::Slice slice(requests_[next_]);
    out_ = grpc::ByteBuffer(&slice, 1);
    ++next_;
    StartWrite(&out_);
  }

  grpc::ClientContext ctx_;
  std::vector<std::string> requests_;
  size_t next_ = 0;
  grpc::ByteBuffer out_, in_;
  std::vector<std::string> responses_;
  std::promise<grpc::Status> done_;
};

// Every key and value of every table.
std::map<std::string, std::string> Dump(const std::string& data_dir) {
  std::map<std::string, std::string> out;
  storage::RocksDbOptions options;
  options.sync_writes = false;
  options.min_free_bytes = 0;
  auto store = storage::OpenRocksDbStore(data_dir, options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return out;
  for (storage::Table t : storage::kTables) {
    // Reads of personal data add access records: that is their purpose.
    if (t == storage::Table::kAccess) continue;
    absl::Status s = (*store)->Scan(
        t, "", [&](std::string_view key, std::string_view value) {
          out[absl::StrCat(storage::TableName(t), "/", std::string(key))] =
              std::string(value);
          return true;
        });
    EXPECT_TRUE(s.ok()) << s;
  }
  return out;
}

struct Case {
  std::string name;
  std::string method;  // "/jiwon.v1.Service/Method"
  std::vector<std::string> requests;
  StatusCode code;
  std::string needle;  // in the message; names the field or the type
};

// A length-delimited field in the wire format.
std::string Field(int number, const std::string& bytes) {
  std::string out;
  server::wire::AppendString(&out, number, bytes);
  return out;
}

template <typename M>
int FieldNumber(const char* name) {
  return M::descriptor()->FindFieldByName(name)->number();
}

Case One(std::string name, std::string method,
         const google::protobuf::Message& request, StatusCode code,
         std::string needle) {
  return {std::move(name),
          std::move(method),
          {request.SerializeAsString()},
          code,
          std::move(needle)};
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() + "/data";
    Start();
    ASSERT_TRUE(server_->ok()) << server_->log();
    Load();
  }

  void Start() {
    server_ = std::make_unique<testing::ServerProcess>(dir_.path(), data_);
    if (!server_->ok()) return;
    channel_ = grpc::CreateChannel(server_->addr(),
                                   grpc::InsecureChannelCredentials());
    generic_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  // The demo catalog and companies, a feedback record and a rescore run,
  // so that every table holds something an attack could damage.
  void Load() {
    auto programs = v1::ProgramService::NewStub(channel_);
    for (const std::string& line :
         Lines(std::string(JIWON_DEMO_DIR) + "/programs.jsonl")) {
      v1::UpsertProgramRequest req;
      *req.mutable_program() = FromJson<v1::Program>(line);
      v1::UpsertProgramResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(programs->UpsertProgram(&ctx, req, &resp).ok());
      if (program_json_.empty()) program_json_ = line;
    }
    auto companies = v1::CompanyService::NewStub(channel_);
    for (const std::string& line :
         Lines(std::string(JIWON_DEMO_DIR) + "/companies.jsonl")) {
      v1::UpsertCompanyRequest req;
      *req.mutable_company() = FromJson<v1::Company>(line);
      v1::UpsertCompanyResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(companies->UpsertCompany(&ctx, req, &resp).ok());
      if (company_json_.empty()) company_json_ = line;
    }
    auto feedback = v1::FeedbackService::NewStub(channel_);
    {
      v1::RecordFeedbackRequest req;
      req.mutable_feedback()->set_company_id("C0001");
      req.mutable_feedback()->set_program_id(Program().id());
      req.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_SAVED);
      v1::RecordFeedbackResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(feedback->RecordFeedback(&ctx, req, &resp).ok());
    }
    auto rescore = v1::RescoreService::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::RescoreRequest req;
    auto reader = rescore->Rescore(&ctx, req);
    v1::RescoreResponse resp;
    while (reader->Read(&resp)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }

  // Stops the server, dumps the store and starts the server again.
  std::map<std::string, std::string> StopAndDump() {
    EXPECT_EQ(server_->Stop(), 0) << server_->log();
    std::map<std::string, std::string> dump = Dump(data_);
    Start();
    return dump;
  }

  v1::Company Company() const { return FromJson<v1::Company>(company_json_); }
  v1::Program Program() const { return FromJson<v1::Program>(program_json_); }

  RawCall::Outcome Call(const std::string& method,
                        std::vector<std::string> requests) {
    return RawCall::Run(generic_.get(), method, std::move(requests));
  }

  testing::TempDir dir_;
  std::string data_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> generic_;
  std::string company_json_, program_json_;
};

// Bytes that decode as no message at all, on every method: the callback
// API's bare UNIMPLEMENTED becomes INVALID_ARGUMENT naming the type.
std::vector<Case> GarbageCases() {
  std::vector<Case> out;
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : {"jiwon.v1.CompanyService", "jiwon.v1.ProgramService",
                           "jiwon.v1.MatchService", "jiwon.v1.FeedbackService",
                           "jiwon.v1.RescoreService"}) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(name);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = service->method(i);
      if (m->client_streaming()) continue;  // the imports: see below
      for (const std::string& bytes :
           {std::string("\xff\xff\xff\xff"), std::string("\x0a\x05"
                                                         "ab",
                                                         4)}) {
        out.push_back(
            {absl::StrCat(m->name(), " garbage ", bytes.size()),
             absl::StrCat("/", name, "/", m->name()),
             {bytes},
             StatusCode::INVALID_ARGUMENT,
             absl::StrCat("not a valid ", m->input_type()->full_name())});
      }
    }
  }
  return out;
}

TEST_F(HostileInputTest, EveryCaseIsAnsweredAndChangesNothing) {
  const std::map<std::string, std::string> before = StopAndDump();
  ASSERT_TRUE(server_->ok()) << server_->log();
  ASSERT_GT(before.size(), 400u);

  const std::string kUpsertCompany = "/jiwon.v1.CompanyService/UpsertCompany";
  const std::string kUpsertProgram = "/jiwon.v1.ProgramService/UpsertProgram";
  const std::string kRecommend = "/jiwon.v1.MatchService/Recommend";
  std::vector<Case> cases = GarbageCases();
  auto company_case = [&](std::string name,
                          const std::function<void(v1::Company*)>& change,
                          StatusCode code, std::string needle) {
    v1::UpsertCompanyRequest req;
    *req.mutable_company() = Company();
    change(req.mutable_company());
    cases.push_back(
        One(std::move(name), kUpsertCompany, req, code, std::move(needle)));
  };
  auto program_case = [&](std::string name,
                          const std::function<void(v1::Program*)>& change,
                          StatusCode code, std::string needle) {
    v1::UpsertProgramRequest req;
    *req.mutable_program() = Program();
    change(req.mutable_program());
    cases.push_back(
        One(std::move(name), kUpsertProgram, req, code, std::move(needle)));
  };
  const StatusCode kBad = StatusCode::INVALID_ARGUMENT;

  // --- companies: each a real profile with one thing wrong
  company_case(
      "name in CP949", [](v1::Company* c) { c->set_name("\xc7\xd1\xba\xfb"); },
      kBad, "not a valid jiwon.v1.UpsertCompanyRequest");
  company_case(
      "empty id", [](v1::Company* c) { c->set_id(""); }, kBad, "company.id");
  company_case(
      "id of 65 characters",
      [](v1::Company* c) { c->set_id(std::string(65, 'a')); }, kBad,
      "company.id");
  company_case(
      "id with a slash", [](v1::Company* c) { c->set_id("a/b"); }, kBad,
      "company.id");
  company_case(
      "id with a NUL",
      [](v1::Company* c) { c->set_id(std::string("a\0b", 3)); }, kBad,
      "company.id");
  company_case(
      "founded 9999-12-31",
      [](v1::Company* c) { c->set_founded_on("9999-12-31"); }, kBad,
      "company.founded_on");
  company_case(
      "founded tomorrow and beyond",
      [](v1::Company* c) { c->set_founded_on("2199-12-31"); }, kBad,
      "company.founded_on");
  company_case(
      "founded 0001-01-01",
      [](v1::Company* c) { c->set_founded_on("0001-01-01"); }, kBad,
      "company.founded_on");
  company_case(
      "founded 2026-02-30",
      [](v1::Company* c) { c->set_founded_on("2026-02-30"); }, kBad,
      "company.founded_on");
  company_case(
      "CEO born 9999-12-31",
      [](v1::Company* c) { c->add_ceos()->set_birth_date("9999-12-31"); }, kBad,
      "birth_date");
  company_case(
      "CEO born in 2150",
      [](v1::Company* c) { c->add_ceos()->set_birth_date("2150-01-01"); }, kBad,
      "birth_date");
  company_case(
      "assets at INT64_MAX",
      [](v1::Company* c) { c->set_total_assets_won(kInt64Max); }, kBad,
      "company.total_assets_won");
  company_case(
      "assets at INT64_MIN",
      [](v1::Company* c) { c->set_total_assets_won(kInt64Min); }, kBad,
      "company.total_assets_won");
  company_case(
      "employees at INT32_MAX",
      [](v1::Company* c) { c->set_regular_employees(kInt32Max); }, kBad,
      "company.regular_employees");
  company_case(
      "revenue at INT64_MAX",
      [](v1::Company* c) {
        v1::FiscalYear* y = c->add_fiscal_years();
        y->set_year(2020);
        y->set_revenue_won(kInt64Max);
      },
      kBad, "revenue_won");
  company_case(
      "fiscal year 99999",
      [](v1::Company* c) { c->add_fiscal_years()->set_year(99999); }, kBad,
      ".year");
  company_case(
      "a fiscal year twice",
      [](v1::Company* c) {
        c->add_fiscal_years()->set_year(2020);
        c->add_fiscal_years()->set_year(2020);
      },
      kBad, "appears twice");
  company_case(
      "participation of INT64_MAX won",
      [](v1::Company* c) {
        v1::Participation* p = c->mutable_participations()->add_items();
        p->set_program_id("X-1");
        p->set_year(2026);
        p->set_amount_won(kInt64Max);
      },
      kBad, "amount_won");
  company_case(
      "unknown region",
      [](v1::Company* c) { c->set_head_office_region("99999"); }, kBad,
      "company.head_office_region");
  company_case(
      "unknown KSIC", [](v1::Company* c) { c->set_primary_industry("99999"); },
      kBad, "company.primary_industry");
  company_case(
      "bad business number",
      [](v1::Company* c) { c->set_business_number("1234567890"); }, kBad,
      "company.business_number");
  company_case(
      "1000 site regions",
      [](v1::Company* c) {
        for (int i = 0; i < 1000; ++i)
          c->mutable_site_regions()->add_codes("41610");
      },
      kBad, "company.site_regions.codes");
  company_case(
      "unknown field 999",
      [](v1::Company* c) {
        c->GetReflection()->MutableUnknownFields(c)->AddVarint(999, 1);
      },
      kBad, "has field number 999");
  company_case(
      "a 2 MiB name",
      [](v1::Company* c) { c->set_name(std::string(2 << 20, 'a')); }, kBad,
      "company: record is");
  company_case(
      "a 9 MiB name",
      [](v1::Company* c) { c->set_name(std::string(9 << 20, 'a')); },
      StatusCode::RESOURCE_EXHAUSTED, "");
  cases.push_back({"UpsertCompany with no company",
                   kUpsertCompany,
                   {""},
                   kBad,
                   "company: must be set"});
  cases.push_back(
      {"UpsertCompany with no message at all", kUpsertCompany, {}, kBad, ""});

  // --- programs
  program_case(
      "points at INT32_MAX",
      [](v1::Program* p) {
        v1::Rule* r = p->add_rules();
        *r = p->rules(0);
        r->set_id("bonus");
        r->set_kind(v1::RULE_KIND_BONUS);
        r->set_points(kInt32Max);
      },
      kBad, ".points");
  program_case(
      "bonus cap at INT32_MAX",
      [](v1::Program* p) { p->set_bonus_cap(kInt32Max); }, kBad,
      "program.bonus_cap");
  program_case(
      "range min at INT64_MIN, exclusive",
      [](v1::Program* p) {
        v1::Predicate* q =
            p->mutable_rules(0)->mutable_condition()->mutable_predicate();
        q->set_fact(v1::FACT_REVENUE_LATEST_WON);
        q->set_op(v1::OPERATOR_RANGE);
        q->clear_codes();
        q->set_min(kInt64Min);
        q->set_min_exclusive(true);
      },
      kBad, "predicate.min");
  program_case(
      "range max at INT64_MAX, exclusive",
      [](v1::Program* p) {
        v1::Predicate* q =
            p->mutable_rules(0)->mutable_condition()->mutable_predicate();
        q->set_fact(v1::FACT_TOTAL_ASSETS_WON);
        q->set_op(v1::OPERATOR_RANGE);
        q->clear_codes();
        q->set_max(kInt64Max);
        q->set_max_exclusive(true);
      },
      kBad, "predicate.max");
  program_case(
      "unknown fact 999",
      [](v1::Program* p) {
        p->mutable_rules(0)->mutable_condition()->mutable_predicate()->set_fact(
            static_cast<v1::Fact>(999));
      },
      kBad, "rules[0].condition.predicate");
  program_case(
      "unknown category 999",
      [](v1::Program* p) { p->set_category(static_cast<v1::Category>(999)); },
      kBad, "program.category");
  program_case(
      "a rule id twice", [](v1::Program* p) { *p->add_rules() = p->rules(0); },
      kBad, "appears twice");
  program_case(
      "nested 20 deep",
      [](v1::Program* p) {
        v1::Condition leaf = p->rules(0).condition();
        v1::Condition c = leaf;
        for (int i = 0; i < 20; ++i) {
          v1::Condition up;
          *up.mutable_all()->add_items() = c;
          c = up;
        }
        *p->mutable_rules(0)->mutable_condition() = c;
      },
      kBad, "nests deeper than");
  {
    // Past protobuf's recursion limit (100): the bytes do not decode.
    std::string deep = Program().rules(0).condition().SerializeAsString();
    for (int i = 0; i < 200; ++i) {
      deep = Field(2, Field(1, deep));  // Condition.all.items
    }
    v1::UpsertProgramRequest req;
    *req.mutable_program() = Program();
    const std::string rule = Field(FieldNumber<v1::Rule>("condition"), deep);
    const std::string program = Field(FieldNumber<v1::Program>("rules"), rule);
    cases.push_back(
        {"nested 200 deep (past protobuf's limit)",
         kUpsertProgram,
         {req.SerializeAsString() +
          Field(FieldNumber<v1::UpsertProgramRequest>("program"), program)},
         kBad,
         "not a valid jiwon.v1.UpsertProgramRequest"});
  }
  program_case(
      "window closing before it opens",
      [](v1::Program* p) {
        p->mutable_window()->set_kind(v1::WINDOW_KIND_FIXED);
        p->mutable_window()->clear_rounds();
        p->mutable_window()->set_opens_on("2026-05-01");
        p->mutable_window()->set_closes_on("2026-04-01");
      },
      kBad, "program.window.closes_on");
  program_case(
      "window in year 9999",
      [](v1::Program* p) {
        p->mutable_window()->set_kind(v1::WINDOW_KIND_FIXED);
        p->mutable_window()->clear_rounds();
        p->mutable_window()->set_closes_on("9999-12-31");
      },
      kBad, "program.window.closes_on");
  program_case(
      "unknown field 4000",
      [](v1::Program* p) {
        p->GetReflection()->MutableUnknownFields(p)->AddLengthDelimited(4000,
                                                                        "x");
      },
      kBad, "has field number 4000");
  program_case(
      "title of 5000 bytes",
      [](v1::Program* p) { p->set_title(std::string(5000, 'a')); }, kBad,
      "program.title");
  cases.push_back({"UpsertProgram with no program",
                   kUpsertProgram,
                   {""},
                   kBad,
                   "program: must be set"});

  // --- lookups and listings
  auto simple = [&](std::string name, std::string method,
                    const google::protobuf::Message& m, StatusCode code,
                    std::string needle) {
    cases.push_back(
        One(std::move(name), std::move(method), m, code, std::move(needle)));
  };
  simple("GetCompany empty", "/jiwon.v1.CompanyService/GetCompany",
         v1::GetCompanyRequest(), kBad, "company_id");
  {
    v1::GetCompanyRequest r;
    r.set_company_id(std::string(100000, 'x'));
    simple("GetCompany 100 KB id", "/jiwon.v1.CompanyService/GetCompany", r,
           kBad, "company_id");
  }
  simple("DeleteCompany empty", "/jiwon.v1.CompanyService/DeleteCompany",
         v1::DeleteCompanyRequest(), kBad, "company_id");
  {
    v1::DeleteCompanyRequest r;
    r.set_company_id("NOPE");
    simple("DeleteCompany unknown", "/jiwon.v1.CompanyService/DeleteCompany", r,
           StatusCode::NOT_FOUND, "NOPE");
  }
  for (int size : {-1, kInt32Max}) {
    v1::ListCompaniesRequest r;
    r.set_page_size(size);
    simple(absl::StrCat("ListCompanies page_size ", size),
           "/jiwon.v1.CompanyService/ListCompanies", r, kBad, "page_size");
    v1::ListProgramsRequest p;
    p.set_page_size(size);
    simple(absl::StrCat("ListPrograms page_size ", size),
           "/jiwon.v1.ProgramService/ListPrograms", p, kBad, "page_size");
  }
  {
    v1::ListCompaniesRequest r;
    r.set_page_token(std::string(100000, 'x'));
    simple("ListCompanies 100 KB token",
           "/jiwon.v1.CompanyService/ListCompanies", r, kBad, "page_token");
  }
  simple("GetProgram empty", "/jiwon.v1.ProgramService/GetProgram",
         v1::GetProgramRequest(), kBad, "program_id");
  // --- writes that read an older version
  {
    v1::UpsertProgramRequest stale;
    *stale.mutable_program() = Program();
    stale.set_expected_version(999999);
    simple("UpsertProgram with a stale expected_version", kUpsertProgram, stale,
           StatusCode::ABORTED, "expected_version");
    v1::DeleteProgramRequest gone;
    gone.set_program_id(Program().id());
    gone.set_expected_version(-5);
    simple("DeleteProgram with a stale expected_version",
           "/jiwon.v1.ProgramService/DeleteProgram", gone, StatusCode::ABORTED,
           "expected_version");
  }
  // --- prose and review
  {
    v1::ProposeRulesRequest r;
    r.set_text(std::string((1 << 20) + 1, 'a'));
    simple("ProposeRules over 1 MiB", "/jiwon.v1.ProgramService/ProposeRules",
           r, kBad, "text");
    v1::ProposeRulesRequest region;
    region.set_text("도내 소재 기업");
    region.add_issuer_regions("<script>41");
    simple("ProposeRules issuer region not a code",
           "/jiwon.v1.ProgramService/ProposeRules", region, kBad,
           "issuer_regions[0]");
    v1::ProposeRulesRequest section;
    section.set_text("창업 7년 이내");
    section.set_section(static_cast<v1::ProseSection>(77));
    simple("ProposeRules section out of range",
           "/jiwon.v1.ProgramService/ProposeRules", section, kBad, "section");
    v1::ProposeRulesRequest id;
    id.set_text("연간 최대 2회");
    id.set_program_id(std::string(100, '/'));
    simple("ProposeRules program_id malformed",
           "/jiwon.v1.ProgramService/ProposeRules", id, kBad, "program_id");
    v1::PublishDraftRequest none;
    simple("PublishDraft empty", "/jiwon.v1.ProgramService/PublishDraft", none,
           kBad, "program_id");
    v1::PublishDraftRequest missing;
    missing.set_program_id("bizinfo-PBLN_000000000000009");
    simple("PublishDraft of no draft", "/jiwon.v1.ProgramService/PublishDraft",
           missing, StatusCode::NOT_FOUND, "no draft");
  }
  simple("DeleteProgram empty", "/jiwon.v1.ProgramService/DeleteProgram",
         v1::DeleteProgramRequest(), kBad, "program_id");
  for (const char* as_of :
       {"0001-01-01", "9999-12-31", "2026-13-01", "26-1-1"}) {
    v1::ListProgramsRequest r;
    r.set_as_of(as_of);
    simple(absl::StrCat("ListPrograms as_of ", as_of),
           "/jiwon.v1.ProgramService/ListPrograms", r, kBad, "as_of");
  }
  {
    v1::ListProgramsRequest r;
    r.set_window_status(static_cast<v1::WindowStatus>(99));
    simple("ListPrograms window_status 99",
           "/jiwon.v1.ProgramService/ListPrograms", r, kBad, "window_status");
    v1::ListProgramsRequest c;
    c.add_categories(static_cast<v1::Category>(999));
    simple("ListPrograms category 999", "/jiwon.v1.ProgramService/ListPrograms",
           c, kBad, "categories[0]");
    v1::ListProgramsRequest g;
    g.set_region("99999");
    simple("ListPrograms unknown region",
           "/jiwon.v1.ProgramService/ListPrograms", g, kBad, "region");
  }

  // --- matching
  simple("Recommend empty", kRecommend, v1::RecommendRequest(), kBad,
         "company_id or profile");
  for (const char* as_of : {"0001-01-01", "9999-12-31", "2026-02-29"}) {
    v1::RecommendRequest r;
    r.set_company_id("C0001");
    r.set_as_of(as_of);
    simple(absl::StrCat("Recommend as_of ", as_of), kRecommend, r, kBad,
           "as_of");
  }
  {
    v1::RecommendRequest r;
    r.set_company_id("C0001");
    r.set_limit(-5);
    simple("Recommend limit -5", kRecommend, r, kBad, "limit");
    v1::RecommendRequest c;
    c.set_company_id("C0001");
    c.add_categories(static_cast<v1::Category>(-3));
    simple("Recommend category -3", kRecommend, c, kBad, "categories[0]");
    v1::RecommendRequest p;
    *p.mutable_profile() = Company();
    p.mutable_profile()->set_founded_on("9999-12-31");
    simple("Recommend inline profile founded 9999", kRecommend, p, kBad,
           "company.founded_on");
    v1::RecommendRequest u;
    u.set_company_id("NOPE");
    simple("Recommend unknown company", kRecommend, u, StatusCode::NOT_FOUND,
           "NOPE");
  }
  simple("Explain empty", "/jiwon.v1.MatchService/Explain",
         v1::ExplainRequest(), kBad, "");
  {
    v1::ExplainRequest r;
    r.set_company_id("C0001");
    r.set_program_id(std::string(70, 'p'));
    simple("Explain 70-character program id", "/jiwon.v1.MatchService/Explain",
           r, kBad, "program_id");
  }
  simple("NextQuestions empty", "/jiwon.v1.MatchService/NextQuestions",
         v1::NextQuestionsRequest(), kBad, "company_id or profile");
  {
    v1::WhoQualifiesRequest r;
    r.set_program_id(Program().id());
    r.set_as_of("0050-01-01");
    simple("WhoQualifies as_of in year 50",
           "/jiwon.v1.MatchService/WhoQualifies", r, kBad, "as_of");
    v1::WhoQualifiesRequest e;
    simple("WhoQualifies empty", "/jiwon.v1.MatchService/WhoQualifies", e, kBad,
           "program_id");
  }

  // --- feedback
  simple("RecordFeedback empty", "/jiwon.v1.FeedbackService/RecordFeedback",
         v1::RecordFeedbackRequest(), kBad, "feedback.company_id");
  {
    v1::RecordFeedbackRequest r;
    r.mutable_feedback()->set_company_id("C0001");
    r.mutable_feedback()->set_program_id(Program().id());
    r.mutable_feedback()->set_kind(static_cast<v1::FeedbackKind>(99));
    simple("RecordFeedback kind 99", "/jiwon.v1.FeedbackService/RecordFeedback",
           r, kBad, "feedback.kind");
    r.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_DISMISSED);
    r.mutable_feedback()->set_note(std::string(3000, 'n'));
    simple("RecordFeedback 3000-byte note",
           "/jiwon.v1.FeedbackService/RecordFeedback", r, kBad,
           "feedback.note");
    r.mutable_feedback()->clear_note();
    r.mutable_feedback()->set_program_id("NOPE");
    simple("RecordFeedback unknown program",
           "/jiwon.v1.FeedbackService/RecordFeedback", r, StatusCode::NOT_FOUND,
           "NOPE");
  }
  simple("DeleteFeedback empty", "/jiwon.v1.FeedbackService/DeleteFeedback",
         v1::DeleteFeedbackRequest(), kBad, "company_id");
  simple("ListFeedback empty", "/jiwon.v1.FeedbackService/ListFeedback",
         v1::ListFeedbackRequest(), kBad, "company_id");

  // --- rescoring and the alert feed
  {
    v1::GetResultsRequest r;
    r.set_company_id(std::string(100000, 'x'));
    simple("GetResults 100 KB id", "/jiwon.v1.RescoreService/GetResults", r,
           kBad, "company_id");
    v1::RescoreRequest s;
    s.set_shard_index(5);
    s.set_shard_count(3);
    simple("Rescore shard 5 of 3", "/jiwon.v1.RescoreService/Rescore", s, kBad,
           "shard");
    v1::RescoreRequest a;
    a.set_as_of("9999-12-31");
    simple("Rescore as_of 9999", "/jiwon.v1.RescoreService/Rescore", a, kBad,
           "as_of");
  }
  for (const char* after :
       {"18446744073709551615", "18446744073709551616", "-1", "abc", "1e9"}) {
    v1::ReadAlertsRequest r;
    r.set_after(after);
    const bool parses = std::string(after) == "18446744073709551615";
    simple(absl::StrCat("ReadAlerts after ", after),
           "/jiwon.v1.RescoreService/ReadAlerts", r,
           parses ? StatusCode::OUT_OF_RANGE : kBad,
           parses ? "has not been made" : "after");
  }
  {
    v1::ReadAlertsRequest r;
    r.set_limit(-1);
    simple("ReadAlerts limit -1", "/jiwon.v1.RescoreService/ReadAlerts", r,
           kBad, "limit");
  }

  int answered = 0;
  for (const Case& c : cases) {
    const RawCall::Outcome got = Call(c.method, c.requests);
    EXPECT_EQ(got.status.error_code(), c.code)
        << c.name << ": " << got.status.error_message();
    EXPECT_NE(got.status.error_message().find(c.needle), std::string::npos)
        << c.name << ": \"" << got.status.error_message() << "\" names no \""
        << c.needle << "\"";
    answered += got.status.error_code() == c.code;
  }
  std::cout << cases.size() << " hostile cases, " << answered
            << " answered as expected\n";
  EXPECT_GE(cases.size(), 110u);

  // The server is still up, and nothing was stored.
  {
    v1::GetCompanyRequest r;
    r.set_company_id("C0001");
    const RawCall::Outcome got =
        Call("/jiwon.v1.CompanyService/GetCompany", {r.SerializeAsString()});
    EXPECT_TRUE(got.status.ok()) << got.status.error_message();
  }
  const std::map<std::string, std::string> after = StopAndDump();
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    if (it == after.end()) {
      ADD_FAILURE() << key << " is gone";
    } else if (it->second != value) {
      ADD_FAILURE() << key << " changed";
    }
  }
}

// An import of good, undecodable (a name in CP949 bytes), garbage and good
// records: every record after the bad ones is still read and stored, and
// each bad one is reported by position with the reason.
TEST_F(HostileInputTest, ImportsGoOnPastRecordsThatDoNotDecode) {
  auto record = [&](const std::string& id, const std::string& name) {
    v1::ImportCompaniesRequest r;
    *r.mutable_company() = Company();
    r.mutable_company()->set_id(id);
    r.mutable_company()->set_name(name);
    return r.SerializeAsString();
  };
  const RawCall::Outcome got =
      Call("/jiwon.v1.CompanyService/ImportCompanies",
           {record("N1", "좋은회사"), record("N2", "\xc7\xd1\xba\xfb"),
            std::string("\xff\xff\xff"), record("N3", "좋은회사")});
  ASSERT_TRUE(got.status.ok()) << got.status.error_message();
  ASSERT_EQ(got.responses.size(), 1u);
  v1::ImportCompaniesResponse resp;
  ASSERT_TRUE(resp.ParseFromString(got.responses[0]));
  EXPECT_EQ(resp.received(), 4);
  EXPECT_EQ(resp.accepted(), 2);
  ASSERT_EQ(resp.errors_size(), 2);
  EXPECT_EQ(resp.errors(0).index(), 1);
  EXPECT_NE(resp.errors(0).message().find("not UTF-8"), std::string::npos)
      << resp.errors(0).message();
  EXPECT_EQ(resp.errors(1).index(), 2);
  auto companies = v1::CompanyService::NewStub(channel_);
  for (const char* id : {"N1", "N3"}) {
    v1::GetCompanyRequest r;
    r.set_company_id(id);
    v1::GetCompanyResponse c;
    grpc::ClientContext ctx;
    EXPECT_TRUE(companies->GetCompany(&ctx, r, &c).ok()) << id;
  }
  // Many records, stored in batches: every 7th is refused, by position,
  // and all the others are stored.
  std::vector<std::string> many;
  std::vector<int> want_bad;
  for (int i = 0; i < 600; ++i) {
    v1::ImportCompaniesRequest r;
    *r.mutable_company() = Company();
    r.mutable_company()->set_id(absl::StrCat("M", i));
    if (i % 7 == 3) {
      r.mutable_company()->set_head_office_region("99999");
      want_bad.push_back(i);
    }
    many.push_back(r.SerializeAsString());
  }
  const RawCall::Outcome batch =
      Call("/jiwon.v1.CompanyService/ImportCompanies", many);
  ASSERT_TRUE(batch.status.ok()) << batch.status.error_message();
  v1::ImportCompaniesResponse bresp;
  ASSERT_TRUE(bresp.ParseFromString(batch.responses.at(0)));
  EXPECT_EQ(bresp.received(), 600);
  EXPECT_EQ(bresp.accepted(), 600 - static_cast<int>(want_bad.size()));
  std::vector<int> bad;
  for (const v1::ImportError& e : bresp.errors()) bad.push_back(e.index());
  EXPECT_EQ(bad, want_bad);
  {
    v1::ListCompaniesRequest r;
    r.set_page_size(1000);
    int stored = 0;
    do {
      v1::ListCompaniesResponse list;
      grpc::ClientContext ctx;
      ASSERT_TRUE(companies->ListCompanies(&ctx, r, &list).ok());
      for (const v1::Company& c : list.companies()) {
        stored += c.id().starts_with("M");
      }
      r.set_page_token(list.next_page_token());
    } while (!r.page_token().empty());
    EXPECT_EQ(stored, bresp.accepted());
  }
  // A stream of garbage ends once 10,000 records are refused, saying so.
  const RawCall::Outcome endless =
      Call("/jiwon.v1.CompanyService/ImportCompanies",
           std::vector<std::string>(10'050, std::string("\xff\xff\xff")));
  EXPECT_EQ(endless.status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(endless.status.error_message().find("import stopped at record "
                                                "10000: more than 10000"),
            std::string::npos)
      << endless.status.error_message();
  EXPECT_EQ(testing::ReasonInDetails(endless.status), "IMPORT_STOPPED");
  // Programs the same way.
  v1::ImportProgramsRequest good;
  *good.mutable_program() = Program();
  good.mutable_program()->set_id("imported-after-garbage");
  const RawCall::Outcome programs =
      Call("/jiwon.v1.ProgramService/ImportPrograms",
           {std::string("\x0a\xff", 2), good.SerializeAsString()});
  ASSERT_TRUE(programs.status.ok()) << programs.status.error_message();
  v1::ImportProgramsResponse presp;
  ASSERT_EQ(programs.responses.size(), 1u);
  ASSERT_TRUE(presp.ParseFromString(programs.responses[0]));
  EXPECT_EQ(presp.received(), 2);
  EXPECT_EQ(presp.accepted(), 1);
  ASSERT_EQ(presp.errors_size(), 1);
  EXPECT_NE(presp.errors(0).message().find("record 0"), std::string::npos);

  // Feed records: undecodable bytes, no JSON, JSON that is no object, a
  // record over 1 MiB, no feed, deep nesting and a period in no known form
  // are each refused by position; the good record after them is read.
  auto announcement = [](v1::Feed feed, std::string json) {
    v1::ImportAnnouncementsRequest r;
    r.set_feed(feed);
    r.set_record_json(std::move(json));
    return r.SerializeAsString();
  };
  const std::string good_item =
      R"({"pblancId":"PBLN_000000000999999","pblancNm":"[경기] 시험 공고",)"
      R"("reqstBeginEndDe":"2026-04-13 ~ 2026-04-28"})";
  const RawCall::Outcome feed = Call(
      "/jiwon.v1.ProgramService/ImportAnnouncements",
      {std::string("\x0a\xff", 2), announcement(v1::FEED_BIZINFO, "{not json"),
       announcement(v1::FEED_BIZINFO, "[1,2]"),
       announcement(v1::FEED_BIZINFO, R"({"pblancId":"PBLN_1","pblancNm":")" +
                                          std::string(2 << 20, 'a') + R"("})"),
       announcement(v1::FEED_UNSPECIFIED, good_item),
       announcement(v1::FEED_BIZINFO,
                    std::string(100'000, '[') + std::string(100'000, ']')),
       announcement(v1::FEED_BIZINFO,
                    R"({"pblancId":"PBLN_000000000999998","pblancNm":"x",)"
                    R"("reqstBeginEndDe":"공고문 참조"})"),
       announcement(v1::FEED_BIZINFO, good_item)});
  ASSERT_TRUE(feed.status.ok()) << feed.status.error_message();
  v1::ImportAnnouncementsResponse fresp;
  ASSERT_EQ(feed.responses.size(), 1u);
  ASSERT_TRUE(fresp.ParseFromString(feed.responses[0]));
  EXPECT_EQ(fresp.received(), 8);
  EXPECT_EQ(fresp.created(), 1);
  ASSERT_EQ(fresp.errors_size(), 7);
  EXPECT_NE(fresp.errors(1).message().find("record_json: not JSON"),
            std::string::npos)
      << fresp.errors(1).message();
  EXPECT_NE(fresp.errors(3).message().find("at most 1048576"),
            std::string::npos)
      << fresp.errors(3).message();
  EXPECT_NE(fresp.errors(4).message().find("feed: must be"), std::string::npos);
  EXPECT_NE(fresp.errors(5).message().find("nest deeper than 16 levels"),
            std::string::npos)
      << fresp.errors(5).message();
  EXPECT_NE(fresp.errors(6).message().find("reqstBeginEndDe: the application "
                                           "period \"공고문 참조\""),
            std::string::npos)
      << fresp.errors(6).message();
}

}  // namespace
}  // namespace jiwon
