#ifndef JIWON_TESTS_E2E_PKI_H_
#define JIWON_TESTS_E2E_PKI_H_

// A throwaway certificate authority for the tests, made with the openssl
// command at test time: a CA, a server certificate for 127.0.0.1, ::1 and
// localhost, and a client certificate. Tokens for a token file.

#include <string>

#include "clients/rpc_util.h"

namespace jiwon::testing {

struct TestPki {
  std::string ca, server_cert, server_key, client_cert, client_key;  // paths
  bool ok = false;
  std::string error;  // what openssl said when !ok
};
// Makes the files in `dir` (two days' validity).
TestPki MakeTestPki(const std::string& dir);

// How a client of the tests connects: the clients' own options (TLS with
// the PEM files' contents, a client certificate unless told not to, the
// token), for cli::OpenChannel.
cli::ConnectOptions TlsOptions(const TestPki& pki, const std::string& token,
                               bool with_client_certificate = true);

// A fresh random token for `name`; `line` receives its token file line.
std::string NewToken(const std::string& name, const std::string& role,
                     std::string* line, const std::string& scope = "");

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_E2E_PKI_H_
