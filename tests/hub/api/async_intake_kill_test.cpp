// POST /fhir answers 202 before the body is ingested (docs/STORE.md "Intake
// queue"); a `reghub run` killed with SIGKILL between that 202 and the
// ingest's `done` ingests the stored body on restart — every citizen's
// messages queued exactly once, the same as a `reghub ingest` of the same
// file that was never killed — and the sealed body is gone once done.
// SQLite and PostgreSQL (the same file compiled twice).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "tests/hub/store/store_backend.h"
#include "tests/support/hub_process.h"

namespace reghub::api {
namespace {

const std::string kBin = REGHUB_BINARY;
const std::string kToken = "intake-token-7d2e91c4a0";
constexpr int kCitizens = 2000;  // ≈ 12 MB: streamed to the store in 1 MiB pieces

using testing::spawnHub;
using testing::waitExit;

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

// `reghub run` with the test keyring's keys; its stdout on a pipe.
Child spawnRun(const std::string& config) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null) ::dup2(fileno(null), 2);
    ::close(fds[0]);
    ::close(fds[1]);
    ::setenv("REGHUB_STORE_KEY", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", 1);
    ::setenv("REGHUB_STORE_LOOKUP_KEY", "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=", 1);
    ::setenv("REGHUB_STORE_KEY_ID", "test-k1", 1);
    ::setenv("REGHUB_TEST_INTAKE_TOKEN", kToken.c_str(), 1);
    ::execl(kBin.c_str(), kBin.c_str(), "run", "--no-workers", "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, ::fdopen(fds[0], "r")};
}

// The "listening on URL" line's URL.
std::string baseUrl(Child& c) {
  char buf[1024];
  while (c.out && std::fgets(buf, sizeof buf, c.out)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("listening on ", 0) == 0) return line.substr(13);
  }
  return {};
}

void kill9(Child& c) {
  ::kill(c.pid, SIGKILL);
  EXPECT_EQ(waitExit(c.pid), 128 + SIGKILL);
  if (c.out) std::fclose(c.out);
  c = {};
}

void stop(Child& c) {
  if (c.pid <= 0) return;
  ::kill(c.pid, SIGTERM);
  waitExit(c.pid);
  if (c.out) std::fclose(c.out);
  c = {};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int64_t count(const std::string& url, const std::string& sql) {
  auto db = store::openDatabase(url);
  return std::stoll(db->query(sql).at(0).at(0).value_or("0"));
}

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

class AsyncIntakeKill : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = (dir_.path() / "all.ndjson").string();
    tls_ = net::writeDevTls((dir_.path() / "tls").string());
    ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", std::to_string(kCitizens), "--seed", "17", "--as-of",
                                 "2026-11-01", "--out", data_})),
              0);
    reference_.open();
    killed_.open();
    ASSERT_LE(testing::ingestWith(kBin, reference_.url(), data_), 1);
    want_ = queued(reference_.url());
    ASSERT_GT(want_.messages.size(), static_cast<size_t>(kCitizens));
  }
  void TearDown() override { stop(hub_); }

  std::string config(const std::string& extra) {
    const std::string path = (dir_.path() / "hub.properties").string();
    std::ofstream(path) << "http.tls.certificate = " << tls_.serverCertFile << "\nhttp.tls.privateKey = "
                        << tls_.serverKeyFile << "\nstore.url = " << killed_.url() << "\nhttp.port = 0\nsync.intervalMinutes = 0\n"
                        << "http.clients = intake1\nhttp.client.intake1.tokenEnv = REGHUB_TEST_INTAKE_TOKEN\n"
                        << "http.client.intake1.roles = intake, analyst\nintake.leaseMillis = 1000\n"
                        << "intake.pollMillis = 50\n" << extra;
    return path;
  }
  // Posts the file as intake1; the ingest id from the 202.
  std::string post(const std::string& url) {
    net::HttpsClientOptions o;
    o.timeout = std::chrono::milliseconds(120'000);
    o.caFile = tls_.caCertFile;
    net::HttpsClient client(url, o);
    const auto r = client.send("POST", "/fhir", readFile(data_), "application/fhir+ndjson",
                               {{"Authorization", "Bearer " + kToken}});
    EXPECT_EQ(r.status, 202) << r.body;
    // Queued, or already claimed by the intake worker by the time the answer was written.
    EXPECT_TRUE(r.body.find(R"("state":"queued")") != std::string::npos ||
                r.body.find(R"("state":"ingesting")") != std::string::npos)
        << r.body;
    const auto at = r.body.find(R"("ingestId":")");
    return at == std::string::npos ? std::string() : r.body.substr(at + 12, 36);
  }
  std::string state(const std::string& id) {
    auto db = store::openDatabase(killed_.url());
    const auto rows = db->query("SELECT state FROM ingests WHERE id = $1", {id});
    return rows.empty() ? std::string("(none)") : rows[0][0].value_or("");
  }
  // Restarts the hub and waits until the ingest is done; then every
  // citizen's messages are queued once, as in the reference, and the body is gone.
  // The ingest's report must count every message queued.
  void restartAndCheck(const std::string& id) {
    hub_ = spawnRun(config(""));
    ASSERT_FALSE(baseUrl(hub_).empty());
    for (int i = 0; i < 1200 && state(id) != "done"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(state(id), "done");
    const Queued got = queued(killed_.url());
    for (const auto& [key, n] : got.perKey) EXPECT_EQ(n, 1) << "queued " << n << " times: " << key;
    EXPECT_EQ(got.messages, want_.messages) << "the restart must end where an unbroken ingest ends";
    // Its report counts what every attempt queued (not only the last one's),
    // a kill in the middle of rendering too: a group queued and not yet
    // recorded when the kill came is rendered again by the retry, which
    // counts its messages as the ingest's (before, the adapters skipped them
    // as sent before and the report was one render group short).
    auto db = store::openDatabase(killed_.url());
    EXPECT_EQ(std::stoll(db->query("SELECT messages FROM ingests WHERE id = $1", {id}).at(0).at(0).value_or("0")),
              static_cast<int64_t>(want_.messages.size()));
    EXPECT_EQ(count(killed_.url(), "SELECT COUNT(*) FROM intake_bodies"), 0) << "the sealed body is deleted once done";
    EXPECT_EQ(count(killed_.url(), "SELECT COUNT(*) FROM ingests WHERE state <> 'done'"), 0);
  }

  testing::TempDir dir_{"reghub-async-kill"};
  std::string data_;
  testing::StoreBackend reference_{"ref_" + testing::currentTestName()};
  testing::StoreBackend killed_{"kill_" + testing::currentTestName()};
  Queued want_;
  net::DevTlsFiles tls_;
  Child hub_;
};

TEST_F(AsyncIntakeKill, Sigkill_AfterThe202BeforeIngesting_TheRestartIngestsTheStoredBodyOnce) {
  // This hub only stores what is posted (no intake worker): killed after its 202.
  hub_ = spawnRun(config("intake.workers = false\nintake.streamBytes = 1048576\n"));
  const std::string url = baseUrl(hub_);
  ASSERT_FALSE(url.empty());
  const std::string id = post(url);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(state(id), "queued");
  EXPECT_GT(count(killed_.url(), "SELECT COUNT(*) FROM intake_bodies"), 5) << "streamed in pieces of 1 MiB";
  kill9(hub_);
  EXPECT_EQ(count(killed_.url(), "SELECT COUNT(*) FROM messages"), 0);
  restartAndCheck(id);
}

TEST_F(AsyncIntakeKill, Sigkill_WhileIngesting_TheRestartIngestsTheStoredBodyOnce) {
  hub_ = spawnRun(config("intake.streamBytes = 67108864\n"));  // the body whole, in one transaction
  const std::string url = baseUrl(hub_);
  ASSERT_FALSE(url.empty());
  const std::string id = post(url);
  ASSERT_EQ(id.size(), 36u);
  // Killed once a third of the messages are queued: in the middle of rendering.
  const auto third = static_cast<int64_t>(want_.messages.size() / 3);
  int64_t atKill = 0;
  for (int i = 0; i < 120'000 && atKill < third; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    atKill = count(killed_.url(), "SELECT COUNT(*) FROM messages");
  }
  kill9(hub_);
  ASSERT_GE(atKill, third);
  ASSERT_EQ(state(id), "ingesting") << "the kill came after the ingest was done";
  ASSERT_LT(count(killed_.url(), "SELECT COUNT(*) FROM messages"), static_cast<int64_t>(want_.messages.size()));
  restartAndCheck(id);
}

}  // namespace
}  // namespace reghub::api
