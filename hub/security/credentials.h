#pragma once
// The organisation's function certificate (FOCES/OCES3 "funktionscertifikat")
// and its private key: what signs WS-Security headers, WS-Trust requests
// and JWS client assertions. Loaded once at start-up from PEM files or a
// PKCS#12 file; the passphrase is read from an environment variable whose
// *name* is configured, so it never sits in a file. Neither the key nor
// the passphrase ever appears in an error text or a log.
//
// Loading throws config::ConfigError (exit 78) naming the setting given in
// CredentialSource::setting. After loading, a Credentials is immutable and
// safe to share between threads (OpenSSL key objects are reference counted
// and signing with EVP_PKEY is thread-safe in OpenSSL 3).
#include <chrono>
#include <string>
#include <string_view>

#include "hub/security/openssl_ptr.h"

namespace reghub::security {

struct CredentialSource {
  std::string certFile;       // PEM certificate (the first one is ours; more = chain)
  std::string keyFile;        // PEM private key (may be encrypted: PKCS#8 / traditional)
  std::string pkcs12File;     // alternative to certFile+keyFile
  std::string passphraseEnv;  // name of the environment variable with the passphrase; empty = none
  std::string setting;        // the setting named in errors, e.g. "smdb.functionCertificate"
};

class Credentials {
 public:
  // From files, as configured. Throws config::ConfigError.
  static Credentials load(const CredentialSource& source);
  // From PEM text already in memory (tests, the dev PKI). Throws config::ConfigError.
  static Credentials fromPem(std::string_view certPem, std::string_view keyPem, std::string_view passphrase = {},
                             const std::string& setting = "credentials");
  // Adopts objects made elsewhere (the dev PKI). The key must match the certificate.
  Credentials(X509Ptr cert, PkeyPtr key);

  X509* certificate() const { return cert_.get(); }
  EVP_PKEY* privateKey() const { return key_.get(); }
  EVP_PKEY* publicKey() const;  // the certificate's key (owned by the certificate)

  std::string certificateDer() const;
  std::string certificateBase64() const;  // DER as base64: wsse:BinarySecurityToken, ds:X509Certificate
  std::string certificatePem() const;
  std::string publicKeyDer() const;  // SubjectPublicKeyInfo DER (JWS kid = base64url(sha256(this)))
  std::string subject() const;       // RFC 2253 one line, e.g. "serialNumber=CVR:..-FID:..,CN=..,O=.."
  std::chrono::system_clock::time_point notBefore() const;
  std::chrono::system_clock::time_point notAfter() const;

  // RSASSA-PKCS1-v1_5 with SHA-256 over `data` (xmldsig rsa-sha256, JWS RS256).
  // Throws std::runtime_error only if OpenSSL fails (a bug or a broken key).
  std::string signRsaSha256(std::string_view data) const;

 private:
  X509Ptr cert_;
  PkeyPtr key_;
};

// Does `signature` verify over `data` with `key` (RSA-SHA256)? Never throws.
bool verifyRsaSha256(EVP_PKEY* key, std::string_view data, std::string_view signature);

// Certificate helpers used by the XML and SAML code.
std::string certificateDer(X509* cert);
std::string certificateSubject(X509* cert);
std::chrono::system_clock::time_point certificateNotAfter(X509* cert);
std::chrono::system_clock::time_point certificateNotBefore(X509* cert);
// DER bytes → certificate; null when the bytes are not a certificate.
X509Ptr certificateFromDer(std::string_view der);
X509Ptr certificateFromPem(std::string_view pem);
bool sameCertificate(X509* a, X509* b);

}  // namespace reghub::security
