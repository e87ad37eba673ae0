#include "adapters/smdb/sync.h"

#include <chrono>

#include "adapters/smdb/municipalities.h"
#include "hub/model/cpr.h"

namespace reghub::smdb {

delivery::RegistryRecord toRegistryRecord(const SmdbRecord& r) {
  delivery::RegistryRecord x;
  x.registry = "smdb";
  x.kommune = kommune4Of(r.kommune);
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
    const std::string k3 = kommune3Of(k);
    if (const auto records = readKommune(k3, why)) {
      std::vector<delivery::RegistryRecord> held;
      for (const SmdbRecord& s : *records) held.push_back(toRegistryRecord(s));
      try {
        r.counts = sink.replace(k, held);
      } catch (const std::exception& e) {  // one kommune's store problem does not stop the others
        r.error = std::string("could not be kept: ") + e.what();
      }
    } else {
      r.error = why;
    }
    out.push_back(std::move(r));
  }
  if (!kommuner.empty()) refreshLists(kommuner.front(), sink, out);
  return out;
}

// HentAlleTilbud (SMDB-TILB-13) and HentLandeliste (SMDB-GEN-10), read when
// the held copy is a day old. An empty or failed answer keeps what was held
// (and, without one, smdb.tilbudList or the form check); an empty answer
// is no list at all, not a list that allows nothing.
void SmdbSync::refreshLists(const std::string& kommune, engine::RegistryStateSink& sink,
                            std::vector<KommuneResult>& out) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (const auto& [name, action] : {std::pair<const char*, const char*>{kTilbudList, kHentAlleTilbud},
                                     std::pair<const char*, const char*>{kLandeList, kHentLandeliste}}) {
    if (now - sink.listFetchedAt(name) < kListMaxAgeMillis) continue;
    KommuneResult r;
    r.kommune = action;
    r.referenceList = true;
    engine::DeliveryResult failure;
    const std::string k3 = kommune3Of(kommune);
    const auto entries = client_.readList(action, k3, failure);
    if (!entries) {
      r.error = failure.detail;
    } else if (!entries->empty()) {
      std::vector<std::pair<std::string, std::string>> list;
      for (const ListEntry& e : *entries) list.emplace_back(e.code, e.name);
      sink.replaceList(name, list);
      r.counts.seen = list.size();
    }
    out.push_back(std::move(r));
  }
}

}  // namespace reghub::smdb
