// The store commands through the real `reghub` binary: ingest → status →
// replay, and `reghub run` serving /health and stopping cleanly on SIGTERM.
// Exit codes per CONTRACT §3 (2 usage, 78 config).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "tests/support/piped_child.h"
#include "tests/support/store_test_support.h"

namespace reghub::api {
namespace {

using testing::PipedChild;

const std::string kBin = REGHUB_BINARY;
const std::string kKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

struct Result {
  int code;
  std::string out;
};

// Runs a shell command line; stdout (and stderr if asked) captured.
Result run(const std::string& cmd) {
  Result r{0, {}};
  FILE* p = ::popen(("REGHUB_STORE_KEY=" + kKey + " " + cmd).c_str(), "r");
  if (!p) return {-1, {}};
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ServiceCommands, IngestThenStatusJsonThenReplay) {
  testing::TempDir dir("reghub-cli-store");
  const std::string store = "sqlite:" + (dir.path() / "s.db").string();
  const std::string input = (dir.path() / "in.ndjson").string();
  ASSERT_EQ(run(kBin + " synth --citizens 20 --seed 3 --as-of 2026-11-01 --out " + input + " 2>/dev/null").code, 0);
  const auto ingest = run(kBin + " ingest --store " + store + " --as-of 2026-11-01 --format json " + input + " 2>&1");
  EXPECT_TRUE(ingest.code == 0 || ingest.code == 1) << ingest.out;
  EXPECT_TRUE(std::regex_search(ingest.out, std::regex("ingest [0-9a-f-]{36}: 20 borgere"))) << ingest.out;
  const auto status = run(kBin + " status --store " + store + " --format json");
  EXPECT_EQ(status.code, 0);
  EXPECT_EQ(status.out.rfind("{\"counts\":[", 0), 0u) << status.out;
  const auto text = run(kBin + " status --store " + store);
  EXPECT_NE(text.out.find("registry"), std::string::npos);
  const auto replay = run(kBin + " replay --store " + store + " --state dead");
  EXPECT_EQ(replay.code, 0);
  EXPECT_NE(replay.out.find("0 messages back to pending"), std::string::npos) << replay.out;
  // No CPR in anything the commands printed.
  EXPECT_FALSE(std::regex_search(ingest.out + status.out + text.out, std::regex("\\b[0-3][0-9][01][0-9]{3}-?[0-9]{4}\\b")));
}

TEST(ServiceCommands, Replay_BadStateIsUsageError) {
  testing::TempDir dir("reghub-cli-store");
  EXPECT_EQ(run(kBin + " replay --store sqlite:" + (dir.path() / "s.db").string() + " --state accepted 2>&1").code, 2);
}

TEST(ServiceCommands, StatusOfAStoreThatDoesNotExistSaysSoAndCreatesNone) {
  testing::TempDir dir("reghub-cli-store");
  const auto missing = dir.path() / "absent.db";
  const auto r = run("sh -c 'cd " + dir.path().string() + " && exec " + kBin + " status --store sqlite:" +
                     missing.string() + "' 2>&1");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("there is no store at " + missing.string()), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(missing));
  // Without --config or --store: the default ./reghub.db is not made either.
  const auto d = run("sh -c 'cd " + dir.path().string() + " && exec " + kBin + " status' 2>&1");
  EXPECT_EQ(d.code, 2) << d.out;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "reghub.db"));
}

TEST(ServiceCommands, VersionIsPrinted) {
  const auto r = run(kBin + " --version");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(std::regex_search(r.out, std::regex("^reghub [0-9]+\\.[0-9]+\\.[0-9]+\n$"))) << r.out;
}

TEST(ServiceCommands, AStoreOpenedWithAnotherKeyIsConfigError78) {
  testing::TempDir dir("reghub-cli-store");
  const std::string store = "sqlite:" + (dir.path() / "s.db").string();
  // Make the store with the test key, then open it with another one.
  const auto made = run(kBin + " ingest --store " + store + " /dev/null 2>&1");
  ASSERT_TRUE(std::filesystem::exists(dir.path() / "s.db")) << made.out;
  ASSERT_EQ(run(kBin + " status --store " + store + " 2>&1").code, 0);  // the control: the right key opens it
  const auto r = run("REGHUB_STORE_KEY=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY= " + kBin + " status --store " + store +
                     " 2>&1");
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("the store key cannot open this store's data"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("QUJDREVG"), std::string::npos) << "the key must not be echoed";
}

