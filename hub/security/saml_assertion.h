#pragma once
// SAML 2.0 holder-of-key assertions as OIO IDWS uses them (DK-SAML-2.0):
// read one and check it against what we expect — signed (enveloped, over
// the assertion itself) by the configured STS certificate, the issuer,
// the audience, the validity window with a clock skew, and (client side)
// that the holder-of-key certificate is ours. Pure (no I/O); thread-safe
// on distinct documents.
#include <libxml/tree.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/security/openssl_ptr.h"

namespace reghub::security {

class VerifiedTokens;

using SharedX509 = std::shared_ptr<X509>;
SharedX509 shareX509(X509* cert);  // adds a reference
// A DER certificate parsed, or the same bytes' certificate parsed before:
// a token's holder-of-key certificate comes with every call for the token's
// lifetime, and OpenSSL 3's key decoding was an eighth of verifying a call.
// Keyed by the exact bytes (no check is skipped); a bounded, thread-safe
// cache. Null when the bytes are no certificate.
SharedX509 sharedCertificateFromDer(const std::string& der);

struct AssertionPolicy {
  SharedX509 stsCertificate;  // whose key must have signed the assertion
  std::string issuer;         // the STS entity id (saml:Issuer)
  std::string audience;       // the service entity id (AudienceRestriction/Audience)
  std::chrono::seconds clockSkew{300};
  SharedX509 holderOfKey;  // if set: SubjectConfirmationData must carry this certificate
  // Not null: an assertion whose STS signature was verified before is not
  // verified again (verified_tokens.h); every other check runs. Not owned.
  VerifiedTokens* verifiedTokens = nullptr;
};

struct AssertionInfo {
  std::string id;
  std::string issuer;
  std::string nameId;
  std::vector<std::string> audiences;
  std::chrono::system_clock::time_point notBefore{};
  std::chrono::system_clock::time_point notOnOrAfter{};
  SharedX509 holderOfKey;                         // from SubjectConfirmationData/KeyInfo
  std::map<std::string, std::string> attributes;  // Name → first value (CvrNumberIdentifier, …)
};

struct AssertionCheck {
  enum class Problem { kNone, kMalformed, kSignature, kIssuer, kAudience, kNotYetValid, kExpired, kHolderOfKey };
  Problem problem = Problem::kMalformed;
  std::string message;  // Danish and English, what is wrong (no token content beyond ids/names)
  AssertionInfo info;
  bool ok() const { return problem == Problem::kNone; }
};

// Reads the assertion's facts without judging them (null info fields when absent).
AssertionInfo readAssertion(const xmlNode* assertion);

// `doc`'s IDs must be registered (xml_doc.h registerIds) — the signature
// reference resolves through them. Never throws.
AssertionCheck checkAssertion(xmlDoc* doc, xmlNode* assertion, const AssertionPolicy& policy,
                              std::chrono::system_clock::time_point now);

inline constexpr const char* kHolderOfKey = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
inline constexpr const char* kCvrAttribute = "dk:gov:saml:attribute:CvrNumberIdentifier";

}  // namespace reghub::security
