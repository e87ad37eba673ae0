#pragma once
// Test RSA keys made with OpenSSL (real keys, real signatures). Until the dev
// PKI of hub/security is merged, tests make their own keys here.
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "adapters/kl_gateway/client_assertion.h"

namespace reghub::kl_gateway::test {

inline EvpKey newRsaKey(unsigned bits = 2048) {
  EVP_PKEY* k = EVP_RSA_gen(bits);
  if (!k) throw std::runtime_error("EVP_RSA_gen failed");
  return adoptKey(k);
}

}  // namespace reghub::kl_gateway::test
