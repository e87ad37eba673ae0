#include "hub/security/dev_pki.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <stdexcept>

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

void addExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) fail(std::string("extension ") + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void addName(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                 -1, -1, 0) != 1)
    fail(std::string("subject ") + field);
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
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(spec.notBeforeOffset.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>((spec.notBeforeOffset + spec.validFor).count()));
  X509_set_pubkey(cert.get(), subjectKey);
  X509_NAME* name = X509_get_subject_name(cert.get());
  addName(name, "C", "DK");
  addName(name, "O", spec.organisation);
  addName(name, "CN", spec.commonName);
  addName(name, "serialNumber", spec.serialNumber);
  X509* issuer = issuerCert ? issuerCert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  if (spec.isCa) {
    addExt(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    addExt(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExt(cert.get(), issuer, NID_subject_key_identifier, "hash");
  } else {
    addExt(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    addExt(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExt(cert.get(), issuer, NID_subject_key_identifier, "hash");
    addExt(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(cert.get(), issuerKey, EVP_sha256()) == 0) fail("X509_sign");
  return cert;
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
