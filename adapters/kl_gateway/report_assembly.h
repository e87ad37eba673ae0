#pragma once
// An IG view (ig_view.h) → DeliveryReports (CONTRACT §2/§3): one report per
// citizen per Copenhagen day with changes, holding the citizen, what changed
// that day, and — transitively — every resource those refer to (the KL IGs'
// references are `aggregation = bundled`: they must resolve inside the
// report, so an unchanged resource is re-sent with each report that names
// it). With the delivery store (RunContext::delta) the news is what is
// fresh, in one report as of --as-of; without it, history is replayed day
// by day. The envelope (ids, timestamp) is report_envelope.h's.
// Pure: no I/O, thread-safe.
#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/ig_view.h"
#include "adapters/kl_gateway/report_envelope.h"
#include "hub/engine/adapter.h"

namespace reghub::kl_gateway {

// The IG's reports as data.
struct ReportSpec {
  ReportShape shape;
  std::vector<std::string> entryOrder;  // resource types after the citizen, as the IG's examples order them
  std::optional<model::Date> reportingStart;
};

struct PlannedReport {
  model::Date day;
  std::shared_ptr<rapidjson::Document> doc;  // the Bundle
  std::vector<const ViewResource*> entries;  // per entry, the view resource (borrowed from the view)
  std::string bundleId;
  std::string contentHash;  // sha256 of the entries
};

// `hashed` false: no content hash, Bundle.id finishReport's placeholder
// (reports only validated; contentIds gives the real ids when needed).
std::vector<PlannedReport> buildReports(const IgView& view, const ReportSpec& spec, const engine::RunContext& ctx,
                                        bool hashed = true);

}  // namespace reghub::kl_gateway
