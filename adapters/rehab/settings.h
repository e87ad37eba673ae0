#pragma once
// The § 140 adapter's configuration keys (all under "rehab.", all optional),
// declared once (hub/config/key.h); some fall back to an environment variable:
//   rehab.reportingStart  REGHUB_REHAB_REPORTING_START  first reportable day (the IG states none: empty = no limit)
//   rehab.fullUrlBase     REGHUB_REHAB_FULLURL_BASE     base of entry fullUrls (default http://fhir.kl.dk/rehab)
//   rehab.focusCondition.enteredInError  omit | withhold   where the IG cannot carry an
//                                                        entered-in-error fokustilstand (RULES.md note 3; README)
//   rehab.endpoint, .caFile, .clientCertFile/.clientKeyFile, .connectTimeoutMs, .timeoutMs,
//   rehab.sandbox.tlsDir, rehab.sandbox.auth, rehab.auth.*   FK Gateway delivery and access, as
//                                                        every KL Gateway adapter (adapters/kl_gateway/delivery_settings.h)
// Built once at start-up (register.cpp) and shared immutable.
#include <optional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/delivery_settings.h"
#include "adapters/rehab/rehab_view.h"
#include "hub/config/config.h"
#include "hub/model/date.h"

namespace reghub::rehab {

const std::vector<config::Key>& settingKeys();

struct Settings {
  std::optional<model::Date> reportingStart;
  std::string fullUrlBase = "http://fhir.kl.dk/rehab";
  ViewOptions view;
  kl_gateway::DeliverySettings delivery;  // endpoint, TLS, sandbox, FK Gateway access

  // Reads the rehab.* keys (their environment variables when a key is not
  // set). Throws config::ConfigError on a bad value.
  static Settings fromConfig(const config::Config& config);
};

}  // namespace reghub::rehab
