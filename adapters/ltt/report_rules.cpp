#include "adapters/ltt/report_rules.h"

#include <rapidjson/document.h>

#include <array>
#include <map>
#include <optional>
#include <set>

#include "hub/model/citizen.h"
#include "hub/model/cpr.h"
#include "hub/util/json_access.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;

std::string str(const Value& v, const char* name) { return util::jsonString(v, name); }
// A member's text without a copy ("" if none; the document outlives it).
std::string_view view(const Value& v, const char* name) {
  const Value* m = util::jsonMember(v, name);
  return m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength()) : std::string_view();
}
const Value* member(const Value& v, const char* name) { return util::jsonMember(v, name); }

template <typename F>
void each(const Value* v, F&& f) {
  if (!v) return;
  if (v->IsArray()) {
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) f((*v)[i], static_cast<int>(i));
  } else {
    f(*v, -1);
  }
}

std::string index(int i) { return i >= 0 ? "[" + std::to_string(i) + "]" : std::string(); }

// meta.profile's texts, without copies (the document outlives them).
template <typename F>
void eachProfile(const Value& r, F&& f) {
  if (const Value* meta = member(r, "meta"))
    each(member(*meta, "profile"), [&](const Value& p, int) {
      if (p.IsString()) f(std::string_view(p.GetString(), p.GetStringLength()));
    });
}

// "<base>/<id>" or "<base>/<id>|1.0.1", compared without building the url.
bool isProfileUrl(std::string_view url, std::string_view id) {
  url = url.substr(0, url.find('|'));
  const std::string_view base(kSdBase);
  return url.size() == base.size() + id.size() && url.compare(0, base.size(), base) == 0 &&
         url.compare(base.size(), std::string_view::npos, id) == 0;
}

bool hasProfile(const Value& r, std::string_view id) {
  bool found = false;
  eachProfile(r, [&](std::string_view p) { found = found || isProfileUrl(p, id); });
  return found;
}

bool isLttProfile(std::string_view url) {
  for (const char* id : {kProfileReport, kProfileIncremental, kProfileCitizen, kProfileCarePlan, kProfileReferral,
                         kProfileEncounter})
    if (isProfileUrl(url, id)) return true;
  return false;
}

std::optional<model::Date> dayOf(const std::string& text) {
  const auto dt = model::DateTime::parse(text);
  if (!dt) return std::nullopt;
  return dt->copenhagenDate();
}

// DK-core's X-eCPR system and its D-eCPR value set (RULES.md LTT-CIT-03).
constexpr std::array<const char*, 7> kEcprSystems = {
    "urn:oid:1.2.208.176.1.6.1.1",       "urn:oid:1.2.208.176.1.6.1.3",     "urn:oid:1.2.208.176.1.6.1.3.177",
    "urn:oid:1.2.208.176.1.6.1.3.179",   "urn:oid:1.2.208.176.1.6.1.3.181", "urn:oid:1.2.208.176.1.6.1.3.183",
    "urn:oid:1.2.208.176.1.6.1.3.187"};

// A report's entries, indexed for reference resolution (LTT-DR-07).
struct Entry {
  const Value* r = nullptr;
  std::string_view type, id, fullUrl, profile;
  diag::Reporter out;
};

// The profile an entry is judged by (as the report says it: meta.profile, else a CarePlan's basedOn).
std::string_view entryProfile(const Value& r, std::string_view type) {
  if (type == "Patient") return kProfileCitizen;
  if (type == "Encounter") return kProfileEncounter;
  if (type != "CarePlan") return "";
  if (hasProfile(r, kProfileReferral)) return kProfileReferral;
  if (hasProfile(r, kProfileCarePlan)) return kProfileCarePlan;
  return member(r, "basedOn") ? kProfileReferral : kProfileCarePlan;
}

const Entry* resolve(const std::vector<Entry>& list, std::string_view ref) {
  if (ref.empty()) return nullptr;
  for (const Entry& e : list)
    if (!e.fullUrl.empty() && e.fullUrl == ref) return &e;
  for (const Entry& e : list)  // ref == type + "/" + id, without building the text
    if (!e.type.empty() && ref.size() == e.type.size() + 1 + e.id.size() && ref.compare(0, e.type.size(), e.type) == 0 &&
        ref[e.type.size()] == '/' && ref.compare(e.type.size() + 1, std::string_view::npos, e.id) == 0)
      return &e;
  return nullptr;
}

// The subject the profiles do not require (ltt-constraints' wording, the same rule ids).
void requireSubject(const Value& r, std::string_view profileId, const char* rule, const diag::Reporter& out) {
  if (member(r, "subject")) return;
  out.at(".subject").error(rule, "", str(r, "resourceType") + ".subject is missing: " + std::string(profileId) + " requires 1..1");
}

}  // namespace

