// `reghub ingest` of a big file killed with SIGKILL while it queues messages
// (SQLite and PostgreSQL: the same file compiled twice), then run again as
// a restart would: every citizen's messages are queued exactly once — the
// same messages as an ingest that was never killed, no key twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/hub/store/store_backend.h"
#include "tests/support/hub_process.h"

namespace reghub::api {
namespace {

const std::string kBin = REGHUB_BINARY;
constexpr int kCitizens = 2000;  // ≈ 12 MB; a few seconds per ingest on the reference machine

using testing::spawnHub;
using testing::waitExit;

int ingest(const std::string& url, const std::string& file) { return testing::ingestWith(kBin, url, file); }

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
  ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", std::to_string(kCitizens), "--seed", "17", "--as-of",
                            "2026-11-01", "--out", all})),
            0);
  testing::StoreBackend reference("ref_" + testing::currentTestName());
  reference.open();
  testing::StoreBackend killed("kill_" + testing::currentTestName());
  killed.open();
  ASSERT_LE(ingest(reference.url(), all), 1);
  const Queued want = queued(reference.url());
  ASSERT_GT(want.messages.size(), static_cast<size_t>(kCitizens));

  const pid_t victim = spawnHub({kBin, "ingest", "--store", killed.url(), "--as-of", "2026-11-01", all});
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
