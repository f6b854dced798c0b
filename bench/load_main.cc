// jiwon_load: a gRPC load driver for Recommend. It can load a synthetic
// catalog and companies into a running jiwond (--load), then measures
// latency with one call in flight and throughput with 8 and 64 in flight,
// using gRPC's callback client. Run it through bench/run_load.sh, which
// starts and stops a jiwond of its own.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "bench/synthetic.h"
#include "clients/rpc_util.h"
#include "jiwon/v1/company_service.grpc.pb.h"
#include "jiwon/v1/match_service.grpc.pb.h"
#include "jiwon/v1/program_service.grpc.pb.h"
#include "server/convert.h"
#include "server/reference_loader.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "jiwond address");
ABSL_FLAG(bool, load, false, "load the synthetic catalog and companies first");
ABSL_FLAG(int, programs, 10000, "programs to load");
ABSL_FLAG(int, companies, 1000, "companies to load (and to ask for)");
ABSL_FLAG(int, eligible_pct, 5, "wanted eligible share, percent");
ABSL_FLAG(double, seconds, 5, "seconds per phase");
ABSL_FLAG(bool, inline_profiles, false,
          "send each company's profile in the request instead of its id "
          "(the server then reads nothing from its store)");
ABSL_FLAG(std::vector<std::string>, in_flight,
          std::vector<std::string>({"1", "8", "64"}),
          "calls in flight, one phase each");
ABSL_FLAG(double, warmup_seconds, 2,
          "seconds of calls before measuring (the server compiles its catalog "
          "meanwhile)");
ABSL_FLAG(int, limit, 10, "programs asked for in each Recommend");
ABSL_FLAG(std::string, reference_dir, JIWON_REFERENCE_DIR, "reference data");
ABSL_FLAG(bool, writes, false,
          "measure writes instead: the company import's rate, then "
          "UpsertCompany one at a time for --seconds (p50, p99)");
ABSL_FLAG(bool, baseline, false,
          "also measure GetCompany (a small answer, little work): the "
          "ceiling of this machine's gRPC path");

