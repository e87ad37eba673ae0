#include "adapters/rehab/rehab_data.h"

#include <cstdlib>
#include <stdexcept>

namespace reghub::rehab {

std::string profileUrl(std::string_view id) { return "http://fhir.kl.dk/rehab/StructureDefinition/" + std::string(id); }

std::string RehabData::dataDir() {
  if (const char* env = std::getenv("REGHUB_DATA_DIR"); env && *env) return env;
  return REGHUB_DATA_DIR_DEFAULT;
}

RehabData RehabData::load(const std::string& dir) {
  RehabData d;
  d.validator_ = std::make_shared<const kl_gateway::ProfileValidator>(
      kl_gateway::ProfileSet::load(std::vector<std::string>{dir + "/profiles/rehab/ig", dir + "/profiles/rehab/parents"},
                                   dir + "/profiles/rehab/terminology.json", dir + "/profiles/fhir-r4/core.json"),
      kl_gateway::CoreRules{"REH-CORE-01", "REH-CORE-02"});
  d.rules_ = kl_gateway::RuleMap::load(dir + "/profiles/rehab/rules.json", d.profiles(), "http://fhir.kl.dk/rehab/",
                                       kProfileReport);
  d.displays_ = kl_gateway::CodeDisplays::load(dir + "/profiles/rehab/terminology.json");
  return d;
}

const RehabData& RehabData::get() {
  static const RehabData data = load(dataDir());
  return data;
}

}  // namespace reghub::rehab
