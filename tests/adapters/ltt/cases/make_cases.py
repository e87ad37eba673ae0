#!/usr/bin/env python3
"""Writes the LTT rule case folders (bundle cases) from one valid base report.

Each case: a mutation of the base DeliveryReport (or IncrementalDelivery) and
the diagnostics a correct validator must give, stated here by hand from
RULES.md — not captured from the implementation. Run from this folder:
    python3 make_cases.py
Hand-written cases (inbound data) live in folders this script does not touch.
"""
import copy, json, os, shutil

BASE = "http://fhir.kl.dk/ltt/StructureDefinition/"
CSC = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes"
LTT = "http://fhir.kl.dk/term/CodeSystem/LTT"
FU = "https://test.fhir.dk/"

def base_report():
    return {
      "resourceType": "Bundle", "id": "8f0c2a52-3d0e-5b7e-9a57-2d4c0f6b1e01",
      "meta": {"profile": [BASE + "klgateway-ltt-delivery-report"]},
      "type": "collection", "timestamp": "2026-05-14T23:45:51Z",
      "entry": [
        {"fullUrl": FU + "Patient/p1", "resource": {
          "resourceType": "Patient", "id": "p1", "meta": {"profile": [BASE + "klgateway-ltt-citizen"]},
          "identifier": [{"use": "official", "system": "urn:oid:1.2.208.176.1.2", "value": "0505149996"}],
          "active": True,
          "managingOrganization": {"identifier": {"use": "official", "system": "urn:oid:1.2.208.176.1.1", "value": "451000016003"}}}},
        {"fullUrl": FU + "CarePlan/cp1", "resource": {
          "resourceType": "CarePlan", "id": "cp1", "meta": {"profile": [BASE + "klgateway-ltt-care-plan"]},
          "status": "active", "intent": "plan", "subject": {"reference": "Patient/p1"},
          "period": {"start": "2026-04-10T09:12:05Z"},
          "activity": [{"detail": {
            "code": {"coding": [{"system": CSC, "code": "01302bcb-c7f3-42c4-8ded-68e33da064eb", "display": "Lettilgængelige tilbud til børn og unge i psykisk mistrivsel"}]},
            "reasonCode": [{"coding": [{"system": LTT, "code": "bf4df811-805a-4309-8394-7d9ea31b8af7", "display": "Krop og mad"}]}],
            "status": "in-progress"}}]}},
        {"fullUrl": FU + "Encounter/e1", "resource": {
          "resourceType": "Encounter", "id": "e1", "meta": {"profile": [BASE + "klgateway-ltt-encounter"]},
          "extension": [
            {"url": BASE + "klgateway-ltt-encounter-based-on-care-plan", "valueReference": {"reference": "CarePlan/cp1"}},
            {"url": BASE + "klgateway-ltt-encounter-delivery-type", "valueCodeableConcept": {"coding": [{"system": CSC, "code": "8d12d74c-17da-47a7-a4fe-e69dbaec0a8c", "display": "Individuel indsats"}]}}],
          "status": "finished",
          "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"},
          "type": [{"coding": [{"system": LTT, "code": "b7f9217c-2315-4d6f-bba5-5117e202302c", "display": "Behandling"}]}],
          "subject": {"reference": "Patient/p1"},
          "participant": [{"type": [{"coding": [{"system": CSC, "code": "ca228a58-bd0e-4b0e-81ce-3866adc26535", "display": "Barn/ung deltager"}]}]}],
          "period": {"start": "2026-05-14T13:28:17Z"}}},
        {"fullUrl": FU + "CarePlan/r1", "resource": {
          "resourceType": "CarePlan", "id": "r1", "meta": {"profile": [BASE + "klgateway-ltt-referral"]},
          "basedOn": [{"reference": "CarePlan/cp1"}],
          "status": "completed", "intent": "plan", "subject": {"reference": "Patient/p1"},
          "period": {"start": "2026-05-14T14:28:17Z"},
          "activity": [{"detail": {"code": {"coding": [{"system": LTT, "code": "f3d5cb7b-e059-4fbc-9514-a53299c2e3cf", "display": "Civilsamfund"}]}, "status": "completed"}}]}},
      ]}

def res(b, i): return b["entry"][i]["resource"]
P, CP, ENC, REF = 0, 1, 2, 3

