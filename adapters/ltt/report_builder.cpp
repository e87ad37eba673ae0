#include "adapters/ltt/report_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "adapters/kl_gateway/report_envelope.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

// Namespace of the hub's LTT name-based ids (RFC 4122 v5).
constexpr const char* kIdNamespace = "3c5e1f0a-8d7b-5e2a-9f41-6b2d0c8e7a13";
// Bundle.id of a report built only to be checked (Body::kCheckOnly).
constexpr const char* kCheckOnlyId = "00000000-0000-5000-8000-000000000000";

Value sv(const std::string& s, Alloc& a) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

Value codingV(const model::Coding& c, Alloc& a) {
  Value v(rapidjson::kObjectType);
  v.AddMember("system", sv(c.system, a), a);
  v.AddMember("code", sv(c.code, a), a);
  if (!c.display.empty()) v.AddMember("display", sv(c.display, a), a);
  return v;
}

Value cc(const model::Coding& c, Alloc& a) {
  Value v(rapidjson::kObjectType);
  Value arr(rapidjson::kArrayType);
  arr.PushBack(codingV(c, a), a);
  v.AddMember("coding", arr, a);
  return v;
}

Value meta(const char* profile, Alloc& a) {
  Value m(rapidjson::kObjectType);
  Value arr(rapidjson::kArrayType);
  arr.PushBack(sv(profileUrl(profile), a), a);
  m.AddMember("profile", arr, a);
  return m;
}

Value ref(const std::string& r, Alloc& a) {
  Value v(rapidjson::kObjectType);
  v.AddMember("reference", sv(r, a), a);
  return v;
}

// The coding of `codes` in value set `vs`, with the code system's display.
std::optional<model::Coding> inSet(const ValueSet& vs, const std::vector<model::Coding>& codes) {
  for (const model::Coding& c : codes)
    if (const std::string* d = vs.display(c.system, c.code)) return model::Coding{c.system, c.code, *d};
  return std::nullopt;
}

struct MappedContact {
  model::Coding type;
  std::optional<model::Coding> delivery, participant;
  bool fromUi = false;
};

bool sameCode(const model::Coding& x, const model::Coding& y) { return x.system == y.system && x.code == y.code; }

// Says what of an inbound element is not sent. The same build runs for
// validation (with a reporter) and rendering (without), so each drop is said
// once, as an info: a value the IG does not permit is the sender's extra, not
// an error of the report (CONTRACT §1: the hub keeps only what the IG permits).
class DropNotes {
 public:
  DropNotes(const diag::Reporter* notes, std::string forloeb, std::string source)
      : notes_(notes), forloeb_(std::move(forloeb)), source_(std::move(source)) {}

  // Every coding of `sent` other than `kept` (and other than `translated`
  // ones): why it is not sent, by rule `rule` of element `element`.
  template <typename Translated>
  void codings(const char* rule, const std::string& element, const std::vector<model::Coding>& sent,
               const std::optional<model::Coding>& kept, const ValueSet& vs, const char* what,
               Translated&& translated) const {
    if (!notes_) return;
    std::set<std::string> said;
    for (const model::Coding& c : sent) {
      if ((kept && sameCode(c, *kept)) || translated(c) || !said.insert(c.system + "#" + c.code).second) continue;
      std::string why = std::string("not in the IG's value set ") + vs.id + " (" + what + ")";
      if (vs.contains(c.system, c.code))
        why = "the IG allows one coding" + (kept ? "; " + kept->system + "#" + kept->code + " is sent" : std::string());
      notes_->withForloeb(forloeb_).withPath(source_ + "." + element)
          .info(rule, "", element + " " + c.system + "#" + c.code + " is not sent: " + why);
    }
  }

 private:
  const diag::Reporter* notes_;
  std::string forloeb_, source_;
};

bool never(const model::Coding&) { return false; }

