#pragma once
// Which certificate authorities we trust for signatures in messages (not
// TLS: that is hub/net's CA file): the CA of the function certificates an
// STS stand-in accepts, or the OCES CA chain behind an STS's certificate.
// Built once from a PEM bundle; verify() is const and thread-safe.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "hub/security/openssl_ptr.h"

namespace reghub::security {

struct TrustVerdict {
  bool trusted = false;
  std::string reason;  // empty when trusted; else OpenSSL's reason, e.g. "certificate has expired"
  bool expired = false;
  bool notYetValid = false;
  explicit operator bool() const { return trusted; }
};

class TrustStore {
 public:
  // A PEM file with one or more CA certificates. Throws config::ConfigError naming `setting`.
  static TrustStore fromFile(const std::string& pemFile, const std::string& setting);
  // PEM text with one or more certificates (tests). Throws config::ConfigError.
  static TrustStore fromPem(const std::string& pem, const std::string& setting = "trust store");

  // Chain to one of the anchors and check validity at `at` (default: now).
  TrustVerdict verify(X509* cert, std::optional<std::chrono::system_clock::time_point> at = std::nullopt) const;
  size_t size() const { return anchors_.size(); }

 private:
  std::vector<X509Ptr> anchors_;
};

}  // namespace reghub::security
