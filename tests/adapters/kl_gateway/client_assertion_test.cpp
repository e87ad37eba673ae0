#include "adapters/kl_gateway/client_assertion.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <rapidjson/document.h>

#include <set>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/jws.h"
#include "test_keys.h"

namespace reghub::kl_gateway {
namespace {

using namespace std::chrono_literals;

const std::string kRealm = "https://saml.test001.ehealth.sundhed.dk/auth/realms/ehealth";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return d;
}

TEST(Base64Url, RoundTripsEveryLengthAndRefusesForeignCharacters) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(security::base64UrlDecode(security::base64UrlEncode(bytes)), bytes) << i;
    bytes += char(i * 37 + 250);
  }
  EXPECT_EQ(security::base64UrlEncode("\xfb\xff"), "-_8");  // the url-safe characters, no padding
  EXPECT_EQ(security::base64UrlDecode("-_8="), std::string("\xfb\xff"));
  EXPECT_FALSE(security::base64UrlDecode("ab+/"));  // standard base64 alphabet is not base64url
  EXPECT_FALSE(security::base64UrlDecode("abcde"));  // impossible length
}

TEST(ClientAssertion, KidIsBase64UrlOfSha256OfTheDerPublicKey) {
  const EvpKey key = test::newRsaKey();
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key.get(), &der);
  ASSERT_GT(n, 0);
  unsigned char md[32];
  unsigned int mdLen = 0;
  EVP_Digest(der, size_t(n), md, &mdLen, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  const std::string expected = security::base64UrlEncode(std::string(reinterpret_cast<char*>(md), mdLen));
  EXPECT_EQ(keyIdOf(key.get()), expected);
  EXPECT_EQ(expected.size(), 43u);  // 32 bytes, unpadded
  EXPECT_NE(keyIdOf(test::newRsaKey().get()), expected);  // another key, another kid
}

TEST(ClientAssertion, HeaderAndClaimsAreTheOperatorsExample) {
  const EvpKey key = test::newRsaKey();
  const ClientAssertionSigner signer({"kommune-0330", kRealm, 10s, ""}, key);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'780'000'000));
  std::string error;
  const auto jws = parseCompactJws(signer.sign(now), error);
  ASSERT_TRUE(jws) << error;
  const auto h = json(jws->header);
  EXPECT_STREQ(h["alg"].GetString(), "RS256");
  EXPECT_EQ(h["kid"].GetString(), keyIdOf(key.get()));
  const auto p = json(jws->payload);
  EXPECT_STREQ(p["iss"].GetString(), "kommune-0330");
  EXPECT_STREQ(p["sub"].GetString(), "kommune-0330");
  EXPECT_EQ(p["aud"].GetString(), kRealm);
  EXPECT_EQ(p["iat"].GetInt64(), 1'780'000'000);
  EXPECT_EQ(p["nbf"].GetInt64(), 1'780'000'000);
  EXPECT_EQ(p["exp"].GetInt64(), 1'780'000'010);  // 10 s lifetime
  EXPECT_EQ(std::string(p["jti"].GetString()).size(), 36u);
}

TEST(ClientAssertion, KidAndLifetimeAreSettings) {
  const ClientAssertionSigner signer({"c", kRealm, 30s, "registered-kid"}, test::newRsaKey());
  std::string error;
  const auto jws = parseCompactJws(signer.sign(std::chrono::system_clock::time_point(100s)), error);
  ASSERT_TRUE(jws);
  EXPECT_STREQ(json(jws->header)["kid"].GetString(), "registered-kid");
  EXPECT_EQ(json(jws->payload)["exp"].GetInt64(), 130);
}

TEST(ClientAssertion, JtiIsNewOnEverySignature) {
  const ClientAssertionSigner signer({"c", kRealm, 10s, ""}, test::newRsaKey());
  std::set<std::string> seen;
  std::string error;
  for (int i = 0; i < 50; ++i)
    seen.insert(json(parseCompactJws(signer.sign(std::chrono::system_clock::now()), error)->payload)["jti"].GetString());
  EXPECT_EQ(seen.size(), 50u);
}

TEST(ClientAssertion, SignatureVerifiesWithThePublicKeyOnly) {
  const EvpKey key = test::newRsaKey();
  const ClientAssertionSigner signer({"c", kRealm, 10s, ""}, key);
  const std::string token = signer.sign(std::chrono::system_clock::now());
  std::string error;
  auto jws = parseCompactJws(token, error);
  ASSERT_TRUE(jws);
  EXPECT_TRUE(verifyRs256(*jws, key.get()));                    // keeping case
  EXPECT_FALSE(verifyRs256(*jws, test::newRsaKey().get()));     // another key
  auto changed = *jws;
  changed.signingInput = changed.signingInput.substr(0, changed.signingInput.find('.') + 1) +
                         security::base64UrlEncode("{\"iss\":\"someone-else\"}");
  EXPECT_FALSE(verifyRs256(changed, key.get()));  // a changed payload
}

TEST(ClientAssertion, RefusesANonRsaKey) {
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  ASSERT_TRUE(ec);
  EXPECT_THROW(ClientAssertionSigner({"c", kRealm, 10s, ""}, adoptKey(ec)), std::invalid_argument);
}

TEST(Jws, MalformedTextIsAnErrorNotACrash) {
  std::string error;
  for (const char* bad : {"", "a", "a.b", "a.b.c.d", "a.b.+", "..."}) {
    const auto j = parseCompactJws(bad, error);
    if (j) EXPECT_FALSE(verifyRs256(*j, test::newRsaKey().get())) << bad;
    else EXPECT_FALSE(error.empty()) << bad;
  }
}

}  // namespace
}  // namespace reghub::kl_gateway
