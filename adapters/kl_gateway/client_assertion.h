#pragma once
// The JWS client assertion FK Gateway's authorization server takes on every
// token request ("JWT client authentication", RFC 7523 private_key_jwt;
// shared/reference/auth/README.md B): RS256, header `kid` =
// base64url(SHA-256 of the DER SubjectPublicKeyInfo) unless a setting names
// another, claims jti (random), iss = sub = client_id, aud = the realm URL,
// iat, nbf, exp (lifetime a setting; 10 s in the operator's example).
// Signing does no I/O and is thread-safe (one OpenSSL context per call).
#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <string>

namespace reghub::kl_gateway {

// An OpenSSL key (private, or public only), freed with EVP_PKEY_free.
using EvpKey = std::shared_ptr<EVP_PKEY>;

// Takes ownership of `key` (may be null → null).
EvpKey adoptKey(EVP_PKEY* key);

// base64url(SHA-256(DER SubjectPublicKeyInfo)) of the key's public half.
// Throws std::runtime_error when OpenSSL cannot encode it.
std::string keyIdOf(EVP_PKEY* key);

struct ClientAssertionConfig {
  std::string clientId;  // iss and sub
  std::string audience;  // aud: the realm URL
  std::chrono::milliseconds lifetime{10000};
  std::string kid;  // empty: keyIdOf(key)
};

class ClientAssertionSigner {
 public:
  // `key` must be an RSA private key (RS256); throws std::invalid_argument otherwise.
  ClientAssertionSigner(ClientAssertionConfig config, EvpKey key);

  // A fresh compact JWS issued at `now`, with a new random jti each call.
  // Throws std::runtime_error only when OpenSSL fails to sign.
  std::string sign(std::chrono::system_clock::time_point now) const;
  const std::string& kid() const { return kid_; }

 private:
  ClientAssertionConfig config_;
  EvpKey key_;
  std::string kid_;
  std::string header_;  // the JOSE header (JSON), fixed per signer
};

// A random (version 4) UUID from OpenSSL's CSPRNG: the jti.
std::string randomUuid();

}  // namespace reghub::kl_gateway
