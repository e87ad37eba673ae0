#include "hub/security/trust_store.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "hub/config/config_error.h"

namespace reghub::security {

TrustStore TrustStore::fromFile(const std::string& pemFile, const std::string& setting) {
  std::ifstream in(pemFile, std::ios::binary);
  if (!in) throw config::ConfigError(setting, "", setting + ": cannot read CA file " + pemFile);
  std::ostringstream s;
  s << in.rdbuf();
  return fromPem(s.str(), setting);
}

TrustStore TrustStore::fromPem(const std::string& pem, const std::string& setting) {
  TrustStore store;
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) store.anchors_.emplace_back(c);
  ERR_clear_error();  // the loop ends on "no start line"
  if (store.anchors_.empty())
    throw config::ConfigError(setting, "", setting + ": no PEM certificate found (expected -----BEGIN CERTIFICATE-----)");
  return store;
}

TrustVerdict TrustStore::verify(X509* cert, std::optional<std::chrono::system_clock::time_point> at) const {
  TrustVerdict v;
  if (!cert) {
    v.reason = "no certificate";
    return v;
  }
  // A fresh X509_STORE per call keeps verify() free of shared mutable state.
  X509StorePtr store(X509_STORE_new());
  for (const auto& a : anchors_) X509_STORE_add_cert(store.get(), a.get());
  std::unique_ptr<X509_STORE_CTX, OpenSslFree> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr);
  if (at) X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(*at));
  const int ok = X509_verify_cert(ctx.get());
  if (ok == 1) {
    v.trusted = true;
    return v;
  }
  const int err = X509_STORE_CTX_get_error(ctx.get());
  v.reason = X509_verify_cert_error_string(err);
  v.expired = err == X509_V_ERR_CERT_HAS_EXPIRED;
  v.notYetValid = err == X509_V_ERR_CERT_NOT_YET_VALID;
  ERR_clear_error();
  return v;
}

}  // namespace reghub::security
