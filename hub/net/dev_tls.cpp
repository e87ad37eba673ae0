#include "hub/net/dev_tls.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "hub/net/x509_builder.h"

namespace reghub::net {

namespace {

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

// Valid from an hour ago (clock skew) until `validDays` from now.
CertificateFields devFields(const char* commonName, bool isCa, int validDays) {
  CertificateFields f;
  f.subject = {{"O", "reghub dev"}, {"CN", commonName}};
  f.notBeforeOffset = std::chrono::hours(-1);
  f.validFor = std::chrono::hours(24 * validDays + 1);
  f.isCa = isCa;
  if (!isCa) {
    f.extendedKeyUsage = "serverAuth";
    f.subjectAltName = "DNS:localhost,IP:127.0.0.1";
  }
  return f;
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
  X509Ptr ca = issueCertificate(caKey.get(), devFields("reghub dev CA", true, validDays), nullptr, caKey.get());
  PkeyPtr serverKey = makeKey();
  X509Ptr server = issueCertificate(serverKey.get(), devFields("127.0.0.1", false, validDays), ca.get(), caKey.get());

  DevTlsFiles files{(base / "ca.pem").string(), (base / "server.pem").string(),
                    (base / "server-key.pem").string()};
  writePem(files.caCertFile, ca.get(), nullptr);
  writePem(files.serverCertFile, server.get(), nullptr);
  writePem(files.serverKeyFile, nullptr, serverKey.get());
  return files;
}

}  // namespace reghub::net
