#pragma once
// Validates FHIR JSON against a KL Gateway IG's profiles (a ProfileSet):
// cardinalities (0..0 included), fixed/pattern values, maxLength, the types
// of a choice element, slices (the
// discriminators the KL IGs use: value/pattern on url or system, type on
// $this, profile on resource; closed slicing), required bindings over the
// IG's terminology, types and type profiles (a bundle entry's resource, an
// extension), references with aggregation "bundled" (they resolve inside
// the report, to a resource conforming to a target profile), and every
// invariant, evaluated verbatim by hub/fhirpath with conformsTo(),
// memberOf() and resolve() answered here.
//
// One walk per profile: its rules and invariants sit on the nodes of the
// profile's path tree (ProfileSet), each node's instances are selected once,
// and an element's path is put together only when something is reported.
//
// Problems are diagnostics (rule: the invariant's key, or one of the kRule…
// ids below; field: the profile's element id), never exceptions. Instance
// values are not quoted (a CPR number could be one), codes are. No I/O;
// const and thread-safe (each call keeps its own state).
#include <rapidjson/fwd.h>

#include <memory>
#include <string_view>

#include "adapters/kl_gateway/core_validator.h"
#include "adapters/kl_gateway/profile_set.h"
#include "hub/diag/reporter.h"

namespace reghub::kl_gateway {

inline constexpr const char* kRuleCardinality = "KLGW-CARD";
inline constexpr const char* kRuleFixed = "KLGW-FIXED";
inline constexpr const char* kRuleBinding = "KLGW-BINDING";
inline constexpr const char* kRuleSlice = "KLGW-SLICE";
inline constexpr const char* kRuleLength = "KLGW-LENGTH";
inline constexpr const char* kRuleType = "KLGW-TYPE";
inline constexpr const char* kRuleReference = "KLGW-REF";
inline constexpr const char* kRuleProfile = "KLGW-PROFILE";
inline constexpr const char* kRuleInvariantEval = "KLGW-INV-EVAL";
// R4 core validity (the set's CoreDefs), unless an adapter names its own ids.
inline constexpr CoreRules kCoreRules{"KLGW-CORE-01", "KLGW-CORE-02"};

// How findings that follow from another are reported.
struct ReportingOptions {
  // Report the root cause once. Off: a resource that fails its profile also
  // fails every place that needs it to conform — a reference's target
  // profile, an entry's slice by profile, a type with several profiles — and
  // each is reported (an IG whose rule list names those as rules of their
  // own, § 140's REH-PI-07). On: a resource this validation walks (an entry
  // of the Bundle, nested ones too) that claims the profile in meta.profile
  // counts as conforming there, because its own errors are reported at the
  // resource; and a slice's minimum is not reported when the sliced element
  // is missing and below its own minimum. Either way a report with a root
  // cause has an error; only the follow-on findings differ.
  bool rootCauseOnce = false;
};

class ProfileValidator {
 public:
  explicit ProfileValidator(std::shared_ptr<const ProfileSet> profiles, CoreRules core = kCoreRules,
                            ReportingOptions reporting = {})
      : set_(std::move(profiles)), core_(set_->core(), core), coreRules_(core), reporting_(reporting) {}

  // R4 core validity of the resource (nested resources included), then the
  // profiles: every loaded profile the resource claims in meta.profile; a
  // Bundle's entries too (each in the context of its innermost Bundle).
  void validate(const rapidjson::Value& resource, const diag::Reporter& out) const;
  // The same, with the core walk skipping each resource below the root
  // identical to one `clean` holds and adding those it found valid
  // (CoreValidator): the same diagnostics. The profiles are checked as above.
  void validate(const rapidjson::Value& resource, const diag::Reporter& out, CleanResources& clean) const;
  // Against one profile (an unknown url is a KLGW-PROFILE error).
  void validateAgainst(const rapidjson::Value& resource, std::string_view profileUrl,
                       const diag::Reporter& out) const;
  // FHIRPath conformsTo() outside a bundle: no error against the profile.
  bool conformsTo(const rapidjson::Value& resource, std::string_view profileUrl) const;

  const ProfileSet& profiles() const { return *set_; }

 private:
  // `at`: rooted at the resource.
  void validateProfiles(const rapidjson::Value& resource, const diag::Reporter& at) const;
  std::shared_ptr<const ProfileSet> set_;
  CoreValidator core_;
  CoreRules coreRules_;
  ReportingOptions reporting_;
};

}  // namespace reghub::kl_gateway
