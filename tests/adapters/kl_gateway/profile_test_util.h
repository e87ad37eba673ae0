#pragma once
// Shared by the profile validator's tests: the shipped § 140 profile set,
// JSON files, diagnostics as text. Test-only.
#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/kl_gateway/profile_set.h"
#include "hub/diag/diagnostic.h"

namespace reghub::kl_gateway::test {

std::filesystem::path sourceDir();
std::filesystem::path rehabReference();  // ../shared/reference/rehab
std::shared_ptr<const ProfileSet> rehabProfiles();  // profiles/rehab, loaded once
rapidjson::Document readJson(const std::filesystem::path& file);
std::string show(const std::vector<diag::Diagnostic>& ds);

}  // namespace reghub::kl_gateway::test
