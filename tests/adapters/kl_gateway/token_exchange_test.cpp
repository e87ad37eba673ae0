// The token exchange client against the sandbox's token endpoint over real
// HTTPS on loopback: the good path, and every client-assertion mistake the
// endpoint must refuse (each classified by the client with the server's text).
#include <gtest/gtest.h>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/form.h"
#include "adapters/kl_gateway/token_exchange.h"
#include "gateway_fixture.h"

namespace reghub::kl_gateway {
namespace {

using namespace std::chrono_literals;
using test::GatewayFixture;

TokenFetch exchangeWith(GatewayFixture& f, const std::string& assertion) {
  TokenExchangeClient client(f.exchangeConfig());
  const auto saml = f.sts.issue();
  return client.exchange(saml.token.assertionXml, assertion, f.clock.now());
}

TEST(TokenExchange, AGoodAssertionAndSamlTokenGetABearerToken) {
  GatewayFixture f;
  const auto r = exchangeWith(f, f.signer(f.clientKey)->sign(f.clock.now()));
  ASSERT_EQ(r.outcome, AuthOutcome::kOk) << r.error;
  EXPECT_EQ(r.token.type, "Bearer");
  EXPECT_EQ(r.token.subject, "C=DK,O=29189846,CN=test anvendersystem");
  EXPECT_NEAR(std::chrono::duration_cast<std::chrono::seconds>(r.token.expires - f.clock.now()).count(), 120, 2);
  ASSERT_TRUE(f.endpoint->validate(r.token.value));
  EXPECT_FALSE(f.endpoint->validate(r.token.value + "x"));
  f.clock.advance(121s);
  EXPECT_FALSE(f.endpoint->validate(r.token.value)) << "expired";
}

TEST(TokenExchange, UnknownKidIsInvalidClient) {
  GatewayFixture f;
  const auto r = exchangeWith(f, f.signer(test::newRsaKey())->sign(f.clock.now()));
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.error.find("invalid_client: unknown kid"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("register the system's public key"), std::string::npos) << r.error;
}

TEST(TokenExchange, AssertionSignedByAnotherKeyUnderTheRegisteredKidIsInvalidClient) {
  GatewayFixture f;
  const auto r = exchangeWith(f, f.signer(test::newRsaKey(), keyIdOf(f.clientKey.get()))->sign(f.clock.now()));
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("signature does not verify"), std::string::npos) << r.error;
}

TEST(TokenExchange, ExpiredAssertionIsInvalidClientNamingTheClock) {
  GatewayFixture f;
  const auto r = exchangeWith(f, f.signer(f.clientKey)->sign(f.clock.now() - 30s));  // exp 20 s ago, skew 5 s
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("expired"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("clock"), std::string::npos) << r.error;
  EXPECT_EQ(exchangeWith(f, f.signer(f.clientKey)->sign(f.clock.now() - 12s)).outcome, AuthOutcome::kOk)
      << "within the skew";
}

TEST(TokenExchange, AssertionFromTheFutureIsInvalidClient) {
  GatewayFixture f;
  const auto r = exchangeWith(f, f.signer(f.clientKey)->sign(f.clock.now() + 60s));
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("not valid for another"), std::string::npos) << r.error;
}

TEST(TokenExchange, ReplayedJtiIsInvalidClient) {
  GatewayFixture f;
  const std::string assertion = f.signer(f.clientKey)->sign(f.clock.now());
  ASSERT_EQ(exchangeWith(f, assertion).outcome, AuthOutcome::kOk);
  const auto r = exchangeWith(f, assertion);
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("used before"), std::string::npos) << r.error;
}

TEST(TokenExchange, WrongAudienceOrClientIdIsInvalidClient) {
  GatewayFixture f;
  const ClientAssertionSigner otherAud({"kommune-0330", "https://elsewhere/realms/x", 10s, ""}, f.clientKey);
  auto r = exchangeWith(f, otherAud.sign(f.clock.now()));
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("aud is not the realm"), std::string::npos) << r.error;
  r = exchangeWith(f, f.signer(f.clientKey, {}, "kommune-0101")->sign(f.clock.now()));
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("is not the client id"), std::string::npos) << r.error;
}

