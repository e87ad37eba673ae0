#pragma once
// The LTT adapter's configuration keys (all under "ltt.", all optional),
// declared once (hub/config/key.h); some fall back to an environment
// variable, declared with the key (the CLI sets them without a file):
//   ltt.reportingStart   REGHUB_LTT_REPORTING_START  first reportable day (default from
//                                                     profiles/ltt/ltt-constraints.json, 2026-04-01);
//                                                     tests of the IG's 2025 examples set it earlier
//   ltt.fullUrlBase      REGHUB_LTT_FULLURL_BASE     base of entry fullUrls (default http://fhir.kl.dk/ltt)
//   ltt.endpoint         REGHUB_LTT_ENDPOINT         FK Gateway base URL (https://…); PUT {endpoint}/fhir/Bundle/{id}.
//                                                     Empty: LTT is validated and rendered, not delivered
//   ltt.caFile           REGHUB_LTT_CA_FILE          PEM CA bundle to trust (default: system CAs)
//   ltt.clientCertFile / ltt.clientKeyFile        optional mutual TLS
//   ltt.connectTimeoutMs (5000), ltt.timeoutMs (30000)
//   ltt.sandbox.tlsDir                            `reghub sandbox ltt`: where its dev TLS files go
//   ltt.sandbox.auth     required | off           does the sandbox demand a bearer token on PUT
//   ltt.auth.*, ltt.sandbox.token…/clockSkewMs    FK Gateway access (adapters/kl_gateway/auth_settings.h)
// Built once at start-up (register.cpp) and shared immutable.
#include <string>
#include <vector>

#include "adapters/kl_gateway/delivery_settings.h"
#include "hub/config/config.h"
#include "hub/model/date.h"
#include "hub/net/https_client.h"

namespace reghub::ltt {

const std::vector<config::Key>& settingKeys();

struct Settings {
  model::Date reportingStart;
  std::string fullUrlBase = "http://fhir.kl.dk/ltt";
  // Delivery (deliverer.h); endpoint empty = not configured for delivery.
  std::string endpoint;
  net::HttpsClientOptions tls;
  // Sandbox (sandbox.h): empty = a fresh temporary directory.
  std::string sandboxTlsDir;
  bool sandboxRequiresToken = true;
  // FK Gateway access; auth.enabled() false: PUTs carry no Authorization.
  kl_gateway::AuthSettings auth;

  // Reads the ltt.* keys (their environment variables when a key is not
  // set). Throws config::ConfigError on a bad value.
  static Settings fromConfig(const config::Config& config);
};

}  // namespace reghub::ltt
