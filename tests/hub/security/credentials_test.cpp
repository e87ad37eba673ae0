// hub/security foundation: function certificates and keys (PEM, PKCS#12,
// passphrase from the environment), the trust store, the dev PKI.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "hub/config/config_error.h"
#include "hub/security/codec.h"
#include "hub/security/credentials.h"
#include "hub/security/dev_pki.h"
#include "hub/security/saml_assertion.h"
#include "hub/security/trust_store.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::security {
namespace {

const DevPki& pki() {
  static const DevPki p;
  return p;
}

TEST(Codec, Base64RoundTripsAndRejectsGarbage) {
  const std::string bytes("\x00\xff\x10 reghub", 10);
  EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes);
  EXPECT_EQ(base64Decode("aGVq\nZA=="), "hejd");
  EXPECT_EQ(base64Decode("aGVqZA"), "hejd");  // padding optional
  EXPECT_FALSE(base64Decode("aGVq*A==").has_value());
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DevPki, FunctionCertificateLooksLikeFoces) {
  const IssuedCertificate fc = pki().issueFunctionCertificate("12345678", "reghub-test");
  const Credentials c = fc.credentials();
  EXPECT_NE(c.subject().find("serialNumber=CVR:12345678-FID:reghub-test"), std::string::npos) << c.subject();
  EXPECT_GT(c.notAfter(), std::chrono::system_clock::now());
  EXPECT_LT(c.notBefore(), std::chrono::system_clock::now());
  EXPECT_EQ(EVP_PKEY_get_base_id(c.privateKey()), EVP_PKEY_RSA);
}

TEST(Credentials, SignatureVerifiesWithTheCertificateKeyOnly) {
  const Credentials c = pki().issueFunctionCertificate("12345678", "a").credentials();
  const Credentials other = pki().issueFunctionCertificate("12345678", "b").credentials();
  const std::string sig = c.signRsaSha256("signed text");
  EXPECT_TRUE(verifyRsaSha256(c.publicKey(), "signed text", sig));
  EXPECT_FALSE(verifyRsaSha256(c.publicKey(), "signed text!", sig));
  EXPECT_FALSE(verifyRsaSha256(other.publicKey(), "signed text", sig));
}

TEST(Credentials, LoadsPemFiles) {
  test::TempDir dir;
  const IssuedCertificate fc = pki().issueFunctionCertificate("12345678", "pem");
  fc.writeCertPem(dir.str() + "/c.pem");
  fc.writeKeyPem(dir.str() + "/k.pem");
  const Credentials c = Credentials::load({dir.str() + "/c.pem", dir.str() + "/k.pem", "", "", "x.cert"});
  EXPECT_TRUE(sameCertificate(c.certificate(), fc.cert.get()));
  EXPECT_EQ(certificateFromDer(c.certificateDer()) != nullptr, true);
  EXPECT_EQ(base64Decode(c.certificateBase64()), c.certificateDer());
}

TEST(Credentials, KeyOfAnotherCertificateIsAConfigError) {
  const IssuedCertificate a = pki().issueFunctionCertificate("12345678", "a");
  const IssuedCertificate b = pki().issueFunctionCertificate("12345678", "b");
  try {
    Credentials::fromPem(a.certPem(), b.keyPem(), "", "x.cert");
    FAIL() << "mismatched key accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(e.key(), "x.cert");
    EXPECT_NE(std::string(e.what()).find("does not belong"), std::string::npos) << e.what();
  }
}

TEST(Credentials, Pkcs12WithPassphraseFromTheEnvironment) {
  test::TempDir dir;
  const IssuedCertificate fc = pki().issueFunctionCertificate("12345678", "p12");
  const std::string file = dir.str() + "/fc.p12";
  fc.writePkcs12(file, "hemmelig-kode");
  ::setenv("REGHUB_TEST_P12_PASS", "hemmelig-kode", 1);
  const Credentials ok = Credentials::load({"", "", file, "REGHUB_TEST_P12_PASS", "x.p12"});
  EXPECT_TRUE(sameCertificate(ok.certificate(), fc.cert.get()));

  ::setenv("REGHUB_TEST_P12_PASS", "forkert", 1);
  try {
    Credentials::load({"", "", file, "REGHUB_TEST_P12_PASS", "x.p12"});
    FAIL() << "wrong passphrase accepted";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("wrong passphrase"), std::string::npos) << what;
    EXPECT_EQ(what.find("forkert"), std::string::npos) << "the passphrase leaked into the error";
  }
  ::unsetenv("REGHUB_TEST_P12_PASS");
  EXPECT_THROW(Credentials::load({"", "", file, "REGHUB_TEST_P12_PASS", "x.p12"}), config::ConfigError);
  EXPECT_THROW(Credentials::load({"", "", dir.str() + "/missing.p12", "", "x.p12"}), config::ConfigError);
}

TEST(TrustStore, TrustsItsCaOnlyAndSeesExpiry) {
  const TrustStore store = TrustStore::fromPem(pki().caPem());
  EXPECT_TRUE(store.verify(pki().issueFunctionCertificate("12345678", "t").cert.get()));

  const DevPki otherCa("another CA");
  const TrustVerdict foreign = store.verify(otherCa.issueFunctionCertificate("12345678", "t").cert.get());
  EXPECT_FALSE(foreign);
  EXPECT_FALSE(foreign.reason.empty());

  CertificateSpec expired;
  expired.notBeforeOffset = std::chrono::hours(-48);
  expired.validFor = std::chrono::hours(24);
  const TrustVerdict old = store.verify(pki().issue(expired).cert.get());
  EXPECT_FALSE(old);
  EXPECT_TRUE(old.expired);
  EXPECT_THROW(TrustStore::fromPem("not pem"), config::ConfigError);
}

}  // namespace
}  // namespace reghub::security

namespace reghub::security {
namespace {

std::string derOf(X509* cert) {
  unsigned char* out = nullptr;
  const int n = i2d_X509(cert, &out);
  std::string der(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

// A token's holder-of-key certificate is parsed once per distinct bytes: the
// same bytes give the certificate parsed before; other bytes (another
// certificate, or one byte changed) never get it (the control).
TEST(SharedCertificateFromDer, TheSameBytesGiveTheSameCertificate_OtherBytesNever) {
  DevPki pki;
  const auto a = pki.issue({});
  CertificateSpec other;
  other.commonName = "another function certificate";
  const auto b = pki.issue(other);
  const std::string derA = derOf(a.cert.get());
  const SharedX509 first = sharedCertificateFromDer(derA);
  ASSERT_TRUE(first);
  EXPECT_EQ(X509_cmp(first.get(), a.cert.get()), 0);
  EXPECT_EQ(sharedCertificateFromDer(derA).get(), first.get()) << "parsed once";
  const SharedX509 second = sharedCertificateFromDer(derOf(b.cert.get()));
  ASSERT_TRUE(second);
  EXPECT_NE(second.get(), first.get());
  EXPECT_EQ(X509_cmp(second.get(), b.cert.get()), 0);
  std::string changed = derA;
  changed[changed.size() - 5] ^= 0x01;  // in the signature: still parses, but is other bytes
  const SharedX509 tampered = sharedCertificateFromDer(changed);
  EXPECT_NE(tampered.get(), first.get());
  EXPECT_FALSE(sharedCertificateFromDer("not a certificate"));
}

}  // namespace
}  // namespace reghub::security
