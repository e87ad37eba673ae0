// The hub's HTTPS API against a real store, over real TLS on loopback:
// token auth, intake 202 with diagnostics under the ingest id, backpressure
// 503, body limit 413, status per registry × kommune × state, forløb history
// with masked CPR, /health and /metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "hub/api/api_server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/log/log.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "hub/store/sql_db.h"
#include "tests/support/store_test_support.h"

namespace reghub::api {
namespace {

using testing::sampleMessage;

class ApiServerTest : public ::testing::Test {
 protected:
  void start(int64_t maxBacklog = 1000, size_t maxBody = 1 << 20, std::vector<engine::CredentialInfo> credentials = {},
             size_t streamBytes = 8u << 20, bool workers = true, int64_t maxQueued = 64) {
    tls_ = net::writeDevTls((dir_.path() / "tls").string());
    store_ = store::DeliveryStore::open({"sqlite:" + (dir_.path() / "store.db").string(), testing::testKeyring()});
    intake_ = std::make_unique<Intake>(*store_, std::vector<std::shared_ptr<const engine::Adapter>>{});
    HttpOptions o;
    o.port = 0;
    o.certificate = tls_.serverCertFile;
    o.privateKey = tls_.serverKeyFile;
    ApiClient admin;
    admin.name = "ops";
    admin.token = "secret-token";
    admin.roles = {Role::kAdmin};
    o.clients = ApiClients({admin});
    o.maxBodyBytes = maxBody;
    o.queue.streamBytes = streamBytes;
    o.queue.workers = workers;
    o.queue.maxWaiting = maxQueued;
    o.queue.pollMillis = 20;
    server_ = std::make_unique<ApiServer>(o, maxBacklog, *store_, *intake_, nullptr);
    server_->setCredentials(std::move(credentials));
    server_->start();
    net::HttpsClientOptions co;
    co.caFile = tls_.caCertFile;
    client_ = std::make_unique<net::HttpsClient>(server_->baseUrl(), co);
  }
  net::HttpResult get(const std::string& path, bool auth = true) {
    return client_->send("GET", path, "", "", auth ? std::map<std::string, std::string>{{"Authorization", "Bearer secret-token"}}
                                                   : std::map<std::string, std::string>{});
  }
  net::HttpResult post(const std::string& body, const std::string& type = "application/fhir+json") {
    return client_->send("POST", "/fhir", body, type, {{"Authorization", "Bearer secret-token"}});
  }
  // The 202 comes before the ingest: its URL says when it is done.
  net::HttpResult waitDone(const std::string& location) {
    net::HttpResult r;
    for (int i = 0; i < 400; ++i) {
      r = get(location);
      if (r.body.find(R"("state":"done")") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return r;
  }

  testing::TempDir dir_{"reghub-api"};
  net::DevTlsFiles tls_;
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<net::HttpsClient> client_;
};

const std::string kBundle = R"({"resourceType":"Bundle","type":"collection","entry":[
 {"fullUrl":"urn:uuid:p1","resource":{"resourceType":"Patient","id":"p1",
  "identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0101601235"}]}}]})";

TEST_F(ApiServerTest, Auth_WithoutOrWrongTokenIs401) {
  start();
  EXPECT_EQ(get("/status", false).status, 401);
  const auto wrong = client_->send("GET", "/status", "", "", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(get("/status").status, 200);
}

TEST_F(ApiServerTest, Health_OpenWithoutToken) {
  start();
  const auto r = get("/health", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"ok\""), std::string::npos);
}

engine::CredentialInfo certificateExpiringIn(int64_t days) {
  return {"x.functionCertificate", "CN=Test kommune,serialNumber=CVR:12345678-FID:1",
          store::nowMillis() + days * 86'400'000 + 3'600'000};
}

