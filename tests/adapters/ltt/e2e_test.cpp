// End to end over real HTTPS on loopback: translate → PUT each report to the
// LTT sandbox (dev CA made by hub/net) with the LTT deliverer → the sandbox
// holds exactly the reports sent; a repeated run sends nothing new. Plus
// the deliverer's classification of the sandbox's faults.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "adapters/ltt/deliverer.h"
#include "adapters/ltt/ltt_adapter.h"
#include "adapters/ltt/sandbox.h"
#include "hub/engine/adapter_registry.h"
#include "tests/adapters/ltt/test_util.h"
#include "tests/adapters/ltt/translate_helper.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;

// What the delivery store will remember: the content hash accepted per key.
class AcceptedLog final : public engine::PriorDeliveries {
 public:
  std::optional<std::string> lastContentHash(std::string_view key) const override {
    auto it = hashes_.find(std::string(key));
    if (it == hashes_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> registryId(std::string_view) const override { return std::nullopt; }
  void accept(const engine::OutboundMessage& m) { hashes_[m.idempotencyKey] = m.contentHash; }

 private:
  std::map<std::string, std::string> hashes_;
};

std::vector<std::string> josefine() {
  const std::string dir = test::sourceDir() + "/tests/adapters/ltt/josefine";
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json" && e.path().stem() != "patient") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  out.push_back(dir + "/patient.json");
  return out;
}

class LttE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    config_["ltt.reportingStart"] = "2025-01-01";  // the IG's story is from 2025
    sandbox_ = std::make_unique<LttSandbox>(engine::SandboxOptions{}, settings());
    sandbox_->start();
    // Endpoint, CA and FK Gateway access (realm, client id, dev certificate, STS).
    for (const auto& [k, v] : sandbox_->clientConfig()) config_[k] = v;
    config_["ltt.timeoutMs"] = "2000";
  }
  // Settings built from config_ as the factory builds them at start-up.
  std::shared_ptr<const Settings> settings() const {
    return std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(config_)));
  }
  std::unique_ptr<engine::Deliverer> deliverer() { return LttAdapter(settings()).makeDeliverer(); }

  std::map<std::string, std::string> config_;
  std::unique_ptr<LttSandbox> sandbox_;
};

TEST_F(LttE2e, TranslatedReportsArriveExactlyOnceAndARepeatSendsNothingNew) {
  AcceptedLog log;
  const auto first = test::translate(josefine(), "2025-12-31", std::nullopt, "2025-01-01", &log);
  ASSERT_EQ(first.errors, 0);
  ASSERT_EQ(first.messages.size(), 7u);
  auto d = deliverer();
  for (const auto& m : first.messages) {
    const auto r = d->deliver(m);
    ASSERT_EQ(r.outcome, engine::DeliveryResult::Outcome::kAccepted) << r.httpStatus << " " << r.detail;
    EXPECT_EQ(r.httpStatus, 201);
    log.accept(m);
  }
  const auto held = sandbox_->received();
  ASSERT_EQ(held.size(), first.messages.size());
  std::map<std::string, std::string> sent;
  for (const auto& m : first.messages) sent[m.idempotencyKey] = m.body;
  for (const auto& h : held) {
    ASSERT_TRUE(sent.count(h.id)) << "sandbox holds a report never sent: " << h.id;
    EXPECT_EQ(h.body, sent[h.id]);
    EXPECT_EQ(h.puts, 1);
  }
  // A repeated run with what was accepted: nothing new to send.
  const auto again = test::translate(josefine(), "2025-12-31", std::nullopt, "2025-01-01", &log);
  EXPECT_EQ(again.errors, 0);
  EXPECT_TRUE(again.messages.empty());
  EXPECT_EQ(sandbox_->received().size(), held.size());
  // A resend of the same report (lost answer) upserts the same Bundle id: 200, still one report.
  const auto r = d->deliver(first.messages.front());
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kAccepted);
  EXPECT_EQ(r.httpStatus, 200);
  EXPECT_EQ(sandbox_->received().size(), held.size());
}

engine::OutboundMessage oneReport() {
  auto t = test::translate(josefine(), "2025-05-14", std::string("2025-05-14"), "2025-01-01");
  EXPECT_EQ(t.messages.size(), 1u);
  return t.messages.at(0);
}

