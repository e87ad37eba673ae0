// Who may do what on the API (issue 13 item 5), over real HTTPS on loopback
// against a real SQLite store with the real adapters: roles per endpoint,
// a kommune-scoped client's intake refused before anything is stored, its
// status, problems and history limited to its kommuner, and the audit trail
// of who ingested and replayed. Each rule is broken once and kept once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <fstream>
#include <map>

#include "hub/api/api_server.h"
#include "hub/engine/adapter_registry.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "hub/store/sql_db.h"
#include "tests/support/api_test_support.h"
#include "tests/support/store_test_support.h"

namespace reghub::api {
namespace {

using testing::apiClient;
using testing::smdbCitizen;


// Only an anmodning, of a woman without the answer SMDB-ANM-02 requires: a validation error.
std::string invalidCitizen(const std::string& patient, const std::string& cpr, const std::string& kommune) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[
 {"fullUrl":"urn:uuid:)" + patient + R"(","resource":{"resourceType":"Patient","id":")" + patient + R"(",
  "identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":")" + cpr + R"("}],
  "name":[{"use":"official","family":"Jensen","given":["Anna"]}],"gender":"female"}},
 {"fullUrl":"urn:uuid:k)" + kommune + R"(","resource":{"resourceType":"Organization","id":"k)" + kommune + R"(",
  "identifier":[{"system":"http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes","value":")" + kommune + R"("}]}},
 {"fullUrl":"urn:uuid:ep-)" + patient + R"(","resource":{"resourceType":"EpisodeOfCare","id":"ep-)" + patient + R"(",
  "identifier":[{"system":"urn:kommune:sag","value":"SAG-)" + patient + R"("}],"status":"active",
  "type":[{"coding":[{"system":"urn:reghub:legal-basis","code":"SEL-101"}]}],
  "patient":{"reference":"Patient/)" + patient + R"("},"managingOrganization":{"reference":"Organization/k)" + kommune + R"("},
  "period":{"start":"2026-05-01"}}},
 {"fullUrl":"urn:uuid:qr-)" + patient + R"(","resource":{"resourceType":"QuestionnaireResponse","id":"qr-)" + patient + R"(",
  "questionnaire":"urn:reghub:smdb:ANM","status":"completed","authored":"2026-05-01T10:00:00+02:00",
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",
   "valueReference":{"reference":"EpisodeOfCare/ep-)" + patient + R"("}}],
  "subject":{"reference":"Patient/)" + patient + R"("},
  "item":[{"linkId":"BehandlingAnmodningDato","answer":[{"valueDate":"2026-05-01"}]}]}}]})";
}

// A delta: a new skema for a Patient sent earlier (it names only the Patient and forløb).
std::string delta(const std::string& patient) {
  return R"({"resourceType":"QuestionnaireResponse","id":"qr2-)" + patient +
         R"(","questionnaire":"urn:reghub:smdb:IVAER","status":"completed","authored":"2026-05-03T10:00:00+02:00",
  "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",
   "valueReference":{"reference":"EpisodeOfCare/ep-)" + patient + R"("}}],
  "subject":{"reference":"Patient/pat-)" + patient + R"("},
  "item":[{"linkId":"BehandlingIvaerksatDato","answer":[{"valueDate":"2026-05-03"}]}]})";
}

