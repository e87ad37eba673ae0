#include "adapters/rehab/rehab_view.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "hub/util/hash.h"
#include "hub/util/strings.h"

namespace reghub::rehab {

namespace {

using rapidjson::Value;

// Namespace of the § 140 adapter's name-based ids (RFC 4122 v5).
constexpr const char* kIdNamespace = "5b0c2e8f-6a1d-5f3e-8c47-2d9e1b7a4c60";
// The one core extension the IG uses (ServiceRequest.extension:statusReason).
constexpr const char* kStatusReasonExt = "http://hl7.org/fhir/StructureDefinition/request-statusReason";

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isdigit(static_cast<unsigned char>(s[i])) && (s[i] < 'a' || s[i] > 'f')) return false;
  }
  return true;
}

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

// Every `reference` string inside v.
void references(const Value& v, std::vector<std::string>& out) {
  if (v.IsArray()) {
    for (const Value& e : v.GetArray()) references(e, out);
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (m.value.IsString() && std::string_view(m.name.GetString()) == "reference")
        out.emplace_back(m.value.GetString(), m.value.GetStringLength());
      else
        references(m.value, out);
    }
  }
}

std::optional<model::Date> eventDay(const std::string& type, const Value& r) {
  std::string t;
  if (type == "ServiceRequest") t = str(r, "authoredOn");
  if (type == "Condition") t = str(r, "recordedDate");
  if (type == "CarePlan" || type == "Encounter")
    if (const Value* p = get(r, "period")) t = str(*p, "start");
  if (t.empty()) return std::nullopt;
  const auto dt = model::DateTime::parse(t);
  return dt ? std::optional<model::Date>(dt->copenhagenDate()) : std::nullopt;
}

bool isChoiceMember(std::string_view member, std::string_view base) {
  return member.size() > base.size() && member.substr(0, base.size()) == base &&
         std::isupper(static_cast<unsigned char>(member[base.size()]));
}

// Removes the element `steps` names (through arrays), saying what went.
void removeAt(Value& v, const std::vector<kl_gateway::Step>& steps, size_t i, const std::string& at,
              std::vector<std::string>& dropped) {
  if (!v.IsObject() || i >= steps.size()) return;
  const kl_gateway::Step& s = steps[i];
  if (!s.slice.empty()) return;  // slices are judged by the validator, not guessed here
  if (i + 1 == steps.size()) {
    std::vector<std::string> names;
    for (const auto& m : v.GetObject()) {
      const std::string_view n(m.name.GetString(), m.name.GetStringLength());
      if (n == s.name || (s.choice && isChoiceMember(n, s.name))) names.emplace_back(n);
    }
    for (const std::string& n : names) {
      v.RemoveMember(n.c_str());
      dropped.push_back(at + "." + n);
    }
    return;
  }
  const auto it = v.FindMember(s.name.c_str());
  if (it == v.MemberEnd()) return;
  if (it->value.IsArray()) {
    for (Value& e : it->value.GetArray()) removeAt(e, steps, i + 1, at + "." + s.name, dropped);
  } else {
    removeAt(it->value, steps, i + 1, at + "." + s.name, dropped);
  }
}

// Extensions of urls no loaded profile defines (REH-EXT-05), at any depth.
void dropForeignExtensions(Value& v, const std::set<std::string>& known, const std::string& at,
                           std::vector<std::string>& dropped) {
  if (v.IsArray()) {
    for (Value& e : v.GetArray()) dropForeignExtensions(e, known, at, dropped);
    return;
  }
  if (!v.IsObject()) return;
  if (const auto ext = v.FindMember("extension"); ext != v.MemberEnd() && ext->value.IsArray()) {
    Value& arr = ext->value;
    for (auto e = arr.Begin(); e != arr.End();) {
      const std::string url = str(*e, "url");
      if (known.count(url)) {
        ++e;
      } else {
        dropped.push_back(at + ".extension(" + url + ")");
        e = arr.Erase(e);
      }
    }
    if (arr.Empty()) v.RemoveMember("extension");
  }
  for (auto& m : v.GetObject())
    if (std::string_view(m.name.GetString()) != "extension")
      dropForeignExtensions(m.value, known, at + "." + m.name.GetString(), dropped);
}

}  // namespace

bool fromKlReport(const model::SourceRef& src) {
  return src.containerProfile.rfind(profileUrl(kProfileReport), 0) == 0 ||
         src.containerProfile.rfind(profileUrl(kProfileIncremental), 0) == 0;
}

std::string outboundId(const std::string& sor, const std::string& key) {
  const auto slash = key.find('/');
  const std::string id = slash == std::string::npos ? key : key.substr(slash + 1);
  if (isUuid(id)) return id;
  return util::uuidV5(kIdNamespace, sor + "|" + key);
}

