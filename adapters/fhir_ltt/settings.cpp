#include "adapters/fhir_ltt/settings.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <cstdlib>
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

Settings settingsFor(const engine::RunContext& ctx) {
  Settings s;
  s.reportingStart = LttData::get().reportingStart();
  const std::string start = settingValue(ctx.config, "ltt.reporting-start", "REGHUB_LTT_REPORTING_START", "");
  if (!start.empty()) {
    const auto d = model::Date::parse(start);
    if (!d) throw std::invalid_argument("ltt.reporting-start must be a date YYYY-MM-DD, got '" + start + "'");
    s.reportingStart = *d;
  }
  s.fullUrlBase = settingValue(ctx.config, "ltt.fullurl-base", "REGHUB_LTT_FULLURL_BASE", s.fullUrlBase);
  while (!s.fullUrlBase.empty() && s.fullUrlBase.back() == '/') s.fullUrlBase.pop_back();
  return s;
}

}  // namespace reghub::ltt
