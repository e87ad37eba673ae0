// `reghub run`: the service — HTTP(S) intake and status API plus delivery
// workers, until SIGTERM/SIGINT; then the API stops taking work, in-flight
// attempts finish and unstarted claims go back to pending. The hub itself
// is built and started by the composition root (hub/app/hub.h).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <chrono>
#include <map>
#include <thread>

#include "hub/app/hub.h"
#include "hub/app/registry_sync.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/cli/stop_signals.h"
#include "hub/config/config_error.h"
#include "hub/log/log.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file (Poco properties); see deploy/reghub.properties.example", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"port", true, "overrides http.port", ""},
    {"no-http", false, "delivery workers only (more workers on a shared PostgreSQL store)", ""},
    {"no-workers", false, "API only, no delivery", ""},
    {"until-idle", false,
     "sync the registries that can be read, deliver everything due, then exit: 0, or 1 if anything ended rejected "
     "or dead or a registry could not be read (for cron)",
     ""},
    {"idle-wait", true, "with --until-idle: wait for retries due within this many seconds (default 60)", ""},
    {"help", false, "show this help", ""},
};

int usage() {
  std::cout << "usage: reghub run [OPTIONS]\n\n"
               "Runs the hub: HTTP(S) intake (POST /fhir), status API (/status, /ingest/{id},\n"
               "/status/forloeb/{key}), /health, /metrics, and the delivery workers. Stops\n"
               "gracefully on SIGTERM or SIGINT. With --until-idle: no API; the registries\n"
               "are read back first (HentData), everything due is delivered, then it exits.\n\n"
            << formatOptions(kOptions) << "\n" << configKeysHelp();
  return kExitOk;
}

// Registries validated only (no endpoint configured): their messages are kept and wait.
// The others make one deliverer now, so that a credential or CA file problem
// stops start-up (config::ConfigError, 78) instead of every delivery attempt.
// Either way start-up says where each registry's data will go.
void reportDestinations(const app::Adapters& adapters) {
  for (const auto& adapter : adapters)
    if (!adapter->deliveryTarget().empty()) adapter->makeDeliverer();
  for (const auto& adapter : adapters) {
    if (adapter->deliveryTarget().empty())
      log::warning("registry " + std::string(adapter->name()) +
                       " is not configured for delivery (no endpoint): validated only, its messages are kept and wait",
                   {{"registry", std::string(adapter->name())}});
    else
      log::info("registry " + std::string(adapter->name()) + " delivers to " + adapter->deliveryTarget(),
                {{"registry", std::string(adapter->name())}, {"destination", adapter->deliveryTarget()}});
  }
}