MappedContact mapContact(const LttData& data, const model::Contact& c, const DropNotes& drops) {
  MappedContact m;
  const ValueSet& typeVs = data.requireValueSet(kVsEncounterType);
  const ValueSet& deliveryVs = data.requireValueSet(kVsDelivery);
  const ValueSet& participantVs = data.requireValueSet(kVsParticipant);
  const auto isUi = [&](const model::Coding& t) { return data.uiMapping(t.system, t.code) != nullptr; };
  std::vector<model::Coding> deliveries;
  for (const model::ExtensionValue& e : c.extensions)
    if (e.url == kExtDeliveryType) deliveries.push_back(e.coding);
  for (const model::Coding& t : c.types)
    if (const UiMapping* ui = data.uiMapping(t.system, t.code)) {
      m.type = ui->encounterType;
      m.delivery = ui->deliveryType;
      m.participant = ui->participantType;
      m.fromUi = true;
      break;
    }
  if (!m.fromUi) {
    if (auto t = inSet(typeVs, c.types))
      m.type = *t;
    else if (!c.types.empty())
      m.type = c.types.front();  // kept as sent: Encounter.type is 1..1, so the validator names the wrong code (LTT-ENC-05)
    // Delivery type and participant are optional in the IG: a value outside
    // its value set is dropped (an info), never sent to be refused.
    m.delivery = inSet(deliveryVs, deliveries);
    m.participant = inSet(participantVs, c.participantTypes);
  }
  const std::optional<model::Coding> type = m.type.code.empty() ? std::nullopt : std::optional(m.type);
  drops.codings("LTT-ENC-05", "type", c.types, type, typeVs, "the LTT contact types", isUi);
  drops.codings("LTT-ENC-03", "extension:deliveryType", deliveries, m.delivery, deliveryVs,
                "Gruppebaseret / Individuel indsats", never);
  drops.codings("LTT-ENC-08", "participant.type", c.participantTypes, m.participant, participantVs,
                "the child/young person or an omsorgsperson; the case system's own staff are never sent", never);
  return m;
}

// CarePlan.status → (status sent, activity.detail.status aligned with it).
std::pair<std::string, std::string> planStatus(const std::string& s) {
  if (s == "active" || s == "on-hold") return {"active", "in-progress"};
  if (s == "completed" || s == "revoked") return {"completed", "completed"};
  if (s == "entered-in-error") return {"entered-in-error", "entered-in-error"};
  return {s, s == "draft" ? "not-started" : "unknown"};
}

bool contactReportableStatus(const std::string& s) {
  return s == "finished" || s == "entered-in-error" || s == "unknown";
}

}  // namespace

std::optional<model::Date> changeDay(const model::SourceRef& src, const std::optional<model::DateTime>& event) {
  if (src.lastUpdated) return src.lastUpdated->copenhagenDate();
  if (event) return event->copenhagenDate();
  return std::nullopt;
}

std::string ReportBuilder::resourceId(const std::string& sor, const std::string& type, const std::string& sourceId) {
  return kl_gateway::stableId(kIdNamespace, sor, type, sourceId);
}

bool ReportBuilder::inScope(const model::Forloeb& f) const {
  const model::Date s = settings_.reportingStart;
  const model::Date to = ctx_.asOf;
  auto within = [&](const std::optional<model::Date>& d) { return d && !(*d < s) && !(to < *d); };
  for (const auto& c : f.contacts)
    if (c.start && !(c.start->copenhagenDate() < s) && within(changeDay(c.source, c.start))) return true;
  for (const auto& r : f.referrals)
    if (r.start && !(r.start->copenhagenDate() < s) && within(changeDay(r.source, r.start))) return true;
  if (f.period.start && !(f.period.start->copenhagenDate() < s) && within(changeDay(f.source, f.period.start)))
    return true;
  if (f.period.end && !(f.period.end->copenhagenDate() < s) && within(changeDay(f.source, f.period.end))) return true;
  return false;
}

