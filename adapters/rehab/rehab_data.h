#pragma once
// The § 140 adapter's data, loaded once and checked at start-up (all under
// $REGHUB_DATA_DIR, else the build's REGHUB_DATA_DIR_DEFAULT):
//   profiles/rehab/ig, profiles/rehab/parents  the IG's and DK-core's profiles (kl_gateway::ProfileSet)
//   profiles/rehab/terminology.json            the value-set expansions
//   profiles/fhir-r4/core.json                 R4 core (REH-CORE-01/02)
//   profiles/rehab/rules.json                  every REH rule with its Danish message, and which
//                                              validator finding (invariant key, profile element) is which rule
// RehabData::get() throws std::runtime_error (once, on first use) when a
// file is missing or inconsistent (e.g. a rule map naming an id RULES.md
// lacks is caught by the coverage test); afterwards immutable, thread-safe.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/kl_gateway/code_displays.h"
#include "adapters/kl_gateway/ig_view.h"
#include "adapters/kl_gateway/profile_validator.h"
#include "adapters/kl_gateway/rule_map.h"

namespace reghub::rehab {

using kl_gateway::kCprSystem;
using kl_gateway::kSorSystem;
inline constexpr const char* kCscSystem = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes";
inline constexpr const char* kFsiiiSystem = "urn:oid:1.2.208.176.2.21";
inline constexpr const char* kSksDSystem = "urn:oid:1.2.208.176.2.4.12";
// ServiceTypes140's one code: "Kommunal genoptræning efter sygehusophold" (the GGOP).
inline constexpr const char* kGgopCode = "7fc66c15-0cb3-4c89-9e18-f3a01e6a6592";
inline constexpr const char* kVsCarePlanCategories = "http://fhir.kl.dk/rehab/ValueSet/CarePlanCategories140";
inline constexpr const char* kVsTrainingInterventions = "http://fhir.kl.dk/term/ValueSet/KLTrainingInterventionsFSIII";

// Namespace of the § 140 adapter's name-based ids (RFC 4122 v5): resources and reports.
inline constexpr const char* kIdNamespace = "5b0c2e8f-6a1d-5f3e-8c47-2d9e1b7a4c60";

// Profile ids (the last segment of the StructureDefinition url).
inline constexpr const char* kProfileReport = "klgateway-140-delivery-report";
inline constexpr const char* kProfileIncremental = "klgateway-140-incremental-delivery";
inline constexpr const char* kProfileCitizen = "klgateway-140-citizen";
inline constexpr const char* kProfileOrganization = "klgateway-140-organization";
inline constexpr const char* kProfileServiceRequest = "klgateway-140-servicerequest";
inline constexpr const char* kProfileFocusCondition = "klgateway-140-focus-condition";
inline constexpr const char* kProfileCondition = "klgateway-140-condition";
inline constexpr const char* kProfileCarePlan = "klgateway-140-care-plan";
inline constexpr const char* kProfileIntervention = "klgateway-140-planned-intervention";
inline constexpr const char* kProfileEncounter = "klgateway-140-encounter";

std::string profileUrl(std::string_view id);

using kl_gateway::RuleText;

class RehabData {
 public:
  static const RehabData& get();
  // From a directory holding profiles/. Throws std::runtime_error.
  static RehabData load(const std::string& dataDir);
  static std::string dataDir();

  const kl_gateway::ProfileValidator& validator() const { return *validator_; }
  const kl_gateway::ProfileSet& profiles() const { return validator_->profiles(); }
  // Every REH rule with its Danish message, and which validator finding is which (rules.json).
  const kl_gateway::RuleMap& rules() const { return rules_; }
  // The code systems' displays (terminology.json), for REH-TERM-01.
  const kl_gateway::CodeDisplays& displays() const { return displays_; }

 private:
  std::shared_ptr<const kl_gateway::ProfileValidator> validator_;
  kl_gateway::RuleMap rules_;
  kl_gateway::CodeDisplays displays_;
};

}  // namespace reghub::rehab
