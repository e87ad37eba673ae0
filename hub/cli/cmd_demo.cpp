// `reghub demo`: the whole flow on a fresh embedded store — every adapter's
// sandbox, a generated data set with seeded mistakes, ingest, delivery, and
// a summary of what was accepted, rejected (by rule) and dead; then the
// analysts' dashboard over the same store, served until Ctrl-C when run in a
// terminal (--no-wait, or no terminal: it says how to serve it). The
// sandboxes and the hub are built and run by the composition root
// (hub/app); each step below is one function.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "hub/api/status_report.h"
#include "hub/app/hub.h"
#include "hub/app/sandbox_part.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/cli/stop_signals.h"
#include "hub/engine/adapter_registry.h"

namespace reghub::cli {

namespace {

const std::vector<OptionSpec> kOptions = {
    {"citizens", true, "how many generated citizens", "300"},
    {"seed", true, "random seed of the data set", "1"},
    {"mistakes", true, "share of citizens with one seeded rule violation", "0.1"},
    {"as-of", true, "the day that counts as today (YYYY-MM-DD)", "today"},
    {"dir", true, "work directory (default: a new temp dir)", ""},
    {"timeout", true, "seconds to wait for delivery", "120"},
    {"no-wait", false, "do not serve the dashboard afterwards (scripts, CI); also when not run in a terminal", ""},
    {"port", true, "port of the dashboard (0: any free port)", "0"},
    {"help", false, "show this help", ""},
};

using Settings = std::map<std::string, std::string>;

int usage() {
  std::cout << "usage: reghub demo [OPTIONS]\n\n"
               "Starts every registry's sandbox and the hub on a fresh embedded store in a temp\n"
               "dir, ingests a generated data set with seeded mistakes, delivers, and prints a\n"
               "summary (accepted / rejected by rule / dead) and where to look. Then, in a\n"
               "terminal, serves the analysts' dashboard on loopback until Ctrl-C (sign in\n"
               "with the token in <dir>/dashboard-token); --no-wait skips that.\n\n"
            << formatOptions(kOptions);
  return kExitOk;
}

model::Date asOfDay(const Args& a) {
  const std::string text = a.get("as-of", "");
  if (text.empty()) return model::copenhagenToday();
  const auto d = model::Date::parse(text);
  if (!d) throw UsageError("--as-of must be a date YYYY-MM-DD");
  return *d;
}

std::string makeWorkDir(const std::string& given) {
  if (!given.empty()) {
    std::filesystem::create_directories(given);
    return given;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "reghub-demo-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temp dir");
  return tmpl;
}

// The files of one demo run.
struct DemoFiles {
  std::string dir, props, input, manifest, token;
};

// A file only its owner reads (the store key, the dashboard's token).
void writePrivate(const std::string& path, const std::string& text) {
  {
    std::ofstream f(path);
    f << text;
  }
  ::chmod(path.c_str(), 0600);
}

// A throw-away store and key, the key kept next to the store (mode 0600)
// so `reghub status` can read it afterwards, and one dashboard client (an
// operator, its token in its own file) so `reghub run --config` serves the
// dashboard over the same store. Returns those settings.
Settings writeDemoStore(const DemoFiles& files, const std::string& port) {
  const std::string key = store::Keyring::generateKeyB64();
  const std::string storeUrl = "sqlite:" + files.dir + "/reghub.db";
  writePrivate(files.token, "demo-" + store::Keyring::generateKeyB64().substr(0, 32));
  const Settings s = {{"store.url", storeUrl},
                      {"store.key", key},
                      {"http.port", port},
                      {"http.clients", "demo"},
                      {"http.client.demo.tokenFile", files.token},
                      {"http.client.demo.roles", "operator"}};
  std::string props = "# reghub demo: throw-away store and key; the dashboard's client\n";
  for (const auto& [k, v] : s) props += k + " = " + v + "\n";
  writePrivate(files.props, props);
  return s;
}

// Step 1. Every adapter's sandbox (built with the defaults) that starts and
// says how to reach it joins `sandboxes`; its client settings join `settings`.
void startSandboxes(app::Lifecycle& sandboxes, std::set<std::string>& reachable, Settings& settings) {
  for (auto& ad : engine::AdapterRegistry::createAll()) {
    const std::string name(ad->name());
    auto part = std::make_unique<app::SandboxPart>(std::shared_ptr<const engine::Adapter>(std::move(ad)),
                                                   engine::SandboxOptions{0});
    try {
      part->start();
    } catch (const std::exception& e) {
      std::cout << "  sandbox " << name << ": skipped (" << e.what() << "); its messages cannot be delivered\n";
      continue;
    }
    const auto client = part->adapter().sandboxClientConfig(*part->sandbox());
    if (client.empty()) {
      std::cout << "  sandbox " << name << " at " << part->sandbox()->baseUrl()
                << ", but the adapter does not say how to reach it (Adapter::sandboxClientConfig); "
                   "its messages cannot be delivered\n";
      part->stop();
      continue;
    }
    for (const auto& [k, v] : client) settings[k] = v;
    std::cout << "  sandbox " << name << " at " << part->sandbox()->baseUrl() << "\n";
    reachable.insert(name);
    // Started one by one (a sandbox that fails is skipped, not fatal); the
    // life cycle stops them all, in reverse, at the end.
    sandboxes.adopt(std::move(part));
  }
}

// The hub and its adapters, built once from settings that point at the
// sandboxes, tuned for a quick run; only reachable registries are delivered.
app::Hub makeDemoHub(const Settings& settings, const std::set<std::string>& reachable) {
  app::ServiceConfig service = loadServiceConfig("", settings);
  auto& outbox = service.hub.outbox;
  outbox.workers = 4;
  outbox.pollMillis = 20;
  outbox.maintenanceMillis = 200;
  outbox.leaseMillis = 30'000;
  outbox.retry = engine::RetryPolicies(engine::RetryPolicy{5, 50, 1000});
  app::HubOptions options;
  options.http = false;
  options.workers = false;  // started after the ingest (deliver())
  options.deliverers = [adapters = service.adapters, reachable](const std::string& registry)
      -> std::unique_ptr<engine::Deliverer> {
    if (!reachable.count(registry)) return nullptr;
    for (const auto& ad : adapters)
      if (ad->name() == registry) return ad->makeDeliverer();
    return nullptr;
  };
  return app::Hub(std::move(service), std::move(options));
}

// Step 2. A generated data set with seeded mistakes.
int generateInput(const Args& a, const model::Date& asOf, const DemoFiles& files) {
  return cmdSynth({"--citizens", a.get("citizens", "300"), "--seed", a.get("seed", "1"), "--mistakes",
                   a.get("mistakes", "0.1"), "--as-of", asOf.iso(), "--out", files.input, "--manifest",
                   files.manifest});
}

// Step 3. Ingest into the store.
api::IntakeResult ingestInput(app::Hub& hub, const DemoFiles& files, const model::Date& asOf) {
  const auto r = hub.intake().ingestPaths({files.input}, asOf, {"demo", {}});
  std::cout << "ingested " << r.stats.citizens << " citizens, " << r.stats.forloebSelected << " forløb; "
            << r.queued << " messages queued; " << r.errors << " errors, " << r.warnings << " warnings (ingest "
            << r.ingestId << ")\n";
  return r;
}

// Step 4. Deliver to the sandboxes; true when everything ended in time.
bool deliver(app::Hub& hub, int64_t timeoutMillis) {
  hub.outbox().start();
  const bool drained = hub.outbox().drain(timeoutMillis);
  hub.stop();
  return drained;
}

// {"registry":"…","rule":"…",…}: the value of one string field of a manifest line.
std::string manifestField(const std::string& line, const std::string& k) {
  const auto p = line.find("\"" + k + "\":\"");
  if (p == std::string::npos) return std::string();
  const auto s = p + k.size() + 4;
  return line.substr(s, line.find('"', s) - s);
}

// A seeded mistake is found when its rule was reported for its registry.
void printSeededMistakes(const api::IntakeResult& r, const std::string& manifest) {
  std::set<std::string> reported;
  for (const auto& d : r.diagnostics)
    if (d.severity != diag::Severity::kInfo) reported.insert(d.registry + " " + d.rule);
  size_t seeded = 0, found = 0;
  std::ifstream m(manifest);
  for (std::string line; std::getline(m, line);) {
    if (line.empty()) continue;
    ++seeded;
    found += reported.count(manifestField(line, "registry") + " " + manifestField(line, "rule"));
  }
  std::cout << "\nseeded mistakes: " << seeded << ", reported by the hub: " << found << "\n";
}

void printWhereToLook(const DemoFiles& files, const std::string& ingestId) {
  const std::string& props = files.props;
  std::cout << "\nwhere to look:\n"
            << "  store:        " << files.dir << "/reghub.db (encrypted at rest; key in " << props << ")\n"
            << "  input:        " << files.input << "\n"
            << "  status:       reghub status --config " << props << " [--format json]\n"
            << "  diagnostics:  reghub status --config " << props << " --ingest " << ingestId << "\n"
            << "  one forløb:   reghub status --config " << props << " --forloeb <source id>\n"
            << "  retry dead:   reghub replay --config " << props << " --state dead\n"
            << "  dashboard:    reghub run --config " << props << " --no-workers, then /dashboard/ at the address it "
               "prints (token in " << files.token << ")\n";
}

// Step 6. The dashboard over the demo's store (no workers: nothing more is
// sent), until SIGINT/SIGTERM (blocked in every thread since the start).
void serveDashboard(const Settings& settings, const DemoFiles& files, const sigset_t& stopSignals) {
  // The store's and the API's settings only: the sandboxes (and the files
  // their client settings name) are gone.
  Settings served;
  for (const auto& [k, v] : settings)
    if (k.rfind("store.", 0) == 0 || k.rfind("http.", 0) == 0) served[k] = v;
  app::HubOptions options;
  options.workers = false;
  app::Hub hub(loadServiceConfig("", served), std::move(options));
  hub.start();
  std::cout << "\ndashboard:    " << hub.server()->baseUrl() << "/dashboard/ (sign in with the token in " << files.token
            << ")\nserving until Ctrl-C" << std::endl;
  waitForStopSignal(stopSignals);
  hub.stop();
  std::cout << "stopped" << std::endl;
}

// Step 5. Summary.
void printSummary(app::Hub& hub, const api::IntakeResult& r, const DemoFiles& files, bool drained) {
  std::cout << "\n" << api::statusText(hub.store().counts(), hub.store().rejections());
  printSeededMistakes(r, files.manifest);
  if (!drained) std::cout << "delivery did not finish within --timeout; `reghub run` would keep trying\n";
  printWhereToLook(files, r.ingestId);
}

}  // namespace

int cmdDemo(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") return usage();
  const Args a(argv, kOptions);
  const model::Date asOf = asOfDay(a);
  DemoFiles files;
  files.dir = makeWorkDir(a.get("dir"));
  files.props = files.dir + "/demo.properties";
  files.input = files.dir + "/input.ndjson";
  files.manifest = files.dir + "/seeded-mistakes.jsonl";
  files.token = files.dir + "/dashboard-token";
  const bool wait = !a.has("no-wait") && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
  const sigset_t stopSignals = wait ? blockStopSignals() : sigset_t{};
  std::cout << "reghub demo in " << files.dir << "\n";
  Settings settings = writeDemoStore(files, a.get("port", "0"));

  app::Lifecycle sandboxes;
  std::set<std::string> reachable;
  startSandboxes(sandboxes, reachable, settings);
  app::Hub hub = makeDemoHub(settings, reachable);

  const int synthRc = generateInput(a, asOf, files);
  if (synthRc != kExitOk) return synthRc;
  hub.start();
  const auto r = ingestInput(hub, files, asOf);
  const bool drained = deliver(hub, std::stoll(a.get("timeout", "120")) * 1000);
  sandboxes.stop();
  printSummary(hub, r, files, drained);
  if (wait) serveDashboard(settings, files, stopSignals);
  return drained ? kExitOk : kExitSoftware;
}

}  // namespace reghub::cli
