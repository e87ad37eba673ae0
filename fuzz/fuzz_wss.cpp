// libFuzzer target: arbitrary request bodies into the WS-Security
// verifiers (hub/security/wss_verifier.h) the sandboxes and STS stand-ins
// run before anything else — the security-header parsing: SOAP 1.1/1.2
// envelopes, wsse:Security, Timestamp, BST, SAML assertion, ds:Signature
// with its references and transforms (STR-Transform included).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "hub/security/dev_pki.h"
#include "hub/security/wss_verifier.h"

namespace {
struct World {
  reghub::security::DevPki pki;
  reghub::security::Credentials sts = pki.issueStsCertificate("fuzz STS").credentials();
  reghub::security::TrustStore clients = reghub::security::TrustStore::fromPem(pki.caPem());
  reghub::security::AssertionPolicy tokens;
  reghub::security::WssVerifier verifier{reghub::security::WssPolicy{}};
  World() {
    tokens.stsCertificate = reghub::security::shareX509(sts.certificate());
    tokens.issuer = "https://sts.fuzz.test";
    tokens.audience = "https://service.fuzz.test";
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World w;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto now = std::chrono::system_clock::now();
  w.verifier.verifyIdwsRequest(body, w.tokens, now);
  w.verifier.verifyBstSignedRequest(body, w.clients, now);
  return 0;
}
