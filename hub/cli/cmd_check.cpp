// `reghub check REGISTRY --config FILE` (CONTRACT §3): proves a registry's
// delivery setup (token, test call) without sending data. The steps are
// the adapter's (AdapterFactory::check, declared in its register.cpp); this
// command knows no registry. Exit 0 when every step passed, 1 when one
// failed (the output says which and what to change), 2 usage, 78 config.
#include <algorithm>
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/config/config.h"
#include "hub/engine/adapter_registry.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "the configuration file with the registry's settings (required)", ""},
    {"help", false, "show this help", ""},
};

std::string checkable() {
  std::string names;
  for (const auto& n : engine::AdapterRegistry::registeredNames())
    if (engine::AdapterRegistry::factory(n)->check) names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "none" : names;
}
}  // namespace

int cmdCheck(const std::vector<std::string>& argv) {
  if (std::find(argv.begin(), argv.end(), "--help") != argv.end() || std::find(argv.begin(), argv.end(), "-h") != argv.end()) {
    std::cout << "usage: reghub check REGISTRY --config FILE\n\n"
                 "Proves a registry setup end to end without sending data: certificate, token,\n"
                 "a test call. Prints each step, and for a failing step what is wrong and which\n"
                 "setting to change. Registries with a check: "
              << checkable() << "\n\n"
              << formatOptions(kOptions);
    return kExitOk;
  }
  const Args a(argv, kOptions);
  if (a.positionals().size() != 1) throw UsageError("give exactly one registry, e.g. reghub check smdb --config FILE");
  if (!a.has("config")) throw UsageError("--config FILE is required");
  const std::string name = a.positionals()[0];
  const engine::AdapterFactory* factory = engine::AdapterRegistry::factory(name);
  if (!factory) throw UsageError("unknown registry '" + name + "' (registered: " + checkable() + ")");
  if (!factory->check) throw UsageError("registry '" + name + "' has no check (registries with one: " + checkable() + ")");
  const auto adapter = engine::AdapterRegistry::create(name, config::Config::load(a.get("config")));
  return factory->check(*adapter, std::cout) ? kExitOk : kExitErrors;
}

}  // namespace reghub::cli
