// The LTT sandbox's token endpoint with its real KOMBIT STS stand-in
// (hub/security's generic STS stand-in: signed SAML holder-of-key
// assertions, SOAP 1.2, CVR claim): every bad subject token and client
// assertion is refused with an OAuth error naming the problem, nothing is
// stored, and the hub classifies it. Real HTTPS on loopback, real signatures.
#include <gtest/gtest.h>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/form.h"
#include "adapters/kl_gateway/kombit_sts.h"
#include "adapters/kl_gateway/token_exchange.h"
#include "adapters/ltt/ltt_adapter.h"
#include "adapters/ltt/sandbox.h"
#include "hub/net/https_client.h"
#include "hub/security/dev_pki.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

using namespace std::chrono_literals;
using kl_gateway::AuthOutcome;
using Clock = std::chrono::system_clock;

class LttSaml : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<LttSandbox>(engine::SandboxOptions{}, settings(config_));
    sandbox_->start();
    for (const auto& [k, v] : sandbox_->clientConfig()) config_[k] = v;
    client_ = std::make_shared<security::Credentials>(security::Credentials::load(
        {config_["ltt.auth.certFile"], config_["ltt.auth.keyFile"], "", "", "ltt.auth.certFile"}));
    sts_ = dynamic_cast<kl_gateway::KombitStsStandIn*>(sandbox_->auth()->sts());
    ASSERT_NE(sts_, nullptr);
  }
  static std::shared_ptr<const Settings> settings(const std::map<std::string, std::string>& c) {
    return std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(c)));
  }
  // A client assertion signed with the dev client's key, issued at `at`.
  std::string clientAssertion(Clock::time_point at = Clock::now()) const {
    EVP_PKEY* k = client_->privateKey();
    EVP_PKEY_up_ref(k);
    return kl_gateway::ClientAssertionSigner({config_.at("ltt.auth.clientId"), sandbox_->auth()->realmUrl(), 10s, ""},
                                             kl_gateway::adoptKey(k))
        .sign(at);
  }
  // Assertion facts as the sandbox's STS would issue them for the dev client.
  security::AssertionSpec goodSpec() const {
    security::AssertionSpec s;
    s.audience = kl_gateway::kCareGatewayService;
    s.nameId = client_->subject();
    s.cvr = "29189846";
    s.holderOfKey = security::shareX509(client_->certificate());
    s.notBefore = Clock::now() - 1min;
    s.notOnOrAfter = Clock::now() + 1h;
    return s;
  }
  kl_gateway::TokenFetch exchange(const std::string& samlXml, const std::string& assertion) {
    kl_gateway::TokenExchangeConfig c;
    c.tokenUrl = sandbox_->auth()->realmUrl() + "/protocol/openid-connect/token";
    c.tls.caFile = sandbox_->caFile();
    c.clientId = config_.at("ltt.auth.clientId");
    return kl_gateway::TokenExchangeClient(c).exchange(samlXml, assertion, Clock::now());
  }
  void expectRefused(const kl_gateway::TokenFetch& r, int status, const std::string& error, const std::string& what) {
    EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.error.rfind(error, 0), 0u) << r.error;
    EXPECT_NE(r.error.find(what), std::string::npos) << r.error;
    EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 0);
    EXPECT_TRUE(sandbox_->received().empty());
  }

  std::map<std::string, std::string> config_;
  std::unique_ptr<LttSandbox> sandbox_;
  std::shared_ptr<security::Credentials> client_;
  kl_gateway::KombitStsStandIn* sts_ = nullptr;
};

TEST_F(LttSaml, AnAssertionOfItsOwnStsIsExchanged) {  // the keeping case for all below
  const auto r = exchange(sts_->generic().issueAssertion(goodSpec()), clientAssertion());
  ASSERT_EQ(r.outcome, AuthOutcome::kOk) << r.error;
  EXPECT_EQ(r.token.subject, client_->subject());
  EXPECT_TRUE(sandbox_->auth()->tokenEndpoint().validate(r.token.value));
}

TEST_F(LttSaml, TheHubGetsItsAssertionFromTheStsOverSoap12AndExchangesIt) {
  const LttAdapter adapter(settings(config_));
  const auto t = adapter.gatewayAuth()->bearer();
  ASSERT_EQ(t.outcome, AuthOutcome::kOk) << t.error;
  EXPECT_EQ(sts_->generic().issued(), 1u);
  EXPECT_NE(t.token.subject.find("CVR:29189846"), std::string::npos) << t.token.subject;
}

TEST_F(LttSaml, AssertionFromAnotherIssuerIsInvalidGrant) {
  auto spec = goodSpec();
  spec.issuer = "https://sts.elsewhere.test";
  expectRefused(exchange(sts_->generic().issueAssertion(spec), clientAssertion()), 400, "invalid_grant",
                "wrong issuer");
}

