// `reghub run`: the service — HTTP(S) intake and status API plus delivery
// workers, until SIGTERM/SIGINT; then the API stops taking work, in-flight
// attempts finish and unstarted claims go back to pending.
#include <signal.h>

#include <iostream>
#include <map>

#include "hub/api/api_server.h"
#include "hub/api/intake.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/outbox.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file (Poco properties); see deploy/reghub.properties.example", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"port", true, "overrides http.port", ""},
    {"no-http", false, "delivery workers only (more workers on a shared PostgreSQL store)", ""},
    {"no-workers", false, "API only, no delivery", ""},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdRun(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub run [OPTIONS]\n\n"
                   "Runs the hub: HTTP(S) intake (POST /fhir), status API (/status, /ingest/{id},\n"
                   "/status/forloeb/{key}), /health, /metrics, and the delivery workers. Stops\n"
                   "gracefully on SIGTERM or SIGINT.\n\n"
                << formatOptions(kOptions) << "\n" << configKeysHelp();
      return kExitOk;
    }
  const Args a(argv, kOptions);
  std::map<std::string, std::string> over;
  if (a.has("store")) over["store.url"] = a.get("store");
  if (a.has("port")) over["http.port"] = a.get("port");
  // Every key checked and every adapter built before anything starts: a
  // misconfigured registry stops start-up (ConfigError → exit 78).
  const ServiceConfig service = loadServiceConfig(a.get("config"), over);
  const api::HubConfig& config = service.hub;

  // Block the stop signals before any thread starts; this thread waits for them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  auto store = store::DeliveryStore::open(config.storeOptions());
  std::map<std::string, std::shared_ptr<const engine::Adapter>> adapters;
  for (const auto& ad : service.adapters) adapters[std::string(ad->name())] = ad;
  engine::DelivererFactory factory = [&adapters](const std::string& registry) -> std::unique_ptr<engine::Deliverer> {
    const auto it = adapters.find(registry);
    if (it == adapters.end()) return nullptr;
    auto d = it->second->makeDeliverer();
    if (!d) throw std::runtime_error("registry " + registry + " is not configured for delivery (no endpoint; see reghub run --help)");
    return d;
  };
  // Say at start-up which registries are validated only (no endpoint
  // configured); their messages are kept and wait meanwhile.
  for (const auto& [name, adapter] : adapters)
    if (adapter->deliveryTarget().empty())
      std::cerr << "reghub run: registry " << name
                << " is not configured for delivery (no endpoint): validated only, its messages are kept and wait\n";
  engine::Outbox outbox(*store, factory, config.outbox);
  api::Intake intake(*store, service.adapters, [&config](const std::string& r, int64_t now) {
    return config.notBefore(r, now);
  }, api::IntakeOptions{config.parkedExpiryMillis});
  api::ApiServer server(config.http, config.maxBacklog, *store, intake, &outbox);
  const bool http = !a.has("no-http");
  const bool workers = !a.has("no-workers");
  if (http) {
    try {
      server.start();
    } catch (const Poco::Exception& e) {
      std::cerr << "reghub run: cannot listen on " << config.http.host << ":" << config.http.port << ": "
                << e.displayText() << "\n";
      return kExitIo;
    }
    if (config.http.certificate.empty())
      std::cerr << "reghub run: plain HTTP on loopback (no http.tls.certificate): for local use only\n";
    if (config.http.tokens.empty() && !config.http.requireClientCertificate)
      std::cerr << "reghub run: no http.tokens and no client certificates: the API refuses every request\n";
    std::cout << "listening on " << server.baseUrl() << std::endl;
  }
  if (workers) outbox.start();
  std::cout << "reghub run: " << (workers ? std::to_string(config.outbox.workers) : "no") << " delivery workers ("
            << outbox.workerId() << "); store " << (store->dialect() == store::Dialect::kPostgres ? "PostgreSQL" : "SQLite")
            << std::endl;
  int sig = 0;
  sigwait(&stopSignals, &sig);
  std::cout << "reghub run: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping" << std::endl;
  server.stop();
  outbox.stop();
  const auto s = outbox.stats();
  std::cout << "reghub run: stopped; " << s.attempts << " attempts, " << s.accepted << " accepted, " << s.rejected
            << " rejected, " << s.dead << " dead" << std::endl;
  return kExitOk;
}

}  // namespace reghub::cli