TEST_F(ApiServerTest, Health_ListsCertificatesAndWarnsThirtyDaysBeforeExpiry) {
  start(1000, 1 << 20, {certificateExpiringIn(90)});
  auto r = get("/health", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("status":"ok")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("daysLeft":90,"state":"ok")"), std::string::npos) << r.body;
  server_->stop();

  start(1000, 1 << 20, {certificateExpiringIn(29)});
  r = get("/health", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("status":"degraded")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("certificate x.functionCertificate ends within 30 days"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("setting":"x.functionCertificate")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("state":"expiring")"), std::string::npos) << r.body;
  const auto m = get("/metrics");
  EXPECT_NE(m.body.find("reghub_certificate_days_left{setting=\"x.functionCertificate\"} 29"), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("reghub_certificate_expiry_timestamp_seconds{setting=\"x.functionCertificate\"}"),
            std::string::npos);
}

TEST_F(ApiServerTest, Health_ExpiredCertificateIs503) {
  start(1000, 1 << 20, {certificateExpiringIn(-2)});
  const auto r = get("/health", false);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("status":"failing")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("certificate x.functionCertificate expired"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("state":"expired")"), std::string::npos) << r.body;
}

TEST_F(ApiServerTest, Health_StoreKeyThatNoLongerOpensTheDataIs503) {
  start();
  EXPECT_EQ(get("/health", false).status, 200);
  auto raw = store::openDatabase("sqlite:" + (dir_.path() / "store.db").string());
  raw->query("UPDATE store_canary SET sealed = $1 WHERE id = 1", {std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")});
  const auto r = get("/health", false);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("store key cannot open"), std::string::npos) << r.body;
}

TEST_F(ApiServerTest, Log_AHealthChangeIsLoggedOnceAndEveryRequestWithItsClient) {
  std::ostringstream out;
  log::configure(log::Format::kJson, log::Level::kInfo, out);
  start();
  EXPECT_EQ(get("/health", false).status, 200);
  auto raw = store::openDatabase("sqlite:" + (dir_.path() / "store.db").string());
  raw->query("UPDATE store_canary SET sealed = $1 WHERE id = 1", {std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")});
  EXPECT_EQ(get("/health", false).status, 503);
  EXPECT_EQ(get("/health", false).status, 503);
  EXPECT_EQ(get("/status").status, 200);
  server_->stop();
  log::off();
  const std::string text = out.str();
  const size_t first = text.find(R"("level":"error","msg":"health failing","was":"ok")");
  EXPECT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("health failing", text.find("health failing") + 1), std::string::npos) << "logged once: " << text;
  EXPECT_NE(text.find(R"("method":"GET","path":"/status","status":200)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("client":"ops")"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret-token"), std::string::npos) << text;
}

TEST_F(ApiServerTest, Health_WithoutCertificatesSaysOk) {
  start();
  const auto r = get("/health", false);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("certificates":[])"), std::string::npos) << r.body;
  EXPECT_EQ(get("/metrics").body.find("reghub_certificate"), std::string::npos);
}

TEST_F(ApiServerTest, WrongMethodOnAnEndpointIs405WithAllow) {
  start();
  const auto r = client_->send("DELETE", "/status", "", "", {{"Authorization", "Bearer secret-token"}});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.count("allow") ? r.headers.at("allow") : "", "GET");
  const auto p = client_->send("GET", "/fhir", "", "", {{"Authorization", "Bearer secret-token"}});
  EXPECT_EQ(p.status, 405);
  EXPECT_EQ(get("/no/such/thing").status, 404);  // not an endpoint at all
}

TEST_F(ApiServerTest, Intake_Returns202WithIngestIdAndLocation) {
  start();
  const auto r = post(kBundle);
  ASSERT_EQ(r.status, 202) << r.body;
  // At once: the body is stored and the answer does not wait for the ingest
  // (issue 10). The intake worker may already have taken it by the time the
  // answer is written, so any state from queued on; that the 202 comes
  // before any ingest is AsyncIntakeKill's (a hub without intake workers).
  EXPECT_TRUE(r.body.find(R"("state":"queued")") != std::string::npos ||
              r.body.find(R"("state":"ingesting")") != std::string::npos ||
              r.body.find(R"("state":"done")") != std::string::npos)
      << r.body;
  const std::string location = r.headers.count("location") ? r.headers.at("location") : "";
  ASSERT_EQ(location.rfind("/ingest/", 0), 0u);
  const auto rec = waitDone(location);
  EXPECT_EQ(rec.status, 200);
  EXPECT_NE(rec.body.find(R"("state":"done")"), std::string::npos) << rec.body;
  EXPECT_NE(rec.body.find("\"citizens\":1"), std::string::npos) << rec.body;
  EXPECT_NE(rec.body.find("\"unreadable\":false"), std::string::npos);
  EXPECT_EQ(r.body.find("0101601235"), std::string::npos);
}

// Was "…Is400…" while POST ingested before answering; now the 202 comes
// first and the ingest URL says it was unreadable, with the diagnostics.
TEST_F(ApiServerTest, Intake_MalformedBodyIsUnreadableAtItsIngestWithDiagnosticsUnderTheId) {
  start();
  const auto r = post("{\"resourceType\": \"Bundle\", ");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto location = r.headers.at("location");
  const auto rec = waitDone(location);
  EXPECT_NE(rec.body.find("\"unreadable\":true"), std::string::npos) << rec.body;
  const auto d = get(location + "/diagnostics");
  EXPECT_EQ(d.status, 200);
  EXPECT_NE(d.body.find("\"severity\":\"error\""), std::string::npos) << d.body;
  EXPECT_NE(d.body.find("\"rule\":\"HUB-"), std::string::npos) << d.body;
  EXPECT_EQ(get("/ingest/no-such-id").status, 404);
}

TEST_F(ApiServerTest, Intake_ALargeBodyIsStreamedToTheStoreInSealedPieces) {
  // No worker: what POST stored is read as it was left at the 202.
  start(1000, 8u << 20, {}, 4096, /*workers=*/false);
  std::string ndjson;
  for (int i = 0; ndjson.size() < 40'000; ++i)
    ndjson += R"({"resourceType":"Organization","id":"o)" + std::to_string(i) + R"(","name":"Kommune"})" "\n";
  const auto r = post(ndjson, "application/fhir+ndjson");
  ASSERT_EQ(r.status, 202) << r.body;
  auto raw = store::openDatabase("sqlite:" + (dir_.path() / "store.db").string());
  const auto id = r.headers.at("location").substr(8);
  const auto pieces = raw->query("SELECT sealed FROM intake_bodies WHERE ingest_id = $1 ORDER BY seq", {id});
  EXPECT_GE(pieces.size(), 9u) << "40 kB in pieces of at most 4 KiB";
  for (const auto& p : pieces) EXPECT_EQ(p[0].value_or("").find("Kommune"), std::string::npos) << "sealed";
  EXPECT_EQ(store::IntakeQueue::open(store_->options())->body(id), ndjson) << "the pieces open to the body";
  // A body under intake.streamBytes is stored whole, in one piece: the control.
  const auto small = post(kBundle);
  ASSERT_EQ(small.status, 202);
  EXPECT_EQ(raw->query("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = $1", {small.headers.at("location").substr(8)})
                .at(0).at(0).value_or(""),
            "1");
}

TEST_F(ApiServerTest, Backpressure_503WhenTheIntakeQueueIsFull) {
  start(1000, 1 << 20, {}, 8u << 20, /*workers=*/false, /*maxQueued=*/2);
  EXPECT_EQ(post(kBundle).status, 202);
  EXPECT_EQ(post(kBundle).status, 202);  // two wait: at the limit
  const auto r = post(kBundle);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.headers.count("retry-after"), 1u);
  EXPECT_NE(r.body.find("intake.maxQueued"), std::string::npos) << r.body;
}

TEST_F(ApiServerTest, Backpressure_503WhenBacklogOverLimit) {
  start(2);
  for (int i = 0; i < 2; ++i) store_->enqueue(sampleMessage(i), "", 1000);
  EXPECT_EQ(post(kBundle).status, 202);  // backlog 2: at the limit, not over
  store_->enqueue(sampleMessage(3), "", 1000);
  const auto r = post(kBundle);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.count("retry-after"), 1u);
  const auto m = get("/metrics");
  EXPECT_NE(m.body.find("reghub_intake_backpressure_total 1"), std::string::npos) << m.body;
}

TEST_F(ApiServerTest, Intake_BodyOverLimitIs413) {
  start(1000, 64);
  EXPECT_EQ(post(kBundle).status, 413);
}

TEST_F(ApiServerTest, Status_CountsPerRegistryKommuneStateAsJson) {
  start();
  store_->enqueue(sampleMessage(1, "reg-a", "0101"), "", 1000);
  store_->enqueue(sampleMessage(2, "reg-a", "0751"), "", 1000);
  const auto r = get("/status?registry=reg-a&kommune=0751");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"({"registry":"reg-a","kommune":"0751","state":"pending","count":1})"), std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("0101"), std::string::npos);
}

TEST_F(ApiServerTest, Status_ForloebHistoryShowsMaskedCprOnly) {
  start();
  const auto m = sampleMessage(4);
  store_->enqueue(m, "", 1000);
  const auto r = get("/status/forloeb/EpisodeOfCare%2Fep-4");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(m.citizenMasked), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(m.citizenCpr), std::string::npos);
  EXPECT_NE(r.body.find("\"to\":\"pending\""), std::string::npos);
}

TEST_F(ApiServerTest, Metrics_PrometheusCountsWithoutPersonalData) {
  start();
  const auto m = sampleMessage(1, "reg-a", "0101");
  store_->enqueue(m, "", 1000);
  const auto r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"(reghub_messages{registry="reg-a",kommune="0101",state="pending"} 1)"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("reghub_backlog 1"), std::string::npos);
  EXPECT_EQ(r.body.find(m.citizenCpr), std::string::npos);
}

TEST_F(ApiServerTest, UnknownEndpointIs404) {
  start();
  EXPECT_EQ(get("/nope").status, 404);
}

}  // namespace
}  // namespace reghub::api

