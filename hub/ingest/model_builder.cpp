#include "hub/ingest/model_builder.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "hub/state/spill_store.h"
#include "hub/util/json_access.h"
#include "hub/util/strings.h"

namespace reghub::ingest {

namespace {

using rapidjson::Value;
using Kind = DecodedResource::Kind;

std::string str(const Value& obj, const char* key) { return util::jsonString(obj, key); }

template <typename F>
void eachEntry(const Value& bundle, F&& f) {
  const Value* entries = util::jsonMember(bundle, "entry");
  if (!entries) return;
  if (entries->IsArray()) {
    int i = 0;
    for (const Value& e : entries->GetArray()) f(e, i++);
  } else if (entries->IsObject()) {
    f(*entries, 0);
  }
}

std::string firstProfile(const Value& resource) {
  const Value* meta = util::jsonMember(resource, "meta");
  if (!meta) return {};
  const Value* p = util::jsonMember(*meta, "profile");
  if (p && p->IsString()) return p->GetString();
  if (p && p->IsArray() && !p->Empty() && (*p)[0].IsString()) return (*p)[0].GetString();
  return {};
}

// A reference as sent → the canonical key of what it names.
std::string resolve(const std::string& reference, const std::unordered_map<std::string, std::string>& aliases) {
  std::string ref = reference;
  if (const auto h = ref.find("/_history/"); h != std::string::npos) ref.resize(h);
  if (const auto it = aliases.find(ref); it != aliases.end()) return it->second;
  if (util::startsWith(ref, "http://") || util::startsWith(ref, "https://")) {
    const auto parts = util::split(ref, '/');
    if (parts.size() >= 2) return parts[parts.size() - 2] + "/" + parts.back();
  }
  return ref;
}

struct DiscardSink final : diag::Sink {
  void report(diag::Diagnostic) override {}
};

std::string toJson(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

bool isPatientOrOrg(Kind k) { return k == Kind::kPatient || k == Kind::kOrganization; }

// The parent reference that is not among the citizen's resources (a broken
// episodeOfCare beside a basedOn that is there), else the first.
const std::string& missingParent(const DecodedResource& m, const std::unordered_set<std::string_view>& memberKeys) {
  for (size_t i = 0; i < m.parentRefs.size() && i < m.parentKeys.size(); ++i)
    if (!memberKeys.count(m.parentKeys[i])) return m.parentRefs[i];
  return m.parentRefs.front();
}

}  // namespace

ModelBuilder::ModelBuilder(const diag::Reporter& reporter, Emit emit, AssemblyOptions options, Collect collect)
    : reporter_(reporter), emit_(std::move(emit)), options_(options), collect_(std::move(collect)) {}
ModelBuilder::~ModelBuilder() = default;

void ModelBuilder::addDocument(const Value& root, const std::string& file, int line, size_t bytes, uint64_t docId) {
  file_ = file;
  line_ = line;
  // fullUrls name resources only inside their Bundle; across documents a
  // reference is literal (Type/id) or absolute, resolved by its tail.
  Aliases aliases;
  const bool bundle = str(root, "resourceType") == "Bundle";
  if (bundle) collectAliases(root, aliases);
  ResourceSite site{file, line, std::string(), std::string(), std::string()};
  scratchMode_ = provisional_ && docId != 0 && bundle && !spill_ && !collect_;
  docFirstArrival_ = arrival_ + 1;
  walk(root, site, aliases);
  if (scratchMode_) {
    scratchMode_ = false;
    if (tryEmitWhole(docId)) {
      scratch_.clear();
      return;  // nothing of it is held, so it counts nothing against the budget
    }
    for (auto& [d, s] : scratch_) hold(std::move(d), s, true);
    scratch_.clear();
  }
  if (!spill_ && !collect_) {
    heldBytes_ += bytes;
    if (heldBytes_ > options_.memoryBudgetBytes) spill_ = std::make_unique<state::SpillStore>();
  }
}

void ModelBuilder::collectAliases(const Value& bundle, Aliases& aliases) {
  eachEntry(bundle, [&](const Value& entry, int) {
    const Value* r = util::jsonMember(entry, "resource");
    if (!r || !r->IsObject()) return;
    const std::string type = str(*r, "resourceType");
    if (type == "Bundle") {
      collectAliases(*r, aliases);
      return;
    }
    const std::string url = str(entry, "fullUrl");
    if (!url.empty() && !type.empty()) aliases.emplace(url, canonicalKey(type, str(*r, "id"), url, 0));
  });
}

void ModelBuilder::walk(const Value& resource, const ResourceSite& site, const Aliases& aliases) {
  const std::string type = str(resource, "resourceType");
  if (type != "Bundle") {
    ResourceSite s = site;
    if (s.path.empty()) s.path = type;
    add(resource, s, aliases);
    return;
  }
  const std::string profile = firstProfile(resource);
  const std::string bundlePath = site.path.empty() ? "Bundle" : site.path;
  // bdl-7: fullUrl unique within a Bundle unless meta.versionId differs.
  std::set<std::pair<std::string, std::string>> seen;
  eachEntry(resource, [&](const Value& entry, int i) {
    const std::string entryPath = bundlePath + ".entry[" + std::to_string(i) + "]";
    const Value* r = util::jsonMember(entry, "resource");
    const std::string url = str(entry, "fullUrl");
    if (!r || !r->IsObject()) {
      if (rehydrating_) return;  // said when it was first read
      reporter_.withFile(file_, line_).withPath(entryPath).error(
          "HUB-FHIR-01", "", "Bundle entry has no resource object; add `resource` or remove the entry");
      return;
    }
    if (!url.empty() && !rehydrating_) {
      std::string version;
      if (const Value* meta = util::jsonMember(*r, "meta")) version = str(*meta, "versionId");
      if (!seen.emplace(url, version).second)
        reporter_.withFile(file_, line_).withPath(entryPath).error(
            "HUB-BDL-07", "",
            "fullUrl '" + url + "' appears twice in the Bundle with the same meta.versionId (FHIR bdl-7); "
            "give each entry its own fullUrl or distinct versionIds");
    }
    ResourceSite inner{site.file, site.line, entryPath + ".resource", url,
                       profile.empty() ? site.containerProfile : profile};
    walk(*r, inner, aliases);
  });
}

void ModelBuilder::add(const Value& resource, const ResourceSite& site, const Aliases& aliases) {
  const uint64_t arrival = ++arrival_;
  const ResolveReference resolveHere = [&aliases](const std::string& ref) { return resolve(ref, aliases); };
  const std::string type = str(resource, "resourceType");
  const bool mayHold = !spill_ || type == "Organization" ||
                       byKey_.count(canonicalKey(type, str(resource, "id"), site.fullUrl, arrival)) > 0;
  if (collect_) {
    // The delivery store keeps the state: every resource goes to it as read.
    if (auto d = decodeResource(resource, site, arrival, reporter_, resolveHere)) collect_(toRecord(resource, *d, site));
    return;
  }
  if (rehydrating_) {  // a retracted citizen's document, read again (its diagnostics were given)
    DiscardSink discard;
    if (auto d = decodeResource(resource, site, arrival, diag::Reporter(discard), resolveHere))
      if (d->kind != Kind::kOrganization) rehydrating_->emplace_back(std::move(*d), site);
    return;
  }
  if (mayHold) {
    auto d = decodeResource(resource, site, arrival, reporter_, resolveHere);
    if (!d) return;
    if (provisional_) retractTouched(*d);
    if (scratchMode_ && d->kind != Kind::kOrganization)
      scratch_.emplace_back(std::move(*d), site);
    else
      hold(std::move(*d), site, true);
    return;
  }
  // Past the budget: only the keys are decoded now (silently); the resource
  // is decoded for real, with its diagnostics, when its citizen is assembled.
  DiscardSink discard;
  if (auto d = decodeResource(resource, site, arrival, diag::Reporter(discard), resolveHere)) {
    if (provisional_) retractTouched(*d);
    // A retraction may just have brought an older version back into memory:
    // then this one replaces it there, never beside it in the spill file.
    if (byKey_.count(d->key)) {
      if (auto loud = decodeResource(resource, site, arrival, reporter_, resolveHere)) hold(std::move(*loud), site, true);
      return;
    }
    spill(resource, *d, site);
  }
  else
    decodeResource(resource, site, arrival, reporter_, resolveHere);  // says why it is not used
}

void ModelBuilder::hold(DecodedResource&& d, const ResourceSite& site, bool report) {
  if (d.kind == Kind::kOrganization) {
    organizations_[d.key] = std::get<model::Organization>(std::move(d.payload));
    if (!d.asSent.empty()) organizationsAsSent_[d.key] = std::move(d.asSent);
    return;
  }
  const auto out = [&] { return reporter_.withFile(site.file, site.line).withPath(site.path); };
  if (const auto it = byKey_.find(d.key); it != byKey_.end()) {
    DecodedResource& slot = *it->second;
    if (state::arrivesOlder(d.version, slot.version)) {
      if (report)
        out().info("HUB-INGEST-13", "",
                   util::maskDigitRuns(d.key) + " is older (meta.lastUpdated/versionId) than a version already read; ignored");
      return;
    }
    if (report) out().info("HUB-INGEST-13", "", util::maskDigitRuns(d.key) + " replaces an earlier version of the same resource");
    // In place, keeping its place among the citizen's resources and the key
    // string byKey_ views.
    const uint64_t arrival = slot.arrival;
    std::string key = std::move(slot.key);
    slot = std::move(d);
    slot.key = std::move(key);
    slot.arrival = arrival;
    return;
  }
  DecodedResource& added = held_.emplace_back(std::move(d));
  byKey_.emplace(added.key, &added);
  if (provisional_)
    for (const uint64_t n : touchNames(added)) heldNames_.insert(n);
  if (added.kind == Kind::kPatient) patients_.push_back(&added);
}

state::ResourceRecord ModelBuilder::toRecord(const Value& resource, const DecodedResource& d,
                                             const ResourceSite& site) {
  state::ResourceRecord s;
  s.type = str(resource, "resourceType");
  s.key = d.key;
  s.patientKey = d.subjectKey;
  s.parentKeys = d.parentKeys;
  s.orgKey = d.orgKey;
  // The store loads a record's Organizations with the citizen: a kept-as-sent
  // resource names others than its managing one (a GGOP's requester, a
  // forløb's performer) that must come along — every one, not only the first.
  // Not for a Patient: its Organization is its managing one (the SOR the
  // registries report), never another it names (a GP's clinic).
  if (d.kind != Kind::kPatient)
    for (const std::string& r : d.asSentRefs) {
      if (!util::startsWith(r, "Organization/") || r == s.orgKey) continue;
      if (s.orgKey.empty())
        s.orgKey = r;
      else if (std::find(s.otherOrgKeys.begin(), s.otherOrgKeys.end(), r) == s.otherOrgKeys.end())
        s.otherOrgKeys.push_back(r);
    }
  if (d.kind == Kind::kPatient)
    if (const auto& cpr = std::get<model::Citizen>(d.payload).cpr) s.cpr = cpr->digits();
  s.lastUpdated = d.lastUpdatedText;
  s.versionId = d.version.versionId;
  s.arrival = d.arrival;
  s.file = site.file;
  s.line = site.line;
  s.path = site.path;
  s.containerProfile = site.containerProfile;
  s.fullUrl = site.fullUrl;
  s.json = d.asSent.empty() ? toJson(resource) : d.asSent;  // kept-as-sent: references already canonical
  return s;
}

void ModelBuilder::spill(const Value& resource, const DecodedResource& d, const ResourceSite& site) {
  state::ResourceRecord r = toRecord(resource, d, site);
  if (d.kind == Kind::kPatient) r.patientKey = d.key;  // read back with the resources that name it
  const auto put = spill_->put(r);
  if (d.kind == Kind::kPatient && put == state::SpillStore::Put::kAdded) spill_->addPatient(d.key, r.cpr, d.arrival);
  ++spilledTotal_;
  const auto out = [&] { return reporter_.withFile(site.file, site.line).withPath(site.path); };
  if (put == state::SpillStore::Put::kOlderIgnored)
    out().info("HUB-INGEST-13", "",
               util::maskDigitRuns(d.key) + " is older (meta.lastUpdated/versionId) than a version already read; ignored");
  else if (put == state::SpillStore::Put::kReplaced)
    out().info("HUB-INGEST-13", "", util::maskDigitRuns(d.key) + " replaces an earlier version of the same resource");
}

std::unique_ptr<DecodedResource> ModelBuilder::decodeRecord(const state::ResourceRecord& s,
                                                            const diag::Reporter& reporter) {
  rapidjson::Document doc;
  doc.Parse(s.json.c_str(), s.json.size());
  ResourceSite site{s.file, s.line, s.path, s.fullUrl, s.containerProfile};
  const ResolveReference keep = [](const std::string& ref) { return ref; };
  auto d = decodeResource(doc, site, s.arrival, reporter, keep);
  if (!d) return nullptr;
  // References were resolved when it arrived, against its own Bundle.
  d->subjectKey = s.patientKey;
  d->parentKeys = s.parentKeys;
  d->orgKey = s.orgKey;
  return std::make_unique<DecodedResource>(std::move(*d));
}

std::unique_ptr<DecodedResource> ModelBuilder::unspill(const state::ResourceRecord& s) {
  return decodeRecord(s, reporter_);
}

void ModelBuilder::addRecord(const state::ResourceRecord& record, bool fresh) {
  // Silently: its diagnostics were given when the delta that brought it was read.
  DiscardSink discard;
  auto d = decodeRecord(record, diag::Reporter(discard));
  if (!d) return;
  d->markFresh(fresh);
  arrival_ = std::max<uint64_t>(arrival_, d->arrival);
  hold(std::move(*d), ResourceSite{record.file, record.line, record.path, record.fullUrl, record.containerProfile},
       false);
}

std::vector<ModelBuilder::Group> ModelBuilder::citizenGroups() const {
  std::vector<Group> groups;
  groups.reserve(patients_.size());
  std::unordered_map<std::string_view, size_t> byCpr;
  for (DecodedResource* p : patients_) {
    const auto& cpr = std::get<model::Citizen>(p->payload).cpr;
    if (cpr) {
      const auto [it, fresh] = byCpr.emplace(cpr->digits(), groups.size());
      if (!fresh) {
        groups[it->second].patients.push_back(p);
        continue;
      }
    }
    groups.push_back(Group{{p}, {}, p->arrival});
  }
  return groups;
}

void ModelBuilder::forEachGroup(const std::function<void(const Group&)>& fn) {
  if (!spill_) {
    for (const Group& g : citizenGroups()) fn(g);
    return;
  }
  // The held Patients join the spilled ones in the spill file's grouping.
  for (const DecodedResource* p : patients_) {
    const auto& cpr = std::get<model::Citizen>(p->payload).cpr;
    spill_->addPatient(p->key, cpr ? cpr->digits() : std::string(), p->arrival);
  }
  spill_->forEachPatientGroup([&](uint64_t position, std::vector<std::string>&& keys) {
    Group g;
    g.position = position;
    for (std::string& k : keys) {
      const auto it = byKey_.find(k);
      if (it != byKey_.end() && it->second->kind == Kind::kPatient)
        g.patients.push_back(it->second);
      else
        g.spilledPatients.push_back(std::move(k));
    }
    fn(g);
  });
}

void ModelBuilder::finish() {
  if (provisional_) {
    finishInOrder();
  } else {
    indexHeld();
    forEachGroup([this](const Group& g) { emitCitizen(g); });
  }
  reportUnresolved();
  byPatient_.clear();
  orphansByParent_.clear();
  byKey_.clear();
  patients_.clear();
  held_.clear();
  spill_.reset();
}

void ModelBuilder::emitCitizen(const Group& group) {
  std::vector<std::string> patientKeys = group.spilledPatients;
  for (const DecodedResource* p : group.patients) patientKeys.push_back(p->key);
  std::vector<DecodedResource*> patients = group.patients;
  std::vector<DecodedResource*> members;
  for (const std::string& k : patientKeys)
    if (const auto it = byPatient_.find(k); it != byPatient_.end())
      members.insert(members.end(), it->second.begin(), it->second.end());
  if (spill_)
    for (const auto& s : spill_->takePatients(patientKeys))
      if (auto d = unspill(s)) {
        (d->kind == Kind::kPatient ? patients : members).push_back(d.get());
        unspilled_.push_back(std::move(d));
      }
  if (patients.empty()) return;  // (a spilled Patient that did not read back)
  std::sort(patients.begin(), patients.end(), [](auto* a, auto* b) { return a->arrival < b->arrival; });
  // Resources that name no Patient hang on this citizen's forløb.
  std::vector<std::string> forloebKeys;
  for (const DecodedResource* m : members)
    if (m->kind == Kind::kForloeb) forloebKeys.push_back(m->key);
  std::unordered_set<const DecodedResource*> taken(members.begin(), members.end());
  for (const std::string& k : forloebKeys)
    if (const auto it = orphansByParent_.find(k); it != orphansByParent_.end())
      for (DecodedResource* o : it->second)
        if (taken.insert(o).second) members.push_back(o);
  if (spill_)
    for (const auto& s : spill_->takeOrphansOf(forloebKeys))
      if (auto d = unspill(s)) {
        members.push_back(d.get());
        unspilled_.push_back(std::move(d));
      }
  std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->arrival < b->arrival; });
  model::Citizen citizen = assemble(patients, members);
  unspilled_.clear();
  ++emitted_;
  emit_(std::move(citizen));
}

