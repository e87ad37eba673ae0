// `reghub replay --state dead|rejected [--registry R] [--since D]`; failed
// ingests: `--ingests`, `--ingest ID` (queued again), `--discard-ingest ID`.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/model/date.h"
#include "hub/store/intake_queue.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"state", true, "dead or rejected (required)", ""},
    {"registry", true, "only this registry", ""},
    {"since", true, "only messages that ended on or after this day (YYYY-MM-DD, Europe/Copenhagen)", ""},
    {"ingests", false, "instead: queue the failed ingests again (their bodies were kept)", ""},
    {"ingest", true, "instead: queue this one failed ingest again", ""},
    {"discard-ingest", true, "instead: give this one failed ingest up for good (its body deleted)", ""},
    {"help", false, "show this help", ""},
};
// Failed ingests back to queued: their bodies were kept.
int replayIngests(const Args& a) {
  if (a.has("state")) throw UsageError("--ingests/--ingest replay ingests, not messages: leave out --state");
  const app::HubConfig config = loadConfigFromArgs(a.get("config"), a.get("store")).hub;
  requireExistingStore(config);
  auto store = store::DeliveryStore::open(config.storeOptions());
  auto queue = store::IntakeQueue::open(store->options());
  const std::string id = a.has("ingest") ? a.get("ingest") : std::string();
  const size_t n = queue->replayFailed(id);
  store->recordAudit(cliActor(), "replay", (id.empty() ? std::string("failed ingests") : "failed ingest " + id) + ": " +
                                               std::to_string(n) + " queued again",
                     store::nowMillis());
  std::cout << n << " ingests queued again\n";
  return kExitOk;
}

// A failed ingest given up for good: its body deleted, the ingest kept as
// discarded, an audit entry. An id that names no failed ingest is a usage
// error (exit 2, CONTRACT §3): nothing is changed.
int discardIngest(const Args& a) {
  if (a.has("state") || a.has("ingests") || a.has("ingest"))
    throw UsageError("--discard-ingest stands alone: leave out --state, --ingests and --ingest");
  const std::string id = a.get("discard-ingest");
  if (id.empty()) throw UsageError("--discard-ingest needs the ingest's id");
  const app::HubConfig config = loadConfigFromArgs(a.get("config"), a.get("store")).hub;
  requireExistingStore(config);
  auto store = store::DeliveryStore::open(config.storeOptions());
  if (!store->discardFailedIngest(id, cliActor(), store::nowMillis())) {
    const auto rec = store->ingest(id);
    throw UsageError("ingest " + id + (rec ? " is " + rec->state + ", not failed" : " does not exist") +
                     ": only a failed ingest can be discarded (reghub status lists them)");
  }
  std::cout << "ingest " << id << " discarded: its posted body is deleted\n";
  return kExitOk;
}

}  // namespace

int cmdReplay(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub replay --state dead|rejected [OPTIONS]\n"
                   "       reghub replay --ingests | --ingest ID\n"
                   "       reghub replay --discard-ingest ID\n\n"
                   "Puts dead or rejected messages back to pending (attempts start again); the\n"
                   "running workers send them with their original idempotency keys. With --ingests,\n"
                   "posted ingests given up after intake.maxAttempts are queued again for the\n"
                   "intake workers instead; --discard-ingest gives one failed ingest up for good (its\n"
                   "body deleted; exit 2 if ID is no failed ingest). Each is recorded in the audit trail.\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  if (a.has("discard-ingest")) return discardIngest(a);
  if (a.has("ingests") || a.has("ingest")) return replayIngests(a);
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
