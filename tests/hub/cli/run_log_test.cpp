// `reghub run`'s log (issue 13 "Structured logs") over a whole flow: the hub
// as a process against the LTT sandbox (a process too), data posted over the
// API by a named client, delivered; then the captured stderr is read as JSON
// lines and searched for CPR numbers (10 digits, ddmmyy-xxxx), the client's
// token and the store keys — with controls that the same searches find them
// where they are (the input, the environment). A second run whose registry CA
// is wrong must say so at level error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <set>
#include <string>
#include <thread>

#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "tests/support/piped_child.h"

namespace {

namespace fs = std::filesystem;

const std::string kBin = REGHUB_BINARY;
const std::string kStoreKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kLookupKey = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";
const std::string kToken = "intake-token-4f1c9a2e7b";

using reghub::testing::PipedChild;

// The child's stdout on a pipe, its stderr into `errFile` (when given), the store keys and
// the intake token in its environment.
PipedChild spawn(const std::vector<std::string>& args, const std::string& errFile = {}) {
  PipedChild::Options o;
  o.env = {{"REGHUB_STORE_KEY", kStoreKey}, {"REGHUB_STORE_LOOKUP_KEY", kLookupKey}, {"REGHUB_TEST_INTAKE_TOKEN", kToken}};
  if (!errFile.empty()) {
    o.err = PipedChild::Stderr::kFile;
    o.errFile = errFile;
  }
  return PipedChild::spawn(args, o);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every CPR-shaped string in `text` (ten digits in a row, or ddmmyy-xxxx).
std::set<std::string> cprShaped(const std::string& text) {
  static const std::regex cpr(R"((^|[^0-9])([0-9]{10}|[0-9]{6}-[0-9]{4})($|[^0-9]))");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), cpr); it != std::sregex_iterator(); ++it)
    out.insert((*it)[2]);
  return out;
}

