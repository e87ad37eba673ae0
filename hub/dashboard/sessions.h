#pragma once
// Signed-in dashboard users, held in memory (a restart signs everyone out;
// several `reghub run` processes behind one address need sticky sessions
// until sessions move to the store). A session's id and its CSRF token are
// 32 random bytes each (OpenSSL's RAND_bytes), as letters a–p; a session ends after
// `lifetime` from sign-in, or at sign-out. Thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "hub/api/api_client.h"

namespace reghub::dashboard {

struct Session {
  std::string id, csrf;
  api::ApiClient client;  // a copy: roles and kommuner as at sign-in
  int64_t expiresAt = 0;  // ms since the epoch
};

class Sessions {
 public:
  explicit Sessions(std::chrono::seconds lifetime) : lifetime_(lifetime) {}
  Session create(const api::ApiClient& client, int64_t now);
  // The live session with this id, or nullopt (unknown, ended or expired).
  std::optional<Session> find(const std::string& id, int64_t now);
  void remove(const std::string& id);
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::chrono::seconds lifetime_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

// 32 random bytes as 64 letters a–p; throws std::runtime_error when the
// system has no randomness to give.
std::string randomToken();
// Equal in time independent of where they differ.
bool sameSecret(const std::string& a, const std::string& b);

}  // namespace reghub::dashboard
