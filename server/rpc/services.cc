#include "server/rpc/services.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/app/page_token.h"
#include "server/convert.h"
#include "server/log.h"
#include "server/response_wire.h"

namespace jiwon::rpc {
namespace {

// A request's optional expected_version.
template <typename Request>
std::optional<int64_t> ExpectedVersion(const Request& r) {
  return r.has_expected_version() ? std::optional<int64_t>(r.expected_version())
                                  : std::nullopt;
}

absl::Status CheckSize(const google::protobuf::Message& m,
                       std::string_view field) {
  const size_t size = m.ByteSizeLong();
  if (size > kMaxRecordBytes) {
    return engine::FieldStatus(
        field, engine::reason::kRecordTooLarge,
        absl::StrCat("record is ", size, " bytes; at most ", kMaxRecordBytes,
                     " allowed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<engine::Date> AsOf(const std::string& text) {
  if (text.empty()) return app::TodayInKorea();
  std::vector<engine::FieldError> errors;
  std::optional<engine::Date> d =
      server::ParseDateField("as_of", text, &errors);
  if (!d) return engine::ErrorsToStatus(errors);
  return *d;
}

absl::StatusOr<std::vector<engine::Category>> Categories(
    const google::protobuf::RepeatedField<int>& in) {
  std::vector<engine::Category> out;
  for (int i = 0; i < in.size(); ++i) {
    std::optional<engine::Category> c = server::CategoryFromProto(in.Get(i));
    if (!c) {
      return absl::InvalidArgumentError(
          absl::StrCat("categories[", i, "]: unknown category ", in.Get(i)));
    }
    out.push_back(*c);
  }
  return out;
}

// What a scoped caller is told of a company outside its scope: what it
// would be told of one that does not exist (the registry's words).
absl::Status HiddenCompany(std::string_view company_id) {
  return engine::WithReason(
      absl::NotFoundError(absl::StrCat("company \"", std::string(company_id),
                                       "\" does not exist")),
      engine::reason::kCompanyNotFound);
}

// A company outside the caller's scope is answered as one that does not
// exist: a scoped caller learns nothing of it.
absl::Status InScope(const app::Registry& registry, const CallerInfo& caller,
                     std::string_view company_id) {
  if (caller.scope.empty()) return absl::OkStatus();
  absl::StatusOr<v1::Company> c = registry.GetCompany(company_id);
  if (!c.ok()) return c.status();
  if (!caller.scope.Admits(*c)) return HiddenCompany(company_id);
  return absl::OkStatus();
}

template <typename Request>
absl::StatusOr<engine::Company> Subject(const app::Registry& registry,
                                        const CallerInfo& caller,
                                        const Request& req) {
  switch (req.subject_case()) {
    case Request::kCompanyId:
      if (absl::Status s = InScope(registry, caller, req.company_id());
          !s.ok()) {
        return s;
      }
      return registry.LoadCompany(req.company_id());
    case Request::kProfile: {
      if (absl::Status s = CheckSize(req.profile(), "profile"); !s.ok()) {
        return s;
      }
      v1::Company profile = req.profile();
      server::NormalizeCompany(&profile);
      return registry.ToDomain(profile);
    }
    default:
      return absl::InvalidArgumentError(
          "company_id or profile: one of them must be set");
  }
}

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx,
                               const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The personal fields `c` holds, by name.
std::vector<std::string> PersonalFields(const v1::Company& c) {
  std::vector<std::string> out;
  if (c.has_business_number()) out.push_back("business_number");
  if (c.has_corporate_number()) out.push_back("corporate_number");
  bool names = false, births = false;
  for (const v1::Ceo& ceo : c.ceos()) {
    names |= !ceo.name().empty();
    births |= ceo.has_birth_date();
  }
  if (names) out.push_back("ceos.name");
  if (births) out.push_back("ceos.birth_date");
  return out;
}

// Writes the access record of a call that returns personal fields; the
// answer goes out only if it was written.
absl::Status RecordAccess(app::AccessLog* log, const CallerInfo& caller,
                          const grpc::CallbackServerContext* ctx,
                          std::string_view method,
                          std::vector<std::string> company_ids,
                          std::vector<std::string> fields) {
  if (company_ids.empty()) return absl::OkStatus();
  v1::AccessRecord r;
  r.set_caller(caller.name);
  r.set_role(std::string(app::RoleName(caller.role)));
  r.set_peer(ctx->peer());
  // A call of the HTTP gateway comes through the in-process channel, whose
  // peer is no network address (so no network caller can pass for it), and
  // names the HTTP client it serves.
  if (!r.peer().starts_with("ipv4:") && !r.peer().starts_with("ipv6:") &&
      !r.peer().starts_with("unix:")) {
    const auto& md = ctx->client_metadata();
    if (auto it = md.find("jiwon-http-peer"); it != md.end()) {
      r.set_peer(absl::StrCat(
          "http ", std::string(it->second.data(), it->second.size())));
    }
  }
  r.set_method(std::string(method));
  for (std::string& id : company_ids) r.add_company_ids(std::move(id));
  for (std::string& f : fields) r.add_fields(std::move(f));
  return log->Append(std::move(r));
}

// Parses `bytes` as `m`; false when they are not a valid encoding of it.
bool ParseBytes(const grpc::ByteBuffer& bytes, google::protobuf::Message* m) {
  grpc::ByteBuffer copy(bytes);  // shares the slices
  return grpc::SerializationTraits<google::protobuf::Message>::Deserialize(
             &copy, m)
      .ok();
}

std::string NotDecodable(const google::protobuf::Descriptor* type) {
  return absl::StrCat(
      "not a valid ", type->full_name(),
      ": the bytes do not decode (truncated or corrupted data, another "
      "message type, or a string that is not UTF-8, such as CP949 text)");
}

// Reads a client stream of records, stores each valid one and reports the
// rest by position: one that does not decode as well, and the records
// after it are still read. `take` checks one record and stores it, or
// keeps it for `flush` to store with others in one write; a flush that
// fails rejects the records it held.
template <typename Request, typename Response>
class ImportReactor : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  using TakeFn = std::function<absl::Status(Request&, Response*)>;
  using FlushFn = std::function<absl::Status(Response*)>;
  // Once, when the stream has ended and every record is stored.
  using EndFn = std::function<void(Response*)>;
  // Records held before a flush, at most.
  static constexpr size_t kBatchRecords = 256;
  static constexpr size_t kBatchBytes = 4 << 20;
  // Past this many refused records the import stops: a stream of garbage
  // must not grow the answer without end.
  static constexpr int kMaxErrors = 10'000;

  ImportReactor(grpc::ByteBuffer* out, TakeFn take, FlushFn flush = nullptr,
                EndFn end = nullptr)
      : out_(out),
        take_(std::move(take)),
        flush_(std::move(flush)),
        end_(std::move(end)) {
    StartRead(&bytes_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Flush();
      if (end_) end_(&response_);
      std::sort(response_.mutable_errors()->begin(),
                response_.mutable_errors()->end(),
                [](const v1::ImportError& a, const v1::ImportError& b) {
                  return a.index() < b.index();
                });
      bool own_buffer = false;
      grpc::Status s = grpc::SerializationTraits<Response>::Serialize(
          response_, out_, &own_buffer);
      Finish(s);
      return;
    }
    const int index = response_.received();
    response_.set_received(index + 1);
    request_.Clear();
    absl::Status s =
        ParseBytes(bytes_, &request_)
            ? take_(request_, &response_)
            : engine::WithReason(absl::InvalidArgumentError(absl::StrCat(
                                     "record ", index, ": ",
                                     NotDecodable(Request::descriptor()))),
                                 engine::reason::kRequestUndecodable);
    if (s.ok()) {
      held_.emplace_back(index, Id(request_));
      held_bytes_ += bytes_.Length();
      if (flush_ == nullptr || held_.size() >= kBatchRecords ||
          held_bytes_ >= kBatchBytes) {
        Flush();
      }
    } else {
      AddError(index, Id(request_), s);
    }
    if (response_.errors_size() > kMaxErrors) {
      Flush();
      Finish(ToGrpcStatus(engine::WithReason(
          absl::InvalidArgumentError(absl::StrCat(
              "import stopped at record ", index, ": more than ", kMaxErrors,
              " records refused; the ", response_.accepted(),
              " accepted before it are stored")),
          engine::reason::kImportStopped)));
      return;
    }
    StartRead(&bytes_);
  }

  void OnDone() override { delete this; }

 private:
  void AddError(int index, std::string id, const absl::Status& s) {
    v1::ImportError* e = response_.add_errors();
    e->set_index(index);
    e->set_id(std::move(id));
    e->set_message(std::string(s.message()));
    *e->mutable_status() = ToRpcStatus(s);
  }

  void Flush() {
    if (held_.empty()) return;
    const absl::Status s = flush_ ? flush_(&response_) : absl::OkStatus();
    if (s.ok()) {
      response_.set_accepted(response_.accepted() +
                             static_cast<int>(held_.size()));
    } else {
      (void)ToGrpcStatus(s);  // logs the storage details, once
      for (auto& [index, id] : held_) AddError(index, std::move(id), s);
    }
    held_.clear();
    held_bytes_ = 0;
  }

  static std::string Id(const v1::ImportCompaniesRequest& r) {
    return r.company().id();
  }
  static std::string Id(const v1::ImportProgramsRequest& r) {
    return r.program().id();
  }
  static std::string Id(const v1::ImportAnnouncementsRequest&) { return ""; }

  grpc::ByteBuffer bytes_;
  Request request_;
  Response response_;
  grpc::ByteBuffer* out_;
  TakeFn take_;
  FlushFn flush_;
  EndFn end_;
  std::vector<std::pair<int, std::string>> held_;  // index, id
  size_t held_bytes_ = 0;
};

// See NewUndecodableRequestInterceptorFactory.
class UndecodableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit UndecodableRequestInterceptor(const google::protobuf::Descriptor* t)
      : type_(t) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    using grpc::experimental::InterceptionHookPoints;
    // gRPC hands on a null message when the bytes did not decode.
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        m->GetRecvMessage() == nullptr) {
      undecodable_ = true;
    }
    if (undecodable_ &&
        m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        m->GetSendStatus().error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      m->ModifySendStatus(ToGrpcStatus(engine::WithReason(
          absl::InvalidArgumentError("request: " + NotDecodable(type_)),
          engine::reason::kRequestUndecodable)));
    }
    m->Proceed();
  }

