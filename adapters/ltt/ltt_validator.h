#pragma once
// LTT's validator: a KLGatewayLTTDeliveryReport or KLGatewayLTTIncrementalDelivery
// checked as it stands, the way FK Gateway would on receipt. Two parts:
//   - the profiles, by adapters/kl_gateway's ProfileValidator over
//     profiles/ltt/ig (the IG's StructureDefinitions), profiles/ltt/parents
//     (DK-core's CPR and SOR identifiers, reconstructed from RULES.md) and the
//     R4 core; each finding is said as its LTT rule by profiles/ltt/rules.json
//     (ProfileRuleMap);
//   - the rules no profile states (report_rules.h): references that must
//     resolve inside the report, SDS's CPR receipt check, the reporting
//     period, the IG's prose status advice, displays, unknown extensions.
// The same validator runs on inbound KL bundles (validate), on every
// outbound report (render), in the sandbox and on the run wrapper.
// Loaded once (LttValidator::get(), throws std::runtime_error on bad data);
// const and thread-safe afterwards.
#include <rapidjson/fwd.h>

#include <functional>
#include <memory>
#include <string>

#include "adapters/kl_gateway/core_validator.h"
#include "adapters/kl_gateway/profile_set.h"
#include "adapters/kl_gateway/profile_validator.h"
#include "adapters/ltt/ltt_data.h"
#include "adapters/ltt/report_rules.h"
#include "hub/diag/reporter.h"

namespace reghub::ltt {

// LTT's ids for core R4 problems (RULES.md LTT-CORE-01/02).
inline constexpr kl_gateway::CoreRules kCoreRules{"LTT-CORE-01", "LTT-CORE-02"};

// profiles/ltt/rules.json: a ProfileValidator finding -> its LTT rule, by
// invariant key or core rule ("findings"), by the validator's rule on a
// profile ("kinds"), by the longest element id that is a prefix of the
// finding's element ("elements"), else the profile's catch-all ("profiles").
class ProfileRuleMap {
 public:
  explicit ProfileRuleMap(const std::string& file);
  ProfileRuleMap(const ProfileRuleMap&) = delete;
  ProfileRuleMap& operator=(const ProfileRuleMap&) = delete;
  ~ProfileRuleMap();
  // "<validator rule>(unmapped)" when nothing matches (a test names it).
  std::string ruleOf(const diag::Diagnostic& d) const;

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

class LttValidator {
 public:
  // From LttData::dataDir(): profiles/ltt/{ig,parents,rules.json}, mapping/ltt/terminology.json,
  // profiles/fhir-r4/core.json. Loaded on first use.
  static const LttValidator& get();
  explicit LttValidator(const std::string& dataDir);

  // Dispatches on klBundleKind; a document of neither kind is LTT-DR-05.
  void validateDocument(const rapidjson::Value& doc, const IgOptions& opt, const diag::Reporter& out) const;
  // One DeliveryReport (core validity included); `entryReporter` narrows an
  // entry's diagnostics (outbound: the forløb it belongs to). With `memo`
  // (one per citizen's run, outliving the reports it saw), an entry's
  // resource identical to one found core-valid in an earlier report is not
  // core-walked again (the Patient and a forløb's CarePlan, re-sent in every
  // report); the diagnostics are the same as without it.
  void validateReport(const rapidjson::Value& bundle, const IgOptions& opt, const diag::Reporter& out,
                      const EntryReporter& entryReporter = {}, kl_gateway::CleanResources* memo = nullptr) const;

  const kl_gateway::ProfileValidator& profiles() const { return profiles_; }
  const ProfileRuleMap& ruleMap() const { return rules_; }

 private:
  // The ProfileValidator's findings on `doc`, said as LTT rules at LTT's paths.
  void checkProfiles(const rapidjson::Value& doc, const diag::Reporter& out, const EntryReporter& entryReporter,
                     kl_gateway::CleanResources* memo = nullptr) const;

  kl_gateway::ProfileValidator profiles_;
  ProfileRuleMap rules_;
  ReportRules reportRules_;
};

}  // namespace reghub::ltt
