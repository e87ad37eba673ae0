#pragma once
// XML signatures with libxmlsec1 as WS-Security and SAML use them:
// exclusive c14n, RSA-SHA256, SHA-256 digests, same-document references
// to wsu:Id / saml ID attributes, and the WS-Security STR-Transform
// (WSS 1.1 §8.3), which libxmlsec1 lacks and this file registers as a
// custom xmlsec transform: the Reference points at a
// wsse:SecurityTokenReference, the transform dereferences it to the token
// (a saml:Assertion by SAMLID KeyIdentifier, or any element by
// wsse:Reference URI) and digests the token's exclusive c14n.
//
// Callers write the ds:Signature template (signatureTemplate() builds the
// usual one) into their document; sign() fills in digests and the value.
// verify() checks a signature with a key the caller chose (never from the
// message's KeyInfo) and reports which elements the references covered,
// so the caller can insist that *its* Body/Timestamp/… were signed.
//
// Thread-safe: xmlsec is initialised once (std::call_once); each call uses
// its own xmlsec context; documents must not be shared between threads.
#include <libxml/tree.h>
#include <openssl/evp.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "hub/security/credentials.h"

namespace reghub::security {

inline constexpr const char* kStrTransform =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform";
inline constexpr const char* kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
inline constexpr const char* kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
inline constexpr const char* kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr const char* kEnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

// Initialises libxml2 + xmlsec + its OpenSSL back end and registers the
// STR-Transform. Called by every function here; cheap after the first time.
void initXmlSecurity();

class SignatureError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ReferenceSpec {
  enum class Kind { kPlain, kEnveloped, kStrTransform };
  std::string id;  // the referenced element's ID (no '#')
  Kind kind = Kind::kPlain;
};

// A <ds:Signature> (prefix ds, namespace declared on it) with exc-c14n,
// rsa-sha256 and one sha256 Reference per spec; `keyInfoXml` goes inside
// ds:KeyInfo as is (e.g. a wsse:SecurityTokenReference); empty = no KeyInfo.
std::string signatureTemplate(const std::vector<ReferenceSpec>& references, const std::string& keyInfoXml);

// Fills in the template `signature` (a ds:Signature element of `doc`).
// Registers the document's IDs first. Throws SignatureError (with xmlsec's
// reason) when the template or a reference is broken — a bug, not data.
void sign(xmlDoc* doc, xmlNode* signature, const Credentials& key);

struct SignatureCheck {
  bool valid = false;
  std::string problem;                 // why not, for a fault text (no secrets inside)
  std::vector<xmlNode*> signedNodes;   // the elements the references point at (STR: the STR)
  std::vector<std::string> signedIds;  // their IDs, in SignedInfo order
  bool covers(const xmlNode* n) const;
  explicit operator bool() const { return valid; }
};

// Verifies `signature` with `key` (RSA-SHA256 or RSA-SHA1 over exc-c14n
// SignedInfo; references same-document only, with exc-c14n, enveloped and
// STR transforms and sha256/sha1 digests — nothing else is enabled).
// The document's IDs must be registered (registerIds) beforehand; a
// document with duplicate IDs must be refused by the caller. Never throws.
SignatureCheck verify(xmlDoc* doc, xmlNode* signature, EVP_PKEY* key);

// The exclusive c14n of `element` and its subtree (no comments), as the
// STR-Transform digests it. Exposed for tests and diagnostics.
std::string exclusiveC14n(xmlDoc* doc, xmlNode* element);

}  // namespace reghub::security
