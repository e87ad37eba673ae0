#pragma once
// The subcommands that work with the delivery store (issue #5): ingest,
// status, replay, run, demo; and `config check`. Same conventions as
// commands.h: each returns the exit code (0 ok, 1 error diagnostics, 2
// usage, 74 I/O, 78 config). A config::ConfigError escapes to main(),
// which answers 78 with its message.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/api/hub_config.h"
#include "hub/config/config.h"
#include "hub/engine/adapter.h"

namespace reghub::cli {

int cmdIngest(const std::vector<std::string>& args);
int cmdStatus(const std::vector<std::string>& args);
int cmdReplay(const std::vector<std::string>& args);
int cmdRun(const std::vector<std::string>& args);
int cmdDemo(const std::vector<std::string>& args);
int cmdConfig(const std::vector<std::string>& args);

using Adapters = std::vector<std::shared_ptr<const engine::Adapter>>;

// The whole file judged the same way by every command: the hub's keys,
// every registered adapter's keys (each adapter built from its section),
// and no section nobody owns. Throws config::ConfigError.
Adapters checkAndBuildAdapters(const config::Config& config);

// What the service commands run on: the hub's settings and the adapters.
struct ServiceConfig {
  api::HubConfig hub;
  Adapters adapters;
};
// --config FILE (may be empty) with command-line overrides (--store, --port
// as store.url, http.port). Throws config::ConfigError.
ServiceConfig loadServiceConfig(const std::string& configPath, const std::map<std::string, std::string>& overrides);
// --config FILE and --store URL, common to the store commands.
ServiceConfig loadConfigFromArgs(const std::string& configPath, const std::string& storeUrl);

// Every configuration key with default and description (for --help): the
// hub's when `withHub`, then every adapter's.
std::string configKeysHelp(bool withHub = true);

}  // namespace reghub::cli
