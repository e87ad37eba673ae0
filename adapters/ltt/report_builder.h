#pragma once
// Canonical model → KLGatewayLTTDeliveryReport Bundles, replayed day by day
// (CONTRACT §3): one report per citizen per Copenhagen day that has changes,
// holding the new contacts and henvisninger, the changed forløb, and every
// forløb a contact or henvisning in the report refers to (as the IG's
// Josefine example does). Only what the profiles allow is mapped; the
// user-interface treatment codes become type Behandling + deliveryType +
// participant.type (terminology.json uiTermMapping).
//
// Ids, the Bundle around the entries, its timestamp and the
// IncrementalDelivery are every KL IG's (adapters/kl_gateway/report_envelope.h):
// a source id that already is a UUID is kept, any other becomes a v5 UUID of
// the SOR code and the source reference; Bundle.id is a v5 UUID of the
// report's content; Bundle.timestamp the end of the delivery day.
// Pure: no I/O, thread-safe.
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/kl_gateway/report_envelope.h"
#include "adapters/ltt/ltt_data.h"
#include "adapters/ltt/settings.h"
#include "hub/diag/reporter.h"
#include "hub/engine/adapter.h"

namespace reghub::ltt {

struct PlannedReport {
  model::Date day;
  std::shared_ptr<rapidjson::Document> doc;  // the Bundle
  std::vector<std::string> entryForloeb;     // per entry: forløb display, "" for the citizen
  std::vector<std::string> forloebKeys;
  std::string bundleId;
  std::string contentHash;  // sha256 of the content without id and timestamp
  std::string body;         // the JSON sent
};

class ReportBuilder {
 public:
  ReportBuilder(const LttData& data, Settings settings, const engine::RunContext& ctx)
      : data_(data), settings_(std::move(settings)), ctx_(ctx) {}

  // Whether build() serialises each report into PlannedReport::body
  // (validation only needs the document; the JSON text is what is sent).
  // kCheckOnly: nor its content hash, so Bundle.id is a fixed placeholder
  // UUID and contentHash is empty — for validation alone, which reads no
  // hash, and whose one check of Bundle.id (FHIR id syntax) any UUID passes.
  enum class Body { kSerialise, kSkip, kCheckOnly };

  // Reports for the days [max(reportingStart, since) .. asOf]. Mapping
  // notes (stripped codes, skipped contacts) go to `notes` if given.
  std::vector<PlannedReport> build(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& forloeb,
                                   const diag::Reporter* notes, Body body = Body::kSerialise) const;

  // Does this forløb have anything to report within [reportingStart, asOf]?
  bool inScope(const model::Forloeb& f) const;

  // Id used for a source resource ("CarePlan", source id).
  static std::string resourceId(const std::string& sor, const std::string& type, const std::string& sourceId);

 private:
  const LttData& data_;
  Settings settings_;
  const engine::RunContext& ctx_;
};

// The change day of a source resource: its meta.lastUpdated, else its own
// event time (CONTRACT §3), in Copenhagen.
std::optional<model::Date> changeDay(const model::SourceRef& src, const std::optional<model::DateTime>& event);

// Pretty JSON and the end-of-day timestamp: every KL IG's (report_envelope.h).
using kl_gateway::deliveryTimestamp;
using kl_gateway::toJson;

// LTT's report contract: its profiles, id namespace, ltt.fullUrlBase.
kl_gateway::ReportShape reportShape(const Settings& settings);

// Wraps reports into one KLGatewayLTTIncrementalDelivery (id from the
// reports' ids, timestamp given).
std::string incrementalDelivery(const std::vector<const PlannedReport*>& reports, const std::string& timestamp,
                                const std::string& fullUrlBase);

}  // namespace reghub::ltt