 private:
  const google::protobuf::Descriptor* type_;
  bool undecodable_ = false;
};

class UndecodableRequestFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  UndecodableRequestFactory() {
    const google::protobuf::DescriptorPool* pool =
        google::protobuf::DescriptorPool::generated_pool();
    for (const char* name :
         {"jiwon.v1.CompanyService", "jiwon.v1.ProgramService",
          "jiwon.v1.MatchService", "jiwon.v1.FeedbackService",
          "jiwon.v1.RescoreService", "jiwon.v1.AdminService"}) {
      const google::protobuf::ServiceDescriptor* service =
          pool->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        const google::protobuf::MethodDescriptor* method = service->method(i);
        // These decode their requests themselves.
        if (method->client_streaming() || method->name() == "Recommend") {
          continue;
        }
        types_.emplace(absl::StrCat("/", name, "/", method->name()),
                       method->input_type());
      }
    }
  }

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    auto it = types_.find(info->method());
    if (it == types_.end()) return nullptr;
    return new UndecodableRequestInterceptor(it->second);
  }

 private:
  std::map<std::string, const google::protobuf::Descriptor*, std::less<>>
      types_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewUndecodableRequestInterceptorFactory() {
  return std::make_unique<UndecodableRequestFactory>();
}

// --------------------------------------------------------------- companies

