// SOAP over real HTTPS on loopback: the deliverer against the sandbox (which
// enforces the same rules), and the classification of answers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/smdb/sandbox.h"
#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"
#include "tests/adapters/smdb/render_util.h"
#include "tests/adapters/smdb/smdb_test_util.h"

namespace fs = std::filesystem;
using reghub::engine::DeliveryResult;
using reghub::engine::OutboundMessage;

namespace {

using smdb_test::kCases;
using smdb_test::render;
class SmdbTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto adapter = built({{"smdb.sandboxAsOf", "2026-06-01"}});
    sandbox_ = adapter->makeSandbox(reghub::engine::SandboxOptions{});
    sandbox_->start();
    ca_ = static_cast<reghub::smdb::SmdbSandbox&>(*sandbox_).caFile();
  }
  void TearDown() override { sandbox_->stop(); }
  // An adapter built by its factory from these settings, as at start-up.
  static std::unique_ptr<reghub::engine::Adapter> built(const std::map<std::string, std::string>& settings) {
    return reghub::engine::AdapterRegistry::create("smdb", reghub::config::Config::fromMap(settings));
  }
  // The client settings the sandbox writes (endpoint, CA, its STS, a dev
  // function certificate): every call goes through OIO IDWS.
  std::map<std::string, std::string> clientSettings() {
    auto settings = static_cast<reghub::smdb::SmdbSandbox&>(*sandbox_).clientConfig();
    settings["smdb.timeoutMs"] = "5000";
    return settings;
  }
  std::unique_ptr<reghub::engine::Deliverer> deliverer() { return built(clientSettings())->makeDeliverer(); }
  std::unique_ptr<reghub::engine::Sandbox> sandbox_;
  std::string ca_;
};

TEST_F(SmdbTransport, AWholeForloebIsAcceptedInOrderWithReceipts) {
  const auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  ASSERT_EQ(msgs.size(), 5u);
  auto d = deliverer();
  std::set<std::string> ids;
  for (const OutboundMessage& m : msgs) {
    const DeliveryResult r = d->deliver(m);
    EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kAccepted) << m.kind << ": " << r.detail;
    EXPECT_EQ(r.httpStatus, 200);
    EXPECT_FALSE(r.registryId.empty());
    ids.insert(r.registryId);
  }
  EXPECT_EQ(ids.size(), 5u);
}

// SMDB holds a record once: sent again without its SmdbId it is refused
// (naming the id to update); with the SmdbId it is an update of that record.
TEST_F(SmdbTransport, ARecordSentAgainIsRefusedWithoutItsSmdbIdAndUpdatedWithIt) {
  const auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  auto d = deliverer();
  std::string lastId;
  for (const OutboundMessage& m : msgs) lastId = d->deliver(m).registryId;
  const DeliveryResult dup = d->deliver(msgs.back());
  EXPECT_EQ(dup.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_NE(dup.detail.find("SmdbId " + lastId), std::string::npos) << dup.detail;

  OutboundMessage update = msgs.back();
  const std::string kilde = "<KildeId>" + update.idempotencyKey + "</KildeId>";
  const auto at = update.body.find(kilde);
  ASSERT_NE(at, std::string::npos);
  update.body.insert(at + kilde.size(), "<SmdbId>" + lastId + "</SmdbId>");
  const DeliveryResult again = d->deliver(update);
  EXPECT_EQ(again.outcome, DeliveryResult::Outcome::kAccepted) << again.detail;
  EXPECT_EQ(again.registryId, lastId);
}

TEST_F(SmdbTransport, SandboxRejectsATilknytningWithoutIvaerksaettelse) {
  const auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  auto d = deliverer();
  const DeliveryResult r = d->deliver(msgs[1]);  // tilknytning first: SMDB-TILB-01
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(r.httpStatus, 500);
  EXPECT_NE(r.detail.find("SMDB-TILB-01"), std::string::npos) << r.detail;
}

TEST_F(SmdbTransport, SandboxRejectsABrokenRuleAndAWrongSoapAction) {
  auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  auto d = deliverer();
  OutboundMessage m = msgs[0];
  const std::string from = "<PersonGrundskoleuddannelseKode>01</PersonGrundskoleuddannelseKode>";
  const auto at = m.body.find(from);
  ASSERT_NE(at, std::string::npos);
  m.body.erase(at, from.size());
  DeliveryResult r = d->deliver(m);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("SMDB-IVAER-11"), std::string::npos) << r.detail;
  // The CPR number never appears in the registry's error text.
  EXPECT_EQ(r.detail.find("0101901235"), std::string::npos);

  m = msgs[0];
  m.headers["SOAPAction"] = "\"http://smdb.dst.dk/api/external/v1/ISecureIndsaetData/IndsaetKvalHep\"";
  r = d->deliver(m);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("SOAPAction"), std::string::npos) << r.detail;
}

