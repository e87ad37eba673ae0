#pragma once
// Verifies signed WS-Security requests, service side — what a registry
// (or our stand-ins for it) does before it looks at the Body:
//  - verifyIdwsRequest: an OIO IDWS call — the assertion is signed by the
//    STS, for this audience, valid now; the message signature is made with
//    the key of the assertion's holder-of-key certificate and covers the
//    Body, Timestamp, wsa Action/MessageID/To (and ReplyTo when present)
//    and the token through an STR-Transform reference; the Timestamp is
//    fresh; the MessageID was never seen before.
//  - verifyBstSignedRequest: a WS-Trust request — signed with the key of
//    the BinarySecurityToken certificate, which chains to a trusted CA,
//    covering the same parts plus the BST.
// Every refusal is a WssFault with a WS-Security fault code and a reason
// (Danish and English) fit for a SOAP Fault. Never throws on input; the
// parse is bounded by the document (no DTD, no entities).
// A WssVerifier is thread-safe (the replay guard is locked).
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hub/security/saml_assertion.h"
#include "hub/security/soap.h"
#include "hub/security/trust_store.h"
#include "hub/security/verified_tokens.h"
#include "hub/security/xml_doc.h"

namespace reghub::security {

struct WssFault {
  std::string code;  // kInvalidSecurity, kFailedAuthentication, …
  std::string reason;
};

struct VerifiedRequest {
  SoapVersion version = SoapVersion::k11;
  XmlDocPtr doc;            // owns the nodes below
  xmlNode* body = nullptr;  // the signed s:Body
  std::string action, messageId, to;
  SharedX509 signer;                       // the certificate whose key signed
  std::optional<AssertionInfo> assertion;  // IDWS calls
};

struct WssPolicy {
  std::chrono::seconds clockSkew{300};
  std::chrono::seconds maxAge{600};  // Created no older than this (plus skew)
  std::optional<SoapVersion> version;  // required SOAP version; nullopt = either
};

// Remembers MessageIDs until their Timestamp could no longer be accepted.
class ReplayGuard {
 public:
  // True the first time `messageId` is seen (and remembers it until `forgetAfter`).
  bool firstUse(const std::string& messageId, std::chrono::system_clock::time_point forgetAfter,
                std::chrono::system_clock::time_point now);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::chrono::system_clock::time_point> seen_;
  std::chrono::system_clock::time_point lastSweep_{};
};

class WssVerifier {
 public:
  explicit WssVerifier(WssPolicy policy) : policy_(policy) {}

  struct Result {
    std::optional<VerifiedRequest> request;
    WssFault fault;  // when !request
    bool ok() const { return request.has_value(); }
  };

  Result verifyIdwsRequest(std::string_view envelope, const AssertionPolicy& tokens,
                           std::chrono::system_clock::time_point now);
  Result verifyBstSignedRequest(std::string_view envelope, const TrustStore& clients,
                                std::chrono::system_clock::time_point now);
  // Calls whose token's STS signature was verified before (verified_tokens.h).
  uint64_t tokenSignaturesRemembered() const { return tokens_.hits(); }

 private:
  WssPolicy policy_;
  ReplayGuard replay_;
  VerifiedTokens tokens_;  // the tokens' STS signatures; the message signature is verified on every call
};

}  // namespace reghub::security
