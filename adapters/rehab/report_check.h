#pragma once
// A § 140 report through the IG's profile-driven validator
// (kl_gateway::ProfileValidator), each finding said as its REH rule with the
// rule's Danish message (profiles/rehab/rules.json) followed by the
// validator's own words. With the report's entries known (the hub's own
// reports), a finding inside an entry names that entry's source resource as
// path and forløb, so the sender sees which of its resources to correct.
// No I/O; thread-safe.
#include <rapidjson/fwd.h>

#include <vector>

#include "adapters/rehab/rehab_data.h"
#include "adapters/rehab/rehab_view.h"
#include "hub/diag/reporter.h"

namespace reghub::rehab {

// `entries` (may be null): per Bundle.entry, the view resource it was built from.
// Findings outside any entry are the report's (forløb "DeliveryReport <day>" is the caller's).
void checkReport(const rapidjson::Value& bundle, const RehabData& data, const diag::Reporter& out,
                 const std::vector<const ViewResource*>* entries = nullptr);

// Any KL document of this IG (a report or an IncrementalDelivery) as it stands.
void checkDocument(const rapidjson::Value& doc, const RehabData& data, const diag::Reporter& out);

}  // namespace reghub::rehab
