// `reghub replay --state dead|rejected [--registry R] [--since D]`.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/model/date.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"state", true, "dead or rejected (required)", ""},
    {"registry", true, "only this registry", ""},
    {"since", true, "only messages that ended on or after this day (YYYY-MM-DD, Europe/Copenhagen)", ""},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdReplay(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub replay --state dead|rejected [OPTIONS]\n\n"
                   "Puts dead or rejected messages back to pending (attempts start again); the\n"
                   "running workers send them with their original idempotency keys. Every replay\n"
                   "is recorded in the audit trail.\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  store::ReplayFilter f;
  const std::string state = a.get("state");
  if (state == "dead")
    f.state = store::MessageState::kDead;
  else if (state == "rejected")
    f.state = store::MessageState::kRejected;
  else
    throw UsageError("--state must be dead or rejected");
  f.registry = a.get("registry");
  if (a.has("since")) {
    const auto d = model::Date::parse(a.get("since"));
    if (!d) throw UsageError("--since must be a date YYYY-MM-DD");
    // Midnight in Copenhagen of that day.
    const int64_t utcMidnight = int64_t{d->days()} * 86400;
    f.since = (utcMidnight - model::copenhagenOffsetSeconds(utcMidnight)) * 1000;
  }
  // The whole file is checked (adapters' keys too), though only the store is used.
  const app::HubConfig config = loadConfigFromArgs(a.get("config"), a.get("store")).hub;
  requireExistingStore(config);
  auto store = store::DeliveryStore::open(config.storeOptions());
  const size_t n = store->replay(f, cliActor(), store::nowMillis());
  std::cout << n << " messages back to pending\n";
  return kExitOk;
}

}  // namespace reghub::cli
