#pragma once
// Reading the registries back (issue #12): every adapter that can read its
// registry (Adapter::makeSync) syncs the kommuner the store has its
// messages for, plus those its settings name, into the registry mirror.
// Afterwards the tasks found done are closed and the citizens whose records
// changed are marked for rendering again (their messages may now be updates,
// or blocked by a sag made elsewhere). Before each delivery run
// (`reghub run --until-idle`, the service's start and sync.intervalMinutes)
// and on demand (`reghub <registry> sync`). Does I/O; throws StoreError.
#include <string>
#include <vector>

#include "hub/api/intake.h"
#include "hub/app/service_config.h"
#include "hub/store/delivery_store.h"

namespace reghub::app {

struct SyncRun {
  struct Kommune {
    std::string registry;
    engine::RegistrySync::KommuneResult result;
  };
  std::vector<Kommune> kommuner;
  std::vector<std::string> notConfigured;  // registries that could sync but have no delivery setup
  size_t tasksClosed = 0;
  size_t citizensMarked = 0;
  bool ok() const;
};

// `registry` / `kommuner` empty: all.
SyncRun syncRegistries(const Adapters& adapters, store::DeliveryStore& store, api::Intake& intake,
                       const std::string& registry = {}, const std::vector<std::string>& kommuner = {});

// One line per kommune, for the CLI and the log: what was read, what changed, what failed.
std::string describe(const SyncRun& run);

}  // namespace reghub::app
