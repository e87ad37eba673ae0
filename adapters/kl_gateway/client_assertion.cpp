#include "adapters/kl_gateway/client_assertion.h"

#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <stdexcept>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/jws.h"
#include "hub/util/json_writer.h"

namespace reghub::kl_gateway {

namespace {

int64_t epochSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string sha256(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return std::string(reinterpret_cast<const char*>(md), n);
}

}  // namespace

EvpKey adoptKey(EVP_PKEY* key) { return EvpKey(key, EVP_PKEY_free); }

std::string keyIdOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = key ? i2d_PUBKEY(key, &der) : -1;
  if (n <= 0) throw std::runtime_error("cannot DER-encode the public key (SubjectPublicKeyInfo)");
  const std::string digest = sha256(std::string_view(reinterpret_cast<const char*>(der), size_t(n)));
  OPENSSL_free(der);
  return security::base64UrlEncode(digest);
}

std::string randomUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no random bytes from OpenSSL");
  b[6] = (b[6] & 0x0F) | 0x40;  // version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

ClientAssertionSigner::ClientAssertionSigner(ClientAssertionConfig config, EvpKey key)
    : config_(std::move(config)), key_(std::move(key)) {
  if (!key_ || EVP_PKEY_base_id(key_.get()) != EVP_PKEY_RSA)
    throw std::invalid_argument("the client assertion needs an RSA private key (RS256)");
  kid_ = config_.kid.empty() ? keyIdOf(key_.get()) : config_.kid;
  std::string h = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":";
  util::appendJsonString(h, kid_);
  h += "}";
  header_ = std::move(h);
}

std::string ClientAssertionSigner::sign(std::chrono::system_clock::time_point now) const {
  const int64_t iat = epochSeconds(now);
  const int64_t exp = epochSeconds(now + config_.lifetime);
  std::string p = "{\"jti\":";
  util::appendJsonString(p, randomUuid());
  p += ",\"iss\":";
  util::appendJsonString(p, config_.clientId);
  p += ",\"sub\":";
  util::appendJsonString(p, config_.clientId);
  p += ",\"aud\":";
  util::appendJsonString(p, config_.audience);
  p += ",\"iat\":" + std::to_string(iat) + ",\"nbf\":" + std::to_string(iat) + ",\"exp\":" + std::to_string(exp) + "}";
  return signRs256(header_, p, key_.get());
}

}  // namespace reghub::kl_gateway