namespace {

// A contact or henvisning of a forløb and the day it is reported on.
struct Dated {
  const model::Forloeb* f;
  const model::Contact* c = nullptr;
  const model::Referral* r = nullptr;
  model::Date day;
};

Value patientResource(const model::Citizen& citizen, const std::string& pid, const std::string& sor, Alloc& a) {
  Value p(rapidjson::kObjectType);
  p.AddMember("resourceType", "Patient", a);
  p.AddMember("id", sv(pid, a), a);
  p.AddMember("meta", meta(kProfileCitizen, a), a);
  Value ids(rapidjson::kArrayType), ident(rapidjson::kObjectType);
  ident.AddMember("use", "official", a);
  ident.AddMember("system", sv(kCprSystem, a), a);
  ident.AddMember("value", sv(citizen.cpr->digits(), a), a);
  ids.PushBack(ident, a);
  p.AddMember("identifier", ids, a);
  p.AddMember("active", citizen.active, a);
  if (!sor.empty()) {
    Value mo(rapidjson::kObjectType), oi(rapidjson::kObjectType);
    oi.AddMember("use", "official", a);
    oi.AddMember("system", sv(kSorSystem, a), a);
    oi.AddMember("value", sv(sor, a), a);
    mo.AddMember("identifier", oi, a);
    p.AddMember("managingOrganization", mo, a);
  }
  return p;
}

// activity: [{detail}] of a CarePlan.
Value activityOf(Value&& detail, Alloc& a) {
  Value act(rapidjson::kObjectType), acts(rapidjson::kArrayType);
  act.AddMember("detail", detail, a);
  acts.PushBack(act, a);
  return acts;
}

Value startPeriod(const model::DateTime& start, Alloc& a) {
  Value per(rapidjson::kObjectType);
  per.AddMember("start", sv(start.text(), a), a);
  return per;
}

// The Encounter of a contact, its codings as mapContact decided them.
Value encounterResource(const model::Contact& c, const MappedContact& m, const std::string& eid,
                        const std::string& cpid, const std::string& pid, Alloc& a) {
  Value e(rapidjson::kObjectType);
  e.AddMember("resourceType", "Encounter", a);
  e.AddMember("id", sv(eid, a), a);
  e.AddMember("meta", meta(kProfileEncounter, a), a);
  Value exts(rapidjson::kArrayType), based(rapidjson::kObjectType);
  based.AddMember("url", sv(kExtBasedOnCarePlan, a), a);
  based.AddMember("valueReference", ref("CarePlan/" + cpid, a), a);
  exts.PushBack(based, a);
  if (m.delivery) {
    Value dt(rapidjson::kObjectType);
    dt.AddMember("url", sv(kExtDeliveryType, a), a);
    dt.AddMember("valueCodeableConcept", cc(*m.delivery, a), a);
    exts.PushBack(dt, a);
  }
  e.AddMember("extension", exts, a);
  e.AddMember("status", sv(c.status, a), a);
  Value cls(rapidjson::kObjectType);
  cls.AddMember("system", sv(kActCodeSystem, a), a);
  cls.AddMember("code", "AMB", a);
  cls.AddMember("display", "ambulatory", a);
  e.AddMember("class", cls, a);
  if (!m.type.code.empty()) {
    Value types(rapidjson::kArrayType);
    types.PushBack(cc(m.type, a), a);
    e.AddMember("type", types, a);
  }
  e.AddMember("subject", ref("Patient/" + pid, a), a);
  if (m.participant) {
    Value parts(rapidjson::kArrayType), part(rapidjson::kObjectType), pt(rapidjson::kArrayType);
    pt.PushBack(cc(*m.participant, a), a);
    part.AddMember("type", pt, a);
    parts.PushBack(part, a);
    e.AddMember("participant", parts, a);
  }
  e.AddMember("period", startPeriod(*c.start, a), a);
  return e;
}

// The henvisning CarePlan of a referral, based on its forløb.
Value referralResource(const model::Referral& r, const std::optional<model::Coding>& code, const std::string& rid,
                       const std::string& cpid, const std::string& pid, Alloc& a) {
  Value rp(rapidjson::kObjectType);
  rp.AddMember("resourceType", "CarePlan", a);
  rp.AddMember("id", sv(rid, a), a);
  rp.AddMember("meta", meta(kProfileReferral, a), a);
  Value based(rapidjson::kArrayType);
  based.PushBack(ref("CarePlan/" + cpid, a), a);
  rp.AddMember("basedOn", based, a);
  rp.AddMember("status", sv(r.status, a), a);
  rp.AddMember("intent", "plan", a);
  rp.AddMember("subject", ref("Patient/" + pid, a), a);
  rp.AddMember("period", startPeriod(*r.start, a), a);
  Value detail(rapidjson::kObjectType);
  if (code) detail.AddMember("code", cc(*code, a), a);
  detail.AddMember("status", "completed", a);
  rp.AddMember("activity", activityOf(std::move(detail), a), a);
  return rp;
}

// One citizen's reports: first which resources go out on which day, then
// one Bundle per day. Holds the state the steps share; used once.
class CitizenReports {
 public:
  CitizenReports(const LttData& data, const Settings& settings, const engine::RunContext& ctx,
                 const model::Citizen& citizen, const std::vector<const model::Forloeb*>& forloeb,
                 const diag::Reporter* notes)
      : data_(data), settings_(settings), ctx_(ctx), citizen_(citizen), forloeb_(forloeb), notes_(notes),
        S_(settings.reportingStart), from_(ctx.since && S_ < *ctx.since ? *ctx.since : S_), to_(ctx.asOf),
        sor_(sorOf(citizen, forloeb)), pid_(ReportBuilder::resourceId(sor_, "Patient", citizen.resourceId)) {}