// The store URL without a password (postgresql://user:secret@host → user:***@host).
std::string storeShown(const std::string& url) {
  const size_t scheme = url.find("://"), at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

void reportStarting(const app::HubConfig& hub) {
  log::info("reghub run starting", {{"version", REGHUB_VERSION},
                                    {"config", hub.source.file().empty() ? "(none)" : hub.source.file()},
                                    {"store", storeShown(hub.storeUrl)}});
}

void reportListening(const app::Hub& hub) {
  const app::HttpOptions& http = hub.config().http;
  if (http.certificate.empty())
    log::warning("plain HTTP on loopback (no http.tls.certificate): for local use only");
  if (http.clients.empty()) log::warning("no http.clients: the API refuses every request but /health");
  for (const auto& c : http.clients.all()) {
    std::string roles;
    for (const api::Role r : c.roles) roles += (roles.empty() ? "" : ",") + std::string(api::toString(r));
    std::string kommuner;
    for (const auto& k : c.kommuner) kommuner += (kommuner.empty() ? "" : ",") + k;
    log::info("API client", {{"client", c.name},
                             {"roles", roles},
                             {"kommuner", kommuner.empty() ? "all" : kommuner},
                             {"by", c.token.empty() ? "certificate" : "token"}});
  }
  log::info("listening", {{"url", hub.server()->baseUrl()}});
  std::cout << "listening on " << hub.server()->baseUrl() << std::endl;
}

void reportStarted(app::Hub& hub, bool workers) {
  log::info("reghub run started",
            {{"workers", static_cast<int64_t>(workers ? hub.config().outbox.workers : 0)},
             {"workerId", hub.outbox().workerId()},
             {"storeKind", hub.store().dialect() == store::Dialect::kPostgres ? "PostgreSQL" : "SQLite"}});
  std::cout << "reghub run: " << (workers ? std::to_string(hub.config().outbox.workers) : "no")
            << " delivery workers (" << hub.outbox().workerId() << "); store "
            << (hub.store().dialect() == store::Dialect::kPostgres ? "PostgreSQL" : "SQLite") << std::endl;
}

void reportStopped(app::Hub& hub) {
  const auto s = hub.outbox().stats();
  log::info("reghub run stopped", {{"attempts", static_cast<int64_t>(s.attempts)},
                                   {"accepted", static_cast<int64_t>(s.accepted)},
                                   {"rejected", static_cast<int64_t>(s.rejected)},
                                   {"dead", static_cast<int64_t>(s.dead)}});
  std::cout << "reghub run: stopped; " << s.attempts << " attempts, " << s.accepted << " accepted, " << s.rejected
            << " rejected, " << s.dead << " dead" << std::endl;
}

int64_t parseSeconds(const std::string& s) {
  if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--idle-wait wants whole seconds, e.g. --idle-wait 60");
  return std::stoll(s) * 1000;
}

// Nothing in flight and nothing due within `waitMillis`: a later cron run
// sends the rest (a scheduled daily delivery, a long retry backoff).
bool idle(store::DeliveryStore& store, int64_t waitMillis) {
  for (const store::StateCount& c : store.counts())
    if (c.state == store::MessageState::kSending && c.count > 0) return false;
  const auto due = store.nextDue();
  return !due || *due > store::nowMillis() + waitMillis;
}

int runUntilIdle(app::Hub& hub, int64_t waitMillis) {
  const app::SyncRun sync = app::syncRegistries(hub.adapters(), hub.store(), hub.intake());
  std::cout << app::describe(sync);
  if (sync.citizensMarked) {
    const api::IntakeResult r = hub.intake().renderDirty("sync");
    std::cout << "rendered " << r.stats.citizens << " citizen(s) again after the sync: " << r.queued << " queued\n";
  }
  hub.outbox().start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  while (!idle(hub.store(), waitMillis)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  hub.stop();
  const auto s = hub.outbox().stats();
  std::cout << "reghub run --until-idle: " << s.attempts << " attempts, " << s.accepted << " accepted, " << s.rejected
            << " rejected, " << s.dead << " dead" << (sync.ok() ? "" : "; a sync failed (see above)") << std::endl;
  return s.rejected || s.dead || !sync.ok() ? kExitErrors : kExitOk;
}

}  // namespace

// Loads, starts and runs the hub until SIGTERM/SIGINT; config errors escape.
int serveUntilStopped(const Args& a, const std::map<std::string, std::string>& over);

int cmdRun(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") return usage();
  const Args a(argv, kOptions);
  std::map<std::string, std::string> over;
  if (a.has("store")) over["store.url"] = a.get("store");
  if (a.has("port")) over["http.port"] = a.get("port");
  // Logs go to stderr from here on: as the environment says until the file is read.
  log::configure(std::getenv("REGHUB_LOG_FORMAT") && std::string(std::getenv("REGHUB_LOG_FORMAT")) == "text"
                     ? log::Format::kText
                     : log::Format::kJson,
                 log::Level::kInfo, std::cerr);
  try {
    return serveUntilStopped(a, over);
  } catch (const config::ConfigError& e) {
    log::error("configuration error: " + std::string(e.what()), {{"key", e.key()}});
    return kExitConfig;
  } catch (const store::KeyError& e) {
    log::error("configuration error: " + std::string(e.what()), {{"key", "store.key"}});
    return kExitConfig;
  }
}

int serveUntilStopped(const Args& a, const std::map<std::string, std::string>& over) {
  // Every key checked and every adapter built before anything starts: a
  // misconfigured registry stops start-up (ConfigError → exit 78).
  app::ServiceConfig service = loadServiceConfig(a.get("config"), over);
  log::configure(service.hub.logFormat, service.hub.logLevel, std::cerr);
  reportStarting(service.hub);
  const sigset_t stopSignals = blockStopSignals();

  app::HubOptions options;
  const bool untilIdle = a.has("until-idle");
  options.http = !a.has("no-http") && !untilIdle;
  options.workers = !a.has("no-workers") && !untilIdle;  // --until-idle starts them after the sync
  app::Hub hub(std::move(service), options);
  reportDestinations(hub.adapters());
  if (untilIdle) {
    hub.start();
    const int64_t wait = a.has("idle-wait") ? parseSeconds(a.get("idle-wait")) : 60'000;
    return runUntilIdle(hub, wait);
  }
  try {
    hub.start();
  } catch (const app::ListenError& e) {
    log::error(e.what());
    return kExitIo;
  }
  if (options.http) reportListening(hub);
  reportStarted(hub, options.workers);
  const int sig = waitForStopSignal(stopSignals);
  log::info(std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
  std::cout << "reghub run: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping" << std::endl;
  hub.stop();
  reportStopped(hub);
  return kExitOk;
}

}  // namespace reghub::cli
