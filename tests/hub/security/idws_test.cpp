// OIO IDWS end to end inside hub/security: the STS stand-in over real
// HTTPS on loopback, the WS-Trust client, the token cache, and the
// service-side verifier refusing each kind of bad call.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "hub/net/dev_tls.h"
#include "hub/net/https_server.h"
#include "hub/security/codec.h"
#include "hub/security/dev_pki.h"
#include "hub/security/sts_stand_in.h"
#include "hub/security/token_cache.h"
#include "hub/security/verified_tokens.h"
#include "hub/security/ws_trust.h"
#include "hub/security/wss_envelope.h"
#include "hub/security/wss_verifier.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::security {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr const char* kStsId = "https://sts.reghub.test/nemlogin";
constexpr const char* kService = "https://service.reghub.test";

struct World {
  DevPki pki;
  DevPki otherCa{"another CA"};
  std::shared_ptr<const Credentials> client =
      std::make_shared<Credentials>(pki.issueFunctionCertificate("12345678", "reghub-test").credentials());
  std::shared_ptr<const Credentials> stsKey = std::make_shared<Credentials>(pki.issueStsCertificate("dev STS").credentials());
  std::shared_ptr<const Credentials> foreignStsKey =
      std::make_shared<Credentials>(otherCa.issueStsCertificate("foreign STS").credentials());
  std::shared_ptr<const TrustStore> ca = std::make_shared<TrustStore>(TrustStore::fromPem(pki.caPem()));
};
World& world() {
  static World w;
  return w;
}

StsStandInOptions stsOptions() {
  StsStandInOptions o;
  o.entityId = kStsId;
  o.signingKey = world().stsKey;
  o.clientCa = world().ca;
  o.audiences = {kService};
  return o;
}

AssertionPolicy clientPolicy() {
  AssertionPolicy p;
  p.stsCertificate = shareX509(world().stsKey->certificate());
  p.issuer = kStsId;
  p.audience = kService;
  p.holderOfKey = shareX509(world().client->certificate());
  return p;
}

IssueRequestSpec issueSpec() {
  IssueRequestSpec s;
  s.stsEntityId = kStsId;
  s.appliesTo = kService;
  return s;
}

// The stand-in behind a real HTTPS server on loopback.
class StsOverHttps : public ::testing::Test {
 protected:
  void SetUp() override {
    tls_ = net::writeDevTls(dir_.str());
    net::HttpsServerOptions o;
    o.certFile = tls_.serverCertFile;
    o.keyFile = tls_.serverKeyFile;
    server_ = std::make_unique<net::HttpsServer>(o, [this](const net::HttpRequest& r) { return sts_.handle(r); });
    server_->start();
  }
  void TearDown() override { server_->stop(); }
  WsTrustClient client(std::shared_ptr<const Credentials> key, AssertionPolicy policy, IssueRequestSpec spec = issueSpec()) {
    net::HttpsClientOptions tls;
    tls.caFile = tls_.caCertFile;
    return WsTrustClient(server_->baseUrl() + "/SecurityTokenService.svc", tls, spec, std::move(key), std::move(policy));
  }
  test::TempDir dir_;
  net::DevTlsFiles tls_;
  StsStandIn sts_{stsOptions()};
  std::unique_ptr<net::HttpsServer> server_;
};

TEST_F(StsOverHttps, IssuesAHolderOfKeyAssertionForOurCertificate) {
  WsTrustClient c = client(world().client, clientPolicy());
  const TokenOutcome t = c.issue();
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.token->info.issuer, kStsId);
  EXPECT_EQ(t.token->info.audiences, std::vector<std::string>{kService});
  EXPECT_EQ(t.token->info.attributes.at(kCvrAttribute), "12345678");
  EXPECT_NE(t.token->info.nameId.find("CVR:12345678-FID:reghub-test"), std::string::npos);
  EXPECT_GT(t.token->info.notOnOrAfter, system_clock::now() + 7h);
  EXPECT_EQ(sts_.issued(), 1u);
}

