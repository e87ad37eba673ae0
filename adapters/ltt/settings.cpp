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
  };
  // FK Gateway delivery and access (adapters/kl_gateway/delivery_settings.h): ltt.endpoint …, ltt.auth.*.
  for (auto& k : kl_gateway::deliveryKeys("ltt", "LTT")) keys.push_back(std::move(k));
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
  kl_gateway::DeliverySettings d = kl_gateway::DeliverySettings::fromConfig(c, "ltt", settingKeys());
  s.endpoint = std::move(d.endpoint);
  s.tls = std::move(d.tls);
  s.sandboxTlsDir = std::move(d.sandboxTlsDir);
  s.sandboxRequiresToken = d.sandboxRequiresToken;
  s.auth = std::move(d.auth);
  return s;
}

}  // namespace reghub::ltt
