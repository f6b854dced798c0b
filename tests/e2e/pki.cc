#include "tests/e2e/pki.h"

#include <fstream>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/app/auth.h"
#include "tests/e2e/process.h"

namespace jiwon::testing {
namespace {

bool Run(const std::vector<std::string>& argv, const std::string& dir,
         std::string* error) {
  const int code =
      WaitExit(Spawn(argv, dir + "/openssl.out", dir + "/openssl.err"));
  if (code != 0) {
    *error = absl::StrCat(argv[1], " ", argv[2], ": ",
                          ReadFile(dir + "/openssl.err"));
  }
  return code == 0;
}

}  // namespace

TestPki MakeTestPki(const std::string& dir) {
  TestPki pki;
  pki.ca = dir + "/ca.pem";
  pki.server_cert = dir + "/server.pem";
  pki.server_key = dir + "/server.key";
  pki.client_cert = dir + "/client.pem";
  pki.client_key = dir + "/client.key";
  std::ofstream(dir + "/server.ext")
      << "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n"
         "extendedKeyUsage=serverAuth\n";
  std::ofstream(dir + "/client.ext") << "extendedKeyUsage=clientAuth\n";
  const std::vector<std::string> ec = {
      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  auto with = [&](std::vector<std::string> head,
                  std::vector<std::string> tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  pki.ok =
      Run(with({"openssl", "req", "-x509"},
               with(ec, {"-keyout", dir + "/ca.key", "-out", pki.ca, "-days",
                         "2", "-subj", "/CN=jiwon test CA"})),
          dir, &pki.error) &&
      Run(with({"openssl", "req"},
               with(ec, {"-keyout", pki.server_key, "-out", dir + "/server.csr",
                         "-subj", "/CN=localhost"})),
          dir, &pki.error) &&
      Run({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", pki.ca,
           "-CAkey", dir + "/ca.key", "-CAcreateserial", "-out",
           pki.server_cert, "-days", "2", "-extfile", dir + "/server.ext"},
          dir, &pki.error) &&
      Run(with({"openssl", "req"},
               with(ec, {"-keyout", pki.client_key, "-out", dir + "/client.csr",
                         "-subj", "/CN=jiwon client"})),
          dir, &pki.error) &&
      Run({"openssl", "x509", "-req", "-in", dir + "/client.csr", "-CA", pki.ca,
           "-CAkey", dir + "/ca.key", "-CAcreateserial", "-out",
           pki.client_cert, "-days", "2", "-extfile", dir + "/client.ext"},
          dir, &pki.error);
  return pki;
}

cli::ConnectOptions TlsOptions(const TestPki& pki, const std::string& token,
                               bool with_client_certificate) {
  cli::ConnectOptions o;
  o.tls_ca = ReadFile(pki.ca);
  if (with_client_certificate) {
    o.tls_cert = ReadFile(pki.client_cert);
    o.tls_key = ReadFile(pki.client_key);
  }
  o.token = token;
  return o;
}

std::string NewToken(const std::string& name, const std::string& role,
                     std::string* line, const std::string& scope) {
  std::random_device random;
  std::string bytes(32, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  const std::string token = "jw_" + absl::WebSafeBase64Escape(bytes);
  *line = absl::StrCat(name, " ", role, " ",
                       absl::BytesToHexString(app::Sha256(token)),
                       scope.empty() ? "" : " scope=", scope);
  return token;
}

}  // namespace jiwon::testing
