#ifndef JIWON_SERVER_RPC_SERVICES_H_
#define JIWON_SERVER_RPC_SERVICES_H_

// The gRPC services: they translate between the API's messages and the
// application layer, and nothing else.

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "server/app/registry.h"

namespace jiwon::rpc {

// Largest record accepted in one request; larger ones are INVALID_ARGUMENT.
inline constexpr size_t kMaxRecordBytes = 1 << 20;

// absl and gRPC share the canonical status codes.
grpc::Status ToGrpcStatus(const absl::Status& status);

class CompanyService final : public v1::CompanyService::CallbackService {
 public:
  explicit CompanyService(app::Registry* registry) : registry_(registry) {}

  grpc::ServerUnaryReactor* UpsertCompany(
      grpc::CallbackServerContext* ctx, const v1::UpsertCompanyRequest* req,
      v1::UpsertCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* GetCompany(grpc::CallbackServerContext* ctx,
                                       const v1::GetCompanyRequest* req,
                                       v1::GetCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteCompany(
      grpc::CallbackServerContext* ctx, const v1::DeleteCompanyRequest* req,
      v1::DeleteCompanyResponse* resp) override;
  grpc::ServerUnaryReactor* ListCompanies(
      grpc::CallbackServerContext* ctx, const v1::ListCompaniesRequest* req,
      v1::ListCompaniesResponse* resp) override;
  grpc::ServerReadReactor<v1::ImportCompaniesRequest>* ImportCompanies(
      grpc::CallbackServerContext* ctx,
      v1::ImportCompaniesResponse* resp) override;

 private:
  app::Registry* registry_;
};

class ProgramService final : public v1::ProgramService::CallbackService {
 public:
  explicit ProgramService(app::Registry* registry) : registry_(registry) {}

  grpc::ServerUnaryReactor* UpsertProgram(
      grpc::CallbackServerContext* ctx, const v1::UpsertProgramRequest* req,
      v1::UpsertProgramResponse* resp) override;
  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* ctx,
                                       const v1::GetProgramRequest* req,
                                       v1::GetProgramResponse* resp) override;
  grpc::ServerUnaryReactor* DeleteProgram(
      grpc::CallbackServerContext* ctx, const v1::DeleteProgramRequest* req,
      v1::DeleteProgramResponse* resp) override;
  grpc::ServerUnaryReactor* ListPrograms(
      grpc::CallbackServerContext* ctx, const v1::ListProgramsRequest* req,
      v1::ListProgramsResponse* resp) override;
  grpc::ServerReadReactor<v1::ImportProgramsRequest>* ImportPrograms(
      grpc::CallbackServerContext* ctx,
      v1::ImportProgramsResponse* resp) override;

 private:
  app::Registry* registry_;
};

class MatchService final : public v1::MatchService::CallbackService {
 public:
  explicit MatchService(app::Registry* registry) : registry_(registry) {}

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* ctx,
                                      const v1::RecommendRequest* req,
                                      v1::RecommendResponse* resp) override;
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
  app::Registry* registry_;
};

}  // namespace jiwon::rpc

#endif  // JIWON_SERVER_RPC_SERVICES_H_