const std::string kCpr0101 = "0101804323", kCpr0330 = "0202805433";

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tls_ = net::writeDevTls((dir_.path() / "tls").string());
    store_ = store::DeliveryStore::open({"sqlite:" + db(), testing::testKeyring()});
    std::vector<std::shared_ptr<const engine::Adapter>> adapters;
    for (auto& a : engine::AdapterRegistry::createAll()) adapters.push_back(std::move(a));
    intake_ = std::make_unique<Intake>(*store_, adapters);
    HttpOptions o;
    o.queue.pollMillis = 20;
    o.port = 0;
    o.certificate = tls_.serverCertFile;
    o.privateKey = tls_.serverKeyFile;
    o.clients = ApiClients({
        apiClient("admin", "token-admin", {Role::kAdmin}),
        apiClient("intake0101", "token-intake0101", {Role::kIntake}, {"0101"}),
        apiClient("analyst0101", "token-analyst0101", {Role::kAnalyst}, {"0101"}),
        apiClient("analyst", "token-analyst", {Role::kAnalyst}),
        apiClient("operator", "token-operator", {Role::kOperator}),
        apiClient("both0101", "token-both0101", {Role::kIntake, Role::kAnalyst}, {"0101"}),
    });
    server_ = std::make_unique<ApiServer>(o, 100000, *store_, *intake_, nullptr);
    server_->start();
    net::HttpsClientOptions co;
    co.caFile = tls_.caCertFile;
    http_ = std::make_unique<net::HttpsClient>(server_->baseUrl(), co);
  }
  std::string db() const { return (dir_.path() / "store.db").string(); }
  // A POST /fhir answered 202 is waited for until its ingest is done (the
  // 202 comes before the ingest since issue 10; these tests read what it stored).
  net::HttpResult as(const std::string& who, const std::string& method, const std::string& path,
                     const std::string& body = {}) {
    auto r = http_->send(method, path, body, body.empty() ? "" : "application/fhir+json",
                         {{"Authorization", "Bearer token-" + who}});
    if (method == "POST" && path == "/fhir" && r.status == 202) waitDone(r.headers.at("location"));
    return r;
  }
  void waitDone(const std::string& location) {
    for (int i = 0; i < 400; ++i) {
      const auto r = http_->send("GET", location, "", "", {{"Authorization", "Bearer token-admin"}});
      if (r.body.find(R"("state":"done")") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "ingest not done: " << location;
  }
  int64_t rows(const std::string& table) {
    auto raw = store::openDatabase("sqlite:" + db());
    return std::stoll(raw->query("SELECT COUNT(*) FROM " + table).at(0).at(0).value_or("0"));
  }

  testing::TempDir dir_{"reghub-access"};
  net::DevTlsFiles tls_;
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<net::HttpsClient> http_;
};

TEST_F(AccessTest, Roles_IntakeMayPostButNotReadStatus) {
  EXPECT_EQ(as("intake0101", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
  const auto r = as("intake0101", "GET", "/status");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("needs the role analyst"), std::string::npos) << r.body;
}

TEST_F(AccessTest, Roles_AnalystMayReadButNotPost) {
  EXPECT_EQ(as("analyst", "GET", "/status").status, 200);
  EXPECT_EQ(as("analyst", "GET", "/metrics").status, 200);
  const auto r = as("analyst", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("needs the role intake"), std::string::npos) << r.body;
  EXPECT_EQ(rows("ingests"), 0);
}

TEST_F(AccessTest, Roles_AnalystCannotReplayAnOperatorCan) {
  const auto refused = as("analyst", "POST", "/replay?state=dead");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("needs the role operator"), std::string::npos) << refused.body;
  EXPECT_EQ(store_->audit().size(), 0u);
  const auto ok = as("operator", "POST", "/replay?state=dead");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find(R"("replayed":0)"), std::string::npos) << ok.body;
  EXPECT_EQ(as("operator", "GET", "/status").status, 200);  // an operator reads what it replays
  EXPECT_EQ(as("operator", "POST", "/replay?state=accepted").status, 400);
}

TEST_F(AccessTest, Roles_UnknownTokenIs401AndHealthStaysOpen) {
  EXPECT_EQ(http_->send("GET", "/status", "", "", {{"Authorization", "Bearer token-nobody"}}).status, 401);
  EXPECT_EQ(http_->send("GET", "/metrics", "", "", {}).status, 401);
  EXPECT_EQ(http_->send("GET", "/health", "", "", {}).status, 200);
}

TEST_F(AccessTest, Roles_AScopedClientCannotReadTheMetricsOfEveryKommune) {
  const auto r = as("analyst0101", "GET", "/metrics");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("cover every kommune"), std::string::npos) << r.body;
}