  std::vector<PlannedReport> build(ReportBuilder::Body body) {
    for (const model::Forloeb* f : forloeb_) {
      collectContacts(*f);
      collectReferrals(*f);
      collectPlanDays(*f);
    }
    addChangedPlanDays();
    findPatientDay();
    std::vector<PlannedReport> out;
    for (int32_t dnum : days_) {
      const model::Date D = model::Date::fromDays(dnum);
      if (D < from_ || to_ < D) continue;
      const std::vector<const model::Forloeb*> plans = plansOn(D);
      const bool patientChanged = patientDay_ && *patientDay_ == dnum;
      if (plans.empty() && !patientChanged) continue;
      out.push_back(reportOn(D, plans, body));
    }
    return out;
  }

 private:
  // The SOR code of the citizen's organisation, else of the first forløb's kommune.
  static std::string sorOf(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& forloeb) {
    std::string sor = citizen.managingOrganizationSor;
    for (const model::Forloeb* f : forloeb)
      if (sor.empty() && f->municipality && !f->municipality->sor.empty()) sor = f->municipality->sor;
    return sor;
  }

  // The day a resource is reported on: its change day when replaying
  // history; in a delta run, today for what is fresh and never for the rest
  // (it was delivered before).
  std::optional<model::Date> reportDay(const model::SourceRef& src, const std::optional<model::DateTime>& event) const {
    if (!ctx_.delta) return changeDay(src, event);
    return src.fresh ? std::optional<model::Date>(to_) : std::nullopt;
  }

  void collectContacts(const model::Forloeb& f) {
    const diag::Reporter* n = notes_;
    for (const model::Contact& c : f.contacts) {
      const auto day = reportDay(c.source, c.start);
      if (!c.start || !day) continue;  // the validator reports the missing start via the model check
      if (c.start->copenhagenDate() < S_) {  // LTT-PER-02: earlier contacts are never reported
        if (n)
          n->withForloeb(f.display())
              .withPath(c.source.reference)
              .info("LTT-PER-02", "",
                    "kontakt on " + c.start->copenhagenDate().iso() + " is before LTT reporting starts (" + S_.iso() +
                        "); not reported");
        continue;
      }
      if (!contactReportableStatus(c.status)) {
        if (n)
          n->withForloeb(f.display())
              .withPath(c.source.reference)
              .info("LTT-ENC-06", "", "kontakt with status '" + c.status + "' is not reported until it is finished");
        continue;
      }
      items_.push_back({&f, &c, nullptr, *day});
      days_.insert(day->days());
    }
  }

  void collectReferrals(const model::Forloeb& f) {
    for (const model::Referral& r : f.referrals) {
      const auto day = reportDay(r.source, r.start);
      if (!r.start || !day || r.start->copenhagenDate() < S_) continue;  // LTT-PER-04
      items_.push_back({&f, nullptr, &r, *day});
      days_.insert(day->days());
    }
  }

