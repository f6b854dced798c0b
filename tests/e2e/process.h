#ifndef JIWON_TESTS_E2E_PROCESS_H_
#define JIWON_TESTS_E2E_PROCESS_H_

// Child processes for the end-to-end tests: the real binaries, their
// output in files.

#include <grpcpp/support/status.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace jiwon::testing {

// The whole file; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// Starts `argv` with stdout and stderr sent to files (and stdin from
// `input` when given); returns the pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out,
            const std::string& err, const std::string& input = "");

// Waits for `pid`: its exit code, or 128 + the signal that ended it.
int WaitExit(pid_t pid);

// A child run to its end: its exit code and what it wrote.
struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `argv` to its end, with its output in DIR/NAME.out and DIR/NAME.err
// (and stdin from `input` when given).
Finished RunToEnd(const std::vector<std::string>& argv, const std::string& dir,
                  const std::string& name = "run",
                  const std::string& input = "");

// The ErrorInfo reason in a failed call's google.rpc.Status details
// (grpc-status-details-bin); empty when there is none.
std::string ReasonInDetails(const grpc::Status& status);

// jiwond on 127.0.0.1 with an ephemeral port, over `data_dir`, with
// `flags` besides; stopped (SIGKILL unless Stop was called) on destruction.
class ServerProcess {
 public:
  // Starts it and waits until it writes its port; ok() says whether it did.
  ServerProcess(const std::string& work_dir, const std::string& data_dir,
                std::vector<std::string> flags = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return !addr_.empty(); }
  pid_t pid() const { return pid_; }
  // When it ended before serving: its exit code; -1 otherwise.
  int exit_code() const { return exit_code_; }
  const std::string& addr() const { return addr_; }
  // What jiwond has written to stderr so far.
  std::string log() const;
  // SIGTERM and the exit code.
  int Stop();

 private:
  std::string work_dir_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string addr_;
};

}  // namespace jiwon::testing

#endif  // JIWON_TESTS_E2E_PROCESS_H_
