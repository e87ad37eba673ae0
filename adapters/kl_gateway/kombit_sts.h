#pragma once
// KOMBIT STS for FK Gateway, both sides, on hub/security's WS-Trust parts:
// - the client: a SubjectTokenSource that sends the WS-Trust 1.3 Issue
//   request (SOAP 1.2 by default; BinarySecurityToken + signature with the
//   function certificate; AppliesTo = the service's entity id; wst:Claims
//   with the kommune's CVR) and returns the SAML assertion;
// - the sandbox: its STS stand-in (hub/security's generic STS stand-in,
//   SOAP 1.2, CVR claim), trusting function certificates of the sandbox's
//   dev CA, served at /kombit/sts.
#include <memory>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/sandbox_auth.h"
#include "adapters/kl_gateway/subject_token.h"
#include "hub/security/credentials.h"

namespace reghub::kl_gateway {

// Thread-safe. Does no I/O until issue(). Throws config::ConfigError for
// unusable settings (a CA file that cannot be read).
std::shared_ptr<SubjectTokenSource> makeKombitStsSource(const StsSettings& settings,
                                                        std::shared_ptr<const security::Credentials> credentials);

// The StsStandInFactory the KL Gateway sandboxes use by default.
std::unique_ptr<StsStandIn> kombitStsStandIn(const std::string& baseUrl, const std::string& clientCaFile,
                                             const SandboxAuthOptions& options);

}  // namespace reghub::kl_gateway
