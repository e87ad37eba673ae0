#include "hub/ingest/model_builder.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <set>

#include "hub/util/json_access.h"
#include "hub/util/strings.h"

namespace reghub::ingest {

namespace {

using rapidjson::Value;

constexpr std::string_view kCprSystem = "urn:oid:1.2.208.176.1.2";
constexpr std::string_view kSorSystem = "urn:oid:1.2.208.176.1.1";
constexpr std::string_view kMunicipalitySystem = "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes";

const Value* member(const Value& obj, const char* key) { return util::jsonMember(obj, key); }
std::string str(const Value& obj, const char* key) { return util::jsonString(obj, key); }

// Elements that FHIR defines as arrays are tolerated as single objects too
// (lenient reading); `each` visits the elements either way.
template <typename F>
void each(const Value& obj, const char* key, F&& f) {
  const Value* v = member(obj, key);
  if (!v) return;
  if (v->IsArray()) {
    int i = 0;
    for (const Value& e : v->GetArray()) f(e, i++);
  } else if (v->IsObject()) {
    f(*v, 0);
  }
}

const Value* first(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  if (!v) return nullptr;
  if (v->IsArray()) return v->Empty() ? nullptr : &(*v)[0];
  return v->IsObject() ? v : nullptr;
}

model::Coding coding(const Value& c) { return {str(c, "system"), str(c, "code"), str(c, "display")}; }

void codings(const Value* cc, std::vector<model::Coding>& out) {
  if (!cc) return;
  each(*cc, "coding", [&](const Value& c, int) { out.push_back(coding(c)); });
}

std::string refOf(const Value* ref) { return ref ? str(*ref, "reference") : std::string(); }

std::string firstProfile(const Value& resource) {
  const Value* meta = member(resource, "meta");
  if (!meta) return {};
  const Value* p = first(*meta, "profile");
  if (p && p->IsString()) return p->GetString();
  const Value* arr = member(*meta, "profile");
  if (arr && arr->IsArray() && !arr->Empty() && (*arr)[0].IsString()) return (*arr)[0].GetString();
  return {};
}

void extensions(const Value& r, std::vector<model::ExtensionValue>& out) {
  each(r, "extension", [&](const Value& e, int) {
    const std::string url = str(e, "url");
    if (const Value* v = member(e, "valueCode"); v && v->IsString()) {
      model::ExtensionValue x{url, {}};
      x.coding.code = v->GetString();
      out.push_back(std::move(x));
    } else if (const Value* c = member(e, "valueCoding")) {
      out.push_back({url, coding(*c)});
    } else if (const Value* cc = member(e, "valueCodeableConcept")) {
      each(*cc, "coding", [&](const Value& c, int) { out.push_back({url, coding(c)}); });
    }
  });
}

// Resource types the hub reads; anything else is reported as ignored.
const std::set<std::string, std::less<>> kUsedTypes = {"Patient",  "Organization", "EpisodeOfCare",
                                                       "CarePlan", "Encounter",    "QuestionnaireResponse",
                                                       "Bundle"};

// Top-level elements the hub reads per type, with their FHIR JSON shape
// ('a' array, 'o' object, 's' string, 'b' boolean). Others get one info
// line; a used element of the wrong shape is an error (HUB-FHIR-01).
using Shapes = std::map<std::string, char, std::less<>>;
const std::map<std::string, Shapes, std::less<>> kUsedElements = {
    {"Patient", {{"identifier", 'a'}, {"name", 'a'}, {"gender", 's'}, {"managingOrganization", 'o'}, {"active", 'b'}}},
    {"Organization", {{"identifier", 'a'}, {"name", 's'}}},
    {"EpisodeOfCare",
     {{"identifier", 'a'}, {"type", 'a'}, {"patient", 'o'}, {"managingOrganization", 'o'}, {"status", 's'},
      {"period", 'o'}, {"extension", 'a'}}},
    {"CarePlan",
     {{"identifier", 'a'}, {"subject", 'o'}, {"status", 's'}, {"intent", 's'}, {"period", 'o'}, {"activity", 'a'},
      {"basedOn", 'a'}, {"extension", 'a'}}},
    {"Encounter",
     {{"subject", 'o'}, {"status", 's'}, {"class", 'o'}, {"type", 'a'}, {"period", 'o'}, {"participant", 'a'},
      {"extension", 'a'}, {"basedOn", 'a'}, {"episodeOfCare", 'a'}}},
    {"QuestionnaireResponse",
     {{"questionnaire", 's'}, {"subject", 'o'}, {"status", 's'}, {"authored", 's'}, {"identifier", 'o'},
      {"item", 'a'}, {"extension", 'a'}, {"basedOn", 'a'}, {"encounter", 'o'}}},
};
const std::set<std::string, std::less<>> kAlwaysFine = {"resourceType", "id", "meta", "text", "language",
                                                        "implicitRules", "contained", "modifierExtension"};

bool hasShape(const Value& v, char shape) {
  switch (shape) {
    case 'a': return v.IsArray();
    case 'o': return v.IsObject();
    case 's': return v.IsString();
    case 'b': return v.IsBool();
  }
  return true;
}

const char* shapeName(char shape) {
  switch (shape) {
    case 'a': return "an array";
    case 'o': return "an object";
    case 's': return "a string";
    case 'b': return "true or false";
  }
  return "?";
}

}  // namespace

struct ModelBuilder::Item {
  enum class Kind { kPatient, kForloeb, kForm, kContact, kReferral };
  Kind kind = Kind::kPatient;
  std::string key;
  std::string subjectRef;  // raw
  std::string parentRef;   // raw: episode / care plan / (forløb: managing organization)
  std::vector<std::string> parentRefs;  // other candidate parents (extensions etc.)
  std::optional<model::DateTime> lastUpdated;
  bool taken = false;
  model::Citizen citizen;
  model::Forloeb forloeb;
  model::FormResponse form;
  model::Contact contact;
  model::Referral referral;
  std::string orgRef;  // Patient / forløb managing organization
  std::string fullUrl;
};

struct ModelBuilder::Unit {
  std::vector<std::string> patients;  // canonical keys added in this unit
};

ModelBuilder::ModelBuilder(const diag::Reporter& reporter, Emit emit)
    : reporter_(reporter), emit_(std::move(emit)) {}
ModelBuilder::~ModelBuilder() = default;

std::string ModelBuilder::resolveKey(const std::string& reference) const {
  std::string ref = reference;
  if (const auto h = ref.find("/_history/"); h != std::string::npos) ref.resize(h);
  if (const auto it = aliases_.find(ref); it != aliases_.end()) return it->second;
  if (util::startsWith(ref, "http://") || util::startsWith(ref, "https://")) {
    const auto parts = util::split(ref, '/');
    if (parts.size() >= 2) {
      const std::string tail = parts[parts.size() - 2] + "/" + parts.back();
      if (const auto it = aliases_.find(tail); it != aliases_.end()) return it->second;
      return tail;
    }
  }
  return ref;
}

void ModelBuilder::addDocument(const Value& root, const std::string& file, int line) {
  file_ = file;
  line_ = line;
  Unit unit;
  walk(root, std::string(), std::string(), std::string(), unit);
  // A Bundle is a unit: its citizens are complete. Loose resources wait for
  // the end of the input, since their forløb may follow on later lines.
  if (str(root, "resourceType") == "Bundle")
    for (const std::string& p : unit.patients) flushPatient(p);
}

void ModelBuilder::walk(const Value& resource, const std::string& fullUrl, const std::string& path,
                        const std::string& containerProfile, Unit& unit) {
  const std::string type = str(resource, "resourceType");
  if (type != "Bundle") {
    addResource(resource, fullUrl, path.empty() ? type : path, containerProfile, unit);
    return;
  }
  const std::string profile = firstProfile(resource);
  const std::string bundlePath = path.empty() ? "Bundle" : path;
  // bdl-7: fullUrl unique within a Bundle unless meta.versionId differs.
  std::set<std::pair<std::string, std::string>> seen;
  each(resource, "entry", [&](const Value& entry, int i) {
    const std::string entryPath = bundlePath + ".entry[" + std::to_string(i) + "]";
    const Value* r = member(entry, "resource");
    const std::string url = str(entry, "fullUrl");
    if (!r || !r->IsObject()) {
      reporter_.withFile(file_, line_).withPath(entryPath).error(
          "HUB-FHIR-01", "", "Bundle entry has no resource object; add `resource` or remove the entry");
      return;
    }
    if (!url.empty()) {
      std::string version;
      if (const Value* meta = member(*r, "meta")) version = str(*meta, "versionId");
      if (!seen.emplace(url, version).second)
        reporter_.withFile(file_, line_).withPath(entryPath).error(
            "HUB-BDL-07", "",
            "fullUrl '" + url + "' appears twice in the Bundle with the same meta.versionId (FHIR bdl-7); "
            "give each entry its own fullUrl or distinct versionIds");
    }
    walk(*r, url, entryPath + ".resource", profile.empty() ? containerProfile : profile, unit);
  });
}

void ModelBuilder::addResource(const Value& r, const std::string& fullUrl, const std::string& path,
                               const std::string& containerProfile, Unit& unit) {
  const std::string type = str(r, "resourceType");
  const std::string id = str(r, "id");
  // Made only when there is something to report: copying the reporter's
  // context for every resource was a measurable cost of ingest.
  const auto out = [&] { return reporter_.withFile(file_, line_).withPath(path); };
  if (type.empty()) {
    out().error("HUB-INGEST-04", "", "resource has no resourceType; every FHIR resource needs one");
    return;
  }
  if (!kUsedTypes.count(type)) {
    out().info("HUB-INGEST-11", "", type + " is not used by any registry; ignored");
    return;
  }
  // Unused elements: one info line per resource so a person sees what was dropped.
  if (const auto used = kUsedElements.find(type); used != kUsedElements.end() && r.IsObject()) {
    std::string ignored;
    for (const auto& m : r.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      const auto shape = used->second.find(name);
      if (shape == used->second.end()) {
        if (kAlwaysFine.count(name)) continue;
        if (!ignored.empty()) ignored += ", ";
        ignored += name;
      } else if (!hasShape(m.value, shape->second)) {
        out().at("." + std::string(name))
            .error("HUB-FHIR-01", "",
                   type + "." + std::string(name) + " must be " + shapeName(shape->second) +
                       " in FHIR JSON; it is read as absent until corrected");
      }
    }
    if (!ignored.empty())
      out().info("HUB-INGEST-12", "", type + " elements not used and never forwarded: " + ignored);
  }

  auto item = std::make_unique<Item>();
  item->key = !id.empty() ? type + "/" + id : (!fullUrl.empty() ? fullUrl : type + "/#" + std::to_string(order_.size()));
  model::SourceRef src;
  src.file = file_;
  src.line = line_;
  src.reference = item->key;
  src.path = path;
  src.containerProfile = containerProfile;
  if (const Value* meta = member(r, "meta")) {
    const std::string lu = str(*meta, "lastUpdated");
    if (!lu.empty()) {
      src.lastUpdated = model::DateTime::parse(lu);
      if (!src.lastUpdated)
        out().error("HUB-FHIR-02", "", "meta.lastUpdated '" + lu + "' is not a FHIR instant (YYYY-MM-DDThh:mm:ssZ)");
    }
  }
  item->lastUpdated = src.lastUpdated;

  auto dateTime = [&](const Value& obj, const char* key, const std::string& where) -> std::optional<model::DateTime> {
    const std::string text = str(obj, key);
    if (text.empty()) return std::nullopt;
    auto dt = model::DateTime::parse(text);
    if (!dt)
      out().at(where).error("HUB-FHIR-02", "", "'" + text + "' is not a FHIR date/dateTime (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz)");
    return dt;
  };
  auto period = [&](const Value& obj, const std::string& where) {
    model::Period p;
    if (const Value* per = member(obj, "period")) {
      p.start = dateTime(*per, "start", where + ".period.start");
      p.end = dateTime(*per, "end", where + ".period.end");
    }
    return p;
  };

  if (type == "Organization") {
    model::Organization org;
    each(r, "identifier", [&](const Value& ident, int) {
      const std::string system = str(ident, "system");
      if (system == kMunicipalitySystem) org.municipalityCode = str(ident, "value");
      if (system == kSorSystem) org.sor = str(ident, "value");
    });
    org.name = str(r, "name");
    organizations_[item->key] = org;
    aliases_[item->key] = item->key;
    if (!fullUrl.empty()) aliases_[fullUrl] = item->key;
    return;
  }

  if (type == "Patient") {
    item->kind = Item::Kind::kPatient;
    model::Citizen& c = item->citizen;
    c.resourceId = id;
    c.source = src;
    each(r, "identifier", [&](const Value& ident, int i) {
      if (str(ident, "system") != kCprSystem) return;
      c.hasCprIdentifier = true;
      const std::string value = str(ident, "value");
      model::Cpr::Problem why = model::Cpr::Problem::kNone;
      c.cpr = model::Cpr::parse(value, &why);
      c.cprProblem = why;
      if (!c.cpr)
        out().at(".identifier[" + std::to_string(i) + "].value")
            .withCitizen(model::maskCpr(value))
            .error("HUB-CPR-02", "",
                   why == model::Cpr::Problem::kNotTenDigits
                       ? "CPR-nummer must be 10 digits without hyphen (DDMMYYSSSS)"
                       : "CPR-nummer does not start with a real birth date (DDMMYY, century from the 7th digit)");
    });
    const Value* name = nullptr;
    each(r, "name", [&](const Value& n, int) {
      if (!name || str(n, "use") == "official") name = &n;
    });
    if (name) {
      std::string full;
      each(*name, "given", [&](const Value& g, int) {
        if (g.IsString()) full += std::string(full.empty() ? "" : " ") + g.GetString();
      });
      const std::string family = str(*name, "family");
      if (!family.empty()) full += (full.empty() ? "" : " ") + family;
      if (full.empty()) full = str(*name, "text");
      c.name = full;
    }
    const std::string g = str(r, "gender");
    c.gender = g == "male" ? model::Gender::kMale : g == "female" ? model::Gender::kFemale : model::Gender::kUnknown;
    if (const Value* mo = member(r, "managingOrganization")) {
      if (const Value* ident = member(*mo, "identifier")) c.managingOrganizationSor = str(*ident, "value");
      item->orgRef = refOf(mo);
    }
    if (const Value* a = member(r, "active"); a && a->IsBool()) c.active = a->GetBool();
    unit.patients.push_back(item->key);
  } else if (type == "EpisodeOfCare" || (type == "CarePlan" && !member(r, "basedOn"))) {
    item->kind = Item::Kind::kForloeb;
    model::Forloeb& f = item->forloeb;
    f.origin = type == "EpisodeOfCare" ? model::Forloeb::Origin::kEpisodeOfCare : model::Forloeb::Origin::kCarePlan;
    f.resourceId = id;
    f.source = src;
    if (const Value* ident = first(r, "identifier")) f.key = str(*ident, "value");
    if (f.key.empty()) f.key = id;
    f.status = str(r, "status");
    f.period = period(r, "");
    extensions(r, f.extensions);
    if (type == "EpisodeOfCare") {
      each(r, "type", [&](const Value& cc, int) { codings(&cc, f.programs); });
      item->subjectRef = refOf(member(r, "patient"));
      item->orgRef = refOf(member(r, "managingOrganization"));
    } else {
      item->subjectRef = refOf(member(r, "subject"));
      each(r, "activity", [&](const Value& a, int) {
        if (const Value* d = member(a, "detail")) {
          codings(member(*d, "code"), f.programs);
          each(*d, "reasonCode", [&](const Value& cc, int) { codings(&cc, f.focusAreas); });
          if (f.activityStatus.empty()) f.activityStatus = str(*d, "status");
        }
      });
    }
  } else if (type == "CarePlan") {
    item->kind = Item::Kind::kReferral;
    model::Referral& ref = item->referral;
    ref.resourceId = id;
    ref.source = src;
    ref.status = str(r, "status");
    ref.start = period(r, "").start;
    item->subjectRef = refOf(member(r, "subject"));
    each(r, "basedOn", [&](const Value& b, int) { item->parentRefs.push_back(refOf(&b)); });
    each(r, "activity", [&](const Value& a, int) {
      if (const Value* d = member(a, "detail")) codings(member(*d, "code"), ref.codes);
    });
  } else if (type == "Encounter") {
    item->kind = Item::Kind::kContact;
    model::Contact& c = item->contact;
    c.resourceId = id;
    c.source = src;
    c.status = str(r, "status");
    if (const Value* cls = member(r, "class")) c.classCode = str(*cls, "code");
    c.start = period(r, "").start;
    each(r, "type", [&](const Value& cc, int) { codings(&cc, c.types); });
    each(r, "participant", [&](const Value& p, int) {
      each(p, "type", [&](const Value& cc, int) { codings(&cc, c.participantTypes); });
    });
    extensions(r, c.extensions);
    item->subjectRef = refOf(member(r, "subject"));
    each(r, "extension", [&](const Value& e, int) {
      if (const Value* v = member(e, "valueReference")) item->parentRefs.push_back(refOf(v));
    });
    each(r, "basedOn", [&](const Value& b, int) { item->parentRefs.push_back(refOf(&b)); });
    each(r, "episodeOfCare", [&](const Value& b, int) { item->parentRefs.push_back(refOf(&b)); });
  } else if (type == "QuestionnaireResponse") {
    item->kind = Item::Kind::kForm;
    model::FormResponse& f = item->form;
    f.resourceId = id;
    f.source = src;
    f.questionnaire = str(r, "questionnaire");
    f.status = str(r, "status");
    f.authored = dateTime(r, "authored", ".authored");
    if (const Value* ident = member(r, "identifier")) {
      f.identifier = ident->IsArray() ? (ident->Empty() ? "" : str((*ident)[0], "value")) : str(*ident, "value");
    }
    item->subjectRef = refOf(member(r, "subject"));
    each(r, "extension", [&](const Value& e, int) {
      if (const Value* v = member(e, "valueReference")) item->parentRefs.push_back(refOf(v));
    });
    each(r, "basedOn", [&](const Value& b, int) { item->parentRefs.push_back(refOf(&b)); });
    // Items, flattened (nested groups keep their path).
    if (const Value* top = member(r, "item"); top && top->IsArray()) f.answers.reserve(top->Size());
    std::function<void(const Value&, const std::string&)> items = [&](const Value& holder, const std::string& at) {
      each(holder, "item", [&](const Value& it, int i) {
        std::string itPath = at;
        itPath += "item[";
        itPath += std::to_string(i);
        itPath += ']';
        const std::string linkId = str(it, "linkId");
        each(it, "answer", [&](const Value& ans, int k) {
          model::Answer a;
          a.linkId = linkId;
          a.itemIndex = i;
          a.path.reserve(itPath.size() + 12);
          a.path = itPath;
          a.path += ".answer[";
          a.path += std::to_string(k);
          a.path += ']';
          bool ok = true;
          if (const Value* v = member(ans, "valueCoding")) {
            a.type = model::Answer::Type::kCode;
            a.text = str(*v, "code");
          } else if (const Value* s = member(ans, "valueString"); s && s->IsString()) {
            a.type = model::Answer::Type::kString;
            a.text.assign(s->GetString(), s->GetStringLength());
          } else if (const Value* d = member(ans, "valueDate"); d && d->IsString()) {
            a.type = model::Answer::Type::kDate;
            a.text.assign(d->GetString(), d->GetStringLength());
            a.date = model::DateTime::parse(a.text);
            ok = a.date.has_value();
          } else if (const Value* dt = member(ans, "valueDateTime"); dt && dt->IsString()) {
            a.type = model::Answer::Type::kDateTime;
            a.text.assign(dt->GetString(), dt->GetStringLength());
            a.date = model::DateTime::parse(a.text);
            ok = a.date.has_value();
          } else if (const Value* n = member(ans, "valueInteger"); n && n->IsInt64()) {
            a.type = model::Answer::Type::kInteger;
            a.integer = n->GetInt64();
            a.text = std::to_string(a.integer);
          } else if (const Value* x = member(ans, "valueDecimal"); x && x->IsNumber()) {
            a.type = model::Answer::Type::kDecimal;
            a.decimal = x->GetDouble();
          } else if (const Value* b = member(ans, "valueBoolean"); b && b->IsBool()) {
            a.type = model::Answer::Type::kBoolean;
            a.boolean = b->GetBool();
            a.text = a.boolean ? "true" : "false";
          } else {
            out().at("." + a.path).warning("HUB-FHIR-03", "",
                                          "answer to '" + linkId +
                                              "' has no supported value[x] (valueCoding, valueString, valueDate, "
                                              "valueDateTime, valueInteger, valueDecimal, valueBoolean); ignored");
            return;
          }
          if (!ok) {
            out().at("." + a.path).error("HUB-FHIR-02", "", "answer to '" + linkId + "': '" + a.text +
                                                               "' is not a FHIR date/dateTime (YYYY-MM-DD)");
            return;
          }
          f.answers.push_back(std::move(a));
        });
        // Nested items (groups) only where there are any.
        if (member(it, "item")) items(it, itPath + ".");
      });
    };
    items(r, "");
  }

  // A later version of the same resource replaces the earlier one (CONTRACT
  // §1): newer meta.lastUpdated, or later in the stream when equal/absent.
  if (const auto existing = items_.find(item->key); existing != items_.end()) {
    const auto& old = existing->second->lastUpdated;
    if (old && item->lastUpdated && *item->lastUpdated < *old) {
      out().info("HUB-INGEST-13", "", item->key + " is older (meta.lastUpdated) than a version already read; ignored");
      return;
    }
    out().info("HUB-INGEST-13", "", item->key + " replaces an earlier version of the same resource");
    item->fullUrl = existing->second->fullUrl;
    *existing->second = std::move(*item);  // in place: order_ holds the pointer
    return;
  }
  aliases_[item->key] = item->key;
  if (!fullUrl.empty()) aliases_[fullUrl] = item->key;
  item->fullUrl = fullUrl;
  order_.push_back(item.get());
  items_.emplace(item->key, std::move(item));
}

void ModelBuilder::flushPatient(const std::string& patientKey) {
  const auto pit = items_.find(patientKey);
  if (pit == items_.end() || pit->second->taken) return;
  Item& patient = *pit->second;
  patient.taken = true;
  model::Citizen citizen = std::move(patient.citizen);
  if (!patient.orgRef.empty())
    if (const auto o = organizations_.find(resolveKey(patient.orgRef));
        o != organizations_.end() && citizen.managingOrganizationSor.empty())
      citizen.managingOrganizationSor = o->second.sor;

  // Forløb of this patient.
  std::map<std::string, size_t> forloebIndex;  // canonical key → index in citizen.forloeb
  for (Item* item : order_) {
    Item& it = *item;
    if (it.taken || it.kind != Item::Kind::kForloeb || resolveKey(it.subjectRef) != patientKey) continue;
    it.taken = true;
    if (!it.orgRef.empty()) {
      if (const auto o = organizations_.find(resolveKey(it.orgRef)); o != organizations_.end())
        it.forloeb.municipality = o->second;
      else
        reporter_.withFile(it.forloeb.source.file, it.forloeb.source.line)
            .withPath(it.forloeb.source.path + ".managingOrganization")
            .withCitizen(citizen.maskedCpr())
            .error("HUB-REF-01", "",
                   "managingOrganization '" + it.orgRef +
                       "' is not in the input; send the Organization (municipality) with the forløb");
    }
    forloebIndex[it.key] = citizen.forloeb.size();
    citizen.forloeb.push_back(std::move(it.forloeb));
  }
  // Forms, contacts and referrals: attached to their forløb.
  for (Item* item : order_) {
    Item& it = *item;
    if (it.taken || it.kind == Item::Kind::kPatient || it.kind == Item::Kind::kForloeb) continue;
    if (forloebIndex.empty()) break;
    size_t target = SIZE_MAX;
    for (const std::string& p : it.parentRefs) {
      if (const auto f = forloebIndex.find(resolveKey(p)); f != forloebIndex.end()) {
        target = f->second;
        break;
      }
    }
    if (target == SIZE_MAX) continue;  // not this patient's (or its forløb not yet here)
    if (!it.subjectRef.empty() && resolveKey(it.subjectRef) != patientKey) continue;
    it.taken = true;
    model::Forloeb& f = citizen.forloeb[target];
    if (it.kind == Item::Kind::kForm) f.forms.push_back(std::move(it.form));
    if (it.kind == Item::Kind::kContact) f.contacts.push_back(std::move(it.contact));
    if (it.kind == Item::Kind::kReferral) f.referrals.push_back(std::move(it.referral));
  }
  // Drop what was taken, keep the rest pending.
  std::vector<Item*> keep;
  // (Their aliases go too, so memory stays bounded by what is pending.)
  for (Item* it : order_) {
    if (it->taken) {
      aliases_.erase(it->fullUrl);
      const std::string key = it->key;
      aliases_.erase(key);
      items_.erase(key);  // frees *it
    } else {
      keep.push_back(it);
    }
  }
  order_ = std::move(keep);
  ++emitted_;
  emit_(std::move(citizen));
}

void ModelBuilder::finish() {
  std::vector<std::string> patients;
  for (const Item* it : order_)
    if (it->kind == Item::Kind::kPatient) patients.push_back(it->key);
  for (const std::string& p : patients) flushPatient(p);
  // Whatever is left never found its Patient or forløb.
  for (const Item* item : order_) {
    const Item& it = *item;
    const model::SourceRef* src = it.kind == Item::Kind::kForloeb   ? &it.forloeb.source
                                  : it.kind == Item::Kind::kForm    ? &it.form.source
                                  : it.kind == Item::Kind::kContact ? &it.contact.source
                                                                    : &it.referral.source;
    std::string what = it.subjectRef.empty() ? std::string("its Patient (no subject given)")
                                             : "Patient '" + it.subjectRef + "'";
    if (it.kind != Item::Kind::kForloeb && !it.parentRefs.empty() && !it.subjectRef.empty() &&
        items_.count(resolveKey(it.subjectRef)) == 0)
      what = "Patient '" + it.subjectRef + "'";
    else if (it.kind != Item::Kind::kForloeb)
      what = it.parentRefs.empty() ? std::string("its forløb (no EpisodeOfCare/CarePlan reference)")
                                   : "forløb '" + it.parentRefs.front() + "' or " + what;
    reporter_.withFile(src->file, src->line)
        .withPath(src->path)
        .error("HUB-REF-01", "",
               it.key + " refers to " + what + ", which is not in the input; send it in the same Bundle or file");
  }
  items_.clear();
  order_.clear();
}

}  // namespace reghub::ingest