KlBundleKind klBundleKind(const Value& doc) {
  if (!doc.IsObject() || str(doc, "resourceType") != "Bundle") return KlBundleKind::kNone;
  if (hasProfile(doc, kProfileReport)) return KlBundleKind::kDeliveryReport;
  if (hasProfile(doc, kProfileIncremental)) return KlBundleKind::kIncrementalDelivery;
  return KlBundleKind::kNone;
}

std::string maskedCitizen(const Value& b) {
  std::string out;
  each(member(b, "entry"), [&](const Value& e, int) {
    const Value* r = member(e, "resource");
    if (!r || str(*r, "resourceType") != "Patient" || !out.empty()) return;
    each(member(*r, "identifier"), [&](const Value& i, int) {
      if (str(i, "system") == kCprSystem && out.empty()) out = model::maskCpr(str(i, "value"));
    });
  });
  return out;
}

void ReportRules::checkCitizen(const Value& r, const std::string& reportDay, const IgOptions& opt,
                               const diag::Reporter& out) const {
  each(member(r, "identifier"), [&](const Value& ident, int i) {
    const std::string system = str(ident, "system");
    for (const char* ecpr : kEcprSystems)
      if (system == ecpr)
        out.at(".identifier" + index(i))
            .error("LTT-CIT-03", "",
                   "Patient.identifier with system " + system +
                       " (an X-/D-eCPR) is not allowed by klgateway-ltt-citizen (0..0); remove it");
    if (system != kCprSystem) return;
    const std::string value = str(ident, "value");
    const auto at = [&out, i] { return out.at(".identifier" + index(i) + ".value"); };
    const auto cpr = model::Cpr::parse(value);
    const auto day = model::Date::parse(reportDay);
    if (!cpr || value.size() != 10) {
      at().error("LTT-CIT-05", "",
                 "CPR-nummer " + model::maskCpr(value) +
                     " fails SDS's receipt check: 10 digits, a real birth date (day 01-31, or 61-91 for an "
                     "erstatnings-CPR) with the century from the 7th digit");
    } else if (cpr->birthDate() > (day ? *day : opt.asOf)) {
      at().error("LTT-CIT-05", "", "CPR-nummer " + cpr->masked() + " gives a birth date after the report date");
    }
  });
}

// The IG's prose status advice ("[text, not enforced]"): warnings.
namespace {
template <typename At>
void advise(const std::map<std::string, std::set<std::string>>& advice, const char* rule, const std::string& status,
            const At& at, const std::string& what) {
  const auto a = advice.find(rule);
  if (status.empty() || a == advice.end() || a->second.count(status)) return;
  std::string allowed;
  for (const auto& s : a->second) allowed += (allowed.empty() ? "" : ", ") + s;
  at().warning(rule, "", what + " '" + status + "' is not one the IG uses (" + allowed + ")");
}
}  // namespace

void ReportRules::checkCarePlan(const Value& r, std::string_view profileId, const diag::Reporter& out) const {
  const auto& advice = data_.statusAdvice();
  const auto atStatus = [&out] { return out.at(".status"); };
  const std::string status = str(r, "status");
  if (profileId == kProfileReferral) {
    requireSubject(r, profileId, "LTT-REF-04", out);
    advise(advice, "LTT-REF-03", status, atStatus, "CarePlan.status of a henvisning");
    return;
  }
  requireSubject(r, profileId, "LTT-CP-04", out);
  advise(advice, "LTT-CP-03", status, atStatus, "CarePlan.status");
  each(member(r, "activity"), [&](const Value& a, int i) {
    const Value* d = member(a, "detail");
    if (!d) return;
    const std::string ds = str(*d, "status");
    const auto at = [&out, i] { return out.at(".activity" + index(i) + ".detail.status"); };
    advise(advice, "LTT-CP-09", ds, at, "CarePlan.activity.detail.status");
    const bool aligned = (status == "active" && ds == "in-progress") || (status == "completed" && ds == "completed") ||
                         (status == "entered-in-error" && ds == "entered-in-error");
    if (!aligned && !ds.empty() && advice.at("LTT-CP-09").count(ds) && advice.at("LTT-CP-03").count(status))
      at().warning("LTT-CP-09", "", "activity.detail.status '" + ds + "' does not match CarePlan.status '" + status + "'");
  });
}

void ReportRules::checkEncounter(const Value& r, const diag::Reporter& out) const {
  requireSubject(r, kProfileEncounter, "LTT-ENC-07", out);
  advise(data_.statusAdvice(), "LTT-ENC-06", str(r, "status"), [&out] { return out.at(".status"); }, "Encounter.status");
  each(member(r, "extension"), [&](const Value& e, int i) {
    const std::string url = str(e, "url");
    if (!data_.extensions().count(url))
      out.at(".extension" + index(i))
          .warning("LTT-ENC-11", "", "extension '" + url + "' is not part of the LTT IG; the hub would not send it");
  });
}

