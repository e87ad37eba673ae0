#pragma once
// The delivery keys every KL Gateway adapter declares under its own prefix
// (FK Gateway's endpoint, TLS, timeouts, its sandbox, and the access keys of
// auth_settings.h), declared once here so LTT and § 140 cannot drift apart:
//   <p>.endpoint         REGHUB_<P>_ENDPOINT  FK Gateway base URL (https://…); PUT {endpoint}/fhir/Bundle/{id}.
//                                             Empty: validated and rendered, not delivered
//   <p>.caFile           REGHUB_<P>_CA_FILE   PEM CA bundle to trust (default: system CAs)
//   <p>.clientCertFile / <p>.clientKeyFile    optional mutual TLS
//   <p>.connectTimeoutMs (5000), <p>.timeoutMs (30000)
//   <p>.sandbox.tlsDir                        `reghub sandbox <p>`: where its dev TLS files go
//   <p>.sandbox.auth     required | off       does the sandbox demand a bearer token on PUT
//   <p>.auth.*, <p>.sandbox.token…            FK Gateway access (auth_settings.h)
// Plus the access every deliverer of one adapter shares (GatewayAccessHolder).
// No I/O except GatewayAccessHolder (the certificate, on first use).
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/gateway_access.h"
#include "hub/config/config.h"
#include "hub/engine/adapter.h"
#include "hub/net/https_client.h"

namespace reghub::kl_gateway {

// The keys above, in --help order. `what` names the reports in descriptions ("LTT", "§ 140").
std::vector<config::Key> deliveryKeys(const std::string& prefix, const std::string& what);

struct DeliverySettings {
  std::string endpoint;  // empty = not configured for delivery
  net::HttpsClientOptions tls;
  std::string sandboxTlsDir;  // empty = a fresh temporary directory
  bool sandboxRequiresToken = true;
  AuthSettings auth;  // auth.enabled() false: PUTs carry no Authorization

  // Reads the keys of deliveryKeys(prefix) from `keys` (the adapter's declared
  // list). Throws config::ConfigError on a bad value.
  static DeliverySettings fromConfig(const config::Config& config, const std::string& prefix,
                                     const std::vector<config::Key>& keys);
};

// The FK Gateway access all of an adapter's deliverers share (one token
// cache), built on first use. Thread-safe.
class GatewayAccessHolder {
 public:
  // Borrows the adapter's immutable settings (they outlive the adapter that holds this).
  GatewayAccessHolder(std::string prefix, const std::string& endpoint, const net::HttpsClientOptions& tls,
                      const AuthSettings& auth, std::shared_ptr<SubjectTokenSource> sts)
      : prefix_(std::move(prefix)), endpoint_(endpoint), tls_(tls), auth_(auth), sts_(std::move(sts)) {}
  // nullopt without <p>.auth.realm. Throws config::ConfigError when the certificate cannot be loaded.
  std::optional<GatewayAccess> access() const;
  // The function certificate, for the expiry warnings; none without <p>.auth.realm.
  std::vector<engine::CredentialInfo> credentials() const;
  // A GatewayDeliverer for <p>.endpoint (nullptr without one).
  std::unique_ptr<engine::Deliverer> makeDeliverer() const;

 private:
  std::string prefix_;
  const std::string& endpoint_;
  const net::HttpsClientOptions& tls_;
  const AuthSettings& auth_;
  std::shared_ptr<SubjectTokenSource> sts_;
  mutable std::mutex mu_;
  mutable std::optional<GatewayAccess> access_;
};

// The message that sends a KL Gateway Bundle: PUT /fhir/Bundle/{id}, FHIR JSON.
void putBundle(engine::OutboundMessage& m, const std::string& bundleId);

}  // namespace reghub::kl_gateway
