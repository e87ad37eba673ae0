// EncryptedAssertion (aes256-cbc + rsa-oaep-mgf1p) with libxmlsec1: the
// service's key opens it and the STS's signature inside survives; another
// key or a changed ciphertext does not.
#include <gtest/gtest.h>

#include "hub/security/dev_pki.h"
#include "hub/security/saml_assertion.h"
#include "hub/security/sts_stand_in.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_encryption.h"

namespace reghub::security {
namespace {

using std::chrono::system_clock;

struct Keys {
  DevPki pki;
  std::shared_ptr<const Credentials> sts = std::make_shared<Credentials>(pki.issueStsCertificate("sts").credentials());
  Credentials service = pki.issueStsCertificate("service").credentials();
  Credentials client = pki.issueFunctionCertificate("12345678", "enc").credentials();
};
Keys& keys() {
  static Keys k;
  return k;
}

// An envelope-ish document holding one STS-signed assertion.
XmlDocPtr withAssertion() {
  StsStandInOptions o;
  o.signingKey = keys().sts;
  o.clientCa = std::make_shared<TrustStore>(TrustStore::fromPem(keys().pki.caPem()));
  AssertionSpec a;
  a.audience = "https://service.test";
  a.nameId = "CN=x";
  a.cvr = "12345678";
  a.holderOfKey = shareX509(keys().client.certificate());
  a.notBefore = system_clock::now() - std::chrono::minutes(1);
  a.notOnOrAfter = system_clock::now() + std::chrono::hours(1);
  std::string error;
  XmlDocPtr doc = parseXml("<holder xmlns=\"urn:reghub:test\">" + StsStandIn(o).issueAssertion(a) + "</holder>", error);
  EXPECT_TRUE(doc) << error;
  EXPECT_TRUE(registerIds(doc.get(), error)) << error;
  return doc;
}

AssertionPolicy policy() {
  AssertionPolicy p;
  p.stsCertificate = shareX509(keys().sts->certificate());
  p.issuer = "https://sts.reghub.test";
  p.audience = "https://service.test";
  return p;
}

xmlNode* root(xmlDoc* d) { return xmlDocGetRootElement(d); }

// Encrypted, serialised and read again, as a service receives it.
XmlDocPtr encrypted() {
  XmlDocPtr doc = withAssertion();
  std::string error;
  EXPECT_TRUE(encryptAssertion(doc.get(), firstChild(root(doc.get()), ns::kSaml, "Assertion"),
                               keys().service.certificate(), error))
      << error;
  XmlDocPtr again = parseXml(serializeXml(doc.get()), error);
  EXPECT_TRUE(again) << error;
  return again;
}

TEST(EncryptedAssertion, ServiceKeyOpensItAndTheStsSignatureSurvives) {
  XmlDocPtr doc = encrypted();
  const std::string wire = serializeXml(doc.get());
  EXPECT_EQ(wire.find("12345678"), std::string::npos) << "the CVR is readable on the wire";
  EXPECT_NE(wire.find(kAes256Cbc), std::string::npos);
  EXPECT_NE(wire.find(kRsaOaepMgf1p), std::string::npos);
  xmlNode* enc = firstChild(root(doc.get()), ns::kSaml, "EncryptedAssertion");
  ASSERT_NE(enc, nullptr);
  std::string error;
  xmlNode* a = decryptAssertion(doc.get(), enc, keys().service, error);
  ASSERT_NE(a, nullptr) << error;
  const AssertionCheck c = checkAssertion(doc.get(), a, policy(), system_clock::now());
  EXPECT_TRUE(c.ok()) << c.message;
  EXPECT_EQ(c.info.attributes.at(kCvrAttribute), "12345678");
}

TEST(EncryptedAssertion, AnotherKeyCannotOpenIt) {
  XmlDocPtr doc = encrypted();
  std::string error;
  EXPECT_EQ(decryptAssertion(doc.get(), firstChild(root(doc.get()), ns::kSaml, "EncryptedAssertion"), keys().client, error),
            nullptr);
  EXPECT_NE(error.find("cannot be decrypted"), std::string::npos) << error;
}

TEST(EncryptedAssertion, ChangedCiphertextDoesNotYieldAValidAssertion) {
  XmlDocPtr doc = encrypted();
  xmlNode* enc = firstChild(root(doc.get()), ns::kSaml, "EncryptedAssertion");
  xmlNode* data = firstChild(enc, ns::kXenc, "EncryptedData");
  xmlNode* value = firstChild(firstChild(data, ns::kXenc, "CipherData"), ns::kXenc, "CipherValue");
  ASSERT_NE(value, nullptr);
  std::string v = textOf(value);
  v[v.size() / 2] = v[v.size() / 2] == 'A' ? 'B' : 'A';
  xmlNodeSetContent(value, reinterpret_cast<const xmlChar*>(v.c_str()));
  std::string error;
  xmlNode* a = decryptAssertion(doc.get(), enc, keys().service, error);
  // CBC has no integrity of its own: either decryption fails, or what comes out is no longer the STS's.
  if (a) EXPECT_FALSE(checkAssertion(doc.get(), a, policy(), system_clock::now()).ok());
  else EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace reghub::security
