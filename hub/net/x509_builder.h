#pragma once
// Issues an X.509 v3 certificate with the OpenSSL C API (Poco cannot make
// one): the dev TLS server certificates (hub/net/dev_tls.h) and the dev PKI's
// function certificates (hub/security/dev_pki.h) are both made here. For
// development and tests only. Throws std::runtime_error on an OpenSSL failure.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "hub/net/openssl_ptr.h"

namespace reghub::net {

struct CertificateFields {
  // Subject entries in order ({"C", "DK"}, {"O", …}, {"CN", …}); an empty value is left out.
  std::vector<std::pair<std::string, std::string>> subject;
  // Validity relative to now: from now + notBeforeOffset for validFor.
  std::chrono::seconds notBeforeOffset = std::chrono::hours(-1);
  std::chrono::seconds validFor = std::chrono::hours(24 * 30);
  bool isCa = false;
  // A leaf's optional extensions, in OpenSSL's config syntax ("serverAuth",
  // "DNS:localhost,IP:127.0.0.1"); empty = none.
  std::string extendedKeyUsage;
  std::string subjectAltName;
};

// A certificate for `subjectKey` signed by `issuerKey` (SHA-256) with a
// random positive 128-bit serial; self-signed when `issuerCert` is null.
X509Ptr issueCertificate(EVP_PKEY* subjectKey, const CertificateFields& fields, X509* issuerCert,
                         EVP_PKEY* issuerKey);

}  // namespace reghub::net
