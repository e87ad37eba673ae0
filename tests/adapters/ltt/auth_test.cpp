// FK Gateway access end to end over real HTTPS on loopback: the LTT
// deliverer gets a bearer token through the sandbox's token endpoint (real
// JWS client assertions signed with the dev function certificate's key, real
// signature checks) and the sandbox refuses every PUT without a valid one.
//
// The SAML assertion here comes from FakeKombit, a stand-in for the STS that
// hands out unsigned marker assertions and lets the sandbox accept exactly
// those: it is NOT the signed KOMBIT STS stand-in (hub/security, branch
// oioidws). It keeps these tests about the token exchange, the cache and
// the deliverer; the SAML bad-input cases run with the real stand-in.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "adapters/kl_gateway/client_assertion.h"
#include "adapters/ltt/deliverer.h"
#include "adapters/ltt/ltt_adapter.h"
#include "adapters/ltt/sandbox.h"
#include "hub/net/https_client.h"
#include "hub/security/dev_pki.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

using engine::DeliveryResult;
using Outcome = engine::DeliveryResult::Outcome;

struct FakeKombit final : kl_gateway::SubjectTokenSource {
  kl_gateway::SubjectTokenResult issue() override {
    calls++;
    std::lock_guard<std::mutex> lock(mu);
    const std::string xml = "<saml:Assertion ID=\"_" + kl_gateway::randomUuid() + "\">fake</saml:Assertion>";
    issued.insert(xml);
    return {kl_gateway::AuthOutcome::kOk, {xml, kl_gateway::Clock::now() + std::chrono::hours(1)}, {}};
  }
  struct StandIn final : kl_gateway::StsStandIn {
    explicit StandIn(FakeKombit& k) : kombit(k) {}
    std::string path() const override { return "/fake-sts"; }
    net::HttpResponse handle(const net::HttpRequest&) override { return {404, "text/plain", "", {}, false}; }
    kl_gateway::SubjectCheck verify(const std::string& xml, kl_gateway::Clock::time_point) const override {
      std::lock_guard<std::mutex> lock(kombit.mu);
      if (!kombit.issued.count(xml)) return {false, {}, "not issued by the sandbox's STS"};
      return {true, "CVR:29189846-FID:reghub-dev-kommune", {}};
    }
    FakeKombit& kombit;
  };
  kl_gateway::StsStandInFactory factory() {
    return [this](const std::string&, const std::string&, const kl_gateway::SandboxAuthOptions&) {
      return std::make_unique<StandIn>(*this);
    };
  }
  std::atomic<int> calls{0};
  std::mutex mu;
  std::set<std::string> issued;
};

class LttAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    config_["ltt.reportingStart"] = "2025-01-01";
    sandbox_ = std::make_unique<LttSandbox>(engine::SandboxOptions{}, settings(), kombit_.factory());
    sandbox_->start();
    for (const auto& [k, v] : sandbox_->clientConfig()) config_[k] = v;
    config_["ltt.auth.sts.url"] = sandbox_->baseUrl() + "/fake-sts";
    // Required by the settings; FakeKombit's assertions are not signed, so any certificate will do.
    config_["ltt.auth.sts.signingCertFile"] = sandbox_->caFile();
    config_["ltt.timeoutMs"] = "3000";
  }
  std::shared_ptr<const Settings> settings() const {
    return std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(config_)));
  }
  // One adapter = one process: its deliverers share the token cache.
  std::shared_ptr<LttAdapter> adapter() {
    return std::make_shared<LttAdapter>(settings(), std::shared_ptr<kl_gateway::SubjectTokenSource>(
                                                        &kombit_, [](kl_gateway::SubjectTokenSource*) {}));
  }
  engine::OutboundMessage report() const {
    engine::OutboundMessage m;
    m.idempotencyKey = "DeliveryReport-Josefine-2";
    m.method = "PUT";
    m.target = "/fhir/Bundle/" + m.idempotencyKey;
    m.body = test::readFile(test::sharedDir() + "/reference/ltt/examples/DeliveryReport-Josefine-2.json");
    return m;
  }
  // Another function certificate of the same dev CA, written next to the sandbox's.
  void useOtherKey(bool keepRegisteredKid) {
    const security::DevPki pki("another CA");
    const auto other = pki.issueFunctionCertificate("29189846", "someone-else");
    const std::string dir = std::filesystem::path(config_["ltt.auth.certFile"]).parent_path().string();
    other.writeCertPem(dir + "/other-cert.pem");
    other.writeKeyPem(dir + "/other-key.pem");
    if (keepRegisteredKid) {
      auto registered = security::Credentials::load(
          {config_["ltt.auth.certFile"], config_["ltt.auth.keyFile"], "", "", "ltt.auth.certFile"});
      config_["ltt.auth.kid"] = kl_gateway::keyIdOf(registered.publicKey());
    }
    config_["ltt.auth.certFile"] = dir + "/other-cert.pem";
    config_["ltt.auth.keyFile"] = dir + "/other-key.pem";
  }

  std::map<std::string, std::string> config_;
  FakeKombit kombit_;
  std::unique_ptr<LttSandbox> sandbox_;
};