namespace jiwon {
namespace {

using Clock = std::chrono::steady_clock;

int Load(const std::shared_ptr<grpc::Channel>& channel,
         const synthetic::Generator& gen) {
  auto programs = v1::ProgramService::NewStub(channel);
  {
    grpc::ClientContext ctx;
    v1::ImportProgramsResponse resp;
    auto writer = programs->ImportPrograms(&ctx, &resp);
    for (int i = 1; i <= absl::GetFlag(FLAGS_programs); ++i) {
      v1::ImportProgramsRequest req;
      *req.mutable_program() = server::ProgramToProto(gen.Program(i));
      if (!writer->Write(req)) break;
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    if (!s.ok() || resp.errors_size() > 0) {
      std::fprintf(
          stderr, "program import failed: %s %s\n", s.error_message().c_str(),
          resp.errors_size() > 0 ? resp.errors(0).message().c_str() : "");
      return 1;
    }
    std::printf("loaded %d programs\n", resp.accepted());
  }
  auto companies = v1::CompanyService::NewStub(channel);
  grpc::ClientContext ctx;
  v1::ImportCompaniesResponse resp;
  const Clock::time_point started = Clock::now();
  auto writer = companies->ImportCompanies(&ctx, &resp);
  for (int i = 1; i <= absl::GetFlag(FLAGS_companies); ++i) {
    v1::ImportCompaniesRequest req;
    *req.mutable_company() = server::CompanyToProto(gen.Company(i));
    if (!writer->Write(req)) break;
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  if (!s.ok() || resp.errors_size() > 0) {
    std::fprintf(stderr, "company import failed\n");
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("loaded %d companies in %.2f s (%.0f a second)\n",
              resp.accepted(), seconds, resp.accepted() / seconds);
  return 0;
}

// UpsertCompany of known profiles, one call at a time, for `seconds`.
int MeasureUpserts(const std::shared_ptr<grpc::Channel>& channel,
                   const synthetic::Generator& gen, double seconds) {
  auto companies = v1::CompanyService::NewStub(channel);
  std::vector<double> latencies;
  const auto deadline = Clock::now() + std::chrono::microseconds(
                                           static_cast<int64_t>(seconds * 1e6));
  const int n = absl::GetFlag(FLAGS_companies);
  for (int i = 0; Clock::now() < deadline; ++i) {
    v1::UpsertCompanyRequest req;
    *req.mutable_company() = server::CompanyToProto(gen.Company(1 + i % n));
    v1::UpsertCompanyResponse resp;
    grpc::ClientContext ctx;
    const Clock::time_point t0 = Clock::now();
    grpc::Status s = companies->UpsertCompany(&ctx, req, &resp);
    latencies.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!s.ok()) {
      std::fprintf(stderr, "UpsertCompany: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[static_cast<size_t>(q * (latencies.size() - 1))];
  };
  std::printf(
      "UpsertCompany, 1 in flight: %zu calls, p50 %.0f us, p99 %.0f "
      "us\n",
      latencies.size(), at(0.5), at(0.99));
  return 0;
}

struct PhaseResult {
  double qps = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0;
  int64_t calls = 0, errors = 0;
};

// Keeps `in_flight` calls going for `seconds`: Recommend, or GetCompany
// when `companies_stub` is given.
PhaseResult RunPhase(v1::MatchService::Stub* stub, int in_flight,
                     double seconds, const std::string& as_of,
                     v1::CompanyService::Stub* companies_stub = nullptr,
                     const std::vector<v1::Company>* profiles = nullptr) {
  std::mutex mu;
  std::condition_variable done_cv;
  std::vector<double> latencies;
  std::atomic<int64_t> errors{0};
  std::atomic<uint64_t> next_company{0};
  int active = 0;
  const auto deadline = Clock::now() + std::chrono::microseconds(
                                           static_cast<int64_t>(seconds * 1e6));
  const int companies = absl::GetFlag(FLAGS_companies);
  const int limit = absl::GetFlag(FLAGS_limit);

  // A call's messages live on its own arena, as a careful client's would.
  struct Call {
    grpc::ClientContext ctx;
    google::protobuf::Arena arena;
    v1::RecommendRequest& req =
        *google::protobuf::Arena::CreateMessage<v1::RecommendRequest>(&arena);
    v1::RecommendResponse& resp =
        *google::protobuf::Arena::CreateMessage<v1::RecommendResponse>(&arena);
    v1::GetCompanyRequest& get =
        *google::protobuf::Arena::CreateMessage<v1::GetCompanyRequest>(&arena);
    v1::GetCompanyResponse& got =
        *google::protobuf::Arena::CreateMessage<v1::GetCompanyResponse>(&arena);
    Clock::time_point start;
  };
  std::function<void()> issue = [&] {
    auto* call = new Call();
    char id[32];
    std::snprintf(id, sizeof id, "C%07llu",
                  static_cast<unsigned long long>(
                      next_company++ % static_cast<uint64_t>(companies) + 1));
    if (profiles != nullptr) {
      *call->req.mutable_profile() =
          (*profiles)[next_company % profiles->size()];
    } else {
      call->req.set_company_id(id);
    }
    call->req.set_as_of(as_of);
    call->req.set_limit(limit);
    call->ctx.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(5));
    call->start = Clock::now();
    auto done = [&, call](grpc::Status s) {
      const auto end = Clock::now();
      const double us =
          std::chrono::duration<double, std::micro>(end - call->start).count();
      delete call;
      bool again;
      {
        std::lock_guard lock(mu);
        if (s.ok()) {
          latencies.push_back(us);
        } else {
          ++errors;
        }
        again = end < deadline;
        if (!again) {
          --active;
          done_cv.notify_all();
        }
      }
      if (again) issue();
    };
    if (companies_stub != nullptr) {
      call->get.set_company_id(id);
      companies_stub->async()->GetCompany(&call->ctx, &call->get, &call->got,
                                          done);
    } else {
      stub->async()->Recommend(&call->ctx, &call->req, &call->resp, done);
    }
  };
  const auto start = Clock::now();
  {
    std::lock_guard lock(mu);
    active = in_flight;
  }
  for (int i = 0; i < in_flight; ++i) issue();
  {
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return active == 0; });
  }
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  PhaseResult r;
  std::sort(latencies.begin(), latencies.end());
  r.calls = static_cast<int64_t>(latencies.size());
  r.errors = errors;
  r.qps = r.calls / elapsed;
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1,
                              static_cast<size_t>(p * latencies.size()))];
  };
  r.p50_us = pct(0.50);
  r.p90_us = pct(0.90);
  r.p99_us = pct(0.99);
  return r;
}

