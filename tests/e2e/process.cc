#include "tests/e2e/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace jiwon::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out,
            const std::string& err, const std::string& input) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (!input.empty()) {
      int in = open(input.c_str(), O_RDONLY);
      dup2(in, 0);
    }
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const std::string& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());  // a bare name is looked up in PATH
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Finished RunToEnd(const std::vector<std::string>& argv, const std::string& dir,
                  const std::string& name, const std::string& input) {
  const std::string out = dir + "/" + name + ".out";
  const std::string err = dir + "/" + name + ".err";
  Finished f;
  f.exit_code = WaitExit(Spawn(argv, out, err, input));
  f.out = ReadFile(out);
  f.err = ReadFile(err);
  return f;
}

ServerProcess::ServerProcess(const std::string& work_dir,
                             const std::string& data_dir,
                             std::vector<std::string> flags)
    : work_dir_(work_dir) {
  const std::string port_file = work_dir + "/port";
  unlink(port_file.c_str());
  std::vector<std::string> argv = {
      JIWOND_PATH, "--listen=127.0.0.1:0", "--data_dir=" + data_dir,
      "--create_if_missing", "--port_file=" + port_file};
  argv.insert(argv.end(), flags.begin(), flags.end());
  pid_ = Spawn(argv, work_dir + "/jiwond.out", work_dir + "/jiwond.log");
  // Up to a minute: a sanitizer build on a loaded machine starts slowly.
  for (int i = 0; i < 1200; ++i) {
    const std::string port = ReadFile(port_file);
    if (!port.empty() && port.back() == '\n') {
      addr_ = "127.0.0.1:" + port.substr(0, port.size() - 1);
      return;
    }
    if (int status = 0; waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    WaitExit(pid_);
  }
}

std::string ServerProcess::log() const {
  return ReadFile(work_dir_ + "/jiwond.log");
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

std::string ReasonInDetails(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace jiwon::testing
