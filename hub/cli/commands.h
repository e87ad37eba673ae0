#pragma once
// The `reghub` subcommands (CONTRACT §3). Each returns the process exit
// code: 0 no error, 1 error diagnostics, 2 usage error / unreadable input;
// sysexits codes for operational failures (70 internal, 74 I/O, 78 config).
#include <functional>
#include <string>
#include <vector>

namespace reghub::cli {

struct Command {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>& args)> run;
};

const std::vector<Command>& allCommands();

// `reghub REGISTRY COMMAND …` (cmd_registry.cpp).
bool isRegistryCommand(const std::string& name);
int cmdRegistry(const std::string& registry, const std::vector<std::string>& args);

int cmdValidate(const std::vector<std::string>& args);
int cmdTranslate(const std::vector<std::string>& args);
int cmdSynth(const std::vector<std::string>& args);
int cmdAdapters(const std::vector<std::string>& args);
int cmdSandbox(const std::vector<std::string>& args);
int cmdCheck(const std::vector<std::string>& args);

constexpr int kExitOk = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSoftware = 70;
constexpr int kExitIo = 74;
constexpr int kExitConfig = 78;

}  // namespace reghub::cli
