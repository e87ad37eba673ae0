#include "adapters/smdb/deletion_tasks.h"

#include <algorithm>

#include "adapters/smdb/soap_render.h"

namespace reghub::smdb {

namespace {

const char* label(const std::string& kind) {
  if (kind == "AFSL") return "afslutningen";
  if (kind == "YDEL") return "ydelsen";
  if (kind == "UDSK") return "udskrivningen";
  if (kind == "INDS") return "indskrivningen";
  if (kind == "TILB") return "tilbudstilknytningen";
  if (kind == "IVAER") return "iværksættelsen";
  if (kind == "ANM") return "anmodningen";
  if (kind == "KVALHEP") return "KvalHep-skemaet";
  return "posten";
}

std::string startOf(const delivery::RegistryRecord& r) {
  for (const char* f : {"TilbudTilknyttetBehandlingStartDato", "IvaerksatBehandlingDato", "BehandlingAnmodningDato",
                        "BehandlingAfsluttetDato"})
    if (const std::string* v = r.field(f); v && v->size() >= 10) return v->substr(0, 10);
  return {};
}

}  // namespace

std::vector<delivery::TaskStep> deletionSteps(std::vector<const delivery::RegistryRecord*> records) {
  std::sort(records.begin(), records.end(), [](const auto* a, const auto* b) {
    const int ra = deletionRank(a->kind), rb = deletionRank(b->kind);
    if (ra != rb) return ra < rb;
    return startOf(*a) > startOf(*b);  // the latest first
  });
  std::vector<delivery::TaskStep> out;
  for (const auto* r : records) {
    const std::string start = startOf(*r);
    out.push_back({r->recordId, r->kind,
                   std::string("Slet ") + label(r->kind) + (start.empty() ? "" : " (" + start + ")") +
                       " i SMDB-web (SmdbId " + r->recordId + ")"});
  }
  return out;
}

namespace {

delivery::ManualTask task(const model::Citizen& citizen, const model::Forloeb& f, const HeldSag& sag,
                          std::string key, std::string reason, std::vector<const delivery::RegistryRecord*> records) {
  delivery::ManualTask t;
  t.key = std::move(key);
  t.registry = "smdb";
  t.kommune = sag.kommune;
  t.kind = "slet";
  t.forloebKey = f.key;
  t.citizenMasked = citizen.maskedCpr();
  t.reason = std::move(reason);
  t.steps = deletionSteps(std::move(records));
  return t;
}

}  // namespace

int deletionRank(const std::string& kind) {
  // KvalHep before its iværksættelse (Kravspecifikation 6.1.3, SMDB-IVAER-24: an
  // iværksættelse with a KvalHep cannot be deleted). The Vejledning's 3.2 lists
  // KvalHep last; the Kravspecifikation is what SMDB-web enforces.
  static const std::vector<std::string> order = {"AFSL", "YDEL", "UDSK", "INDS", "TILB", "KVALHEP", "IVAER", "ANM"};
  const auto it = std::find(order.begin(), order.end(), kind);
  return static_cast<int>(it - order.begin());
}

std::vector<delivery::ManualTask> deletionTasks(const model::Citizen& citizen, const std::vector<HeldSag>& held,
                                                const FieldTable& table) {
  std::vector<delivery::ManualTask> out;
  for (const model::Forloeb& f : citizen.forloeb) {
    const auto sag = std::find_if(held.begin(), held.end(), [&](const HeldSag& s) { return s.forloebKey == f.key; });
    if (sag == held.end()) continue;
    if (f.enteredInError()) {
      out.push_back(task(citizen, f, *sag, "smdb/slet/sag/" + sag->sagId,
                         "Forløbet er trukket tilbage i fagsystemet (entered-in-error), men SMDB har sag SmdbId " +
                             sag->sagId + ". System-til-system kan ikke slette (Kravspecifikation 5.1): slet sagen i "
                             "SMDB-web, bagfra, i denne rækkefølge.",
                         sag->records));
      continue;
    }
    // A withdrawn skema of a forløb that stays: its record alone.
    const ForloebView v = buildView(citizen, f, table);
    for (int s = 0; s < kSkemaCount; ++s)
      for (const model::FormResponse* w : v.withdrawn[s]) {
        const std::string key = messageKey(v, static_cast<Skema>(s), w->identifier.empty() ? w->resourceId : w->identifier);
        for (const auto* r : sag->records)
          if (r->sourceKey == key)
            out.push_back(task(citizen, f, *sag, "smdb/slet/post/" + r->recordId,
                               std::string("Skemaet er trukket tilbage i fagsystemet (entered-in-error), men SMDB har ") +
                                   label(r->kind) + " (SmdbId " + r->recordId + "). Slet den i SMDB-web.",
                               {r}));
      }
  }
  return out;
}

}  // namespace reghub::smdb
