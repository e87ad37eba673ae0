#include "hub/security/credentials.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "hub/config/config_error.h"
#include "hub/security/codec.h"

namespace reghub::security {

namespace {

std::string opensslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256] = {0};
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

[[noreturn]] void configFail(const std::string& setting, const std::string& problem) {
  throw config::ConfigError(setting, "", setting + ": " + problem);
}

std::string readFile(const std::string& path, const std::string& setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) configFail(setting, "cannot read " + path + " (does the file exist and may reghub read it?)");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An unset variable is an empty passphrase (an unencrypted key needs none);
// passphraseHint() says so when the key then cannot be opened.
std::string passphraseFrom(const CredentialSource& source) {
  const char* v = source.passphraseEnv.empty() ? nullptr : std::getenv(source.passphraseEnv.c_str());
  return v ? v : "";
}

std::string passphraseHint(const CredentialSource& source) {
  if (source.passphraseEnv.empty()) return "no passphrase environment variable is configured";
  if (!std::getenv(source.passphraseEnv.c_str()))
    return "the environment variable " + source.passphraseEnv +
           " is not set (set it in the service's environment, not in a file)";
  return "the passphrase in " + source.passphraseEnv + " is wrong";
}

int passCallback(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* pass = static_cast<const std::string*>(u);
  if (!pass || pass->empty()) return 0;
  const int n = std::min(size, static_cast<int>(pass->size()));
  std::copy_n(pass->data(), n, buf);
  return n;
}

BioPtr memBio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::chrono::system_clock::time_point fromAsn1(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

void checkPair(X509* cert, EVP_PKEY* key, const std::string& setting) {
  if (X509_check_private_key(cert, key) != 1) {
    ERR_clear_error();
    configFail(setting, "the private key does not belong to the certificate (" + certificateSubject(cert) +
                            "); configure the key that was issued with it");
  }
}

}  // namespace

Credentials::Credentials(X509Ptr cert, PkeyPtr key) : cert_(std::move(cert)), key_(std::move(key)) {
  if (!cert_ || !key_) throw std::invalid_argument("Credentials: certificate and key are required");
}

Credentials Credentials::fromPem(std::string_view certPem, std::string_view keyPem, std::string_view passphrase,
                                 const std::string& setting) {
  BioPtr cb = memBio(certPem);
  X509Ptr cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!cert) configFail(setting, "the certificate is not a PEM X.509 certificate (" + opensslError() + ")");
  std::string pass(passphrase);
  BioPtr kb = memBio(keyPem);
  PkeyPtr key(PEM_read_bio_PrivateKey(kb.get(), nullptr, passCallback, &pass));
  if (!key)
    configFail(setting, "the private key could not be read: not PEM, or encrypted and the passphrase is wrong/missing");
  ERR_clear_error();
  checkPair(cert.get(), key.get(), setting);
  return Credentials(std::move(cert), std::move(key));
}

Credentials Credentials::load(const CredentialSource& source) {
  const std::string pass = passphraseFrom(source);
  if (!source.pkcs12File.empty()) {
    const std::string bytes = readFile(source.pkcs12File, source.setting);
    BioPtr b = memBio(bytes);
    PKCS12* p12 = d2i_PKCS12_bio(b.get(), nullptr);
    if (!p12) configFail(source.setting, source.pkcs12File + " is not a PKCS#12 (.p12/.pfx) file");
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    const int ok = PKCS12_parse(p12, pass.c_str(), &key, &cert, nullptr);
    PKCS12_free(p12);
    if (ok != 1 || !key || !cert) {
      EVP_PKEY_free(key);
      X509_free(cert);
      ERR_clear_error();
      configFail(source.setting, "cannot open " + source.pkcs12File + ": wrong passphrase (" + passphraseHint(source) +
                                     ") or no key and certificate inside");
    }
    X509Ptr c(cert);
    PkeyPtr k(key);
    checkPair(c.get(), k.get(), source.setting);
    return Credentials(std::move(c), std::move(k));
  }
  if (source.certFile.empty() || source.keyFile.empty())
    configFail(source.setting, "no function certificate configured: give a PKCS#12 file, or a PEM certificate and key");
  try {
    return fromPem(readFile(source.certFile, source.setting), readFile(source.keyFile, source.setting), pass,
                   source.setting);
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    if (what.find("passphrase is wrong/missing") == std::string::npos) throw;
    configFail(source.setting, "the private key " + source.keyFile + " is encrypted and cannot be opened: " +
                                   passphraseHint(source));
  }
}

EVP_PKEY* Credentials::publicKey() const { return X509_get0_pubkey(cert_.get()); }

std::string Credentials::certificateDer() const { return security::certificateDer(cert_.get()); }
std::string Credentials::certificateBase64() const { return base64Encode(certificateDer()); }

std::string Credentials::certificatePem() const {
  BioPtr b(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(b.get(), cert_.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Credentials::publicKeyDer() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(publicKey(), &der);
  if (n <= 0) throw std::runtime_error("i2d_PUBKEY: " + opensslError());
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string Credentials::subject() const { return certificateSubject(cert_.get()); }
std::chrono::system_clock::time_point Credentials::notBefore() const { return certificateNotBefore(cert_.get()); }
std::chrono::system_clock::time_point Credentials::notAfter() const { return certificateNotAfter(cert_.get()); }

std::string Credentials::signRsaSha256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, OpenSslFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("RSA-SHA256 sign: " + opensslError());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("RSA-SHA256 sign: " + opensslError());
  sig.resize(len);
  return sig;
}

bool verifyRsaSha256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, OpenSslFree> ctx(EVP_MD_CTX_new());
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string certificateDer(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) throw std::runtime_error("i2d_X509: " + opensslError());
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string certificateSubject(X509* cert) {
  BioPtr b(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(b.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::chrono::system_clock::time_point certificateNotAfter(X509* cert) { return fromAsn1(X509_get0_notAfter(cert)); }
std::chrono::system_clock::time_point certificateNotBefore(X509* cert) {
  return fromAsn1(X509_get0_notBefore(cert));
}

X509Ptr certificateFromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  return cert;
}

X509Ptr certificateFromPem(std::string_view pem) {
  BioPtr b = memBio(pem);
  X509Ptr cert(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert;
}

bool sameCertificate(X509* a, X509* b) { return a && b && X509_cmp(a, b) == 0; }

}  // namespace reghub::security