grpc::ServerUnaryReactor* CompanyService::UpsertCompany(
    grpc::CallbackServerContext* ctx, const v1::UpsertCompanyRequest* req,
    v1::UpsertCompanyResponse* resp) {
  if (!req->has_company()) {
    return Done(ctx, absl::InvalidArgumentError("company: must be set"));
  }
  if (absl::Status s = CheckSize(req->company(), "company"); !s.ok()) {
    return Done(ctx, s);
  }
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  if (!caller.scope.empty()) {
    if (!caller.scope.Admits(req->company())) {
      return Done(ctx, absl::PermissionDeniedError(absl::StrCat(
                           "company: this caller may write companies of ",
                           caller.scope.ToString(), " only")));
    }
    // Another scope's company is one this caller cannot see.
    if (absl::StatusOr<v1::Company> old =
            registry_->GetCompany(req->company().id());
        old.ok() && !caller.scope.Admits(*old)) {
      return Done(ctx, HiddenCompany(req->company().id()));
    }
  }
  v1::Company company = req->company();
  // The answer is the record the caller sent, normalised: it discloses
  // nothing, so no access record.
  absl::StatusOr<app::Registry::CompanyWrite> w =
      registry_->UpsertCompany(&company, ExpectedVersion(*req));
  if (!w.ok()) return Done(ctx, w.status());
  *resp->mutable_company() = std::move(company);
  resp->set_created(w->created);
  resp->set_unchanged(w->unchanged);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CompanyService::UpdateCompany(
    grpc::CallbackServerContext* ctx, const v1::UpdateCompanyRequest* req,
    v1::UpdateCompanyResponse* resp) {
  if (!req->has_company()) {
    return Done(ctx, absl::InvalidArgumentError("company: must be set"));
  }
  if (absl::Status s = CheckSize(req->company(), "company"); !s.ok()) {
    return Done(ctx, s);
  }
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  // Another scope's company is one this caller cannot see; the update may
  // not move it out of the caller's scope either.
  auto admit = [&](const v1::Company& stored,
                   const v1::Company& updated) -> absl::Status {
    if (!caller.scope.Admits(stored)) return HiddenCompany(stored.id());
    if (!caller.scope.Admits(updated)) {
      return absl::PermissionDeniedError(
          absl::StrCat("company: this caller may write companies of ",
                       caller.scope.ToString(), " only"));
    }
    return absl::OkStatus();
  };
  // The answer is the whole record as stored, fields the caller did not
  // send among them: a read of personal data, recorded as GetCompany's.
  v1::Company company;
  absl::StatusOr<app::Registry::CompanyWrite> w =
      registry_->UpdateCompany(req->company(), req->update_mask(),
                               ExpectedVersion(*req), admit, &company);
  if (!w.ok()) return Done(ctx, w.status());
  std::vector<std::string> fields = PersonalFields(company);
  if (!fields.empty()) {
    if (absl::Status s = RecordAccess(policy_.access_log, caller, ctx,
                                      "/jiwon.v1.CompanyService/UpdateCompany",
                                      {company.id()}, std::move(fields));
        !s.ok()) {
      return Done(ctx, s);
    }
  }
  *resp->mutable_company() = std::move(company);
  resp->set_unchanged(w->unchanged);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CompanyService::GetCompany(
    grpc::CallbackServerContext* ctx, const v1::GetCompanyRequest* req,
    v1::GetCompanyResponse* resp) {
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  absl::StatusOr<v1::Company> c = registry_->GetCompany(req->company_id());
  if (!c.ok()) return Done(ctx, c.status());
  if (!caller.scope.Admits(*c)) {
    return Done(ctx, HiddenCompany(req->company_id()));
  }
  std::vector<std::string> fields = PersonalFields(*c);
  if (!fields.empty()) {
    if (absl::Status s = RecordAccess(policy_.access_log, caller, ctx,
                                      "/jiwon.v1.CompanyService/GetCompany",
                                      {c->id()}, std::move(fields));
        !s.ok()) {
      return Done(ctx, s);
    }
  }
  *resp->mutable_company() = *std::move(c);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CompanyService::DeleteCompany(
    grpc::CallbackServerContext* ctx, const v1::DeleteCompanyRequest* req,
    v1::DeleteCompanyResponse*) {
  if (absl::Status s =
          InScope(*registry_, CallerOf(ctx, policy_.gate), req->company_id());
      !s.ok()) {
    return Done(ctx, s);
  }
  return Done(
      ctx, registry_->DeleteCompany(req->company_id(), ExpectedVersion(*req)));
}

grpc::ServerUnaryReactor* CompanyService::ListCompanies(
    grpc::CallbackServerContext* ctx, const v1::ListCompaniesRequest* req,
    v1::ListCompaniesResponse* resp) {
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  absl::StatusOr<app::Registry::CompanyPage> page =
      registry_->ListCompanies(req->page_size(), req->page_token());
  if (!page.ok()) return Done(ctx, page.status());
  std::vector<std::string> ids;
  std::set<std::string> fields;
  for (v1::Company& c : page->companies) {
    if (!caller.scope.Admits(c)) continue;
    std::vector<std::string> personal = PersonalFields(c);
    if (!personal.empty()) {
      ids.push_back(c.id());
      fields.insert(personal.begin(), personal.end());
    }
    *resp->add_companies() = std::move(c);
  }
  if (absl::Status s =
          RecordAccess(policy_.access_log, caller, ctx,
                       "/jiwon.v1.CompanyService/ListCompanies", std::move(ids),
                       {fields.begin(), fields.end()});
      !s.ok()) {
    return Done(ctx, s);
  }
  resp->set_next_page_token(page->next_page_token);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerReadReactor<grpc::ByteBuffer>* CompanyService::ImportCompanies(
    grpc::CallbackServerContext* ctx, grpc::ByteBuffer* resp) {
  app::Registry* registry = registry_;
  const app::Scope scope = CallerOf(ctx, policy_.gate).scope;
  struct Batch {
    std::vector<v1::Company> records;
    std::vector<engine::Company> domains;
  };
  auto batch = std::make_shared<Batch>();
  return new ImportReactor<v1::ImportCompaniesRequest,
                           v1::ImportCompaniesResponse>(
      resp,
      // Valid records wait for one write of many (one sync of the log).
      [registry, batch, scope](v1::ImportCompaniesRequest& r,
                               v1::ImportCompaniesResponse*) -> absl::Status {
        if (!r.has_company()) {
          return absl::InvalidArgumentError("company: must be set");
        }
        if (!scope.empty()) {
          absl::StatusOr<v1::Company> old =
              registry->GetCompany(r.company().id());
          // As UpsertCompany answers.
          if (old.ok() && !scope.Admits(*old)) {
            return HiddenCompany(r.company().id());
          }
          if (!scope.Admits(r.company())) {
            return absl::PermissionDeniedError(
                absl::StrCat("company: this caller may write companies of ",
                             scope.ToString(), " only"));
          }
        }
        if (absl::Status s = CheckSize(r.company(), "company"); !s.ok()) {
          return s;
        }
        absl::StatusOr<engine::Company> domain =
            registry->PrepareCompany(r.mutable_company());
        if (!domain.ok()) return domain.status();
        batch->domains.push_back(*std::move(domain));
        batch->records.push_back(r.company());
        return absl::OkStatus();
      },
      [registry, batch](v1::ImportCompaniesResponse* response) {
        absl::StatusOr<int> unchanged =
            registry->StoreCompanies(batch->records, batch->domains);
        batch->records.clear();
        batch->domains.clear();
        if (!unchanged.ok()) return unchanged.status();
        response->set_unchanged(response->unchanged() + *unchanged);
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------- programs

grpc::ServerUnaryReactor* ProgramService::UpsertProgram(
    grpc::CallbackServerContext* ctx, const v1::UpsertProgramRequest* req,
    v1::UpsertProgramResponse* resp) {
  if (!req->has_program()) {
    return Done(ctx, absl::InvalidArgumentError("program: must be set"));
  }
  if (absl::Status s = CheckSize(req->program(), "program"); !s.ok()) {
    return Done(ctx, s);
  }
  absl::StatusOr<app::Registry::ProgramWrite> w =
      registry_->UpsertProgram(req->program(), ExpectedVersion(*req));
  if (!w.ok()) return Done(ctx, w.status());
  *resp->mutable_program() = std::move(w->program);
  resp->set_created(w->created);
  resp->set_catalog_version(w->catalog_version);
  resp->set_unchanged(w->unchanged);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::UpdateProgram(
    grpc::CallbackServerContext* ctx, const v1::UpdateProgramRequest* req,
    v1::UpdateProgramResponse* resp) {
  if (!req->has_program()) {
    return Done(ctx, absl::InvalidArgumentError("program: must be set"));
  }
  if (absl::Status s = CheckSize(req->program(), "program"); !s.ok()) {
    return Done(ctx, s);
  }
  absl::StatusOr<app::Registry::ProgramWrite> w = registry_->UpdateProgram(
      req->program(), req->update_mask(), ExpectedVersion(*req));
  if (!w.ok()) return Done(ctx, w.status());
  *resp->mutable_program() = std::move(w->program);
  resp->set_catalog_version(w->catalog_version);
  resp->set_unchanged(w->unchanged);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::GetProgram(
    grpc::CallbackServerContext* ctx, const v1::GetProgramRequest* req,
    v1::GetProgramResponse* resp) {
  absl::StatusOr<v1::Program> p = registry_->GetProgram(req->program_id());
  if (!p.ok()) return Done(ctx, p.status());
  if (std::shared_ptr<const engine::Program> domain =
          registry_->catalog()->Find(req->program_id())) {
    resp->set_window_status(server::WindowStatusToProto(
        engine::StatusOn(domain->window, app::TodayInKorea())));
  }
  *resp->mutable_program() = *std::move(p);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::DeleteProgram(
    grpc::CallbackServerContext* ctx, const v1::DeleteProgramRequest* req,
    v1::DeleteProgramResponse* resp) {
  absl::StatusOr<int64_t> version = registry_->DeleteProgram(
      req->program_id(), req->has_expected_version()
                             ? std::optional<int64_t>(req->expected_version())
                             : std::nullopt);
  if (!version.ok()) return Done(ctx, version.status());
  resp->set_catalog_version(*version);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::SearchPrograms(
    grpc::CallbackServerContext* ctx, const v1::SearchProgramsRequest* req,
    v1::SearchProgramsResponse* resp) {
  if (req->page_size() < 0 || req->page_size() > 100) {
    return Done(ctx,
                engine::FieldStatus(
                    "page_size", engine::reason::kBadPageSize,
                    absl::StrCat("must be 0-100, got ", req->page_size())));
  }
  const size_t limit = req->page_size() == 0 ? 20 : req->page_size();
  app::Registry::SearchOptions options;
  absl::StatusOr<std::vector<engine::Category>> categories =
      Categories(req->categories());
  if (!categories.ok()) return Done(ctx, categories.status());
  options.categories = *std::move(categories);
  absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
  if (!as_of.ok()) return Done(ctx, as_of.status());
  options.as_of = *as_of;
  options.open_only = req->open_only();
  // The company's ELIGIBLE and UNDETERMINED programs, sorted, and which
  // of them are ELIGIBLE.
  std::vector<std::string> among;
  absl::flat_hash_set<std::string> eligible;
  if (!req->eligible_for().empty()) {
    if (!engine::IsValidId(req->eligible_for())) {
      return Done(ctx, absl::InvalidArgumentError(
                           "eligible_for: must be 1-64 characters of "
                           "[A-Za-z0-9._:-]"));
    }
    // A company's eligibility is for the roles that may ask Recommend.
    const CallerInfo caller = CallerOf(ctx, gate_);
    static const app::MethodRule* const recommend =
        app::FindMethod("/jiwon.v1.MatchService/Recommend");
    if (!app::RoleMayCall(*recommend, caller.role)) {
      return Done(ctx,
                  engine::WithReason(
                      absl::PermissionDeniedError(absl::StrCat(
                          "eligible_for: role ", app::RoleName(caller.role),
                          " may not read a company's eligibility")),
                      engine::reason::kRoleNotAllowed));
    }
    if (absl::Status s = InScope(*registry_, caller, req->eligible_for());
        !s.ok()) {
      return Done(ctx, s);
    }
    absl::StatusOr<engine::Company> company =
        registry_->LoadCompany(req->eligible_for());
    if (!company.ok()) return Done(ctx, company.status());
    engine::RecommendOptions r;
    r.as_of = *as_of;
    r.limit = std::numeric_limits<size_t>::max();
    r.include_closed = true;
    const engine::Recommendation rec = registry_->Recommend(*company, r);
    for (const engine::ProgramOutcome& o : rec.matches) {
      if (o.eligibility == engine::Eligibility::kEligible) {
        eligible.insert(o.program->id);
      } else if (o.eligibility != engine::Eligibility::kUndetermined) {
        continue;
      }
      among.push_back(o.program->id);
    }
    std::sort(among.begin(), among.end());
    options.among = &among;
  }
  size_t total = 0;
  absl::StatusOr<std::vector<app::Registry::SearchResult>> found =
      registry_->SearchPrograms(req->query(), options, limit, &total);
  if (!found.ok()) return Done(ctx, found.status());
  resp->set_total(static_cast<int32_t>(total));
  resp->set_catalog_version(registry_->catalog()->version());
  for (const app::Registry::SearchResult& r : *found) {
    absl::StatusOr<v1::Program> program = registry_->GetProgram(r.program->id);
    if (!program.ok()) continue;  // deleted this moment
    v1::ProgramSearchResult* out = resp->add_results();
    *out->mutable_program() = *std::move(program);
    out->set_window_status(server::WindowStatusToProto(r.status));
    out->set_score(r.score);
    out->set_title_match(r.in_title);
    out->set_eligible(eligible.contains(r.program->id));
  }
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::ListPrograms(
    grpc::CallbackServerContext* ctx, const v1::ListProgramsRequest* req,
    v1::ListProgramsResponse* resp) {
  app::Registry::ProgramFilter filter;
  absl::StatusOr<std::vector<engine::Category>> categories =
      Categories(req->categories());
  if (!categories.ok()) return Done(ctx, categories.status());
  filter.categories = *std::move(categories);
  if (req->window_status() != v1::WINDOW_STATUS_UNSPECIFIED) {
    filter.window_status = server::WindowStatusFromProto(req->window_status());
    if (!filter.window_status) {
      return Done(ctx,
                  absl::InvalidArgumentError(absl::StrCat(
                      "window_status: unknown value ", req->window_status())));
    }
  }
  absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
  if (!as_of.ok()) return Done(ctx, as_of.status());
  filter.as_of = *as_of;
  filter.region = req->region();
  absl::StatusOr<app::Registry::ProgramPage> page =
      registry_->ListPrograms(req->page_size(), req->page_token(), filter);
  if (!page.ok()) return Done(ctx, page.status());
  for (auto& [program, status] : page->programs) {
    v1::ProgramSummary* s = resp->add_programs();
    *s->mutable_program() = std::move(program);
    s->set_window_status(server::WindowStatusToProto(status));
  }
  resp->set_next_page_token(page->next_page_token);
  resp->set_catalog_version(page->catalog_version);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerReadReactor<grpc::ByteBuffer>* ProgramService::ImportPrograms(
    grpc::CallbackServerContext*, grpc::ByteBuffer* out) {
  app::Registry* registry = registry_;
  return new ImportReactor<v1::ImportProgramsRequest,
                           v1::ImportProgramsResponse>(
      out,
      [registry](v1::ImportProgramsRequest& r,
                 v1::ImportProgramsResponse* resp) -> absl::Status {
        if (!r.has_program()) {
          return absl::InvalidArgumentError("program: must be set");
        }
        if (absl::Status s = CheckSize(r.program(), "program"); !s.ok()) {
          return s;
        }
        absl::StatusOr<app::Registry::ProgramWrite> w =
            registry->UpsertProgram(r.program());
        if (w.ok()) {
          resp->set_catalog_version(w->catalog_version);
          if (w->unchanged) resp->set_unchanged(resp->unchanged() + 1);
        }
        return w.status();
      });
}

grpc::ServerReadReactor<grpc::ByteBuffer>* ProgramService::ImportAnnouncements(
    grpc::CallbackServerContext*, grpc::ByteBuffer* out) {
  app::Drafts* drafts = drafts_;
  return new ImportReactor<v1::ImportAnnouncementsRequest,
                           v1::ImportAnnouncementsResponse>(
      out,
      [drafts](v1::ImportAnnouncementsRequest& r,
               v1::ImportAnnouncementsResponse* resp) -> absl::Status {
        absl::StatusOr<app::Drafts::Imported> imported =
            drafts->Import(r.feed(), r.record_json(), app::UnixNow());
        if (!imported.ok()) return imported.status();
        switch (imported->change) {
          case app::Drafts::Change::kCreated:
            resp->set_created(resp->created() + 1);
            break;
          case app::Drafts::Change::kUpdated:
            resp->set_updated(resp->updated() + 1);
            break;
          case app::Drafts::Change::kUnchanged:
            resp->set_unchanged(resp->unchanged() + 1);
            break;
        }
        return absl::OkStatus();
      },
      nullptr,
      [drafts](v1::ImportAnnouncementsResponse* resp) {
        // The records are stored whatever happens here; the next import
        // links them again.
        absl::StatusOr<int> pairs = drafts->LinkSamePrograms();
        if (pairs.ok()) {
          resp->set_same_program_pairs(*pairs);
        } else {
          server::Log(server::LogLevel::kWarning,
                      absl::StrCat("drafts: finding programs announced in both "
                                   "feeds failed: ",
                                   pairs.status().ToString()));
        }
      });
}

grpc::ServerUnaryReactor* ProgramService::GetDraft(
    grpc::CallbackServerContext* ctx, const v1::GetDraftRequest* req,
    v1::GetDraftResponse* resp) {
  absl::StatusOr<v1::Draft> d = drafts_->Get(req->program_id());
  if (!d.ok()) return Done(ctx, d.status());
  *resp->mutable_draft() = *std::move(d);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::ListDrafts(
    grpc::CallbackServerContext* ctx, const v1::ListDraftsRequest* req,
    v1::ListDraftsResponse* resp) {
  absl::StatusOr<app::Drafts::Page> page = drafts_->List(
      req->page_size(), req->page_token(), req->awaiting_review());
  if (!page.ok()) return Done(ctx, page.status());
  for (v1::Draft& d : page->drafts) *resp->add_drafts() = std::move(d);
  resp->set_next_page_token(page->next_page_token);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::ProposeRules(
    grpc::CallbackServerContext* ctx, const v1::ProposeRulesRequest* req,
    v1::ProposeRulesResponse* resp) {
  absl::StatusOr<v1::ProposeRulesResponse> r = drafts_->ProposeRules(*req);
  if (!r.ok()) return Done(ctx, r.status());
  *resp = *std::move(r);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ProgramService::PublishDraft(
    grpc::CallbackServerContext* ctx, const v1::PublishDraftRequest* req,
    v1::PublishDraftResponse* resp) {
  const CallerInfo caller = CallerOf(ctx, gate_);
  absl::StatusOr<app::Registry::ProgramWrite> w =
      drafts_->Publish(registry_, *req, caller.name, app::UnixNow());
  if (!w.ok()) return Done(ctx, w.status());
  *resp->mutable_program() = std::move(w->program);
  resp->set_created(w->created);
  resp->set_catalog_version(w->catalog_version);
  return Done(ctx, absl::OkStatus());
}

// ---------------------------------------------------------------- matching

grpc::ServerUnaryReactor* MatchService::Recommend(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  google::protobuf::Arena arena;
  auto* req =
      google::protobuf::Arena::CreateMessage<v1::RecommendRequest>(&arena);
  grpc::ByteBuffer bytes(*request);  // shares the slices
  if (grpc::Status s =
          grpc::SerializationTraits<v1::RecommendRequest>::Deserialize(&bytes,
                                                                       req);
      !s.ok()) {
    return Done(ctx, engine::WithReason(
                         absl::InvalidArgumentError(absl::StrCat(
                             "request: ", NotDecodable(req->GetDescriptor()))),
                         engine::reason::kRequestUndecodable));
  }
  engine::Recommendation r;
  engine::Date as_of;
  int64_t catalog_version = 0;
  // The caller matters for a stored company only (its scope).
  const CallerInfo caller =
      req->subject_case() == v1::RecommendRequest::kCompanyId
          ? CallerOf(ctx, policy_.gate)
          : CallerInfo();
  if (absl::Status s = Recommend(caller, *req, &r, &as_of, &catalog_version);
      !s.ok()) {
    return Done(ctx, s);
  }
  const std::string as_of_text = as_of.ToString();
  const server::RecommendResponseWire wire(r, as_of_text, catalog_version);
  grpc_slice slice = grpc_slice_malloc(wire.size());
  wire.WriteTo(reinterpret_cast<char*>(GRPC_SLICE_START_PTR(slice)));
  grpc::Slice owned(slice, grpc::Slice::STEAL_REF);
  *response = grpc::ByteBuffer(&owned, 1);
  return Done(ctx, absl::OkStatus());
}

absl::Status MatchService::Recommend(const CallerInfo& caller,
                                     const v1::RecommendRequest& req,
                                     engine::Recommendation* out,
                                     engine::Date* as_of_out,
                                     int64_t* catalog_version) const {
  absl::StatusOr<engine::Company> company = Subject(*registry_, caller, req);
  if (!company.ok()) return company.status();
  engine::RecommendOptions options;
  absl::StatusOr<engine::Date> as_of = AsOf(req.as_of());
  if (!as_of.ok()) return as_of.status();
  options.as_of = *as_of;
  absl::StatusOr<std::vector<engine::Category>> categories =
      Categories(req.categories());
  if (!categories.ok()) return categories.status();
  options.categories = *std::move(categories);
  if (req.limit() < 0 || req.limit() > 500) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: must be 1-500 (or 0 for 20), got ", req.limit()));
  }
  options.limit = req.limit() == 0 ? 20 : req.limit();
  options.open_only = req.open_only();
  options.eligible_only = req.eligible_only();
  // Only ELIGIBLE ones: near misses and INELIGIBLE ones are left out too.
  options.include_ineligible = req.include_ineligible() && !req.eligible_only();
  options.include_closed = req.include_closed();
  options.include_near_misses =
      req.include_near_misses() && !req.eligible_only();
  if (req.subject_case() == v1::RecommendRequest::kCompanyId) {
    // What the company dismissed is not recommended again.
    options.excluded_programs = registry_->DismissedPrograms(req.company_id());
  }
  *out = registry_->Recommend(*company, options, catalog_version);
  *as_of_out = options.as_of;
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* MatchService::Explain(
    grpc::CallbackServerContext* ctx, const v1::ExplainRequest* req,
    v1::ExplainResponse* resp) {
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  absl::StatusOr<engine::Company> company = Subject(*registry_, caller, *req);
  if (!company.ok()) return Done(ctx, company.status());
  absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
  if (!as_of.ok()) return Done(ctx, as_of.status());
  absl::StatusOr<app::Registry::Explanation> e =
      registry_->Explain(*company, req->program_id(), *as_of);
  if (!e.ok()) return Done(ctx, e.status());
  // The derived facts show a stored company's CEO birth dates.
  if (req->subject_case() == v1::ExplainRequest::kCompanyId) {
    bool births = false;
    for (const engine::Ceo& ceo : company->ceos) {
      births |= ceo.birth_date.has_value();
    }
    if (births) {
      if (absl::Status s = RecordAccess(
              policy_.access_log, caller, ctx, "/jiwon.v1.MatchService/Explain",
              {req->company_id()}, {"ceos.birth_date"});
          !s.ok()) {
        return Done(ctx, s);
      }
    }
  }
  server::OutcomeToProto(e->outcome, resp->mutable_match());
  for (const engine::DerivedFact& d : e->derived) {
    v1::DerivedFact* df = resp->add_derived_facts();
    df->set_name(d.name);
    df->set_value(d.value);
    df->set_computation(d.computation);
  }
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* MatchService::NextQuestions(
    grpc::CallbackServerContext* ctx, const v1::NextQuestionsRequest* req,
    v1::NextQuestionsResponse* resp) {
  absl::StatusOr<engine::Company> company =
      Subject(*registry_, CallerOf(ctx, policy_.gate), *req);
  if (!company.ok()) return Done(ctx, company.status());
  absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
  if (!as_of.ok()) return Done(ctx, as_of.status());
  if (req->limit() < 0 || req->limit() > 100) {
    return Done(ctx,
                absl::InvalidArgumentError(absl::StrCat(
                    "limit: must be 1-100 (or 0 for 10), got ", req->limit())));
  }
  const int limit = req->limit() == 0 ? 10 : req->limit();
  std::vector<engine::Question> questions = engine::AskNext(
      *registry_->catalog(), registry_->evaluator(), *company, *as_of);
  std::set<std::string> undetermined;
  for (const engine::Question& q : questions) {
    undetermined.insert(q.program_ids.begin(), q.program_ids.end());
  }
  resp->set_undetermined(static_cast<int>(undetermined.size()));
  for (const engine::Question& q : questions) {
    if (resp->questions_size() == limit) break;
    v1::Question* out = resp->add_questions();
    out->set_fact(static_cast<v1::Fact>(q.fact));
    out->set_label(q.question_text.empty()
                       ? std::string(engine::FactName(q.fact))
                       : q.question_text);
    if (!q.question_id.empty()) out->set_question_id(q.question_id);
    out->set_settles(q.settles);
    out->set_involves(q.involves);
    for (const std::string& id : q.program_ids) out->add_program_ids(id);
  }
  return Done(ctx, absl::OkStatus());
}

namespace {

// Streams prepared messages, one write at a time.
class StreamWriter : public grpc::ServerWriteReactor<v1::WhoQualifiesResponse> {
 public:
  StreamWriter(std::deque<v1::WhoQualifiesResponse> messages,
               std::unique_ptr<StreamSlots::Slot> slot)
      : messages_(std::move(messages)), slot_(std::move(slot)) {
    Next();
  }
  StreamWriter(const grpc::Status& status) { Finish(status); }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
      return;
    }
    messages_.pop_front();
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (messages_.empty()) {
      Finish(grpc::Status::OK);
    } else {
      StartWrite(&messages_.front());
    }
  }

  std::deque<v1::WhoQualifiesResponse> messages_;
  std::unique_ptr<StreamSlots::Slot> slot_;
};

}  // namespace

grpc::ServerWriteReactor<v1::WhoQualifiesResponse>* MatchService::WhoQualifies(
    grpc::CallbackServerContext* ctx, const v1::WhoQualifiesRequest* req) {
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> slot =
      policy_.streams->Acquire(caller.name);
  if (!slot.ok()) return new StreamWriter(ToGrpcStatus(slot.status()));
  absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
  if (!as_of.ok()) return new StreamWriter(ToGrpcStatus(as_of.status()));
  std::deque<v1::WhoQualifiesResponse> messages;
  std::map<std::string, int> by_region;
  std::map<std::string, int> by_size;
  std::vector<std::string> returned;
  const engine::Reference& ref = registry_->reference();
  // A scoped caller's summary counts its own companies only: the registry
  // is asked for the undetermined ones too, to count them.
  const bool scoped = !caller.scope.empty();
  int scoped_eligible = 0, scoped_undetermined = 0;
  absl::StatusOr<app::Registry::QualifyCounts> counts = registry_->WhoQualifies(
      req->program_id(), *as_of, req->include_undetermined() || scoped,
      [&](const v1::Company& c, const engine::Company& domain,
          const engine::ProgramOutcome& o) {
        if (!caller.scope.Admits(c)) return;
        const bool eligible = o.eligibility == engine::Eligibility::kEligible;
        ++(eligible ? scoped_eligible : scoped_undetermined);
        if (!eligible && !req->include_undetermined()) return;
        returned.push_back(c.id());
        v1::QualifyingCompany* q = messages.emplace_back().mutable_company();
        q->set_company_id(c.id());
        q->set_name(c.name());
        q->set_eligibility(static_cast<v1::Eligibility>(o.eligibility));
        q->set_score(o.score);
        q->set_head_office_region(c.head_office_region());
        for (engine::Fact f : o.missing_facts) {
          q->add_missing_facts(static_cast<v1::Fact>(f));
        }
        if (o.eligibility != engine::Eligibility::kEligible) return;
        const std::string sido =
            c.has_head_office_region()
                ? ref.regions.Describe(ref.regions.Sido(c.head_office_region()))
                : std::string("미상");
        ++by_region[sido];
        ++by_size[registry_->evaluator().SizeLabel(domain, o.reference_date)];
      });
  if (!counts.ok()) return new StreamWriter(ToGrpcStatus(counts.status()));
  if (absl::Status s = RecordAccess(
          policy_.access_log, caller, ctx,
          "/jiwon.v1.MatchService/WhoQualifies", std::move(returned),
          {"name", "head_office_region", "eligibility"});
      !s.ok()) {
    return new StreamWriter(ToGrpcStatus(s));
  }
  v1::WhoQualifiesSummary* summary = messages.emplace_back().mutable_summary();
  summary->set_companies(scoped ? 0 : counts->companies);
  summary->set_eligible(scoped ? scoped_eligible : counts->eligible);
  summary->set_undetermined(scoped ? scoped_undetermined
                                   : counts->undetermined);
  for (const auto& [key, n] : by_region) {
    v1::Count* c = summary->add_eligible_by_region();
    c->set_key(key);
    c->set_count(n);
  }
  for (const auto& [key, n] : by_size) {
    v1::Count* c = summary->add_eligible_by_size();
    c->set_key(key);
    c->set_count(n);
  }
  return new StreamWriter(std::move(messages), *std::move(slot));
}

// ---------------------------------------------------------------- feedback

grpc::ServerUnaryReactor* FeedbackService::RecordFeedback(
    grpc::CallbackServerContext* ctx, const v1::RecordFeedbackRequest* req,
    v1::RecordFeedbackResponse* resp) {
  if (absl::Status s = InScope(*registry_, CallerOf(ctx, policy_.gate),
                               req->feedback().company_id());
      !s.ok()) {
    return Done(ctx, s);
  }
  absl::StatusOr<v1::Feedback> f = registry_->RecordFeedback(req->feedback());
  if (!f.ok()) return Done(ctx, f.status());
  *resp->mutable_feedback() = *std::move(f);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* FeedbackService::DeleteFeedback(
    grpc::CallbackServerContext* ctx, const v1::DeleteFeedbackRequest* req,
    v1::DeleteFeedbackResponse*) {
  if (absl::Status s =
          InScope(*registry_, CallerOf(ctx, policy_.gate), req->company_id());
      !s.ok()) {
    return Done(ctx, s);
  }
  return Done(ctx,
              registry_->DeleteFeedback(req->company_id(), req->program_id()));
}

grpc::ServerUnaryReactor* FeedbackService::ListFeedback(
    grpc::CallbackServerContext* ctx, const v1::ListFeedbackRequest* req,
    v1::ListFeedbackResponse* resp) {
  if (absl::Status s =
          InScope(*registry_, CallerOf(ctx, policy_.gate), req->company_id());
      !s.ok()) {
    return Done(ctx, s);
  }
  absl::StatusOr<int> size = app::PageSize(req->page_size(), 1000, 1000);
  if (!size.ok()) return Done(ctx, size.status());
  absl::StatusOr<std::string> after =
      app::ReadPageToken("feedback", req->company_id(), req->page_token());
  if (!after.ok()) return Done(ctx, after.status());
  absl::StatusOr<std::vector<v1::Feedback>> all =
      registry_->ListFeedback(req->company_id());
  if (!all.ok()) return Done(ctx, all.status());
  for (v1::Feedback& f : *all) {
    if (!after->empty() && f.program_id() <= *after) continue;
    if (resp->feedback_size() == *size) {
      resp->set_next_page_token(app::MakePageToken(
          "feedback", req->company_id(),
          resp->feedback(resp->feedback_size() - 1).program_id()));
      break;
    }
    *resp->add_feedback() = std::move(f);
  }
  return Done(ctx, absl::OkStatus());
}

// ----------------------------------------------------------------- rescore

namespace {

// A server stream whose messages come from a long job on a thread of its
// own: the job sends (waiting while the client is slow), sees when the
// client has gone, and its status ends the call.
template <typename Response>
class ThreadedWriter : public grpc::ServerWriteReactor<Response> {
 public:
  using Body = std::function<grpc::Status(ThreadedWriter*)>;

  ThreadedWriter(Body body, std::unique_ptr<StreamSlots::Slot> slot)
      : slot_(std::move(slot)) {
    // The job starts once thread_ is set: OnDone joins it.
    std::lock_guard lock(mu_);
    thread_ = std::thread([this, body = std::move(body)] {
      { std::lock_guard started(mu_); }
      const grpc::Status status = body(this);
      std::lock_guard lock(mu_);
      finished_ = true;
      status_ = status;
      MaybeFinish();
    });
  }

  // Queues a message; false once the client has gone.
  bool Send(Response message) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] {
      return queue_.size() < kMaxQueued || broken_ || cancelled_;
    });
    if (broken_ || cancelled_) return false;
    queue_.push_back(std::move(message));
    if (!writing_) {
      writing_ = true;
      this->StartWrite(&queue_.front());
    }
    return true;
  }

  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_ || broken_;
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    queue_.pop_front();
    writing_ = false;
    if (!ok) {
      broken_ = true;
    } else if (!queue_.empty()) {
      writing_ = true;
      this->StartWrite(&queue_.front());
    }
    room_.notify_all();
    MaybeFinish();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    room_.notify_all();
  }

  // Finish is called from the job's thread, so gRPC runs OnDone on one of
  // its own threads once the call has ended; the job is returning by then
  // and join waits for it.
  void OnDone() override {
    thread_.join();
    delete this;
  }

 private:
  static constexpr size_t kMaxQueued = 16;

  // REQUIRES: mu_ held.
  void MaybeFinish() {
    if (!finished_ || finish_called_ || writing_) return;
    if (!queue_.empty() && !broken_) return;
    finish_called_ = true;
    this->Finish(broken_ ? grpc::Status(grpc::StatusCode::CANCELLED,
                                        "the client went away")
                         : status_);
  }

  // Recursive: gRPC may run a reaction on the thread that started it.
  mutable std::recursive_mutex mu_;
  std::condition_variable_any room_;
  std::deque<Response> queue_;  // queue_.front() is being written
  bool writing_ = false;
  bool cancelled_ = false;
  bool broken_ = false;
  bool finished_ = false;
  bool finish_called_ = false;
  grpc::Status status_;
  std::unique_ptr<StreamSlots::Slot> slot_;
  std::thread thread_;
};

void SummaryToProto(const app::RescoreSummary& s, v1::RescoreSummary* out) {
  out->set_run_id(s.state.run_id);
  out->set_catalog_version(s.state.catalog_version);
  out->set_as_of(s.state.as_of.ToString());
  out->set_companies(s.state.companies);
  out->set_eligible_pairs(s.state.eligible_pairs);
  out->set_undetermined_pairs(s.state.undetermined_pairs);
  out->set_newly_eligible_alerts(s.state.newly_eligible);
  out->set_no_longer_eligible_alerts(s.state.no_longer_eligible);
  out->set_closing_soon_alerts(s.state.closing_soon);
  out->set_seconds(s.seconds);
  for (const auto& [name, seconds] : s.phases) {
    v1::RescorePhase* p = out->add_phases();
    p->set_name(name);
    p->set_seconds(seconds);
  }
  out->set_resumed_from(s.resumed_from);
  if (s.state.first_alert != 0) {
    out->set_first_alert_id(absl::StrCat(s.state.first_alert));
    out->set_last_alert_id(absl::StrCat(s.state.last_alert));
  }
}

}  // namespace

grpc::ServerWriteReactor<v1::RescoreResponse>* RescoreService::Rescore(
    grpc::CallbackServerContext* ctx, const v1::RescoreRequest* req) {
  absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> slot =
      policy_.streams->Acquire(CallerOf(ctx, policy_.gate).name);
  app::RescoreOptions options;
  options.shard_index = req->shard_index();
  options.shard_count = req->shard_count() == 0 ? 1 : req->shard_count();
  options.restart = req->restart();
  if (req->checkpoint_companies() != 0) {
    options.checkpoint_companies = req->checkpoint_companies();
  }
  absl::Status bad;
  if (!req->as_of().empty()) {
    absl::StatusOr<engine::Date> as_of = AsOf(req->as_of());
    if (as_of.ok()) {
      options.as_of = *as_of;
    } else {
      bad = as_of.status();
    }
  }
  if (!slot.ok()) {
    bad = slot.status();
    slot = nullptr;
  }
  using Writer = ThreadedWriter<v1::RescoreResponse>;
  return new Writer(
      [this, options, bad](Writer* w) {
        if (!bad.ok()) return ToGrpcStatus(bad);
        absl::StatusOr<app::RescoreSummary> summary = rescorer_->Run(
            options, [w] { return w->cancelled(); },
            [w](const app::RescoreProgress& p) {
              v1::RescoreResponse r;
              v1::RescoreProgress* out = r.mutable_progress();
              out->set_run_id(p.run_id);
              out->set_companies_done(p.done);
              out->set_companies_total(p.total);
              out->set_companies_per_second(p.per_second);
              out->set_resumed_from(p.resumed_from);
              w->Send(std::move(r));
            });
        if (!summary.ok()) return ToGrpcStatus(summary.status());
        v1::RescoreResponse r;
        SummaryToProto(*summary, r.mutable_summary());
        w->Send(std::move(r));
        return grpc::Status::OK;
      },
      *std::move(slot));
}

grpc::ServerUnaryReactor* RescoreService::GetResults(
    grpc::CallbackServerContext* ctx, const v1::GetResultsRequest* req,
    v1::GetResultsResponse* resp) {
  if (absl::Status s =
          InScope(*registry_, CallerOf(ctx, policy_.gate), req->company_id());
      !s.ok()) {
    return Done(ctx, s);
  }
  absl::StatusOr<app::CompanyResults> r = rescorer_->Results(req->company_id());
  if (!r.ok()) return Done(ctx, r.status());
  resp->set_company_id(req->company_id());
  resp->set_catalog_version(r->stored.catalog_version);
  resp->set_as_of(r->stored.as_of.ToString());
  resp->set_computed_at(app::Rfc3339(r->stored.computed_at));
  resp->set_run_id(r->stored.run_id);
  std::vector<size_t> order(r->program_ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& e = r->stored.entries;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const bool ea = e[a].eligibility == engine::Eligibility::kEligible;
    const bool eb = e[b].eligibility == engine::Eligibility::kEligible;
    if (ea != eb) return ea;
    if (e[a].score != e[b].score) return e[a].score > e[b].score;
    return r->program_ids[a] < r->program_ids[b];
  });
  for (size_t i : order) {
    v1::ProgramResult* out = resp->add_results();
    out->set_program_id(r->program_ids[i]);
    out->set_eligibility(static_cast<v1::Eligibility>(e[i].eligibility));
    out->set_score(e[i].score);
  }
  return Done(ctx, absl::OkStatus());
}

namespace {

// The alert feed to one reader, without a thread of its own: it reads up to
// 500 alerts, writes them, and reads on when the write is done; caught up
// and following, it waits on the log's subscription and reads on when an
// alert is committed. A reader scoped to some regions sees their companies'
// alerts only.
class AlertFeed : public grpc::ServerWriteReactor<v1::ReadAlertsResponse> {
 public:
  struct Request {
    uint64_t after = 0;
    std::string company_id;
    bool follow = false;
    int64_t limit = 0;
  };

  AlertFeed(app::AlertLog* alerts, const app::Registry* registry,
            app::Scope scope, Request request,
            std::unique_ptr<StreamSlots::Slot> slot,
            app::AlertConsumers* consumers, std::string consumer)
      : alerts_(alerts),
        registry_(registry),
        scope_(std::move(scope)),
        request_(std::move(request)),
        cursor_(request_.after),
        slot_(std::move(slot)),
        consumers_(consumers),
        consumer_(std::move(consumer)) {
    if (consumers_ != nullptr) consumers_->Advance(consumer_, cursor_);
    std::lock_guard lock(mu_);
    Step();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) {
      End(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
      return;
    }
    Step();
  }

  void OnCancel() override {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    if (waiting_ != 0 && alerts_->Unsubscribe(waiting_)) {
      waiting_ = 0;
      End(grpc::Status::CANCELLED);
    }
    // Otherwise a write or a wake-up is under way and ends it.
  }

  void OnDone() override { delete this; }

 private:
  static constexpr int kPerMessage = 500;

  // REQUIRES: mu_ held, no write or wait under way.
  void Step() {
    waiting_ = 0;
    for (;;) {
      if (finished_) return;
      if (cancelled_) {
        End(grpc::Status::CANCELLED);
        return;
      }
      if (request_.limit != 0 && sent_ >= request_.limit) {
        End(grpc::Status::OK);
        return;
      }
      message_.Clear();
      absl::Status s = alerts_->Read(
          cursor_, request_.company_id,
          [&](v1::Alert&& a) {
            if (!scope_.empty() && !Admits(a.company_id())) return true;
            *message_.add_alerts() = std::move(a);
            return message_.alerts_size() < kPerMessage &&
                   (request_.limit == 0 ||
                    sent_ + message_.alerts_size() < request_.limit);
          },
          &cursor_);
      if (!s.ok()) {
        End(ToGrpcStatus(s));
        return;
      }
      if (consumers_ != nullptr) consumers_->Advance(consumer_, cursor_);
      if (message_.alerts_size() > 0) {
        sent_ += message_.alerts_size();
        writing_ = true;
        StartWrite(&message_);
        return;
      }
      // Caught up with everything committed when the read began.
      if (!request_.follow) {
        End(grpc::Status::OK);
        return;
      }
      if (alerts_->closed()) {
        End(ToGrpcStatus(absl::UnavailableError(
            absl::StrCat("jiwond is shutting down; resume with after=", cursor_,
                         " once it is back"))));
        return;
      }
      std::optional<uint64_t> id = alerts_->Subscribe(cursor_, [this] {
        std::lock_guard lock(mu_);
        Step();
      });
      if (id) {
        waiting_ = *id;
        return;
      }
      // Something was committed meanwhile (or the log closed): read again.
    }
  }

  // Whether the company of an alert is in scope; remembered per company.
  bool Admits(const std::string& company_id) {
    auto it = in_scope_.find(company_id);
    if (it != in_scope_.end()) return it->second;
    absl::StatusOr<v1::Company> c = registry_->GetCompany(company_id);
    const bool admitted = c.ok() && scope_.Admits(*c);
    if (in_scope_.size() < 100'000) in_scope_.emplace(company_id, admitted);
    return admitted;
  }

  void End(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  app::AlertLog* alerts_;
  const app::Registry* registry_;
  const app::Scope scope_;
  const Request request_;
  // Recursive: gRPC may run a reaction on the thread that started it.
  std::recursive_mutex mu_;
  uint64_t cursor_;
  int64_t sent_ = 0;
  v1::ReadAlertsResponse message_;
  bool writing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  uint64_t waiting_ = 0;  // the log subscription while waiting
  absl::flat_hash_map<std::string, bool> in_scope_;
  std::unique_ptr<StreamSlots::Slot> slot_;
  app::AlertConsumers* consumers_;
  const std::string consumer_;
};

// A stream answered with an error before it began.
template <typename Response>
class RefusedStream : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(const absl::Status& s) {
    this->Finish(ToGrpcStatus(s));
  }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<v1::ReadAlertsResponse>* RescoreService::ReadAlerts(
    grpc::CallbackServerContext* ctx, const v1::ReadAlertsRequest* req) {
  using Refused = RefusedStream<v1::ReadAlertsResponse>;
  const CallerInfo caller = CallerOf(ctx, policy_.gate);
  absl::StatusOr<uint64_t> after =
      app::AlertLog::ParseId("after", req->after());
  if (!after.ok()) return new Refused(after.status());
  if (req->limit() < 0) {
    return new Refused(absl::InvalidArgumentError(
        absl::StrCat("limit: must not be negative, got ", req->limit())));
  }
  if (!req->company_id().empty()) {
    if (!engine::IsValidId(req->company_id())) {
      return new Refused(absl::InvalidArgumentError(
          "company_id: must be 1-64 characters of [A-Za-z0-9._:-]"));
    }
    if (absl::Status s = InScope(*registry_, caller, req->company_id());
        !s.ok()) {
      return new Refused(s);
    }
  }
  absl::StatusOr<std::unique_ptr<StreamSlots::Slot>> slot =
      policy_.streams->Acquire(caller.name);
  if (!slot.ok()) return new Refused(slot.status());
  AlertFeed::Request r;
  r.after = *after;
  r.company_id = req->company_id();
  r.follow = req->follow();
  r.limit = req->limit();
  return new AlertFeed(alerts_, registry_, caller.scope, std::move(r),
                       *std::move(slot), policy_.consumers, caller.name);
}

// ------------------------------------------------------------------- admin

grpc::ServerUnaryReactor* AdminService::ReadAccessLog(
    grpc::CallbackServerContext* ctx, const v1::ReadAccessLogRequest* req,
    v1::ReadAccessLogResponse* resp) {
  std::string since = req->since();
  if (!since.empty()) {
    // A day alone is its first second.
    if (since.size() == 10) since += "T00:00:00Z";
    std::vector<engine::FieldError> errors;
    if (!server::ParseDateField("since", since.substr(0, 10), &errors) ||
        since.size() < 20 || since[10] != 'T' || since.back() != 'Z') {
      return Done(ctx, engine::FieldStatus(
                           "since", engine::reason::kInvalidDate,
                           "expected YYYY-MM-DD or an RFC 3339 time in UTC "
                           "such as 2026-12-01T09:00:00Z"));
    }
  }
  if (!req->company_id().empty() && !engine::IsValidId(req->company_id())) {
    return Done(ctx, absl::InvalidArgumentError(
                         "company_id: must be 1-64 characters of "
                         "[A-Za-z0-9._:-]"));
  }
  absl::StatusOr<app::AccessLog::Page> page = access_log_->Read(
      req->company_id(), since, req->page_size(), req->page_token());
  if (!page.ok()) return Done(ctx, page.status());
  for (v1::AccessRecord& r : page->records) {
    *resp->add_records() = std::move(r);
  }
  resp->set_next_page_token(page->next_page_token);
  return Done(ctx, absl::OkStatus());
}

namespace {

// A unary call whose work runs on a thread of its own (a backup takes
// minutes: gRPC's callback threads must not wait for it). The server's
// shutdown waits for the call, so what the work uses outlives it.
class ThreadedUnary final : public grpc::ServerUnaryReactor {
 public:
  explicit ThreadedUnary(std::function<absl::Status()> work) {
    std::thread([this, work = std::move(work)] {
      Finish(ToGrpcStatus(work()));
    }).detach();
  }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerUnaryReactor* AdminService::Backup(grpc::CallbackServerContext* ctx,
                                               const v1::BackupRequest* req,
                                               v1::BackupResponse* resp) {
  if (backups_ == nullptr) {
    return Done(ctx, absl::FailedPreconditionError("backups are off"));
  }
  // The directory is checked before the thread starts.
  if (absl::StatusOr<std::string> dir = backups_->Resolve(req->dir());
      !dir.ok()) {
    return Done(ctx, dir.status());
  }
  return new ThreadedUnary([this, dir = req->dir(), resp] {
    absl::StatusOr<v1::BackupResponse> done = backups_->Backup(dir);
    if (!done.ok()) return done.status();
    *resp = *std::move(done);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminService::ListBackups(
    grpc::CallbackServerContext* ctx, const v1::ListBackupsRequest* req,
    v1::ListBackupsResponse* resp) {
  if (backups_ == nullptr) {
    return Done(ctx, absl::FailedPreconditionError("backups are off"));
  }
  absl::StatusOr<v1::ListBackupsResponse> list = backups_->List(req->dir());
  if (!list.ok()) return Done(ctx, list.status());
  *resp = *std::move(list);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* VocabularyService::GetVocabulary(
    grpc::CallbackServerContext* ctx, const v1::GetVocabularyRequest*,
    v1::Vocabulary* resp) {
  *resp = vocabulary_;
  return Done(ctx, absl::OkStatus());
}

}  // namespace jiwon::rpc
