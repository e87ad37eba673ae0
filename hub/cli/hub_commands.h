#pragma once
// The subcommands that work with the delivery store (issue #5): ingest,
// status, replay, run, demo; and `config check`. Same conventions as
// commands.h: each returns the exit code (0 ok, 1 error diagnostics, 2
// usage, 74 I/O, 78 config). A config::ConfigError escapes to main(),
// which answers 78 with its message. The configuration is loaded, and the
// hub built, by the composition root (hub/app).
#include <string>
#include <vector>

#include "hub/app/service_config.h"

namespace reghub::cli {

int cmdIngest(const std::vector<std::string>& args);
int cmdStatus(const std::vector<std::string>& args);
int cmdReplay(const std::vector<std::string>& args);
int cmdPrune(const std::vector<std::string>& args);
int cmdRekey(const std::vector<std::string>& args);
int cmdRun(const std::vector<std::string>& args);
int cmdDemo(const std::vector<std::string>& args);
int cmdConfig(const std::vector<std::string>& args);

using app::Adapters;
using app::checkAndBuildAdapters;
using app::loadConfigFromArgs;
using app::loadServiceConfig;
using app::ServiceConfig;

// Every configuration key with default and description (for --help): the
// hub's when `withHub`, then every adapter's.
std::string configKeysHelp(bool withHub = true);

// For the commands that read a store (status, replay): a SQLite store that
// does not exist is a usage error naming it, not a new empty store.
void requireExistingStore(const app::HubConfig& config);

// Who a command run on the host acts as, for the audit trail: "cli:<user>".
std::string cliActor();

}  // namespace reghub::cli
