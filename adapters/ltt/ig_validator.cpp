#include "adapters/ltt/ig_validator.h"

#include <rapidjson/document.h>

#include <map>
#include <set>

#include "hub/model/citizen.h"
#include "hub/model/cpr.h"
#include "hub/util/json_access.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;

std::string str(const Value& v, const char* name) { return util::jsonString(v, name); }
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

std::vector<std::string> profilesOf(const Value& r) {
  std::vector<std::string> out;
  if (const Value* meta = member(r, "meta"))
    each(member(*meta, "profile"), [&](const Value& p, int) {
      if (p.IsString()) out.emplace_back(p.GetString());
    });
  return out;
}

bool hasProfile(const Value& r, std::string_view id) {
  const Value* meta = member(r, "meta");
  if (!meta) return false;
  const std::string want = profileUrl(id);
  bool found = false;
  each(member(*meta, "profile"), [&](const Value& p, int) {
    if (!p.IsString()) return;
    // Canonical urls may carry a version: "<url>|1.0.1".
    const std::string_view text(p.GetString());  // as profilesOf reads it (to a NUL)
    found = found || text.substr(0, text.find('|')) == want;
  });
  return found;
}

// A matched element. `path` is filled only where it is cheap (codings
// relative to their element); a constraint's nodes get theirs from pathOf()
// when a diagnostic needs it — most reports have none, and building every
// path was a large share of the validation time.
struct Node {
  const Value* v;
  std::string path;
};

// Appends the path of `target` below `v` (".name", "[i]" for array items, as
// the steps below address them) to `path`; false when it is not below `v`.
bool findPath(const Value& v, const Value* target, std::string& path) {
  if (&v == target) return true;
  if (!v.IsObject()) return false;
  for (const auto& m : v.GetObject()) {
    const size_t len = path.size();
    path += '.';
    path.append(m.name.GetString(), m.name.GetStringLength());
    if (m.value.IsArray()) {
      const size_t withName = path.size();
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        path += "[" + std::to_string(i) + "]";
        if (findPath(m.value[i], target, path)) return true;
        path.resize(withName);
      }
    } else if (findPath(m.value, target, path)) {
      return true;
    }
    path.resize(len);
  }
  return false;
}

// "" for the root itself.
std::string pathOf(const Value& root, const Value* target) {
  std::string path;
  findPath(root, target, path);
  return path;
}

bool matchesFilter(const Value& v, const PathStep& s) {
  if (s.filterKey.empty()) return true;
  // str(v, key) == value, without copying the member's text
  const Value* m = member(v, s.filterKey.c_str());
  const std::string_view got = m && m->IsString() ? std::string_view(m->GetString(), m->GetStringLength())
                                                  : std::string_view();
  return got == s.filterValue;
}

bool stepMatches(std::string_view name, const PathStep& s) {
  return s.prefix ? name.size() > s.name.size() && name.compare(0, s.name.size(), s.name) == 0 : name == s.name;
}

// Appends the children of `v` that step `s` selects (array items one by one).
void stepInto(const Value& v, const PathStep& s, std::vector<const Value*>& out) {
  if (!v.IsObject()) return;
  for (const auto& m : v.GetObject()) {
    if (!stepMatches(std::string_view(m.name.GetString(), m.name.GetStringLength()), s)) continue;
    if (m.value.IsArray()) {
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i)
        if (matchesFilter(m.value[i], s)) out.push_back(&m.value[i]);
    } else if (matchesFilter(m.value, s)) {
      out.push_back(&m.value);
    }
  }
}

int countStep(const Value& v, const PathStep& s) {
  if (!v.IsObject()) return 0;
  int n = 0;
  for (const auto& m : v.GetObject()) {
    if (!stepMatches(std::string_view(m.name.GetString(), m.name.GetStringLength()), s)) continue;
    if (m.value.IsArray()) {
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) n += matchesFilter(m.value[i], s);
    } else {
      n += matchesFilter(m.value, s);
    }
  }
  return n;
}