TEST_F(StsOverHttps, Soap12AndCvrClaimAsKombitAsks) {
  StsStandInOptions o = stsOptions();
  o.version = SoapVersion::k12;
  StsStandIn kombit(o);
  IssueRequestSpec spec = issueSpec();
  spec.version = SoapVersion::k12;
  spec.cvrClaim = "29189846";
  spec.lifetime = 1h;
  const SecuredRequest rst = buildIssueRequest(spec, *world().client, system_clock::now());
  EXPECT_NE(rst.contentType.find("application/soap+xml"), std::string::npos);
  net::HttpRequest r{"POST", "/sts", "/sts", "", {}, rst.envelope, false, {}, {}};
  const net::HttpResponse answer = kombit.handle(r);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const TokenOutcome t = readIssueResponse(answer.status, answer.body, clientPolicy(), system_clock::now());
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.token->info.attributes.at(kCvrAttribute), "29189846");
  EXPECT_LT(t.token->info.notOnOrAfter, system_clock::now() + 61min);
  // A SOAP 1.1 request to the 1.2 STS is refused.
  const SecuredRequest soap11 = buildIssueRequest(issueSpec(), *world().client, system_clock::now());
  EXPECT_EQ(kombit.handle({"POST", "/sts", "/sts", "", {}, soap11.envelope, false, {}, {}}).status, 500);
}

TEST_F(StsOverHttps, LifetimeInThePastOrAStaleTimestampIsRefused) {
  IssueRequestSpec spec = issueSpec();
  spec.lifetime = std::chrono::seconds(-60);
  const auto past = sts_.handle({"POST", "/sts", "/sts", "", {}, buildIssueRequest(spec, *world().client, system_clock::now()).envelope, false, {}, {}});
  EXPECT_EQ(past.status, 500);
  EXPECT_NE(past.body.find("in the past"), std::string::npos) << past.body;
  const auto stale = sts_.handle(
      {"POST", "/sts", "/sts", "", {}, buildIssueRequest(issueSpec(), *world().client, system_clock::now() - 2h).envelope, false, {}, {}});
  EXPECT_EQ(stale.status, 500);
  EXPECT_NE(stale.body.find("MessageExpired"), std::string::npos) << stale.body;
  EXPECT_EQ(sts_.issued(), 0u);
}

TEST_F(StsOverHttps, CertificateFromAnotherCaIsRefusedPermanently) {
  auto foreign = std::make_shared<Credentials>(world().otherCa.issueFunctionCertificate("12345678", "x").credentials());
  AssertionPolicy p = clientPolicy();
  p.holderOfKey = shareX509(foreign->certificate());
  const TokenOutcome t = client(foreign, p).issue();
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.permanent);
  EXPECT_NE(t.error.find("FailedAuthentication"), std::string::npos) << t.error;
  EXPECT_EQ(sts_.issued(), 0u);
}

TEST_F(StsOverHttps, ExpiredCertificateIsRefused) {
  CertificateSpec expired;
  expired.serialNumber = "CVR:12345678-FID:old";
  expired.notBeforeOffset = -48h;
  expired.validFor = 24h;
  auto old = std::make_shared<Credentials>(world().pki.issue(expired).credentials());
  AssertionPolicy p = clientPolicy();
  p.holderOfKey = shareX509(old->certificate());
  const TokenOutcome t = client(old, p).issue();
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error.find("udløbet"), std::string::npos) << t.error;
}

TEST_F(StsOverHttps, WrongStsCertificateInOurConfigurationIsRefused) {
  AssertionPolicy p = clientPolicy();
  p.stsCertificate = shareX509(world().foreignStsKey->certificate());
  const TokenOutcome t = client(world().client, p).issue();
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.permanent);
  EXPECT_NE(t.error.find("not signed by the configured STS"), std::string::npos) << t.error;
}

TEST_F(StsOverHttps, UnknownAudienceIsRefused) {
  IssueRequestSpec spec = issueSpec();
  spec.appliesTo = "https://wrong.reghub.test";
  const TokenOutcome t = client(world().client, clientPolicy(), spec).issue();
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error.find("AppliesTo"), std::string::npos) << t.error;
}