namespace {
// Do the member names from the resource down match a bound element's steps?
bool sameElement(const std::vector<std::string>& steps, const std::vector<std::string_view>& names, size_t n) {
  if (steps.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    const std::string& s = steps[i];
    const bool choice = s.size() > 3 && s.compare(s.size() - 3, 3, "[x]") == 0;
    if (choice ? names[i].size() <= s.size() - 3 || names[i].compare(0, s.size() - 3, s, 0, s.size() - 3) != 0
               : names[i] != s)
      return false;
  }
  return true;
}
}  // namespace

// LTT-TERM-01: a coding of a bound element (or a bound coding) whose code is
// in the element's value set with another display (the path is put together
// only for a finding).
void ReportRules::checkDisplays(const Value& v, std::string_view profileId, const diag::Reporter& out) const {
  const auto bound = bindings_.find(profileId);
  if (bound == bindings_.end()) return;
  // The member names and array indices from the resource down (-1: a member).
  std::vector<std::string_view> names;
  std::vector<std::pair<std::string_view, int>> steps;
  const auto valueSetAt = [&]() -> const ValueSet* {
    for (const BoundElement& b : bound->second)
      if (sameElement(b.steps, names, names.size()) ||
          (!names.empty() && names.back() == "coding" && sameElement(b.steps, names, names.size() - 1)))
        return data_.valueSet(b.valueSet);
    return nullptr;
  };
  const auto pathText = [&] {
    std::string path;
    for (const auto& [name, i] : steps) path += i >= 0 ? "[" + std::to_string(i) + "]" : "." + std::string(name);
    return path;
  };
  const auto checkCoding = [&](const Value& x) {
    const Value* display = member(x, "display");
    if (!display || !display->IsString() || !member(x, "code")) return;
    const ValueSet* vs = valueSetAt();
    if (!vs) return;
    const std::string system = str(x, "system"), code = str(x, "code");
    const std::string* want = vs->display(system, code);
    if (want && *want != display->GetString())
      out.at(pathText() + ".display")
          .warning("LTT-TERM-01", "",
                   "display '" + std::string(display->GetString()) + "' differs from the code system's '" + *want +
                       "' for " + system + "#" + code);
  };
  const std::function<void(const Value&)> walk = [&](const Value& x) {
    if (x.IsArray()) {
      for (rapidjson::SizeType i = 0; i < x.Size(); ++i) {
        steps.emplace_back(std::string_view(), static_cast<int>(i));
        walk(x[i]);
        steps.pop_back();
      }
      return;
    }
    if (!x.IsObject()) return;
    if (!names.empty() && names.back() == "coding") checkCoding(x);
    for (const auto& m : x.GetObject()) {
      if (!m.value.IsObject() && !m.value.IsArray()) continue;
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      names.push_back(name);
      steps.emplace_back(name, -1);
      walk(m.value);
      steps.pop_back();
      names.pop_back();
    }
  };
  walk(v);
}

