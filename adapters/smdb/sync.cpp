#include "adapters/smdb/sync.h"

#include "hub/model/cpr.h"

namespace reghub::smdb {

delivery::RegistryRecord toRegistryRecord(const SmdbRecord& r) {
  delivery::RegistryRecord x;
  x.registry = "smdb";
  x.kommune = r.kommune.size() == 3 ? "0" + r.kommune : r.kommune;
  x.recordId = r.smdbId;
  x.kind = std::string(skemaName(r.skema));
  x.parentId = r.parentId;
  x.groupId = r.sagId;
  if (r.kildeId.rfind("smdb/", 0) == 0) x.sourceKey = r.kildeId;  // one of ours (soap_render.h messageKey)
  x.version = r.version;
  x.citizenCpr = r.cpr;
  if (const auto cpr = model::Cpr::parse(r.cpr)) x.citizenMasked = cpr->masked();
  x.fields = r.fields;
  return x;
}

SmdbSync::SmdbSync(const Settings& settings, std::shared_ptr<IdwsClient> idws) : client_(settings, std::move(idws)) {}

std::optional<std::vector<SmdbRecord>> SmdbSync::readKommune(const std::string& kommune3, std::string& why) {
  std::vector<SmdbRecord> all;
  for (const HentAction& a : recordActions()) {
    engine::DeliveryResult failure;
    auto records = client_.read(a.name, kommune3, {}, failure);
    if (!records) {
      why = std::string(a.name) + ": " + failure.detail;
      return std::nullopt;
    }
    for (SmdbRecord& r : *records) all.push_back(std::move(r));
  }
  return all;
}

std::vector<engine::RegistrySync::KommuneResult> SmdbSync::sync(const std::vector<std::string>& kommuner,
                                                                engine::RegistryStateSink& sink) {
  std::vector<KommuneResult> out;
  for (const std::string& k : kommuner) {
    KommuneResult r;
    r.kommune = k;
    std::string why;
    const std::string k3 = k.size() == 4 && k[0] == '0' ? k.substr(1) : k;
    if (const auto records = readKommune(k3, why)) {
      std::vector<delivery::RegistryRecord> held;
      for (const SmdbRecord& s : *records) held.push_back(toRegistryRecord(s));
      r.counts = sink.replace(k, held);
    } else {
      r.error = why;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace reghub::smdb