  // The days the forløb itself changed.
  void collectPlanDays(const model::Forloeb& f) {
    if (ctx_.delta) {
      if (f.source.fresh) planDays_[&f].insert(to_.days());
    } else if (f.source.lastUpdated) {
      planDays_[&f].insert(f.source.lastUpdated->copenhagenDate().days());
    } else {
      if (f.period.start) planDays_[&f].insert(f.period.start->copenhagenDate().days());
      if (f.period.end) planDays_[&f].insert(f.period.end->copenhagenDate().days());
    }
  }

  // A changed forløb is reported on its own once it is in the reporting period.
  bool planInScopeOn(const model::Forloeb* f, int32_t d) const {
    if (f->period.start && !(f->period.start->copenhagenDate() < S_)) return true;
    if (f->period.end && !(f->period.end->copenhagenDate() < S_)) return true;
    for (const Dated& it : items_)
      if (it.f == f && it.day.days() <= d) return true;
    return false;
  }

  void addChangedPlanDays() {
    for (const auto& [f, ds] : planDays_)
      for (int32_t d : ds)
        if (planInScopeOn(f, d)) days_.insert(d);
  }

  void findPatientDay() {
    if (ctx_.delta) {
      // A changed Patient alone (e.g. active false) is that citizen's report,
      // once the citizen has been in scope.
      if (citizen_.source.fresh)
        for (const model::Forloeb* f : forloeb_)
          if (planInScopeOn(f, to_.days())) {
            patientDay_ = to_.days();
            days_.insert(*patientDay_);
            break;
          }
    } else if (citizen_.source.lastUpdated) {
      patientDay_ = citizen_.source.lastUpdated->copenhagenDate().days();
    }
    // A Patient changed after something was reported gets a report of its own.
    if (patientDay_ && !ctx_.delta) {
      for (const Dated& it : items_)
        if (it.day.days() < *patientDay_) {
          days_.insert(*patientDay_);
          break;
        }
    }
  }

  // The forløb in day D's report: changed that day, or referred to by a
  // contact or henvisning of that day.
  std::vector<const model::Forloeb*> plansOn(const model::Date& D) {
    std::vector<const model::Forloeb*> plans;
    for (const model::Forloeb* f : forloeb_) {
      bool include = planDays_[f].count(D.days()) && planInScopeOn(f, D.days());
      for (const Dated& it : items_)
        if (it.f == f && it.day == D) include = true;
      if (include && std::find(plans.begin(), plans.end(), f) == plans.end()) plans.push_back(f);
    }
    return plans;
  }

  // The forløb's contacts and henvisninger of day D: contacts first, each by start.
  std::vector<const Dated*> itemsOn(const model::Forloeb* f, const model::Date& D) const {
    std::vector<const Dated*> todays;
    for (const Dated& it : items_)
      if (it.f == f && it.day == D) todays.push_back(&it);
    std::stable_sort(todays.begin(), todays.end(), [](const Dated* x, const Dated* y) {
      if ((x->c != nullptr) != (y->c != nullptr)) return x->c != nullptr;  // contacts before henvisninger
      const auto& sx = x->c ? x->c->start : x->r->start;
      const auto& sy = y->c ? y->c->start : y->r->start;
      return *sx < *sy;
    });
    return todays;
  }

  // One report's entries as they are added.
  struct Draft {
    std::shared_ptr<rapidjson::Document> doc = std::make_shared<rapidjson::Document>();
    Value entries{rapidjson::kArrayType};
    PlannedReport rep;
  };

  void addEntry(Draft& draft, const std::string& type, const std::string& id, Value&& res,
                const std::string& forloebDisplay) const {
    Alloc& a = draft.doc->GetAllocator();
    draft.entries.PushBack(kl_gateway::reportEntry(reportShape(settings_), type, id, std::move(res), a), a);
    draft.rep.entryForloeb.push_back(forloebDisplay);
  }