model::Citizen ModelBuilder::assemble(const std::vector<DecodedResource*>& patients,
                                      std::vector<DecodedResource*>& members) {
  // The newest Patient version speaks for the citizen; the others add what it lacks.
  DecodedResource* lead = patients.front();
  for (DecodedResource* p : patients)
    if (!state::arrivesOlder(p->version, lead->version)) lead = p;
  model::Citizen citizen = std::get<model::Citizen>(std::move(lead->payload));
  for (DecodedResource* p : patients) {
    p->taken = true;
    if (p == lead) continue;
    const auto& other = std::get<model::Citizen>(p->payload);
    if (citizen.managingOrganizationSor.empty()) citizen.managingOrganizationSor = other.managingOrganizationSor;
    if (citizen.name.empty()) citizen.name = other.name;
  }
  if (citizen.managingOrganizationSor.empty())
    for (const DecodedResource* p : patients)
      if (const auto o = organizations_.find(p->orgKey); !p->orgKey.empty() && o != organizations_.end()) {
        citizen.managingOrganizationSor = o->second.sor;
        break;
      }
  if (!lead->asSent.empty()) citizen.resources.push_back({"Patient", lead->key, lead->asSent, citizen.source});
  attach(citizen, members);
  return citizen;
}

void ModelBuilder::indexHeld() {
  for (DecodedResource& d : held_) {
    if (isPatientOrOrg(d.kind)) continue;
    if (!d.subjectKey.empty()) {
      byPatient_[d.subjectKey].push_back(&d);
    } else {
      for (const std::string& p : d.parentKeys) orphansByParent_[p].push_back(&d);
    }
  }
}

