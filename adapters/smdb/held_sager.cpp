#include "adapters/smdb/held_sager.h"

#include <set>

#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/soap_render.h"
#include "hub/util/strings.h"

namespace reghub::smdb {

namespace {

std::optional<model::Date> dateField(const delivery::RegistryRecord* r, const char* variable) {
  if (!r) return std::nullopt;
  const std::string* v = r->field(variable);
  if (!v || v->size() < 10) return std::nullopt;
  return model::Date::parse(v->substr(0, 10));
}

// Periods [start, end) with an open end; an afslutning on the day the other
// begins does not overlap (SMDB-ANM-01).
bool overlaps(model::Date aStart, std::optional<model::Date> aEnd, model::Date bStart, std::optional<model::Date> bEnd) {
  return (!aEnd || bStart < *aEnd) && (!bEnd || aStart < *bEnd);
}


// The ids of an adopted sag's records under the keys the forløb's messages use;
// each held tilknytning is matched once (by start date, in order).
void adopt(const ForloebView& v, const HeldSag& sag, std::map<std::string, std::string>& ids) {
  const auto put = [&](Skema s, const std::string& key) {
    if (const auto* r = sag.first(s)) ids[key] = r->recordId;
  };
  put(Skema::kAnm, messageKey(v, Skema::kAnm));
  put(Skema::kIvaer, messageKey(v, Skema::kIvaer));
  put(Skema::kAfsl, messageKey(v, Skema::kAfsl));
  put(Skema::kKvalhep, messageKey(v, Skema::kKvalhep));
  std::set<const delivery::RegistryRecord*> used;
  for (const SkemaForm& t : v.of(Skema::kTilb)) {
    const auto start = t.date("TilbudTilknyttetBehandlingStartDato");
    for (const auto* r : sag.records)
      if (r->kind == "TILB" && start && !used.count(r) && dateField(r, "TilbudTilknyttetBehandlingStartDato") == start) {
        ids[messageKey(v, Skema::kTilb, t.sourceId())] = r->recordId;
        used.insert(r);
        break;
      }
  }
}

}  // namespace

const delivery::RegistryRecord* HeldSag::first(Skema s) const {
  for (const auto* r : records)
    if (r->kind == skemaName(s)) return r;
  return nullptr;
}

std::string forloebOfKey(const std::string& key) {
  const auto segs = util::split(key, '/');
  return segs.size() >= 4 && segs[0] == "smdb" ? segs[2] : std::string();
}

std::vector<HeldSag> heldSager(const std::vector<delivery::RegistryRecord>& records) {
  std::map<std::string, HeldSag> bySag;
  for (const auto& r : records) {
    HeldSag& s = bySag[r.groupId.empty() ? r.recordId : r.groupId];
    s.sagId = r.groupId.empty() ? r.recordId : r.groupId;
    s.kommune = r.kommune;
    s.records.push_back(&r);
    if (s.forloebKey.empty()) s.forloebKey = forloebOfKey(r.sourceKey);
  }
  std::vector<HeldSag> out;
  for (auto& [id, s] : bySag) {
    s.anmodningsdato = dateField(s.first(Skema::kAnm), "BehandlingAnmodningDato");
    s.afsluttet = dateField(s.first(Skema::kAfsl), "BehandlingAfsluttetDato");
    out.push_back(std::move(s));
  }
  return out;
}

std::map<std::string, std::string> checkAgainstRegistry(const std::vector<ForloebView>& views,
                                                         const std::vector<HeldSag>& held, const diag::Reporter& out) {
  std::map<std::string, std::string> ids;
  // A sag is made elsewhere unless it was sent for one of these forløb (a
  // systemskifte's re-registered sag, an earlier key, SMDB-web, another system).
  std::set<std::string> ours;
  for (const ForloebView& v : views) ours.insert(v.forloeb->key);
  const auto foreign = [&](const HeldSag& s) { return !ours.count(s.forloebKey); };
  std::set<std::string> adopted;  // a sag is one forløb's
  for (const ForloebView& v : views) {
    const SkemaForm* anm = v.first(Skema::kAnm);
    const auto start = anm ? anm->date("BehandlingAnmodningDato") : std::nullopt;
    if (!start || v.kommune3.empty()) continue;
    const std::string kommune = kommune4Of(v.kommune3);
    const SkemaForm* afsl = v.first(Skema::kAfsl);
    const auto end = afsl ? afsl->date("BehandlingAfsluttetDato") : std::nullopt;
    const diag::Reporter fout = out.withForloeb(v.forloeb->display());
    if (std::any_of(held.begin(), held.end(), [&](const HeldSag& s) { return s.forloebKey == v.forloeb->key; }))
      continue;  // SMDB holds it as ours
    // The same forløb first (then no other sag is a conflict of its own making).
    const auto same = std::find_if(held.begin(), held.end(), [&](const HeldSag& s) {
      return foreign(s) && s.kommune == kommune && s.anmodningsdato == start && !adopted.count(s.sagId);
    });
    for (const HeldSag& s : held) {
      if (!foreign(s) || s.kommune != kommune || !s.anmodningsdato) continue;
      if (same != held.end() && &s != &*same) continue;
      if (same != held.end()) {
        adopted.insert(s.sagId);
        adopt(v, s, ids);
        fout.info("SMDB-GEN-15", "2-ANM",
                  "Forløbet er sag SmdbId " + s.sagId + " i SMDB (oprettet i SMDB-web eller af et tidligere system: "
                  "samme CPR, kommune og anmodningsdato " + start->iso() +
                  "); hubben indberetter det som opdateringer af den sag.");
        break;
      }
      if (overlaps(*start, end, *s.anmodningsdato, s.afsluttet))
        fout.error("SMDB-ANM-01", "2-ANM",
                   "SMDB har allerede sag SmdbId " + s.sagId + " for borgeren i kommunen (anmodningsdato " +
                       s.anmodningsdato->iso() + (s.afsluttet ? ", afsluttet " + s.afsluttet->iso() : ", ikke afsluttet") +
                       "), oprettet uden for hubben (SMDB-web eller et tidligere system), og den overlapper dette "
                       "forløb. SMDB har ét aktivt kontaktforløb pr. borger i en kommune: afslut eller slet sagen i "
                       "SMDB-web, eller ret anmodningsdatoen til " + s.anmodningsdato->iso() +
                       ", hvis det er det samme forløb.");
    }
  }
  return ids;
}

}  // namespace reghub::smdb
