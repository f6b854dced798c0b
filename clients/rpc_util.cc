#include "clients/rpc_util.h"

#include <google/protobuf/stubs/common.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA certificates to verify jiwond's certificate with: connect "
          "over TLS (default $JIWON_TLS_CA)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate, for a jiwond that requires one (default "
          "$JIWON_TLS_CERT)");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key of --tls_cert (default $JIWON_TLS_KEY)");
ABSL_FLAG(std::string, token_file, "",
          "file holding the bearer token (default $JIWON_TOKEN_FILE; the "
          "token itself may be given in $JIWON_TOKEN)");

namespace jiwon::cli {
namespace {

std::string FlagOrEnv(const std::string& flag, const char* env) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  return value != nullptr ? value : "";
}

absl::StatusOr<std::string> ReadWhole(const std::string& what,
                                      const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": cannot read ", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", path, " is larger than 1 MiB"));
  }
  return text.str();
}

// Adds the bearer token to every call's metadata. Plaintext to a loopback
// jiwond works too (gRPC's own call credentials insist on TLS).
class TokenInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      m->GetSendInitialMetadata()->emplace("authorization", *header_);
    }
    m->Proceed();
  }

 private:
  const std::string* header_;
};

class TokenInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(std::string token)
      : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new TokenInterceptor(&header_);
  }

 private:
  const std::string header_;
};

}  // namespace

absl::StatusOr<ConnectOptions> ConnectOptions::FromFlagsAndEnvironment() {
  ConnectOptions o;
  struct Pem {
    std::string* out;
    std::string path;
    const char* what;
  };
  for (const Pem& pem :
       {Pem{&o.tls_ca, FlagOrEnv(absl::GetFlag(FLAGS_tls_ca), "JIWON_TLS_CA"),
            "--tls_ca (JIWON_TLS_CA)"},
        Pem{&o.tls_cert,
            FlagOrEnv(absl::GetFlag(FLAGS_tls_cert), "JIWON_TLS_CERT"),
            "--tls_cert (JIWON_TLS_CERT)"},
        Pem{&o.tls_key,
            FlagOrEnv(absl::GetFlag(FLAGS_tls_key), "JIWON_TLS_KEY"),
            "--tls_key (JIWON_TLS_KEY)"}}) {
    if (pem.path.empty()) continue;
    absl::StatusOr<std::string> text = ReadWhole(pem.what, pem.path);
    if (!text.ok()) return text.status();
    *pem.out = *std::move(text);
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key (JIWON_TLS_CERT, JIWON_TLS_KEY) go "
        "together");
  }
  if (!o.tls_cert.empty() && o.tls_ca.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert needs --tls_ca (JIWON_TLS_CA) too");
  }
  const std::string token_file =
      FlagOrEnv(absl::GetFlag(FLAGS_token_file), "JIWON_TOKEN_FILE");
  if (!token_file.empty()) {
    absl::StatusOr<std::string> text =
        ReadWhole("--token_file (JIWON_TOKEN_FILE)", token_file);
    if (!text.ok()) return text.status();
    o.token = std::string(absl::StripAsciiWhitespace(*text));
  } else if (const char* env = std::getenv("JIWON_TOKEN"); env != nullptr) {
    o.token = std::string(absl::StripAsciiWhitespace(env));
  }
  for (char c : o.token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "the token (JIWON_TOKEN or --token_file) holds a character that "
          "cannot go in a header");
    }
  }
  return o;
}

