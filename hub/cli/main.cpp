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
  out << "\nEvery command takes --help; reghub --version prints the version.\n";
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
  for (const auto& c : allCommands()) {
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
    } catch (const std::exception& e) {
      std::cerr << "reghub " << name << ": " << e.what() << "\n";
      return kExitSoftware;
    }
  }
  std::cerr << "reghub: unknown command '" << name << "'\n";
  usage(std::cerr);
  return kExitUsage;
}
