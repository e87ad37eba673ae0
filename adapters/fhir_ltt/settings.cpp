#include "adapters/fhir_ltt/settings.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <cstdlib>
#include <set>
#include <vector>
#include <stdexcept>

#include "adapters/fhir_ltt/ltt_data.h"

namespace reghub::ltt {

std::string settingValue(const Poco::Util::AbstractConfiguration* config, const std::string& key, const char* env,
                         const std::string& def) {
  if (config && config->hasProperty(key)) return config->getString(key);
  if (env)
    if (const char* v = std::getenv(env); v && *v) return v;
  return def;
}

void checkKnownKeys(const Poco::Util::AbstractConfiguration* config) {
  if (!config) return;
  static const std::set<std::string> kKnown = {
      "reportingStart", "fullUrlBase",      "endpoint",  "caFile",          "clientCertFile",
      "clientKeyFile",  "connectTimeoutMs", "timeoutMs", "sandbox.tlsDir"};
  std::vector<std::string> pending{"ltt"};
  while (!pending.empty()) {
    const std::string prefix = pending.back();
    pending.pop_back();
    Poco::Util::AbstractConfiguration::Keys keys;
    config->keys(prefix, keys);
    for (const std::string& k : keys) {
      const std::string full = prefix + "." + k;
      Poco::Util::AbstractConfiguration::Keys sub;
      config->keys(full, sub);
      if (!sub.empty()) {
        pending.push_back(full);
        continue;
      }
      if (!kKnown.count(full.substr(4)))
        throw std::invalid_argument("unknown configuration key '" + full + "' (see adapters/fhir_ltt/README.md)");
    }
  }
}

Settings settingsFor(const engine::RunContext& ctx) {
  Settings s;
  s.reportingStart = LttData::get().reportingStart();
  const std::string start = settingValue(ctx.config, "ltt.reportingStart", "REGHUB_LTT_REPORTING_START", "");
  if (!start.empty()) {
    const auto d = model::Date::parse(start);
    if (!d) throw std::invalid_argument("ltt.reportingStart must be a date YYYY-MM-DD, got '" + start + "'");
    s.reportingStart = *d;
  }
  s.fullUrlBase = settingValue(ctx.config, "ltt.fullUrlBase", "REGHUB_LTT_FULLURL_BASE", s.fullUrlBase);
  while (!s.fullUrlBase.empty() && s.fullUrlBase.back() == '/') s.fullUrlBase.pop_back();
  return s;
}

}  // namespace reghub::ltt
