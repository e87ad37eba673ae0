#include "adapters/ltt/settings.h"

#include <stdexcept>

#include "adapters/ltt/ltt_data.h"

namespace reghub::ltt {

const std::vector<config::Key>& settingKeys() {
  using namespace config;
  static const std::vector<Key> kKeys = [] {
  std::vector<Key> keys = {
      dateKey(
          "ltt.reportingStart",
          "first reportable day (default: the IG's, from profiles/ltt/ltt-constraints.json); earlier only for tests "
          "of the IG's 2025 examples")
          .fromEnv("REGHUB_LTT_REPORTING_START"),
      urlKey("ltt.fullUrlBase", {"http", "https"}, "base of the DeliveryReport entries' fullUrls")
          .withDefault("http://fhir.kl.dk/ltt")
          .fromEnv("REGHUB_LTT_FULLURL_BASE"),
      urlKey(
          "ltt.endpoint", {"https"},
          "FK Gateway base URL; each report is PUT {endpoint}/fhir/Bundle/{id}. Empty: LTT is validated, not delivered")
          .fromEnv("REGHUB_LTT_ENDPOINT"),
      pathKey("ltt.caFile", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)")
          .fromEnv("REGHUB_LTT_CA_FILE"),
      pathKey("ltt.clientCertFile", "PEM client certificate for mutual TLS (optional)"),
      pathKey("ltt.clientKeyFile", "PEM private key of ltt.clientCertFile"),
      millisKey("ltt.connectTimeoutMs", "connect timeout per delivery attempt").withDefault("5000").range(1),
      millisKey("ltt.timeoutMs", "send/receive timeout per delivery attempt").withDefault("30000").range(1),
      pathKey("ltt.sandbox.tlsDir", "sandbox: directory for its dev TLS files (empty: a fresh temporary directory)"),
      enumKey("ltt.sandbox.auth", {"required", "off"},
              "sandbox: required = every PUT needs a bearer token from its token endpoint (FK Gateway's rule); "
              "off = plain PUTs (only to test a hub that predates OAuth)")
          .withDefault("required"),
  };
  // FK Gateway access (adapters/kl_gateway/auth_settings.h): ltt.auth.*, ltt.sandbox.token….
  for (auto& k : kl_gateway::authKeys("ltt")) keys.push_back(std::move(k));
  return keys;
  }();
  return kKeys;
}

namespace {
const config::Key& key(std::string_view name) {
  for (const auto& k : settingKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared ltt key " + std::string(name));
}
}  // namespace

Settings Settings::fromConfig(const config::Config& c) {
  Settings s;
  s.reportingStart = LttData::get().reportingStart();
  if (const auto start = c.getOptional(key("ltt.reportingStart"))) s.reportingStart = *model::Date::parse(*start);
  s.fullUrlBase = c.getOptional(key("ltt.fullUrlBase")).value_or(key("ltt.fullUrlBase").defaultValue);
  while (!s.fullUrlBase.empty() && s.fullUrlBase.back() == '/') s.fullUrlBase.pop_back();
  s.endpoint = c.getOptional(key("ltt.endpoint")).value_or("");
  s.tls.caFile = c.getString(key("ltt.caFile"));
  s.tls.clientCertFile = c.getString(key("ltt.clientCertFile"));
  s.tls.clientKeyFile = c.getString(key("ltt.clientKeyFile"));
  s.tls.connectTimeout = std::chrono::milliseconds(c.getInt(key("ltt.connectTimeoutMs")));
  s.tls.timeout = std::chrono::milliseconds(c.getInt(key("ltt.timeoutMs")));
  s.sandboxTlsDir = c.getString(key("ltt.sandbox.tlsDir"));
  s.sandboxRequiresToken = c.getOptional(key("ltt.sandbox.auth")).value_or("required") == "required";
  s.auth = kl_gateway::AuthSettings::fromConfig(c, "ltt", s.tls);
  return s;
}

}  // namespace reghub::ltt
