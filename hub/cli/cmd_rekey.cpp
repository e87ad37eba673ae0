// `reghub rekey`: key rotation's second half (docs/STORE.md "Key rotation").
// With the new key as store.key and the old ones in store.retiredKeys, every
// sealed row still under an old key is sealed again with the new one, in
// batches of its own transaction — a killed rekey started again resumes.
// Afterwards the old keys can leave store.retiredKeys.
#include <iostream>

#include "hub/cli/args.h"
#include "hub/cli/commands.h"
#include "hub/cli/hub_commands.h"
#include "hub/store/store_rekey.h"

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
                   "Seals every stored message, diagnostic, ingest progress row, citizen resource, registry\n"
                   "record and posted body waiting to be ingested that is still under an older key again\n"
                   "with store.key\n"
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
  store::StoreRekey rekey(*store);
  while (rekey.step(batch)) {
  }
  const store::RekeyCounts& n = rekey.counts();
  const std::string what = std::to_string(n.messagesAndDiagnostics) + " messages and diagnostics, " +
                           std::to_string(n.citizenResources) + " citizen resources, " +
                           std::to_string(n.registryRecords) + " registry records, " + std::to_string(n.bodyPieces) +
                           " pieces of posted bodies";
  store->recordAudit(cliActor(), "rekey", "to key " + config.keyring->currentKeyId() + ": " + what + " re-sealed",
                     store::nowMillis());
  std::cout << "rekey to " << config.keyring->currentKeyId() << ": " << what << " sealed again\n";
  return kExitOk;
}

}  // namespace reghub::cli
