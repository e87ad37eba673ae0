#include "tests/adapters/kl_gateway/profile_test_util.h"

#include "adapters/kl_gateway/json_file.h"

namespace reghub::kl_gateway::test {

std::filesystem::path sourceDir() { return REGHUB_SOURCE_DIR; }
std::filesystem::path rehabReference() { return std::filesystem::path(REGHUB_SHARED_DIR) / "reference" / "rehab"; }

std::shared_ptr<const ProfileSet> rehabProfiles() {
  static const auto set = ProfileSet::load(std::vector<std::string>{(sourceDir() / "profiles/rehab/ig").string(),
                                                                    (sourceDir() / "profiles/rehab/parents").string()},
                                           (sourceDir() / "profiles/rehab/terminology.json").string(),
                                           (sourceDir() / "profiles/fhir-r4/core.json").string());
  return set;
}

rapidjson::Document readJson(const std::filesystem::path& file) { return readJsonFile(file.string()); }

std::string show(const std::vector<diag::Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.rule + " " + d.field + " @" + d.path + ": " + d.message + "\n";
  return out;
}

}  // namespace reghub::kl_gateway::test