TEST_F(StsOverHttps, TokenCacheMakesOneStsCallForManyWorkers) {
  WsTrustClient c = client(world().client, clientPolicy());
  TokenCache cache([&](const std::string& aud) { return c.issue(aud); }, {});
  constexpr int kThreads = 8, kMessagesEach = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < kThreads; ++i)
    workers.emplace_back([&] {
      for (int m = 0; m < kMessagesEach; ++m)
        if (cache.get(kService).ok()) ++ok;
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(ok.load(), kThreads * kMessagesEach);
  EXPECT_EQ(cache.fetches(), 1u);
  EXPECT_EQ(sts_.issued(), 1u);
}

// ---- the cache's timing, with a clock we move ------------------------------

struct FakeClock {
  std::atomic<int64_t> offsetSeconds{0};
  system_clock::time_point now() const { return system_clock::now() + std::chrono::seconds(offsetSeconds.load()); }
};

TokenOutcome tokenValidFor(std::chrono::seconds lifetime, system_clock::time_point now, int n) {
  TokenOutcome o;
  o.token = IssuedToken{"<x/>", {}, now};
  o.token->info.id = "t" + std::to_string(n);
  o.token->info.notOnOrAfter = now + lifetime;
  return o;
}

TEST(TokenCache, RefreshesOnlyWithinTheMarginBeforeExpiry) {
  FakeClock clock;
  int calls = 0;
  TokenCacheOptions o;
  o.refreshMargin = 5min;
  o.clock = [&] { return clock.now(); };
  TokenCache cache([&](const std::string&) { return tokenValidFor(1h, clock.now(), ++calls); }, o);
  EXPECT_EQ(cache.get("a").token->info.id, "t1");
  clock.offsetSeconds = 54 * 60;  // 6 minutes before expiry: still the same token
  EXPECT_EQ(cache.get("a").token->info.id, "t1");
  clock.offsetSeconds = 56 * 60;  // within the margin: refreshed
  EXPECT_EQ(cache.get("a").token->info.id, "t2");
  EXPECT_EQ(cache.get("b").token->info.id, "t3") << "one token per audience";
  EXPECT_EQ(calls, 3);
}

TEST(TokenCache, ConcurrentFailureIsFetchedOnceAndSharedWithTheWaiters) {
  std::atomic<int> calls{0};
  TokenCache cache(
      [&](const std::string&) {
        ++calls;
        std::this_thread::sleep_for(300ms);
        TokenOutcome o;
        o.error = "STS down";
        return o;
      },
      {});
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i)
    workers.emplace_back([&] {
      if (!cache.get("a").ok()) ++failures;
    });
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 6);
  EXPECT_EQ(calls.load(), 1);
}

TEST(TokenCache, InvalidateForgetsOnlyATokenOldEnough) {
  FakeClock clock;
  int calls = 0;
  TokenCacheOptions o;
  o.minReissueInterval = 60s;
  o.clock = [&] { return clock.now(); };
  TokenCache cache([&](const std::string&) { return tokenValidFor(8h, clock.now(), ++calls); }, o);
  EXPECT_EQ(cache.get("a").token->info.id, "t1");
  EXPECT_FALSE(cache.invalidate("a", "t1")) << "a fresh token refused means bad credentials: no new STS call";
  clock.offsetSeconds = 120;
  EXPECT_FALSE(cache.invalidate("a", "other"));
  EXPECT_TRUE(cache.invalidate("a", "t1"));
  EXPECT_EQ(cache.get("a").token->info.id, "t2");
}

// ---- the service side: every required check has a case that breaks it ------

class IdwsCall : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_ = std::make_unique<StsStandIn>(stsOptions());
    spec_.audience = kService;
    spec_.nameId = world().client->subject();
    spec_.cvr = "12345678";
    spec_.holderOfKey = shareX509(world().client->certificate());
    spec_.notBefore = system_clock::now() - 1min;
    spec_.notOnOrAfter = system_clock::now() + 1h;
  }
  SecuredRequest build(const std::string& assertion, const Credentials& key, system_clock::time_point at = system_clock::now()) {
    WsaHeaders wsa;
    wsa.action = "urn:reghub:test/Echo";
    wsa.to = kService;
    return buildIdwsRequest(SoapVersion::k12, wsa, "<Echo xmlns=\"urn:reghub:test\">hej</Echo>", assertion, key, at);
  }
  WssVerifier::Result check(const std::string& envelope, system_clock::time_point now = system_clock::now(),
                            const std::string& audience = kService) {
    AssertionPolicy p;
    p.stsCertificate = shareX509(world().stsKey->certificate());
    p.issuer = kStsId;
    p.audience = audience;
    return verifier_.verifyIdwsRequest(envelope, p, now);
  }
  std::string good() { return build(sts_->issueAssertion(spec_), *world().client).envelope; }
  std::unique_ptr<StsStandIn> sts_;
  AssertionSpec spec_;
  WssVerifier verifier_{WssPolicy{}};
};