std::shared_ptr<grpc::Channel> OpenChannel(const std::string& address,
                                           const ConnectOptions& options,
                                           grpc::ChannelArguments args) {
  if (options.tls_ca.empty()) {
    // gRPC sends call credentials over TLS only: over plaintext (a
    // loopback jiwond) an interceptor adds the token.
    std::vector<
        std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
        interceptors;
    if (!options.token.empty()) {
      interceptors.push_back(
          std::make_unique<TokenInterceptorFactory>(options.token));
    }
    return grpc::experimental::CreateCustomChannelWithInterceptors(
        address, grpc::InsecureChannelCredentials(), args,
        std::move(interceptors));
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls_ca;
  ssl.pem_cert_chain = options.tls_cert;
  ssl.pem_private_key = options.tls_key;
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::SslCredentials(ssl);
  if (!options.token.empty()) {
    credentials = grpc::CompositeChannelCredentials(
        credentials, grpc::AccessTokenCredentials(options.token));
  }
  return grpc::CreateCustomChannel(address, credentials, args);
}

std::string ResolveAddress(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("JIWON_ADDR");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:50051";
}

int ReportRpcError(const char* program, const grpc::Status& s,
                   const std::string& address, double timeout_seconds) {
  std::string message;
  int code = kFailed;
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      message = absl::StrCat(
          "cannot reach jiwond at ", address,
          " (start it with `jiwond`, or point --addr or JIWON_ADDR at a "
          "running one; one serving TLS needs --tls_ca, and a client "
          "certificate when it asks for one): ",
          s.error_message());
      code = kUnreachable;
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      message = absl::StrCat("jiwond at ", address, " did not answer within ",
                             timeout_seconds,
                             "s (raise --timeout, or check the server)");
      code = kUnreachable;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      message = absl::StrCat("rejected: ", s.error_message());
      break;
    case grpc::StatusCode::NOT_FOUND:
      message = s.error_message();
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      message = absl::StrCat("jiwond at ", address,
                             " did not accept the "
                             "caller: ",
                             s.error_message());
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      message = absl::StrCat("not allowed: ", s.error_message());
      break;
    default:
      message = absl::StrCat("jiwond error (", s.error_code(),
                             "): ", s.error_message());
  }
  std::cerr << program << ": " << message << "\n";
  // A record refused for several problems: one line each, with its reason
  // code and the Korean a form would show.
  google::rpc::Status details;
  if (details.ParseFromString(s.error_details())) {
    for (const google::protobuf::Any& any : details.details()) {
      google::rpc::BadRequest bad;
      if (!any.UnpackTo(&bad) || bad.field_violations_size() < 2) continue;
      for (const auto& v : bad.field_violations()) {
        std::cerr << "  " << v.field() << ": " << v.description() << " ("
                  << v.reason();
        if (!v.localized_message().message().empty()) {
          std::cerr << ": " << v.localized_message().message();
        }
        std::cerr << ")\n";
      }
    }
  }
  return code;
}

std::string ClientLibraries() {
  return absl::StrCat("gRPC ", grpc::Version(), ", Protobuf ",
                      GOOGLE_PROTOBUF_VERSION / 1000000, ".",
                      GOOGLE_PROTOBUF_VERSION / 1000 % 1000, ".",
                      GOOGLE_PROTOBUF_VERSION % 1000);
}

std::vector<char*> ParseCommandLineOrExit(const char* program,
                                          absl::FlagsUsageConfig config,
                                          int argc, char** argv) {
  // The flags absl's parser handles itself.
  static constexpr std::string_view kBuiltIn[] = {
      "help",     "helpfull",  "helpshort",  "helppackage",
      "helpon",   "helpmatch", "version",    "only_check_args",
      "flagfile", "fromenv",   "tryfromenv", "undefok"};
  auto usage_error = [&](const std::string& what) {
    std::cerr << program << ": " << what << " (run `" << program
              << " --help` for the flags)\n";
    std::exit(kUsageError);
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // positional, or "-"
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    const std::string name(arg.substr(0, eq));
    if (std::find(std::begin(kBuiltIn), std::end(kBuiltIn), name) !=
        std::end(kBuiltIn)) {
      continue;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && eq == std::string_view::npos &&
        name.starts_with("no")) {
      absl::CommandLineFlag* negated =
          absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) continue;
    }
    if (flag == nullptr || flag->IsRetired()) {
      usage_error("unknown flag --" + name);
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < argc) {
      value = argv[++i];  // "--flag value"
    } else {
      usage_error("--" + name + " needs a value");
    }
    // Checked on a copy of what the flag holds: the parse below sets it.
    const std::string before = flag->CurrentValue();
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      usage_error("--" + name + "=" + value + ": " + error);
    }
    flag->ParseFrom(before, &error);
  }
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "clients/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace jiwon::cli
