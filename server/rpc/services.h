#ifndef JIWON_SERVER_RPC_SERVICES_H_
#define JIWON_SERVER_RPC_SERVICES_H_

// The gRPC services: they translate between the API's messages and the
// application layer, and nothing else.

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/message_allocator.h>

#include <utility>

#include "absl/status/status.h"
#include "jiwon/v1/admin_service.grpc.pb.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/feedback_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "jiwon/v1/rescore_service.grpc.pb.h"
#include "jiwon/v1/vocabulary_service.grpc.pb.h"
#include "server/app/access_log.h"
#include "server/app/alerts.h"
#include "server/app/backups.h"
#include "server/app/drafts.h"
#include "server/app/registry.h"
#include "server/app/rescore.h"
#include "server/rpc/auth.h"
#include "server/rpc/status.h"

namespace jiwon::rpc {

// Largest record accepted in one request; larger ones are INVALID_ARGUMENT.
inline constexpr size_t kMaxRecordBytes = 1 << 20;

// Makes a request that does not decode as its method's message
// INVALID_ARGUMENT naming the message type, where gRPC's callback API
// would answer a bare UNIMPLEMENTED. For ServerBuilder::experimental().
// SetInterceptorCreators; methods that decode their own requests
// (Recommend, the imports) are left alone and cost nothing.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewUndecodableRequestInterceptorFactory();

// What the services do about their callers beyond the gate: access
// records of personal data, and the open streams of each.
struct CallPolicy {
  app::AccessLog* access_log = nullptr;  // REQUIRED
  StreamSlots* streams = nullptr;        // REQUIRED
  const CallerGate* gate = nullptr;      // none: every caller is admin
  // Where each alert feed reader has got to; not followed when null.
  app::AlertConsumers* consumers = nullptr;
};

// ImportCompanies reads bytes: a record that does not decode is reported
// by position and the records after it are still read.
class CompanyService final
    : public v1::CompanyService::WithRawCallbackMethod_ImportCompanies<
          v1::CompanyService::CallbackService> {
 public:
  CompanyService(app::Registry* registry, CallPolicy policy)
      : registry_(registry), policy_(policy) {}

  grpc::ServerUnaryReactor* UpsertCompany(
      grpc::CallbackServerContext* ctx, const v1::UpsertCompanyRequest* req,
      v1::UpsertCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateCompany(
      grpc::CallbackServerContext* ctx, const v1::UpdateCompanyRequest* req,
      v1::UpdateCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* GetCompany(grpc::CallbackServerContext* ctx,
                                       const v1::GetCompanyRequest* req,
                                       v1::GetCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteCompany(
      grpc::CallbackServerContext* ctx, const v1::DeleteCompanyRequest* req,
      v1::DeleteCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* ListCompanies(
      grpc::CallbackServerContext* ctx, const v1::ListCompaniesRequest* req,
      v1::ListCompaniesResponse* resp) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportCompanies(
      grpc::CallbackServerContext* ctx, grpc::ByteBuffer* resp) override;

 private:
  app::Registry* registry_;
  CallPolicy policy_;
};

// ImportPrograms and ImportAnnouncements read bytes, as ImportCompanies
// does.
class ProgramService final
    : public v1::ProgramService::WithRawCallbackMethod_ImportPrograms<
          v1::ProgramService::WithRawCallbackMethod_ImportAnnouncements<
              v1::ProgramService::CallbackService>> {
 public:
  // `gate` names the reviewer of a published draft; none: "anonymous".
  ProgramService(app::Registry* registry, app::Drafts* drafts,
                 const CallerGate* gate = nullptr)
      : registry_(registry), drafts_(drafts), gate_(gate) {}

  grpc::ServerUnaryReactor* UpsertProgram(
      grpc::CallbackServerContext* ctx, const v1::UpsertProgramRequest* req,
      v1::UpsertProgramResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateProgram(
      grpc::CallbackServerContext* ctx, const v1::UpdateProgramRequest* req,
      v1::UpdateProgramResponse* resp) override;
  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* ctx,
                                       const v1::GetProgramRequest* req,
                                       v1::GetProgramResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteProgram(
      grpc::CallbackServerContext* ctx, const v1::DeleteProgramRequest* req,
      v1::DeleteProgramResponse* resp) override;
  grpc::ServerUnaryReactor* ListPrograms(
      grpc::CallbackServerContext* ctx, const v1::ListProgramsRequest* req,
      v1::ListProgramsResponse* resp) override;
  grpc::ServerUnaryReactor* SearchPrograms(
      grpc::CallbackServerContext* ctx, const v1::SearchProgramsRequest* req,
      v1::SearchProgramsResponse* resp) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportPrograms(
      grpc::CallbackServerContext* ctx, grpc::ByteBuffer* resp) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportAnnouncements(
      grpc::CallbackServerContext* ctx, grpc::ByteBuffer* resp) override;
  grpc::ServerUnaryReactor* GetDraft(grpc::CallbackServerContext* ctx,
                                     const v1::GetDraftRequest* req,
                                     v1::GetDraftResponse* resp) override;
  grpc::ServerUnaryReactor* ListDrafts(grpc::CallbackServerContext* ctx,
                                       const v1::ListDraftsRequest* req,
                                       v1::ListDraftsResponse* resp) override;
  grpc::ServerUnaryReactor* ProposeRules(
      grpc::CallbackServerContext* ctx, const v1::ProposeRulesRequest* req,
      v1::ProposeRulesResponse* resp) override;
  grpc::ServerUnaryReactor* PublishDraft(
      grpc::CallbackServerContext* ctx, const v1::PublishDraftRequest* req,
      v1::PublishDraftResponse* resp) override;

 private:
  app::Registry* registry_;
  app::Drafts* drafts_;
  const CallerGate* gate_;
};

// Request and response of one call on one protobuf arena: the many small
// strings of a response cost no malloc or free each.
template <typename Request, typename Response>
class ArenaAllocator : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new Holder();
  }

 private:
  class Holder : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() {
      this->set_request(
          google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(
          google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    google::protobuf::Arena arena_;
  };
};

// Recommend takes and gives bytes: its answer is written in the wire format
// straight from the engine's (server/response_wire.h), the same bytes a
// RecommendResponse would encode to, so clients see no difference.
class MatchService final
    : public v1::MatchService::WithRawCallbackMethod_Recommend<
          v1::MatchService::CallbackService> {
 public:
  MatchService(app::Registry* registry, CallPolicy policy)
      : registry_(registry), policy_(policy) {
    SetMessageAllocatorFor_Explain(&explain_allocator_);
  }

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* ctx,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext* ctx,
                                    const v1::ExplainRequest* req,
                                    v1::ExplainResponse* resp) override;
  grpc::ServerWriteReactor<v1::WhoQualifiesResponse>* WhoQualifies(
      grpc::CallbackServerContext* ctx,
      const v1::WhoQualifiesRequest* req) override;
  grpc::ServerUnaryReactor* NextQuestions(
      grpc::CallbackServerContext* ctx, const v1::NextQuestionsRequest* req,
      v1::NextQuestionsResponse* resp) override;

 private:
  // The work of Recommend on a parsed request.
  absl::Status Recommend(const CallerInfo& caller,
                         const v1::RecommendRequest& req,
                         engine::Recommendation* out, engine::Date* as_of,
                         int64_t* catalog_version) const;

  app::Registry* registry_;
  CallPolicy policy_;
  ArenaAllocator<v1::ExplainRequest, v1::ExplainResponse> explain_allocator_;
};

class FeedbackService final : public v1::FeedbackService::CallbackService {
 public:
  FeedbackService(app::Registry* registry, CallPolicy policy)
      : registry_(registry), policy_(policy) {}

  grpc::ServerUnaryReactor* RecordFeedback(
      grpc::CallbackServerContext* ctx, const v1::RecordFeedbackRequest* req,
      v1::RecordFeedbackResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteFeedback(
      grpc::CallbackServerContext* ctx, const v1::DeleteFeedbackRequest* req,
      v1::DeleteFeedbackResponse* resp) override;
  grpc::ServerUnaryReactor* ListFeedback(
      grpc::CallbackServerContext* ctx, const v1::ListFeedbackRequest* req,
      v1::ListFeedbackResponse* resp) override;

 private:
  app::Registry* registry_;
  CallPolicy policy_;
};

class RescoreService final : public v1::RescoreService::CallbackService {
 public:
  // REQUIRES: the arguments outlive the service.
  RescoreService(app::Rescorer* rescorer, app::AlertLog* alerts,
                 const app::Registry* registry, CallPolicy policy)
      : rescorer_(rescorer),
        alerts_(alerts),
        registry_(registry),
        policy_(policy) {}

  grpc::ServerWriteReactor<v1::RescoreResponse>* Rescore(
      grpc::CallbackServerContext* ctx, const v1::RescoreRequest* req) override;
  grpc::ServerUnaryReactor* GetResults(grpc::CallbackServerContext* ctx,
                                       const v1::GetResultsRequest* req,
                                       v1::GetResultsResponse* resp) override;
  grpc::ServerWriteReactor<v1::ReadAlertsResponse>* ReadAlerts(
      grpc::CallbackServerContext* ctx,
      const v1::ReadAlertsRequest* req) override;

 private:
  app::Rescorer* rescorer_;
  app::AlertLog* alerts_;
  const app::Registry* registry_;
  CallPolicy policy_;
};

class AdminService final : public v1::AdminService::CallbackService {
 public:
  // `backups` null: Backup and ListBackups are FAILED_PRECONDITION.
  AdminService(const app::AccessLog* access_log, app::Backups* backups)
      : access_log_(access_log), backups_(backups) {}

  grpc::ServerUnaryReactor* ReadAccessLog(
      grpc::CallbackServerContext* ctx, const v1::ReadAccessLogRequest* req,
      v1::ReadAccessLogResponse* resp) override;
  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* ctx,
                                   const v1::BackupRequest* req,
                                   v1::BackupResponse* resp) override;
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* ctx,
                                        const v1::ListBackupsRequest* req,
                                        v1::ListBackupsResponse* resp) override;

 private:
  const app::AccessLog* access_log_;
  app::Backups* backups_;
};

// The names of facts and enumerations, made once from the engine's tables,
// and of the reference data's regions and industries.
class VocabularyService final : public v1::VocabularyService::CallbackService {
 public:
  // Serves `vocabulary` (server::VocabularyToProto).
  explicit VocabularyService(v1::Vocabulary vocabulary)
      : vocabulary_(std::move(vocabulary)) {}

  grpc::ServerUnaryReactor* GetVocabulary(grpc::CallbackServerContext* ctx,
                                          const v1::GetVocabularyRequest* req,
                                          v1::Vocabulary* resp) override;

 private:
  const v1::Vocabulary vocabulary_;
};

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_SERVICES_H_
