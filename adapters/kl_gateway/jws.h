#pragma once
// Reading a compact JWS (RFC 7515) and checking an RS256 signature: what the
// sandbox's token endpoint does with a client assertion, and what the tests
// use to prove the hub's assertions verify. Pure, thread-safe, no I/O.
#include <openssl/evp.h>

#include <optional>
#include <string>
#include <string_view>

namespace reghub::kl_gateway {

struct CompactJws {
  std::string header;        // decoded JOSE header (JSON text)
  std::string payload;       // decoded payload (JSON text)
  std::string signingInput;  // "<b64 header>.<b64 payload>"
  std::string signature;     // decoded signature bytes
};

// nullopt (and `error` says why) when `text` is not three base64url parts.
std::optional<CompactJws> parseCompactJws(std::string_view text, std::string& error);

// "<b64 header>.<b64 payload>.<b64 RS256 signature>" over the two JSON texts.
// Throws std::runtime_error when OpenSSL cannot sign (e.g. not an RSA key).
std::string signRs256(std::string_view headerJson, std::string_view payloadJson, EVP_PKEY* privateKey);

// Does `jws.signature` verify over `jws.signingInput` with RSASSA-PKCS1-v1_5
// SHA-256 under `publicKey`? False for any other key type or a bad signature.
bool verifyRs256(const CompactJws& jws, EVP_PKEY* publicKey);

}  // namespace reghub::kl_gateway