int Main() {
  auto reference = server::LoadReference(absl::GetFlag(FLAGS_reference_dir));
  if (!reference.ok()) {
    std::fprintf(stderr, "%s\n", reference.status().ToString().c_str());
    return 2;
  }
  synthetic::Options options;
  options.eligible_fraction = absl::GetFlag(FLAGS_eligible_pct) / 100.0;
  synthetic::Generator gen(reference->get(), options);
  grpc::ChannelArguments args;
  absl::StatusOr<cli::ConnectOptions> connect =
      cli::ConnectOptions::FromFlagsAndEnvironment();
  if (!connect.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(connect.status().message()).c_str());
    return 2;
  }
  auto channel = cli::OpenChannel(absl::GetFlag(FLAGS_addr), *connect, args);
  if (absl::GetFlag(FLAGS_load) && Load(channel, gen) != 0) return 1;
  if (absl::GetFlag(FLAGS_writes)) {
    return MeasureUpserts(channel, gen, absl::GetFlag(FLAGS_seconds));
  }
  auto stub = v1::MatchService::NewStub(channel);
  const std::string as_of = options.as_of.ToString();
  std::vector<v1::Company> profiles;
  if (absl::GetFlag(FLAGS_inline_profiles)) {
    for (int i = 1; i <= absl::GetFlag(FLAGS_companies); ++i) {
      profiles.push_back(server::CompanyToProto(gen.Company(i)));
    }
  }
  // Warm up, and let the server finish compiling the catalog.
  if (absl::GetFlag(FLAGS_warmup_seconds) > 0) {
    RunPhase(stub.get(), 4, absl::GetFlag(FLAGS_warmup_seconds), as_of);
  }
  // How big an answer is, apart from the timed phases: the first 100
  // companies, one call each.
  {
    std::vector<size_t> sizes;
    int matches = 0;
    for (int i = 1; i <= std::min(100, absl::GetFlag(FLAGS_companies)); ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "C%07d", i);
      v1::RecommendRequest req;
      req.set_company_id(id);
      req.set_as_of(as_of);
      req.set_limit(absl::GetFlag(FLAGS_limit));
      v1::RecommendResponse resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
      if (!stub->Recommend(&ctx, req, &resp).ok()) continue;
      sizes.push_back(resp.ByteSizeLong());
      matches += resp.matches_size();
    }
    if (!sizes.empty()) {
      std::sort(sizes.begin(), sizes.end());
      std::printf(
          "answer bytes, limit %d: median %zu, max %zu (%zu companies, "
          "%.1f matches each)\n",
          absl::GetFlag(FLAGS_limit), sizes[sizes.size() / 2], sizes.back(),
          sizes.size(), static_cast<double>(matches) / sizes.size());
    }
  }
  std::printf("%-10s %10s %10s %10s %10s %10s %8s\n", "in flight", "calls",
              "QPS", "p50 us", "p90 us", "p99 us", "errors");
  for (const std::string& text : absl::GetFlag(FLAGS_in_flight)) {
    int in_flight = 0;
    if (!absl::SimpleAtoi(text, &in_flight) || in_flight < 1) {
      std::fprintf(stderr, "--in_flight: not a count: %s\n", text.c_str());
      return 2;
    }
    PhaseResult r = RunPhase(
        stub.get(), in_flight, absl::GetFlag(FLAGS_seconds), as_of, nullptr,
        absl::GetFlag(FLAGS_inline_profiles) ? &profiles : nullptr);
    std::printf("%-10d %10lld %10.0f %10.0f %10.0f %10.0f %8lld\n", in_flight,
                static_cast<long long>(r.calls), r.qps, r.p50_us, r.p90_us,
                r.p99_us, static_cast<long long>(r.errors));
    std::fflush(stdout);
  }
  if (absl::GetFlag(FLAGS_baseline)) {
    auto companies = v1::CompanyService::NewStub(channel);
    for (int in_flight : {1, 64}) {
      PhaseResult r =
          RunPhase(stub.get(), in_flight, absl::GetFlag(FLAGS_seconds), as_of,
                   companies.get());
      std::printf("GetCompany %-3d %8lld %10.0f %10.0f %10.0f %10.0f %8lld\n",
                  in_flight, static_cast<long long>(r.calls), r.qps, r.p50_us,
                  r.p90_us, r.p99_us, static_cast<long long>(r.errors));
    }
  }
  return 0;
}

}  // namespace
}  // namespace jiwon

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As jiwond does: no lock-order cycle search on gRPC's Abseil mutexes.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return jiwon::Main();
}
