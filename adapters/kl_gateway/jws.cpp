#include "adapters/kl_gateway/jws.h"

#include <memory>
#include <stdexcept>

#include "hub/security/codec.h"

namespace reghub::kl_gateway {

std::optional<CompactJws> parseCompactJws(std::string_view text, std::string& error) {
  const size_t a = text.find('.');
  const size_t b = a == std::string_view::npos ? a : text.find('.', a + 1);
  if (b == std::string_view::npos || text.find('.', b + 1) != std::string_view::npos) {
    error = "not a compact JWS (expected header.payload.signature)";
    return std::nullopt;
  }
  auto header = security::base64UrlDecode(text.substr(0, a));
  auto payload = security::base64UrlDecode(text.substr(a + 1, b - a - 1));
  auto signature = security::base64UrlDecode(text.substr(b + 1));
  if (!header || !payload || !signature) {
    error = "a JWS part is not base64url";
    return std::nullopt;
  }
  return CompactJws{std::move(*header), std::move(*payload), std::string(text.substr(0, b)), std::move(*signature)};
}

std::string signRs256(std::string_view headerJson, std::string_view payloadJson, EVP_PKEY* key) {
  const std::string input = security::base64UrlEncode(headerJson) + "." + security::base64UrlEncode(payloadJson);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!key || EVP_PKEY_base_id(key) != EVP_PKEY_RSA || !ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1)
    throw std::runtime_error("RS256 signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1)
    throw std::runtime_error("RS256 signing failed");
  sig.resize(len);
  return input + "." + security::base64UrlEncode(sig);
}

bool verifyRs256(const CompactJws& jws, EVP_PKEY* publicKey) {
  if (!publicKey || EVP_PKEY_base_id(publicKey) != EVP_PKEY_RSA) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, publicKey) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(jws.signature.data()), jws.signature.size(),
                          reinterpret_cast<const unsigned char*>(jws.signingInput.data()),
                          jws.signingInput.size()) == 1;
}

}  // namespace reghub::kl_gateway