// What each of a profile's path nodes selects in one resource, computed on
// first use, so constraints with a common prefix walk it once.
class Selection {
 public:
  Selection(const Value& root, const Profile& profile)
      : root_(root), profile_(profile), selected_(profile.nodes.size()), done_(profile.nodes.size(), false) {}

  const std::vector<const Value*>& at(int node) {
    if (!done_[node]) {
      done_[node] = true;
      if (node == 0) {
        selected_[0].push_back(&root_);
      } else {
        const PathNode& n = profile_.nodes[node];
        for (const Value* v : at(n.parent)) stepInto(*v, n.step, selected_[node]);
      }
    }
    return selected_[node];
  }

 private:
  const Value& root_;
  const Profile& profile_;
  std::vector<std::vector<const Value*>> selected_;  // by node; sized once, so references stay valid
  std::vector<bool> done_;
};

std::string card(int min, int max) {
  return std::to_string(min < 0 ? 0 : min) + ".." + (max == -1 ? "*" : max == -2 ? "*" : std::to_string(max));
}

std::string codingText(const Value& c) { return str(c, "system") + "#" + str(c, "code"); }

std::optional<model::Date> dayOf(const std::string& text) {
  const auto dt = model::DateTime::parse(text);
  if (!dt) return std::nullopt;
  return dt->copenhagenDate();
}

}  // namespace

void IgValidator::checkConstraints(const Value& r, const Profile& profile, const diag::Reporter& out) const {
  Selection sel(r, profile);
  for (const Constraint& c : profile.constraints) {
    const diag::Reporter& base = out;
    if (c.path.empty()) continue;
    if (c.min >= 0 || c.max >= -1) {
      for (const Value* parent : sel.at(c.parentNode)) {
        const int n = countStep(*parent, c.path.back());
        // The path is built only when a diagnostic needs it.
        auto whereText = [&] {
          return pathOf(r, parent) + "." + c.path.back().name + (c.path.back().prefix ? "[x]" : "");
        };
        if (c.max == 0 && n > 0) {
          const std::string where = whereText();
          base.at(where).error(c.rule, "", profile.resourceType + where + " is not allowed by " + profile.id + " (0..0); remove it");
        } else if (c.min >= 0 && n < c.min) {
          const std::string where = whereText();
          base.at(where).error(c.rule, "",
                   profile.resourceType + where + (c.path.back().filterKey.empty() ? "" : "[" + c.path.back().filterKey + "=" + c.path.back().filterValue + "]") +
                       " is missing: " + profile.id + " requires " + card(c.min, c.max) +
                       (n ? ", found " + std::to_string(n) : ""));
        } else if (c.max > 0 && n > c.max) {
          const std::string where = whereText();
          base.at(where).error(c.rule, "",
                   profile.resourceType + where + " occurs " + std::to_string(n) + " times; " + profile.id +
                       " allows " + card(c.min, c.max));
        }
      }
    }
    if (!c.patternString && c.patternObject.empty() && c.binding.empty() && !c.regex && c.maxLength == 0) continue;
    for (const Value* selected : sel.at(c.node)) {
      const Node n{selected, {}};
      auto npath = [&] { return pathOf(r, n.v); };
      auto at = [&] { return base.at(npath()); };
      if (c.patternString) {
        if (!n.v->IsString() || *c.patternString != n.v->GetString())
          at().error(c.rule, "",
                   profile.resourceType + npath() + " must be '" + *c.patternString + "' (" + profile.id + "), got '" +
                       (n.v->IsString() ? n.v->GetString() : "(not a string)") + "'");
      }
      for (const auto& [k, want] : c.patternObject) {
        const std::string got = str(*n.v, k.c_str());
        if (got != want)
          at().error(c.rule, "",
                   profile.resourceType + npath() + "." + k + " must be '" + want + "' (pattern in " + profile.id +
                       "), got '" + got + "'");
      }
      if (c.maxLength && n.v->IsString() && n.v->GetStringLength() > c.maxLength)
        at().error(c.rule, "",
                 profile.resourceType + npath() + " is longer than " + std::to_string(c.maxLength) + " characters");
      if (c.regex && n.v->IsString() && !c.regex->matches(std::string_view(n.v->GetString(), n.v->GetStringLength())))
        at().error(c.rule, "",
                 (c.message.empty() ? "value fails the invariant " + c.invariant : c.message) + " (invariant '" +
                     c.invariant + "')");
      if (!c.binding.empty()) {
        const ValueSet& vs = data_.requireValueSet(c.binding);
        std::vector<Node> codings;
        if (c.bindingOnCoding) {
          codings.push_back(n);
        } else {
          each(member(*n.v, "coding"), [&](const Value& cd, int i) {
            codings.push_back({&cd, ".coding" + (i >= 0 ? "[" + std::to_string(i) + "]" : std::string())});
          });
          if (codings.empty())
            at().error(c.rule, "", profile.resourceType + npath() + " needs a coding from the value set " + vs.url +
                                     " (required binding)");
        }
        for (const Node& cd : codings) {
          auto cat = [&] { return c.bindingOnCoding ? at() : at().at(cd.path); };
          const std::string system = str(*cd.v, "system"), code = str(*cd.v, "code");
          const std::string* display = vs.display(system, code);
          if (!display) {
            cat().error(c.rule, "",
                      "code " + codingText(*cd.v) + " is not in the value set " + vs.id +
                          " (required binding); use one of its " + std::to_string(vs.displayByKey.size()) + " codes");
            continue;
          }
          const std::string given = str(*cd.v, "display");
          if (!given.empty() && given != *display)
            cat().at(".display").warning("LTT-TERM-01", "",
                                       "display '" + given + "' differs from the code system's '" + *display +
                                           "' for " + codingText(*cd.v));
        }
      }
    }
  }
}

