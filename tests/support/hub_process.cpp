#include "tests/support/hub_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

namespace reghub::testing {

namespace {

// The keys of testKeyring(), so the test can open what the binary stored.
const std::vector<std::string> kKeyEnv = {"REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
                                          "REGHUB_STORE_LOOKUP_KEY=ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=",
                                          "REGHUB_STORE_KEY_ID=test-k1"};

}  // namespace

pid_t spawnHub(const std::vector<std::string>& args) {
  std::vector<std::string> env = kKeyEnv;
  env.push_back("PATH=/usr/bin:/bin");
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int waitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int ingestWith(const std::string& binary, const std::string& storeUrl, const std::string& file) {
  return waitExit(spawnHub({binary, "ingest", "--store", storeUrl, "--as-of", "2026-11-01", file}));
}

}  // namespace reghub::testing