// The deliverer refuses to send it (parse without DTDs); the sandbox's own
// refusal of a DOCTYPE is tested in idws_sandbox_test.cpp.
TEST_F(SmdbTransport, SandboxRefusesADoctypeWithoutExpandingIt) {
  auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  OutboundMessage m = msgs[0];
  // Billion laughs in front of a valid envelope: refused, never expanded.
  m.body.insert(m.body.find("<s:Envelope") == std::string::npos ? 0 : m.body.find("<s:Envelope"),
                "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n");
  const DeliveryResult r = deliverer()->deliver(m);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("DOCTYPE"), std::string::npos) << r.detail;
  // The unmodified envelope is accepted.
  EXPECT_EQ(deliverer()->deliver(msgs[0]).outcome, DeliveryResult::Outcome::kAccepted);
}

TEST_F(SmdbTransport, SandboxRejectsASecondActiveForloebInTheKommune) {
  auto d = deliverer();
  // The first forløb: iværksat, not afsluttet (open tilknytninger).
  const auto open = render(kCases / "SMDB-TILB-06__keep_open_without_afslutning/input.json");
  for (const OutboundMessage& m : open) ASSERT_EQ(d->deliver(m).outcome, DeliveryResult::Outcome::kAccepted) << m.kind;
  // A second forløb for the same citizen and kommune, never iværksat, anmodning + afslutning.
  auto second = render(kCases / "SMDB-IVAER-02__keep_anmodning_and_afslutning_only/input.json");
  ASSERT_EQ(second.size(), 1u);
  OutboundMessage m = second[0];
  const std::string from = "smdb/330/src-ep-1/";
  for (size_t at = m.body.find(from); at != std::string::npos; at = m.body.find(from, at))
    m.body.replace(at, from.size(), "smdb/330/src-ep-2/");
  const DeliveryResult r = d->deliver(m);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("SMDB-ANM-01"), std::string::npos) << r.detail;
}

TEST_F(SmdbTransport, ConnectionRefusedIsRetry) {
  const int port = sandbox_->port();
  sandbox_->stop();
  auto settings = clientSettings();
  settings["smdb.endpoint"] = "https://127.0.0.1:" + std::to_string(port);
  settings["smdb.timeoutMs"] = "2000";
  auto d = built(settings)->makeDeliverer();
  const auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  const DeliveryResult r = d->deliver(msgs[0]);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRetry);
  EXPECT_EQ(r.httpStatus, 0);
}

TEST(SmdbClassify, AnswersAreClassified) {
  using reghub::net::HttpResult;
  using reghub::net::TransportFailure;
  const auto soapFault = [](const char* code) {
    return std::string("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:") +
           code + "</faultcode><faultstring>nope</faultstring></s:Fault></s:Body></s:Envelope>";
  };
  HttpResult r;
  r.status = 500;
  r.body = soapFault("Client");
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(reghub::smdb::classify(r).detail, "nope");
  r.body = soapFault("Server");
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kRetry);
  r.status = 503;
  r.body = "busy";
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kRetry);
  r.status = 403;
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kRejected);
  r.status = 200;
  r.body = "<html>ok</html>";
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kRetry);  // no receipt
  r.body = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><XResponse><SmdbId>42</SmdbId>"
           "</XResponse></s:Body></s:Envelope>";
  EXPECT_EQ(reghub::smdb::classify(r).outcome, DeliveryResult::Outcome::kAccepted);
  EXPECT_EQ(reghub::smdb::classify(r).registryId, "42");
  HttpResult t;
  t.failure = TransportFailure::kTimeout;
  EXPECT_EQ(reghub::smdb::classify(t).outcome, DeliveryResult::Outcome::kRetry);
}

}  // namespace
