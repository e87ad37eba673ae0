// reghub — registry reporting hub. Dispatches to the subcommands.
#include <exception>
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/config/config_error.h"
#include "hub/store/keyring.h"

namespace {
void usage(std::ostream& out) {
  out << "usage: reghub COMMAND [OPTIONS] [PATH...]\n\ncommands:\n";
  for (const auto& c : reghub::cli::allCommands()) {
    std::string n = "  " + c.name;
    n.resize(14, ' ');
    out << n << c.summary << "\n";
  }
  out << "\nRegistry commands: reghub REGISTRY sync|tasks|… (e.g. reghub smdb sync --config FILE).\n"
         "Every command takes --help; reghub --version prints the version.\n";
}
}  // namespace

int main(int argc, char** argv) {
  using namespace reghub::cli;
  if (argc < 2) {
    usage(std::cerr);
    return kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return kExitOk;
  }
  if (name == "--version" || name == "version") {
    std::cout << "reghub " << REGHUB_VERSION << "\n";
    return kExitOk;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  std::vector<Command> commands = allCommands();
  if (isRegistryCommand(name))  // `reghub smdb sync`: the registry's commands
    commands.push_back({name, "", [name](const std::vector<std::string>& a) { return cmdRegistry(name, a); }});
  for (const auto& c : commands) {
    if (c.name != name) continue;
    try {
      return c.run(args);
    } catch (const UsageError& e) {
      std::cerr << "reghub " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const reghub::store::KeyError& e) {
      // The store's keys are configuration too: a wrong key is found at start-up.
      std::cerr << "reghub " << name << ": configuration error: " << e.what() << "\n";
      return kExitConfig;
    } catch (const reghub::config::ConfigError& e) {
      // Every configuration problem, from any command: the message names the key and the file.
      std::cerr << "reghub " << name << ": configuration error: " << e.what() << "\n";
      return kExitConfig;
    } catch (const std::invalid_argument& e) {  // an adapter command's usage error
      std::cerr << "reghub " << name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const std::exception& e) {
      std::cerr << "reghub " << name << ": " << e.what() << "\n";
      return kExitSoftware;
    }
  }
  std::cerr << "reghub: unknown command '" << name << "'\n";
  usage(std::cerr);
  return kExitUsage;
}