namespace reghub::api {
namespace {

// A client CA and a client certificate made with the openssl CLI (the dev
// TLS helper makes server certificates only).
bool makeClientCert(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::string cmd =
      "cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out client-ca.pem -days 2 "
      "-subj /CN=reghub-test-client-ca >/dev/null 2>&1 && "
      "openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj /CN=kommune-0101 "
      ">/dev/null 2>&1 && printf 'extendedKeyUsage=clientAuth\\n' > ext.cnf && "
      "openssl x509 -req -in client.csr -CA client-ca.pem -CAkey ca-key.pem -CAcreateserial -out client.pem "
      "-days 2 -extfile ext.cnf >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

class ApiClientCertTest : public ::testing::Test {
 protected:
  // The fingerprint as `openssl x509 -fingerprint -sha256` prints it.
  std::string fingerprint() {
    const std::string out = (dir_.path() / "fp.txt").string();
    const std::string cmd = "openssl x509 -noout -fingerprint -sha256 -in " + (dir_.path() / "client.pem").string() +
                            " | cut -d= -f2 > " + out;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    return line;
  }
  void start(bool require, std::string subject = "CN=kommune-0101", std::string fp = {}) {
    ASSERT_TRUE(makeClientCert(dir_.path())) << "openssl CLI failed";
    if (fp == "*") fp = normalizeFingerprint(fingerprint());
    tls_ = net::writeDevTls((dir_.path() / "tls").string());
    store_ = store::DeliveryStore::open({"sqlite:" + (dir_.path() / "s.db").string(), testing::testKeyring()});
    intake_ = std::make_unique<Intake>(*store_, std::vector<std::shared_ptr<const engine::Adapter>>{});
    HttpOptions o;
    o.port = 0;
    o.certificate = tls_.serverCertFile;
    o.privateKey = tls_.serverKeyFile;
    o.caLocation = (dir_.path() / "client-ca.pem").string();
    o.requireClientCertificate = require;
    ApiClient byCert, byToken;
    byCert.name = "kommune-0101";
    byCert.certificateSubject = subject;
    byCert.certificateFingerprint = fp;
    byCert.roles = {Role::kAnalyst};
    byToken.name = "analyst";
    byToken.token = "tok";
    byToken.roles = {Role::kAnalyst};
    o.clients = ApiClients({byCert, byToken});
    server_ = std::make_unique<ApiServer>(o, 1000, *store_, *intake_, nullptr);
    server_->start();
  }
  net::HttpResult getStatus(bool withCert, const std::string& token = {}) {
    net::HttpsClientOptions co;
    co.caFile = tls_.caCertFile;
    if (withCert) {
      co.clientCertFile = (dir_.path() / "client.pem").string();
      co.clientKeyFile = (dir_.path() / "client-key.pem").string();
    }
    net::HttpsClient client(server_->baseUrl(), co);
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return client.send("GET", "/status", "", "", h);
  }
  testing::TempDir dir_{"reghub-api-mtls"};
  net::DevTlsFiles tls_;
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiClientCertTest, Auth_VerifiedClientCertificateInsteadOfToken) {
  start(false);
  EXPECT_EQ(getStatus(true).status, 200);
  EXPECT_EQ(getStatus(false).status, 401);
  EXPECT_EQ(getStatus(false, "tok").status, 200);  // or a token
}

TEST_F(ApiClientCertTest, Auth_ACertificateFromTheCaThatIsNoClientsIsRefused) {
  start(false, "CN=kommune-0330");  // the CA signed it, but no client has this subject
  const auto r = getStatus(true);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(getStatus(true, "tok").status, 401);  // the certificate says who it is; no token fallback
}

TEST_F(ApiClientCertTest, Auth_ACertificateMatchedByItsFingerprint) {
  start(false, "", "*");
  EXPECT_EQ(getStatus(true).status, 200);
}

TEST_F(ApiClientCertTest, Auth_AnotherFingerprintIsRefused) {
  start(false, "", std::string(64, 'a'));
  EXPECT_EQ(getStatus(true).status, 401);
}

TEST_F(ApiClientCertTest, Auth_RequiredClientCertificateTokenAloneIsNotEnough) {
  start(true);
  const auto ok = getStatus(true);
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(getStatus(false, "tok").status, 401);
}

}  // namespace
}  // namespace reghub::api