class RunLog : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reghub-run-log-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    input_ = (dir_ / "in.ndjson").string();
    ASSERT_EQ(std::system((kBin + " synth --citizens 6 --seed 5 --registry ltt --as-of 2026-11-01 --out " + input_ +
                           " >/dev/null 2>&1")
                              .c_str()),
              0);
    sandbox_ = spawn({kBin, "sandbox", "ltt", "--write-client-config", (dir_ / "client.properties").string()});
    ASSERT_EQ(sandbox_.readLine().rfind("sandbox ltt listening on ", 0), 0u);
    sandbox_.readLine();
    sandbox_.readLine();
  }
  void TearDown() override {
    hub_.stop();
    sandbox_.stop();
    fs::remove_all(dir_);
  }
  // Starts `reghub run` on the sandbox's settings plus `extra`; its base URL.
  std::string startHub(const std::string& extra) {
    hub_ = spawn({kBin, "run", "--config", writeConfig(extra)}, log());
    const std::string line = hub_.readLine();
    EXPECT_EQ(line.rfind("listening on ", 0), 0u) << line << "\n" << readFile(log());
    return line.size() > 13 ? line.substr(13) : std::string();
  }
  std::string writeConfig(const std::string& extra) {
    const std::string cfg = (dir_ / "hub.properties").string();
    tls_ = reghub::net::writeDevTls((dir_ / "hub-tls").string());
    std::ofstream(cfg) << "http.tls.certificate = " << tls_.serverCertFile << "\nhttp.tls.privateKey = "
                       << tls_.serverKeyFile << "\n"
                       << readFile((dir_ / "client.properties").string()) << "\nstore.url = sqlite:"
                       << (dir_ / "s.db").string() << "\nhttp.port = 0\nlog.format = json\n"
                       << "http.clients = intake1\nhttp.client.intake1.tokenEnv = REGHUB_TEST_INTAKE_TOKEN\n"
                       << "http.client.intake1.roles = intake, analyst\n"
                       << "outbox.retry.ltt.maxAttempts = 2\noutbox.retry.ltt.baseDelayMillis = 50\n"
                       << "outbox.retry.ltt.maxDelayMillis = 100\noutbox.pollMillis = 50\n"
                       << extra;
    return cfg;
  }
  std::string log() const { return (dir_ / "stderr.log").string(); }
  // Posts the input as intake1; waits until no LTT message waits any more
  // (the last status answer in `status_`).
  void postAndWait(const std::string& url) {
    reghub::net::HttpsClientOptions o;
    o.caFile = tls_.caCertFile;
    reghub::net::HttpsClient client(url, o);
    const auto r = client.send("POST", "/fhir", readFile(input_), "application/fhir+ndjson",
                               {{"Authorization", "Bearer " + kToken}});
    ASSERT_EQ(r.status, 202) << r.body;
    for (int i = 0; i < 200; ++i) {
      const auto s = client.send("GET", "/status?registry=ltt", "", "", {{"Authorization", "Bearer " + kToken}});
      if (s.body.find("pending") == std::string::npos && s.body.find("retry-wait") == std::string::npos &&
          s.body.find("sending") == std::string::npos && s.body.find("\"counts\":[]") == std::string::npos) {
        status_ = s.body;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "LTT messages still waiting";
  }

  fs::path dir_;
  std::string input_;
  PipedChild sandbox_, hub_;
  reghub::net::DevTlsFiles tls_;
  std::string status_;
};

TEST_F(RunLog, AFullFlowLogsRequestsAndOutcomesWithoutCprTokensOrKeys) {
  postAndWait(startHub(""));
  EXPECT_NE(status_.find(R"("state":"accepted")"), std::string::npos) << status_;
  hub_.stop();
  const std::string text = readFile(log());
  // Controls: the searches find what is there.
  const std::string in = readFile(input_);
  ASSERT_FALSE(cprShaped(in).empty()) << "the input has CPR numbers to look for";
  ASSERT_NE(in.find(cprShaped(in).begin()->substr(0, 10)), std::string::npos);
  ASSERT_NE(readFile((dir_ / "hub.properties").string()).find("REGHUB_TEST_INTAKE_TOKEN"), std::string::npos);
  // What an operator needs is there, one JSON object per line.
  EXPECT_NE(text.find(R"("msg":"reghub run starting")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("msg":"registry ltt delivers to https://127.0.0.1:)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("method":"POST","path":"/fhir","status":202)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("client":"intake1")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("requestId":")"), std::string::npos) << text;
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_EQ(line.rfind(R"({"ts":")", 0), 0u) << "not a JSON line: " << line;
    EXPECT_EQ(line.back(), '}') << line;
  }
  EXPECT_GT(n, 5);
  // What must never be there.
  EXPECT_TRUE(cprShaped(text).empty()) << "CPR-shaped text in the log: " << *cprShaped(text).begin();
  for (const auto& cpr : cprShaped(in)) EXPECT_EQ(text.find(cpr), std::string::npos);
  EXPECT_EQ(text.find(kToken), std::string::npos) << "the client's token";
  EXPECT_EQ(text.find(kStoreKey), std::string::npos) << "the store key";
  EXPECT_EQ(text.find(kLookupKey), std::string::npos) << "the lookup key";
  EXPECT_EQ(text.find("\"level\":\"error\""), std::string::npos) << text;
}

TEST_F(RunLog, ADeliveryToASandboxWithTheWrongCaIsLoggedAtError) {
  // A CA that did not sign the sandbox's certificate.
  const auto other = reghub::net::writeDevTls((dir_ / "other-ca").string());
  postAndWait(startHub("ltt.caFile = " + other.caCertFile + "\n"));
  EXPECT_NE(status_.find(R"("state":"dead")"), std::string::npos) << status_;
  hub_.stop();
  const std::string text = readFile(log());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"re(\{[^\n]*"level":"error","msg":"delivery given up \(dead\)"[^\n]*)re")))
      << text;
  const std::string dead = m.str();
  EXPECT_NE(dead.find(R"("registry":"ltt")"), std::string::npos) << dead;
  EXPECT_NE(dead.find("gave up after 2 attempts"), std::string::npos) << dead;
  EXPECT_TRUE(dead.find("certificate") != std::string::npos || dead.find("tls") != std::string::npos ||
              dead.find("TLS") != std::string::npos || dead.find("SSL") != std::string::npos)
      << "the reason names the TLS failure: " << dead;
  EXPECT_NE(text.find(R"("msg":"deliveries are being retried")"), std::string::npos) << text;
  EXPECT_TRUE(cprShaped(text).empty()) << *cprShaped(text).begin();
}

TEST_F(RunLog, AWrongStoreKeyStopsTheStartWithAnErrorLineNamingTheSetting) {
  // A store written with another key than the one the service is given.
  const std::string url = "sqlite:" + (dir_ / "s.db").string();
  const std::string other = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A=";
  ASSERT_EQ(std::system(("REGHUB_STORE_KEY=" + other + " " + kBin + " ingest --store " + url + " " + input_ +
                         " >/dev/null 2>&1")
                            .c_str()),
            0);
  PipedChild hub = spawn({kBin, "run", "--config", writeConfig("")}, log());
  EXPECT_EQ(hub.wait(), 78);
  const std::string text = readFile(log());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"re(\{[^\n]*"level":"error","msg":"configuration error: [^\n]*)re")))
      << text;
  EXPECT_NE(m.str().find(R"("key":"store.key")"), std::string::npos) << m.str();
  EXPECT_EQ(text.find(kStoreKey), std::string::npos);
  EXPECT_EQ(text.find(other), std::string::npos);
}

}  // namespace
