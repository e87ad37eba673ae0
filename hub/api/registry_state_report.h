#pragma once
// What the registries hold as the hub last read them (syncs, records made
// outside the hub) and the manual tasks — as JSON (GET /status/registries,
// `reghub status --format json`) and text (`reghub status`). Names no
// registry; only masked CPR. Pure formatting; thread-safe.
#include <string>
#include <vector>

#include "hub/delivery/registry_record.h"
#include "hub/store/registry_mirror.h"

namespace reghub::api {

struct RegistryState {
  std::vector<store::SyncSummary> syncs;
  std::vector<delivery::RegistryRecord> foreign;  // present records the hub did not send
  std::vector<delivery::ManualTask> tasks;         // open ones
};

// Reads it from the mirror (every registry that was synced); at most this
// many records made outside the hub per registry (the sync counts say how many there are).
inline constexpr size_t kMaxForeign = 1000;
RegistryState readRegistryState(store::RegistryMirror& mirror);
std::string registryStateJson(const RegistryState& state);
std::string registryStateText(const RegistryState& state);

}  // namespace reghub::api
