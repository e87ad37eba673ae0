#pragma once
// Builds signed WS-Security SOAP requests, client side:
//  - the OIO IDWS service call (OIO IDWS SOAP profile 1.1): wsa Action,
//    MessageID, To, ReplyTo (each with wsu:Id), one wsse:Security holding a
//    Timestamp (Created, Expires = +5 min), the SAML assertion, a SAMLID
//    SecurityTokenReference, and one signature with the client's key over
//    Body, every wsa header, Timestamp and the token via the STR-Transform;
//    KeyInfo = that STR;
//  - the WS-Trust request (a BinarySecurityToken with our certificate, the
//    signature over the wsa headers, Timestamp, BST and Body; KeyInfo = an
//    STR referencing the BST).
// Pure apart from the clock and random ids passed in; thread-safe.
#include <chrono>
#include <string>

#include "hub/security/credentials.h"
#include "hub/security/soap.h"

namespace reghub::security {

struct WsaHeaders {
  std::string action;
  std::string to;
  std::string messageId;  // empty = a fresh "urn:uuid:…"
  bool replyTo = true;    // wsa:ReplyTo anonymous
};

struct SecuredRequest {
  std::string envelope;   // the bytes to POST
  std::string messageId;  // as sent
  std::string contentType;
  std::map<std::string, std::string> headers;  // SOAPAction for 1.1
};

// Everything the signature must cover, for the verifier and the tests.
inline constexpr const char* kTimestampValidity = "PT5M";

// `bodyXml`: the Body's content (well-formed XML, namespaces declared).
// `assertionXml`: a signed saml:Assertion, standalone (its namespaces declared on it).
// Throws SignatureError if signing fails (a bug), std::invalid_argument on malformed input XML.
SecuredRequest buildIdwsRequest(SoapVersion version, const WsaHeaders& wsa, const std::string& bodyXml,
                                const std::string& assertionXml, const Credentials& key,
                                std::chrono::system_clock::time_point now,
                                std::chrono::seconds timestampValidity = std::chrono::minutes(5));

SecuredRequest buildBstSignedRequest(SoapVersion version, const WsaHeaders& wsa, const std::string& bodyXml,
                                     const Credentials& key, std::chrono::system_clock::time_point now,
                                     std::chrono::seconds timestampValidity = std::chrono::minutes(5));

inline constexpr const char* kX509v3 =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
inline constexpr const char* kBase64Binary =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
inline constexpr const char* kSamlId = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";
inline constexpr const char* kSamlV20 = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
inline constexpr const char* kAnonymous = "http://www.w3.org/2005/08/addressing/anonymous";

}  // namespace reghub::security