def incremental(reports):
    return {"resourceType": "Bundle", "id": "2b3c4d5e-0000-5000-8000-000000000001",
            "meta": {"profile": [BASE + "klgateway-ltt-incremental-delivery"]},
            "type": "collection", "timestamp": "2026-05-15T03:00:00Z",
            "entry": [{"fullUrl": FU + "Bundle/" + r["id"], "resource": r} for r in reports]}

cases = []
def case(name, desc, mutate=None, expect=(), wrap=False, alias=None):
    b = base_report()
    if mutate:
        r = mutate(b)
        if isinstance(r, dict) and "resourceType" in r: b = r
    if wrap: b = incremental([b]) if not callable(wrap) else wrap(b)
    cases.append((name, desc, b, list(expect), alias))

def E(rule, path=None): return ("error", rule, path)
def W(rule, path=None): return ("warning", rule, path)

def setp(i, key, val):
    def f(b): res(b, i)[key] = val
    return f
def delp(i, *keys):
    def f(b):
        o = res(b, i)
        for k in keys[:-1]: o = o[k]
        del o[keys[-1]]
    return f
def chain(*fs):
    def f(b):
        for g in fs: g(b)
        return b
    return f

# ---- core
case("LTT-CORE-01__break_unknown_element", "an element R4 does not define (Patient.foo) is rejected",
     setp(P, "foo", 1), [E("LTT-CORE-01", "entry[0].resource.foo")])
case("LTT-CORE-01__break_instant_format", "Bundle.timestamp must be an instant with time and zone, not a date",
     lambda b: b.update(timestamp="2026-05-14"), [E("LTT-CORE-01", ".timestamp")])
case("LTT-CORE-01__break_required_core_binding", "Encounter.status outside the required R4 code list",
     setp(ENC, "status", "done"), [E("LTT-CORE-01", "entry[2].resource.status"), W("LTT-ENC-06")])
case("LTT-CORE-01__break_bad_id", "Resource.id must match [A-Za-z0-9-.]{1,64}",
     setp(ENC, "id", "e_1"), [E("LTT-CORE-01", "entry[2].resource.id")])
case("LTT-CORE-01__keep_valid_report", "a complete valid report has no core problem")
case("LTT-CORE-02__break_per1", "per-1: CarePlan.period.end before period.start",
     setp(CP, "period", {"start": "2026-04-10T09:12:05Z", "end": "2026-04-01T09:00:00Z"}), [E("LTT-CORE-02", "entry[1].resource.period")])
case("LTT-CORE-02__break_bdl7", "bdl-7: two entries share one fullUrl",
     lambda b: b["entry"][2].update(fullUrl=FU + "CarePlan/r1"), [E("LTT-CORE-02", "entry[3].fullUrl")])
case("LTT-CORE-02__break_ele1", "ele-1: an empty object carries no value",
     setp(CP, "subject", {}), [E("LTT-CORE-02", "entry[1].resource.subject"), E("LTT-DR-07")])
case("LTT-CORE-02__keep_valid_report", "a complete valid report keeps every R4 invariant")
# ---- delivery report
case("LTT-DR-01__break_type", "Bundle.type must be collection",
     lambda b: b.update(type="searchset"), [E("LTT-DR-01", ".type")])
case("LTT-DR-01__keep_collection", "Bundle.type collection")
case("LTT-DR-02__break_no_timestamp", "Bundle.timestamp is required",
     lambda b: b.pop("timestamp"), [E("LTT-DR-02")])
case("LTT-DR-02__keep_timestamp", "Bundle.timestamp present")
case("LTT-DR-03__break_identifier", "Bundle.identifier is not allowed",
     lambda b: b.update(identifier={"system": "urn:ietf:rfc:3986", "value": "urn:uuid:8f0c2a52-3d0e-5b7e-9a57-2d4c0f6b1e01"}), [E("LTT-DR-03", ".identifier")])
case("LTT-DR-03__keep_no_identifier", "no identifier, total, link or signature")
case("LTT-DR-04__break_entry_request", "entry.request is not allowed (also bdl-3 for a collection)",
     lambda b: b["entry"][0].update(request={"method": "PUT", "url": "Patient/p1"}), [E("LTT-DR-04", "entry[0].request"), E("LTT-CORE-02")])
case("LTT-DR-04__break_no_entries", "a report needs at least one entry (and so its citizen)",
     lambda b: b.pop("entry"), [E("LTT-DR-04"), E("LTT-DR-06")] if False else [E("LTT-DR-04")])
