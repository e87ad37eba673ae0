#include "hub/net/dev_tls.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace reghub::net {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error("dev TLS: " + what + ": " + buf);
}

PkeyPtr makeKey() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key generation failed");
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

X509Ptr makeCert(EVP_PKEY* subjectKey, const char* commonName, X509* issuerCert, EVP_PKEY* issuerKey, bool isCa,
                 int validDays) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(validDays) * 24 * 3600);
  X509_set_pubkey(cert.get(), subjectKey);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("reghub dev"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(commonName), -1, -1,
                             0);
  X509* issuer = issuerCert ? issuerCert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  if (isCa) {
    addExt(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    addExt(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExt(cert.get(), issuer, NID_subject_key_identifier, "hash");
  } else {
    addExt(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    addExt(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExt(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
    addExt(cert.get(), issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    addExt(cert.get(), issuer, NID_subject_key_identifier, "hash");
    addExt(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(cert.get(), issuerKey, EVP_sha256()) == 0) fail("X509_sign");
  return cert;
}

void writePem(const std::filesystem::path& path, X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new_file(path.c_str(), "w"));
  if (!bio) fail("cannot open " + path.string() + " for writing");
  if (key) {
    ::chmod(path.c_str(), 0600);
    if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      fail("writing " + path.string());
  } else if (PEM_write_bio_X509(bio.get(), cert) != 1) {
    fail("writing " + path.string());
  }
}

}  // namespace

DevTlsFiles writeDevTls(const std::string& dir, int validDays) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path base(dir);
  PkeyPtr caKey = makeKey();
  X509Ptr ca = makeCert(caKey.get(), "reghub dev CA", nullptr, caKey.get(), true, validDays);
  PkeyPtr serverKey = makeKey();
  X509Ptr server = makeCert(serverKey.get(), "127.0.0.1", ca.get(), caKey.get(), false, validDays);

  DevTlsFiles files{(base / "ca.pem").string(), (base / "server.pem").string(),
                    (base / "server-key.pem").string()};
  writePem(files.caCertFile, ca.get(), nullptr);
  writePem(files.serverCertFile, server.get(), nullptr);
  writePem(files.serverKeyFile, nullptr, serverKey.get());
  return files;
}

}  // namespace reghub::net
