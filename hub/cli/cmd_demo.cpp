// `reghub demo`: the whole flow on a fresh embedded store — every adapter's
// sandbox, a generated data set with seeded mistakes, ingest, delivery, and
// a summary of what was accepted, rejected (by rule) and dead.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "hub/api/intake.h"
#include "hub/api/status_report.h"
#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/outbox.h"

namespace reghub::cli {

namespace {

const std::vector<OptionSpec> kOptions = {
    {"citizens", true, "how many generated citizens", "300"},
    {"seed", true, "random seed of the data set", "1"},
    {"mistakes", true, "share of citizens with one seeded rule violation", "0.1"},
    {"as-of", true, "the day that counts as today (YYYY-MM-DD)", "today"},
    {"dir", true, "work directory (default: a new temp dir)", ""},
    {"timeout", true, "seconds to wait for delivery", "120"},
    {"help", false, "show this help", ""},
};

std::string makeWorkDir(const std::string& given) {
  if (!given.empty()) {
    std::filesystem::create_directories(given);
    return given;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "reghub-demo-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temp dir");
  return tmpl;
}

}  // namespace

int cmdDemo(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub demo [OPTIONS]\n\n"
                   "Starts every registry's sandbox and the hub on a fresh embedded store in a temp\n"
                   "dir, ingests a generated data set with seeded mistakes, delivers, and prints a\n"
                   "summary (accepted / rejected by rule / dead) and where to look.\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  const std::string asOfText = a.get("as-of", "");
  const model::Date asOf = asOfText.empty() ? model::copenhagenToday() : [&] {
    const auto d = model::Date::parse(asOfText);
    if (!d) throw UsageError("--as-of must be a date YYYY-MM-DD");
    return *d;
  }();
  const std::string dir = makeWorkDir(a.get("dir"));
  std::cout << "reghub demo in " << dir << "\n";

  // A throw-away key, kept next to the store (mode 0600) so `reghub status`
  // can read it afterwards.
  const std::string key = store::Keyring::generateKeyB64();
  const std::string storeUrl = "sqlite:" + dir + "/reghub.db";
  const std::string props = dir + "/demo.properties";
  {
    std::ofstream p(props);
    p << "# reghub demo: throw-away store and key\nstore.url = " << storeUrl << "\nstore.key = " << key << "\n";
  }
  ::chmod(props.c_str(), 0600);

  // 1. Sandboxes: every adapter that has one (built with the defaults).
  std::map<std::string, std::string> over = {{"store.url", storeUrl}, {"store.key", key}};
  std::map<std::string, std::unique_ptr<engine::Sandbox>> sandboxes;
  for (const auto& ad : engine::AdapterRegistry::createAll()) {
    const std::string name(ad->name());
    try {
      auto sb = ad->makeSandbox({0});
      if (!sb) throw std::runtime_error("no sandbox");
      sb->start();
      const auto client = ad->sandboxClientConfig(*sb);
      if (client.empty()) {
        std::cout << "  sandbox " << name << " at " << sb->baseUrl()
                  << ", but the adapter does not say how to reach it (Adapter::sandboxClientConfig); "
                     "its messages cannot be delivered\n";
        sb->stop();
        continue;
      }
      for (const auto& [k, v] : client) over[k] = v;
      std::cout << "  sandbox " << name << " at " << sb->baseUrl() << "\n";
      sandboxes[name] = std::move(sb);
    } catch (const std::exception& e) {
      std::cout << "  sandbox " << name << ": skipped (" << e.what() << "); its messages cannot be delivered\n";
    }
  }
  // The hub and its adapters, built once from settings that point at the sandboxes.
  ServiceConfig service = loadServiceConfig("", over);
  api::HubConfig& config = service.hub;
  config.outbox.workers = 4;
  config.outbox.pollMillis = 20;
  config.outbox.maintenanceMillis = 200;
  config.outbox.leaseMillis = 30'000;
  config.outbox.retry = engine::RetryPolicies(engine::RetryPolicy{5, 50, 1000});

  // 2. A generated data set with seeded mistakes.
  const std::string input = dir + "/input.ndjson";
  const std::string manifest = dir + "/seeded-mistakes.jsonl";
  const int synthRc = cmdSynth({"--citizens", a.get("citizens", "300"), "--seed", a.get("seed", "1"), "--mistakes",
                                a.get("mistakes", "0.1"), "--as-of", asOf.iso(), "--out", input, "--manifest",
                                manifest});
  if (synthRc != kExitOk) return synthRc;

  // 3. Ingest into the store.
  auto store = store::DeliveryStore::open(config.storeOptions());
  api::Intake intake(*store, service.adapters);
  const auto r = intake.ingestPaths({input}, asOf);
  std::cout << "ingested " << r.stats.citizens << " citizens, " << r.stats.forloebSelected << " forløb; "
            << r.queued << " messages queued; " << r.errors << " errors, " << r.warnings << " warnings (ingest "
            << r.ingestId << ")\n";

  // 4. Deliver to the sandboxes.
  engine::Outbox outbox(
      *store,
      [&](const std::string& registry) -> std::unique_ptr<engine::Deliverer> {
        if (!sandboxes.count(registry)) return nullptr;
        for (const auto& ad : service.adapters)
          if (ad->name() == registry) return ad->makeDeliverer();
        return nullptr;
      },
      config.outbox);
  outbox.start();
  const bool drained = outbox.drain(std::stoll(a.get("timeout", "120")) * 1000);
  outbox.stop();
  for (auto& [name, sb] : sandboxes) sb->stop();

  // 5. Summary.
  std::cout << "\n" << api::statusText(store->counts(), store->rejections());
  std::set<std::string> reported;
  for (const auto& d : r.diagnostics)
    if (d.severity != diag::Severity::kInfo) reported.insert(d.registry + " " + d.rule);
  size_t seeded = 0, found = 0;
  std::ifstream m(manifest);
  for (std::string line; std::getline(m, line);) {
    if (line.empty()) continue;
    ++seeded;
    // {"registry":"…","rule":"…",…}: a seeded mistake is found when its rule was reported.
    const auto field = [&line](const std::string& k) {
      const auto p = line.find("\"" + k + "\":\"");
      if (p == std::string::npos) return std::string();
      const auto s = p + k.size() + 4;
      return line.substr(s, line.find('"', s) - s);
    };
    found += reported.count(field("registry") + " " + field("rule"));
  }
  std::cout << "\nseeded mistakes: " << seeded << ", reported by the hub: " << found << "\n";
  if (!drained) std::cout << "delivery did not finish within --timeout; `reghub run` would keep trying\n";
  std::cout << "\nwhere to look:\n"
            << "  store:        " << dir << "/reghub.db (encrypted at rest; key in " << props << ")\n"
            << "  input:        " << input << "\n"
            << "  status:       reghub status --config " << props << " [--format json]\n"
            << "  diagnostics:  reghub status --config " << props << " --ingest " << r.ingestId << "\n"
            << "  one forløb:   reghub status --config " << props << " --forloeb <source id>\n"
            << "  retry dead:   reghub replay --config " << props << " --state dead\n";
  return drained ? kExitOk : kExitSoftware;
}

}  // namespace reghub::cli
