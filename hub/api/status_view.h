#pragma once
// What a client may see of the delivery status: counts per registry ×
// kommune × state, rejections and validation problems by rule, parked
// resources — read once here so GET /status and the dashboard show the same
// numbers. A kommune-scoped client sees only its kommuner (validation
// problems of its own ingests; no parked resources: no kommune can be told).
// Does I/O (the store); throws StoreError. Thread-safe as the store is.
#include <optional>
#include <string>
#include <vector>

#include "hub/api/api_client.h"
#include "hub/store/citizen_state.h"
#include "hub/store/delivery_store.h"

namespace reghub::api {

class Intake;

struct StatusView {
  std::vector<store::StateCount> counts;
  std::vector<store::RejectionGroup> rejections;  // largest first
  std::vector<store::ParkedResource> parked;
  std::vector<store::FailedIngest> failedIngests;  // given up (a scoped client: its own)
};

// `registry`/`kommune` empty: all. std::nullopt when `kommune` is outside
// the client's kommuner (the caller answers 403).
std::optional<StatusView> readStatusView(store::DeliveryStore& store, Intake& intake, const ApiClient& client,
                                         const std::string& registry = {}, const std::string& kommune = {});

// The groups of several kommuner as one list, largest first.
std::vector<store::RejectionGroup> mergedGroups(std::vector<store::RejectionGroup> groups);

}  // namespace reghub::api
