// `reghub rekey`: key rotation's second half (docs/STORE.md "Key rotation").
// With the new key as store.key and the old ones in store.retiredKeys, every
// sealed row still under an old key is sealed again with the new one, in
// batches of its own transaction — a killed rekey started again resumes.
// Afterwards the old keys can leave store.retiredKeys.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/store/citizen_state.h"
#include "hub/store/intake_queue.h"
#include "hub/store/registry_mirror.h"

namespace reghub::cli {

namespace {
const std::vector<OptionSpec> kOptions = {
    {"config", true, "configuration file", ""},
    {"store", true, "store URL, overrides store.url", ""},
    {"batch", true, "rows per transaction", "500"},
    {"help", false, "show this help", ""},
};
}  // namespace

int cmdRekey(const std::vector<std::string>& argv) {
  for (const auto& x : argv)
    if (x == "--help" || x == "-h") {
      std::cout << "usage: reghub rekey --config FILE\n\n"
                   "Seals every stored message, diagnostic, citizen resource, registry record and posted\n"
                   "body waiting to be ingested that is still under an older key again with store.key\n"
                   "(the older keys must be in store.retiredKeys). Every process using the store must already know the new key\n"
                   "(restart them with it first).\n"
                   "Resumable: run it again after an interruption. Recorded in the audit trail.\n\n"
                << formatOptions(kOptions);
      return kExitOk;
    }
  const Args a(argv, kOptions);
  size_t batch = 500;
  try {
    batch = static_cast<size_t>(std::stoul(a.get("batch", "500")));
  } catch (const std::exception&) {
    throw UsageError("--batch must be a whole number");
  }
  if (batch == 0) throw UsageError("--batch must be at least 1");
  const app::HubConfig config = loadConfigFromArgs(a.get("config"), a.get("store")).hub;
  requireExistingStore(config);
  auto store = store::DeliveryStore::open(config.storeOptions());  // moves the key canary
  size_t delivery = 0, citizens = 0;
  store::DeliveryStore::RekeyCursor cursor;
  while (!cursor.done) delivery += store->rekey(cursor, batch);
  auto state = store::CitizenState::open(store->options());
  std::string at;
  for (bool done = false; !done;) citizens += state->rekey(at, done, batch);
  auto mirror = store::RegistryMirror::open(store->options());
  size_t records = 0;
  std::string recordAt;
  for (bool done = false; !done;) records += mirror->rekey(recordAt, done, batch);
  // The bodies posted and not yet ingested (queued, or failed and kept): a
  // retired key may leave store.retiredKeys while an ingest still waits.
  auto queue = store::IntakeQueue::open(store->options());
  size_t bodies = 0;
  store::IntakeQueue::RekeyCursor bodyAt;
  while (!bodyAt.done) bodies += queue->rekey(bodyAt, batch);
  store->recordAudit(cliActor(), "rekey",
                     "to key " + config.keyring->currentKeyId() + ": " + std::to_string(delivery) +
                         " messages and diagnostics, " + std::to_string(citizens) + " citizen resources, " +
                         std::to_string(records) + " registry records, " + std::to_string(bodies) +
                         " pieces of posted bodies re-sealed",
                     store::nowMillis());
  std::cout << "rekey to " << config.keyring->currentKeyId() << ": " << delivery << " messages and diagnostics, "
            << citizens << " citizen resources, " << records << " registry records, " << bodies
            << " pieces of posted bodies sealed again\n";
  return kExitOk;
}

}  // namespace reghub::cli
