// `reghub ingest PATH...`: validate and queue into the delivery store.
#include <iostream>

#include "hub/app/hub.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file (Poco properties); see deploy/reghub.properties.example", ""},
    {"store", true, "store URL, overrides store.url (sqlite:/path or postgresql://…)", ""},
    {"format", true, "diagnostics as text or json (one JSON object per line)", "text"},
    {"as-of", true, "the date that counts as today (YYYY-MM-DD)", "today"},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdIngest(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub ingest [OPTIONS] PATH...\n\n"
                   "Validates inbound FHIR and queues the rendered messages in the delivery store\n"
                   "(`reghub run` delivers them). Unchanged messages are not queued again.\n"
                   "Exit 0: no error; 1: errors (those forløb are not queued); 2: usage/unreadable.\n\n"
                << formatOptions(kOptions) << "\n" << configKeysHelp();
      return kExitOk;
    }
  const Args a(argv, kOptions);
  if (a.positionals().empty()) throw UsageError("no input: give one or more PATHs, or - for stdin");
  const std::string format = a.get("format", "text");
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  std::optional<model::Date> asOf;
  if (a.has("as-of")) {
    asOf = model::Date::parse(a.get("as-of"));
    if (!asOf) throw UsageError("--as-of must be a date YYYY-MM-DD");
  }
  // The store and the intake only: `reghub run` delivers what is queued.
  app::Hub hub(loadConfigFromArgs(a.get("config"), a.get("store")),
               {.http = false, .workers = false, .deliverers = {}});
  hub.start();
  const auto r = hub.intake().ingestPaths(a.positionals(), asOf, {cliActor(), {}});
  for (const auto& d : r.diagnostics) std::cout << (format == "json" ? diag::toJsonLine(d) : diag::toTextLine(d)) << "\n";
  std::cerr << "ingest " << r.ingestId << ": " << r.stats.citizens << " borgere, " << r.stats.forloebSelected
            << " forløb; " << r.queued << " meddelelser i kø, " << r.unchanged << " uændrede; " << r.errors
            << " fejl, " << r.warnings << " advarsler\n";
  if (r.unreadable) return kExitUsage;
  return r.errors > 0 ? kExitErrors : kExitOk;
}

}  // namespace reghub::cli
