#include "hub/util/hash.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/UUID.h>

namespace reghub::util {

std::string sha256Hex(std::string_view bytes) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
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
// Poco's HMACEngine wants a default-constructible engine type.
class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};
}  // namespace

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  Poco::HMACEngine<Sha256> hmac{std::string(key)};
  hmac.update(message.data(), static_cast<unsigned>(message.size()));
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

}  // namespace reghub::util
