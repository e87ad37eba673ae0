#pragma once
// KOMBIT STS for FK Gateway, both sides, on hub/security's WS-Trust parts:
// - the client: a SubjectTokenSource over security::WsTrustClient — the
//   WS-Trust 1.3 Issue request (SOAP 1.2 by default; BinarySecurityToken +
//   signature with the function certificate; AppliesTo = the service's
//   entity id; wst:Claims with the kommune's CVR); the answer's assertion
//   is checked (signed by the configured STS certificate, issuer, audience,
//   validity, bound to our certificate) before it is exchanged;
// - the sandbox: security::StsStandIn as KOMBIT's (SOAP 1.2, CVR claim, a
//   signing certificate of its own), trusting function certificates of the
//   sandbox's dev client CA, served at /kombit/sts.
#include <memory>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/sandbox_auth.h"
#include "adapters/kl_gateway/subject_token.h"
#include "hub/security/credentials.h"
#include "hub/security/sts_stand_in.h"

namespace reghub::kl_gateway {

// Thread-safe; does no I/O until issue() beyond reading the STS signing
// certificate. Throws config::ConfigError naming the setting when that
// certificate cannot be read.
std::shared_ptr<SubjectTokenSource> makeKombitStsSource(const StsSettings& settings,
                                                        std::shared_ptr<const security::Credentials> credentials);

// The sandbox's KOMBIT STS stand-in. verify() checks an assertion as FK
// Gateway's token endpoint does: its signature by this stand-in's key,
// issuer, audience (the service entity id) and validity (with the skew).
class KombitStsStandIn final : public StsStandIn {
 public:
  // Makes its own signing certificate (a dev PKI) and writes it as
  // sts-signing.pem into options.dir, for the client's check.
  KombitStsStandIn(const std::string& baseUrl, const std::string& clientCaFile, const SandboxAuthOptions& options);
  std::string path() const override { return "/kombit/sts"; }
  net::HttpResponse handle(const net::HttpRequest& request) override { return sts_->handle(request); }
  SubjectCheck verify(const std::string& assertionXml, Clock::time_point now) const override;
  std::string signingCertFile() const override { return signingCertFile_; }
  // The generic stand-in (tests: issueAssertion() with other facts).
  security::StsStandIn& generic() { return *sts_; }
  const std::string& entityId() const { return entityId_; }

 private:
  std::string entityId_, audience_, signingCertFile_;
  std::shared_ptr<const security::Credentials> signingKey_;
  std::unique_ptr<security::StsStandIn> sts_;
  std::chrono::seconds skew_;
};

// The StsStandInFactory the KL Gateway sandboxes use by default.
std::unique_ptr<StsStandIn> kombitStsStandIn(const std::string& baseUrl, const std::string& clientCaFile,
                                             const SandboxAuthOptions& options);

}  // namespace reghub::kl_gateway