TEST_F(LttE2e, Injected500IsRetriedThenAccepted) {
  const auto m = oneReport();
  sandbox_->setFaults({0, 1, 0});
  auto d = deliverer();
  const auto r1 = d->deliver(m);
  EXPECT_EQ(r1.outcome, engine::DeliveryResult::Outcome::kRetry);
  EXPECT_EQ(r1.httpStatus, 500);
  const auto r2 = d->deliver(m);
  EXPECT_EQ(r2.outcome, engine::DeliveryResult::Outcome::kAccepted) << r2.detail;
  EXPECT_EQ(sandbox_->received().size(), 1u);
}

TEST_F(LttE2e, DroppedConnectionIsRetried) {
  const auto m = oneReport();
  sandbox_->setFaults({0, 0, 1});
  auto d = deliverer();
  const auto r = d->deliver(m);
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRetry);
  EXPECT_EQ(r.httpStatus, 0);
  EXPECT_NE(r.detail.find("connection-lost"), std::string::npos) << r.detail;
  EXPECT_TRUE(sandbox_->received().empty());
}

TEST_F(LttE2e, LatencyBeyondTheTimeoutIsRetried) {
  const auto m = oneReport();
  config_["ltt.timeoutMs"] = "200";
  sandbox_->setFaults({1000, 0, 0});
  auto d = deliverer();
  const auto r = d->deliver(m);
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRetry);
  EXPECT_NE(r.detail.find("timeout"), std::string::npos) << r.detail;
  sandbox_->setFaults({});
}

TEST_F(LttE2e, InvalidReportIsRejectedWithTheOperationOutcomeText) {
  auto m = oneReport();
  const std::string good = "\"intent\": \"plan\"";
  const size_t at = m.body.find(good);
  ASSERT_NE(at, std::string::npos);
  m.body.replace(at, good.size(), "\"intent\": \"order\"");
  auto d = deliverer();
  const auto r = d->deliver(m);
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(r.httpStatus, 422);
  EXPECT_NE(r.detail.find("LTT-CP-02"), std::string::npos) << r.detail;
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->rejectedCount(), 1);
}

TEST_F(LttE2e, BundleIdMustMatchTheUrl) {
  auto m = oneReport();
  m.target = "/fhir/Bundle/00000000-0000-5000-8000-000000000000";
  const auto r = deliverer()->deliver(m);
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(r.httpStatus, 400);
}

TEST_F(LttE2e, UntrustedSandboxIsNotReached) {
  config_["ltt.caFile"] = "";  // system CAs do not know the dev CA
  config_["ltt.auth.sts.caFile"] = "";  // nor for its STS stand-in (same server)
  const auto r = deliverer()->deliver(oneReport());
  // The first call is the STS request; hub/security's WS-Trust client counts
  // an untrusted STS certificate as a setup error (rejected, not retried).
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("tls"), std::string::npos) << r.detail;
  EXPECT_EQ(sandbox_->requestsSeen(), 0);
}

std::unique_ptr<engine::Adapter> built(const std::map<std::string, std::string>& settings) {
  return engine::AdapterRegistry::create("ltt", config::Config::fromMap(settings));
}

TEST(LttDelivererConfig, EndpointMustBeHttps) {
  // No endpoint: LTT is not configured for delivery (validated only), no deliverer.
  EXPECT_EQ(built({})->makeDeliverer(), nullptr);
  EXPECT_THROW(built({{"ltt.endpoint", "http://127.0.0.1:1"}}), config::ConfigError);
  EXPECT_THROW(built({{"ltt.endpoint", "https://127.0.0.1:1"}, {"ltt.timeoutMs", "soon"}}), config::ConfigError);
  EXPECT_NE(built({{"ltt.endpoint", "https://127.0.0.1:1"}})->makeDeliverer(), nullptr);
}

TEST(LttDelivererConfig, UnknownKeyFailsStartUp) {
  std::map<std::string, std::string> c = {
      {"ltt.endpoint", "https://127.0.0.1:1"}, {"ltt.sandbox.tlsDir", "/tmp/x"}, {"other.key", "fine: not ours"}};
  EXPECT_NO_THROW(built(c)->makeDeliverer());
  c["ltt.time-out-ms"] = "100";  // misspelt
  EXPECT_THROW(built(c), config::ConfigError);
}

TEST(LttDelivererConfig, OperationOutcomeTextIsKept) {
  EXPECT_EQ(operationOutcomeText(R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"A"},{"severity":"error","code":"invalid","details":{"text":"B"}}]})"),
            "A; B");
  EXPECT_EQ(operationOutcomeText("plain text"), "plain text");
}

}  // namespace
}  // namespace reghub::ltt
