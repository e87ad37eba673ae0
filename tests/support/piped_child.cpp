#include "tests/support/piped_child.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>

extern char** environ;

namespace reghub::testing {

namespace {

// The test's environment with `over` set on top, as "K=V" strings.
std::vector<std::string> environment(const std::vector<std::pair<std::string, std::string>>& over) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq) vars[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
  }
  for (const auto& [k, v] : over) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

int exitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

PipedChild PipedChild::spawn(const std::vector<std::string>& args, const Options& options) {
  PipedChild child;
  int fds[2];
  if (args.empty() || ::pipe(fds) != 0) return child;
  const std::vector<std::string> env = environment(options.env);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  switch (options.err) {
    case Stderr::kInherit: break;
    case Stderr::kNull: posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0); break;
    case Stderr::kStdout: posix_spawn_file_actions_adddup2(&fa, fds[1], 2); break;
    case Stderr::kFile:
      posix_spawn_file_actions_addopen(&fa, 2, options.errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      break;
  }
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return child;
  }
  child.pid_ = pid;
  child.out_ = ::fdopen(fds[0], "r");
  return child;
}

PipedChild::~PipedChild() { release(); }

PipedChild::PipedChild(PipedChild&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), out_(std::exchange(other.out_, nullptr)) {}

PipedChild& PipedChild::operator=(PipedChild&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    out_ = std::exchange(other.out_, nullptr);
  }
  return *this;
}

void PipedChild::release() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (out_) std::fclose(out_);
  out_ = nullptr;
}

std::string PipedChild::readLine() {
  std::string line;
  readLine(line);
  return line;
}

bool PipedChild::readLine(std::string& line) {
  line.clear();
  if (!out_) return false;
  char buf[2048];
  bool any = false;
  while (std::fgets(buf, sizeof buf, out_)) {
    any = true;
    line += buf;
    if (line.back() == '\n') break;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return any;
}

std::string PipedChild::readRest() {
  std::string rest;
  if (!out_) return rest;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, out_)) > 0) rest.append(buf, n);
  return rest;
}

int PipedChild::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  return wait();
}

int PipedChild::stop() { return stop(SIGTERM); }

int PipedChild::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return exitCode(status);
}

}  // namespace reghub::testing
