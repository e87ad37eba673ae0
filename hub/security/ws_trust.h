#pragma once
// WS-Trust 1.3 Issue, client side (OIO WS-Trust profile 1.1 / NemLog-in
// STS; KOMBIT STS with SOAP 1.2 and wst:Claims): the BST-signed request,
// reading the answer (RSTR or RSTRC) and checking the issued assertion
// against what we expect, and a small client that POSTs it over HTTPS.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hub/net/https_client.h"
#include "hub/security/credentials.h"
#include "hub/security/saml_assertion.h"
#include "hub/security/soap.h"
#include "hub/security/wss_envelope.h"

namespace reghub::security {

inline constexpr const char* kIssueAction = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue";
inline constexpr const char* kIssueReplyAction = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal";
inline constexpr const char* kIssueRequestType = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
inline constexpr const char* kPublicKeyType = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey";
inline constexpr const char* kAuthClaimsDialect = "http://docs.oasis-open.org/wsfed/authorization/200706/authclaims";
inline constexpr const char* kAuthNamespace = "http://docs.oasis-open.org/wsfed/authorization/200706";

struct IssueRequestSpec {
  SoapVersion version = SoapVersion::k11;  // NemLog-in: 1.1; KOMBIT: 1.2
  std::string stsEntityId;                 // wsa:To
  std::string appliesTo;                   // the service's entity id (the audience)
  std::string cvrClaim;                    // KOMBIT: wst:Claims CvrNumberIdentifier; empty = none
  std::chrono::seconds lifetime{0};        // wst:Lifetime asked for (Expires = now + lifetime); 0 = the STS's default
};

SecuredRequest buildIssueRequest(const IssueRequestSpec& spec, const Credentials& key,
                                 std::chrono::system_clock::time_point now);

struct IssuedToken {
  std::string assertionXml;  // standalone, signed by the STS (never log it)
  AssertionInfo info;        // id, subject, audience, validity
  std::chrono::system_clock::time_point fetchedAt{};
};

struct TokenOutcome {
  std::optional<IssuedToken> token;
  std::string error;       // what went wrong, Danish and English
  bool permanent = false;  // configuration/credentials (no point retrying soon) vs transient
  bool ok() const { return token.has_value(); }
};

// Reads the STS's answer and checks the assertion (policy.holderOfKey
// should be our certificate). Never throws.
TokenOutcome readIssueResponse(int httpStatus, std::string_view body, const AssertionPolicy& policy,
                               std::chrono::system_clock::time_point now);

// One STS. Thread-safe (one request at a time; the token cache makes
// that rare). The HTTPS connection is kept alive between calls.
class WsTrustClient {
 public:
  // `stsUrl`: the full https URL of the STS endpoint. Throws
  // std::invalid_argument on a non-https URL.
  WsTrustClient(const std::string& stsUrl, net::HttpsClientOptions tls, IssueRequestSpec spec,
                std::shared_ptr<const Credentials> key, AssertionPolicy policy);
  ~WsTrustClient();
  // One Issue for `audience` (overrides spec.appliesTo and policy.audience when non-empty).
  TokenOutcome issue(const std::string& audience = {});

 private:
  std::mutex mu_;
  std::string path_;
  std::unique_ptr<net::HttpsClient> client_;
  IssueRequestSpec spec_;
  std::shared_ptr<const Credentials> key_;
  AssertionPolicy policy_;
};

}  // namespace reghub::security