void ModelBuilder::keepAsSent(model::Citizen& citizen, const std::vector<DecodedResource*>& members) const {
  std::set<std::string> orgs;
  for (DecodedResource* m : members) {
    if (m->asSent.empty() || isPatientOrOrg(m->kind)) continue;
    citizen.resources.push_back({m->key.substr(0, m->key.find('/')), m->key, m->asSent, m->source()});
    for (const std::string& r : m->asSentRefs)
      if (util::startsWith(r, "Organization/")) orgs.insert(r);
  }
  for (const std::string& o : orgs)
    if (const auto it = organizationsAsSent_.find(o); it != organizationsAsSent_.end()) {
      model::SourceRef src;
      src.reference = o;
      citizen.resources.push_back({"Organization", o, it->second, std::move(src)});
    }
}

void ModelBuilder::attach(model::Citizen& citizen, std::vector<DecodedResource*>& members) {
  keepAsSent(citizen, members);
  std::unordered_set<std::string_view> memberKeys;  // a contact may hang on a henvisning, not a forløb
  for (const DecodedResource* m : members) memberKeys.insert(m->key);
  std::unordered_map<std::string, size_t> forloebIndex;  // canonical key → index in citizen.forloeb
  for (DecodedResource* m : members) {
    if (m->taken || m->kind != Kind::kForloeb) continue;
    m->taken = true;
    model::Forloeb f = std::get<model::Forloeb>(std::move(m->payload));
    if (!m->orgRef.empty()) {
      if (const auto o = organizations_.find(m->orgKey); o != organizations_.end())
        f.municipality = o->second;
      else
        reporter_.withFile(f.source.file, f.source.line)
            .withPath(f.source.path + ".managingOrganization")
            .withCitizen(citizen.maskedCpr())
            .error("HUB-REF-01", "",
                   "managingOrganization '" + util::maskDigitRuns(m->orgRef) +
                       "' is not in the input; send the Organization (municipality) with the forløb");
    }
    forloebIndex[m->key] = citizen.forloeb.size();
    citizen.forloeb.push_back(std::move(f));
  }
  // Forms, contacts and referrals: attached to their forløb.
  for (DecodedResource* m : members) {
    if (m->taken || isPatientOrOrg(m->kind) || m->kind == Kind::kForloeb) continue;
    size_t target = SIZE_MAX;
    for (const std::string& p : m->parentKeys)
      if (const auto f = forloebIndex.find(p); f != forloebIndex.end()) {
        target = f->second;
        break;
      }
    if (target == SIZE_MAX) {
      // Kept as sent and hanging only on others of the citizen's resources
      // (an Encounter on a planned intervention): not an unresolved
      // reference. One parent missing (a broken episodeOfCare) still is.
      if (!m->asSent.empty() && !m->parentKeys.empty() &&
          std::all_of(m->parentKeys.begin(), m->parentKeys.end(),
                      [&](const std::string& p) { return memberKeys.count(p) > 0; }))
        m->taken = true;
      continue;
    }
    m->taken = true;
    model::Forloeb& f = citizen.forloeb[target];
    if (m->kind == Kind::kForm) f.forms.push_back(std::get<model::FormResponse>(std::move(m->payload)));
    if (m->kind == Kind::kContact) f.contacts.push_back(std::get<model::Contact>(std::move(m->payload)));
    if (m->kind == Kind::kReferral) f.referrals.push_back(std::get<model::Referral>(std::move(m->payload)));
  }
  // What names this citizen but none of its forløb.
  for (DecodedResource* m : members) {
    if (m->kind == Kind::kResource) m->taken = true;  // joins the citizen, not a forløb
    if (m->taken || isPatientOrOrg(m->kind)) continue;
    m->taken = true;
    const std::string what = m->parentRefs.empty() ? std::string("no forløb (no EpisodeOfCare/CarePlan reference)")
                                                   : "forløb '" + missingParent(*m, memberKeys) + "'";
    const model::SourceRef& src = m->source();
    reporter_.withFile(src.file, src.line)
        .withPath(src.path)
        .withCitizen(citizen.maskedCpr())
        .error("HUB-REF-01", "",
               util::maskDigitRuns(m->key) + " refers to " + util::maskDigitRuns(what) +
                   ", which is not among the citizen's resources in the input; send the forløb too (any file "
                   "of the same run) or correct the reference");
  }
}

