#pragma once
// SAML EncryptedAssertion with libxmlsec1 (XML Encryption 1.0 as OIO IDWS
// uses it): the assertion encrypted with a fresh AES-256-CBC key, that key
// encrypted with RSA-OAEP (rsa-oaep-mgf1p) for the recipient's certificate —
// the STS encrypts to the service, the service decrypts with its key.
// Throw nothing on bad input; thread-safe on distinct documents.
#include <libxml/tree.h>

#include <string>

#include "hub/security/credentials.h"

namespace reghub::security {

inline constexpr const char* kAes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
inline constexpr const char* kRsaOaepMgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";

// Replaces `assertion` (a saml:Assertion of `doc`) by
// <saml:EncryptedAssertion><xenc:EncryptedData …/></saml:EncryptedAssertion>
// readable only with `recipient`'s private key. The assertion's signature
// stays inside, intact. False with `error` on failure.
bool encryptAssertion(xmlDoc* doc, xmlNode* assertion, X509* recipient, std::string& error);

// The reverse, in place: the saml:Assertion that replaced `encrypted`
// (registered IDs included), or null with `error` (not for this key, not
// aes256-cbc/rsa-oaep, tampered ciphertext, no Assertion inside).
xmlNode* decryptAssertion(xmlDoc* doc, xmlNode* encrypted, const Credentials& key, std::string& error);

}  // namespace reghub::security
