#include "hub/util/hash.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  // OpenSSL's HMAC (SHA extensions) rather than Poco's HMACEngine over its
  // plain-C SHA-256: every store key is one (an ingest makes several per
  // resource). The same bytes either way.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), digest, &len))
    throw std::runtime_error("OpenSSL HMAC-SHA-256 failed");
  return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(digest, digest + len));
}

}  // namespace reghub::util
