#include "adapters/rehab/settings.h"

#include <stdexcept>

namespace reghub::rehab {

const std::vector<config::Key>& settingKeys() {
  using namespace config;
  static const std::vector<Key> kKeys = [] {
    std::vector<Key> keys = {
        dateKey("rehab.reportingStart",
                "first reportable day; the § 140 IG states no reporting start (empty: every day up to --as-of)")
            .fromEnv("REGHUB_REHAB_REPORTING_START"),
        urlKey("rehab.fullUrlBase", {"http", "https"}, "base of the DeliveryReport entries' fullUrls")
            .withDefault("http://fhir.kl.dk/rehab")
            .fromEnv("REGHUB_REHAB_FULLURL_BASE"),
        urlKey("rehab.endpoint", {"https"},
               "FK Gateway base URL; each report is PUT {endpoint}/fhir/Bundle/{id}. Empty: § 140 is validated, not "
               "delivered")
            .fromEnv("REGHUB_REHAB_ENDPOINT"),
        pathKey("rehab.caFile", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)")
            .fromEnv("REGHUB_REHAB_CA_FILE"),
        pathKey("rehab.clientCertFile", "PEM client certificate for mutual TLS (optional)"),
        pathKey("rehab.clientKeyFile", "PEM private key of rehab.clientCertFile"),
        millisKey("rehab.connectTimeoutMs", "connect timeout per delivery attempt").withDefault("5000").range(1),
        millisKey("rehab.timeoutMs", "send/receive timeout per delivery attempt").withDefault("30000").range(1),
        enumKey("rehab.focusCondition.enteredInError", {"omit", "withhold"},
                "an entered-in-error fokustilstand cannot be valid (IG: clinicalStatus 1..1, R4 con-5 forbids it): "
                "omit = leave it out of the report with a warning; withhold = keep it, so the report fails and is not "
                "sent until KL answers")
            .withDefault("omit"),
        pathKey("rehab.sandbox.tlsDir",
                "sandbox: directory for its dev TLS files (empty: a fresh temporary directory)"),
        enumKey("rehab.sandbox.auth", {"required", "off"},
                "sandbox: required = every PUT needs a bearer token from its token endpoint (FK Gateway's rule); "
                "off = plain PUTs")
            .withDefault("required"),
    };
    // FK Gateway access (adapters/kl_gateway/auth_settings.h): rehab.auth.*, rehab.sandbox.token….
    for (auto& k : kl_gateway::authKeys("rehab")) keys.push_back(std::move(k));
    return keys;
  }();
  return kKeys;
}

namespace {
const config::Key& key(std::string_view name) {
  for (const auto& k : settingKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared rehab key " + std::string(name));
}
}  // namespace

Settings Settings::fromConfig(const config::Config& c) {
  Settings s;
  if (const auto start = c.getOptional(key("rehab.reportingStart")); start && !start->empty())
    s.reportingStart = model::Date::parse(*start);
  s.fullUrlBase = c.getOptional(key("rehab.fullUrlBase")).value_or(key("rehab.fullUrlBase").defaultValue);
  while (!s.fullUrlBase.empty() && s.fullUrlBase.back() == '/') s.fullUrlBase.pop_back();
  s.endpoint = c.getOptional(key("rehab.endpoint")).value_or("");
  s.tls.caFile = c.getString(key("rehab.caFile"));
  s.tls.clientCertFile = c.getString(key("rehab.clientCertFile"));
  s.tls.clientKeyFile = c.getString(key("rehab.clientKeyFile"));
  s.tls.connectTimeout = std::chrono::milliseconds(c.getInt(key("rehab.connectTimeoutMs")));
  s.tls.timeout = std::chrono::milliseconds(c.getInt(key("rehab.timeoutMs")));
  s.view.enteredInErrorFocus = c.getOptional(key("rehab.focusCondition.enteredInError")).value_or("omit") == "withhold"
                                   ? EnteredInErrorFocus::kWithhold
                                   : EnteredInErrorFocus::kOmit;
  s.sandboxTlsDir = c.getString(key("rehab.sandbox.tlsDir"));
  s.sandboxRequiresToken = c.getOptional(key("rehab.sandbox.auth")).value_or("required") == "required";
  s.auth = kl_gateway::AuthSettings::fromConfig(c, "rehab", s.tls);
  return s;
}

}  // namespace reghub::rehab
