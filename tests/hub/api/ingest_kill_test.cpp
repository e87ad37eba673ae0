// `reghub ingest` of a big file killed with SIGKILL while it queues messages
// (SQLite and PostgreSQL: the same file compiled twice), then run again as
// a restart would: every citizen's messages are queued exactly once — the
// same messages as an ingest that was never killed, no key twice.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/hub/store/store_backend.h"

extern char** environ;

namespace reghub::api {
namespace {

const std::string kBin = REGHUB_BINARY;
// The keys of testKeyring().
const std::vector<std::string> kKeyEnv = {"REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
                                          "REGHUB_STORE_LOOKUP_KEY=ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=",
                                          "REGHUB_STORE_KEY_ID=test-k1"};
constexpr int kCitizens = 2000;  // ≈ 12 MB; a few seconds per ingest on the reference machine

pid_t spawn(const std::vector<std::string>& args) {
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

int ingest(const std::string& url, const std::string& file) {
  return waitExit(spawn({kBin, "ingest", "--store", url, "--as-of", "2026-11-01", file}));
}

// Every queued message as registry|key|content hash, and how often each
// registry|key was queued.
struct Queued {
  std::multiset<std::string> messages;
  std::map<std::string, int> perKey;
};

Queued queued(const std::string& url) {
  Queued out;
  auto db = store::openDatabase(url);
  for (const auto& row : db->query("SELECT registry, idem_key, content_hash FROM messages")) {
    out.messages.insert(row[0].value_or("") + "|" + row[1].value_or("") + "|" + row[2].value_or(""));
    ++out.perKey[row[0].value_or("") + "|" + row[1].value_or("")];
  }
  return out;
}

int64_t messageCount(const std::string& url) {
  auto db = store::openDatabase(url);
  return std::stoll(db->query("SELECT COUNT(*) FROM messages").at(0).at(0).value_or("0"));
}

TEST(IngestKill, Sigkill_WhileQueuingABigIngest_TheRestartQueuesEveryCitizensMessagesOnce) {
  testing::TempDir dir("reghub-ingest-kill");
  const std::string all = (dir.path() / "all.ndjson").string();
  ASSERT_EQ(waitExit(spawn({kBin, "synth", "--citizens", std::to_string(kCitizens), "--seed", "17", "--as-of",
                            "2026-11-01", "--out", all})),
            0);
  testing::StoreBackend reference("ref_" + testing::currentTestName());
  reference.open();
  testing::StoreBackend killed("kill_" + testing::currentTestName());
  killed.open();
  ASSERT_LE(ingest(reference.url(), all), 1);
  const Queued want = queued(reference.url());
  ASSERT_GT(want.messages.size(), static_cast<size_t>(kCitizens));

  const pid_t victim = spawn({kBin, "ingest", "--store", killed.url(), "--as-of", "2026-11-01", all});
  ASSERT_GT(victim, 0);
  // Killed once a third of the messages are queued: in the middle of rendering.
  const auto third = static_cast<int64_t>(want.messages.size() / 3);
  int64_t atKill = 0;
  for (int i = 0; i < 60'000 && atKill < third; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    atKill = messageCount(killed.url());
  }
  ::kill(victim, SIGKILL);
  ASSERT_EQ(waitExit(victim), 128 + SIGKILL) << "the ingest finished before it could be killed";
  ASSERT_GE(atKill, third);
  ASSERT_LT(messageCount(killed.url()), static_cast<int64_t>(want.messages.size()))
      << "the kill came after everything was queued";

  ASSERT_LE(ingest(killed.url(), all), 1);  // the restart: the same file again
  const Queued got = queued(killed.url());
  for (const auto& [key, n] : got.perKey) EXPECT_EQ(n, 1) << "queued " << n << " times: " << key;
  EXPECT_EQ(got.messages, want.messages) << "the restart must end where an unbroken ingest ends";
}

}  // namespace
}  // namespace reghub::api