void ModelBuilder::reportUnresolved() {
  std::vector<DecodedResource*> left;
  for (DecodedResource& d : held_)
    if (!d.taken && !isPatientOrOrg(d.kind)) left.push_back(&d);
  if (spill_)
    for (const auto& s : spill_->takeRest())
      if (auto d = unspill(s)) {
        left.push_back(d.get());
        unspilled_.push_back(std::move(d));
      }
  std::sort(left.begin(), left.end(), [](auto* a, auto* b) { return a->arrival < b->arrival; });
  for (const DecodedResource* d : left) {
    std::string what = d->subjectRef.empty() ? std::string("its Patient (no subject given)")
                                             : "Patient '" + d->subjectRef + "'";
    if (d->kind != Kind::kForloeb && d->subjectRef.empty())
      what = d->parentRefs.empty() ? std::string("its forløb (no EpisodeOfCare/CarePlan reference)")
                                   : "forløb '" + d->parentRefs.front() + "' or " + what;
    const model::SourceRef& src = d->source();
    reporter_.withFile(src.file, src.line)
        .withPath(src.path)
        .error("HUB-REF-01", "",
               util::maskDigitRuns(d->key) + " refers to " + util::maskDigitRuns(what) +
                   ", which is not in the input; send it too (in any file of the same run), or correct the reference");
  }
  unspilled_.clear();
}

}  // namespace reghub::ingest