TEST_F(IdwsCall, WellFormedCallIsAccepted) {
  const auto r = check(good());
  ASSERT_TRUE(r.ok()) << r.fault.reason;
  EXPECT_EQ(r.request->assertion->attributes.at(kCvrAttribute), "12345678");
  EXPECT_EQ(r.request->action, "urn:reghub:test/Echo");
  EXPECT_EQ(r.request->version, SoapVersion::k12);
}

TEST_F(IdwsCall, UnsignedCallIsRefused) {
  const std::string plain = std::string("<s:Envelope xmlns:s=\"") + ns::kSoap12 +
                            "\"><s:Header/><s:Body><Echo xmlns=\"urn:reghub:test\">hej</Echo></s:Body></s:Envelope>";
  const auto r = check(plain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kInvalidSecurity);
  EXPECT_NE(r.fault.reason.find("unsigned"), std::string::npos) << r.fault.reason;
}

TEST_F(IdwsCall, BodyChangedAfterSigningIsRefused) {
  std::string e = good();
  e.replace(e.find(">hej<"), 5, ">hej!<");
  const auto r = check(e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kFailedAuthentication);
}

TEST_F(IdwsCall, SignatureByAnotherKeyThanTheTokensIsRefused) {
  const Credentials other = world().otherCa.issueFunctionCertificate("12345678", "intruder").credentials();
  const auto r = check(build(sts_->issueAssertion(spec_), other).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kFailedAuthentication);
  EXPECT_NE(r.fault.reason.find("holder-of-key"), std::string::npos) << r.fault.reason;
}

TEST_F(IdwsCall, AssertionFromAnotherIssuerIsRefused) {
  StsStandInOptions o = stsOptions();
  o.entityId = "https://sts.elsewhere.test";
  o.signingKey = world().foreignStsKey;
  const auto r = check(build(StsStandIn(o).issueAssertion(spec_), *world().client).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kFailedAuthentication);
  // Signed by our STS key but naming another issuer: refused for the issuer.
  AssertionSpec s = spec_;
  s.issuer = "https://sts.elsewhere.test";
  const auto r2 = check(build(sts_->issueAssertion(s), *world().client).envelope);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.fault.reason.find("wrong issuer"), std::string::npos) << r2.fault.reason;
}

TEST_F(IdwsCall, AssertionForAnotherAudienceIsRefused) {
  AssertionSpec s = spec_;
  s.audience = "https://other-service.test";
  const auto r = check(build(sts_->issueAssertion(s), *world().client).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.fault.reason.find("audience"), std::string::npos) << r.fault.reason;
}

TEST_F(IdwsCall, ExpiredAssertionIsRefused) {
  AssertionSpec s = spec_;
  s.notBefore = system_clock::now() - 3h;
  s.notOnOrAfter = system_clock::now() - 1h;
  const auto r = check(build(sts_->issueAssertion(s), *world().client).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.fault.reason.find("expired"), std::string::npos) << r.fault.reason;
}

TEST_F(IdwsCall, AssertionWithBrokenSignatureIsRefused) {
  std::string a = sts_->issueAssertion(spec_);
  a.replace(a.find(">12345678<"), 10, ">87654321<");  // the CVR attribute, after the STS signed
  const auto r = check(build(a, *world().client).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kFailedAuthentication);
  EXPECT_NE(r.fault.reason.find("not signed by the configured STS"), std::string::npos) << r.fault.reason;
}

TEST_F(IdwsCall, ReplayedMessageIdIsRefused) {
  const std::string e = good();
  ASSERT_TRUE(check(e).ok());
  const auto again = check(e);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.fault.reason.find("replay"), std::string::npos) << again.fault.reason;
}

TEST_F(IdwsCall, StaleTimestampIsRefused) {
  const auto r = check(build(sts_->issueAssertion(spec_), *world().client, system_clock::now() - 30min).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kMessageExpired);
  const auto future = check(build(sts_->issueAssertion(spec_), *world().client, system_clock::now() + 30min).envelope);
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.fault.reason.find("clock"), std::string::npos);
}

