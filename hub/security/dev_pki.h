#pragma once
// A development PKI for sandboxes and tests: a test CA (RSA) and the
// certificates signed by it — function certificates shaped like OCES3/FOCES
// ones (O, CN and serialNumber "CVR:<8 digits>-FID:<id>") and STS signing
// certificates. Never for production. Key generation (RSA 2048) costs tens
// of milliseconds per certificate. Throws std::runtime_error on OpenSSL or
// I/O failure. A DevPki is not shared between threads while issuing.
#include <chrono>
#include <string>

#include "hub/security/credentials.h"
#include "hub/security/openssl_ptr.h"

namespace reghub::security {

struct CertificateSpec {
  std::string organisation = "reghub dev kommune";
  std::string commonName = "reghub dev function certificate";
  std::string serialNumber;  // subject serialNumber, e.g. "CVR:12345678-FID:reghub-dev"; empty = none
  // Validity relative to now; a negative `validFor` end gives an expired certificate.
  std::chrono::seconds notBeforeOffset = std::chrono::hours(-1);
  std::chrono::seconds validFor = std::chrono::hours(24 * 365);
  bool isCa = false;
};

struct IssuedCertificate {
  X509Ptr cert;
  PkeyPtr key;
  Credentials credentials() const;  // shares the objects
  std::string certPem() const;
  std::string keyPem() const;  // unencrypted PKCS#8 PEM
  // Files are written mode 0600 for keys. Directories must exist.
  void writeCertPem(const std::string& file) const;
  void writeKeyPem(const std::string& file) const;
  void writePkcs12(const std::string& file, const std::string& passphrase) const;
};

class DevPki {
 public:
  // A fresh self-signed RSA CA.
  explicit DevPki(const std::string& caName = "reghub dev test CA");

  const IssuedCertificate& ca() const { return ca_; }
  std::string caPem() const { return ca_.certPem(); }
  void writeCaPem(const std::string& file) const { ca_.writeCertPem(file); }

  IssuedCertificate issue(const CertificateSpec& spec) const;
  // A function certificate "CVR:<cvr>-FID:<fid>" for `organisation`.
  IssuedCertificate issueFunctionCertificate(const std::string& cvr, const std::string& fid,
                                             const std::string& organisation = "reghub dev kommune") const;
  // An STS's signing certificate.
  IssuedCertificate issueStsCertificate(const std::string& commonName) const;

 private:
  IssuedCertificate ca_;
};

}  // namespace reghub::security
