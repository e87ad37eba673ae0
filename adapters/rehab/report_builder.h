#pragma once
// § 140 view → klgateway-140-delivery-report Bundles (CONTRACT §2/§3): one
// report per citizen per Copenhagen day with changes, holding the citizen,
// what changed that day, and — transitively — every resource those refer to
// (the IG's references are `aggregation = bundled`: they must resolve inside
// the report, so an unchanged GGOP is re-sent with the forløb that names it,
// as in the IG's Ruddi examples 2, 6, 7 and 8).
// With the delivery store (RunContext::delta) the news is what is fresh,
// in one report as of --as-of; without it, history is replayed day by day.
// Bundle.id is a v5 UUID of the report's content (so a resend of the same
// content reuses it); Bundle.timestamp is the end of the delivery day
// (23:59:59 Copenhagen), which keeps replays reproducible.
// Pure: no I/O, thread-safe.
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/rehab/rehab_view.h"
#include "adapters/rehab/settings.h"
#include "hub/engine/adapter.h"

namespace reghub::rehab {

struct PlannedReport {
  model::Date day;
  std::shared_ptr<rapidjson::Document> doc;  // the Bundle
  std::vector<const ViewResource*> entries;  // per entry, the view resource (borrowed from the view)
  std::string bundleId;
  std::string contentHash;  // sha256 of the entries
};

std::vector<PlannedReport> buildReports(const RehabView& view, const Settings& settings, const engine::RunContext& ctx);

// Serialises a Bundle (pretty JSON, UTF-8).
std::string toJson(const rapidjson::Value& v);
// Bundle.timestamp of a report for day `d`: 23:59:59 Copenhagen, in UTC.
std::string deliveryTimestamp(const model::Date& d);
// One klgateway-140-incremental-delivery holding the given reports (id from their ids).
std::string incrementalDelivery(const std::vector<const rapidjson::Value*>& reports, const std::string& timestamp,
                                const std::string& fullUrlBase);

}  // namespace reghub::rehab