  PlannedReport reportOn(const model::Date& D, const std::vector<const model::Forloeb*>& plans,
                         ReportBuilder::Body body) {
    Draft draft;
    draft.rep.day = D;
    addEntry(draft, "Patient", pid_, patientResource(citizen_, pid_, sor_, draft.doc->GetAllocator()), "");
    for (const model::Forloeb* f : plans) {
      draft.rep.forloebKeys.push_back(f->key);
      const std::string& cpid = carePlanId(*f);
      addEntry(draft, "CarePlan", cpid, carePlanResource(*f, cpid, draft.doc->GetAllocator()), f->display());
      for (const Dated* it : itemsOn(f, D)) {
        if (it->c)
          addContact(draft, *f, *it->c, cpid);
        else
          addReferral(draft, *f, *it->r, cpid);
      }
    }
    return finish(std::move(draft), reportShape(settings_), body);
  }

  // The forløb's CarePlan id (a name-based UUID: made once per build, not per report).
  const std::string& carePlanId(const model::Forloeb& f) {
    auto it = carePlanIds_.find(&f);
    if (it == carePlanIds_.end())
      it = carePlanIds_.emplace(&f, ReportBuilder::resourceId(sor_, "CarePlan", f.resourceId)).first;
    return it->second;
  }

  // The forløb CarePlan; its codings not sent are said once per build.
  Value carePlanResource(const model::Forloeb& f, const std::string& cpid, Alloc& a) {
    const ValueSet& activity = data_.requireValueSet(kVsActivity);
    Value cp(rapidjson::kObjectType);
    cp.AddMember("resourceType", "CarePlan", a);
    cp.AddMember("id", sv(cpid, a), a);
    cp.AddMember("meta", meta(kProfileCarePlan, a), a);
    const auto [status, detailStatus] = planStatus(f.status);
    cp.AddMember("status", sv(status, a), a);
    cp.AddMember("intent", "plan", a);
    cp.AddMember("subject", ref("Patient/" + pid_, a), a);
    if (f.period.start || f.period.end) {
      Value per(rapidjson::kObjectType);
      if (f.period.start) per.AddMember("start", sv(f.period.start->text(), a), a);
      if (f.period.end) per.AddMember("end", sv(f.period.end->text(), a), a);
      cp.AddMember("period", per, a);
    }
    Value detail(rapidjson::kObjectType);
    const auto program = inSet(activity, f.programs);
    detail.AddMember("code", cc(program ? *program : model::Coding{kCscSystem, kLttProgramCode, ""}, a), a);
    if (planNoted_.insert(&f).second)  // a forløb is in several reports; its drops are said once
      DropNotes(notes_, f.display(), f.source.reference)
          .codings("LTT-CP-07", "activity.detail.code", f.programs, program, activity, "the LTT forløb code", never);
    Value reasons = focusAreas(f, a);
    if (!reasons.Empty()) detail.AddMember("reasonCode", reasons, a);
    detail.AddMember("status", sv(detailStatus, a), a);
    cp.AddMember("activity", activityOf(std::move(detail), a), a);
    return cp;
  }

  // reasonCode: the forløb's LTT Temaer, each once, with the IG's display.
  Value focusAreas(const model::Forloeb& f, Alloc& a) const {
    const ValueSet& focus = data_.requireValueSet(kVsFocus);
    Value reasons(rapidjson::kArrayType);
    std::set<std::string> seen;
    for (const model::Coding& fa : f.focusAreas) {
      const std::string* d = focus.display(fa.system, fa.code);
      if (!d) {
        if (notes_)
          notes_->withForloeb(f.display()).withPath(f.source.reference + ".activity.detail.reasonCode")
              .info("LTT-CP-08", "", "reasonCode " + fa.system + "#" + fa.code + " is not an LTT Tema; not sent");
        continue;
      }
      if (!seen.insert(fa.code).second) continue;
      reasons.PushBack(cc({fa.system, fa.code, *d}, a), a);
    }
    return reasons;
  }

