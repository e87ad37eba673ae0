// `reghub config check --config FILE`: everything `reghub run` checks at
// start-up — every key known, every value acceptable, every adapter built,
// the store key present — without opening the store or a port. Exit 0 with
// a short summary, or 78 (via main) with the message naming the key.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "the configuration file to check (required)", ""},
    {"help", false, "show this help", ""},
};

// postgresql://user:password@host/db → postgresql://user:***@host/db: a
// password in the store URL is a secret too.
std::string withoutPassword(const std::string& url) {
  const size_t scheme = url.find("://"), at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void printSummary(const std::string& file, const ServiceConfig& s) {
  std::cout << "ok: " << file << "\n  store: " << withoutPassword(s.hub.storeUrl) << "\n  http: " << s.hub.http.host
            << ":" << s.hub.http.port << (s.hub.http.certificate.empty() ? " (plain HTTP, loopback)" : " (TLS)")
            << "\n";
  for (const auto& a : s.adapters) {
    const std::string target = a->deliveryTarget();
    // As `reghub run` does: one deliverer, so credential and CA files are read (ConfigError → 78).
    if (!target.empty()) a->makeDeliverer();
    std::cout << "  registry " << a->name() << ": "
              << (target.empty() ? "validated only (not configured for delivery)" : "delivers to " + target) << "\n";
  }
}
}  // namespace

int cmdConfig(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub config check --config FILE\n\n"
                   "Checks a configuration file the way `reghub run` does at start-up (unknown keys,\n"
                   "bad values, every registry's settings, the store key), without starting anything.\n"
                   "Exit 0 and a summary; 78 with a message naming the key on any problem.\n\n"
                << formatOptions(kOptions) << "\n"
                << configKeysHelp();
      return kExitOk;
    }
  const Args a(argv, kOptions);
  if (a.positionals().size() != 1 || a.positionals()[0] != "check")
    throw UsageError("give the subcommand: reghub config check --config FILE");
  if (!a.has("config")) throw UsageError("--config FILE is required");
  printSummary(a.get("config"), loadServiceConfig(a.get("config"), {}));
  return kExitOk;
}

}  // namespace reghub::cli
