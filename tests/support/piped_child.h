#pragma once
// A child process (usually the `reghub` binary) whose standard output the
// test reads line by line: a server that prints its URL and then serves
// until SIGTERM, as `run`, `demo` and `sandbox` do. Started with
// posix_spawn; the environment is the test's own plus `env`. A child still
// running when its PipedChild is destroyed is killed (SIGKILL) and reaped,
// so a failing assertion leaves no process behind.
#include <sys/types.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace reghub::testing {

class PipedChild {
 public:
  enum class Stderr { kInherit, kNull, kStdout, kFile };
  struct Options {
    std::vector<std::pair<std::string, std::string>> env;  // set in the child, over the test's own
    Stderr err = Stderr::kInherit;
    std::string errFile;  // with Stderr::kFile
  };

  PipedChild() = default;
  // args[0] is the program's path. started() is false when it cannot start.
  static PipedChild spawn(const std::vector<std::string>& args, const Options& options);
  static PipedChild spawn(const std::vector<std::string>& args) { return spawn(args, Options{}); }
  ~PipedChild();
  PipedChild(PipedChild&& other) noexcept;
  PipedChild& operator=(PipedChild&& other) noexcept;
  PipedChild(const PipedChild&) = delete;
  PipedChild& operator=(const PipedChild&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The next line of its stdout without the line end; "" at its end.
  std::string readLine();
  // The same, false at its end (for output that may hold empty lines).
  bool readLine(std::string& line);
  // Everything it writes to stdout until it closes it.
  std::string readRest();
  // Sends `sig` (SIGTERM unless told) and waits: the exit code, or 128 + the
  // signal that ended it; -1 when it was not running.
  int stop(int sig);
  int stop();
  // Waits for it to end by itself; the same codes as stop().
  int wait();

 private:
  void release() noexcept;
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
};

}  // namespace reghub::testing
