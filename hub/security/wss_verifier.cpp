#include "hub/security/wss_verifier.h"

#include "hub/security/codec.h"
#include "hub/security/credentials.h"
#include "hub/security/wss_envelope.h"
#include "hub/security/xml_signature.h"

namespace reghub::security {

bool ReplayGuard::firstUse(const std::string& messageId, std::chrono::system_clock::time_point forgetAfter,
                           std::chrono::system_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now - lastSweep_ > std::chrono::minutes(1)) {
    for (auto it = seen_.begin(); it != seen_.end();) it = it->second < now ? seen_.erase(it) : std::next(it);
    lastSweep_ = now;
  }
  return seen_.emplace(messageId, forgetAfter).second;
}

namespace {

using Result = WssVerifier::Result;

Result refuse(const char* code, std::string reason) {
  Result r;
  r.fault = {code, std::move(reason)};
  return r;
}

// What every secured request shares, found and checked before any key is.
struct Frame {
  VerifiedRequest req;
  xmlNode* header = nullptr;
  xmlNode* security = nullptr;
  xmlNode* timestamp = nullptr;
  xmlNode* signature = nullptr;
  std::vector<xmlNode*> wsaParts;  // Action, MessageID, To, ReplyTo (if present)
  std::chrono::system_clock::time_point expires{};
};

std::optional<WssFault> readFrame(std::string_view envelope, const WssPolicy& policy,
                                  std::chrono::system_clock::time_point now, Frame& f) {
  std::string error;
  f.req.doc = parseXml(envelope, error);
  if (!f.req.doc) return WssFault{kInvalidSecurity, "forespørgslen er ikke gyldig XML / not XML: " + error};
  if (!registerIds(f.req.doc.get(), error))
    return WssFault{kInvalidSecurity, "ugyldige ID'er / invalid IDs: " + error};
  xmlNode* env = xmlDocGetRootElement(f.req.doc.get());
  const char* soap = nullptr;
  for (SoapVersion v : {SoapVersion::k11, SoapVersion::k12})
    if (isElement(env, soapNamespace(v), "Envelope")) {
      f.req.version = v;
      soap = soapNamespace(v);
    }
  if (!soap) return WssFault{kInvalidSecurity, "roden er ikke en SOAP Envelope / the root is not a SOAP Envelope"};
  f.header = firstChild(env, soap, "Header");
  f.req.body = firstChild(env, soap, "Body");
  if (!f.req.body) return WssFault{kInvalidSecurity, "SOAP Body mangler / SOAP Body missing"};
  int securityHeaders = 0;
  for (xmlNode* c : childElements(f.header)) {
    if (isElement(c, ns::kWsse, "Security")) {
      f.security = c;
      ++securityHeaders;
    }
    for (const char* part : {"Action", "MessageID", "To", "ReplyTo"})
      if (isElement(c, ns::kWsa, part)) f.wsaParts.push_back(c);
  }
  if (securityHeaders != 1)
    return WssFault{kInvalidSecurity, securityHeaders == 0
                                          ? "ingen wsse:Security header — kaldet er ikke signeret / the call is unsigned"
                                          : "mere end én wsse:Security header / more than one wsse:Security header"};
  if (policy.version && *policy.version != f.req.version)
    return WssFault{kInvalidSecurity, "forkert SOAP-version / wrong SOAP version: expected SOAP " +
                                          std::string(toString(*policy.version))};
  f.req.action = textOf(firstChild(f.header, ns::kWsa, "Action"));
  f.req.messageId = textOf(firstChild(f.header, ns::kWsa, "MessageID"));
  f.req.to = textOf(firstChild(f.header, ns::kWsa, "To"));
  if (f.req.action.empty() || f.req.messageId.empty() || f.req.to.empty())
    return WssFault{kInvalidSecurity, "wsa:Action, wsa:MessageID og wsa:To skal være med / are required"};
  f.timestamp = firstChild(f.security, ns::kWsu, "Timestamp");
  f.signature = firstChild(f.security, ns::kDs, "Signature");
  if (!f.signature) return WssFault{kInvalidSecurity, "ingen signatur / no ds:Signature in wsse:Security"};
  if (!f.timestamp) return WssFault{kInvalidSecurity, "ingen wsu:Timestamp / no wsu:Timestamp"};
  const auto created = parseUtc(textOf(firstChild(f.timestamp, ns::kWsu, "Created")));
  const auto expires = parseUtc(textOf(firstChild(f.timestamp, ns::kWsu, "Expires")));
  if (!created || !expires) return WssFault{kInvalidSecurity, "wsu:Timestamp uden gyldig Created/Expires / malformed"};
  if (*created > now + policy.clockSkew)
    return WssFault{kMessageExpired, "wsu:Timestamp Created ligger i fremtiden — kontroller urets tid / Created is in "
                                     "the future: check the clock (NTP)"};
  if (*expires <= now - policy.clockSkew || *created < now - policy.maxAge - policy.clockSkew)
    return WssFault{kMessageExpired, "beskeden er udløbet (wsu:Timestamp) / the message has expired (Timestamp)"};
  f.expires = *expires + policy.clockSkew;
  return std::nullopt;
}

// The signature covers every part the profile requires.
std::optional<WssFault> checkCoverage(const Frame& f, const SignatureCheck& s, std::vector<const xmlNode*> more) {
  more.push_back(f.req.body);
  more.push_back(f.timestamp);
  for (const xmlNode* w : f.wsaParts) more.push_back(w);
  for (const xmlNode* part : more)
    if (!s.covers(part))
      return WssFault{kInvalidSecurity, "signaturen dækker ikke " + std::string(reinterpret_cast<const char*>(part->name)) +
                                            " / the signature does not cover every required part (" +
                                            reinterpret_cast<const char*>(part->name) + ")"};
  return std::nullopt;
}

// Does SignedInfo digest `strId` with the STR-Transform (not just the STR element)?
bool strTransformed(const xmlNode* signature, const std::string& strId) {
  const xmlNode* si = firstChild(signature, ns::kDs, "SignedInfo");
  for (const xmlNode* r : childElements(si)) {
    if (!isElement(r, ns::kDs, "Reference") || attribute(r, nullptr, "URI") != "#" + strId) continue;
    for (const xmlNode* t : childElements(firstChild(r, ns::kDs, "Transforms")))
      if (attribute(t, nullptr, "Algorithm") == kStrTransform) return true;
  }
  return false;
}

std::optional<WssFault> checkReplay(ReplayGuard& replay, const Frame& f, std::chrono::system_clock::time_point now) {
  if (!replay.firstUse(f.req.messageId, f.expires, now))
    return WssFault{kInvalidSecurity, "wsa:MessageID er brugt før (genafspilning) / the MessageID was used before (replay)"};
  return std::nullopt;
}

Result accept(Frame& f) {
  Result r;
  r.request = std::move(f.req);
  return r;
}

}  // namespace

