#include "hub/api/api_client.h"

#include <openssl/crypto.h>

#include <cctype>

namespace reghub::api {

std::string_view toString(Role role) {
  switch (role) {
    case Role::kIntake:
      return "intake";
    case Role::kAnalyst:
      return "analyst";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

std::optional<Role> parseRole(std::string_view text) {
  for (Role r : {Role::kIntake, Role::kAnalyst, Role::kOperator, Role::kAdmin})
    if (toString(r) == text) return r;
  return std::nullopt;
}

bool grants(Role held, Role needed) {
  if (held == needed || held == Role::kAdmin) return true;
  // An operator who replays must see what he replays.
  return held == Role::kOperator && needed == Role::kAnalyst;
}

bool ApiClient::may(Role needed) const {
  for (Role r : roles)
    if (grants(r, needed)) return true;
  return false;
}

const ApiClient* ApiClients::byToken(std::string_view token) const {
  // Every client's token is compared, so the time taken tells nothing.
  const ApiClient* found = nullptr;
  for (const ApiClient& c : clients_) {
    const bool same = !c.token.empty() && c.token.size() == token.size() &&
                      CRYPTO_memcmp(c.token.data(), token.data(), token.size()) == 0;
    if (same && !found) found = &c;
  }
  return found;
}

const ApiClient* ApiClients::byCertificate(std::string_view subject, std::string_view sha256Hex) const {
  if (!sha256Hex.empty())
    for (const ApiClient& c : clients_)
      if (!c.certificateFingerprint.empty() && c.certificateFingerprint == sha256Hex) return &c;
  if (!subject.empty())
    for (const ApiClient& c : clients_)
      if (!c.certificateSubject.empty() && c.certificateSubject == subject) return &c;
  return nullptr;
}

std::string normalizeFingerprint(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(ch))) return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out.size() == 64 ? out : std::string();
}

}  // namespace reghub::api
