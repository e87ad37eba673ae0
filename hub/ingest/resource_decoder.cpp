#include "hub/ingest/resource_decoder.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
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

const std::set<std::string, std::less<>> kUsedTypes = {"Patient",   "Organization",          "EpisodeOfCare",
                                                       "CarePlan",  "Encounter",             "QuestionnaireResponse",
                                                       "Condition", "ServiceRequest"};
// Types kept as sent besides their model view (model::Resource): the shapes
// of the KL Gateway implementation guides, whose reports carry the sender's
// resources as the guides profile them. Not EpisodeOfCare or
// QuestionnaireResponse (forms are read field by field).
const std::set<std::string, std::less<>> kKeptAsSent = {"Patient",   "Organization",  "CarePlan",
                                                        "Encounter", "Condition", "ServiceRequest"};

}  // namespace

namespace {

// HUB-INGEST-12's words: a type kept as sent goes on to the adapters that
// report resources as sent, each of which sends only what its profile
// permits; any other type's unused elements go nowhere.
std::string unusedNote(const std::string& type) {
  return kKeptAsSent.count(type) ? " elements the hub's model does not use (kept as sent, as the other elements are: "
                                   "an adapter that reports the resource as sent forwards only what its profile "
                                   "permits): "
                                 : " elements not used and never forwarded: ";
}

// Writes `v` as compact JSON with every string member named "reference"
// replaced by its canonical key (when it resolves). Streams the original
// straight to the writer: a copy of each resource to rewrite in place was
// most of the cost of keeping it.
class KeptAsSentWriter {
 public:
  KeptAsSentWriter(const ResolveReference& resolve, std::vector<std::string>& refs) : resolve_(resolve), refs_(refs) {}

  std::string write(const Value& r) {
    emit(r);
    return std::string(buf_.GetString(), buf_.GetSize());
  }

 private:
  void emit(const Value& v) {
    if (v.IsObject()) {
      w_.StartObject();
      for (const auto& m : v.GetObject()) {
        w_.Key(m.name.GetString(), m.name.GetStringLength());
        if (m.value.IsString() && std::string_view(m.name.GetString(), m.name.GetStringLength()) == "reference")
          reference(m.value);
        else
          emit(m.value);
      }
      w_.EndObject(v.MemberCount());
    } else if (v.IsArray()) {
      w_.StartArray();
      for (const Value& e : v.GetArray()) emit(e);
      w_.EndArray(v.Size());
    } else {
      v.Accept(w_);
    }
  }

  void reference(const Value& ref) {
    std::string key = resolve_(ref.GetString());
    if (key.empty()) {
      ref.Accept(w_);
      return;
    }
    w_.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    refs_.push_back(std::move(key));
  }

  const ResolveReference& resolve_;
  std::vector<std::string>& refs_;
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_{buf_};
};

}  // namespace

std::string keptAsSentJson(const Value& r, const ResolveReference& resolve, std::vector<std::string>& refs) {
  return KeptAsSentWriter(resolve, refs).write(r);
}