Result WssVerifier::verifyIdwsRequest(std::string_view envelope, const AssertionPolicy& tokens,
                                      std::chrono::system_clock::time_point now) {
  Frame f;
  if (auto fault = readFrame(envelope, policy_, now, f)) return refuse(fault->code.c_str(), fault->reason);
  xmlNode* assertion = firstChild(f.security, ns::kSaml, "Assertion");
  if (!assertion) {
    if (firstChild(f.security, ns::kSaml, "EncryptedAssertion"))
      return refuse(kInvalidSecurityToken, "EncryptedAssertion understøttes ikke her / is not supported by this service");
    return refuse(kInvalidSecurity, "ingen SAML-assertion i wsse:Security / no SAML assertion (token) in the call");
  }
  AssertionPolicy p = tokens;
  p.holderOfKey = nullptr;  // the service learns the key from the token
  p.clockSkew = policy_.clockSkew;
  p.verifiedTokens = &tokens_;
  const AssertionCheck a = checkAssertion(f.req.doc.get(), assertion, p, now);
  if (!a.ok()) return refuse(kFailedAuthentication, a.message);
  const SignatureCheck s = verify(f.req.doc.get(), f.signature, X509_get0_pubkey(a.info.holderOfKey.get()));
  if (!s)
    return refuse(kFailedAuthentication, "beskedens signatur er ikke lavet med nøglen i assertion (holder-of-key) / " +
                                             s.problem);
  // The STR that carries the token into the signature.
  const xmlNode* str = nullptr;
  for (const xmlNode* c : childElements(f.security))
    if (isElement(c, ns::kWsse, "SecurityTokenReference") &&
        textOf(firstChild(c, ns::kWsse, "KeyIdentifier")) == a.info.id && s.covers(c) && strTransformed(f.signature, wsuId(c)))
      str = c;
  if (!str)
    return refuse(kInvalidSecurity, "assertion er ikke signeret via STR-Transform / the token is not signed through an "
                                    "STR-Transform reference");
  if (auto fault = checkCoverage(f, s, {})) return refuse(fault->code.c_str(), fault->reason);
  if (auto fault = checkReplay(replay_, f, now)) return refuse(fault->code.c_str(), fault->reason);
  f.req.signer = a.info.holderOfKey;
  f.req.assertion = a.info;
  return accept(f);
}

Result WssVerifier::verifyBstSignedRequest(std::string_view envelope, const TrustStore& clients,
                                           std::chrono::system_clock::time_point now) {
  Frame f;
  if (auto fault = readFrame(envelope, policy_, now, f)) return refuse(fault->code.c_str(), fault->reason);
  xmlNode* bst = firstChild(f.security, ns::kWsse, "BinarySecurityToken");
  if (!bst || attribute(bst, nullptr, "ValueType") != kX509v3)
    return refuse(kInvalidSecurity, "ingen X509v3 BinarySecurityToken / no X509v3 BinarySecurityToken");
  const auto der = base64Decode(textOf(bst));
  X509Ptr cert = der ? certificateFromDer(*der) : nullptr;
  if (!cert) return refuse(kInvalidSecurityToken, "BinarySecurityToken er ikke et certifikat / is not a certificate");
  const TrustVerdict trusted = clients.verify(cert.get(), now);
  if (!trusted)
    return refuse(kFailedAuthentication,
                  std::string(trusted.expired ? "certifikatet er udløbet / the certificate has expired"
                                              : "certifikatet er ikke udstedt af en CA, vi stoler på / the certificate "
                                                "is not issued by a trusted CA") +
                      " (" + trusted.reason + ")");
  const SignatureCheck s = verify(f.req.doc.get(), f.signature, X509_get0_pubkey(cert.get()));
  if (!s) return refuse(kFailedAuthentication, "signaturen passer ikke til certifikatet / " + s.problem);
  if (auto fault = checkCoverage(f, s, {bst})) return refuse(fault->code.c_str(), fault->reason);
  if (auto fault = checkReplay(replay_, f, now)) return refuse(fault->code.c_str(), fault->reason);
  f.req.signer = shareX509(cert.get());
  return accept(f);
}

}  // namespace reghub::security
