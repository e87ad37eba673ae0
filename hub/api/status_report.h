#pragma once
// Delivery status as JSON, text and Prometheus metrics — the same facts for
// the status API, `reghub status` and /metrics. Only masked CPR appears.
// Pure formatting over values read from the store; thread-safe.
#include <string>
#include <vector>

#include "hub/engine/credential_info.h"
#include "hub/engine/outbox.h"
#include "hub/store/citizen_state.h"
#include "hub/store/delivery_store.h"

namespace reghub::api {

// `parked`: resources waiting for their Patient (hub/store/citizen_state.h).
// `credentials`: the adapters' certificates (credential_report.h), listed when there are any.
// `failedIngests`: ingests given up after intake.maxAttempts, listed when there are any.
std::string statusJson(const std::vector<store::StateCount>& counts, const std::vector<store::RejectionGroup>& rejections,
                       const std::vector<store::ParkedResource>& parked = {},
                       const std::vector<engine::CredentialInfo>& credentials = {},
                       const std::vector<store::FailedIngest>& failedIngests = {});
std::string statusText(const std::vector<store::StateCount>& counts, const std::vector<store::RejectionGroup>& rejections,
                       const std::vector<store::ParkedResource>& parked = {},
                       const std::vector<store::FailedIngest>& failedIngests = {});
std::string historyJson(const std::vector<store::Transition>& history);
std::string historyText(const std::vector<store::Transition>& history);
std::string ingestJson(const store::IngestRecord& ingest);
std::string metricsText(const std::vector<store::StateCount>& counts, int64_t backlog, const engine::OutboxStats* outbox,
                        uint64_t intakeRequests, uint64_t intakeRejected503);
// A Prometheus label value, escaped.
std::string promLabel(const std::string& value);
// "2026-11-22T02:15:00.123Z"
std::string isoTime(int64_t millis);

}  // namespace reghub::api