namespace {

// Top-level elements the hub reads per type, with their FHIR JSON shape
// ('a' array, 'o' object, 's' string, 'b' boolean). Others get one info
// line; a used element of the wrong shape is an error (HUB-FHIR-01).
using Shapes = std::map<std::string, char, std::less<>>;
const std::map<std::string, Shapes, std::less<>> kUsedElements = {
    {"Patient",
     {{"identifier", 'a'}, {"name", 'a'}, {"gender", 's'}, {"managingOrganization", 'o'}, {"active", 'b'},
      {"deceasedBoolean", 'b'}}},
    {"Organization", {{"identifier", 'a'}, {"name", 's'}}},
    {"EpisodeOfCare",
     {{"identifier", 'a'}, {"type", 'a'}, {"patient", 'o'}, {"managingOrganization", 'o'}, {"status", 's'},
      {"period", 'o'}, {"extension", 'a'}}},
    {"CarePlan",
     {{"identifier", 'a'}, {"subject", 'o'}, {"status", 's'}, {"intent", 's'}, {"period", 'o'}, {"activity", 'a'},
      {"basedOn", 'a'}, {"extension", 'a'}, {"category", 'a'}}},
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

// One resource's decoding; each step fills its part of `out`.
class Decoder {
 public:
  Decoder(const Value& r, const ResourceSite& site, const diag::Reporter& reporter, const ResolveReference& resolve)
      : r_(r), site_(site), reporter_(reporter), resolve_(resolve) {}

  std::optional<DecodedResource> run(uint64_t arrival);

 private:
  // Made only when there is something to report: copying the reporter's
  // context for every resource was a measurable cost of ingest.
  diag::Reporter out() const { return reporter_.withFile(site_.file, site_.line).withPath(site_.path); }
  void checkElements(const std::string& type) const;
  void unusedInside(const Value& obj, const std::string& at, std::initializer_list<std::string_view> used) const;
  model::SourceRef sourceRef(DecodedResource& d) const;
  std::optional<model::DateTime> dateTime(const Value& obj, const char* key, const std::string& where) const;
  model::Period period(const Value& obj) const;
  void parentsFrom(const char* member, DecodedResource& d, bool viaExtension) const;

  void patient(DecodedResource& d, model::SourceRef src) const;
  void organization(DecodedResource& d) const;
  void forloeb(DecodedResource& d, model::SourceRef src, bool episode) const;
  void referral(DecodedResource& d, model::SourceRef src) const;
  void contact(DecodedResource& d, model::SourceRef src) const;
  void form(DecodedResource& d, model::SourceRef src) const;
  void answers(const Value& holder, const std::string& at, model::FormResponse& f) const;
  bool answer(const Value& ans, model::Answer& a) const;

  const Value& r_;
  const ResourceSite& site_;
  const diag::Reporter& reporter_;
  const ResolveReference& resolve_;
  // Elements not used, said in one info line per resource (HUB-INGEST-12).
  mutable std::string unused_;
};

std::optional<DecodedResource> Decoder::run(uint64_t arrival) {
  const std::string type = str(r_, "resourceType");
  if (type.empty()) {
    out().error("HUB-INGEST-04", "", "resource has no resourceType; every FHIR resource needs one");
    return std::nullopt;
  }
  if (!kUsedTypes.count(type)) {
    out().info("HUB-INGEST-11", "", type + " is not used by any registry; ignored");
    return std::nullopt;
  }
  checkElements(type);
  DecodedResource d;
  d.arrival = arrival;
  d.key = canonicalKey(type, str(r_, "id"), site_.fullUrl, arrival);
  model::SourceRef src = sourceRef(d);
  if (type == "Patient") {
    patient(d, std::move(src));
  } else if (type == "Organization") {
    organization(d);
  } else if (type == "EpisodeOfCare" || (type == "CarePlan" && !member(r_, "basedOn"))) {
    forloeb(d, std::move(src), type == "EpisodeOfCare");
  } else if (type == "CarePlan") {
    referral(d, std::move(src));
  } else if (type == "Encounter") {
    contact(d, std::move(src));
  } else if (type == "Condition" || type == "ServiceRequest") {
    d.kind = DecodedResource::Kind::kResource;
    d.subjectRef = refOf(member(r_, "subject"));
    d.payload = model::Resource{type, d.key, {}, std::move(src)};
  } else {
    form(d, std::move(src));
  }
  if (!unused_.empty()) out().info("HUB-INGEST-12", "", type + unusedNote(type) + unused_);
  if (!d.subjectRef.empty()) d.subjectKey = resolve_(d.subjectRef);
  if (kKeptAsSent.count(type)) d.asSent = keptAsSentJson(r_, resolve_, d.asSentRefs);
  if (!d.orgRef.empty()) d.orgKey = resolve_(d.orgRef);
  for (const std::string& p : d.parentRefs) d.parentKeys.push_back(resolve_(p));
  return d;
}

// Unused elements: one info line per resource so a person sees what was dropped.
void Decoder::checkElements(const std::string& type) const {
  const auto used = kUsedElements.find(type);
  if (used == kUsedElements.end() || !r_.IsObject()) return;
  for (const auto& m : r_.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    const auto shape = used->second.find(name);
    if (shape == used->second.end()) {
      if (kAlwaysFine.count(name)) continue;
      if (!unused_.empty()) unused_ += ", ";
      unused_ += name;
    } else if (!hasShape(m.value, shape->second)) {
      out().at("." + std::string(name))
          .error("HUB-FHIR-01", "",
                 type + "." + std::string(name) + " must be " + shapeName(shape->second) +
                     " in FHIR JSON; it is read as absent until corrected");
    }
  }
}

// Members of a used element that no registry reads (e.g. a participant's
// `individual`, the case system's own staff): named in the same info line.
void Decoder::unusedInside(const Value& obj, const std::string& at,
                           std::initializer_list<std::string_view> used) const {
  if (!obj.IsObject()) return;
  for (const auto& m : obj.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(used.begin(), used.end(), name) != used.end()) continue;
    if (!unused_.empty()) unused_ += ", ";
    unused_ += at + "." + std::string(name);
  }
}

model::SourceRef Decoder::sourceRef(DecodedResource& d) const {
  model::SourceRef src;
  src.file = site_.file;
  src.line = site_.line;
  src.reference = d.key;
  src.path = site_.path;
  src.containerProfile = site_.containerProfile;
  if (const Value* meta = member(r_, "meta")) {
    d.lastUpdatedText = str(*meta, "lastUpdated");
    if (!d.lastUpdatedText.empty()) {
      src.lastUpdated = model::DateTime::parse(d.lastUpdatedText);
      if (!src.lastUpdated)
        out().error("HUB-FHIR-02", "",
                    "meta.lastUpdated '" + d.lastUpdatedText + "' is not a FHIR instant (YYYY-MM-DDThh:mm:ssZ)");
    }
    d.version.versionId = state::numericVersionId(str(*meta, "versionId"));
  }
  d.version.lastUpdated = src.lastUpdated;
  return src;
}

std::optional<model::DateTime> Decoder::dateTime(const Value& obj, const char* key, const std::string& where) const {
  const std::string text = str(obj, key);
  if (text.empty()) return std::nullopt;
  auto dt = model::DateTime::parse(text);
  if (!dt)
    out().at(where).error("HUB-FHIR-02", "",
                          "'" + text + "' is not a FHIR date/dateTime (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz)");
  return dt;
}

model::Period Decoder::period(const Value& obj) const {
  model::Period p;
  if (const Value* per = member(obj, "period")) {
    p.start = dateTime(*per, "start", ".period.start");
    p.end = dateTime(*per, "end", ".period.end");
  }
  return p;
}

void Decoder::parentsFrom(const char* name, DecodedResource& d, bool viaExtension) const {
  each(r_, name, [&](const Value& e, int) {
    if (!viaExtension) {
      d.parentRefs.push_back(refOf(&e));
    } else if (const Value* v = member(e, "valueReference")) {
      d.parentRefs.push_back(refOf(v));
    }
  });
}

void Decoder::patient(DecodedResource& d, model::SourceRef src) const {
  d.kind = DecodedResource::Kind::kPatient;
  model::Citizen c;
  c.resourceId = str(r_, "id");
  c.source = std::move(src);
  each(r_, "identifier", [&](const Value& ident, int i) {
    if (str(ident, "system") != kCprSystem) {  // local ids: the citizen is the CPR
      if (!unused_.empty()) unused_ += ", ";
      unused_ += "identifier[" + std::to_string(i) + "] (" + str(ident, "system") + ")";
      return;
    }
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
  each(r_, "name", [&](const Value& n, int) {
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
  const std::string g = str(r_, "gender");
  c.gender = g == "male" ? model::Gender::kMale : g == "female" ? model::Gender::kFemale : model::Gender::kUnknown;
  if (const Value* mo = member(r_, "managingOrganization")) {
    if (const Value* ident = member(*mo, "identifier")) {
      // Only a SOR code is one (CONTRACT §1); a local unit id would be sent as if it were.
      if (str(*ident, "system") == kSorSystem) {
        c.managingOrganizationSor = str(*ident, "value");
      } else {
        if (!unused_.empty()) unused_ += ", ";
        unused_ += "managingOrganization.identifier (" + str(*ident, "system") + ", not SOR)";
      }
    }
    d.orgRef = refOf(mo);
  }
  if (const Value* a = member(r_, "active"); a && a->IsBool()) c.active = a->GetBool();
  d.payload = std::move(c);
}

void Decoder::organization(DecodedResource& d) const {
  d.kind = DecodedResource::Kind::kOrganization;
  model::Organization org;
  each(r_, "identifier", [&](const Value& ident, int) {
    const std::string system = str(ident, "system");
    if (system == kMunicipalitySystem) org.municipalityCode = str(ident, "value");
    if (system == kSorSystem) org.sor = str(ident, "value");
  });
  org.name = str(r_, "name");
  d.payload = std::move(org);
}

void Decoder::forloeb(DecodedResource& d, model::SourceRef src, bool episode) const {
  d.kind = DecodedResource::Kind::kForloeb;
  model::Forloeb f;
  f.origin = episode ? model::Forloeb::Origin::kEpisodeOfCare : model::Forloeb::Origin::kCarePlan;
  f.resourceId = str(r_, "id");
  f.source = std::move(src);
  if (const Value* ident = first(r_, "identifier")) f.key = str(*ident, "value");
  if (f.key.empty()) f.key = f.resourceId;
  f.status = str(r_, "status");
  f.period = period(r_);
  extensions(r_, f.extensions);
  if (episode) {
    each(r_, "type", [&](const Value& cc, int) { codings(&cc, f.programs); });
    d.subjectRef = refOf(member(r_, "patient"));
    d.orgRef = refOf(member(r_, "managingOrganization"));
  } else {
    d.subjectRef = refOf(member(r_, "subject"));
    each(r_, "activity", [&](const Value& a, int) {
      if (const Value* det = member(a, "detail")) {
        codings(member(*det, "code"), f.programs);
        each(*det, "reasonCode", [&](const Value& cc, int) { codings(&cc, f.focusAreas); });
        if (f.activityStatus.empty()) f.activityStatus = str(*det, "status");
      }
    });
  }
  d.payload = std::move(f);
}

void Decoder::referral(DecodedResource& d, model::SourceRef src) const {
  d.kind = DecodedResource::Kind::kReferral;
  model::Referral ref;
  ref.resourceId = str(r_, "id");
  ref.source = std::move(src);
  ref.status = str(r_, "status");
  ref.start = period(r_).start;
  d.subjectRef = refOf(member(r_, "subject"));
  parentsFrom("basedOn", d, false);
  each(r_, "activity", [&](const Value& a, int) {
    if (const Value* det = member(a, "detail")) codings(member(*det, "code"), ref.codes);
  });
  d.payload = std::move(ref);
}

void Decoder::contact(DecodedResource& d, model::SourceRef src) const {
  d.kind = DecodedResource::Kind::kContact;
  model::Contact c;
  c.resourceId = str(r_, "id");
  c.source = std::move(src);
  c.status = str(r_, "status");
  if (const Value* cls = member(r_, "class")) c.classCode = str(*cls, "code");
  c.start = period(r_).start;
  each(r_, "type", [&](const Value& cc, int) { codings(&cc, c.types); });
  each(r_, "participant", [&](const Value& p, int i) {
    each(p, "type", [&](const Value& cc, int) { codings(&cc, c.participantTypes); });
    unusedInside(p, "participant[" + std::to_string(i) + "]", {"type", "id", "extension"});
  });
  extensions(r_, c.extensions);
  d.subjectRef = refOf(member(r_, "subject"));
  parentsFrom("extension", d, true);
  parentsFrom("basedOn", d, false);
  parentsFrom("episodeOfCare", d, false);
  d.payload = std::move(c);
}

void Decoder::form(DecodedResource& d, model::SourceRef src) const {
  d.kind = DecodedResource::Kind::kForm;
  model::FormResponse f;
  f.resourceId = str(r_, "id");
  f.source = std::move(src);
  f.questionnaire = str(r_, "questionnaire");
  f.status = str(r_, "status");
  f.authored = dateTime(r_, "authored", ".authored");
  if (const Value* ident = member(r_, "identifier"))
    f.identifier = ident->IsArray() ? (ident->Empty() ? "" : str((*ident)[0], "value")) : str(*ident, "value");
  d.subjectRef = refOf(member(r_, "subject"));
  parentsFrom("extension", d, true);
  parentsFrom("basedOn", d, false);
  if (const Value* top = member(r_, "item"); top && top->IsArray()) f.answers.reserve(top->Size());
  answers(r_, "", f);
  d.payload = std::move(f);
}

// Items, flattened (nested groups keep their path).
void Decoder::answers(const Value& holder, const std::string& at, model::FormResponse& f) const {
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
      if (answer(ans, a)) f.answers.push_back(std::move(a));
    });
    // Nested items (groups) only where there are any.
    if (member(it, "item")) answers(it, itPath + ".", f);
  });
}

bool Decoder::answer(const Value& ans, model::Answer& a) const {
  bool ok = true;
  if (const Value* v = member(ans, "valueCoding")) {
    a.type = model::Answer::Type::kCode;
    a.text = str(*v, "code");
  } else if (const Value* s = member(ans, "valueString"); s && s->IsString()) {
    a.type = model::Answer::Type::kString;
    a.text.assign(s->GetString(), s->GetStringLength());
  } else if (const Value* dd = member(ans, "valueDate"); dd && dd->IsString()) {
    a.type = model::Answer::Type::kDate;
    a.text.assign(dd->GetString(), dd->GetStringLength());
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
                                  "answer to '" + a.linkId +
                                      "' has no supported value[x] (valueCoding, valueString, valueDate, "
                                      "valueDateTime, valueInteger, valueDecimal, valueBoolean); ignored");
    return false;
  }
  if (!ok)
    out().at("." + a.path).error("HUB-FHIR-02", "", "answer to '" + a.linkId + "': '" + a.text +
                                                       "' is not a FHIR date/dateTime (YYYY-MM-DD)");
  return ok;
}

}  // namespace