TEST_F(LttSaml, AssertionSignedByAnotherStsIsInvalidGrant) {
  const security::DevPki other("foreign CA");
  security::StsStandInOptions o;
  o.entityId = sts_->entityId();  // claims to be the sandbox's STS, signed by another key
  o.signingKey = std::make_shared<security::Credentials>(other.issueStsCertificate("foreign STS").credentials());
  o.clientCa = std::make_shared<security::TrustStore>(security::TrustStore::fromPem(other.caPem()));
  const security::StsStandIn foreign(o);
  expectRefused(exchange(foreign.issueAssertion(goodSpec()), clientAssertion()), 400, "invalid_grant",
                "not signed by the configured STS");
}

TEST_F(LttSaml, AssertionForAnotherAudienceIsInvalidGrant) {
  auto spec = goodSpec();
  spec.audience = "https://saml.smdb.dst.dk";
  expectRefused(exchange(sts_->generic().issueAssertion(spec), clientAssertion()), 400, "invalid_grant",
                "another audience");
}

TEST_F(LttSaml, ExpiredAssertionIsInvalidGrant) {
  auto spec = goodSpec();
  spec.notBefore = Clock::now() - 2h;
  spec.notOnOrAfter = Clock::now() - 1h;
  expectRefused(exchange(sts_->generic().issueAssertion(spec), clientAssertion()), 400, "invalid_grant", "expired");
}

TEST_F(LttSaml, AssertionWithABrokenSignatureIsInvalidGrant) {
  std::string xml = sts_->generic().issueAssertion(goodSpec());
  const size_t at = xml.find("29189846");  // the CVR attribute: signed content changed after signing
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 8, "12345678");
  expectRefused(exchange(xml, clientAssertion()), 400, "invalid_grant", "signatur");
}

TEST_F(LttSaml, SubjectTokenThatIsNotSamlIsInvalidGrant) {
  expectRefused(exchange("<not-saml/>", clientAssertion()), 400, "invalid_grant", "subject_token");
}

TEST_F(LttSaml, ExpiredClientAssertionIsInvalidClient) {
  expectRefused(exchange(sts_->generic().issueAssertion(goodSpec()), clientAssertion(Clock::now() - 1min)), 401,
                "invalid_client", "expired");
}

TEST_F(LttSaml, ReplayedJtiIsInvalidClient) {
  const std::string assertion = clientAssertion();
  ASSERT_EQ(exchange(sts_->generic().issueAssertion(goodSpec()), assertion).outcome, AuthOutcome::kOk);
  const auto r = exchange(sts_->generic().issueAssertion(goodSpec()), assertion);
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("used before"), std::string::npos) << r.error;
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 1);
}

TEST_F(LttSaml, HubAskingForAnotherServiceIsRefusedByTheStsAndRejectedWithItsText) {
  config_["ltt.auth.sts.appliesTo"] = "http://ehealth.sundhed.dk/service/NotOurs/1";
  const LttAdapter adapter(settings(config_));
  const auto d = adapter.makeDeliverer();
  engine::OutboundMessage m;
  m.idempotencyKey = "DeliveryReport-Josefine-2";
  m.target = "/fhir/Bundle/DeliveryReport-Josefine-2";
  m.body = test::readFile(test::sharedDir() + "/reference/ltt/examples/DeliveryReport-Josefine-2.json");
  const auto r = d->deliver(m);
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_NE(r.detail.find("KOMBIT STS"), std::string::npos) << r.detail;
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 0);
}

TEST_F(LttSaml, TokenEndpointFormAndJwsNeverCrashOrIssue) {
  // A small deterministic sweep of broken requests (the fuzzer goes further: fuzz/fuzz_token_endpoint.cpp).
  net::HttpsClientOptions o;
  o.caFile = sandbox_->caFile();
  net::HttpsClient raw(sandbox_->baseUrl(), o);
  const std::string good = "grant_type=" + kl_gateway::formEncode("urn:ietf:params:oauth:grant-type:token-exchange") +
                           "&client_assertion_type=" +
                           kl_gateway::formEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                           "&client_assertion=" + clientAssertion();
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    const auto r = raw.send("POST", sandbox_->auth()->tokenPath(), good.substr(0, cut),
                            "application/x-www-form-urlencoded");
    ASSERT_TRUE(r.answered());
    EXPECT_TRUE(r.status == 400 || r.status == 401) << cut << ": " << r.status;
  }
  EXPECT_EQ(sandbox_->auth()->tokenEndpoint().issuedCount(), 0);
}

}  // namespace
}  // namespace reghub::ltt
