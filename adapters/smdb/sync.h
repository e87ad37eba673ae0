#pragma once
// SMDB's sync (Kravspecifikation 1.2: read with HentData first, so ids and
// references are known): for each kommune every record action of
// hent_data.h is read and the whole answer handed to the hub's mirror of
// SMDB. Records the hub sent come back with its KildeId (their SmdbIds are
// learned); records without one were made in SMDB-web or by an earlier
// system. A kommune whose read fails keeps what was held. Not thread-safe
// (one per run); the IdwsClient is shared.
#include <memory>
#include <string>
#include <vector>

#include "adapters/smdb/hent_data.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/engine/adapter.h"

namespace reghub::smdb {

// An SMDB record as the hub's mirror keeps it (kommune 4 digits; the
// KildeId kept as the source key only when it is one of the hub's keys).
delivery::RegistryRecord toRegistryRecord(const SmdbRecord& r);

// The reference lists a sync keeps (PriorDeliveries::registryList names).
inline constexpr const char* kTilbudList = "tilbud";
inline constexpr const char* kLandeList = "lande";
inline constexpr int64_t kListMaxAgeMillis = 24LL * 3600 * 1000;  // refreshed daily

class SmdbSync final : public engine::RegistrySync {
 public:
  SmdbSync(const Settings& settings, std::shared_ptr<IdwsClient> idws);
  std::vector<KommuneResult> sync(const std::vector<std::string>& kommuner, engine::RegistryStateSink& sink) override;
  // Every record of one kommune (3 digits), all actions; nullopt and `why` on failure.
  std::optional<std::vector<SmdbRecord>> readKommune(const std::string& kommune3, std::string& why);

 private:
  void refreshLists(const std::string& kommune, engine::RegistryStateSink& sink, std::vector<KommuneResult>& out);
  SoapDeliverer client_;
};

}  // namespace reghub::smdb
