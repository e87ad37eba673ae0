#include "adapters/kl_gateway/ig_view.h"

#include <algorithm>
#include <cctype>

#include "adapters/kl_gateway/report_envelope.h"
#include "hub/util/hash.h"
#include "hub/util/strings.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

const Value* get(const Value& o, const char* k) {
  if (!o.IsObject()) return nullptr;
  const auto it = o.FindMember(k);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

std::string str(const Value& o, const char* k) {
  const Value* v = get(o, k);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
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
void removeAt(Value& v, const std::vector<Step>& steps, size_t i, const std::string& at,
              std::vector<std::string>& dropped) {
  if (!v.IsObject() || i >= steps.size()) return;
  const Step& s = steps[i];
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

std::string outboundId(const std::string& idNamespace, const std::string& sor, const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return isUuid(key) ? key : util::uuidV5(idNamespace, sor + "|" + key);
  return stableId(idNamespace, sor, key.substr(0, slash), key.substr(slash + 1));
}

}  // namespace

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

IgView::IgView(const model::Citizen& citizen, const ViewSpec& spec, const Selection& selection,
               const diag::Reporter* notes, const Adjust& adjust)
    : idNamespace_(spec.idNamespace) {
  if (selection.empty()) return;
  const std::string& sor = citizen.managingOrganizationSor;
  for (const auto& [r, profile] : selection) resources_.emplace(r->key, make(*r, profile, sor));
  for (const model::Resource& r : citizen.resources)
    if (r.type == "Patient") {
      citizen_ = &resources_.emplace(r.key, make(r, spec.citizenProfile, sor)).first->second;
      break;
    }
  if (!citizen_) {  // nothing to report without the Patient (ingest said why)
    resources_.clear();
    return;
  }
  for (auto& [key, v] : resources_) prune(v, spec, notes, citizen);
  if (adjust) adjust(resources_, notes);
  rewriteReferences();
  for (const model::Resource& r : citizen.resources)
    if (const auto it = resources_.find(r.key); it != resources_.end() && &it->second != citizen_ &&
                                                std::find(content_.begin(), content_.end(), &it->second) == content_.end())
      content_.push_back(&it->second);
}

const ViewResource* IgView::find(const std::string& key) const {
  const auto it = resources_.find(key);
  return it == resources_.end() ? nullptr : &it->second;
}

ViewResource IgView::make(const model::Resource& r, const std::string& profile, const std::string& sor) const {
  ViewResource v;
  v.key = r.key;
  v.type = r.type;
  v.profile = profile;
  v.id = outboundId(idNamespace_, sor, r.key);
  v.source = r.source;
  v.fresh = r.source.fresh;
  v.doc = std::shared_ptr<rapidjson::Document>(new rapidjson::Document(pool_.get()),
                                               [pool = pool_](rapidjson::Document* d) { delete d; });
  v.doc->Parse(r.json.data(), r.json.size());
  if (v.doc->HasParseError() || !v.doc->IsObject()) v.doc->SetObject();
  references(*v.doc, v.refs);
  v.changed = r.source.lastUpdated ? std::optional<model::Date>(r.source.lastUpdated->copenhagenDate())
                                   : eventDay(r.type, *v.doc);
  return v;
}

void IgView::prune(ViewResource& v, const ViewSpec& spec, const diag::Reporter* notes,
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
  for (const Profile* p = spec.profiles->find(spec.profileUrl(v.profile)); p; p = p->base)
    for (const kl_gateway::ElementRule& e : p->elements)
      if (e.max && *e.max == 0 && !e.steps.empty()) removeAt(d, e.steps, 0, v.type, dropped);
  std::set<std::string> known = spec.coreExtensions;
  for (const auto& [url, p] : spec.profiles->profiles())
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
        if (!kept && (sys == kSorSystem || sys == kKombitOrgSystem)) {
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
  profiles.PushBack(Value(spec.profileUrl(v.profile).c_str(), a), a);
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
        .info(spec.dropRule(v.profile), "",
              util::maskDigitRuns(list) + ": ikke tilladt i " + v.profile + " og sendes ikke");
  }
}

void IgView::rewriteReferences() {
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

}  // namespace reghub::kl_gateway
