#pragma once
// `reghub check <KL adapter> --config FILE` for FK Gateway access: proves
// the setup without sending data, step by step —
//   1. the function certificate (loads, valid, days left; the kid it gives),
//   2. a KOMBIT STS assertion (issuer, subject, expiry),
//   3. the token exchange (the access token's subject and expiry),
// never printing a token, assertion, key or passphrase. A failing step says
// what is wrong and what to change (the setting), in Danish and English.
// Does network I/O; throws config::ConfigError for unreadable files (exit 78).
#include <optional>
#include <ostream>
#include <string>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/gateway_access.h"

namespace reghub::kl_gateway {

struct CheckTarget {
  std::string registry;  // "ltt": the key prefix and the command's name
  std::string endpoint;  // the gateway's FHIR base URL (empty: not configured)
  const AuthSettings* settings = nullptr;
};

// `access` nullopt: FK Gateway access is not configured (a failed check).
bool checkGatewaySetup(const CheckTarget& target, const std::optional<GatewayAccess>& access, std::ostream& out);

// What an error text from the STS or the token endpoint most likely means,
// and what to do, with the adapter's key prefix; empty when nothing more
// specific than the text itself is known.
std::string hintFor(const std::string& error, const std::string& prefix);

}  // namespace reghub::kl_gateway
