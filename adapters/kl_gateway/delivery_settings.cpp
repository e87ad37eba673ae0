#include "adapters/kl_gateway/delivery_settings.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "adapters/kl_gateway/gateway_deliverer.h"

namespace reghub::kl_gateway {

std::vector<config::Key> deliveryKeys(const std::string& p, const std::string& what) {
  using namespace config;
  std::string env = "REGHUB_" + p + "_";
  std::transform(env.begin(), env.end(), env.begin(), [](unsigned char c) { return std::toupper(c); });
  std::vector<Key> keys = {
      urlKey(p + ".endpoint", {"https"},
             "FK Gateway base URL; each report is PUT {endpoint}/fhir/Bundle/{id}. Empty: " + what +
                 " is validated, not delivered")
          .fromEnv(env + "ENDPOINT"),
      pathKey(p + ".caFile", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)").fromEnv(env + "CA_FILE"),
      pathKey(p + ".clientCertFile", "PEM client certificate for mutual TLS (optional)"),
      pathKey(p + ".clientKeyFile", "PEM private key of " + p + ".clientCertFile"),
      millisKey(p + ".connectTimeoutMs", "connect timeout per delivery attempt").withDefault("5000").range(1),
      millisKey(p + ".timeoutMs", "send/receive timeout per delivery attempt").withDefault("30000").range(1),
      pathKey(p + ".sandbox.tlsDir", "sandbox: directory for its dev TLS files (empty: a fresh temporary directory)"),
      enumKey(p + ".sandbox.auth", {"required", "off"},
              "sandbox: required = every PUT needs a bearer token from its token endpoint (FK Gateway's rule); "
              "off = plain PUTs (only to test a hub that predates OAuth)")
          .withDefault("required"),
  };
  for (auto& k : authKeys(p)) keys.push_back(std::move(k));
  return keys;
}

DeliverySettings DeliverySettings::fromConfig(const config::Config& c, const std::string& p,
                                              const std::vector<config::Key>& keys) {
  const auto key = [&](const std::string& name) -> const config::Key& {
    for (const auto& k : keys)
      if (k.name == name) return k;
    throw std::logic_error("undeclared key " + name);
  };
  DeliverySettings s;
  s.endpoint = c.getOptional(key(p + ".endpoint")).value_or("");
  s.tls.caFile = c.getString(key(p + ".caFile"));
  s.tls.clientCertFile = c.getString(key(p + ".clientCertFile"));
  s.tls.clientKeyFile = c.getString(key(p + ".clientKeyFile"));
  s.tls.connectTimeout = std::chrono::milliseconds(c.getInt(key(p + ".connectTimeoutMs")));
  s.tls.timeout = std::chrono::milliseconds(c.getInt(key(p + ".timeoutMs")));
  s.sandboxTlsDir = c.getString(key(p + ".sandbox.tlsDir"));
  s.sandboxRequiresToken = c.getOptional(key(p + ".sandbox.auth")).value_or("required") == "required";
  s.auth = AuthSettings::fromConfig(c, p, s.tls);
  return s;
}

std::optional<GatewayAccess> GatewayAccessHolder::access() const {
  if (!auth_.enabled()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  if (!access_) access_ = makeGatewayAccess(auth_, sts_);
  return access_;
}

std::vector<engine::CredentialInfo> GatewayAccessHolder::credentials() const {
  const auto a = access();
  if (!a) return {};
  const std::string setting = prefix_ + (auth_.credentials.pkcs12File.empty() ? ".auth.certFile" : ".auth.pkcs12File");
  const auto notAfter =
      std::chrono::duration_cast<std::chrono::milliseconds>(a->credentials->notAfter().time_since_epoch());
  return {{setting, a->credentials->subject(), notAfter.count()}};
}

std::unique_ptr<engine::Deliverer> GatewayAccessHolder::makeDeliverer() const {
  if (endpoint_.empty()) return nullptr;
  const auto a = access();
  return std::make_unique<GatewayDeliverer>(DelivererConfig{endpoint_, tls_}, a ? a->auth : nullptr);
}

void putBundle(engine::OutboundMessage& m, const std::string& bundleId) {
  m.method = "PUT";
  m.target = "/fhir/Bundle/" + bundleId;
  m.contentType = "application/fhir+json";
}

}  // namespace reghub::kl_gateway
