#pragma once
// The LTT adapter's configuration keys (all optional), read from the run's
// configuration (keys "ltt.*") with environment fallbacks for the CLI:
//   ltt.reportingStart   REGHUB_LTT_REPORTING_START  first reportable day (default 2026-04-01, from
//                                                     profiles/ltt/ltt-constraints.json); tests of the
//                                                     IG's 2025 examples set it earlier
//   ltt.fullUrlBase      REGHUB_LTT_FULLURL_BASE     base of entry fullUrls (default http://fhir.kl.dk/ltt)
//   ltt.endpoint          REGHUB_LTT_ENDPOINT         FK Gateway base URL (https://…); PUT {endpoint}/fhir/Bundle/{id}
//   ltt.caFile           REGHUB_LTT_CA_FILE          PEM CA bundle to trust (default: system CAs)
//   ltt.clientCertFile / ltt.clientKeyFile        optional mutual TLS
//   ltt.connectTimeoutMs (5000), ltt.timeoutMs (30000)
// Throws std::invalid_argument on a malformed value.
#include <string>

#include "hub/engine/adapter.h"

namespace reghub::ltt {

struct Settings {
  model::Date reportingStart;
  std::string fullUrlBase = "http://fhir.kl.dk/ltt";
};

Settings settingsFor(const engine::RunContext& ctx);
// Throws std::invalid_argument naming the first "ltt.*" key that is not one
// of those above (a misspelt key must not silently fall back to a default).
void checkKnownKeys(const Poco::Util::AbstractConfiguration* config);
// A key from config (may be null) or the environment variable, else `def`.
std::string settingValue(const Poco::Util::AbstractConfiguration* config, const std::string& key, const char* env,
                         const std::string& def);

}  // namespace reghub::ltt
