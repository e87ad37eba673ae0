#include "hub/dashboard/sessions.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace reghub::dashboard {

std::string randomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a session id");
  // Each half-byte as a letter a–p: no digits, so a token can never look
  // like a CPR number to the masking of logs and pages.
  std::string out;
  for (const unsigned char b : bytes) {
    out += static_cast<char>('a' + (b >> 4));
    out += static_cast<char>('a' + (b & 15));
  }
  return out;
}

bool sameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Session Sessions::create(const api::ApiClient& client, int64_t now) {
  Session s{randomToken(), randomToken(), client,
            now + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count()};
  s.client.token.clear();  // not needed after sign-in
  std::lock_guard lock(mutex_);
  // Expired sessions go when a new one comes: the map stays as small as the signed-in users.
  for (auto it = sessions_.begin(); it != sessions_.end();) it = it->second.expiresAt <= now ? sessions_.erase(it) : ++it;
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> Sessions::find(const std::string& id, int64_t now) {
  if (id.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expiresAt <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Sessions::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

}  // namespace reghub::dashboard
