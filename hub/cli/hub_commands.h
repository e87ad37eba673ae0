#pragma once
// The subcommands that work with the delivery store (issue #5): ingest,
// status, replay, run, demo. Same conventions as commands.h: each returns
// the exit code (0 ok, 1 error diagnostics, 2 usage, 74 I/O, 78 config).
#include <string>
#include <vector>

#include "hub/api/hub_config.h"

namespace reghub::cli {

int cmdIngest(const std::vector<std::string>& args);
int cmdStatus(const std::vector<std::string>& args);
int cmdReplay(const std::vector<std::string>& args);
int cmdRun(const std::vector<std::string>& args);
int cmdDemo(const std::vector<std::string>& args);

// --config FILE and --store URL, common to the store commands.
api::HubConfig loadConfigFromArgs(const std::string& configPath, const std::string& storeUrl);
// Every hub config key with default and description (for --help).
std::string configKeysHelp();

}  // namespace reghub::cli
