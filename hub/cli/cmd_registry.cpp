// `reghub REGISTRY COMMAND` (CONTRACT §3: `reghub smdb sync|tasks|…`): the
// commands every registry with a read service has — `sync` (read it back
// into the registry mirror) and `tasks` (the manual work its API cannot do)
// — and the adapter's own (AdapterFactory::commands, e.g. SMDB's
// systemskifte). This command knows no registry by name.
#include <algorithm>
#include <ctime>
#include <iostream>

#include "hub/app/hub.h"
#include "hub/app/registry_sync.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/engine/adapter_registry.h"
#include "hub/util/strings.h"

namespace reghub::cli {

namespace {

const std::vector<OptionSpec> kSyncOptions = {
    {"config", true, "configuration file (the registry's delivery settings and the store)", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"kommune", true, "only these kommuner (4-digit codes, comma-separated)", ""},
    {"help", false, "show this help", ""},
};
const std::vector<OptionSpec> kTaskOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"all", false, "also the tasks already done (closed)", ""},
    {"format", true, "text (default) or csv", ""},
    {"help", false, "show this help", ""},
};

bool wantsHelp(const std::vector<std::string>& argv) {
  return std::any_of(argv.begin(), argv.end(), [](const std::string& x) { return x == "--help" || x == "-h"; });
}

// A hub without API or workers, on the configured store. `create`: a sync
// may be the first thing a new hub does (read SMDB before sending);
// otherwise the store must exist (a mistyped path is no new empty store).
std::unique_ptr<app::Hub> openHub(const Args& a, bool create = false) {
  std::map<std::string, std::string> over;
  if (a.has("store")) over["store.url"] = a.get("store");
  if (create && !a.has("config")) throw UsageError("--config FILE is required (the registry's delivery settings)");
  app::ServiceConfig service = loadServiceConfig(a.get("config"), over);
  if (!create) requireExistingStore(service.hub);
  app::HubOptions options;
  options.http = false;
  options.workers = false;
  auto hub = std::make_unique<app::Hub>(std::move(service), options);
  hub->start();
  return hub;
}

int cmdSync(const std::string& registry, const std::vector<std::string>& argv) {
  if (wantsHelp(argv)) {
    std::cout << "usage: reghub " << registry << " sync --config FILE [--kommune 0330,0101]\n\n"
              << "Reads what " << registry << " holds back into the hub (ids of what the hub sent, records made\n"
              << "elsewhere), closes the manual tasks found done and renders the citizens whose\n"
              << "records changed. Exit 0, or 1 when a kommune could not be read.\n\n"
              << formatOptions(kSyncOptions);
    return kExitOk;
  }
  const Args a(argv, kSyncOptions);
  auto hub = openHub(a, true);
  std::vector<std::string> kommuner;
  if (a.has("kommune"))
    for (std::string k : util::split(a.get("kommune"), ','))
      if (!k.empty()) kommuner.push_back(k.size() == 3 ? "0" + k : k);
  const app::SyncRun run = app::syncRegistries(hub->adapters(), hub->store(), hub->intake(), registry, kommuner);
  std::cout << app::describe(run);
  if (!run.notConfigured.empty()) return kExitErrors;
  if (run.citizensMarked) {
    const api::IntakeResult r = hub->intake().renderDirty(registry + " sync");
    std::cout << "rendered " << r.stats.citizens << " citizen(s) again: " << r.queued << " message(s) queued, "
              << r.errors << " error(s)\n";
  }
  return run.ok() ? kExitOk : kExitErrors;
}

std::string day(int64_t millis) {
  if (!millis) return {};
  const std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char b[16];
  std::strftime(b, sizeof b, "%Y-%m-%d", &tm);
  return b;
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(";\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

int cmdTasks(const std::string& registry, const std::vector<std::string>& argv) {
  if (wantsHelp(argv)) {
    std::cout << "usage: reghub " << registry << " tasks --config FILE [--all] [--format text|csv]\n\n"
              << "The work a person must do in " << registry << "'s own web form because its API cannot\n"
              << "(deleting what was withdrawn at the source), step by step, in order. A task\n"
              << "closes when a sync no longer finds its records.\n\n"
              << formatOptions(kTaskOptions);
    return kExitOk;
  }
  const Args a(argv, kTaskOptions);
  const std::string format = a.has("format") ? a.get("format") : "text";
  if (format != "text" && format != "csv") throw UsageError("--format is text or csv");
  auto hub = openHub(a);
  const auto tasks = hub->intake().mirror().tasks(registry, a.has("all"));
  if (format == "csv") {
    std::cout << "\xEF\xBB\xBF" << "opgave;kommune;forløb;borger;trin;post;skema;gør;oprettet;lukket\r\n";
    for (const auto& t : tasks)
      for (size_t i = 0; i < t.steps.size(); ++i)
        std::cout << csvField(t.key) << ";" << t.kommune << ";" << csvField(t.forloebKey) << ";" << t.citizenMasked
                  << ";" << i + 1 << ";" << t.steps[i].recordId << ";" << t.steps[i].kind << ";"
                  << csvField(t.steps[i].text) << ";" << day(t.openedAt) << ";" << day(t.closedAt)
                  << "\r\n";
    return kExitOk;
  }
  if (tasks.empty()) std::cout << "no " << (a.has("all") ? "" : "open ") << "tasks for " << registry << "\n";
  for (const auto& t : tasks) {
    std::cout << (t.closedAt ? "[done] " : "[open] ") << t.kind << " — kommune " << t.kommune << ", forløb "
              << t.forloebKey << ", " << t.citizenMasked << "\n  " << t.reason << "\n";
    for (size_t i = 0; i < t.steps.size(); ++i)
      std::cout << "  " << i + 1 << ". " << t.steps[i].text << " (" << t.steps[i].kind << " " << t.steps[i].recordId
                << ")\n";
  }
  return kExitOk;
}

// The audit trail of the store the command's configuration names.
engine::AdapterCommandServices services() {
  engine::AdapterCommandServices s;
  s.audit = [](const std::string& configFile, const std::string& action, const std::string& detail) {
    const app::ServiceConfig service = loadServiceConfig(configFile, {});
    store::DeliveryStore::open(service.hub.storeOptions())->recordAudit(cliActor(), action, detail, store::nowMillis());
  };
  return s;
}

}  // namespace

bool isRegistryCommand(const std::string& name) { return engine::AdapterRegistry::factory(name) != nullptr; }

int cmdRegistry(const std::string& registry, const std::vector<std::string>& argv) {
  const engine::AdapterFactory* factory = engine::AdapterRegistry::factory(registry);
  const std::string sub = argv.empty() ? std::string() : argv[0];
  const std::vector<std::string> rest(argv.empty() ? argv.begin() : argv.begin() + 1, argv.end());
  if (sub == "sync") return cmdSync(registry, rest);
  if (sub == "tasks") return cmdTasks(registry, rest);
  if (factory->commands)
    for (const auto& c : factory->commands())
      if (c.name == sub) return c.run(rest, std::cout, services());
  std::string names = "sync, tasks";
  if (factory->commands)
    for (const auto& c : factory->commands()) names += ", " + c.name;
  if (sub.empty() || sub == "--help" || sub == "-h") {
    std::cout << "usage: reghub " << registry << " COMMAND [OPTIONS]\n\ncommands: " << names
              << "\nEvery command takes --help.\n";
    return sub.empty() ? kExitUsage : kExitOk;
  }
  throw UsageError("unknown command '" + sub + "' for registry " + registry + " (commands: " + names + ")");
}

}  // namespace reghub::cli