TEST(ServiceCommands, MissingStoreKeyIsConfigError78) {
  const auto r = run("REGHUB_STORE_KEY= " + kBin + " status --store sqlite:/tmp/nowhere.db 2>&1");
  EXPECT_EQ(r.code, 78);
  EXPECT_NE(r.out.find("REGHUB_STORE_KEY"), std::string::npos) << r.out;
}

TEST(ServiceCommands, Run_ServesHealthAndStopsOnSigterm) {
  testing::TempDir dir("reghub-cli-run");
  const std::string store = "sqlite:" + (dir.path() / "s.db").string();
  PipedChild::Options o;
  o.env = {{"REGHUB_STORE_KEY", kKey}};
  o.err = PipedChild::Stderr::kStdout;
  PipedChild hub = PipedChild::spawn({kBin, "run", "--store", store, "--port", "0"}, o);
  ASSERT_TRUE(hub.started());
  std::string listening, startup;
  for (std::string line; hub.readLine(line);) {
    if (line.rfind("listening on ", 0) == 0) {
      listening = line;
      break;
    }
    startup += line + "\n";
  }
  // No registry is configured for delivery here: nothing leaves, and start-up says so.
  EXPECT_NE(startup.find("registry smdb is not configured for delivery"), std::string::npos) << startup;
  EXPECT_NE(startup.find("registry ltt is not configured for delivery"), std::string::npos) << startup;
  EXPECT_EQ(startup.find(" delivers to "), std::string::npos) << startup;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(listening, m, std::regex(":([0-9]+)"))) << listening;
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(std::stoi(m[1])));
  Poco::Net::HTTPRequest req("GET", "/health");
  s.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::string body;
  Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
  EXPECT_EQ(resp.getStatus(), 200);
  EXPECT_NE(body.find("\"ok\""), std::string::npos);
  ::kill(hub.pid(), SIGTERM);
  const std::string rest = hub.readRest();  // to its end, so it never blocks on a full pipe
  EXPECT_EQ(hub.wait(), 0);
  EXPECT_NE(rest.find("SIGTERM, stopping"), std::string::npos) << rest;
  EXPECT_NE(rest.find("stopped;"), std::string::npos) << rest;
}

}  // namespace
}  // namespace reghub::api

namespace reghub::api {
namespace {

// `reghub demo`: sandboxes, generated data with seeded mistakes, ingest,
// delivery, summary — every seeded mistake reported, messages accepted,
// nothing left waiting, no CPR printed.
TEST(ServiceCommands, Demo_EndToEndAgainstTheSandboxes) {
  testing::TempDir dir("reghub-cli-demo");
  const auto r = run(kBin + " demo --citizens 150 --seed 1 --as-of 2026-11-01 --dir " + (dir.path() / "d").string() +
                     " 2>/dev/null");
  EXPECT_EQ(r.code, 0) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("seeded mistakes: ([0-9]+), reported by the hub: ([0-9]+)")))
      << r.out;
  EXPECT_GT(std::stoi(m[1]), 0);
  EXPECT_EQ(m[1], m[2]) << r.out;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("([0-9]+) messages queued"))) << r.out;
  EXPECT_GT(std::stoi(m[1]), 0);
  // Not in a terminal: it does not wait, and says how to serve the dashboard over its store.
  EXPECT_NE(r.out.find("dashboard:    reghub run --config "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("serving until Ctrl-C"), std::string::npos) << r.out;
  // No message is left pending, sending or waiting to retry.
  const auto status = run(kBin + " status --config " + (dir.path() / "d" / "demo.properties").string() + " --format json");
  EXPECT_EQ(status.code, 0);
  EXPECT_NE(status.out.find("\"state\":\"accepted\""), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("\"state\":\"pending\""), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("\"state\":\"retry-wait\""), std::string::npos) << status.out;
  // The sandboxes enforce the same rules as the hub's validation: what the
  // hub let through is never rejected by a registry, nor dead.
  EXPECT_EQ(status.out.find("\"state\":\"rejected\""), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find("\"state\":\"dead\""), std::string::npos) << status.out;
  EXPECT_FALSE(std::regex_search(r.out + status.out, std::regex("\\b[0-3][0-9][01][0-9]{3}-?[0-9]{4}\\b")));
}

}  // namespace
}  // namespace reghub::api
