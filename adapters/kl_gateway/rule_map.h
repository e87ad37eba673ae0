#pragma once
// An IG's rule ids with their messages, and which profile-validator finding
// is which rule — `profiles/<ig>/rules.json`, generated from the IG's
// RULES.md (tools/gen_rehab_rules.py for § 140):
//   {"rules":    {"<id>": "<message>"},
//    "findings": {"<invariant key or core rule>": "<id>"},
//    "elements": {"<profile id>": {"<element id>" | "@<type profile>": "<id>"}},
//    "profiles": {"<profile id>": "<catch-all id>"}}
// Loaded once at start-up; immutable, thread-safe.
#include <map>
#include <string>
#include <string_view>

#include "adapters/kl_gateway/profile_set.h"

namespace reghub::kl_gateway {

struct RuleText {
  std::string id;       // "REH-SR-08"
  std::string message;  // the registry's language: what is wrong and what to send instead
};

class RuleMap {
 public:
  RuleMap() = default;
  // Throws std::runtime_error when the file is not of that shape, names a
  // rule without a message, or a profile of the IG (url starting with
  // `igUrlPrefix`, not an extension) has no catch-all. `reportProfileId`:
  // the catch-all of a finding whose profile has none.
  static RuleMap load(const std::string& file, const ProfileSet& profiles, const std::string& igUrlPrefix,
                      const std::string& reportProfileId);

  // The rule of a validator finding: by its rule (an invariant key, a core
  // rule) or the invariant its message names ("con-5: …"), else — for a
  // finding of a data type's profile (`typeProfile`, e.g.
  // dk-core-cpr-identifier) — the resource profile's "@<typeProfile>" entry,
  // else by the profile's element (the longest element id the finding's
  // element starts with), else the profile's catch-all, else the report's.
  const RuleText& ruleOf(std::string_view finding, std::string_view messageKey, std::string_view profileId,
                         std::string_view typeProfile, std::string_view elementId) const;
  const RuleText* rule(std::string_view id) const;
  const std::map<std::string, RuleText, std::less<>>& rules() const { return rules_; }

 private:
  std::map<std::string, RuleText, std::less<>> rules_;
  std::map<std::string, std::string, std::less<>> byFinding_;
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> byElement_;  // profile → element → rule
  std::map<std::string, std::string, std::less<>> byProfile_;
  std::string reportProfileId_;
};

}  // namespace reghub::kl_gateway
