#pragma once
// A KL report (or any KL document: a DeliveryReport, an IncrementalDelivery)
// through the IG's profile-driven validator, each finding said as its IG
// rule (RuleMap, from profiles/<ig>/rules.json) — the rule's message first,
// followed by the validator's own words. With the report's entries known
// (the hub's own reports), a finding inside an entry names that entry's
// source resource as path, forløb, file and line, so the sender sees which
// of its resources to correct. No I/O; thread-safe.
#include <rapidjson/fwd.h>

#include <vector>

#include "adapters/kl_gateway/code_displays.h"
#include "adapters/kl_gateway/ig_view.h"
#include "adapters/kl_gateway/profile_validator.h"
#include "adapters/kl_gateway/rule_map.h"
#include "hub/diag/reporter.h"

namespace reghub::kl_gateway {

// `entries` (may be null): per Bundle.entry, the view resource it was built from.
// Findings outside any entry are the report's (its forløb is the caller's).
// `displays` (may be null): the code systems' displays, for the display
// agreement (KLGW-DISPLAY warnings, named by the IG's rule as any finding).
void checkReport(const rapidjson::Value& bundle, const ProfileValidator& validator, const RuleMap& rules,
                 const diag::Reporter& out, const std::vector<const ViewResource*>* entries = nullptr,
                 const CodeDisplays* displays = nullptr);

}  // namespace reghub::kl_gateway
