// OIO IDWS against the SMDB sandbox over real HTTPS on loopback: the bad
// inputs of issue 11, each refused with a WS-Security fault and nothing
// stored, and how the hub's deliverer classifies them (an expired token is
// replaced once and the call retried; bad credentials are rejected with the
// registry's text, without an STS call per message).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <thread>

#include "adapters/smdb/idws_client.h"
#include "adapters/smdb/sandbox.h"
#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_render.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/engine/adapter_registry.h"
#include "hub/net/https_client.h"
#include "hub/security/dev_pki.h"
#include "hub/security/soap.h"
#include "hub/security/sts_stand_in.h"
#include "hub/security/wss_envelope.h"
#include "tests/adapters/smdb/render_util.h"
#include "tests/adapters/smdb/smdb_test_util.h"
#include "tests/hub/net/test_dir.h"

namespace {

using namespace std::chrono_literals;
using reghub::engine::DeliveryResult;
using reghub::engine::OutboundMessage;
using smdb_test::kCases;
using smdb_test::render;
namespace security = reghub::security;
namespace smdb = reghub::smdb;
using Settings = std::map<std::string, std::string>;

std::unique_ptr<reghub::engine::Adapter> built(const Settings& settings) {
  return reghub::engine::AdapterRegistry::create("smdb", reghub::config::Config::fromMap(settings));
}

class SmdbIdws : public ::testing::Test {
 protected:
  void SetUp() override { startSandbox({}); }
  void TearDown() override { sandbox_->stop(); }
  void startSandbox(Settings extra) {
    extra["smdb.sandboxAsOf"] = "2026-06-01";
    sandboxAdapter_ = built(extra);
    sandbox_ = sandboxAdapter_->makeSandbox({});
    sandbox_->start();
  }
  smdb::SmdbSandbox& sandbox() { return static_cast<smdb::SmdbSandbox&>(*sandbox_); }
  Settings client(Settings overrides = {}) {
    Settings s = sandbox().clientConfig();
    s["smdb.timeoutMs"] = "5000";
    for (const auto& [k, v] : overrides) s[k] = v;
    return s;
  }
  static smdb::Settings settingsOf(const Settings& s) {
    return smdb::Settings::fromConfig(reghub::config::Config::fromMap(s));
  }
  // A raw POST to the sandbox (no deliverer in between).
  reghub::net::HttpResult post(const std::string& target, const std::string& body, const std::string& contentType,
                               std::map<std::string, std::string> headers = {}) {
    reghub::net::HttpsClientOptions o;
    o.caFile = sandbox().caFile();
    reghub::net::HttpsClient c(sandbox_->baseUrl(), o);
    return c.send("POST", target, body, contentType, std::move(headers));
  }
  // A correctly secured IndsaetData call for `m`, with a token from the sandbox's STS.
  security::SecuredRequest secured(const OutboundMessage& m, const std::string& assertion = {},
                                   security::SoapVersion v = security::SoapVersion::k12) {
    std::string error;
    const auto payload = smdb::bodyPayload(m.body, error);
    EXPECT_TRUE(payload) << error;
    security::WsaHeaders wsa;
    wsa.action = std::string(smdb::kActionBase) + m.kind;
    wsa.to = sandbox_->baseUrl() + smdb::kIndsaetTarget;
    return security::buildIdwsRequest(v, wsa, *payload, assertion.empty() ? token().assertionXml : assertion,
                                      idws().credentials(), std::chrono::system_clock::now());
  }
  smdb::IdwsClient& idws() {
    if (!idws_) idws_ = std::make_unique<smdb::IdwsClient>(settingsOf(client()));
    return *idws_;
  }
  security::IssuedToken token() {
    const auto t = idws().token();
    EXPECT_TRUE(t.ok()) << t.error;
    return *t.token;
  }
  reghub::net::HttpResult send(const security::SecuredRequest& r) {
    return post(smdb::kIndsaetTarget, r.envelope, r.contentType, r.headers);
  }
  // The fault's WS-Security code and reason, or "" when the answer is no fault.
  static std::string faultOf(const reghub::net::HttpResult& r) {
    const auto f = security::parseSoapFault(r.body);
    return f ? f->code + ": " + f->reason : std::string();
  }
  // Nothing was stored before: the iværksættelse gets SmdbId 2 (its anmodning 1).
  void expectNothingStored(const OutboundMessage& m) {
    const DeliveryResult r = built(client())->makeDeliverer()->deliver(m);
    ASSERT_EQ(r.outcome, DeliveryResult::Outcome::kAccepted) << r.detail;
    EXPECT_EQ(r.registryId, "2");
  }
  std::vector<OutboundMessage> msgs_ = render(kCases / "BASE__keep_complete_forloeb/input.json");
  std::unique_ptr<reghub::engine::Adapter> sandboxAdapter_;
  std::unique_ptr<reghub::engine::Sandbox> sandbox_;
  std::unique_ptr<smdb::IdwsClient> idws_;
};

TEST_F(SmdbIdws, AForloebOverTwoWorkersCostsOneStsCall) {
  const auto adapter = built(client());
  auto w1 = adapter->makeDeliverer();
  auto w2 = adapter->makeDeliverer();
  for (size_t i = 0; i < msgs_.size(); ++i) {
    const DeliveryResult r = (i % 2 ? w1 : w2)->deliver(msgs_[i]);
    EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kAccepted) << msgs_[i].kind << ": " << r.detail;
  }
  EXPECT_EQ(sandbox().sts().issued(), 1u);
}

