#pragma once
// Builds FK Gateway access from an adapter's AuthSettings once per process:
// loads the function certificate and key (hub/security/credentials.h;
// passphrase from the environment), makes the client assertion signer, the
// token exchange client, the KOMBIT STS source and the token cache.
// Throws config::ConfigError (exit 78) for unreadable or wrong credentials,
// naming the setting. The result is thread-safe and shared by all workers.
#include <memory>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/gateway_auth.h"
#include "hub/security/credentials.h"

namespace reghub::kl_gateway {

struct GatewayAccess {
  std::shared_ptr<const security::Credentials> credentials;
  std::shared_ptr<GatewayAuth> auth;
};

// `sts` null: makeKombitStsSource(settings.sts, credentials).
GatewayAccess makeGatewayAccess(const AuthSettings& settings, std::shared_ptr<SubjectTokenSource> sts = nullptr);

}  // namespace reghub::kl_gateway
