// `reghub status`: delivery status from the store (text table or JSON).
#include <iostream>

#include "hub/api/credential_report.h"
#include "hub/api/health_check.h"
#include "hub/api/registry_state_report.h"
#include "hub/api/status_report.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/store/citizen_state.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"registry", true, "only this registry", ""},
    {"kommune", true, "only this kommune (4 digits)", ""},
    {"forloeb", true, "the delivery history of one forløb (its source id)", ""},
    {"ingest", true, "the diagnostics of one ingest id", ""},
    {"health", false, "the store's and each registry's health (ok, degraded, failing); exit 1 when failing", ""},
    {"format", true, "text or json", "text"},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdStatus(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub status [OPTIONS]\n\n"
                   "Counts of stored messages per registry × kommune × state, rejections and\n"
                   "validation problems grouped by rule; --forloeb shows one forløb's history\n"
                   "(CPR masked), --ingest one ingest's diagnostics. Resources waiting for their\n"
                   "Patient (parked) are listed; past state.parkedDays they are HUB-REF-01 errors.\n"
                   "--health judges the store and each registry as /health does (failures in a\n"
                   "row are known only to `reghub run`, which holds the workers).\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  // The whole file is checked (adapters' keys too), though only the store is used.
  const app::ServiceConfig service = loadConfigFromArgs(a.get("config"), a.get("store"));
  const app::HubConfig& config = service.hub;
  requireExistingStore(config);
  auto store = store::DeliveryStore::open(config.storeOptions());
  if (a.has("health")) {
    std::vector<std::string> registries;
    for (const auto& adapter : service.adapters) registries.emplace_back(adapter->name());
    const auto credentials = app::adapterCredentials(service.adapters);
    const int64_t now = store::nowMillis();
    const auto h = api::checkHealth(*store, registries, nullptr, credentials, config.health, now);
    std::cout << (format == "json" ? api::healthJson(h.report, h.store, credentials, now) + "\n"
                                   : api::healthText(h.report, now));
    return h.report.state == api::HealthState::kFailing ? kExitErrors : kExitOk;
  }
  if (a.has("forloeb")) {
    const auto h = store->historyForForloeb(a.get("forloeb"));
    std::cout << (format == "json" ? api::historyJson(h) + "\n" : api::historyText(h));
    return kExitOk;
  }
  if (a.has("ingest")) {
    const auto rec = store->ingest(a.get("ingest"));
    if (!rec) {
      std::cerr << "reghub status: no ingest with id " << a.get("ingest") << "\n";
      return kExitUsage;
    }
    if (format == "json") std::cout << api::ingestJson(*rec) << "\n";
    for (const auto& d : store->ingestDiagnostics(rec->id))
      std::cout << (format == "json" ? diag::toJsonLine(d) : diag::toTextLine(d)) << "\n";
    return kExitOk;
  }
  const auto counts = store->counts(a.get("registry"), a.get("kommune"));
  // A kommune's rejections are its messages'; validation problems carry no kommune.
  const auto rejections =
      a.has("kommune") ? store->rejectionsIn(a.get("registry"), a.get("kommune")) : store->rejections(a.get("registry"));
  const auto parked = store::CitizenState::open(store->options())->parked(store::nowMillis(), config.parkedExpiryMillis);
  const auto credentials = app::adapterCredentials(service.adapters);
  const auto registries = api::readRegistryState(*store::RegistryMirror::open(store->options()));
  const auto failedIngests = store->failedIngests();
  if (format == "json") {
    // The status object with what the registries hold added as "registries".
    std::string status = api::statusJson(counts, rejections, parked, credentials, failedIngests);
    status.insert(status.rfind('}'), ",\"registries\":" + api::registryStateJson(registries));
    std::cout << status << "\n";
  } else {
    std::cout << api::statusText(counts, rejections, parked, failedIngests) << api::credentialsText(credentials, store::nowMillis())
              << api::registryStateText(registries);
  }
  return kExitOk;
}

}  // namespace reghub::cli
