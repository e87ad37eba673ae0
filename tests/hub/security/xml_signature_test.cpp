// XML signatures (libxmlsec1) and the STR-Transform: a hand-checked
// vector, round trips, and each way a signature must fail.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hub/security/codec.h"
#include "hub/security/dev_pki.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"

namespace reghub::security {
namespace {

const std::string kVectors = REGHUB_SOURCE_DIR "/tests/hub/security/vectors/str_transform/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

const DevPki& pki() {
  static const DevPki p;
  return p;
}
const Credentials& signer() {
  static const Credentials c = pki().issueFunctionCertificate("12345678", "sig").credentials();
  return c;
}

XmlDocPtr parse(const std::string& text) {
  std::string error;
  XmlDocPtr doc = parseXml(text, error);
  EXPECT_TRUE(doc) << error;
  EXPECT_TRUE(registerIds(doc.get(), error)) << error;
  return doc;
}

// Adds a ds:Signature template to the wsse:Security header of `envelope`.
XmlDocPtr withSignature(const std::string& envelope, const std::vector<ReferenceSpec>& refs) {
  const std::string tmpl = signatureTemplate(refs, "");
  std::string text = envelope;
  text.insert(text.find("</wsse:Security>"), tmpl);
  return parse(text);
}

xmlNode* signatureOf(xmlDoc* doc) { return findDescendant(xmlDocGetRootElement(doc), ns::kDs, "Signature"); }

std::string digestOf(xmlDoc* doc, const std::string& uri) {
  for (xmlNode* r = findDescendant(signatureOf(doc), ns::kDs, "SignedInfo")->children; r; r = r->next)
    if (isElement(r, ns::kDs, "Reference") && attribute(r, nullptr, "URI") == uri)
      return textOf(firstChild(r, ns::kDs, "DigestValue"));
  return {};
}

TEST(StrTransform, DigestMatchesTheHandCheckedVector) {
  XmlDocPtr doc = withSignature(slurp(kVectors + "envelope.xml"), {{"str-vector", ReferenceSpec::Kind::kStrTransform}});
  sign(doc.get(), signatureOf(doc.get()), signer());
  EXPECT_EQ(digestOf(doc.get(), "#str-vector"), trimmed(slurp(kVectors + "expected_digest.txt")));
}

TEST(StrTransform, CanonicalFormIsExclusiveWithoutComments) {
  XmlDocPtr doc = parse(slurp(kVectors + "envelope.xml"));
  xmlNode* assertion = elementById(doc.get(), "_4f3c2a10-vector");
  ASSERT_NE(assertion, nullptr);
  const std::string c14n = exclusiveC14n(doc.get(), assertion);
  EXPECT_EQ(c14n, slurp(kVectors + "assertion.c14n"));
  EXPECT_EQ(c14n.find("xmlns:soap"), std::string::npos) << "inclusive c14n leaked the envelope's namespaces";
}

TEST(StrTransform, DigestIsOfTheTokenNotOfTheStr) {
  // A plain reference to the STR digests the STR element itself: a different value.
  XmlDocPtr doc = withSignature(slurp(kVectors + "envelope.xml"), {{"str-vector", ReferenceSpec::Kind::kPlain}});
  sign(doc.get(), signatureOf(doc.get()), signer());
  EXPECT_NE(digestOf(doc.get(), "#str-vector"), trimmed(slurp(kVectors + "expected_digest.txt")));
}

class SignedEnvelope : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = withSignature(slurp(kVectors + "envelope.xml"), {{"body", ReferenceSpec::Kind::kPlain},
                                                             {"str-vector", ReferenceSpec::Kind::kStrTransform}});
    sign(doc_.get(), signatureOf(doc_.get()), signer());
    // Serialise and parse again: what the receiver sees.
    doc_ = parse(serializeXml(doc_.get()));
  }
  SignatureCheck check(EVP_PKEY* key) { return verify(doc_.get(), signatureOf(doc_.get()), key); }
  xmlNode* body() { return elementById(doc_.get(), "body"); }
  XmlDocPtr doc_;
};