RehabView::RehabView(const model::Citizen& citizen, const RehabData& data, ViewOptions options,
                     const diag::Reporter* notes)
    : options_(options) {
  select(citizen, data);
  if (!hasContent_) return;
  for (auto& [key, v] : resources_) prune(v, data, notes, citizen);
  if (options_.enteredInErrorFocus == EnteredInErrorFocus::kOmit) {
    std::vector<std::string> omitted;
    for (const auto& [key, v] : resources_) {
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
    for (const std::string& k : omitted) resources_.erase(k);
    // References to what is not sent go too (a bundled reference must resolve).
    for (auto& [key, v] : resources_) {
      const auto rr = v.doc->FindMember("reasonReference");
      if (rr == v.doc->MemberEnd() || !rr->value.IsArray()) continue;
      for (auto e = rr->value.Begin(); e != rr->value.End();)
        e = std::find(omitted.begin(), omitted.end(), str(*e, "reference")) != omitted.end() ? rr->value.Erase(e) : e + 1;
      if (rr->value.Empty()) v.doc->RemoveMember("reasonReference");
    }
  }
  rewriteReferences();
  for (const model::Resource& r : citizen.resources)
    if (const auto it = resources_.find(r.key); it != resources_.end() && &it->second != citizen_ &&
                                                std::find(content_.begin(), content_.end(), &it->second) == content_.end())
      content_.push_back(&it->second);
}

const ViewResource* RehabView::find(const std::string& key) const {
  const auto it = resources_.find(key);
  return it == resources_.end() ? nullptr : &it->second;
}

ViewResource RehabView::make(const model::Resource& r, const std::string& profile, const std::string& sor) const {
  ViewResource v;
  v.key = r.key;
  v.type = r.type;
  v.profile = profile;
  v.id = outboundId(sor, r.key);
  v.source = r.source;
  v.fresh = r.source.fresh;
  v.doc = std::make_shared<rapidjson::Document>();
  v.doc->Parse(r.json.data(), r.json.size());
  if (v.doc->HasParseError() || !v.doc->IsObject()) v.doc->SetObject();
  references(*v.doc, v.refs);
  v.changed = r.source.lastUpdated ? std::optional<model::Date>(r.source.lastUpdated->copenhagenDate())
                                   : eventDay(r.type, *v.doc);
  return v;
}

void RehabView::select(const model::Citizen& citizen, const RehabData& data) {
  const kl_gateway::Terminology& t = data.profiles().terminology();
  std::map<std::string, const model::Resource*> byKey;
  std::map<std::string, rapidjson::Document> docs;
  for (const model::Resource& r : citizen.resources) {
    // What came inside a KL report given as input is checked as it stands, never re-rendered.
    if (r.type != "Patient" && fromKlReport(r.source)) continue;
    byKey[r.key] = &r;
    docs[r.key].Parse(r.json.data(), r.json.size());
  }
  // Seeds: what makes the citizen's data § 140 (CONTRACT §1).
  std::set<std::string> in;
  for (const auto& [key, r] : byKey) {
    const Value& d = docs[key];
    if (!d.IsObject()) continue;
    bool seed = false;
    if (r->type == "ServiceRequest")
      eachCoding(get(d, "code"), [&](const Value& c) {
        seed = seed || (str(c, "system") == kCscSystem && str(c, "code") == kGgopCode);
      });
    if (r->type == "CarePlan") {
      const Value* det = activityDetail(d);
      seed = anyCodingIn(get(d, "category"), t, kVsCarePlanCategories) ||
             (det && anyCodingIn(get(*det, "code"), t, kVsTrainingInterventions));
    }
    if (seed) in.insert(key);
  }
  if (in.empty()) return;
  hasContent_ = true;
  // What hangs on them (a contact on a planned intervention, an intervention
  // on a forløb) and what they refer to, until nothing more joins.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [key, r] : byKey) {
      if (r->type == "Patient") continue;
      std::vector<std::string> refs;
      references(docs[key], refs);
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
  const std::string& sor = citizen.managingOrganizationSor;
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
    if (!profile.empty()) resources_.emplace(key, make(r, profile, sor));
  }
  for (const model::Resource& r : citizen.resources)
    if (r.type == "Patient") {
      citizen_ = &resources_.emplace(r.key, make(r, kProfileCitizen, sor)).first->second;
      break;
    }
  if (!citizen_) hasContent_ = false;  // nothing to report without the Patient (ingest said why)
}

