#pragma once
// The § 140 adapter's configuration keys (all under "rehab.", all optional),
// declared once (hub/config/key.h); some fall back to an environment variable:
//   rehab.reportingStart  REGHUB_REHAB_REPORTING_START  first reportable day (the IG states none: empty = no limit)
//   rehab.fullUrlBase     REGHUB_REHAB_FULLURL_BASE     base of entry fullUrls (default http://fhir.kl.dk/rehab)
//   rehab.endpoint        REGHUB_REHAB_ENDPOINT         FK Gateway base URL (https://…); PUT {endpoint}/fhir/Bundle/{id}.
//                                                        Empty: § 140 is validated and rendered, not delivered
//   rehab.caFile          REGHUB_REHAB_CA_FILE          PEM CA bundle to trust (default: system CAs)
//   rehab.clientCertFile / rehab.clientKeyFile        optional mutual TLS
//   rehab.connectTimeoutMs (5000), rehab.timeoutMs (30000)
//   rehab.focusCondition.enteredInError  omit | withhold   where the IG cannot carry an
//                                                        entered-in-error fokustilstand (RULES.md note 3; README)
//   rehab.sandbox.tlsDir, rehab.sandbox.auth (required | off)   `reghub sandbox rehab`
//   rehab.auth.*, rehab.sandbox.token…/clockSkewMs    FK Gateway access (adapters/kl_gateway/auth_settings.h)
// Built once at start-up (register.cpp) and shared immutable.
#include <optional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/rehab/rehab_view.h"
#include "hub/config/config.h"
#include "hub/model/date.h"
#include "hub/net/https_client.h"

namespace reghub::rehab {

const std::vector<config::Key>& settingKeys();

struct Settings {
  std::optional<model::Date> reportingStart;
  std::string fullUrlBase = "http://fhir.kl.dk/rehab";
  ViewOptions view;
  std::string endpoint;  // empty = not configured for delivery
  net::HttpsClientOptions tls;
  std::string sandboxTlsDir;  // empty = a fresh temporary directory
  bool sandboxRequiresToken = true;
  kl_gateway::AuthSettings auth;  // auth.enabled() false: PUTs carry no Authorization

  // Reads the rehab.* keys (their environment variables when a key is not
  // set). Throws config::ConfigError on a bad value.
  static Settings fromConfig(const config::Config& config);
};

}  // namespace reghub::rehab