void ReportRules::checkReport(const Value& b, const IgOptions& opt, const diag::Reporter& out,
                              const EntryReporter& entryReporter) const {
  if (!b.IsObject()) return;
  const auto reportDay = dayOf(str(b, "timestamp"));
  if (reportDay && *reportDay < opt.reportingStart)
    out.at(".timestamp").warning("LTT-PER-01", "",
                                 "report dated " + reportDay->iso() + ", before LTT reporting starts (" +
                                     opt.reportingStart.iso() + ")");
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;

  std::vector<Entry> list;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value* r = member((*entries)[i], "resource");
    const diag::Reporter eo0 = out.at(".entry[" + std::to_string(i) + "]");
    const diag::Reporter eo = entryReporter ? entryReporter(i, eo0) : eo0;
    Entry e{r, r ? view(*r, "resourceType") : "", r ? view(*r, "id") : "", view((*entries)[i], "fullUrl"), "", eo};
    if (r && r->IsObject()) {
      e.profile = entryProfile(*r, e.type);
      const diag::Reporter ro = eo.at(".resource");
      bool claims = false;
      eachProfile(*r, [&](std::string_view) { claims = true; });
      if (e.type == "CarePlan" && claims && !hasProfile(*r, kProfileReferral) && !hasProfile(*r, kProfileCarePlan))
        ro.at(".meta.profile").error("LTT-DR-08", "",
                                     "a CarePlan in a delivery report must conform to klgateway-ltt-care-plan (forløb) "
                                     "or klgateway-ltt-referral (henvisning); meta.profile names neither");
      if (!e.profile.empty() && e.type != "CarePlan")  // LTT-DR-08 says which CarePlan profiles are allowed
        eachProfile(*r, [&](std::string_view p) {
          if (!isLttProfile(p))
            ro.at(".meta.profile").error("LTT-DR-05", "",
                                         std::string(e.type) + " declares profile '" + std::string(p) +
                                             "'; in a delivery report it must be " + profileUrl(e.profile));
        });
      if (e.profile == kProfileCitizen) checkCitizen(*r, reportDay ? reportDay->iso() : std::string(), opt, ro);
      if (e.profile == kProfileCarePlan || e.profile == kProfileReferral) checkCarePlan(*r, e.profile, ro);
      if (e.profile == kProfileEncounter) checkEncounter(*r, ro);
      if (!e.profile.empty()) checkDisplays(*r, e.profile, ro);
    }
    list.push_back(std::move(e));
  }

  // References resolve inside the report (what a resolved one points to is the profiles').
  std::map<const Value*, bool> planReferenced;  // forløb CarePlans referenced by a reportable contact/henvisning
  for (const Entry& e : list) {
    if (!e.r || e.profile.empty() || e.profile == kProfileCitizen) continue;
    const diag::Reporter ro = e.out.at(".resource");
    if (const Value* subj = member(*e.r, "subject")) {
      const std::string_view ref = view(*subj, "reference");
      if (!resolve(list, ref))
        ro.at(".subject.reference").error("LTT-DR-07", "",
                                          "subject '" + std::string(ref) + "' does not resolve to the report's citizen (Patient entry)");
    }
    auto checkPlanRef = [&](std::string_view ref, const diag::Reporter& at, const std::string& what,
                            const std::string& start) {
      const Entry* t = resolve(list, ref);
      if (!t) {
        at.error("LTT-DR-07", "", what + " '" + std::string(ref) + "' must point to a forløb CarePlan contained in the same report");
        return;
      }
      const auto d = dayOf(start);
      if (t->profile == kProfileCarePlan && d && !(*d < opt.reportingStart)) planReferenced[t->r] = true;
    };
    const std::string start = member(*e.r, "period") ? str((*e.r)["period"], "start") : "";
    const auto d = dayOf(start);
    if (e.profile == kProfileEncounter) {
      each(member(*e.r, "extension"), [&](const Value& x, int i) {
        if (str(x, "url") != kExtBasedOnCarePlan) return;
        const Value* vr = member(x, "valueReference");
        checkPlanRef(vr ? view(*vr, "reference") : std::string_view(), ro.at(".extension[" + std::to_string(i < 0 ? 0 : i) + "].valueReference"),
                     "basedOnCarePlan", start);
      });
      if (d && *d < opt.reportingStart)
        ro.at(".period.start").warning("LTT-PER-02", "",
                                       "kontakt on " + d->iso() + " is before " + opt.reportingStart.iso() +
                                           "; only contacts from then on are reported");
    } else if (e.profile == kProfileReferral) {
      each(member(*e.r, "basedOn"), [&](const Value& x, int i) {
        checkPlanRef(view(x, "reference"), ro.at(".basedOn" + index(i)), "basedOn", start);
      });
      if (d && *d < opt.reportingStart)
        ro.at(".period.start").warning("LTT-PER-04", "",
                                       "henvisning on " + d->iso() + " is before " + opt.reportingStart.iso() +
                                           "; the hub reports henvisninger from then on");
    }
  }
  for (const Entry& e : list) {
    if (!e.r || e.profile != kProfileCarePlan) continue;
    const Value* p = member(*e.r, "period");
    const auto start = p ? dayOf(str(*p, "start")) : std::nullopt;
    const auto end = p ? dayOf(str(*p, "end")) : std::nullopt;
    const bool old = start && *start < opt.reportingStart;
    const bool endedInPeriod = end && !(*end < opt.reportingStart);
    if (old && !endedInPeriod && !planReferenced[e.r] && !opt.outbound)
      e.out.at(".resource.period.start")
          .warning("LTT-PER-03", "",
                   "forløb began " + start->iso() + ", before " + opt.reportingStart.iso() +
                       ", and no contact or henvisning from then on in this report refers to it");
  }
}

void ReportRules::checkIncremental(const Value& b, const IgOptions& opt, const diag::Reporter& out) const {
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value* r = member((*entries)[i], "resource");
    if (!r || klBundleKind(*r) != KlBundleKind::kDeliveryReport) continue;
    const diag::Reporter ro = out.at(".entry[" + std::to_string(i) + "].resource");
    const std::string citizen = maskedCitizen(*r);
    checkReport(*r, opt, citizen.empty() ? ro : ro.withCitizen(citizen));
  }
}

}  // namespace reghub::ltt