  void addContact(Draft& draft, const model::Forloeb& f, const model::Contact& c, const std::string& cpid) const {
    const MappedContact m = mapContact(data_, c, DropNotes(notes_, f.display(), c.source.reference));
    const std::string eid = ReportBuilder::resourceId(sor_, "Encounter", c.resourceId);
    addEntry(draft, "Encounter", eid, encounterResource(c, m, eid, cpid, pid_, draft.doc->GetAllocator()),
             f.display());
    if (notes_ && !c.classCode.empty() && c.classCode != "AMB")
      notes_->withForloeb(f.display()).withPath(c.source.reference + ".class")
          .info("LTT-ENC-04", "", "Encounter.class '" + c.classCode + "' is reported as AMB, as the IG fixes it");
  }

  void addReferral(Draft& draft, const model::Forloeb& f, const model::Referral& r, const std::string& cpid) const {
    const ValueSet& referralVs = data_.requireValueSet(kVsReferral);
    const std::string rid = ReportBuilder::resourceId(sor_, "CarePlan", r.resourceId);
    auto code = inSet(referralVs, r.codes);
    if (!code && !r.codes.empty()) code = r.codes.front();  // 1..1: kept so that the validator names it (LTT-REF-07)
    DropNotes(notes_, f.display(), r.source.reference)
        .codings("LTT-REF-07", "activity.detail.code", r.codes, code, referralVs, "the LTT referral types", never);
    addEntry(draft, "CarePlan", rid, referralResource(r, code, rid, cpid, pid_, draft.doc->GetAllocator()),
             f.display());
  }

  // The Bundle around the entries: id from the content, timestamp the end of the day.
  static PlannedReport finish(Draft&& draft, const kl_gateway::ReportShape& shape, ReportBuilder::Body body) {
    PlannedReport rep = std::move(draft.rep);
    const kl_gateway::ReportIds ids = kl_gateway::finishReport(*draft.doc, std::move(draft.entries), rep.day, shape,
                                                               body != ReportBuilder::Body::kCheckOnly, kCheckOnlyId);
    rep.bundleId = ids.bundleId;
    rep.contentHash = ids.contentHash;
    if (body == ReportBuilder::Body::kSerialise) rep.body = toJson(*draft.doc);
    rep.doc = std::move(draft.doc);
    return rep;
  }

  const LttData& data_;
  const Settings& settings_;
  const engine::RunContext& ctx_;
  const model::Citizen& citizen_;
  const std::vector<const model::Forloeb*>& forloeb_;
  const diag::Reporter* notes_;
  const model::Date S_;     // LTT reporting starts
  const model::Date from_;  // first day reported: max(S, since)
  const model::Date to_;    // asOf
  const std::string sor_;
  const std::string pid_;
  std::vector<Dated> items_;
  std::map<const model::Forloeb*, std::set<int32_t>> planDays_;
  std::set<int32_t> days_;
  std::optional<int32_t> patientDay_;
  std::set<const model::Forloeb*> planNoted_;
  std::map<const model::Forloeb*, std::string> carePlanIds_;
};

}  // namespace

std::vector<PlannedReport> ReportBuilder::build(const model::Citizen& citizen,
                                                const std::vector<const model::Forloeb*>& forloeb,
                                                const diag::Reporter* notes, Body body) const {
  if (!citizen.cpr) return {};
  return CitizenReports(data_, settings_, ctx_, citizen, forloeb, notes).build(body);
}

kl_gateway::ReportShape reportShape(const Settings& s) {
  return {profileUrl(kProfileReport), profileUrl(kProfileIncremental), kIdNamespace, s.fullUrlBase, "collection|"};
}

std::string incrementalDelivery(const std::vector<const PlannedReport*>& reports, const std::string& timestamp,
                                const std::string& fullUrlBase) {
  std::vector<std::pair<std::string, const Value*>> wrapped;
  for (const PlannedReport* r : reports) wrapped.emplace_back(r->bundleId, r->doc.get());
  kl_gateway::ReportShape shape = reportShape(Settings{});
  shape.fullUrlBase = fullUrlBase;
  return kl_gateway::incrementalDelivery(wrapped, timestamp, shape);
}

}  // namespace reghub::ltt