const model::SourceRef& DecodedResource::source() const {
  static const model::SourceRef kNone;
  return std::visit(
      [](const auto& p) -> const model::SourceRef& {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, model::Organization>) {
          return kNone;
        } else {
          return p.source;
        }
      },
      payload);
}

void DecodedResource::markFresh(bool fresh) {
  std::visit(
      [fresh](auto& p) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, model::Organization>) p.source.fresh = fresh;
      },
      payload);
}

std::string canonicalKey(const std::string& type, const std::string& id, const std::string& fullUrl,
                         uint64_t arrival) {
  if (!id.empty()) return type + "/" + id;
  if (util::startsWith(fullUrl, "http://") || util::startsWith(fullUrl, "https://")) {
    const auto parts = util::split(fullUrl, '/');
    if (parts.size() >= 2 && parts[parts.size() - 2] == type) return type + "/" + parts.back();
  }
  if (!fullUrl.empty()) return fullUrl;
  return type + "/#" + std::to_string(arrival);
}

bool isUsedResourceType(std::string_view type) { return kUsedTypes.count(type) > 0; }

bool isKeptAsSent(std::string_view type) { return kKeptAsSent.count(type) > 0; }

std::optional<DecodedResource> decodeResource(const Value& resource, const ResourceSite& site, uint64_t arrival,
                                              const diag::Reporter& reporter, const ResolveReference& resolve) {
  return Decoder(resource, site, reporter, resolve).run(arrival);
}

}  // namespace reghub::ingest
