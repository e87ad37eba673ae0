#pragma once
// A certificate an adapter holds (its function certificate), as the hub
// shows it: /health, /metrics and `reghub status` warn from 30 days before
// it expires, because watching this is the vendor's duty (SMDB
// Kravspecifikation) and an expired certificate stops every delivery
// without a word otherwise. Plain data: the hub never sees the key.
#include <cstdint>
#include <string>
#include <vector>

namespace reghub::engine {

struct CredentialInfo {
  std::string setting;  // where the operator configured it: "smdb.functionCertificate"
  std::string subject;  // the certificate's subject (organisation, CVR, FID; no personal data)
  int64_t notAfterMillis = 0;
};

enum class CredentialState { kOk, kExpiring, kExpired };

inline constexpr int kCredentialWarnDays = 30;

// Whole days from `nowMillis` to the end of validity (negative once expired).
inline int64_t credentialDaysLeft(const CredentialInfo& c, int64_t nowMillis) {
  const int64_t ms = c.notAfterMillis - nowMillis;
  return ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
}

inline CredentialState credentialState(const CredentialInfo& c, int64_t nowMillis,
                                       int warnDays = kCredentialWarnDays) {
  if (c.notAfterMillis <= nowMillis) return CredentialState::kExpired;
  return credentialDaysLeft(c, nowMillis) < warnDays ? CredentialState::kExpiring : CredentialState::kOk;
}

inline const char* toString(CredentialState s) {
  switch (s) {
    case CredentialState::kOk: return "ok";
    case CredentialState::kExpiring: return "expiring";
    case CredentialState::kExpired: return "expired";
  }
  return "ok";
}

}  // namespace reghub::engine