TEST_F(IdwsCall, ASignatureLeavingOutARequiredPartIsRefused) {
  // Drop the wsa:To reference from SignedInfo before signing: a valid
  // signature, but over too little.
  std::string e = good();
  XmlDocPtr doc;
  std::string error;
  doc = parseXml(e, error);
  ASSERT_TRUE(doc);
  ASSERT_TRUE(registerIds(doc.get(), error));
  // The message signature is wsse:Security's own child (the assertion holds another).
  xmlNode* sig = firstChild(findDescendant(xmlDocGetRootElement(doc.get()), ns::kWsse, "Security"), ns::kDs, "Signature");
  xmlNode* si = firstChild(sig, ns::kDs, "SignedInfo");
  for (xmlNode* r : childElements(si))
    if (attribute(r, nullptr, "URI") == "#_wsa-to") {
      xmlUnlinkNode(r);
      xmlFreeNode(r);
    }
  sign(doc.get(), sig, *world().client);
  const auto r = check(serializeXml(doc.get()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.fault.reason.find("does not cover"), std::string::npos) << r.fault.reason;
}

// ---- the token's STS signature verified once per token (verified_tokens.h) --

TEST_F(IdwsCall, TheSameTokenIsVerifiedOnceAndEveryCallIsStillAccepted) {
  const std::string token = sts_->issueAssertion(spec_);
  const auto first = check(build(token, *world().client).envelope);
  ASSERT_TRUE(first.ok()) << first.fault.reason;
  EXPECT_EQ(verifier_.tokenSignaturesRemembered(), 0u);  // the first call verifies it
  for (int i = 0; i < 3; ++i) {
    const auto again = check(build(token, *world().client).envelope);
    ASSERT_TRUE(again.ok()) << again.fault.reason;
    EXPECT_EQ(again.request->assertion->attributes.at(kCvrAttribute), "12345678");
  }
  EXPECT_EQ(verifier_.tokenSignaturesRemembered(), 3u);
  // Another token (another ID) is verified on its own.
  ASSERT_TRUE(check(good()).ok());
  EXPECT_EQ(verifier_.tokenSignaturesRemembered(), 3u);
}

TEST_F(IdwsCall, ATokenChangedAfterItWasRememberedIsRefused) {
  const std::string token = sts_->issueAssertion(spec_);
  ASSERT_TRUE(check(build(token, *world().client).envelope).ok());
  std::string changed = token;
  changed.replace(changed.find(">12345678<"), 10, ">87654321<");  // the CVR attribute, after the STS signed
  const auto r = check(build(changed, *world().client).envelope);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.fault.code, kFailedAuthentication);
  EXPECT_NE(r.fault.reason.find("not signed by the configured STS"), std::string::npos) << r.fault.reason;
  // The unchanged token still passes (and was remembered).
  ASSERT_TRUE(check(build(token, *world().client).envelope).ok());
  EXPECT_EQ(verifier_.tokenSignaturesRemembered(), 1u);
}

TEST_F(IdwsCall, ARememberedTokenIsStillCheckedForExpiryAndAudience) {
  const std::string token = sts_->issueAssertion(spec_);
  ASSERT_TRUE(check(build(token, *world().client).envelope).ok());
  // The same token two hours later (the call itself fresh): expired.
  const auto later = system_clock::now() + 2h;
  const auto expired = check(build(token, *world().client, later).envelope, later);
  ASSERT_FALSE(expired.ok());
  EXPECT_NE(expired.fault.reason.find("token has expired"), std::string::npos) << expired.fault.reason;
  // Shown to a service it was not issued for: refused for the audience.
  const auto elsewhere = check(build(token, *world().client).envelope, system_clock::now(), "https://other.test");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_NE(elsewhere.fault.reason.find("audience"), std::string::npos) << elsewhere.fault.reason;
  // Control: now and here it still passes.
  EXPECT_TRUE(check(build(token, *world().client).envelope).ok());
}

