// `reghub prune`: retention (issue 13 item 6). For each registry with
// retention.<registry>.days, the personal data of its messages accepted
// longer ago than that is removed from the store (DeliveryStore::
// prunePersonalData); counts, states and the audit trail stay. The registry
// mirror, the citizen state and ingest diagnostics have their own cut-offs.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/store/citizen_state.h"
#include "hub/store/registry_mirror.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdPrune(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub prune --config FILE\n\n"
                   "Removes the personal data (the sealed message with its CPR and names, the CPR's\n"
                   "lookup hash, the masked CPR) of every registry's messages accepted more than\n"
                   "retention.<registry>.days ago. The rows stay: counts, states, the registry's ids\n"
                   "(for later updates) and the audit trail. Records the registry no longer holds\n"
                   "(read by its sync) are deleted from the hub's mirror after as many days.\n"
                   "retention.citizenStateDays: the inbound state of citizens unchanged that long whose\n"
                   "messages are all accepted, and resources parked that long, are deleted.\n"
                   "retention.ingestDiagnosticsDays: older ingests' diagnostics are deleted.\n"
                   "retention.failedIngestDays: failed ingests posted longer ago are discarded (bodies deleted).\n"
                   "Recorded in the audit trail. Run it daily (a systemd timer or cron).\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  const app::HubConfig config = loadConfigFromArgs(a.get("config"), a.get("store")).hub;
  requireExistingStore(config);
  if (config.retentionDays.empty() && !config.citizenStateRetentionDays && !config.ingestDiagnosticsRetentionDays &&
      !config.failedIngestRetentionDays) {
    std::cout << "no retention.* is set: nothing is pruned\n";
    return kExitOk;
  }
  auto store = store::DeliveryStore::open(config.storeOptions());
  auto mirror = store::RegistryMirror::open(store->options());
  const int64_t now = store::nowMillis();
  const auto before = [now](int64_t days) { return now - days * 86'400'000; };
  for (const auto& [registry, days] : config.retentionDays) {
    // The mirror first: the store's prune then vacuums the file for both.
    const size_t gone = mirror->pruneGone(registry, before(days));
    const size_t n = store->prunePersonalData(registry, before(days), cliActor(), now);
    std::cout << registry << ": personal data of " << n << " messages accepted more than " << days
              << " days ago removed";
    if (gone > 0) std::cout << ", and " << gone << " records gone from the registry that long";
    std::cout << "\n";
  }
  if (const auto days = config.citizenStateRetentionDays) {
    auto state = store::CitizenState::open(store->options());
    const store::StatePruneResult r = state->prune(before(*days), now);
    const std::string what = std::to_string(r.citizens) + " citizens' inbound state (" + std::to_string(r.resources) +
                             " resources) unchanged for " + std::to_string(*days) + " days and " +
                             std::to_string(r.parked) + " resources parked that long";
    store->recordAudit(cliActor(), "prune", "citizen state: " + what + " deleted", now);
    std::cout << "citizen state: " << what << " deleted\n";
  }
  if (const auto days = config.ingestDiagnosticsRetentionDays) {
    const size_t n = store->pruneIngestDiagnostics(before(*days));
    store->recordAudit(cliActor(), "prune",
                       "ingest diagnostics: " + std::to_string(n) + " of ingests older than " +
                           std::to_string(*days) + " days deleted",
                       now);
    std::cout << "ingest diagnostics: " << n << " of ingests older than " << *days << " days deleted\n";
  }
  if (const auto days = config.failedIngestRetentionDays) {
    const size_t n = store->pruneFailedIngests(before(*days), cliActor(), now);  // its own audit entry
    std::cout << "failed ingests: " << n << " posted more than " << *days << " days ago discarded\n";
  }
  return kExitOk;
}

}  // namespace reghub::cli