TEST_F(LttAuth, PutWithoutTokenIs401WithAnOperationOutcomeAndStoresNothing) {
  net::HttpsClientOptions o;
  o.caFile = sandbox_->caFile();
  net::HttpsClient raw(sandbox_->baseUrl(), o);
  const auto m = report();
  auto r = raw.send("PUT", m.target, m.body, "application/fhir+json");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
  EXPECT_NE(r.body.find("no bearer token"), std::string::npos) << r.body;
  r = raw.send("PUT", m.target, m.body, "application/fhir+json", {{"Authorization", "Bearer made-up"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("unknown or has expired"), std::string::npos) << r.body;
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->unauthorizedCount(), 2);
  // And the hub without FK Gateway settings: rejected with the gateway's text, not retried.
  auto plain = config_;
  for (auto it = plain.begin(); it != plain.end();) it = it->first.rfind("ltt.auth.", 0) == 0 ? plain.erase(it) : std::next(it);
  const auto d = LttAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(plain))))
                     .makeDeliverer();
  const auto res = d->deliver(m);
  EXPECT_EQ(res.outcome, Outcome::kRejected);
  EXPECT_EQ(res.httpStatus, 401);
  EXPECT_TRUE(sandbox_->received().empty());
}

TEST_F(LttAuth, EveryPutCarriesTheTokenAndManyWorkersShareOneExchange) {
  const auto ad = adapter();
  constexpr int kWorkers = 4, kPerWorker = 10;
  std::atomic<int> accepted{0};
  std::vector<std::thread> ts;
  for (int w = 0; w < kWorkers; ++w)
    ts.emplace_back([&] {
      const auto d = ad->makeDeliverer();  // one per worker, as the outbox does
      for (int i = 0; i < kPerWorker; ++i)
        if (d->deliver(report()).outcome == Outcome::kAccepted) accepted++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(accepted.load(), kWorkers * kPerWorker);
  EXPECT_EQ(kombit_.calls.load(), 1) << "one STS call per token lifetime";
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 1) << "one exchange per token lifetime";
  EXPECT_EQ(sandbox_->unauthorizedCount(), 0);
}

TEST_F(LttAuth, ExpiredBearerTokenIsRefreshedOnceAndThePutRetriedInTheSameAttempt) {
  const auto d = adapter()->makeDeliverer();
  ASSERT_EQ(d->deliver(report()).outcome, Outcome::kAccepted);
  sandbox_->auth()->tokenEndpoint().expireAll();  // the server says expired; the client's cache does not know
  const auto r = d->deliver(report());
  EXPECT_EQ(r.outcome, Outcome::kAccepted) << r.detail;
  EXPECT_EQ(sandbox_->unauthorizedCount(), 1);
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 2);
  EXPECT_EQ(sandbox_->received().at(0).puts, 2);
}

TEST_F(LttAuth, TokenLifetimeFromTheServerIsHonoured) {
  config_["ltt.auth.refreshMarginMs"] = "0";
  sandbox_->stop();
  config_["ltt.sandbox.tokenLifetimeMs"] = "1000";
  sandbox_ = std::make_unique<LttSandbox>(engine::SandboxOptions{}, settings(), kombit_.factory());
  sandbox_->start();
  for (const auto& [k, v] : sandbox_->clientConfig()) config_[k] = v;
  const auto d = adapter()->makeDeliverer();
  ASSERT_EQ(d->deliver(report()).outcome, Outcome::kAccepted);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(d->deliver(report()).outcome, Outcome::kAccepted);
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 2);
  EXPECT_LE(sandbox_->unauthorizedCount(), 1);
}

TEST_F(LttAuth, UnknownKidIsRejectedWithTheServersTextAndNoStorm) {
  useOtherKey(false);
  const auto ad = adapter();
  const auto d = ad->makeDeliverer();
  for (int i = 0; i < 5; ++i) {
    const auto r = d->deliver(report());
    EXPECT_EQ(r.outcome, Outcome::kRejected);
    EXPECT_NE(r.detail.find("invalid_client: unknown kid"), std::string::npos) << r.detail;
  }
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().refusedCount(), 1) << "the refusal is remembered, not asked again";
}