TEST_F(IdwsCall, ARememberedTokenDoesNotSpareTheMessageSignature) {
  const std::string token = sts_->issueAssertion(spec_);
  ASSERT_TRUE(check(build(token, *world().client).envelope).ok());
  // Signed by a key that is not the token's holder-of-key.
  const Credentials other = world().otherCa.issueFunctionCertificate("12345678", "intruder").credentials();
  const auto intruder = check(build(token, other).envelope);
  ASSERT_FALSE(intruder.ok());
  EXPECT_NE(intruder.fault.reason.find("holder-of-key"), std::string::npos) << intruder.fault.reason;
  // The body changed after signing.
  std::string e = build(token, *world().client).envelope;
  e.replace(e.find(">hej<"), 5, ">hej!<");
  const auto changed = check(e);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.fault.code, kFailedAuthentication);
  EXPECT_GE(verifier_.tokenSignaturesRemembered(), 2u);  // the token was taken as verified both times
}

TEST(VerifiedTokens, TheKeyIsTheSubtreeItsInheritedNamespacesAndTheStsCertificate) {
  const auto keyIn = [](const std::string& xml, X509* sts) {
    std::string error;
    XmlDocPtr doc = parseXml(xml, error);
    EXPECT_TRUE(doc) << error;
    return VerifiedTokens::keyOf(doc.get(), xmlDocGetRootElement(doc.get())->children, sts);
  };
  X509* sts = world().stsKey->certificate();
  const std::string base = keyIn(R"(<a xmlns:p="urn:one"><p:x ID="1">t</p:x></a>)", sts);
  // Control: another ancestor, the same namespaces in scope — the same key.
  EXPECT_EQ(keyIn(R"(<b xmlns:p="urn:one"><p:x ID="1">t</p:x></b>)", sts), base);
  // The same bytes, but the prefix they use inherited with another meaning.
  EXPECT_NE(keyIn(R"(<a xmlns:p="urn:two"><p:x ID="1">t</p:x></a>)", sts), base);
  // One byte of the subtree.
  EXPECT_NE(keyIn(R"(<a xmlns:p="urn:one"><p:x ID="1">u</p:x></a>)", sts), base);
  // Checked against another STS certificate.
  EXPECT_NE(keyIn(R"(<a xmlns:p="urn:one"><p:x ID="1">t</p:x></a>)", world().foreignStsKey->certificate()), base);
}

TEST(VerifiedTokens, AnEntryEndsWhenItsTokenDoes) {
  VerifiedTokens cache(2);
  const auto t0 = system_clock::now();
  cache.remember("a", t0 + 1h);
  EXPECT_TRUE(cache.verified("a", t0));
  EXPECT_FALSE(cache.verified("a", t0 + 1h));  // ended
  EXPECT_FALSE(cache.verified("a", t0));       // and forgotten
  EXPECT_FALSE(cache.verified("b", t0));       // never remembered
  cache.remember("b", t0 + 1h);
  cache.remember("c", t0 + 1h);
  cache.remember("d", t0 + 1h);  // over capacity: the older entries are dropped, never kept past their end
  EXPECT_TRUE(cache.verified("d", t0));
  EXPECT_EQ(cache.hits(), 2u);
}

TEST(SoapFaults, BothVersionsRoundTripWithTheWsSecurityCode) {
  for (SoapVersion v : {SoapVersion::k11, SoapVersion::k12}) {
    const auto f = parseSoapFault(soapFault(v, kFailedAuthentication, "nej <tak>"));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->localCode, "FailedAuthentication");
    EXPECT_EQ(f->reason, "nej <tak>");
    EXPECT_TRUE(f->securityFault());
    EXPECT_TRUE(f->senderFault());
    const auto server = parseSoapFault(soapFault(v, "Server", "later"));
    ASSERT_TRUE(server);
    EXPECT_FALSE(server->senderFault());
  }
  EXPECT_FALSE(parseSoapFault("<a/>"));
}

TEST(Codec, UtcTimesRoundTrip) {
  const auto t = parseUtc("2026-12-01T10:00:00.250Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(formatUtc(*t), "2026-12-01T10:00:00.250Z");
  EXPECT_EQ(parseUtc("2026-12-01T11:00:00+01:00"), parseUtc("2026-12-01T10:00:00Z"));
  EXPECT_FALSE(parseUtc("2026-12-01T10:00:00"));
  EXPECT_FALSE(parseUtc("yesterday"));
}

}  // namespace
}  // namespace reghub::security