TEST_F(AccessTest, Scope_ClientOf0101Posting0330CitizenIs403AndNothingIsStored) {
  const auto r = as("intake0101", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("kommune 0330"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("nothing was stored"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(kCpr0330), std::string::npos) << "no CPR in the error: " << r.body;
  EXPECT_EQ(rows("messages"), 0);
  EXPECT_EQ(rows("citizen_resources"), 0);
  EXPECT_EQ(rows("ingests"), 0);
  // Its own kommune's citizen goes in.
  const auto ok = as("intake0101", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101"));
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_GT(rows("messages"), 0);
}

TEST_F(AccessTest, Scope_ADeltaForAnotherKommunesCitizenIsRefusedItsOwnGoesIn) {
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330")).status, 202);
  ASSERT_EQ(as("intake0101", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
  const int64_t held = rows("citizen_resources");
  // The delta names only the Patient and forløb: the kommune comes from what the store holds.
  const auto refused = as("intake0101", "POST", "/fhir", delta("p2"));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("kommune 0330"), std::string::npos) << refused.body;
  EXPECT_EQ(rows("citizen_resources"), held);
  const auto ok = as("intake0101", "POST", "/fhir", delta("p1"));
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(rows("citizen_resources"), held + 1);
}

TEST_F(AccessTest, Scope_AResourceForAPatientTheHubDoesNotHoldIsRefused) {
  // It would wait, and could join another kommune's citizen when that arrives.
  const auto r = as("intake0101", "POST", "/fhir", delta("p9"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("does not hold"), std::string::npos) << r.body;
  EXPECT_EQ(rows("citizen_resources"), 0);
  EXPECT_EQ(as("admin", "POST", "/fhir", delta("p9")).status, 202);  // unscoped: it waits (parked)
}

TEST_F(AccessTest, Scope_AForloebWithoutKommuneIsRefused) {
  std::string body = invalidCitizen("p1", kCpr0101, "0101");
  body.replace(body.find(R"(,"managingOrganization":{"reference":"Organization/k0101"})"),
               std::string(R"(,"managingOrganization":{"reference":"Organization/k0101"})").size(), "");
  const auto r = as("intake0101", "POST", "/fhir", body);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("names no kommune"), std::string::npos) << r.body;
}

TEST_F(AccessTest, Scope_StatusShowsOnlyTheClientsKommunerAndRefusesAnother) {
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330")).status, 202);
  const auto all = as("analyst", "GET", "/status");
  EXPECT_NE(all.body.find(R"("kommune":"0101")"), std::string::npos) << all.body;
  EXPECT_NE(all.body.find(R"("kommune":"0330")"), std::string::npos) << all.body;
  const auto mine = as("analyst0101", "GET", "/status");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.body.find(R"("kommune":"0101")"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.body.find("0330"), std::string::npos) << mine.body;
  EXPECT_EQ(as("analyst0101", "GET", "/status?kommune=0101").status, 200);
  const auto other = as("analyst0101", "GET", "/status?kommune=0330");
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.body.find("may not see kommune 0330"), std::string::npos) << other.body;
  // ?kommune= limits an unscoped client's answer too (it did not before).
  const auto one = as("analyst", "GET", "/status?kommune=0330");
  EXPECT_EQ(one.body.find(R"("kommune":"0101")"), std::string::npos) << one.body;
}

TEST_F(AccessTest, Scope_ValidationProblemsAreThoseOfTheClientsOwnIngests) {
  // A skema for SMDB that fails validation, sent by the unscoped admin for 0330.
  ASSERT_EQ(as("admin", "POST", "/fhir", invalidCitizen("p2", kCpr0330, "0330")).status, 202);
  const auto all = as("analyst", "GET", "/status");
  EXPECT_NE(all.body.find(R"("source":"validation")"), std::string::npos) << all.body;
  const auto mine = as("analyst0101", "GET", "/status");
  EXPECT_EQ(mine.body.find(R"("source":"validation")"), std::string::npos) << mine.body;
}

TEST_F(AccessTest, Scope_ForloebHistoryOfAnotherKommuneIsNotShown) {
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330")).status, 202);
  const auto all = as("analyst", "GET", "/status/forloeb/src-ep-p2");
  EXPECT_NE(all.body.find("pending"), std::string::npos) << all.body;
  const auto mine = as("analyst0101", "GET", "/status/forloeb/src-ep-p2");
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body.find("pending"), std::string::npos) << mine.body;
}

TEST_F(AccessTest, Ingests_AScopedClientSeesOnlyItsOwn) {
  const auto theirs = as("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330"));
  const auto mine = as("both0101", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101"));
  ASSERT_EQ(theirs.status, 202);
  ASSERT_EQ(mine.status, 202);
  const std::string theirId = theirs.headers.at("location"), myId = mine.headers.at("location");
  EXPECT_EQ(as("both0101", "GET", myId).status, 200);
  EXPECT_EQ(as("both0101", "GET", theirId).status, 404);
  EXPECT_EQ(as("analyst", "GET", theirId).status, 200);
}

TEST_F(AccessTest, Audit_EveryIngestAndReplayNamesItsClient) {
  ASSERT_EQ(as("intake0101", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
  ASSERT_EQ(as("operator", "POST", "/replay?state=rejected&registry=smdb").status, 200);
  const auto trail = store_->audit();
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].actor, "intake0101");
  EXPECT_EQ(trail[0].action, "ingest");
  EXPECT_EQ(trail[1].actor, "operator");
  EXPECT_EQ(trail[1].action, "replay");
  EXPECT_NE(trail[1].detail.find("registry=smdb"), std::string::npos) << trail[1].detail;
  for (const auto& e : trail) EXPECT_EQ(e.detail.find(kCpr0101), std::string::npos);
}

TEST_F(AccessTest, Audit_AScopedOperatorReplaysOnlyItsKommuner) {
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
  ASSERT_EQ(as("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330")).status, 202);
  // Both messages dead.
  auto raw = store::openDatabase("sqlite:" + db());
  raw->query("UPDATE messages SET state = 'dead'");
  server_->stop();
  HttpOptions o;
  o.port = 0;
  o.certificate = tls_.serverCertFile;
  o.privateKey = tls_.serverKeyFile;
  o.clients = ApiClients({apiClient("op0101", "token-op0101", {Role::kOperator}, {"0101"})});
  server_ = std::make_unique<ApiServer>(o, 100000, *store_, *intake_, nullptr);
  server_->start();
  net::HttpsClientOptions co;
  co.caFile = tls_.caCertFile;
  http_ = std::make_unique<net::HttpsClient>(server_->baseUrl(), co);
  const auto r = as("op0101", "POST", "/replay?state=dead");
  EXPECT_EQ(r.status, 200) << r.body;
  const auto count = [&](const std::string& where) {
    return raw->query("SELECT COUNT(*) FROM messages WHERE " + where).at(0).at(0).value_or("");
  };
  EXPECT_NE(count("kommune = '0101'"), "0");
  EXPECT_EQ(count("state = 'pending' AND kommune = '0101'"), count("kommune = '0101'"));
  EXPECT_EQ(count("state = 'dead' AND kommune = '0330'"), count("kommune = '0330'"));
  EXPECT_NE(count("kommune = '0330'"), "0");
}

// Per-registry health over the real store and API (the judgement itself:
// health_report_test).
TEST_F(AccessTest, Health_ARegistryWhoseOldestMessageWaitsTooLongIsDegradedThenFailing) {
  auto ok = http_->send("GET", "/health", "", "", {});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find(R"({"status":"ok")"), std::string::npos) << ok.body;
  EXPECT_NE(ok.body.find(R"("registry":"smdb","status":"ok")"), std::string::npos) << ok.body;
  const int64_t now = store::nowMillis();
  store_->enqueue(testing::sampleMessage(1, "smdb"), "", now - 26 * 3'600'000LL);
  const auto degraded = http_->send("GET", "/health", "", "", {});
  EXPECT_EQ(degraded.status, 200);
  EXPECT_NE(degraded.body.find(R"({"status":"degraded")"), std::string::npos) << degraded.body;
  EXPECT_NE(degraded.body.find("smdb: the oldest waiting message waits for 26 h"), std::string::npos) << degraded.body;
  const auto m = as("analyst", "GET", "/metrics");
  EXPECT_NE(m.body.find("reghub_oldest_pending_age_seconds{registry=\"smdb\"} 936"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("reghub_registry_health{registry=\"smdb\"} 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("reghub_http_responses_total{status=\"200\"}"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("reghub_build_info{version=\""), std::string::npos) << m.body;
  store_->enqueue(testing::sampleMessage(2, "smdb"), "", now - 73 * 3'600'000LL);
  const auto failing = http_->send("GET", "/health", "", "", {});
  EXPECT_EQ(failing.status, 503);
  EXPECT_NE(failing.body.find(R"({"status":"failing")"), std::string::npos) << failing.body;
}

TEST_F(AccessTest, Metrics_CountValidationErrorsPerRegistry) {
  ASSERT_EQ(as("admin", "POST", "/fhir", invalidCitizen("p2", kCpr0330, "0330")).status, 202);
  const auto m = as("analyst", "GET", "/metrics");
  EXPECT_NE(m.body.find("reghub_validation_errors{registry=\"smdb\"} 1"), std::string::npos) << m.body;
}

}  // namespace
}  // namespace reghub::api