void RehabView::prune(ViewResource& v, const RehabData& data, const diag::Reporter* notes,
                      const model::Citizen& citizen) const {
  Value& d = *v.doc;
  auto& a = v.doc->GetAllocator();
  std::vector<std::string> dropped;
  for (const char* m : {"meta", "text", "contained", "implicitRules", "language"})
    if (d.HasMember(m)) {
      d.RemoveMember(m);
      if (std::string_view(m) != "meta") dropped.push_back(v.type + "." + m);
    }
  // What the profile (and the DK-core profile it derives from) sets to 0..0.
  for (const kl_gateway::Profile* p = data.profiles().find(profileUrl(v.profile)); p; p = p->base)
    for (const kl_gateway::ElementRule& e : p->elements)
      if (e.max && *e.max == 0 && !e.steps.empty()) removeAt(d, e.steps, 0, v.type, dropped);
  std::set<std::string> known = {kStatusReasonExt};
  for (const auto& [url, p] : data.profiles().profiles())
    if (!p.extensionUrl.empty()) known.insert(p.extensionUrl);
  dropForeignExtensions(d, known, v.type, dropped);
  if (v.type == "Patient") {
    // Only the CPR-nummer identifies the citizen (REH-CIT-01..03).
    if (const auto ids = d.FindMember("identifier"); ids != d.MemberEnd() && ids->value.IsArray()) {
      for (auto e = ids->value.Begin(); e != ids->value.End();)
        if (str(*e, "system") == kCprSystem) {
          ++e;
        } else {
          dropped.push_back("Patient.identifier(" + str(*e, "system") + ")");
          e = ids->value.Erase(e);
        }
    }
    if (!d.HasMember("deceasedBoolean")) d.AddMember("deceasedBoolean", false, a);  // borgerErDød: not known dead
    const Value* mo = get(d, "managingOrganization");
    if ((!mo || !get(*mo, "identifier")) && !citizen.managingOrganizationSor.empty()) {
      Value ident(rapidjson::kObjectType);
      ident.AddMember("use", "official", a);
      ident.AddMember("system", rapidjson::StringRef(kSorSystem), a);
      ident.AddMember("value", Value(citizen.managingOrganizationSor.c_str(), a), a);
      Value org(rapidjson::kObjectType);
      org.AddMember("identifier", ident, a);
      d.RemoveMember("managingOrganization");
      d.AddMember("managingOrganization", org, a);
    }
  }
  if (v.type == "Organization") {
    // One identifier, SOR or FK organisation id (REH-ORG-01..03).
    if (const auto ids = d.FindMember("identifier"); ids != d.MemberEnd() && ids->value.IsArray()) {
      bool kept = false;
      for (auto e = ids->value.Begin(); e != ids->value.End();) {
        const std::string sys = str(*e, "system");
        if (!kept && (sys == kSorSystem || sys == "https://kombit.dk/sts/organisation")) {
          kept = true;
          ++e;
        } else {
          dropped.push_back("Organization.identifier(" + sys + ")");
          e = ids->value.Erase(e);
        }
      }
    }
  }
  Value meta(rapidjson::kObjectType);
  Value profiles(rapidjson::kArrayType);
  profiles.PushBack(Value(profileUrl(v.profile).c_str(), a), a);
  meta.AddMember("profile", profiles, a);
  d.RemoveMember("id");
  // id and meta first, as the IG's examples have them.
  Value front(rapidjson::kObjectType);
  front.AddMember("resourceType", Value(v.type.c_str(), a), a);
  front.AddMember("id", Value(v.id.c_str(), a), a);
  front.AddMember("meta", meta, a);
  for (auto& m : d.GetObject())
    if (std::string_view(m.name.GetString()) != "resourceType") front.AddMember(m.name, m.value, a);
  d.Swap(front);
  if (notes && !dropped.empty()) {
    std::string list;
    for (const std::string& x : dropped) list += (list.empty() ? "" : ", ") + x;
    notes->withForloeb(v.key).withPath(v.source.reference)
        .info(data.ruleOf("", "", v.profile, "", "").id, "",
              util::maskDigitRuns(list) + ": ikke tilladt i " + v.profile + " og sendes ikke");
  }
}

void RehabView::rewriteReferences() {
  const std::string patient = citizen_ ? "Patient/" + citizen_->id : std::string();
  std::function<void(Value&, rapidjson::Document::AllocatorType&)> walk = [&](Value& v, auto& a) {
    if (v.IsArray()) {
      for (Value& e : v.GetArray()) walk(e, a);
    } else if (v.IsObject()) {
      for (auto& m : v.GetObject()) {
        if (m.value.IsString() && std::string_view(m.name.GetString()) == "reference") {
          const std::string key(m.value.GetString(), m.value.GetStringLength());
          std::string to;
          if (const auto it = resources_.find(key); it != resources_.end()) to = it->second.type + "/" + it->second.id;
          else if (util::startsWith(key, "Patient/")) to = patient;
          if (!to.empty()) m.value.SetString(to.c_str(), static_cast<rapidjson::SizeType>(to.size()), a);
        } else {
          walk(m.value, a);
        }
      }
    }
  };
  for (auto& [key, v] : resources_) walk(*v.doc, v.doc->GetAllocator());
}

}  // namespace reghub::rehab
