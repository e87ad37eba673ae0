#pragma once
// A KL Gateway adapter's outbound messages: a DeliveryReport as FK Gateway
// takes it (PUT /fhir/Bundle/{id}), and `translate --wrap`'s one
// IncrementalDelivery of a run's reports. Pure; thread-safe.
#include <rapidjson/fwd.h>

#include <functional>
#include <string>
#include <vector>

#include "adapters/kl_gateway/report_envelope.h"
#include "hub/diag/reporter.h"
#include "hub/engine/adapter.h"
#include "hub/model/citizen.h"

namespace reghub::kl_gateway {

// What identifies a report besides its JSON.
struct ReportFacts {
  model::Date day;
  std::string bundleId, contentHash;
  std::vector<std::string> forloebKeys;  // the forløb it carries
  std::string kommune;                   // municipality code, if known
};

// The last forløb's municipality code among `forloeb` (values or pointers), else "".
inline const model::Forloeb& forloebOf(const model::Forloeb& f) { return f; }
inline const model::Forloeb& forloebOf(const model::Forloeb* f) { return *f; }
template <typename Range>
std::string kommuneOf(const Range& forloeb) {
  std::string k;
  for (const auto& f : forloeb)
    if (const model::Forloeb& x = forloebOf(f); x.municipality && !x.municipality->municipalityCode.empty())
      k = x.municipality->municipalityCode;
  return k;
}

// A DeliveryReport of `registry` for a citizen with a CPR-nummer.
engine::OutboundMessage deliveryReportMessage(const std::string& registry, const model::Citizen& citizen,
                                              const ReportFacts& facts, std::string body);

// Checks a KL document; its errors are what must not be sent.
using DocumentCheck = std::function<void(const rapidjson::Value& doc, const diag::Reporter& out)>;

// One IncrementalDelivery of the run's DeliveryReports (all `registry`'s;
// `what` names them in errors), timestamp the end of `asOf`. Throws
// std::logic_error for a message that is not such a report, or when the
// wrapper does not pass `check` — the hub's own reports wrap cleanly.
engine::OutboundMessage wrapReports(const std::string& registry, const std::string& what,
                                    const std::vector<const engine::OutboundMessage*>& run, const model::Date& asOf,
                                    const ReportShape& shape, const DocumentCheck& check);

}  // namespace reghub::kl_gateway
