#pragma once
// A § 140 report (or IncrementalDelivery) through the IG's validator, each
// finding said as its REH rule with its Danish message
// (kl_gateway::checkReport over RehabData's validator, rules.json and
// the code systems' displays, REH-TERM-01).
#include "adapters/kl_gateway/report_check.h"
#include "adapters/rehab/rehab_data.h"

namespace reghub::rehab {

inline void checkReport(const rapidjson::Value& bundle, const RehabData& data, const diag::Reporter& out,
                        const std::vector<const kl_gateway::ViewResource*>* entries = nullptr) {
  kl_gateway::checkReport(bundle, data.validator(), data.rules(), out, entries, &data.displays());
}

}  // namespace reghub::rehab