TEST_F(SignedEnvelope, VerifiesAndNamesTheSignedParts) {
  const SignatureCheck c = check(signer().publicKey());
  ASSERT_TRUE(c) << c.problem;
  EXPECT_TRUE(c.covers(body()));
  EXPECT_TRUE(c.covers(elementById(doc_.get(), "str-vector")));
  EXPECT_FALSE(c.covers(elementById(doc_.get(), "_4f3c2a10-vector")));  // covered through the STR only
  EXPECT_EQ(c.signedIds, (std::vector<std::string>{"body", "str-vector"}));
}

TEST_F(SignedEnvelope, BodyChangedAfterSigningFails) {
  xmlNodeSetContent(findDescendant(body(), "urn:reghub:test", "Echo"), reinterpret_cast<const xmlChar*>("hej!"));
  const SignatureCheck c = check(signer().publicKey());
  EXPECT_FALSE(c);
  EXPECT_NE(c.problem.find("does not verify"), std::string::npos) << c.problem;
}

TEST_F(SignedEnvelope, TokenChangedAfterSigningFailsThroughTheStr) {
  xmlNode* audience = findDescendant(elementById(doc_.get(), "_4f3c2a10-vector"), ns::kSaml, "Audience");
  xmlNodeSetContent(audience, reinterpret_cast<const xmlChar*>("https://other.test"));
  EXPECT_FALSE(check(signer().publicKey()));
}

TEST_F(SignedEnvelope, AnotherKeyFails) {
  const Credentials other = pki().issueFunctionCertificate("12345678", "other").credentials();
  EXPECT_FALSE(check(other.publicKey()));
  EXPECT_FALSE(check(nullptr));
}

TEST_F(SignedEnvelope, SignatureValueTamperedFails) {
  xmlNode* value = findDescendant(signatureOf(doc_.get()), ns::kDs, "SignatureValue");
  std::string v = textOf(value);
  v[5] = v[5] == 'A' ? 'B' : 'A';
  xmlNodeSetContent(value, reinterpret_cast<const xmlChar*>(v.c_str()));
  EXPECT_FALSE(check(signer().publicKey()));
}

TEST(XmlDoc, DuplicateIdsAreRefused) {
  std::string error;
  XmlDocPtr doc = parseXml(
      "<a xmlns:wsu=\"" + std::string(ns::kWsu) + "\"><b wsu:Id=\"x\"/><c wsu:Id=\"x\"/></a>", error);
  ASSERT_TRUE(doc);
  EXPECT_FALSE(registerIds(doc.get(), error));
  EXPECT_NE(error.find("twice"), std::string::npos);
  XmlDocPtr once = parseXml("<a xmlns:wsu=\"" + std::string(ns::kWsu) + "\"><b wsu:Id=\"x\"/></a>", error);
  EXPECT_TRUE(registerIds(once.get(), error));
  EXPECT_TRUE(registerIds(once.get(), error)) << "registering the same document again is fine";
}

TEST(XmlDoc, DoctypeIsRefused) {
  std::string error;
  EXPECT_FALSE(parseXml("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(parseXml("<a><b></a>", error));
  EXPECT_NE(error.find("line"), std::string::npos) << error;
}

TEST(EnvelopedSignature, SignedAssertionVerifiesAndDetectsChanges) {
  std::string a = slurp(kVectors + "assertion.xml");
  const std::string tmpl = signatureTemplate({{"_4f3c2a10-vector", ReferenceSpec::Kind::kEnveloped}}, "");
  a.insert(a.find("<saml:Subject>"), tmpl);  // SAML: ds:Signature right after Issuer
  XmlDocPtr doc = parse(a);
  sign(doc.get(), signatureOf(doc.get()), signer());
  XmlDocPtr again = parse(serializeXml(doc.get()));
  const SignatureCheck ok = verify(again.get(), signatureOf(again.get()), signer().publicKey());
  ASSERT_TRUE(ok) << ok.problem;
  EXPECT_TRUE(ok.covers(xmlDocGetRootElement(again.get())));

  xmlSetProp(findDescendant(xmlDocGetRootElement(again.get()), ns::kSaml, "Conditions"),
             reinterpret_cast<const xmlChar*>("NotOnOrAfter"), reinterpret_cast<const xmlChar*>("2099-01-01T00:00:00Z"));
  EXPECT_FALSE(verify(again.get(), signatureOf(again.get()), signer().publicKey()));
}

}  // namespace
}  // namespace reghub::security