TEST_F(LttAuth, AssertionSignedByAnotherKeyUnderTheRegisteredKidIsRejected) {
  useOtherKey(true);
  const auto r = adapter()->makeDeliverer()->deliver(report());
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  EXPECT_NE(r.detail.find("signature does not verify"), std::string::npos) << r.detail;
  EXPECT_TRUE(sandbox_->received().empty());
}

TEST_F(LttAuth, TokenEndpointDownIsRetry) {
  config_["ltt.auth.tokenPath"] = "/nowhere";  // the sandbox answers 404 there: a setup error…
  auto r = adapter()->makeDeliverer()->deliver(report());
  EXPECT_EQ(r.outcome, Outcome::kRejected) << r.detail;
  config_["ltt.auth.tokenPath"] = "/protocol/openid-connect/token";
  config_["ltt.auth.realm"] = "https://127.0.0.1:1/auth/realms/ehealth";  // …a closed port is transient
  r = adapter()->makeDeliverer()->deliver(report());
  EXPECT_EQ(r.outcome, Outcome::kRetry) << r.detail;
  EXPECT_EQ(r.httpStatus, 0);
  EXPECT_TRUE(sandbox_->received().empty());
}

TEST_F(LttAuth, RealmWithoutItsPartsIsAConfigErrorNamingTheKey) {
  for (const char* missing :
       {"ltt.auth.clientId", "ltt.auth.certFile", "ltt.auth.sts.url", "ltt.auth.sts.cvr", "ltt.auth.sts.signingCertFile"}) {
    auto c = config_;
    c.erase(missing);
    if (std::string(missing) == "ltt.auth.certFile") c.erase("ltt.auth.keyFile");
    try {
      Settings::fromConfig(config::Config::fromMap(c));
      ADD_FAILURE() << missing << " not required";
    } catch (const config::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << missing << ": " << e.what();
    }
  }
  auto c = config_;
  c["ltt.auth.sts.cvr"] = "1234";
  EXPECT_THROW(Settings::fromConfig(config::Config::fromMap(c)), config::ConfigError);
  c = config_;
  c["ltt.auth.keyFile"] = "/nonexistent/key.pem";
  EXPECT_THROW(LttAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(c))))
                   .makeDeliverer(),
               config::ConfigError);
}

TEST_F(LttAuth, SandboxWithAuthOffTakesPlainPuts) {
  sandbox_->stop();
  std::map<std::string, std::string> c = {{"ltt.reportingStart", "2025-01-01"}, {"ltt.sandbox.auth", "off"}};
  LttSandbox plain(engine::SandboxOptions{}, std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(c))));
  plain.start();
  EXPECT_EQ(plain.auth(), nullptr);
  EXPECT_EQ(plain.clientConfig().count("ltt.auth.realm"), 0u) << "nothing to authenticate with";
  for (const auto& [k, v] : plain.clientConfig()) c[k] = v;
  const auto r = LttAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(c))))
                     .makeDeliverer()
                     ->deliver(report());
  EXPECT_EQ(r.outcome, Outcome::kAccepted) << r.detail;
  EXPECT_EQ(plain.received().size(), 1u);
}

TEST_F(LttAuth, TestPresetFillsTheReferenceHosts) {
  std::map<std::string, std::string> c = {{"ltt.auth.preset", "test"},
                                          {"ltt.auth.clientId", "x"},
                                          {"ltt.auth.pkcs12File", "/some.p12"},
                                          {"ltt.auth.sts.signingCertFile", "/kombit-sts.pem"},
                                          {"ltt.auth.sts.cvr", "29189846"}};
  const auto s = Settings::fromConfig(config::Config::fromMap(c));
  EXPECT_EQ(s.auth.realm, "https://saml.test001.ehealth.sundhed.dk/auth/realms/ehealth");
  EXPECT_EQ(s.auth.exchange.tokenUrl,
            "https://saml.test001.ehealth.sundhed.dk/auth/realms/ehealth/protocol/openid-connect/token");
  EXPECT_NE(s.auth.sts.url.find("eksterntest-stoettesystemerne.dk"), std::string::npos);
  EXPECT_FALSE(Settings::fromConfig(config::Config::fromMap({})).auth.enabled()) << "custom without realm: no OAuth";
}

}  // namespace
}  // namespace reghub::ltt