case("LTT-DR-04__keep_entries", "entries with a resource each")
case("LTT-DR-05__break_observation", "only Patient, CarePlan and Encounter may be reported",
     lambda b: b["entry"].append({"fullUrl": FU + "Observation/o1", "resource": {"resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "x"}}}),
     [E("LTT-DR-05", "entry[4].resource")])
case("LTT-DR-05__break_wrong_profile", "an Encounter that declares the citizen profile",
     setp(ENC, "meta", {"profile": [BASE + "klgateway-ltt-citizen"]}), [E("LTT-DR-05", "entry[2].resource.meta.profile")])
case("LTT-DR-05__keep_allowed_types", "Patient, CarePlan (forløb, henvisning) and Encounter only")
def two_patients(b):
    p2 = copy.deepcopy(b["entry"][0]); p2["fullUrl"] = FU + "Patient/p2"; p2["resource"]["id"] = "p2"
    p2["resource"]["identifier"][0]["value"] = "0606159996"
    b["entry"].append(p2)
case("LTT-DR-06__break_two_citizens", "exactly one Patient per report", two_patients, [E("LTT-DR-06")])
case("LTT-DR-06__break_no_citizen", "a report without its citizen",
     lambda b: b.update(entry=b["entry"][1:]), [E("LTT-DR-06"), E("LTT-DR-07"), E("LTT-DR-07"), E("LTT-DR-07")])
case("LTT-DR-06__keep_one_citizen", "one Patient")
def dangling(b):
    res(b, ENC)["extension"][0]["valueReference"]["reference"] = "CarePlan/unknown"
case("LTT-DR-07__break_plan_not_in_report", "the contact's forløb must be in the same report", dangling,
     [E("LTT-DR-07", "entry[2].resource.extension[0].valueReference")])
case("LTT-DR-07__break_subject_elsewhere", "subject must be the report's citizen",
     lambda b: res(b, REF).update(subject={"reference": "Patient/other"}), [E("LTT-DR-07", "entry[3].resource.subject")])
case("LTT-DR-07__break_referral_based_on_referral", "a henvisning must be based on a forløb, not on another henvisning",
     lambda b: res(b, REF).update(basedOn=[{"reference": "CarePlan/r1"}]), [E("LTT-DR-07", "entry[3].resource.basedOn[0]")])
case("LTT-DR-07__keep_references_resolve", "all references resolve inside the report")
case("LTT-DR-07__keep_absolute_fullurl_reference", "a reference may be the entry's absolute fullUrl",
     lambda b: res(b, ENC).update(subject={"reference": FU + "Patient/p1"}))
case("LTT-DR-08__break_careplan_other_profile", "a CarePlan must be a forløb or a henvisning",
     setp(CP, "meta", {"profile": ["http://example.org/StructureDefinition/other-careplan"]}), [E("LTT-DR-08", "entry[1].resource.meta.profile")])
case("LTT-DR-08__keep_profiles", "forløb and henvisning declare their profiles")
case("LTT-DR-08__keep_no_profile_basedon_decides", "without meta.profile, basedOn tells a henvisning from a forløb",
     chain(delp(CP, "meta"), delp(REF, "meta")))
# ---- incremental delivery
case("LTT-ID-01__break_type", "IncrementalDelivery.type must be collection",
     wrap=lambda b: dict(incremental([b]), type="searchset"), expect=[E("LTT-ID-01")])
case("LTT-ID-01__keep_collection", "a valid IncrementalDelivery", wrap=True)
case("LTT-ID-02__break_no_timestamp", "IncrementalDelivery.timestamp is required",
     wrap=lambda b: {k: v for k, v in incremental([b]).items() if k != "timestamp"}, expect=[E("LTT-ID-02")])
case("LTT-ID-02__keep_timestamp", "timestamp present", wrap=True)
case("LTT-ID-03__break_identifier", "IncrementalDelivery.identifier is not allowed",
     wrap=lambda b: dict(incremental([b]), identifier={"system": "urn:ietf:rfc:3986", "value": "urn:uuid:2b3c4d5e-0000-5000-8000-000000000001"}), expect=[E("LTT-ID-03")])
case("LTT-ID-03__keep_no_identifier", "no identifier", wrap=True)
def id_request(b):
    w = incremental([b]); w["entry"][0]["request"] = {"method": "PUT", "url": "Bundle/x"}; return w
case("LTT-ID-04__break_entry_request", "entry.request is not allowed (also bdl-3)", wrap=id_request, expect=[E("LTT-ID-04"), E("LTT-CORE-02")])
case("LTT-ID-04__keep_empty", "an IncrementalDelivery may be empty", wrap=lambda b: dict(incremental([]), entry=[]) if False else {k: v for k, v in incremental([]).items() if k != "entry"})
case("LTT-ID-04__keep_entry_link_allowed", "entry.link is not prohibited in an IncrementalDelivery",
     wrap=lambda b: (lambda w: (w["entry"][0].update(link=[{"relation": "self", "url": FU + "Bundle/x"}]), w)[1])(incremental([b])))
case("LTT-ID-05__break_patient_entry", "an IncrementalDelivery holds only DeliveryReports",
     wrap=lambda b: incremental([b["entry"][0]["resource"]]), expect=[E("LTT-ID-05")])
case("LTT-ID-05__break_nested_report_invalid", "every nested report passes the report rules",
     mutate=setp(CP, "intent", "order"), wrap=True, expect=[E("LTT-CP-02")], alias="LTT-ID-05 applies the nested report's rules: the error is LTT-CP-02 inside the nested report")
case("LTT-ID-05__keep_reports", "nested DeliveryReports", wrap=True)
# ---- citizen
case("LTT-CIT-01__break_no_identifier", "the citizen needs exactly one identifier, the CPR",
     delp(P, "identifier"), [E("LTT-CIT-01"), E("LTT-CIT-01")])
case("LTT-CIT-01__keep_cpr", "one CPR identifier")
case("LTT-CIT-02__break_use", "the CPR identifier's use is fixed to official",
     lambda b: res(b, P)["identifier"][0].update(use="usual"), [E("LTT-CIT-02", "identifier[0].use")])
case("LTT-CIT-02__break_too_long", "CPR value maxLength 10",
     lambda b: res(b, P)["identifier"][0].update(value="05051499961"), [E("LTT-CIT-02"), E("LTT-CIT-04"), E("LTT-CIT-05")])
case("LTT-CIT-02__keep_official", "use official, value 10 digits")
case("LTT-CIT-03__break_x_ecpr", "an X-eCPR identifier is not allowed",
     lambda b: res(b, P)["identifier"].append({"use": "temp", "system": "urn:oid:1.2.208.176.1.6.1.1", "value": "0505140X01"}),
     [E("LTT-CIT-03"), E("LTT-CIT-01")])
case("LTT-CIT-03__keep_cpr_only", "no eCPR identifiers")
case("LTT-CIT-04__break_replacement_cpr", "an erstatnings-CPR (day 65) fails DK-core's cpr invariant although SDS would accept it",
     lambda b: res(b, P)["identifier"][0].update(value="6505149996"), [E("LTT-CIT-04", "identifier[0].value")])
case("LTT-CIT-04__break_hyphen", "CPR with a hyphen",
     lambda b: res(b, P)["identifier"][0].update(value="050514-999"), [E("LTT-CIT-04"), E("LTT-CIT-05")])
case("LTT-CIT-04__keep_feb29", "29 February is always accepted by the regex (0502 day 29)",
     lambda b: res(b, P)["identifier"][0].update(value="2902129996"))
case("LTT-CIT-05__break_future_birth", "a CPR whose birth date (2027) is after the report date",
     lambda b: res(b, P)["identifier"][0].update(value="0505279996"), [E("LTT-CIT-05")])
case("LTT-CIT-05__keep_plausible", "a plausible CPR")
case("LTT-SEI-01__break_cpr_receipt", "SEI-01 is CIT-05 on receipt: a birth date in the future",
     lambda b: res(b, P)["identifier"][0].update(value="0505279996"), [E("LTT-CIT-05")], alias="LTT-SEI-01 = LTT-CIT-05 (+ the offline-uncheckable SOR part of LTT-CIT-08)")
case("LTT-SEI-01__keep_plausible", "plausible CPR and SOR")
case("LTT-CIT-06__break_no_active", "Patient.active is required", delp(P, "active"), [E("LTT-CIT-06")])
case("LTT-CIT-06__keep_inactive", "active=false (entered in error) is allowed", setp(P, "active", False))
case("LTT-CIT-07__break_org_reference", "managingOrganization is by SOR identifier only",
     lambda b: res(b, P)["managingOrganization"].update(reference="Organization/o1"), [E("LTT-CIT-07", "managingOrganization.reference")])
case("LTT-CIT-07__break_no_org", "managingOrganization is required", delp(P, "managingOrganization"), [E("LTT-CIT-07")])
case("LTT-CIT-07__keep_sor_identifier", "SOR identifier only")
case("LTT-CIT-08__break_short_sor", "SOR code with fewer than 11 digits",
     lambda b: res(b, P)["managingOrganization"]["identifier"].update(value="4510000160"), [E("LTT-CIT-08")])
case("LTT-CIT-08__keep_sor", "12-digit SOR code")
case("LTT-CIT-09__break_name", "names are never reported",
     setp(P, "name", [{"use": "official", "family": "Hansen", "given": ["Josefine"]}]), [E("LTT-CIT-09", "entry[0].resource.name")])
case("LTT-CIT-09__break_gender", "gender is not reported", setp(P, "gender", "female"), [E("LTT-CIT-09")])
case("LTT-CIT-09__keep_minimal", "no personal details beyond the CPR")
case("LTT-CIT-10__break_p_and_a", "maritalStatus with both P and A (also 0..0 by CIT-09)",
     setp(P, "maritalStatus", {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "P"}, {"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "A"}]}),
     [W("LTT-CIT-10"), E("LTT-CIT-09")])
case("LTT-CIT-10__keep_no_marital_status", "no maritalStatus")
# ---- care plan
def completed_no_end(b):
    res(b, CP)["status"] = "completed"; res(b, CP)["activity"][0]["detail"]["status"] = "completed"
case("LTT-CP-01__break_completed_without_end", "a completed forløb needs period.end", completed_no_end, [E("LTT-CP-01")])
def completed_with_end(b):
    completed_no_end(b); res(b, CP)["period"]["end"] = "2026-05-14T15:00:00Z"
case("LTT-CP-01__keep_completed_with_end", "completed with period.end", completed_with_end)
case("LTT-CP-02__break_intent", "CarePlan.intent must be plan", setp(CP, "intent", "order"), [E("LTT-CP-02", "entry[1].resource.intent")])
case("LTT-CP-02__keep_plan", "intent plan")
case("LTT-CP-03__break_on_hold", "CarePlan.status on-hold is not one the IG uses", setp(CP, "status", "on-hold"), [W("LTT-CP-03")])
case("LTT-CP-03__keep_active", "status active")
case("LTT-CP-04__break_no_subject", "CarePlan.subject is required (also R4 1..1)", delp(CP, "subject"), [E("LTT-CP-04"), E("LTT-CORE-01")])
case("LTT-CP-04__keep_subject", "subject present")
case("LTT-CP-05__break_no_period", "CarePlan.period is required", delp(CP, "period"), [E("LTT-CP-05")])
case("LTT-CP-05__break_no_start", "CarePlan.period.start is required", setp(CP, "period", {"end": "2026-05-20T10:00:00Z"}), [E("LTT-CP-05")])
case("LTT-CP-05__keep_period", "period.start present")
case("LTT-CP-06__break_progress", "activity.progress is not allowed",
     lambda b: res(b, CP)["activity"][0].update(progress=[{"text": "godt i gang"}]), [E("LTT-CP-06")])
case("LTT-CP-06__break_two_activities", "exactly one activity",
     lambda b: res(b, CP)["activity"].append(copy.deepcopy(res(b, CP)["activity"][0])), [E("LTT-CP-06")])
case("LTT-CP-06__keep_one_activity", "one activity with detail")
case("LTT-CP-07__break_display", "the activity code's display is part of the pattern",
     lambda b: res(b, CP)["activity"][0]["detail"]["code"]["coding"][0].update(display="Lettilgængelige tilbud"), [E("LTT-CP-07"), W("LTT-TERM-01")])
case("LTT-CP-07__break_text", "activity.detail.code.text is not allowed",
     lambda b: res(b, CP)["activity"][0]["detail"]["code"].update(text="LTT"), [E("LTT-CP-07")])
case("LTT-CP-07__keep_pattern", "system, code and display as the pattern says")
case("LTT-CP-08__break_not_a_tema", "reasonCode outside the focus-area value set",
     lambda b: res(b, CP)["activity"][0]["detail"]["reasonCode"][0]["coding"][0].update(code="b7f9217c-2315-4d6f-bba5-5117e202302c", display="Behandling"), [E("LTT-CP-08")])
case("LTT-CP-08__keep_tema", "reasonCode Krop og mad")
case("LTT-CP-09__break_cancelled", "activity.detail.status cancelled is not one the IG uses",
     lambda b: res(b, CP)["activity"][0]["detail"].update(status="cancelled"), [W("LTT-CP-09")])
case("LTT-CP-09__break_misaligned", "activity.detail.status completed while the forløb is active",
     lambda b: res(b, CP)["activity"][0]["detail"].update(status="completed"), [W("LTT-CP-09")])
case("LTT-CP-09__keep_in_progress", "in-progress with an active forløb")
case("LTT-CP-10__break_title", "CarePlan.title is not allowed", setp(CP, "title", "Josefines forløb"), [E("LTT-CP-10", "entry[1].resource.title")])
case("LTT-CP-10__break_note", "CarePlan.note (free text) is not allowed", setp(CP, "note", [{"text": "fri tekst"}]), [E("LTT-CP-10")])
case("LTT-CP-10__keep_identifier_allowed", "CarePlan.identifier is not constrained for the forløb",
     setp(CP, "identifier", [{"system": "urn:kommune:forloeb", "value": "F-1"}]))
# ---- referral
case("LTT-REF-01__break_no_based_on", "a henvisning needs basedOn its forløb", delp(REF, "basedOn"), [E("LTT-REF-01")])
case("LTT-REF-01__keep_based_on", "basedOn the forløb")
case("LTT-REF-02__break_intent", "henvisning intent must be plan", setp(REF, "intent", "proposal"), [E("LTT-REF-02")])
case("LTT-REF-02__keep_plan", "intent plan")
case("LTT-REF-03__break_active", "henvisning status active is not one the IG uses", setp(REF, "status", "active"), [W("LTT-REF-03")])
case("LTT-REF-03__keep_completed", "status completed")
case("LTT-REF-04__break_no_subject", "henvisning subject is required", delp(REF, "subject"), [E("LTT-REF-04"), E("LTT-CORE-01")])
case("LTT-REF-04__keep_subject", "subject present")
case("LTT-REF-05__break_end", "a henvisning has no period.end",
     lambda b: res(b, REF)["period"].update(end="2026-05-20T10:00:00Z"), [E("LTT-REF-05")])
case("LTT-REF-05__keep_start_only", "period.start only")
case("LTT-REF-06__break_progress", "henvisning activity.progress is not allowed",
     lambda b: res(b, REF)["activity"][0].update(progress=[{"text": "x"}]), [E("LTT-REF-06")])
case("LTT-REF-06__keep_detail", "one activity with detail")
case("LTT-REF-07__break_code", "henvisning code outside fkgateway-ltt-type-of-referral",
     lambda b: res(b, REF)["activity"][0]["detail"]["code"]["coding"][0].update(code="01302bcb-c7f3-42c4-8ded-68e33da064eb", system=CSC), [E("LTT-REF-07")])
case("LTT-REF-07__keep_code", "code Civilsamfund")
case("LTT-REF-08__break_status", "henvisning activity.detail.status must be completed",
     lambda b: res(b, REF)["activity"][0]["detail"].update(status="in-progress"), [E("LTT-REF-08")])
case("LTT-REF-08__keep_completed", "detail.status completed")
case("LTT-REF-09__break_identifier", "a henvisning has no identifier",
     setp(REF, "identifier", [{"system": "urn:kommune:henvisning", "value": "H-1"}]), [E("LTT-REF-09")])
case("LTT-REF-09__break_reason_code", "a henvisning has no reasonCode",
     lambda b: res(b, REF)["activity"][0]["detail"].update(reasonCode=[{"coding": [{"system": LTT, "code": "bf4df811-805a-4309-8394-7d9ea31b8af7"}]}]), [E("LTT-REF-09")])
case("LTT-REF-09__keep_minimal", "no identifier, no reasonCode")
case("LTT-REF-10__break_end_on_referral", "the end-time rule is not applied to a henvisning; giving it an end is the mistake",
     lambda b: res(b, REF)["period"].update(end="2026-05-20T10:00:00Z"), [E("LTT-REF-05")], alias="LTT-REF-10 has no violation of its own; a henvisning with an end is reported as LTT-REF-05")
case("LTT-REF-10__keep_completed_without_end", "a completed henvisning without period.end does not get LTT-CP-01")
# ---- encounter
case("LTT-ENC-01__break_behandling_without_participant", "Behandling needs participant.type and deliveryType",
     delp(ENC, "participant"), [E("LTT-ENC-01")])
case("LTT-ENC-01__break_behandling_without_delivery_type", "Behandling needs the deliveryType extension",
     lambda b: res(b, ENC).update(extension=res(b, ENC)["extension"][:1]), [E("LTT-ENC-01")])
def screening(b):
    e = res(b, ENC); e["type"][0]["coding"][0].update(code="404665f4-3488-4225-953e-3f1c5a061829", display="Screening")
    del e["participant"]; e["extension"] = e["extension"][:1]
case("LTT-ENC-01__keep_screening_without_participant", "other contact types need neither", screening)
case("LTT-ENC-01__keep_behandling_complete", "Behandling with participant and deliveryType")
case("LTT-ENC-02__break_no_based_on", "a contact needs its basedOnCarePlan extension",
     lambda b: res(b, ENC).update(extension=res(b, ENC)["extension"][1:]), [E("LTT-ENC-02")])
case("LTT-ENC-02__keep_based_on", "basedOnCarePlan present")
case("LTT-ENC-03__break_code", "deliveryType code outside fkgateway-ltt-type-of-delivery",
     lambda b: res(b, ENC)["extension"][1]["valueCodeableConcept"]["coding"][0].update(code="ca228a58-bd0e-4b0e-81ce-3866adc26535", display="Barn/ung deltager"), [E("LTT-ENC-03")])
case("LTT-ENC-03__break_twice", "at most one deliveryType",
     lambda b: res(b, ENC)["extension"].append(copy.deepcopy(res(b, ENC)["extension"][1])), [E("LTT-ENC-03")])
case("LTT-ENC-03__keep_individuel", "deliveryType Individuel indsats")
case("LTT-ENC-04__break_class", "Encounter.class must be ActCode AMB",
     lambda b: res(b, ENC)["class"].update(code="HH", display="home health"), [E("LTT-ENC-04")])
case("LTT-ENC-04__keep_amb", "class AMB")
case("LTT-ENC-05__break_ui_code_sent", "the user-interface treatment codes are never sent as Encounter.type",
     lambda b: res(b, ENC)["type"][0]["coding"][0].update(code="ca52f015-193e-4d31-9471-7385717dfa44", display="Individuel behandling med barn/ung"), [E("LTT-ENC-05")])
case("LTT-ENC-05__break_two_codings", "Encounter.type.coding 1..1",
     lambda b: res(b, ENC)["type"][0]["coding"].append({"system": "urn:kommune:kontakttype", "code": "B"}), [E("LTT-ENC-05")])  # the 1..1; the binding holds (one coding is in the value set)
case("LTT-ENC-05__keep_behandling", "type Behandling")
case("LTT-ENC-06__break_in_progress", "Encounter.status in-progress is not one the IG uses", setp(ENC, "status", "in-progress"), [W("LTT-ENC-06")])
case("LTT-ENC-06__keep_finished", "status finished")
case("LTT-ENC-06__keep_entered_in_error", "status entered-in-error (a correction)", setp(ENC, "status", "entered-in-error"))
case("LTT-ENC-07__break_no_subject", "a contact refers to its citizen", delp(ENC, "subject"), [E("LTT-ENC-07")])
case("LTT-ENC-07__keep_subject", "subject present")
case("LTT-ENC-08__break_participant_code", "participant.type outside fkgateway-ltt-type-of-participants",
     lambda b: res(b, ENC)["participant"][0]["type"][0]["coding"][0].update(code="8d12d74c-17da-47a7-a4fe-e69dbaec0a8c", display="Individuel indsats"), [E("LTT-ENC-08")])
case("LTT-ENC-08__break_individual", "participant.individual is not allowed",
     lambda b: res(b, ENC)["participant"][0].update(individual={"reference": "Practitioner/x"}), [E("LTT-ENC-08")])
case("LTT-ENC-08__keep_barn_ung", "participant Barn/ung deltager")
case("LTT-ENC-09__break_end", "a contact has no period.end",
     lambda b: res(b, ENC)["period"].update(end="2026-05-14T14:28:17Z"), [E("LTT-ENC-09")])
case("LTT-ENC-09__break_no_period", "a contact needs period.start", delp(ENC, "period"), [E("LTT-ENC-09")])
case("LTT-ENC-09__keep_start", "period.start only")
case("LTT-ENC-10__break_service_provider", "serviceProvider is not allowed",
     setp(ENC, "serviceProvider", {"reference": "Organization/o1"}), [E("LTT-ENC-10")])
case("LTT-ENC-10__keep_minimal", "none of the prohibited elements")
case("LTT-ENC-11__break_other_extension", "an extension outside the IG (open slicing: a warning)",
     lambda b: res(b, ENC)["extension"].append({"url": "urn:kommune:ext", "valueString": "x"}), [W("LTT-ENC-11")])
case("LTT-ENC-11__keep_ig_extensions", "only the IG's two extensions")
# ---- extensions
case("LTT-EXT-01__break_value_coding", "deliveryType takes valueCodeableConcept only",
     lambda b: res(b, ENC)["extension"].__setitem__(1, {"url": BASE + "klgateway-ltt-encounter-delivery-type", "valueCoding": {"system": CSC, "code": "8d12d74c-17da-47a7-a4fe-e69dbaec0a8c"}}),
     [E("LTT-EXT-01"), E("LTT-ENC-01")])  # the wrong type once (no LTT-ENC-03 follow-on)
case("LTT-EXT-01__keep_codeable_concept", "deliveryType as valueCodeableConcept")
case("LTT-EXT-02__break_nested", "basedOnCarePlan has no nested extensions (ext-1 too)",
     lambda b: res(b, ENC)["extension"][0].update(extension=[{"url": "urn:x", "valueString": "y"}]), [E("LTT-EXT-02"), E("LTT-CORE-02")])
case("LTT-EXT-02__keep_reference", "basedOnCarePlan as valueReference")
case("LTT-TERM-01__break_display", "a display that differs from the code system's",
     lambda b: res(b, ENC)["type"][0]["coding"][0].update(display="behandling"), [W("LTT-TERM-01")])
case("LTT-TERM-01__keep_no_display", "display may be left out",
     lambda b: res(b, ENC)["type"][0]["coding"][0].pop("display"))
# ---- reporting period (Copenhagen calendar days)
case("LTT-PER-01__break_report_before_start", "a report dated 31 March 2026 23:00 Copenhagen time",
     lambda b: b.update(timestamp="2026-03-31T21:00:00Z"), [W("LTT-PER-01")])
case("LTT-PER-01__keep_first_day", "2026-03-31T22:30:00Z is 1 April 00:30 in Copenhagen",
     lambda b: b.update(timestamp="2026-03-31T22:30:00Z"))
case("LTT-PER-02__break_contact_before_start", "a contact at 23:00 Copenhagen time on 31 March",
     lambda b: res(b, ENC).update(period={"start": "2026-03-31T21:00:00Z"}), [W("LTT-PER-02")])
case("LTT-PER-02__keep_contact_first_day", "a contact at 00:00 on 1 April Copenhagen time",
     lambda b: res(b, ENC).update(period={"start": "2026-03-31T22:00:00Z"}))
def old_plan_alone(b):
    res(b, CP)["period"]["start"] = "2026-03-01T09:00:00Z"; b["entry"] = b["entry"][:2]
case("LTT-PER-03__break_old_forloeb_without_activity", "a forløb from March with no contact or henvisning from April on", old_plan_alone, [W("LTT-PER-03")])
case("LTT-PER-03__keep_old_forloeb_with_new_contact", "a forløb from March reported with its new April contact",
     lambda b: res(b, CP)["period"].update(start="2026-03-01T09:00:00Z"))
case("LTT-PER-04__break_referral_before_start", "a henvisning from March",
     lambda b: res(b, REF).update(period={"start": "2026-03-20T10:00:00Z"}), [W("LTT-PER-04")])
case("LTT-PER-04__keep_referral_after_start", "a henvisning from May")

here = os.path.dirname(os.path.abspath(__file__))
for name, desc, b, expect, alias in cases:
    d = os.path.join(here, name)
    if os.path.isdir(d): shutil.rmtree(d)
    os.makedirs(d)
    with open(os.path.join(d, "input.json"), "w") as f: json.dump(b, f, ensure_ascii=False, indent=1)
    with open(os.path.join(d, "description.txt"), "w") as f: f.write(desc + "\n")
    with open(os.path.join(d, "expected_diagnostics.jsonl"), "w") as f:
        for sev, rule, path in expect:
            o = {"rule": rule, "severity": sev}
            if path: o["path_contains"] = path
            f.write(json.dumps(o) + "\n")
    if alias:
        with open(os.path.join(d, "alias.txt"), "w") as f: f.write(alias + "\n")
print(len(cases), "cases")