TEST(TokenExchange, ASamlTokenTheStsDidNotIssueIsInvalidGrant) {
  GatewayFixture f;
  TokenExchangeClient client(f.exchangeConfig());
  const auto r = client.exchange("<saml:Assertion>forged</saml:Assertion>", f.signer(f.clientKey)->sign(f.clock.now()),
                                 f.clock.now());
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.error.find("invalid_grant: subject_token"), std::string::npos) << r.error;
}

TEST(TokenExchange, EndpointDownIsRetry) {
  GatewayFixture f;
  auto config = f.exchangeConfig();
  f.server->stop();
  TokenExchangeClient client(config);
  const auto r = client.exchange("<a/>", f.signer(f.clientKey)->sign(f.clock.now()), f.clock.now());
  EXPECT_EQ(r.outcome, AuthOutcome::kRetry) << r.error;
  EXPECT_EQ(r.status, 0);
}

TEST(TokenExchange, AnswersAreClassified) {
  const auto now = Clock::now();
  EXPECT_EQ(classifyTokenAnswer(503, "busy", now, 60s).outcome, AuthOutcome::kRetry);
  EXPECT_EQ(classifyTokenAnswer(429, "{}", now, 60s).outcome, AuthOutcome::kRetry);
  auto r = classifyTokenAnswer(400, R"({"error":"invalid_grant","error_description":"SAML expired"})", now, 60s);
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_EQ(r.error, "invalid_grant: SAML expired");
  r = classifyTokenAnswer(403, "<html>forbidden</html>", now, 60s);
  EXPECT_EQ(r.outcome, AuthOutcome::kRejected);
  EXPECT_NE(r.error.find("forbidden"), std::string::npos);
  EXPECT_EQ(classifyTokenAnswer(200, R"({"token_type":"Bearer"})", now, 60s).outcome, AuthOutcome::kRejected);
  EXPECT_EQ(classifyTokenAnswer(200, R"({"access_token":"t","token_type":"mac"})", now, 60s).outcome,
            AuthOutcome::kRejected);
  EXPECT_EQ(classifyTokenAnswer(200, R"({"access_token":"t","token_type":"Bearer","expires_in":-3})", now, 60s).outcome,
            AuthOutcome::kRejected);
  r = classifyTokenAnswer(200, R"({"access_token":"t","token_type":"bearer"})", now, 60s);
  ASSERT_EQ(r.outcome, AuthOutcome::kOk);
  EXPECT_EQ(r.token.expires, now + 60s) << "no expires_in: the assumed lifetime";
  r = classifyTokenAnswer(200, R"({"access_token":"t","token_type":"Bearer","expires_in":300})", now, 60s);
  EXPECT_EQ(r.token.expires, now + 300s);
}

TEST(Form, RoundTripsAndRefusesBrokenInput) {
  std::string error;
  const std::string body = "a=" + formEncode("x y&z=%+") + "&b=" + formEncode("") + "&c=1+2";
  const auto f = parseForm(body, error);
  ASSERT_TRUE(f) << error;
  EXPECT_EQ(f->at("a"), "x y&z=%+");
  EXPECT_EQ(f->at("b"), "");
  EXPECT_EQ(f->at("c"), "1 2");
  EXPECT_FALSE(parseForm("a=%4", error));
  EXPECT_FALSE(parseForm("a=%zz", error));
  EXPECT_FALSE(parseForm("=v", error));
  EXPECT_FALSE(parseForm("a=1&a=2", error));
  EXPECT_NE(error.find("more than once"), std::string::npos);
}

TEST(TokenEndpoint, MalformedRequestsAreOAuthErrorsNotCrashes) {
  GatewayFixture f;
  for (const std::string body : {"", "grant_type=x", "%%%", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange",
                                 "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&client_assertion_type="
                                 "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c"}) {
    net::HttpRequest req;
    req.method = "POST";
    req.body = body;
    const auto r = f.endpoint->handle(req);
    EXPECT_TRUE(r.status == 400 || r.status == 401) << body << " → " << r.status;
    EXPECT_NE(r.body.find("\"error\""), std::string::npos) << r.body;
  }
  EXPECT_EQ(f.endpoint->issuedCount(), 0);
}

}  // namespace
}  // namespace reghub::kl_gateway
