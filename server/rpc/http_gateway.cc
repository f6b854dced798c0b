#include "server/rpc/http_gateway.h"

#include <grpcpp/generic/generic_stub.h>
#include <httplib.h>

#include <future>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "server/log.h"
#include "server/rpc/status.h"

namespace jiwon::rpc {
namespace {

namespace pb = google::protobuf;
namespace reason = engine::reason;

constexpr size_t kMaxBodyBytes = 8 << 20;  // as the gRPC transport's
constexpr int kCallSeconds = 30;

// One segment of a route's path: a literal, or a {field} with an
// optional ":verb" after it.
struct Segment {
  std::string literal;  // when field is empty
  std::string field;
  std::string verb;  // ":recommend"
};

struct CompiledRoute {
  HttpRoute route;
  std::vector<Segment> segments;
  std::vector<std::string> fields;  // the path's {fields}, in order
  const pb::MethodDescriptor* method = nullptr;

  // Whether `path` is this route's; `values` receives the fields' values.
  // (No regular expressions: std::regex recurses once per character.)
  bool Match(std::string_view path, std::vector<std::string>* values) const {
    values->clear();
    if (!path.starts_with('/')) return false;
    std::vector<absl::string_view> parts = absl::StrSplit(
        absl::string_view(path.data() + 1, path.size() - 1), '/');
    if (parts.size() != segments.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string_view part(parts[i].data(), parts[i].size());
      const Segment& seg = segments[i];
      if (seg.field.empty()) {
        if (part != seg.literal) return false;
        continue;
      }
      if (part.size() <= seg.verb.size() || !part.ends_with(seg.verb)) {
        return false;
      }
      values->emplace_back(part.substr(0, part.size() - seg.verb.size()));
    }
    return true;
  }
};

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

// The google.rpc.Status of a failed call: the one it carries, else (a call
// refused at the door, whose reason leads the message in brackets) one
// made here with its reason.
google::rpc::Status RpcStatusOf(const grpc::Status& s) {
  google::rpc::Status details;
  if (details.ParseFromString(s.error_details()) &&
      details.details_size() > 0) {
    return details;
  }
  absl::Status status(static_cast<absl::StatusCode>(s.error_code()),
                      s.error_message());
  const std::string& m = s.error_message();
  if (m.starts_with("[") && m.find("] ") != std::string::npos) {
    status =
        engine::WithReason(std::move(status), m.substr(1, m.find(']') - 1));
  }
  return ToRpcStatus(status);
}

std::string ToJson(const pb::Message& m) {
  std::string out;
  pb::util::JsonPrintOptions options;
  if (!pb::util::MessageToJsonString(m, &out, options).ok()) return "{}";
  return out;
}

void Reply(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json; charset=utf-8");
}

void ReplyError(httplib::Response& res, const absl::Status& status) {
  Reply(res, HttpStatusOf(static_cast<grpc::StatusCode>(status.code())),
        ToJson(ToRpcStatus(status)));
}

const pb::FieldDescriptor* FindField(const pb::Descriptor* type,
                                     std::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* f = type->field(i);
    if (f->name() == name || f->json_name() == name) return f;
  }
  return nullptr;
}

// "updateMask" or "update_mask" paths as proto field names.
std::string SnakeCase(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// Sets the field at `path` ("company_id", "company.id") of `m` from text:
// a path segment or a query parameter (named `param` in errors). Repeated
// fields take every value, and comma-separated ones.
absl::Status SetField(pb::Message* m, std::string_view path,
                      const std::vector<std::string>& values,
                      std::string_view param) {
  const std::string where(param);
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(path.data(), path.size()), '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const pb::FieldDescriptor* f = FindField(m->GetDescriptor(), parts[i]);
    if (f == nullptr || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
        f->is_repeated()) {
      return engine::FieldStatus(where, reason::kUnknownField,
                                 "is not a field of this method's request");
    }
    m = m->GetReflection()->MutableMessage(m, f);
  }
  const pb::FieldDescriptor* f = FindField(m->GetDescriptor(), parts.back());
  if (f == nullptr) {
    return engine::FieldStatus(where, reason::kUnknownField,
                               "is not a field of this method's request");
  }
  const pb::Reflection* r = m->GetReflection();
  if (f->message_type() != nullptr &&
      f->message_type()->full_name() == "google.protobuf.FieldMask") {
    auto* mask = static_cast<pb::FieldMask*>(r->MutableMessage(m, f));
    for (const std::string& v : values) {
      for (absl::string_view p : absl::StrSplit(v, ',', absl::SkipEmpty())) {
        mask->add_paths(SnakeCase(std::string_view(p.data(), p.size())));
      }
    }
    return absl::OkStatus();
  }
  std::vector<std::string> items;
  for (const std::string& v : values) {
    if (f->is_repeated()) {
      for (absl::string_view p : absl::StrSplit(v, ',', absl::SkipEmpty())) {
        items.emplace_back(p.data(), p.size());
      }
    } else {
      items.push_back(v);
    }
  }
  if (!f->is_repeated() && items.size() != 1) {
    return engine::FieldStatus(where, reason::kInvalidValue, "takes one value");
  }
  for (const std::string& v : items) {
    auto bad = [&](std::string_view what) {
      return engine::FieldStatus(where, reason::kInvalidValue,
                                 absl::StrCat("\"", v.substr(0, 100),
                                              "\" is not ", std::string(what)));
    };
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING:
        f->is_repeated() ? r->AddString(m, f, v) : r->SetString(m, f, v);
        break;
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        int32_t n;
        if (!absl::SimpleAtoi(v, &n)) return bad("a number");
        f->is_repeated() ? r->AddInt32(m, f, n) : r->SetInt32(m, f, n);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        int64_t n;
        if (!absl::SimpleAtoi(v, &n)) return bad("a number");
        f->is_repeated() ? r->AddInt64(m, f, n) : r->SetInt64(m, f, n);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        if (v != "true" && v != "false") return bad("true or false");
        f->is_repeated() ? r->AddBool(m, f, v == "true")
                         : r->SetBool(m, f, v == "true");
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(v);
        int n;
        if (e == nullptr && absl::SimpleAtoi(v, &n)) {
          e = f->enum_type()->FindValueByNumber(n);
        }
        if (e == nullptr) {
          return bad(absl::StrCat("a value of ", f->enum_type()->full_name()));
        }
        f->is_repeated() ? r->AddEnum(m, f, e) : r->SetEnum(m, f, e);
        break;
      }
      default:
        return engine::FieldStatus(where, reason::kInvalidValue,
                                   "cannot be given as a query parameter");
    }
  }
  return absl::OkStatus();
}

