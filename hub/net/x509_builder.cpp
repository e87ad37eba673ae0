#include "hub/net/x509_builder.h"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace reghub::net {

namespace {

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error("X.509 certificate: " + what + ": " + buf);
}

void addExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void addName(X509_NAME* name, const std::string& field, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1)
    fail("subject " + field);
}

void setRandomSerial(X509* cert) {
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
}

void addExtensions(X509* cert, X509* issuer, const CertificateFields& f) {
  if (f.isCa) {
    addExt(cert, issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    addExt(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExt(cert, issuer, NID_subject_key_identifier, "hash");
    return;
  }
  addExt(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  addExt(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  if (!f.extendedKeyUsage.empty()) addExt(cert, issuer, NID_ext_key_usage, f.extendedKeyUsage);
  if (!f.subjectAltName.empty()) addExt(cert, issuer, NID_subject_alt_name, f.subjectAltName);
  addExt(cert, issuer, NID_subject_key_identifier, "hash");
  addExt(cert, issuer, NID_authority_key_identifier, "keyid:always");
}

}  // namespace

X509Ptr issueCertificate(EVP_PKEY* subjectKey, const CertificateFields& fields, X509* issuerCert,
                         EVP_PKEY* issuerKey) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  setRandomSerial(cert.get());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(fields.notBeforeOffset.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>((fields.notBeforeOffset + fields.validFor).count()));
  X509_set_pubkey(cert.get(), subjectKey);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : fields.subject) addName(name, field, value);
  X509* issuer = issuerCert ? issuerCert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  addExtensions(cert.get(), issuer, fields);
  if (X509_sign(cert.get(), issuerKey, EVP_sha256()) == 0) fail("X509_sign");
  return cert;
}

}  // namespace reghub::net
