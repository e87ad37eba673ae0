#pragma once
// The STS signatures a service has verified, by the exact token: an OIO
// IDWS token comes with every call for its lifetime (8 h), and checking its
// signature (exclusive c14n of the whole assertion and an RSA operation)
// was a fifth of the SMDB sandbox's work per call.
//
// A hit says only "this STS certificate signed exactly this assertion";
// checkAssertion still checks issuer, audience, validity period and the
// holder-of-key certificate on every call, and the message signature is
// verified on every call (wss_verifier.h). The key is a SHA-256 over the
// STS certificate, the namespaces the assertion inherits from its ancestors
// and the assertion's serialized subtree — everything exclusive c14n reads —
// so a token that differs in one byte, or in a namespace it inherits, is
// verified again. Only an assertion whose signature signs the assertion and
// nothing else is remembered (its verification then depends on nothing
// outside it; registerIds refuses a second element with its ID).
// Thread-safe; bounded (entries end with the token's NotOnOrAfter + skew).
#include <libxml/tree.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace reghub::security {

class VerifiedTokens {
 public:
  explicit VerifiedTokens(size_t capacity = 64) : capacity_(capacity) {}

  // The cache key of `assertion` as checked against `sts` (no I/O).
  static std::string keyOf(xmlDoc* doc, const xmlNode* assertion, X509* sts);
  // True when `key` was remembered and its entry has not ended at `now`.
  bool verified(const std::string& key, std::chrono::system_clock::time_point now);
  // Remembers a verified signature until `until`.
  void remember(const std::string& key, std::chrono::system_clock::time_point until);
  uint64_t hits() const { return hits_.load(); }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::map<std::string, std::chrono::system_clock::time_point> until_;
  std::atomic<uint64_t> hits_{0};
};

}  // namespace reghub::security