// The text of the field at `path` of `m`, when it is a set string.
std::string StringAt(const pb::Message& m, std::string_view path) {
  const pb::Message* at = &m;
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(path.data(), path.size()), '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const pb::FieldDescriptor* f = FindField(at->GetDescriptor(), parts[i]);
    if (f == nullptr || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
        f->is_repeated()) {
      return "";
    }
    at = &at->GetReflection()->GetMessage(*at, f);
  }
  const pb::FieldDescriptor* f = FindField(at->GetDescriptor(), parts.back());
  if (f == nullptr || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING ||
      f->is_repeated()) {
    return "";
  }
  return at->GetReflection()->GetString(*at, f);
}

std::vector<CompiledRoute> Compile() {
  std::vector<CompiledRoute> out;
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const HttpRoute& r : HttpRoutes()) {
    CompiledRoute c;
    c.route = r;
    const std::string_view pattern(r.pattern);
    for (absl::string_view part : absl::StrSplit(
             absl::string_view(pattern.data() + 1, pattern.size() - 1), '/')) {
      Segment seg;
      if (!part.empty() && part[0] == '{') {
        const size_t close = part.find('}');
        seg.field = std::string(part.substr(1, close - 1));
        seg.verb = std::string(part.substr(close + 1));
        c.fields.push_back(seg.field);
      } else {
        seg.literal = std::string(part);
      }
      c.segments.push_back(std::move(seg));
    }
    std::string dotted(r.rpc + 1);
    dotted[dotted.find('/')] = '.';
    c.method = pool->FindMethodByName(dotted);
    if (c.method == nullptr) {
      server::Log(server::LogLevel::kError,
                  absl::StrCat("HTTP route for unknown method ", r.rpc));
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

class Handler {
 public:
  Handler(std::shared_ptr<grpc::Channel> channel,
          std::shared_ptr<CallerGate> gate)
      : routes_(Compile()), stub_(std::move(channel)), gate_(std::move(gate)) {}

  void Serve(const httplib::Request& req, httplib::Response& res) {
    const CompiledRoute* route = nullptr;
    std::vector<std::string> match;
    bool path_known = false;
    for (const CompiledRoute& c : routes_) {
      if (!c.Match(req.path, &match)) continue;
      path_known = true;
      if (req.method == c.route.http_method) {
        route = &c;
        break;
      }
    }
    if (route == nullptr) {
      Reply(
          res, path_known ? 405 : 404,
          ToJson(ToRpcStatus(engine::WithReason(
              absl::Status(
                  path_known ? absl::StatusCode::kUnimplemented
                             : absl::StatusCode::kNotFound,
                  absl::StrCat(req.method, " ", req.path.substr(0, 200),
                               path_known ? ": not a method of this path"
                                          : ": no such route (see the README's "
                                            "HTTP routes)")),
              path_known ? reason::kMethodNotAllowed : reason::kNotFound))));
      return;
    }
    const pb::Message* prototype =
        pb::MessageFactory::generated_factory()->GetPrototype(
            route->method->input_type());
    std::unique_ptr<pb::Message> request(prototype->New());
    if (absl::Status s = Fill(*route, match, req, request.get()); !s.ok()) {
      ReplyError(res, s);
      return;
    }
    // get_header_value returns a copy: keep it for the views below.
    std::optional<std::string> header;
    if (req.has_header("Authorization")) {
      header = req.get_header_value("Authorization");
    }
    std::optional<std::string_view> authorization;
    if (header) authorization = *header;
    if (gate_ != nullptr) {
      grpc::Status admitted = gate_->Check(route->route.rpc, authorization);
      if (!admitted.ok()) {
        Reply(res, HttpStatusOf(admitted.error_code()),
              ToJson(RpcStatusOf(admitted)));
        return;
      }
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(kCallSeconds));
    if (authorization) {
      ctx.AddMetadata("authorization", std::string(*authorization));
    }
    ctx.AddMetadata("jiwon-http-peer",
                    absl::StrCat(req.remote_addr, ":", req.remote_port));
    const std::string bytes = request->SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1), out;
    std::promise<grpc::Status> done;
    stub_.UnaryCall(&ctx, route->route.rpc, grpc::StubOptions(), &in, &out,
                    [&](grpc::Status s) { done.set_value(std::move(s)); });
    const grpc::Status s = done.get_future().get();
    if (!s.ok()) {
      Reply(res, HttpStatusOf(s.error_code()), ToJson(RpcStatusOf(s)));
      return;
    }
    std::vector<grpc::Slice> slices;
    std::string answer;
    if (out.Dump(&slices).ok()) {
      for (const grpc::Slice& sl : slices) {
        answer.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
      }
    }
    std::unique_ptr<pb::Message> response(
        pb::MessageFactory::generated_factory()
            ->GetPrototype(route->method->output_type())
            ->New());
    if (!response->ParseFromString(answer)) {
      ReplyError(res, absl::InternalError("the answer did not decode"));
      return;
    }
    Reply(res, 200, ToJson(*response));
  }

 private:
  // The request from the body, the path and the query.
  absl::Status Fill(const CompiledRoute& route,
                    const std::vector<std::string>& match,
                    const httplib::Request& req, pb::Message* request) {
    const std::string_view body = route.route.body;
    if (!req.body.empty()) {
      if (body.empty()) {
        return engine::FieldStatus("body", reason::kFieldNotApplicable,
                                   "this route takes no body");
      }
      pb::Message* target = request;
      if (body != "*") {
        const pb::FieldDescriptor* f =
            FindField(request->GetDescriptor(), body);
        target = request->GetReflection()->MutableMessage(request, f);
      }
      pb::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      const auto parsed =
          pb::util::JsonStringToMessage(req.body, target, options);
      if (!parsed.ok()) {
        return engine::FieldStatus(
            "body", reason::kRequestUndecodable,
            absl::StrCat("not the JSON of ",
                         target->GetDescriptor()->full_name(), ": ",
                         std::string(parsed.message())));
      }
    }
    for (size_t i = 0; i < route.fields.size(); ++i) {
      const std::string& value = match[i];
      const std::string& field = route.fields[i];
      const std::string before = StringAt(*request, field);
      if (!before.empty() && before != value) {
        return engine::FieldStatus(
            field, reason::kConflictingFields,
            absl::StrCat("the body says \"", before.substr(0, 64),
                         "\", the path \"", value.substr(0, 64), "\""));
      }
      if (absl::Status s = SetField(request, field, {value}, field); !s.ok()) {
        return s;
      }
    }
    std::map<std::string, std::vector<std::string>> params;
    for (const auto& [k, v] : req.params) params[k].push_back(v);
    for (const auto& [name, values] : params) {
      if (body == "*" || std::find(route.fields.begin(), route.fields.end(),
                                   name) != route.fields.end()) {
        return engine::FieldStatus(
            name, reason::kFieldNotApplicable,
            "goes in the body or the path of this route, not the query");
      }
      if (absl::Status s = SetField(request, name, values, name); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  std::vector<CompiledRoute> routes_;
  grpc::GenericStub stub_;  // holds the channel
  std::shared_ptr<CallerGate> gate_;
};

}  // namespace

const std::vector<HttpRoute>& HttpRoutes() {
  static const auto* const routes = new std::vector<HttpRoute>{
      {"GET", "/v1/companies", "/jiwon.v1.CompanyService/ListCompanies", ""},
      {"GET", "/v1/companies/{company_id}",
       "/jiwon.v1.CompanyService/GetCompany", ""},
      {"PUT", "/v1/companies/{company.id}",
       "/jiwon.v1.CompanyService/UpsertCompany", "company"},
      {"PATCH", "/v1/companies/{company.id}",
       "/jiwon.v1.CompanyService/UpdateCompany", "company"},
      {"DELETE", "/v1/companies/{company_id}",
       "/jiwon.v1.CompanyService/DeleteCompany", ""},
      {"POST", "/v1/companies/{company_id}:recommend",
       "/jiwon.v1.MatchService/Recommend", "*"},
      {"POST", "/v1/companies:recommend", "/jiwon.v1.MatchService/Recommend",
       "*"},
      {"POST", "/v1/companies/{company_id}:explain",
       "/jiwon.v1.MatchService/Explain", "*"},
      {"POST", "/v1/companies/{company_id}:nextQuestions",
       "/jiwon.v1.MatchService/NextQuestions", "*"},
      {"GET", "/v1/companies/{company_id}/feedback",
       "/jiwon.v1.FeedbackService/ListFeedback", ""},
      {"POST", "/v1/companies/{feedback.company_id}/feedback",
       "/jiwon.v1.FeedbackService/RecordFeedback", "feedback"},
      {"DELETE", "/v1/companies/{company_id}/feedback/{program_id}",
       "/jiwon.v1.FeedbackService/DeleteFeedback", ""},
      {"GET", "/v1/companies/{company_id}/results",
       "/jiwon.v1.RescoreService/GetResults", ""},
      {"GET", "/v1/programs", "/jiwon.v1.ProgramService/ListPrograms", ""},
      {"GET", "/v1/programs:search", "/jiwon.v1.ProgramService/SearchPrograms",
       ""},
      {"GET", "/v1/programs/{program_id}",
       "/jiwon.v1.ProgramService/GetProgram", ""},
      {"PUT", "/v1/programs/{program.id}",
       "/jiwon.v1.ProgramService/UpsertProgram", "program"},
      {"PATCH", "/v1/programs/{program.id}",
       "/jiwon.v1.ProgramService/UpdateProgram", "program"},
      {"DELETE", "/v1/programs/{program_id}",
       "/jiwon.v1.ProgramService/DeleteProgram", ""},
      {"GET", "/v1/drafts", "/jiwon.v1.ProgramService/ListDrafts", ""},
      {"GET", "/v1/drafts/{program_id}", "/jiwon.v1.ProgramService/GetDraft",
       ""},
      {"POST", "/v1/drafts/{program_id}:publish",
       "/jiwon.v1.ProgramService/PublishDraft", "*"},
      {"POST", "/v1/rules:propose", "/jiwon.v1.ProgramService/ProposeRules",
       "*"},
      {"GET", "/v1/accessLog", "/jiwon.v1.AdminService/ReadAccessLog", ""},
      {"GET", "/v1/vocabulary", "/jiwon.v1.VocabularyService/GetVocabulary",
       ""},
  };
  return *routes;
}

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    const HttpOptions& options, std::shared_ptr<grpc::Channel> channel,
    std::shared_ptr<CallerGate> gate) {
  std::unique_ptr<HttpGateway> g(new HttpGateway());
  if (!options.tls_cert_path.empty()) {
    auto ssl = std::make_unique<httplib::SSLServer>(
        options.tls_cert_path.c_str(), options.tls_key_path.c_str(),
        options.tls_client_ca_path.empty()
            ? nullptr
            : options.tls_client_ca_path.c_str());
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(
          "--http_listen: cannot serve HTTPS with --tls_cert and --tls_key");
    }
    g->server_ = std::move(ssl);
    g->tls_ = true;
  } else {
    g->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *g->server_;
  const int threads = options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_payload_max_length(kMaxBodyBytes);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_max_count(1000);
  auto handler = std::make_shared<Handler>(std::move(channel), std::move(gate));
  auto serve = [handler](const httplib::Request& req, httplib::Response& res) {
    handler->Serve(req, res);
  };
  s.Get(".*", serve);
  s.Post(".*", serve);
  s.Put(".*", serve);
  s.Patch(".*", serve);
  s.Delete(".*", serve);
  const size_t colon = options.listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options.listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen: expected host:port, got \"", options.listen, "\""));
  }
  std::string host = options.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  g->port_ = port == 0                    ? s.bind_to_any_port(host)
             : s.bind_to_port(host, port) ? port
                                          : -1;
  if (g->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot listen on ", options.listen,
                     " (in use, or not an address of this machine)"));
  }
  g->thread_ = std::thread([&s] { s.listen_after_bind(); });
  return g;
}

void HttpGateway::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpGateway::~HttpGateway() { Stop(); }

}  // namespace jiwon::rpc
