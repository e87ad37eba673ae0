#include "hub/util/hash.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <stdexcept>

namespace reghub::util {

std::string sha256Hex(std::string_view bytes) {
  // OpenSSL's SHA-256 uses the CPU's SHA extensions; Poco's SHA2Engine is
  // plain C and was a tenth of the LTT validate time. The algorithm is
  // fetched once (OpenSSL 3 fetches are costly; EVP_MD is thread-safe).
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!md || EVP_Digest(bytes.data(), bytes.size(), digest, &len, md, nullptr) != 1)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(digest, digest + len));
}

std::string uuidV5(std::string_view namespaceUuid, std::string_view name) {
  const Poco::UUID ns{std::string(namespaceUuid)};
  char nsBytes[16];
  ns.copyTo(nsBytes);
  Poco::SHA1Engine sha1;
  sha1.update(nsBytes, sizeof nsBytes);
  sha1.update(name.data(), static_cast<unsigned>(name.size()));
  Poco::DigestEngine::Digest d = sha1.digest();
  d[6] = static_cast<unsigned char>((d[6] & 0x0F) | 0x50);  // version 5
  d[8] = static_cast<unsigned char>((d[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string hex = Poco::DigestEngine::digestToHex(d);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) +
         "-" + hex.substr(20, 12);
}

namespace {

// One keyed HMAC context per thread, re-initialised per message with the
// same key (EVP_MAC_init with a null key keeps it): OpenSSL 3's one-shot
// HMAC() fetches the algorithm and sets the key up on every call, about 6×
// the cost of the MAC itself for a CPR-sized message, and an ingest makes
// several lookup hashes per resource, nearly all under the one lookup key.
class KeyedHmac {
 public:
  ~KeyedHmac() { EVP_MAC_CTX_free(ctx_); }
  EVP_MAC_CTX* forKey(std::string_view key) {
    if (ctx_ && key == key_) {
      if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1) return ctx_;
    } else {
      static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      if (!mac) return nullptr;
      if (!ctx_) ctx_ = EVP_MAC_CTX_new(mac);
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                   OSSL_PARAM_construct_end()};
      // Never a null key pointer: to EVP_MAC_init that means "keep the old key".
      static const unsigned char kNoBytes = 0;
      const auto* bytes = key.empty() ? &kNoBytes : reinterpret_cast<const unsigned char*>(key.data());
      if (ctx_ && EVP_MAC_init(ctx_, bytes, key.size(), params) == 1) {
        key_.assign(key);
        return ctx_;
      }
    }
    // A failed init may leave the old key in the context: drop it, so no
    // later call (an empty key matches a cleared key_) can MAC under it.
    EVP_MAC_CTX_free(ctx_);
    ctx_ = nullptr;
    key_.clear();
    return nullptr;
  }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
  std::string key_;
};

}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  // OpenSSL's HMAC (SHA extensions) rather than Poco's HMACEngine over its
  // plain-C SHA-256: every store key is one. The same bytes either way.
  thread_local KeyedHmac keyed;
  EVP_MAC_CTX* ctx = keyed.forKey(key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!ctx || EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      EVP_MAC_final(ctx, digest, &len, sizeof digest) != 1)
    throw std::runtime_error("OpenSSL HMAC-SHA-256 failed");
  return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(digest, digest + len));
}

}  // namespace reghub::util
