#pragma once
// The outbox tests run on SQLite and on PostgreSQL (this folder's
// CMakeLists compiles them twice); worker processes for the crash tests.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/store_test_support.h"

namespace reghub::testing {

class OutboxBackend {
 public:
  explicit OutboxBackend(const std::string& testName) {
#ifdef REGHUB_TEST_BACKEND_PG
    std::string schema = "o_";
    for (char c : testName) schema.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
    url_ = freshPgSchemaUrl(schema.substr(0, 60));
#else
    (void)testName;
    dir_ = std::make_unique<TempDir>("reghub-outbox");
    url_ = "sqlite:" + (dir_->path() / "store.db").string();
#endif
  }
  const std::string& url() const { return url_; }
  std::unique_ptr<store::DeliveryStore> open() const { return store::DeliveryStore::open({url_, testKeyring()}); }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string url_;
};

inline std::string testName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "_" + info->name();
}

// A reghub_test_outbox_worker process.
class WorkerProcess {
 public:
  WorkerProcess(const std::string& storeUrl, const std::string& registryUrl, const std::string& caFile,
                const std::string& id, int threads, int leaseMillis) {
    const std::vector<std::string> args = {REGHUB_TEST_WORKER, storeUrl, registryUrl, caFile, id, std::to_string(threads),
                                           std::to_string(leaseMillis)};
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~WorkerProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  void kill9() { ::kill(pid_, SIGKILL); }
  // Exit status (or 128+signal).
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace reghub::testing
