#include "adapters/rehab/rehab_view.h"

#include <algorithm>
#include <set>

namespace reghub::rehab {

namespace {

using rapidjson::Value;

// The one core extension the IG uses (ServiceRequest.extension:statusReason).
constexpr const char* kStatusReasonExt = "http://hl7.org/fhir/StructureDefinition/request-statusReason";

const Value* get(const Value& o, const char* k) {
  if (!o.IsObject()) return nullptr;
  const auto it = o.FindMember(k);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string str(const Value& o, const char* k) {
  const Value* v = get(o, k);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

template <typename F>
void each(const Value& o, const char* k, F&& f) {
  const Value* v = get(o, k);
  if (!v) return;
  if (v->IsArray()) {
    for (const Value& e : v->GetArray()) f(e);
  } else if (v->IsObject()) {
    f(*v);
  }
}

// Every Coding of a CodeableConcept (or of each of an array of them).
template <typename F>
void eachCoding(const Value* cc, F&& f) {
  if (!cc) return;
  if (cc->IsArray()) {
    for (const Value& c : cc->GetArray()) eachCoding(&c, f);
    return;
  }
  each(*cc, "coding", f);
}

bool anyCodingIn(const Value* cc, const kl_gateway::Terminology& t, std::string_view vs) {
  bool found = false;
  eachCoding(cc, [&](const Value& c) { found = found || t.contains(vs, str(c, "system"), str(c, "code")); });
  return found;
}

const Value* activityDetail(const Value& r) {
  const Value* a = get(r, "activity");
  if (a && a->IsArray() && !a->Empty()) a = &(*a)[0];
  return a ? get(*a, "detail") : nullptr;
}

// What came inside a KL report given as input is checked as it stands, never re-rendered.
bool considered(const model::Resource& r) { return r.type == "Patient" || !fromKlReport(r.source); }

// Seeds: what makes the citizen's data § 140 (CONTRACT §1).
bool isSeed(const model::Resource& r, const Value& d, const kl_gateway::Terminology& t) {
  if (!d.IsObject()) return false;
  bool seed = false;
  if (r.type == "ServiceRequest")
    eachCoding(get(d, "code"), [&](const Value& c) {
      seed = seed || (str(c, "system") == kCscSystem && str(c, "code") == kGgopCode);
    });
  if (r.type == "CarePlan") {
    const Value* det = activityDetail(d);
    seed = anyCodingIn(get(d, "category"), t, kVsCarePlanCategories) ||
           (det && anyCodingIn(get(*det, "code"), t, kVsTrainingInterventions));
  }
  return seed;
}

// The § 140 resources of the citizen with their profiles (CONTRACT §1); empty without a seed.
kl_gateway::Selection select(const model::Citizen& citizen, const RehabData& data) {
  const kl_gateway::Terminology& t = data.profiles().terminology();
  std::map<std::string, const model::Resource*> byKey;
  // One pool for the citizen's documents: a Document of its own allocates a
  // 64 KiB chunk for a resource of one or two.
  rapidjson::MemoryPoolAllocator<> pool;
  std::map<std::string, rapidjson::Document> docs;
  for (const model::Resource& r : citizen.resources) {
    if (!considered(r)) continue;
    byKey[r.key] = &r;
    docs.try_emplace(r.key, &pool).first->second.Parse(r.json.data(), r.json.size());
  }
  std::set<std::string> in;
  for (const auto& [key, r] : byKey)
    if (isSeed(*r, docs[key], t)) in.insert(key);
  if (in.empty()) return {};
  // What hangs on them (a contact on a planned intervention, an intervention
  // on a forløb) and what they refer to, until nothing more joins.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [key, r] : byKey) {
      if (r->type == "Patient") continue;
      std::vector<std::string> refs;
      kl_gateway::references(docs[key], refs);
      const bool member = in.count(key) > 0;
      for (const std::string& ref : refs) {
        if (member && byKey.count(ref) && !in.count(ref) && byKey.at(ref)->type != "Patient") grew = in.insert(ref).second || grew;
        if (!member && in.count(ref) && (r->type == "Encounter" || r->type == "CarePlan")) grew = in.insert(key).second || grew;
      }
    }
  }
  // FSIII tilstande of the citizen (reported in the first delivery after they appear, REH-CON-08).
  for (const auto& [key, r] : byKey)
    if (r->type == "Condition" && anyCodingIn(get(docs[key], "code"), t, "http://fhir.kl.dk/rehab/ValueSet/Conditions140"))
      in.insert(key);
  std::set<std::string> focus;  // Conditions a GGOP gives as its reason
  for (const std::string& key : in)
    if (byKey.at(key)->type == "ServiceRequest")
      each(docs[key], "reasonReference", [&](const Value& ref) { focus.insert(str(ref, "reference")); });
  kl_gateway::Selection out;
  for (const std::string& key : in) {
    const model::Resource& r = *byKey.at(key);
    const Value& d = docs[key];
    std::string profile;
    if (r.type == "ServiceRequest") profile = kProfileServiceRequest;
    if (r.type == "Organization") profile = kProfileOrganization;
    if (r.type == "Encounter") profile = kProfileEncounter;
    if (r.type == "CarePlan") profile = get(d, "category") ? kProfileCarePlan : kProfileIntervention;
    if (r.type == "Condition") {
      bool sks = false;
      eachCoding(get(d, "code"), [&](const Value& c) { sks = sks || str(c, "system") == kSksDSystem; });
      profile = focus.count(key) || sks ? kProfileFocusCondition : kProfileCondition;
    }
    if (!profile.empty()) out.emplace_back(&r, profile);
  }
  return out;
}

// RULES.md note 3 with rehab.focusCondition.enteredInError = omit: an
// entered-in-error fokustilstand is not sent (a REH-FC-03 warning), nor the
// references to it (a bundled reference must resolve).
void omitEnteredInErrorFocus(kl_gateway::IgView::Resources& resources, const diag::Reporter* notes) {
  std::vector<std::string> omitted;
  for (const auto& [key, v] : resources) {
    if (v.profile != kProfileFocusCondition) continue;
    bool eie = false;
    eachCoding(get(*v.doc, "verificationStatus"), [&](const Value& c) { eie = eie || str(c, "code") == "entered-in-error"; });
    if (!eie) continue;
    omitted.push_back(key);
    if (notes)
      notes->withForloeb(key).withPath(v.source.reference + ".verificationStatus")
          .warning("REH-FC-03", "",
                   "fokustilstanden er registreret ved en fejl (entered-in-error) og sendes ikke: IG'en kræver "
                   "clinicalStatus, som R4 con-5 forbyder på en fejlregistrering (rehab.focusCondition.enteredInError "
                   "= omit; spørg KL, hvordan rettelsen skal indberettes)");
  }
  for (const std::string& k : omitted) resources.erase(k);
  for (auto& [key, v] : resources) {
    const auto rr = v.doc->FindMember("reasonReference");
    if (rr == v.doc->MemberEnd() || !rr->value.IsArray()) continue;
    for (auto e = rr->value.Begin(); e != rr->value.End();)
      e = std::find(omitted.begin(), omitted.end(), str(*e, "reference")) != omitted.end() ? rr->value.Erase(e) : e + 1;
    if (rr->value.Empty()) v.doc->RemoveMember("reasonReference");
  }
}

kl_gateway::ViewSpec viewSpec(const RehabData& data) {
  kl_gateway::ViewSpec s;
  s.profiles = &data.profiles();
  s.profileUrl = [](std::string_view id) { return profileUrl(id); };
  s.idNamespace = kIdNamespace;
  s.citizenProfile = kProfileCitizen;
  s.coreExtensions = {kStatusReasonExt};
  s.dropRule = [&data](const std::string& profile) { return data.rules().ruleOf("", "", profile, "", "").id; };
  return s;
}

}  // namespace

bool fromKlReport(const model::SourceRef& src) {
  return src.containerProfile.rfind(profileUrl(kProfileReport), 0) == 0 ||
         src.containerProfile.rfind(profileUrl(kProfileIncremental), 0) == 0;
}

bool hasRehabView(const model::Citizen& citizen, const RehabData& data) {
  const kl_gateway::Terminology& t = data.profiles().terminology();
  bool patient = false, seed = false;
  rapidjson::MemoryPoolAllocator<> pool;
  for (const model::Resource& r : citizen.resources) {
    patient = patient || r.type == "Patient";
    if (seed || !considered(r) || (r.type != "ServiceRequest" && r.type != "CarePlan")) continue;
    rapidjson::Document d(&pool);
    d.Parse(r.json.data(), r.json.size());
    seed = isSeed(r, d, t);
  }
  return patient && seed;
}

kl_gateway::IgView rehabView(const model::Citizen& citizen, const RehabData& data, ViewOptions options,
                             const diag::Reporter* notes) {
  kl_gateway::IgView::Adjust adjust;
  if (options.enteredInErrorFocus == EnteredInErrorFocus::kOmit) adjust = omitEnteredInErrorFocus;
  return kl_gateway::IgView(citizen, viewSpec(data), select(citizen, data), notes, adjust);
}

}  // namespace reghub::rehab
