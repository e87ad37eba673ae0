#include "hub/security/dev_pki.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <stdexcept>

#include "hub/net/x509_builder.h"

namespace reghub::security {

namespace {

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error("dev PKI: " + what + ": " + buf);
}

PkeyPtr rsaKey() {
  PkeyPtr key(EVP_RSA_gen(2048));
  if (!key) fail("RSA key generation");
  return key;
}

std::string bioString(BIO* b) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

void writeFile(const std::string& file, const std::string& bytes, bool secret) {
  BioPtr b(BIO_new_file(file.c_str(), "wb"));
  if (!b) fail("cannot open " + file + " for writing");
  if (secret) ::chmod(file.c_str(), 0600);
  if (BIO_write(b.get(), bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size()))
    fail("writing " + file);
}

X509Ptr makeCert(EVP_PKEY* subjectKey, const CertificateSpec& spec, X509* issuerCert, EVP_PKEY* issuerKey) {
  net::CertificateFields f;
  f.subject = {{"C", "DK"}, {"O", spec.organisation}, {"CN", spec.commonName}, {"serialNumber", spec.serialNumber}};
  f.notBeforeOffset = spec.notBeforeOffset;
  f.validFor = spec.validFor;
  f.isCa = spec.isCa;
  return net::issueCertificate(subjectKey, f, issuerCert, issuerKey);
}

}  // namespace

Credentials IssuedCertificate::credentials() const { return Credentials(share(cert.get()), share(key.get())); }

std::string IssuedCertificate::certPem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(b.get(), cert.get()) != 1) fail("PEM certificate");
  return bioString(b.get());
}

std::string IssuedCertificate::keyPem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(b.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) fail("PEM key");
  return bioString(b.get());
}

void IssuedCertificate::writeCertPem(const std::string& file) const { writeFile(file, certPem(), false); }
void IssuedCertificate::writeKeyPem(const std::string& file) const { writeFile(file, keyPem(), true); }

void IssuedCertificate::writePkcs12(const std::string& file, const std::string& passphrase) const {
  // OpenSSL 3 defaults (AES-256-CBC, PBKDF2, SHA-256 MAC) — what current tools read.
  PKCS12* p12 = PKCS12_create(passphrase.c_str(), "reghub dev", key.get(), cert.get(), nullptr, 0, 0, 0, 0, 0);
  if (!p12) fail("PKCS12_create");
  BioPtr b(BIO_new(BIO_s_mem()));
  const int ok = i2d_PKCS12_bio(b.get(), p12);
  PKCS12_free(p12);
  if (ok != 1) fail("PKCS#12 encoding");
  writeFile(file, bioString(b.get()), true);
}

DevPki::DevPki(const std::string& caName) {
  CertificateSpec spec;
  spec.organisation = "reghub dev PKI";
  spec.commonName = caName;
  spec.isCa = true;
  spec.validFor = std::chrono::hours(24 * 365 * 5);
  ca_.key = rsaKey();
  ca_.cert = makeCert(ca_.key.get(), spec, nullptr, ca_.key.get());
}

IssuedCertificate DevPki::issue(const CertificateSpec& spec) const {
  IssuedCertificate out;
  out.key = rsaKey();
  out.cert = makeCert(out.key.get(), spec, ca_.cert.get(), ca_.key.get());
  return out;
}

IssuedCertificate DevPki::issueFunctionCertificate(const std::string& cvr, const std::string& fid,
                                                   const std::string& organisation) const {
  CertificateSpec spec;
  spec.organisation = organisation + " // CVR:" + cvr;
  spec.commonName = "reghub (funktionscertifikat)";
  spec.serialNumber = "CVR:" + cvr + "-FID:" + fid;
  return issue(spec);
}

IssuedCertificate DevPki::issueStsCertificate(const std::string& commonName) const {
  CertificateSpec spec;
  spec.organisation = "reghub dev STS";
  spec.commonName = commonName;
  return issue(spec);
}

}  // namespace reghub::security
