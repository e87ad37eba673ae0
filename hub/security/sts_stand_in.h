#pragma once
// A generic WS-Trust 1.3 STS stand-in for sandboxes and tests — NemLog-in's
// STS for SMDB, KOMBIT's STS for FK Gateway; the differences are options:
// SOAP version, issuer entity id, signing key, the CA whose function
// certificates it accepts, token lifetime, the audiences it issues for.
//
// handle() takes one HTTP request with an RST and answers as an STS does:
//  - the RST must be signed per WS-Security with the key of its
//    BinarySecurityToken, whose certificate chains to `clientCa` and is
//    valid; Timestamp fresh, wsa headers, BST and Body signed, MessageID new
//    (wss_verifier.h) — else a SOAP Fault (wsse:InvalidSecurity /
//    wsse:FailedAuthentication / wsse:MessageExpired), HTTP 500;
//  - Action RST/Issue, RequestType Issue, TokenType SAML 2.0, AppliesTo an
//    allowed audience (else wst:InvalidRequest);
//  - answers an RSTRC holding a SAML 2.0 holder-of-key assertion signed by
//    `signingKey` (enveloped, exc-c14n, rsa-sha256; KeyInfo = its
//    certificate): Issuer = entityId, NameID = the client certificate's
//    subject, SubjectConfirmation holder-of-key with the client
//    certificate, Conditions NotBefore/NotOnOrAfter (lifetime: the asked-for
//    wst:Lifetime, at most tokenLifetime), AudienceRestriction = AppliesTo,
//    attributes SpecVer, AssuranceLevel, CvrNumberIdentifier (from
//    wst:Claims, else from the certificate's "CVR:…-FID:…" serialNumber).
// issueAssertion() makes such an assertion directly, with any facts
// (tests of expired / foreign / misdirected tokens).
// Thread-safe.
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "hub/net/http_types.h"
#include "hub/security/credentials.h"
#include "hub/security/saml_assertion.h"
#include "hub/security/soap.h"
#include "hub/security/token_cache.h"
#include "hub/security/trust_store.h"
#include "hub/security/wss_verifier.h"

namespace reghub::security {

struct StsStandInOptions {
  SoapVersion version = SoapVersion::k11;
  std::string entityId = "https://sts.reghub.test";
  std::shared_ptr<const Credentials> signingKey;  // required
  std::shared_ptr<const TrustStore> clientCa;     // required
  std::chrono::seconds tokenLifetime = std::chrono::hours(8);
  std::set<std::string> audiences;  // empty = any AppliesTo
  std::chrono::seconds clockSkew{300};
  Clock clock;  // empty = system_clock::now
};

struct AssertionSpec {
  std::string issuer;  // empty = the stand-in's entityId
  std::string audience;
  std::string nameId;
  std::string cvr;
  SharedX509 holderOfKey;
  std::chrono::system_clock::time_point notBefore{};
  std::chrono::system_clock::time_point notOnOrAfter{};
};

class StsStandIn {
 public:
  explicit StsStandIn(StsStandInOptions options);  // throws std::invalid_argument without key or CA
  net::HttpResponse handle(const net::HttpRequest& request);
  // A signed, standalone assertion with exactly these facts.
  std::string issueAssertion(const AssertionSpec& spec) const;
  const StsStandInOptions& options() const { return options_; }
  size_t issued() const { return issued_.load(); }  // tokens handed out by handle()

 private:
  std::chrono::system_clock::time_point now() const;
  StsStandInOptions options_;
  WssVerifier verifier_;
  std::atomic<size_t> issued_{0};
};

// The CVR in a certificate subject's "CVR:<8 digits>-…" serialNumber, or empty.
std::string cvrOfCertificate(X509* cert);

}  // namespace reghub::security
