#include "adapters/ltt/report_builder.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <cctype>
#include <set>

#include "hub/util/hash.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

// Namespace of the hub's LTT name-based ids (RFC 4122 v5).
constexpr const char* kIdNamespace = "3c5e1f0a-8d7b-5e2a-9f41-6b2d0c8e7a13";

bool isUuid(const std::string& s) {  // lower-case canonical form
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isdigit(static_cast<unsigned char>(s[i])) && (s[i] < 'a' || s[i] > 'f')) return false;
  }
  return true;
}

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

// sha256 of `prefix` followed by the compact JSON of `v`, hashed straight
// from the writer's buffer.
std::string compactHash(std::string_view prefix, const Value& v) {
  rapidjson::StringBuffer sb;
  for (char c : prefix) sb.Put(c);
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return util::sha256Hex(std::string_view(sb.GetString(), sb.GetSize()));
}

// The coding of `codes` in value set `vs`, with the code system's display.
std::optional<model::Coding> inSet(const ValueSet& vs, const std::vector<model::Coding>& codes) {
  for (const model::Coding& c : codes)
    if (const std::string* d = vs.display(c.system, c.code)) return model::Coding{c.system, c.code, *d};
  return std::nullopt;
}

std::string endOfDayUtc(const model::Date& d) {
  const int64_t local = static_cast<int64_t>(d.days()) * 86400 + 86399;
  const int off = model::copenhagenOffsetSeconds(local - 3600);
  return model::DateTime::fromEpochSeconds(local - off).isoUtc();
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

std::string toJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

std::string ReportBuilder::resourceId(const std::string& sor, const std::string& type, const std::string& sourceId) {
  if (isUuid(sourceId)) return sourceId;
  return util::uuidV5(kIdNamespace, sor + "|" + type + "/" + sourceId);
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

std::vector<PlannedReport> ReportBuilder::build(const model::Citizen& citizen,
                                                const std::vector<const model::Forloeb*>& forloeb,
                                                const diag::Reporter* notes, Body body) const {
  std::vector<PlannedReport> out;
  if (!citizen.cpr) return out;
  const model::Date S = settings_.reportingStart;
  const model::Date from = ctx_.since && S < *ctx_.since ? *ctx_.since : S;
  const model::Date to = ctx_.asOf;

  std::string sor = citizen.managingOrganizationSor;
  for (const model::Forloeb* f : forloeb)
    if (sor.empty() && f->municipality && !f->municipality->sor.empty()) sor = f->municipality->sor;
  const std::string pid = resourceId(sor, "Patient", citizen.resourceId);

  struct Dated {
    const model::Forloeb* f;
    const model::Contact* c = nullptr;
    const model::Referral* r = nullptr;
    model::Date day;
  };
  // The day a resource is reported on: its change day when replaying
  // history; in a delta run, today for what is fresh and never for the rest
  // (it was delivered before).
  const auto reportDay = [&](const model::SourceRef& src, const std::optional<model::DateTime>& event) {
    if (!ctx_.delta) return changeDay(src, event);
    return src.fresh ? std::optional<model::Date>(to) : std::nullopt;
  };
  std::vector<Dated> items;
  std::map<const model::Forloeb*, std::set<int32_t>> planDays;
  std::set<int32_t> days;
  for (const model::Forloeb* f : forloeb) {
    const diag::Reporter* n = notes;
    for (const model::Contact& c : f->contacts) {
      const auto day = reportDay(c.source, c.start);
      if (!c.start || !day) continue;  // the validator reports the missing start via the model check
      if (c.start->copenhagenDate() < S) {  // LTT-PER-02: earlier contacts are never reported
        if (n)
          n->withForloeb(f->display())
              .withPath(c.source.reference)
              .info("LTT-PER-02", "",
                    "kontakt on " + c.start->copenhagenDate().iso() + " is before LTT reporting starts (" + S.iso() +
                        "); not reported");
        continue;
      }
      if (!contactReportableStatus(c.status)) {
        if (n)
          n->withForloeb(f->display())
              .withPath(c.source.reference)
              .info("LTT-ENC-06", "", "kontakt with status '" + c.status + "' is not reported until it is finished");
        continue;
      }
      items.push_back({f, &c, nullptr, *day});
      days.insert(day->days());
    }
    for (const model::Referral& r : f->referrals) {
      const auto day = reportDay(r.source, r.start);
      if (!r.start || !day || r.start->copenhagenDate() < S) continue;  // LTT-PER-04
      items.push_back({f, nullptr, &r, *day});
      days.insert(day->days());
    }
    if (ctx_.delta) {
      if (f->source.fresh) planDays[f].insert(to.days());
    } else if (f->source.lastUpdated) {
      planDays[f].insert(f->source.lastUpdated->copenhagenDate().days());
    } else {
      if (f->period.start) planDays[f].insert(f->period.start->copenhagenDate().days());
      if (f->period.end) planDays[f].insert(f->period.end->copenhagenDate().days());
    }
  }
  // A changed forløb is reported on its own once it is in the reporting period.
  auto planInScopeOn = [&](const model::Forloeb* f, int32_t d) {
    if (f->period.start && !(f->period.start->copenhagenDate() < S)) return true;
    if (f->period.end && !(f->period.end->copenhagenDate() < S)) return true;
    for (const Dated& it : items)
      if (it.f == f && it.day.days() <= d) return true;
    return false;
  };
  for (const auto& [f, ds] : planDays)
    for (int32_t d : ds)
      if (planInScopeOn(f, d)) days.insert(d);
  std::optional<int32_t> patientDay;
  if (ctx_.delta) {
    // A changed Patient alone (e.g. active false) is that citizen's report,
    // once the citizen has been in scope.
    if (citizen.source.fresh)
      for (const model::Forloeb* f : forloeb)
        if (planInScopeOn(f, to.days())) {
          patientDay = to.days();
          days.insert(*patientDay);
          break;
        }
  } else if (citizen.source.lastUpdated) {
    patientDay = citizen.source.lastUpdated->copenhagenDate().days();
  }
  if (patientDay && !ctx_.delta) {
    for (const Dated& it : items)
      if (it.day.days() < *patientDay) {
        days.insert(*patientDay);
        break;
      }
  }

  const ValueSet& activity = data_.requireValueSet(kVsActivity);
  const ValueSet& focus = data_.requireValueSet(kVsFocus);
  const ValueSet& referralVs = data_.requireValueSet(kVsReferral);
  const std::string base = settings_.fullUrlBase;
  std::set<const model::Forloeb*> planNoted;  // a forløb is in several reports; its drops are said once

  for (int32_t dnum : days) {
    const model::Date D = model::Date::fromDays(dnum);
    if (D < from || to < D) continue;
    std::vector<const model::Forloeb*> plans;
    auto addPlan = [&](const model::Forloeb* f) {
      if (std::find(plans.begin(), plans.end(), f) == plans.end()) plans.push_back(f);
    };
    for (const model::Forloeb* f : forloeb) {
      bool include = planDays[f].count(dnum) && planInScopeOn(f, dnum);
      for (const Dated& it : items)
        if (it.f == f && it.day == D) include = true;
      if (include) addPlan(f);
    }
    const bool patientChanged = patientDay && *patientDay == dnum;
    if (plans.empty() && !patientChanged) continue;

    auto doc = std::make_shared<rapidjson::Document>();
    Alloc& a = doc->GetAllocator();
    PlannedReport rep;
    rep.day = D;
    Value entries(rapidjson::kArrayType);
    auto addEntry = [&](const std::string& type, const std::string& id, Value&& res, const std::string& forloebDisplay) {
      Value e(rapidjson::kObjectType);
      e.AddMember("fullUrl", sv(base + "/" + type + "/" + id, a), a);
      e.AddMember("resource", res, a);
      entries.PushBack(e, a);
      rep.entryForloeb.push_back(forloebDisplay);
    };
    {
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
      addEntry("Patient", pid, std::move(p), "");
    }
    for (const model::Forloeb* f : plans) {
      rep.forloebKeys.push_back(f->key);
      const std::string cpid = resourceId(sor, "CarePlan", f->resourceId);
      {
        Value cp(rapidjson::kObjectType);
        cp.AddMember("resourceType", "CarePlan", a);
        cp.AddMember("id", sv(cpid, a), a);
        cp.AddMember("meta", meta(kProfileCarePlan, a), a);
        const auto [status, detailStatus] = planStatus(f->status);
        cp.AddMember("status", sv(status, a), a);
        cp.AddMember("intent", "plan", a);
        cp.AddMember("subject", ref("Patient/" + pid, a), a);
        if (f->period.start || f->period.end) {
          Value per(rapidjson::kObjectType);
          if (f->period.start) per.AddMember("start", sv(f->period.start->text(), a), a);
          if (f->period.end) per.AddMember("end", sv(f->period.end->text(), a), a);
          cp.AddMember("period", per, a);
        }
        Value detail(rapidjson::kObjectType);
        const auto program = inSet(activity, f->programs);
        detail.AddMember("code", cc(program ? *program : model::Coding{kCscSystem, kLttProgramCode, ""}, a), a);
        if (planNoted.insert(f).second)
          DropNotes(notes, f->display(), f->source.reference)
              .codings("LTT-CP-07", "activity.detail.code", f->programs, program, activity, "the LTT forløb code", never);
        Value reasons(rapidjson::kArrayType);
        std::set<std::string> seen;
        for (const model::Coding& fa : f->focusAreas) {
          const std::string* d = focus.display(fa.system, fa.code);
          if (!d) {
            if (notes)
              notes->withForloeb(f->display()).withPath(f->source.reference + ".activity.detail.reasonCode")
                  .info("LTT-CP-08", "", "reasonCode " + fa.system + "#" + fa.code + " is not an LTT Tema; not sent");
            continue;
          }
          if (!seen.insert(fa.code).second) continue;
          reasons.PushBack(cc({fa.system, fa.code, *d}, a), a);
        }
        if (!reasons.Empty()) detail.AddMember("reasonCode", reasons, a);
        detail.AddMember("status", sv(detailStatus, a), a);
        Value act(rapidjson::kObjectType), acts(rapidjson::kArrayType);
        act.AddMember("detail", detail, a);
        acts.PushBack(act, a);
        cp.AddMember("activity", acts, a);
        addEntry("CarePlan", cpid, std::move(cp), f->display());
      }
      std::vector<const Dated*> todays;
      for (const Dated& it : items)
        if (it.f == f && it.day == D) todays.push_back(&it);
      std::stable_sort(todays.begin(), todays.end(), [](const Dated* x, const Dated* y) {
        if ((x->c != nullptr) != (y->c != nullptr)) return x->c != nullptr;  // contacts before henvisninger
        const auto& sx = x->c ? x->c->start : x->r->start;
        const auto& sy = y->c ? y->c->start : y->r->start;
        return *sx < *sy;
      });
      for (const Dated* it : todays) {
        if (it->c) {
          const model::Contact& c = *it->c;
          const MappedContact m = mapContact(data_, c, DropNotes(notes, f->display(), c.source.reference));
          const std::string eid = resourceId(sor, "Encounter", c.resourceId);
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
          Value per(rapidjson::kObjectType);
          per.AddMember("start", sv(c.start->text(), a), a);
          e.AddMember("period", per, a);
          addEntry("Encounter", eid, std::move(e), f->display());
          if (notes && !c.classCode.empty() && c.classCode != "AMB")
            notes->withForloeb(f->display()).withPath(c.source.reference + ".class")
                .info("LTT-ENC-04", "", "Encounter.class '" + c.classCode + "' is reported as AMB, as the IG fixes it");
        } else {
          const model::Referral& r = *it->r;
          const std::string rid = resourceId(sor, "CarePlan", r.resourceId);
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
          Value per(rapidjson::kObjectType);
          per.AddMember("start", sv(r.start->text(), a), a);
          rp.AddMember("period", per, a);
          Value detail(rapidjson::kObjectType);
          auto code = inSet(referralVs, r.codes);
          if (!code && !r.codes.empty()) code = r.codes.front();  // 1..1: kept so that the validator names it (LTT-REF-07)
          if (code) detail.AddMember("code", cc(*code, a), a);
          DropNotes(notes, f->display(), r.source.reference)
              .codings("LTT-REF-07", "activity.detail.code", r.codes, code, referralVs, "the LTT referral types", never);
          detail.AddMember("status", "completed", a);
          Value act(rapidjson::kObjectType), acts(rapidjson::kArrayType);
          act.AddMember("detail", detail, a);
          acts.PushBack(act, a);
          rp.AddMember("activity", acts, a);
          addEntry("CarePlan", rid, std::move(rp), f->display());
        }
      }
    }
    rep.contentHash = compactHash("collection|", entries);
    rep.bundleId = util::uuidV5(kIdNamespace, "DeliveryReport|" + rep.contentHash);
    doc->SetObject();
    doc->AddMember("resourceType", "Bundle", a);
    doc->AddMember("id", sv(rep.bundleId, a), a);
    doc->AddMember("meta", meta(kProfileReport, a), a);
    doc->AddMember("type", "collection", a);
    doc->AddMember("timestamp", sv(endOfDayUtc(D), a), a);
    doc->AddMember("entry", entries, a);
    if (body == Body::kSerialise) rep.body = toJson(*doc);
    rep.doc = std::move(doc);
    out.push_back(std::move(rep));
  }
  return out;
}

std::string deliveryTimestamp(const model::Date& d) { return endOfDayUtc(d); }

std::string incrementalDelivery(const std::vector<const PlannedReport*>& reports, const std::string& timestamp,
                                const std::string& fullUrlBase) {
  rapidjson::Document doc;
  Alloc& a = doc.GetAllocator();
  std::string ids;
  for (const PlannedReport* r : reports) ids += r->bundleId + ",";
  doc.SetObject();
  doc.AddMember("resourceType", "Bundle", a);
  doc.AddMember("id", sv(util::uuidV5(kIdNamespace, "IncrementalDelivery|" + ids), a), a);
  doc.AddMember("meta", meta(kProfileIncremental, a), a);
  doc.AddMember("type", "collection", a);
  doc.AddMember("timestamp", sv(timestamp, a), a);
  Value entries(rapidjson::kArrayType);
  for (const PlannedReport* r : reports) {
    Value e(rapidjson::kObjectType);
    e.AddMember("fullUrl", sv(fullUrlBase + "/Bundle/" + r->bundleId, a), a);
    e.AddMember("resource", Value(*r->doc, a), a);
    entries.PushBack(e, a);
  }
  if (!entries.Empty()) doc.AddMember("entry", entries, a);
  return toJson(doc);
}

}  // namespace reghub::ltt
