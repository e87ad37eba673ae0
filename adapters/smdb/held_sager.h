#pragma once
// What SMDB holds for one citizen (the last sync's records, hub/store's
// registry mirror), sorted into sager, and what that means for the hub's
// own forløb (Kravspecifikation 1.2 and 6.1.2; SMDB-GEN-15, SMDB-ANM-01):
// - a sag the hub sent (its KildeId names the forløb) is the forløb's own;
// - a sag made elsewhere (SMDB-web, an earlier system, a systemskifte's
//   re-registration: not sent for one of the citizen's forløb) with the same kommune
//   and anmodningsdato is the same forløb: the hub adopts it and sends its
//   skemaer as updates of the sag's records;
// - any other sag made elsewhere whose period overlaps the forløb's blocks
//   it: SMDB keeps one active kontaktforløb per citizen in a kommune.
// Pure; thread-safe.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/smdb/forloeb_view.h"
#include "hub/delivery/registry_record.h"
#include "hub/diag/reporter.h"

namespace reghub::smdb {

struct HeldSag {
  std::string sagId;
  std::string kommune;     // 4 digits
  std::string forloebKey;  // the hub forløb it was sent for; empty: made elsewhere
  std::vector<const delivery::RegistryRecord*> records;
  std::optional<model::Date> anmodningsdato, afsluttet;

  const delivery::RegistryRecord* first(Skema s) const;
};

// "smdb/330/<forløb>/IVAER" → "<forløb>"; empty when it is not one of the hub's keys.
std::string forloebOfKey(const std::string& key);
std::vector<HeldSag> heldSager(const std::vector<delivery::RegistryRecord>& records);

// Checks each view against the held sager (diagnostics on the forløb) and
// returns the ids the hub takes over from adopted sager: message key → SmdbId.
std::map<std::string, std::string> checkAgainstRegistry(const std::vector<ForloebView>& views,
                                                         const std::vector<HeldSag>& held, const diag::Reporter& out);

}  // namespace reghub::smdb