void IgValidator::checkResource(const Value& r, const std::string& profileId, const IgOptions& opt,
                                const std::string& reportDay, const diag::Reporter& out) const {
  const Profile* profile = data_.profile(profileId);
  if (!profile) return;
  checkConstraints(r, *profile, out);
  const auto& advice = data_.statusAdvice();
  // `at` makes the reporter, only for a finding (most resources have none).
  auto advise = [&](const char* rule, const std::string& status, const auto& at, const std::string& what) {
    auto a = advice.find(rule);
    if (status.empty() || a == advice.end() || a->second.count(status)) return;
    std::string allowed;
    for (const auto& s : a->second) allowed += (allowed.empty() ? "" : ", ") + s;
    at().warning(rule, "", what + " '" + status + "' is not one the IG uses (" + allowed + ")");
  };
  const auto atStatus = [&out] { return out.at(".status"); };

  if (profileId == kProfileCitizen) {
    each(member(r, "identifier"), [&](const Value& ident, int i) {
      if (str(ident, "system") != kCprSystem) return;
      const std::string value = str(ident, "value");
      const auto at = [&out, i] {
        return out.at(".identifier" + (i >= 0 ? "[" + std::to_string(i) + "]" : std::string()) + ".value");
      };
      model::Cpr::Problem why = model::Cpr::Problem::kNone;
      const auto cpr = model::Cpr::parse(value, &why);
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
    if (const Value* ms = member(r, "maritalStatus")) {
      bool p = false, a = false;
      each(member(*ms, "coding"), [&](const Value& c, int) {
        if (str(c, "system") == "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus") {
          p = p || str(c, "code") == "P";
          a = a || str(c, "code") == "A";
        }
      });
      if (p && a)
        out.at(".maritalStatus").warning("LTT-CIT-10", "",
                                         "marital-status-unknown-usage: maritalStatus has both P and A codes");
    }
  } else if (profileId == kProfileCarePlan || profileId == kProfileReferral) {
    const std::string status = str(r, "status");
    if (profileId == kProfileCarePlan) {
      const Value* period = member(r, "period");
      if (status == "completed" && (!period || str(*period, "end").empty()))
        out.at(".period").error("LTT-CP-01", "",
                                "klgateway-ltt-careplan-endtime: a completed forløb needs period.end (forløbslut)");
      advise("LTT-CP-03", status, atStatus, "CarePlan.status");
      each(member(r, "activity"), [&](const Value& a, int i) {
        if (const Value* d = member(a, "detail")) {
          const std::string ds = str(*d, "status");
          const auto at = [&out, i] {
            return out.at(".activity" + (i >= 0 ? "[" + std::to_string(i) + "]" : std::string()) + ".detail.status");
          };
          advise("LTT-CP-09", ds, at, "CarePlan.activity.detail.status");
          const bool aligned = (status == "active" && ds == "in-progress") || (status == "completed" && ds == "completed") ||
                               (status == "entered-in-error" && ds == "entered-in-error");
          if (!aligned && !ds.empty() && advice.at("LTT-CP-09").count(ds) && advice.at("LTT-CP-03").count(status))
            at().warning("LTT-CP-09", "", "activity.detail.status '" + ds + "' does not match CarePlan.status '" + status + "'");
        }
      });
    } else {
      advise("LTT-REF-03", status, atStatus, "CarePlan.status of a henvisning");
    }
  } else if (profileId == kProfileEncounter) {
    advise("LTT-ENC-06", str(r, "status"), atStatus, "Encounter.status");
    bool behandling = false;
    each(member(r, "type"), [&](const Value& t, int) {
      each(member(t, "coding"), [&](const Value& c, int) { behandling = behandling || str(c, "code") == kBehandlingCode; });
    });
    bool participant = false, delivery = false;
    each(member(r, "participant"), [&](const Value& p, int) {
      each(member(p, "type"), [&](const Value& t, int) {
        if (const Value* c = member(t, "coding"); c && c->IsArray() && !c->Empty()) participant = true;
      });
    });
    each(member(r, "extension"), [&](const Value& e, int i) {
      const std::string url = str(e, "url");
      const auto at = [&out, i] {
        return out.at(".extension" + (i >= 0 ? "[" + std::to_string(i) + "]" : std::string()));
      };
      auto known = data_.extensions().find(url);
      if (known == data_.extensions().end()) {
        at().warning("LTT-ENC-11", "", "extension '" + url + "' is not part of the LTT IG; the hub would not send it");
        return;
      }
      const auto& [rule, valueName] = known->second;
      if (member(e, "extension")) at().error(rule, "", "extension " + url + " must not have nested extensions (0..0)");
      for (const auto& m : e.GetObject()) {
        const std::string_view n = m.name.GetString();
        if (n.rfind("value", 0) == 0 && n != valueName)
          at().at("." + std::string(n)).error(rule, "", "extension " + url + " takes only " + valueName);
      }
      if (url == kExtDeliveryType)
        if (const Value* cc = member(e, "valueCodeableConcept"))
          if (const Value* c = member(*cc, "coding"); c && c->IsArray() && !c->Empty()) delivery = true;
    });
    if (behandling && !(participant && delivery))
      out.error("LTT-ENC-01", "",
                std::string("klgateway-ltt-encounter-participants-and-deliveryType: a Behandling contact needs ") +
                    (participant ? "" : "participant.type") + (!participant && !delivery ? " and " : "") +
                    (delivery ? "" : "the deliveryType extension"));
  }
}

bool ReportMemo::checked(const Value& r, const std::string& profile, const model::Date& day) const {
  for (const Checked& c : checked_)
    if (c.profile == profile && (profile != kProfileCitizen || !(day < c.day)) &&
        (c.resource == &r || kl_gateway::jsonIdentical(*c.resource, r)))
      return true;
  return false;
}

void IgValidator::validateReport(const Value& b, const IgOptions& opt, const diag::Reporter& outIn,
                                 const EntryReporter& entryReporter, bool checkCore, ReportMemo* memoIn) const {
  ReportMemo* memo = memoIn && &outIn.sink() == memoIn ? memoIn : nullptr;
  const std::string citizen = outIn.citizen().empty() ? maskedCitizen(b) : std::string();
  const diag::Reporter out = citizen.empty() ? outIn : outIn.withCitizen(citizen);
  if (checkCore) {
    if (memo)
      core_.validateResource(b, out, memo->core_);
    else
      core_.validateResource(b, out);
  }
  if (!b.IsObject()) return;
  checkConstraints(b, *data_.profile(kProfileReport), out);
  const std::string timestamp = str(b, "timestamp");
  const auto reportDay = dayOf(timestamp);
  if (reportDay && *reportDay < opt.reportingStart)
    out.at(".timestamp").warning("LTT-PER-01", "",
                                 "report dated " + reportDay->iso() + ", before LTT reporting starts (" +
                                     opt.reportingStart.iso() + ")");
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;

  // Index entries for reference resolution (LTT-DR-07).
  struct Entry {
    const Value* r = nullptr;
    std::string type, id, fullUrl, profile;
    diag::Reporter out;
  };
  std::vector<Entry> list;
  int patients = 0;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value* r = member((*entries)[i], "resource");
    const diag::Reporter eo0 = out.at(".entry[" + std::to_string(i) + "]");
    const diag::Reporter eo = entryReporter ? entryReporter(i, eo0) : eo0;
    Entry e{r, r ? str(*r, "resourceType") : "", r ? str(*r, "id") : "", str((*entries)[i], "fullUrl"), "", eo};
    if (r && r->IsObject()) {
      const diag::Reporter ro = eo.at(".resource");
      if (e.type == "Patient") {
        ++patients;
        e.profile = kProfileCitizen;
      } else if (e.type == "Encounter") {
        e.profile = kProfileEncounter;
      } else if (e.type == "CarePlan") {
        const bool saysRef = hasProfile(*r, kProfileReferral), saysCp = hasProfile(*r, kProfileCarePlan);
        if (!profilesOf(*r).empty() && !saysRef && !saysCp)
          ro.at(".meta.profile").error("LTT-DR-08", "",
                                       "a CarePlan in a delivery report must conform to klgateway-ltt-care-plan (forløb) "
                                       "or klgateway-ltt-referral (henvisning); meta.profile names neither");
        e.profile = saysRef ? kProfileReferral : saysCp ? kProfileCarePlan : member(*r, "basedOn") ? kProfileReferral : kProfileCarePlan;
      } else {
        ro.error("LTT-DR-05", "",
                 "a delivery report holds only Patient, CarePlan and Encounter; " +
                     (e.type.empty() ? std::string("an entry without resourceType") : e.type) + " is not allowed");
      }
      if (!e.profile.empty()) {
        for (const auto& p : profilesOf(*r)) {
          const std::string url = p.substr(0, p.find('|'));
          if (e.type == "CarePlan") continue;  // LTT-DR-08 says which CarePlan profiles are allowed
          if (url != profileUrl(e.profile))
            ro.at(".meta.profile").error("LTT-DR-05", "",
                                         e.type + " declares profile '" + p + "'; in a delivery report it must be " +
                                             profileUrl(e.profile));
        }
        // The day a Patient's CPR is checked against (checkResource).
        const model::Date day = reportDay ? *reportDay : opt.asOf;
        if (!memo || !memo->checked(*r, e.profile, day)) {
          const size_t before = memo ? memo->reported_ : 0;
          checkResource(*r, e.profile, opt, reportDay ? reportDay->iso() : std::string(), ro);
          if (memo && memo->reported_ == before) memo->checked_.push_back({r, e.profile, day});
        }
      }
    }
    list.push_back(std::move(e));
  }
  if (patients != 1)
    out.at(".entry").error("LTT-DR-06", "",
                           "a delivery report holds exactly one citizen (Patient); found " + std::to_string(patients));

  auto resolve = [&](const std::string& ref) -> const Entry* {
    if (ref.empty()) return nullptr;
    for (const Entry& e : list)
      if (!e.fullUrl.empty() && e.fullUrl == ref) return &e;
    // ref == type + "/" + id, without building the text
    for (const Entry& e : list)
      if (!e.type.empty() && ref.size() == e.type.size() + 1 + e.id.size() && ref.compare(0, e.type.size(), e.type) == 0 &&
          ref[e.type.size()] == '/' && ref.compare(e.type.size() + 1, std::string::npos, e.id) == 0)
        return &e;
    return nullptr;
  };
  std::map<const Value*, bool> planReferenced;  // forløb CarePlans referenced by a reportable contact/referral
  for (const Entry& e : list) {
    if (!e.r || e.profile.empty() || e.profile == kProfileCitizen) continue;
    const diag::Reporter ro = e.out.at(".resource");
    if (const Value* subj = member(*e.r, "subject")) {
      const std::string ref = str(*subj, "reference");
      const Entry* t = resolve(ref);
      if (!t || t->type != "Patient")
        ro.at(".subject.reference").error("LTT-DR-07", "",
                                          "subject '" + ref + "' does not resolve to the report's citizen (Patient entry)");
    }
    auto checkPlanRef = [&](const std::string& ref, const diag::Reporter& at, const std::string& what,
                            const std::string& start) {
      const Entry* t = resolve(ref);
      if (!t || t->profile != kProfileCarePlan) {
        at.error("LTT-DR-07", "",
                 what + " '" + ref + "' must point to a forløb CarePlan contained in the same report" +
                     (t ? " (it points to a " + t->profile + ")" : ""));
        return;
      }
      const auto d = dayOf(start);
      if (d && !(*d < opt.reportingStart)) planReferenced[t->r] = true;
    };
    if (e.profile == kProfileEncounter) {
      const std::string start = member(*e.r, "period") ? str((*e.r)["period"], "start") : "";
      each(member(*e.r, "extension"), [&](const Value& x, int i) {
        if (str(x, "url") != kExtBasedOnCarePlan) return;
        const Value* vr = member(x, "valueReference");
        checkPlanRef(vr ? str(*vr, "reference") : "",
                     ro.at(".extension[" + std::to_string(i < 0 ? 0 : i) + "].valueReference"), "basedOnCarePlan", start);
      });
      const auto d = dayOf(start);
      if (d && *d < opt.reportingStart)
        ro.at(".period.start").warning("LTT-PER-02", "",
                                       "kontakt on " + d->iso() + " is before " + opt.reportingStart.iso() +
                                           "; only contacts from then on are reported");
    } else if (e.profile == kProfileReferral) {
      const std::string start = member(*e.r, "period") ? str((*e.r)["period"], "start") : "";
      each(member(*e.r, "basedOn"), [&](const Value& x, int i) {
        checkPlanRef(str(x, "reference"), ro.at(".basedOn" + (i >= 0 ? "[" + std::to_string(i) + "]" : std::string())),
                     "basedOn", start);
      });
      const auto d = dayOf(start);
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

void IgValidator::validateIncremental(const Value& b, const IgOptions& opt, const diag::Reporter& out) const {
  core_.validateResource(b, out);
  if (!b.IsObject()) return;
  checkConstraints(b, *data_.profile(kProfileIncremental), out);
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value* r = member((*entries)[i], "resource");
    if (!r) continue;
    const diag::Reporter ro = out.at(".entry[" + std::to_string(i) + "].resource");
    if (str(*r, "resourceType") != "Bundle" || klBundleKind(*r) != KlBundleKind::kDeliveryReport) {
      ro.error("LTT-ID-05", "",
               "an IncrementalDelivery holds only Bundles with meta.profile " + profileUrl(kProfileReport) + "; found " +
                   (str(*r, "resourceType").empty() ? std::string("no resourceType") : str(*r, "resourceType")));
      continue;
    }
    validateReport(*r, opt, ro, {}, false);  // core validity was checked with the wrapper
  }
}

void IgValidator::validateDocument(const Value& doc, const IgOptions& opt, const diag::Reporter& out) const {
  switch (klBundleKind(doc)) {
    case KlBundleKind::kDeliveryReport:
      validateReport(doc, opt, out);
      break;
    case KlBundleKind::kIncrementalDelivery:
      validateIncremental(doc, opt, out);
      break;
    case KlBundleKind::kNone:
      out.error("LTT-DR-05", "",
                "not a KL LTT bundle: expected a Bundle with meta.profile " + profileUrl(kProfileReport) + " or " +
                    profileUrl(kProfileIncremental));
      break;
  }
}

}  // namespace reghub::ltt