TEST_F(SmdbIdws, SecuredCallIsAccepted) {
  const auto r = send(secured(msgs_[0]));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<SmdbId>2</SmdbId>"), std::string::npos) << r.body;
}

TEST_F(SmdbIdws, UnsignedCallIsRefusedAndNothingStored) {
  const auto r = post(smdb::kIndsaetTarget, msgs_[0].body, msgs_[0].contentType, msgs_[0].headers);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("wsse:InvalidSecurity: "), std::string::npos) << r.body;
  EXPECT_NE(faultOf(r).find("unsigned"), std::string::npos) << r.body;
  expectNothingStored(msgs_[0]);
}

TEST_F(SmdbIdws, DoctypeIsRefusedBeforeAnythingIsRead) {
  const auto r = post(smdb::kIndsaetTarget, "<!DOCTYPE x [<!ENTITY a \"b\">]>" + msgs_[0].body, "application/soap+xml");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("DOCTYPE"), std::string::npos) << r.body;
}

TEST_F(SmdbIdws, BodyChangedAfterSigningIsRefusedAndNothingStored) {
  security::SecuredRequest req = secured(msgs_[0]);
  const std::string from = "<PersonGrundskoleuddannelseKode>01</PersonGrundskoleuddannelseKode>";
  ASSERT_NE(req.envelope.find(from), std::string::npos);
  req.envelope.replace(req.envelope.find(from), from.size(),
                       "<PersonGrundskoleuddannelseKode>02</PersonGrundskoleuddannelseKode>");
  const auto r = send(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("wsse:FailedAuthentication"), std::string::npos) << r.body;
  expectNothingStored(msgs_[0]);
}

TEST_F(SmdbIdws, ReplayedMessageIdIsRefused) {
  const security::SecuredRequest req = secured(msgs_[0]);
  ASSERT_EQ(send(req).status, 200);
  const auto again = send(req);
  EXPECT_EQ(again.status, 500);
  EXPECT_NE(faultOf(again).find("replay"), std::string::npos) << again.body;
}

TEST_F(SmdbIdws, CallSignedForAnotherServiceIsRefused) {
  std::string error;
  security::WsaHeaders wsa;
  wsa.action = std::string(smdb::kActionBase) + msgs_[0].kind;
  wsa.to = sandbox_->baseUrl() + smdb::kTokenTestTarget;  // signed for TokenTest, sent to IndsaetData
  const auto req = security::buildIdwsRequest(security::SoapVersion::k12, wsa, *smdb::bodyPayload(msgs_[0].body, error),
                                              token().assertionXml, idws().credentials(), std::chrono::system_clock::now());
  const auto r = send(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("wsa:To is not this service"), std::string::npos) << r.body;
  expectNothingStored(msgs_[0]);
}

TEST_F(SmdbIdws, Soap11ToASoap12ServiceIsRefused) {
  const auto r = send(secured(msgs_[0], {}, security::SoapVersion::k11));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("SOAP version"), std::string::npos) << r.body;
}

TEST_F(SmdbIdws, AssertionFromAnotherIssuerIsRefused) {
  const security::DevPki elsewhere("elsewhere CA");
  security::StsStandInOptions o;
  o.entityId = "https://sts.elsewhere.test";
  o.signingKey = std::make_shared<security::Credentials>(elsewhere.issueStsCertificate("foreign STS").credentials());
  o.clientCa = std::make_shared<security::TrustStore>(security::TrustStore::fromPem(elsewhere.caPem()));
  security::AssertionSpec spec;
  spec.issuer = "https://sts.elsewhere.test";
  spec.audience = smdb::SmdbSandbox::kServiceEntityId;
  spec.nameId = idws().credentials().subject();
  spec.holderOfKey = security::shareX509(idws().credentials().certificate());
  spec.notBefore = std::chrono::system_clock::now() - 1min;
  spec.notOnOrAfter = std::chrono::system_clock::now() + 1h;
  const auto r = send(secured(msgs_[0], security::StsStandIn(o).issueAssertion(spec)));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("wsse:FailedAuthentication"), std::string::npos) << r.body;
  EXPECT_NE(faultOf(r).find("not signed by the configured STS"), std::string::npos) << r.body;
}

