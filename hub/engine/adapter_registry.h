#pragma once
// The registry of adapter factories (Envoy style): a function-local static
// map that refuses duplicate names. Each adapter's register.cpp adds one
// factory (the last lines of the file, with AdapterRegistrar): the keys it
// reads, all under "<name>." (Fluent Bit's config map, next to the
// callbacks), and how to build the adapter from them. Building happens once,
// at start-up: the adapter keeps an immutable settings object, so nothing
// reads configuration while data flows.
//
// Registration happens during static initialisation; afterwards lookups are
// read-only and thread-safe. create()/createAll() throw config::ConfigError
// on an unknown key under the adapter's prefix or a bad value.
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/config.h"
#include "hub/engine/adapter.h"

namespace reghub::engine {

// A registry's own command (`reghub <name> <command> …`), e.g. SMDB's
// systemskifte. Gets the arguments after the command name; returns the exit
// code (0 ok, 1 errors, 2 usage — throw UsageError-like std::invalid_argument
// for usage —, 78 config via config::ConfigError).
// What the hub offers a registry's command: the audit trail of the store a
// configuration file names (action and detail, by the local user; no
// personal data in `detail`).
struct AdapterCommandServices {
  std::function<void(const std::string& configFile, const std::string& action, const std::string& detail)> audit;
};

struct AdapterCommand {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>& args, std::ostream& out, const AdapterCommandServices& hub)> run;
};

struct AdapterFactory {
  std::string name;  // registry name and configuration prefix ("smdb" → "smdb.*")
  // Every key the adapter reads, declared once (help, example, checks).
  std::function<const std::vector<config::Key>&()> keys;
  // Builds the adapter from its settings. Throws config::ConfigError on a
  // bad value; may do start-up I/O (mapping tables, a list file).
  std::function<std::unique_ptr<Adapter>(const config::Config&)> build;
  // Optional: `reghub check <name> --config FILE`. Proves the built
  // adapter's delivery setup end to end without sending data (a token, a
  // test call) and writes each step to `out`: what it learned (who the
  // registry thinks we are, expiry — never a token or key) or, when a step
  // fails, what is wrong and how to fix it, in Danish and English. True when
  // every step passed. May throw config::ConfigError (exit 78). Empty: the
  // command says the registry has no check.
  std::function<bool(const Adapter& adapter, std::ostream& out)> check = nullptr;
  // Optional: the registry's own commands besides the hub's `sync` and `tasks`.
  std::function<std::vector<AdapterCommand>()> commands = nullptr;
};

class AdapterRegistry {
 public:
  // Throws std::logic_error on a duplicate name (a build mistake).
  static void add(AdapterFactory factory);
  static std::vector<std::string> registeredNames();  // sorted
  // nullptr if no adapter has that name.
  static const AdapterFactory* factory(std::string_view name);
  // Rejects unknown keys under "<name>.", then builds. nullptr if no
  // adapter has that name. An empty Config: environment and defaults.
  static std::unique_ptr<Adapter> create(std::string_view name, const config::Config& config = {});
  // Every registered adapter, built from `config`, sorted by name.
  static std::vector<std::unique_ptr<Adapter>> createAll(const config::Config& config = {});
};

// In an adapter's register.cpp (the last lines, Envoy style):
//   const reghub::engine::AdapterRegistrar kRegistrar({"smdb", &settingKeys, &build, &check});
struct AdapterRegistrar {
  explicit AdapterRegistrar(AdapterFactory factory) { AdapterRegistry::add(std::move(factory)); }
};

}  // namespace reghub::engine
