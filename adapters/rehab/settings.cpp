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
        enumKey("rehab.focusCondition.enteredInError", {"omit", "withhold"},
                "an entered-in-error fokustilstand cannot be valid (IG: clinicalStatus 1..1, R4 con-5 forbids it): "
                "omit = leave it out of the report with a warning; withhold = keep it, so the report fails and is not "
                "sent until KL answers")
            .withDefault("omit"),
    };
    // FK Gateway delivery and access (adapters/kl_gateway/delivery_settings.h).
    for (auto& k : kl_gateway::deliveryKeys("rehab", "§ 140")) keys.push_back(std::move(k));
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
  s.view.enteredInErrorFocus = c.getOptional(key("rehab.focusCondition.enteredInError")).value_or("omit") == "withhold"
                                   ? EnteredInErrorFocus::kWithhold
                                   : EnteredInErrorFocus::kOmit;
  s.delivery = kl_gateway::DeliverySettings::fromConfig(c, "rehab", settingKeys());
  return s;
}

}  // namespace reghub::rehab