TEST_F(SmdbIdws, ExpiredAssertionIsRefused) {
  security::AssertionSpec spec;
  spec.audience = smdb::SmdbSandbox::kServiceEntityId;
  spec.nameId = idws().credentials().subject();
  spec.holderOfKey = security::shareX509(idws().credentials().certificate());
  spec.notBefore = std::chrono::system_clock::now() - 9h;
  spec.notOnOrAfter = std::chrono::system_clock::now() - 1h;
  const auto r = send(secured(msgs_[0], sandbox().sts().issueAssertion(spec)));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("expired"), std::string::npos) << r.body;
}

TEST_F(SmdbIdws, AssertionWithBrokenSignatureIsRefused) {
  std::string a = token().assertionXml;
  ASSERT_NE(a.find(">12345678<"), std::string::npos);
  a.replace(a.find(">12345678<"), 10, ">87654321<");  // another kommune's CVR, after the STS signed
  const auto r = send(secured(msgs_[0], a));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(faultOf(r).find("wsse:FailedAuthentication"), std::string::npos) << r.body;
}

// A function certificate from a CA the STS does not trust: the STS refuses
// it; the deliverer rejects with that text and does not ask again per message.
TEST_F(SmdbIdws, CertificateFromAnotherCaIsRejectedWithoutRetryStorm) {
  reghub::test::TempDir dir;
  const security::DevPki other("not the STS's CA");
  const security::IssuedCertificate fc = other.issueFunctionCertificate("12345678", "wrong-ca");
  fc.writeCertPem(dir.str() + "/fc.pem");
  fc.writeKeyPem(dir.str() + "/fc-key.pem");
  const auto adapter = built(client({{"smdb.functionCertificate", dir.str() + "/fc.pem"},
                                     {"smdb.functionKey", dir.str() + "/fc-key.pem"}}));
  auto d = adapter->makeDeliverer();
  for (int i = 0; i < 3; ++i) {
    const DeliveryResult r = d->deliver(msgs_[0]);
    EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
    EXPECT_NE(r.detail.find("FailedAuthentication"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("trusted CA"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(static_cast<const smdb::SmdbAdapter&>(*adapter).idwsClient()->stsCalls(), 1u);
  EXPECT_EQ(sandbox().sts().issued(), 0u);
  expectNothingStored(msgs_[0]);
}

// A token for another audience (wrong smdb.serviceEntityId): SMDB refuses
// it; the token is fresh, so it is not replaced — rejected, one STS call.
TEST_F(SmdbIdws, TokenForAnotherAudienceIsRejectedWithTheRegistrysText) {
  const auto adapter = built(client({{"smdb.serviceEntityId", "https://not-smdb.test"}}));
  auto d = adapter->makeDeliverer();
  for (int i = 0; i < 2; ++i) {
    const DeliveryResult r = d->deliver(msgs_[0]);
    EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRejected);
    EXPECT_EQ(r.httpStatus, 500);
    EXPECT_NE(r.detail.find("another audience"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(sandbox().sts().issued(), 1u);
}

// The sandbox's tokens live 1.5 s and it allows no clock skew; the client's
// cache runs an hour behind, so it still believes in its token: SMDB says
// expired, the deliverer replaces the token once and the call succeeds.
TEST_F(SmdbIdws, ExpiredTokenIsReplacedOnceAndTheCallRetried) {
  sandbox_->stop();
  startSandbox({{"smdb.sandboxTokenLifetimeMs", "1500"}, {"smdb.clockSkewMs", "0"}});
  const smdb::Settings s = settingsOf(client({{"smdb.tokenMinReissueMs", "0"}}));
  auto lagging = std::make_shared<smdb::IdwsClient>(s, [] { return std::chrono::system_clock::now() - 1h; });
  smdb::SoapDeliverer d(s, lagging);
  ASSERT_EQ(d.deliver(msgs_[0]).outcome, DeliveryResult::Outcome::kAccepted);
  std::this_thread::sleep_for(2s);
  std::string error;
  const smdb::IdwsAnswer a =
      d.call(smdb::kIndsaetTarget, std::string(smdb::kActionBase) + msgs_[1].kind, *smdb::bodyPayload(msgs_[1].body, error));
  EXPECT_EQ(a.attempts, 2);
  EXPECT_EQ(smdb::classify(a).outcome, DeliveryResult::Outcome::kAccepted) << smdb::classify(a).detail;
  EXPECT_EQ(sandbox().sts().issued(), 2u);
}

TEST_F(SmdbIdws, StsUnreachableIsRetry) {
  const auto adapter = built(client({{"smdb.stsUrl", "https://127.0.0.1:1/sts"}, {"smdb.timeoutMs", "2000"}}));
  const DeliveryResult r = adapter->makeDeliverer()->deliver(msgs_[0]);
  EXPECT_EQ(r.outcome, DeliveryResult::Outcome::kRetry) << r.detail;
}

// `reghub check smdb` against the sandbox, through the real binary.
struct CliRun {
  int code;
  std::string out;
};
CliRun reghub(const std::string& args) {
  CliRun r{0, {}};
  FILE* p = popen((std::string(REGHUB_BINARY) + " " + args + " 2>&1").c_str(), "r");
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  r.code = WEXITSTATUS(pclose(p));
  return r;
}

std::string writeProps(const reghub::test::TempDir& dir, const std::string& name, const Settings& s) {
  const std::string file = dir.str() + "/" + name;
  std::ofstream out(file);
  for (const auto& [k, v] : s) out << k << " = " << v << "\n";
  return file;
}

TEST_F(SmdbIdws, CheckCommandSaysWhoSmdbThinksWeAreAndWhatIsWrong) {
  reghub::test::TempDir dir;
  const CliRun ok = reghub("check smdb --config " + writeProps(dir, "ok.properties", client()));
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("SMDB sees us as: serialNumber=CVR:12345678-FID:reghub-smdb-sandbox"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("Echo: OK"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("<saml:Assertion"), std::string::npos) << "the token is never printed";

  // Wrong STS certificate configured: our function certificate stands in for it.
  const CliRun sts = reghub("check smdb --config " +
                         writeProps(dir, "sts.properties", client({{"smdb.stsCertificate", client()["smdb.functionCertificate"]}})));
  EXPECT_EQ(sts.code, 1) << sts.out;
  EXPECT_NE(sts.out.find("smdb.stsCertificate is not the STS's signing certificate"), std::string::npos) << sts.out;

  // An expired function certificate from the right CA.
  security::CertificateSpec old;
  old.serialNumber = "CVR:12345678-FID:old";
  old.notBeforeOffset = -48h;
  old.validFor = 24h;
  const security::IssuedCertificate expired = sandbox().pki().issue(old);
  expired.writeCertPem(dir.str() + "/old.pem");
  expired.writeKeyPem(dir.str() + "/old-key.pem");
  const CliRun exp = reghub("check smdb --config " + writeProps(dir, "old.properties",
                                                             client({{"smdb.functionCertificate", dir.str() + "/old.pem"},
                                                                     {"smdb.functionKey", dir.str() + "/old-key.pem"}})));
  EXPECT_EQ(exp.code, 1) << exp.out;
  EXPECT_NE(exp.out.find("renew it"), std::string::npos) << exp.out;

  // Wrong entity id of the service.
  const CliRun aud = reghub("check smdb --config " +
                         writeProps(dir, "aud.properties", client({{"smdb.serviceEntityId", "https://not-smdb.test"}})));
  EXPECT_EQ(aud.code, 1) << aud.out;
  EXPECT_NE(aud.out.find("fix smdb.serviceEntityId"), std::string::npos) << aud.out;

  // The CA of the STS's TLS certificate not trusted.
  const CliRun ca = reghub("check smdb --config " +
                        writeProps(dir, "ca.properties", client({{"smdb.stsCaFile", dir.str() + "/old.pem"}})));
  EXPECT_EQ(ca.code, 1) << ca.out;
  EXPECT_NE(ca.out.find("TLS handshake failed"), std::string::npos) << ca.out;

  // A missing key file is a configuration error naming the key.
  const CliRun missing = reghub("check smdb --config " +
                             writeProps(dir, "missing.properties", client({{"smdb.functionKey", dir.str() + "/nowhere.pem"}})));
  EXPECT_EQ(missing.code, 78) << missing.out;
  EXPECT_NE(missing.out.find("smdb.functionCertificate"), std::string::npos) << missing.out;
}

}  // namespace
