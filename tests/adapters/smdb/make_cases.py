#!/usr/bin/env python3
"""Writes the SMDB rule case folders (tests/adapters/smdb/cases/<RULE>__<break|keep>_<what>/).

Each folder: input.json (one FHIR collection Bundle, CONTRACT §1), expected_diagnostics.jsonl
(one object per expected diagnostic: severity, rule, field, optional path_contains) and
description.txt (one line); break cases reported under another id get alias.txt (ALIASES).
The rule-case runner (tests/support/rule_cases.h, test smdb_rule_cases) runs them all as of 2026-06-01.

The folders are committed; this script is how they were made (re-run it after changing a
case: `python3 tests/adapters/smdb/make_cases.py`). Every case starts from one valid forløb
(BASE) and changes only what the rule is about. All CPR numbers are synthetic.
"""
import copy
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIELDS = json.load(open(os.path.join(ROOT, "mapping", "smdb", "2024-07-01", "fields.json"), encoding="utf-8"))
BY_VAR = {}
for f in FIELDS:
    BY_VAR.setdefault(f["variable"], f)

MALE_CPR = "0101901235"    # synthetic: born 1990-01-01, odd = male
FEMALE_CPR = "0202851236"  # synthetic: born 1985-02-02, even = female
MINOR_CPR = "1503104237"   # synthetic: born 2010-03-15 (7th digit 4, yy 10 -> 2010), odd = male


def value(var, v):
    if isinstance(v, tuple):
        return {v[0]: v[1]}
    f = BY_VAR.get(var)
    if f is None:
        return {"valueString": v} if isinstance(v, str) else {"valueInteger": v}
    if isinstance(v, bool):
        return {"valueBoolean": v}
    if f["codes"] or (f.get("code_source") or {}).get("pattern"):
        return {"valueCoding": {"code": v}}
    if f["datatype"] == "Datetime":
        return {"valueDate": v}
    if f["datatype"] == "Integer":
        return {"valueInteger": v} if isinstance(v, int) else {"valueString": v}
    if f["datatype"] == "Boolean":
        return {"valueBoolean": v}
    return {"valueString": v}


def base():
    """A complete, valid forløb: anmodning, iværksættelse, two tilknytninger
    (stoffri + metadon), KvalHep, afslutning."""
    return {
        "cpr": MALE_CPR, "gender": "male", "name": ("Mads", "Jensen"), "kommune": "0330",
        "forloeb": [{
            "id": "ep-1", "basis": "SEL-101", "exclusion": None,
            "forms": [
                {"id": "anm-1", "skema": "ANM", "items": {
                    "BehandlingAnmodningDato": "2025-03-03",
                    "BehandlingTidligereKode": "02",
                    "PersonPsykiskFunktionsnedsættelseKode": "02"}},
                {"id": "ivaer-1", "skema": "IVAER", "items": {
                    "IvaerksatBehandlingDato": "2025-03-10",
                    "OenskerBorgerTilbudLaegesamtaleKode": "01",
                    "LaegesamtaleAfholdtIndikator": True,
                    "LaegesamtaleAfholdtDato": "2025-03-07",
                    "BehandlingFormaalKode": "01",
                    "HenvisningPaaOpfordringAfKode": "01",
                    "PersonHovedindtaegtskildeKode": "01",
                    "PersonSamlivssituationKode": "01",
                    "PersonBoligsituationKode": "01",
                    "PersonStatsborgerskabKode": "5100",
                    "PersonImmigrantKode": "01",
                    "PersonGrundskoleuddannelseKode": "01",
                    "PersonUngdomsuddannelseKode": "04",
                    "PersonVideregaaendeUddannelseKode": "01",
                    "PersonBoernMedKontaktKvantitet": 0,
                    "PersonBoernAnbragtUdenforHjemmetKvantitet": 0,
                    "PersonStoffriSenesteMaanedIndikator": False,
                    "CannabisDageIndtagetSenesteMaanedKvantitet": 20,
                    "CannabisFoersteBrugAlderKvantitet": 15,
                    "CannabisIndtagelseshyppighedKode": "01",
                    "CannabisTypiskIndtagelsesmaadeKode": "02",
                    "AlkoholDageIndtagetSenesteMaanedKvantitet": 10,
                    "AlkoholFoersteBrugAlderKvantitet": 14,
                    "AlkoholIndtagelseshyppighedKode": "02",
                    "AlkoholTypiskIndtagelsesmaadeKode": "03",
                    "PersonAktueltHovedstofKode": "04",
                    "PersonNogensindeInjiceretEllerInjicererForTidenKode": "01",
                    "PersonNogensindeDeltEllerDelerVaerktoejForTidenKode": "01",
                    "PersonNogensindeTestetHCVKode": "01",
                    "PersonNogensindeTestetHIVKode": "01",
                    "PersonNogensindeSubstitutionsbehandlingKode": "01",
                    "ScreeningsvaerktoejAnvendtIvaerksaetKode": "01"}},
                {"id": "tilb-1", "skema": "TILB", "items": {
                    "TilbudId": 12345,
                    "PersonBehandlingFritValgIndikator": False,
                    "TilbudTilknyttetBehandlingStartDato": "2025-03-10",
                    "TilbudTilknyttetBehandlingSlutDato": "2025-09-30",
                    "BehandlingIntensitetKode": "01",
                    "BehandlingTypeKode": "04"}},
                {"id": "tilb-2", "skema": "TILB", "items": {
                    "TilbudId": 12346,
                    "TilbudTilknyttetBehandlingStartDato": "2025-04-01",
                    "TilbudTilknyttetBehandlingSlutDato": "2025-10-15",
                    "BehandlingIntensitetKode": "01",
                    "BehandlingTypeKode": "01",
                    "AutorisationKodeTekst": "X1B2C"}},
                {"id": "kval-1", "skema": "KVALHEP", "items": {
                    "BehandlingVurderetPsykiskEfterIndskrivningKode": "01",
                    "BehandlingBehandlingsplanJournaliseretKode": "01",
                    "BehandlingVirusSmittevejeRaadgivetKode": "01",
                    "PersonHepatitisCnogensindeKode": "02"}},
                {"id": "afsl-1", "skema": "AFSL", "items": {
                    "BehandlingAfsluttetDato": "2025-10-15",
                    "BehandlingAfsluttetStatusKode": "01",
                    "BehandlingAfsluttetAarsagKode": "01"}},
            ]}],
    }


def bundle(c):
    pid = "pat-1"
    entries = [
        {"fullUrl": "urn:uuid:0b6a9c1e-0000-4000-8000-000000000001", "resource": {
            "resourceType": "Patient", "id": pid,
            **({"identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": c["cpr"]}]} if c["cpr"] else {}),
            "active": True,
            "name": [{"use": "official", "family": c["name"][1], "given": [c["name"][0]]}],
            "gender": c["gender"]}},
        {"resource": {"resourceType": "Organization", "id": "org-1", "identifier": [{
            "system": "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes", "value": c["kommune"]}],
            "name": "Kommune"}},
    ]
    for fl in c["forloeb"]:
        ep = {"resourceType": "EpisodeOfCare", "id": fl["id"], "identifier": [{"value": "src-" + fl["id"]}],
              "status": fl.get("status", "active"),
              "type": [{"coding": [{"system": "urn:reghub:legal-basis", "code": fl["basis"]}]}],
              "patient": {"reference": "Patient/" + pid},
              "managingOrganization": {"reference": "Organization/" + fl.get("org", "org-1")}}
        if fl.get("exclusion"):
            ep["extension"] = [{"url": "urn:reghub:smdb-exclusion", "valueCode": fl["exclusion"]}]
        entries.append({"resource": ep})
        for form in fl["forms"]:
            qr = {"resourceType": "QuestionnaireResponse", "id": form["id"],
                  "identifier": {"value": "src-" + form["id"]},
                  "questionnaire": "urn:reghub:smdb:" + form["skema"],
                  "status": form.get("status", "completed"),
                  "subject": {"reference": "Patient/" + pid},
                  "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",
                                 "valueReference": {"reference": "EpisodeOfCare/" + fl["id"]}}],
                  "item": [{"linkId": k, "answer": [value(k, v)]} for k, v in form["items"].items()]}
            entries.append({"resource": qr})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def form(c, fid, fl=0):
    for f in c["forloeb"][fl]["forms"]:
        if f["id"] == fid:
            return f
    raise KeyError(fid)


def items(c, fid, fl=0):
    return form(c, fid, fl)["items"]


def drop(c, fid, fl=0):
    fs = c["forloeb"][fl]["forms"]
    fs[:] = [f for f in fs if f["id"] != fid]


def E(rule, field, severity="error", path=None):
    d = {"severity": severity, "rule": rule, "field": field}
    if path:
        d["path_contains"] = path
    return d


CASES = []


def case(name, description, expected=()):
    def deco(fn):
        CASES.append((name, description, fn, list(expected)))
        return fn
    return deco


def woman(c):
    c["cpr"], c["gender"], c["name"] = FEMALE_CPR, "female", ("Anna", "Hansen")
    items(c, "anm-1")["PersonGravidKode"] = "02"


def no_subst(c):
    """Only the stoffri tilknytning (no KvalHep duty), closed on its end date."""
    drop(c, "tilb-2")
    drop(c, "kval-1")
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-09-30"


def late(c, days_anm_to_ivaer=20):
    """Iværksættelse more than 14 days after the anmodning (garanti overskredet)."""
    items(c, "ivaer-1")["IvaerksatBehandlingDato"] = "2025-03-23"
    items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-23"
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "01"


# ---- keep: the base itself -------------------------------------------------------------
@case("BASE__keep_complete_forloeb", "a complete valid forløb (ANM, IVAER, 2 TILB, KVALHEP, AFSL) gives no diagnostic")
def _(c): pass


# ---- GEN ---------------------------------------------------------------------------------
@case("SMDB-GEN-01__break_future_anmodning", "2-ANM after --as-of is rejected",
      [E("SMDB-GEN-01", "2-ANM")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1")]
    items(c, "anm-1")["BehandlingAnmodningDato"] = "2026-06-02"


@case("SMDB-GEN-01__keep_anmodning_today", "2-ANM equal to --as-of is accepted (anmodning only)")
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1")]
    items(c, "anm-1")["BehandlingAnmodningDato"] = "2026-06-01"


@case("SMDB-GEN-05__break_autorisation_4_chars", "9-TILB must be a 5-character autorisationsID",
      [E("SMDB-GEN-05", "9-TILB")])
def _(c): items(c, "tilb-2")["AutorisationKodeTekst"] = "X1B2"


@case("SMDB-GEN-05__keep_autorisation_letters", "9-TILB with letters and 5 characters is accepted")
def _(c): items(c, "tilb-2")["AutorisationKodeTekst"] = "ABCDE"


@case("SMDB-GEN-06__break_option_number_not_code", "3-AFSL option 1) is code 03; a code outside the list is rejected",
      [E("SMDB-GEN-06", "3-AFSL")])
def _(c): items(c, "afsl-1")["BehandlingAfsluttetAarsagKode"] = "11"


@case("SMDB-GEN-06__break_integer_for_code", "a code sent as valueInteger is rejected (codes are two-digit strings)",
      [E("SMDB-GEN-06", "7-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonHovedindtaegtskildeKode"] = ("valueInteger", 1)


@case("SMDB-GEN-06__keep_non_sequential_code", "4-IVÆR option 3) has code 08: accepted")
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "08"


@case("SMDB-GEN-06__keep_valueString_code", "a code sent as valueString is accepted")
def _(c): items(c, "ivaer-1")["PersonHovedindtaegtskildeKode"] = ("valueString", "13")


@case("SMDB-GEN-07__break_text_251_chars", "30-IVÆR longer than 250 characters (æ counts as one)",
      [E("SMDB-GEN-07", "30-IVÆR")])
def _(c):
    i = items(c, "ivaer-1")
    i["LaegesamtaleAfholdtDato"] = "2025-03-25"
    i["IvaerksatBehandlingDato"] = "2025-03-25"
    items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-25"
    i["BehandlingGarantiOverskredetAarsagKode"] = "01"
    i["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "06"
    i["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetTekst"] = "æ" * 251


@case("SMDB-GEN-07__keep_text_250_multibyte", "250 characters of 'æ' (500 bytes) is within the limit")
def _(c):
    i = items(c, "ivaer-1")
    i["LaegesamtaleAfholdtDato"] = "2025-03-25"
    i["IvaerksatBehandlingDato"] = "2025-03-25"
    items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-25"
    i["BehandlingGarantiOverskredetAarsagKode"] = "01"
    i["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "06"
    i["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetTekst"] = "æ" * 250


@case("SMDB-GEN-07__break_afslutning_text_401", "BehandlingAfsluttetAarsagTekst allows 400 characters, not 401",
      [E("SMDB-GEN-07", "BehandlingAfsluttetAarsagTekst")])
def _(c):
    items(c, "afsl-1")["BehandlingAfsluttetAarsagKode"] = "10"
    items(c, "afsl-1")["BehandlingAfsluttetAarsagTekst"] = "ø" * 401


@case("SMDB-GEN-07__keep_afslutning_text_400", "BehandlingAfsluttetAarsagTekst of 400 characters is accepted")
def _(c):
    items(c, "afsl-1")["BehandlingAfsluttetAarsagKode"] = "10"
    items(c, "afsl-1")["BehandlingAfsluttetAarsagTekst"] = "ø" * 400


@case("SMDB-GEN-08__break_days_31", "days taken last month must be 0-30", [E("SMDB-GEN-08", "18-IVÆR")])
def _(c): items(c, "ivaer-1")["CannabisDageIndtagetSenesteMaanedKvantitet"] = 31


@case("SMDB-GEN-08__break_children_100", "15-IVÆR must be 0-99", [E("SMDB-GEN-08", "15-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonBoernMedKontaktKvantitet"] = 100


@case("SMDB-GEN-08__keep_days_30_children_99", "the range ends are accepted")
def _(c):
    items(c, "ivaer-1")["CannabisDageIndtagetSenesteMaanedKvantitet"] = 30
    items(c, "ivaer-1")["PersonBoernMedKontaktKvantitet"] = 99


@case("SMDB-GEN-09__break_not_a_kommune", "the myndighedskommune must be one of the 98 kommuner",
      [E("SMDB-GEN-09", "8-ANM")])
def _(c): c["kommune"] = "0411"


@case("SMDB-GEN-09__keep_kommune_0101", "København 0101 becomes KommuneKode 101")
def _(c): c["kommune"] = "0101"


@case("SMDB-GEN-10__break_country_3_digits", "10-IVÆR must be a 4-digit CPR country code or 99",
      [E("SMDB-GEN-10", "10-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonStatsborgerskabKode"] = "510"


@case("SMDB-GEN-10__keep_uoplyst", "10-IVÆR = 99 (Uoplyst) is accepted")
def _(c): items(c, "ivaer-1")["PersonStatsborgerskabKode"] = "99"


@case("SMDB-GEN-11__break_laegesamtale_before_anmodning", "26-IVÆR must not be before 2-ANM",
      [E("SMDB-GEN-11", "26-IVÆR")])
def _(c): items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-01"


@case("SMDB-GEN-11__keep_laegesamtale_on_anmodning", "26-IVÆR on the anmodningsdato is accepted")
def _(c): items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-03"


@case("SMDB-GEN-12__break_computed_age_sent", "3-IVÆR is computed; a different sent value is a warning and not used",
      [E("SMDB-GEN-12", "3-IVÆR", "warning")])
def _(c): items(c, "ivaer-1")["PersonIvaerksatBehandlingAlderKvantitet"] = 40


@case("SMDB-GEN-12__keep_computed_days_equal", "2-IVÆR sent equal to the computed 7 days is accepted")
def _(c): items(c, "ivaer-1")["IvaerksatBehandlingDageSidenAnmodningKvantitet"] = 7


@case("SMDB-GEN-13__break_hidden_screening_text", "43-IVÆR is hidden unless 42-IVÆR = 05",
      [E("SMDB-IVAER-27", "43-IVÆR", "warning")])
def _(c): items(c, "ivaer-1")["ScreeningsvaerktoejAnvendtIvaerksaetTekst"] = "AUDIT-C"


@case("SMDB-GEN-13__break_hidden_other_substances_comment", "37-IVÆR is hidden when Andre stoffer is not answered",
      [E("SMDB-GEN-13", "37-IVÆR", "warning")])
def _(c): items(c, "ivaer-1")["KommentarOmkringAndreStoffer"] = "ingen"


@case("SMDB-GEN-13__keep_comment_with_andre_stoffer", "37-IVÆR is shown (and required) when Andre stoffer > 0")
def _(c):
    i = items(c, "ivaer-1")
    i.update({"AndreStofferDageIndtagetSenesteMaanedKvantitet": 3, "AndreStofferFoersteBrugAlderKvantitet": 30,
              "AndreStofferIndtagelseshyppighedKode": "04", "AndreStofferTypiskIndtagelsesmaadeKode": "03",
              "KommentarOmkringAndreStoffer": "Svampe"})


@case("SMDB-GEN-17__break_boolean_as_string", "a checkbox sent as text is rejected", [E("SMDB-GEN-17", "2-TILB")])
def _(c): items(c, "tilb-1")["PersonBehandlingFritValgIndikator"] = ("valueString", "ja")


@case("SMDB-GEN-17__keep_boolean_true", "a ticked checkbox is accepted")
def _(c): items(c, "tilb-1")["PersonBehandlingFritValgIndikator"] = True


# ---- ANM ---------------------------------------------------------------------------------
@case("SMDB-ANM-01__break_second_open_forloeb", "a second anmodning while the first forløb in the kommune is open",
      [E("SMDB-ANM-01", "2-ANM", path="anm-2")])
def _(c):
    drop(c, "afsl-1")
    items(c, "tilb-1").pop("TilbudTilknyttetBehandlingSlutDato")
    items(c, "tilb-2").pop("TilbudTilknyttetBehandlingSlutDato")
    c["forloeb"].append({"id": "ep-2", "basis": "SUL-142", "forms": [
        {"id": "anm-2", "skema": "ANM", "items": {"BehandlingAnmodningDato": "2026-01-05"}}]})


@case("SMDB-ANM-01__keep_second_after_afslutning", "a new anmodning after the first forløb is afsluttet")
def _(c):
    c["forloeb"].append({"id": "ep-2", "basis": "SUL-142", "forms": [
        {"id": "anm-2", "skema": "ANM", "items": {"BehandlingAnmodningDato": "2026-01-05"}}]})


@case("SMDB-ANM-01__break_two_anmodninger_in_one_forloeb", "one kontaktforløb has exactly one anmodning",
      [E("SMDB-ANM-01", "2-ANM", path="anm-2")])
def _(c):
    c["forloeb"][0]["forms"].insert(1, {"id": "anm-2", "skema": "ANM",
                                        "items": {"BehandlingAnmodningDato": "2025-03-04"}})


@case("SMDB-ANM-02__break_woman_without_gravid", "4-ANM must be answered for a woman", [E("SMDB-ANM-02", "4-ANM")])
def _(c):
    woman(c)
    items(c, "anm-1").pop("PersonGravidKode")


@case("SMDB-ANM-02__keep_woman_with_gravid", "4-ANM answered for a woman")
def _(c): woman(c)


@case("SMDB-ANM-03__break_man_with_gravid", "4-ANM is shown only for women", [E("SMDB-ANM-03", "4-ANM", "warning")])
def _(c): items(c, "anm-1")["PersonGravidKode"] = "02"


@case("SMDB-ANM-04__keep_gender_from_patient", "PersonKoenKode comes from Patient.gender (female = 00) and needs 4-ANM",
      [E("SMDB-ANM-02", "4-ANM")])
def _(c):
    c["gender"] = "female"  # CPR says male; Patient.gender wins (CONTRACT §1)


# ---- IVAER -------------------------------------------------------------------------------
@case("SMDB-IVAER-01__break_two_ivaerksaettelser", "one iværksættelse per anmodning",
      [E("SMDB-IVAER-01", "1-IVÆR", path="ivaer-2")])
def _(c):
    c["forloeb"][0]["forms"].insert(2, copy.deepcopy(form(c, "ivaer-1")))
    c["forloeb"][0]["forms"][2]["id"] = "ivaer-2"


@case("SMDB-IVAER-02__break_ivaerksaettelse_without_anmodning", "an iværksættelse needs an anmodning",
      [E("SMDB-IVAER-02", "1-IVÆR"), E("SMDB-AFSL-01", "1-AFSL")])
def _(c): drop(c, "anm-1")


@case("SMDB-IVAER-02__break_missing_date", "1-IVÆR is required in the iværksættelse",
      [E("SMDB-IVAER-02", "1-IVÆR")])
def _(c):
    items(c, "ivaer-1").pop("IvaerksatBehandlingDato")


@case("SMDB-IVAER-02__keep_anmodning_and_afslutning_only", "a forløb never iværksat = anmodning + afslutning")
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "afsl-1")]
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-03-20"


@case("SMDB-IVAER-03__break_ivaerksat_before_anmodning", "1-IVÆR must not be before 2-ANM",
      [E("SMDB-IVAER-03", "1-IVÆR"), E("SMDB-GEN-11", "26-IVÆR")])
def _(c):
    items(c, "anm-1")["BehandlingAnmodningDato"] = "2025-03-11"


@case("SMDB-IVAER-03__keep_same_day", "1-IVÆR on the anmodningsdato")
def _(c):
    items(c, "anm-1")["BehandlingAnmodningDato"] = "2025-03-07"


@case("SMDB-IVAER-04__break_ivaerksat_after_afslutning", "1-IVÆR after 1-AFSL (also AFSL-03 at the afslutning)",
      [E("SMDB-IVAER-04", "1-IVÆR"), E("SMDB-AFSL-03", "1-AFSL")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "ivaer-1"), form(c, "afsl-1")]
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-03-09"


@case("SMDB-IVAER-04__keep_afslutning_on_ivaerksat", "1-AFSL on 1-IVÆR, no tilknytninger")
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "ivaer-1"), form(c, "afsl-1")]
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-03-10"


@case("SMDB-IVAER-05__break_laegesamtale_late_no_reason", "26-IVÆR more than 14 days after 2-ANM needs 29-IVÆR",
      [E("SMDB-IVAER-05", "29-IVÆR")])
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-18"


@case("SMDB-IVAER-05__break_laegesamtale_after_ivaerksat", "26-IVÆR after 1-IVÆR needs 29-IVÆR",
      [E("SMDB-IVAER-05", "29-IVÆR")])
def _(c): items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-12"


@case("SMDB-IVAER-05__keep_reason_given", "late lægesamtale with 29-IVÆR")
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-18"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "01"


@case("SMDB-IVAER-05__keep_exactly_14_days", "26-IVÆR exactly 14 days after 2-ANM is in time")
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-17"


@case("SMDB-IVAER-06__break_anden_without_text", "29-IVÆR = 06 needs 30-IVÆR", [E("SMDB-IVAER-06", "30-IVÆR")])
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-18"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "06"


@case("SMDB-IVAER-06__keep_anden_with_text", "29-IVÆR = 06 with 30-IVÆR")
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-18"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "06"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetTekst"] = "Lægen var syg"


@case("SMDB-IVAER-07__break_reason_at_7_days", "4-IVÆR only when 2-IVÆR > 14", [E("SMDB-IVAER-07", "4-IVÆR")])
def _(c): items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "01"


@case("SMDB-IVAER-07__break_no_reason_at_20_days", "4-IVÆR empty at 20 days is a warning (setting)",
      [E("SMDB-IVAER-07", "4-IVÆR", "warning")])
def _(c):
    late(c)
    items(c, "ivaer-1").pop("BehandlingGarantiOverskredetAarsagKode")


@case("SMDB-IVAER-07__keep_reason_at_15_days", "4-IVÆR at 15 days")
def _(c):
    late(c)
    items(c, "ivaer-1")["IvaerksatBehandlingDato"] = "2025-03-18"
    items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-18"


@case("SMDB-IVAER-08__break_frit_valg_minor", "4-IVÆR = 05 (Frit valg) only from 18 years",
      [E("SMDB-IVAER-08", "4-IVÆR")])
def _(c):
    c["cpr"] = MINOR_CPR
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "05"


@case("SMDB-IVAER-08__keep_frit_valg_adult", "4-IVÆR = 05 for an adult")
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "05"


@case("SMDB-IVAER-09__break_samtykke_adult", "4-IVÆR = 06 (Samtykkeerklæring) only under 18",
      [E("SMDB-IVAER-09", "4-IVÆR")])
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "06"


@case("SMDB-IVAER-09__keep_samtykke_minor", "4-IVÆR = 06 for a 15-year-old")
def _(c):
    c["cpr"] = MINOR_CPR
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "06"
    items(c, "ivaer-1")["CannabisFoersteBrugAlderKvantitet"] = 13
    items(c, "ivaer-1")["AlkoholFoersteBrugAlderKvantitet"] = 13


@case("SMDB-IVAER-10__break_andet_without_text", "4-IVÆR = 07 (Andet) needs 5-IVÆR", [E("SMDB-IVAER-10", "5-IVÆR")])
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "07"


@case("SMDB-IVAER-10__keep_andet_with_text", "4-IVÆR = 07 with 5-IVÆR")
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagKode"] = "07"
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagTekst"] = "Borgeren ønskede at vente"


@case("SMDB-IVAER-11__break_no_grundskole", "12-IVÆR is mandatory", [E("SMDB-IVAER-11", "12-IVÆR")])
def _(c): items(c, "ivaer-1").pop("PersonGrundskoleuddannelseKode")


@case("SMDB-IVAER-12__break_videregaaende_without_ungdom", "13-IVÆR needed when 14-IVÆR is affirmative",
      [E("SMDB-IVAER-12", "13-IVÆR")])
def _(c):
    items(c, "ivaer-1")["PersonVideregaaendeUddannelseKode"] = "06"
    items(c, "ivaer-1").pop("PersonUngdomsuddannelseKode")


@case("SMDB-IVAER-12__keep_no_videregaaende", "13-IVÆR may be empty when 14-IVÆR = 01")
def _(c): items(c, "ivaer-1").pop("PersonUngdomsuddannelseKode")


@case("SMDB-IVAER-13__break_first_use_older_than_age", "age at first use above the age on 1-IVÆR (35)",
      [E("SMDB-IVAER-13", "18-IVÆR")])
def _(c): items(c, "ivaer-1")["CannabisFoersteBrugAlderKvantitet"] = 36


@case("SMDB-IVAER-13__keep_first_use_equal_age", "age at first use equal to the age on 1-IVÆR")
def _(c): items(c, "ivaer-1")["CannabisFoersteBrugAlderKvantitet"] = 35


@case("SMDB-IVAER-14__break_substance_incomplete", "all fields of a substance once one is filled",
      [E("SMDB-IVAER-14", "18-IVÆR")])
def _(c): items(c, "ivaer-1").pop("CannabisIndtagelseshyppighedKode")


@case("SMDB-IVAER-14__keep_alder_uoplyst", "'Alder uoplyst' replaces the age")
def _(c):
    items(c, "ivaer-1").pop("CannabisFoersteBrugAlderKvantitet")
    items(c, "ivaer-1")["CannabisFoersteBrugAlderVilIkkeOplyseIndikator"] = True


@case("SMDB-IVAER-15__break_alcohol_injected", "alcohol cannot be injected (01)", [E("SMDB-IVAER-15", "18-IVÆR")])
def _(c): items(c, "ivaer-1")["AlkoholTypiskIndtagelsesmaadeKode"] = "01"


@case("SMDB-IVAER-15__break_cannabis_sniffed", "cannabis not sniffed (04)", [E("SMDB-IVAER-15", "18-IVÆR")])
def _(c): items(c, "ivaer-1")["CannabisTypiskIndtagelsesmaadeKode"] = "04"


@case("SMDB-IVAER-15__keep_uoplyst_mode", "99 (Uoplyst) is always allowed")
def _(c): items(c, "ivaer-1")["AlkoholTypiskIndtagelsesmaadeKode"] = "99"


@case("SMDB-IVAER-16__break_andre_stoffer_no_comment", "Andre stoffer > 0 days needs 37-IVÆR",
      [E("SMDB-IVAER-16", "37-IVÆR")])
def _(c):
    i = items(c, "ivaer-1")
    i.update({"AndreStofferDageIndtagetSenesteMaanedKvantitet": 3, "AndreStofferFoersteBrugAlderKvantitet": 30,
              "AndreStofferIndtagelseshyppighedKode": "04", "AndreStofferTypiskIndtagelsesmaadeKode": "03"})


@case("SMDB-IVAER-16__keep_andre_stoffer_zero_days", "Andre stoffer with 0 days needs no comment")
def _(c):
    i = items(c, "ivaer-1")
    i.update({"AndreStofferDageIndtagetSenesteMaanedKvantitet": 0, "AndreStofferFoersteBrugAlderKvantitet": 30,
              "AndreStofferIndtagelseshyppighedKode": "04", "AndreStofferTypiskIndtagelsesmaadeKode": "03"})


@case("SMDB-IVAER-18__break_no_hovedstof", "20-IVÆR required unless 19-IVÆR is ticked", [E("SMDB-IVAER-18", "20-IVÆR")])
def _(c): items(c, "ivaer-1").pop("PersonAktueltHovedstofKode")


@case("SMDB-IVAER-18__keep_hovedstof_not_possible", "19-IVÆR ticked, 20-IVÆR empty")
def _(c):
    items(c, "ivaer-1").pop("PersonAktueltHovedstofKode")
    items(c, "ivaer-1")["PersonHovedstofAngivelseIkkeMuligIndikator"] = True


@case("SMDB-IVAER-18__break_both", "19-IVÆR ticked and 20-IVÆR filled is inconsistent (hidden field)",
      [E("SMDB-IVAER-18", "20-IVÆR", "warning")])
def _(c): items(c, "ivaer-1")["PersonHovedstofAngivelseIkkeMuligIndikator"] = True


@case("SMDB-IVAER-19__break_no_injection_answer", "32-IVÆR is mandatory", [E("SMDB-IVAER-19", "32-IVÆR")])
def _(c): items(c, "ivaer-1").pop("PersonNogensindeInjiceretEllerInjicererForTidenKode")


@case("SMDB-IVAER-19__break_no_sharing_answer", "33-IVÆR is mandatory", [E("SMDB-IVAER-19", "33-IVÆR")])
def _(c): items(c, "ivaer-1").pop("PersonNogensindeDeltEllerDelerVaerktoejForTidenKode")


@case("SMDB-IVAER-20__break_injected_no_age", "32-IVÆR not 'Aldrig' needs 22-IVÆR", [E("SMDB-IVAER-20", "22-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonNogensindeInjiceretEllerInjicererForTidenKode"] = "03"


@case("SMDB-IVAER-20__keep_injected_with_age", "32-IVÆR = 03 with 22-IVÆR")
def _(c):
    items(c, "ivaer-1")["PersonNogensindeInjiceretEllerInjicererForTidenKode"] = "03"
    items(c, "ivaer-1")["PersonFoersteInjektionAlderKode"] = "03"


@case("SMDB-IVAER-21__break_injected_but_never", "32-IVÆR = 03 and 22-IVÆR = 08 (Har aldrig injiceret)",
      [E("SMDB-IVAER-21", "22-IVÆR")])
def _(c):
    items(c, "ivaer-1")["PersonNogensindeInjiceretEllerInjicererForTidenKode"] = "03"
    items(c, "ivaer-1")["PersonFoersteInjektionAlderKode"] = "08"


@case("SMDB-IVAER-21__keep_unknown_and_never", "32-IVÆR = 99 and 22-IVÆR = 08 is not contradictory")
def _(c):
    items(c, "ivaer-1")["PersonNogensindeInjiceretEllerInjicererForTidenKode"] = "99"
    items(c, "ivaer-1")["PersonFoersteInjektionAlderKode"] = "08"


@case("SMDB-IVAER-22__break_no_hcv_hiv", "34-IVÆR and 35-IVÆR are mandatory",
      [E("SMDB-IVAER-22", "34-IVÆR"), E("SMDB-IVAER-22", "35-IVÆR")])
def _(c):
    items(c, "ivaer-1").pop("PersonNogensindeTestetHCVKode")
    items(c, "ivaer-1").pop("PersonNogensindeTestetHIVKode")


@case("SMDB-IVAER-23__break_no_substitution_answer", "36-IVÆR is mandatory", [E("SMDB-IVAER-23", "36-IVÆR")])
def _(c): items(c, "ivaer-1").pop("PersonNogensindeSubstitutionsbehandlingKode")


@case("SMDB-IVAER-23__break_substitution_no_age", "36-IVÆR = 02 needs 41-IVÆR", [E("SMDB-IVAER-23", "41-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonNogensindeSubstitutionsbehandlingKode"] = "02"


@case("SMDB-IVAER-23__keep_substitution_with_age", "36-IVÆR = 02 with 41-IVÆR")
def _(c):
    items(c, "ivaer-1")["PersonNogensindeSubstitutionsbehandlingKode"] = "02"
    items(c, "ivaer-1")["PersonFoersteSubstitutionsbehandlingAlderKvantitet"] = 30


@case("SMDB-IVAER-24__break_ivaer_withdrawn_kvalhep_kept", "an iværksættelse cannot go while its KvalHep stays",
      [E("SMDB-IVAER-24", "1-IVÆR"), E("SMDB-TILB-01", "3-TILB"), E("SMDB-TILB-01", "3-TILB"),
       E("SMDB-KVAL-01", "")])
def _(c): form(c, "ivaer-1")["status"] = "entered-in-error"


@case("SMDB-IVAER-24__keep_both_withdrawn", "KvalHep and iværksættelse withdrawn together: manual order warning only",
      [E("SMDB-KVAL-06", "", "warning"), E("SMDB-TILB-01", "3-TILB"), E("SMDB-TILB-01", "3-TILB")])
def _(c):
    form(c, "ivaer-1")["status"] = "entered-in-error"
    form(c, "kval-1")["status"] = "entered-in-error"


@case("SMDB-IVAER-25__break_hidden_laegesamtale_text", "30-IVÆR only when 29-IVÆR = 06",
      [E("SMDB-IVAER-25", "30-IVÆR", "warning")])
def _(c):
    late(c)
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2025-03-18"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetKode"] = "01"
    items(c, "ivaer-1")["LaegesamtaleIkkeAfholdtAarsagTidsfristOverskredetTekst"] = "tekst"


@case("SMDB-IVAER-26__break_hidden_garanti_text", "5-IVÆR only when 4-IVÆR = 07",
      [E("SMDB-IVAER-26", "5-IVÆR", "warning")])
def _(c):
    late(c)
    items(c, "ivaer-1")["BehandlingGarantiOverskredetAarsagTekst"] = "tekst"


@case("SMDB-IVAER-27__keep_screening_andet_text", "43-IVÆR with 42-IVÆR = 05")
def _(c):
    items(c, "ivaer-1")["ScreeningsvaerktoejAnvendtIvaerksaetKode"] = "05"
    items(c, "ivaer-1")["ScreeningsvaerktoejAnvendtIvaerksaetTekst"] = "Lokalt værktøj"


@case("SMDB-IVAER-28__break_ordineret_as_hovedstof", "20-IVÆR takes only its 17 codes", [E("SMDB-IVAER-28", "20-IVÆR")])
def _(c): items(c, "ivaer-1")["PersonAktueltHovedstofKode"] = "01"


# ---- TILB --------------------------------------------------------------------------------
@case("SMDB-TILB-01__break_tilknytning_without_ivaerksaettelse", "no tilknytning without iværksættelse",
      [E("SMDB-TILB-01", "3-TILB")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "tilb-1")]
    items(c, "tilb-1").pop("TilbudTilknyttetBehandlingSlutDato")


@case("SMDB-TILB-02__break_start_before_ivaerksat", "3-TILB must not be before 1-IVÆR",
      [E("SMDB-TILB-02", "3-TILB", path="tilb-2")])
def _(c): items(c, "tilb-2")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-09"


@case("SMDB-TILB-03__break_none_starts_on_ivaerksat", "one tilknytning must start on 1-IVÆR",
      [E("SMDB-TILB-03", "3-TILB")])
def _(c): items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2025-03-11"


@case("SMDB-TILB-04__break_end_before_start", "3-TILB must not be after 4-TILB", [E("SMDB-TILB-04", "4-TILB")])
def _(c):
    items(c, "tilb-2")["TilbudTilknyttetBehandlingStartDato"] = "2025-10-20"


@case("SMDB-TILB-04__keep_one_day", "3-TILB equal to 4-TILB")
def _(c):
    items(c, "tilb-2")["TilbudTilknyttetBehandlingStartDato"] = "2025-10-15"


@case("SMDB-TILB-05__break_end_without_start", "4-TILB must be empty without 3-TILB", [E("SMDB-TILB-05", "4-TILB")])
def _(c):
    no_subst(c)
    c["forloeb"][0]["forms"].insert(3, {"id": "tilb-3", "skema": "TILB", "items": {
        "TilbudId": 12347, "TilbudTilknyttetBehandlingSlutDato": "2025-06-01", "BehandlingTypeKode": "04"}})


@case("SMDB-TILB-06__break_open_tilknytning_with_afslutning", "4-TILB required when 1-AFSL exists (also AFSL-05)",
      [E("SMDB-TILB-06", "4-TILB"), E("SMDB-AFSL-05", "1-AFSL")])
def _(c): items(c, "tilb-1").pop("TilbudTilknyttetBehandlingSlutDato")


@case("SMDB-TILB-06__keep_open_without_afslutning", "an open tilknytning in an active forløb")
def _(c):
    drop(c, "afsl-1")
    items(c, "tilb-1").pop("TilbudTilknyttetBehandlingSlutDato")


@case("SMDB-TILB-07__break_end_after_afslutning", "4-TILB after 1-AFSL (also AFSL-04)",
      [E("SMDB-TILB-07", "4-TILB"), E("SMDB-AFSL-04", "1-AFSL")])
def _(c): items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-10-14"


@case("SMDB-TILB-09__keep_parallel_stoffri", "several stoffri (04) and 06 tilknytninger may run in parallel")
def _(c):
    c["forloeb"][0]["forms"].insert(3, {"id": "tilb-3", "skema": "TILB", "items": {
        "TilbudId": 12348, "TilbudTilknyttetBehandlingStartDato": "2025-03-10",
        "TilbudTilknyttetBehandlingSlutDato": "2025-08-01", "BehandlingTypeKode": "06"}})


@case("SMDB-TILB-10__keep_one_substitution_beside_stoffri", "one substitution beside 04/06 (the base forløb)")
def _(c): pass


@case("SMDB-TILB-11__break_two_substitutions_overlap", "two substitution tilknytninger active at the same time",
      [E("SMDB-TILB-11", "8-TILB", path="tilb-3")])
def _(c):
    c["forloeb"][0]["forms"].insert(4, {"id": "tilb-3", "skema": "TILB", "items": {
        "TilbudId": 12349, "TilbudTilknyttetBehandlingStartDato": "2025-05-01",
        "TilbudTilknyttetBehandlingSlutDato": "2025-06-01", "BehandlingTypeKode": "07",
        "AutorisationKodeTekst": "Y7K2P"}})


@case("SMDB-TILB-11__keep_same_day_handover", "metadon ends the day buprenorphin starts (setting: allowed)")
def _(c):
    items(c, "tilb-2")["TilbudTilknyttetBehandlingSlutDato"] = "2025-06-01"
    c["forloeb"][0]["forms"].insert(4, {"id": "tilb-3", "skema": "TILB", "items": {
        "TilbudId": 12349, "TilbudTilknyttetBehandlingStartDato": "2025-06-01",
        "TilbudTilknyttetBehandlingSlutDato": "2025-10-15", "BehandlingTypeKode": "07",
        "AutorisationKodeTekst": "Y7K2P"}})


@case("SMDB-TILB-12__break_substitution_without_autorisation", "9-TILB required for substitution (setting)",
      [E("SMDB-TILB-12", "9-TILB")])
def _(c): items(c, "tilb-2").pop("AutorisationKodeTekst")


@case("SMDB-TILB-12__break_autorisation_for_stoffri", "9-TILB is hidden for 04/06",
      [E("SMDB-TILB-12", "9-TILB", "warning")])
def _(c): items(c, "tilb-1")["AutorisationKodeTekst"] = "ABCDE"


@case("SMDB-TILB-12__keep_substitution_with_autorisation", "metadon (01) with a 5-character autorisationsID")
def _(c): items(c, "tilb-2")["AutorisationKodeTekst"] = "9Z8Y7"


@case("SMDB-TILB-13__break_tilbud_id_zero", "TilbudId must be a tilbud id", [E("SMDB-TILB-13", "1-TILB")])
def _(c): items(c, "tilb-1")["TilbudId"] = 0


@case("SMDB-TILB-13__break_no_tilbud_id", "TilbudId is required", [E("SMDB-TILB-13", "1-TILB")])
def _(c): items(c, "tilb-1").pop("TilbudId")


# ---- AFSL --------------------------------------------------------------------------------
@case("SMDB-AFSL-01__break_two_afslutninger", "one afslutning per forløb", [E("SMDB-AFSL-01", "1-AFSL", path="afsl-2")])
def _(c):
    c["forloeb"][0]["forms"].append(copy.deepcopy(form(c, "afsl-1")))
    c["forloeb"][0]["forms"][-1]["id"] = "afsl-2"


@case("SMDB-AFSL-02__break_afslutning_before_anmodning", "1-AFSL not before 2-ANM when never iværksat",
      [E("SMDB-AFSL-02", "1-AFSL")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "afsl-1")]
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-03-02"


@case("SMDB-AFSL-02__keep_same_day", "1-AFSL on 2-ANM when never iværksat")
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "afsl-1")]
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-03-03"


@case("SMDB-AFSL-03__keep_afslutning_after_ivaerksat", "the base forløb (1-AFSL after 1-IVÆR)")
def _(c): pass


@case("SMDB-AFSL-04__keep_equal_latest_end", "1-AFSL equal to the latest 4-TILB (the base forløb)")
def _(c): pass


@case("SMDB-AFSL-05__keep_all_ended", "afslutning when every tilknytning is ended (the base forløb)")
def _(c): pass


@case("SMDB-AFSL-06__break_afslutning_after_latest_end", "1-AFSL must equal the latest 4-TILB",
      [E("SMDB-AFSL-06", "1-AFSL")])
def _(c): items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-10-16"


@case("SMDB-AFSL-07__break_hidden_text", "the afslutning text only with 3-AFSL = 10",
      [E("SMDB-AFSL-07", "BehandlingAfsluttetAarsagTekst", "warning")])
def _(c): items(c, "afsl-1")["BehandlingAfsluttetAarsagTekst"] = "flyttet"


@case("SMDB-AFSL-07__keep_systemskifte_text", "3-AFSL = 10 with 'Systemskifte'")
def _(c):
    items(c, "afsl-1")["BehandlingAfsluttetAarsagKode"] = "10"
    items(c, "afsl-1")["BehandlingAfsluttetAarsagTekst"] = "Systemskifte"


# ---- KVAL --------------------------------------------------------------------------------
@case("SMDB-KVAL-01__break_kvalhep_without_tilknytning", "KvalHep needs a tilknytning",
      [E("SMDB-KVAL-01", "")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "ivaer-1"), form(c, "kval-1")]


@case("SMDB-KVAL-02__break_two_kvalhep", "one KvalHep per iværksættelse", [E("SMDB-KVAL-02", "", path="kval-2")])
def _(c):
    c["forloeb"][0]["forms"].insert(5, copy.deepcopy(form(c, "kval-1")))
    c["forloeb"][0]["forms"][5]["id"] = "kval-2"


@case("SMDB-KVAL-03__break_substitution_without_kvalhep", "the risk group (substitution) needs KvalHep",
      [E("SMDB-KVAL-03", "", "warning")])
def _(c): drop(c, "kval-1")


@case("SMDB-KVAL-03__break_injection_without_kvalhep", "the risk group (has injected) needs KvalHep",
      [E("SMDB-KVAL-03", "", "warning")])
def _(c):
    no_subst(c)
    items(c, "ivaer-1")["PersonNogensindeInjiceretEllerInjicererForTidenKode"] = "04"
    items(c, "ivaer-1")["PersonFoersteInjektionAlderKode"] = "02"


@case("SMDB-KVAL-03__keep_no_risk", "no substitution, never injected, never shared: no KvalHep needed")
def _(c): no_subst(c)


@case("SMDB-KVAL-04__break_contraception_for_man", "9-KVAL only for women", [E("SMDB-KVAL-04", "9-KVAL", "warning")])
def _(c): items(c, "kval-1")["BehandlingModtagetAntikonceptionRaadgivetKode"] = "01"


@case("SMDB-KVAL-04__keep_contraception_for_woman", "9-KVAL for a woman")
def _(c):
    woman(c)
    items(c, "kval-1")["BehandlingModtagetAntikonceptionRaadgivetKode"] = "01"


@case("SMDB-KVAL-06__keep_kvalhep_withdrawn_only", "withdrawing only the KvalHep skema is fine",
      [E("SMDB-KVAL-03", "", "warning")])
def _(c): form(c, "kval-1")["status"] = "entered-in-error"


# ---- DATE --------------------------------------------------------------------------------
@case("SMDB-DATE-01__break_no_anmodningsdato", "2-ANM decides the skemaer; it is required", [E("SMDB-DATE-01", "2-ANM")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1")]
    items(c, "anm-1").pop("BehandlingAnmodningDato")


@case("SMDB-DATE-01__keep_old_forloeb", "an anmodning before 2019-07-01 uses the old skemaer (info)",
      [E("SMDB-DATE-01", "2-ANM", "info"), E("SMDB-DATE-05", "6-IVÆR", "info")])
def _(c):
    c["forloeb"][0]["forms"] = [form(c, "anm-1"), form(c, "ivaer-1"), form(c, "tilb-1"), form(c, "afsl-1")]
    items(c, "anm-1")["BehandlingAnmodningDato"] = "2019-05-02"
    items(c, "ivaer-1")["IvaerksatBehandlingDato"] = "2019-05-07"
    items(c, "ivaer-1")["LaegesamtaleAfholdtDato"] = "2019-05-06"
    items(c, "ivaer-1")["BehandlingFormaalKode"] = "03"  # old option set: not checked
    items(c, "tilb-1")["TilbudTilknyttetBehandlingStartDato"] = "2019-05-07"
    items(c, "afsl-1")["BehandlingAfsluttetDato"] = "2025-09-30"


@case("SMDB-DATE-05__break_new_forloeb_old_code", "6-IVÆR code 03 is not in the new option set",
      [E("SMDB-GEN-06", "6-IVÆR")])
def _(c): items(c, "ivaer-1")["BehandlingFormaalKode"] = "03"


@case("SMDB-DATE-07__break_unknown_field", "a field not in the saneret skemaer is not sent",
      [E("SMDB-DATE-07", "", "warning")])
def _(c): items(c, "ivaer-1")["PersonAsiScore"] = 4


# ---- SCOPE -------------------------------------------------------------------------------
@case("SMDB-SCOPE-01__keep_not_smdb_basis", "a forløb without SEL-101/SUL-142/BL-33 is not SMDB's")
def _(c): c["forloeb"][0]["basis"] = "SUL-126A"


@case("SMDB-SCOPE-02__break_selvbetaler", "selvbetalere are not reported (info)", [E("SMDB-SCOPE-02", "", "info")])
def _(c): c["forloeb"][0]["exclusion"] = "selvbetaler"


@case("SMDB-SCOPE-03__break_no_cpr", "a citizen without CPR is skipped with a warning",
      [E("SMDB-SCOPE-03", "6-ANM", "warning")])
def _(c): c["cpr"] = None


@case("SMDB-SCOPE-03__break_replacement_cpr", "a replacement CPR is skipped with a warning",
      [E("SMDB-SCOPE-03", "6-ANM", "warning")])
def _(c): c["cpr"] = "6101901235"


@case("SMDB-SCOPE-04__break_anonym", "anonymous treatment is not reported (info)", [E("SMDB-SCOPE-04", "", "info")])
def _(c): c["forloeb"][0]["exclusion"] = "anonym"


@case("SMDB-SCOPE-11__break_indskrivning_2025", "INDS cannot be reported for activity from 2025-01-01",
      [E("SMDB-SCOPE-11", "1-INDS")])
def _(c):
    c["forloeb"][0]["forms"].append({"id": "inds-1", "skema": "INDS", "items": {
        "IndskrivningDato": "2025-03-10", "IndskrivningHvorfraKode": "01"}})


@case("SMDB-SCOPE-11__keep_indskrivning_2023", "an INDS from 2023 stays readable")
def _(c):
    c["forloeb"][0]["forms"].append({"id": "inds-1", "skema": "INDS", "items": {
        "IndskrivningDato": "2023-03-10", "IndskrivningHvorfraKode": "01"}})


# ---- retired INDS / YDEL -----------------------------------------------------------------
def retired_base(c, year="2023"):
    c["forloeb"][0]["forms"].extend([
        {"id": "inds-1", "skema": "INDS", "items": {"IndskrivningDato": year + "-03-10", "IndskrivningHvorfraKode": "01"}},
        {"id": "ydel-1", "skema": "YDEL", "items": {"YdelseStartDato": year + "-03-10", "YdelseSlutDato": year + "-05-01",
                                                    "ErIndividuelYdelse": True}},
        {"id": "udsk-1", "skema": "UDSK", "items": {"UdskrivningDato": year + "-05-01", "UdskrivningAarsagKode": "01"}},
    ])


@case("SMDB-INDS-04__break_udskrivning_before_ydelse_end", "3-UDSK not before the latest 4-YDEL (2023: error)",
      [E("SMDB-INDS-04", "3-UDSK"), E("SMDB-YDEL-05", "4-YDEL")])
def _(c):
    retired_base(c)
    items(c, "udsk-1")["UdskrivningDato"] = "2023-04-30"


@case("SMDB-INDS-05__break_udskrivning_with_open_ydelse", "no udskrivning while a ydelse is open",
      [E("SMDB-INDS-05", "3-UDSK"), E("SMDB-YDEL-06", "4-YDEL")])
def _(c):
    retired_base(c)
    items(c, "ydel-1").pop("YdelseSlutDato")


@case("SMDB-INDS-05__keep_retired_complete", "indskrivning, ydelse and udskrivning from 2023")
def _(c): retired_base(c)


@case("SMDB-INDS-08__break_hidden_hvorfra_text", "5-INDS only when 4-INDS = 08", [E("SMDB-INDS-08", "5-INDS", "warning")])
def _(c):
    retired_base(c)
    items(c, "inds-1")["IndskrivningHvorfraTekst"] = "tekst"


@case("SMDB-YDEL-01__break_ydelse_without_indskrivning", "a ydelse needs an indskrivning",
      [E("SMDB-YDEL-01", "2-YDEL")])
def _(c):
    retired_base(c)
    drop(c, "inds-1")
    drop(c, "udsk-1")


@case("SMDB-YDEL-03__break_ydelse_end_before_start", "4-YDEL not before 2-YDEL", [E("SMDB-YDEL-03", "4-YDEL")])
def _(c):
    retired_base(c)
    items(c, "ydel-1")["YdelseSlutDato"] = "2023-03-09"
    items(c, "udsk-1")["UdskrivningDato"] = "2023-03-10"


@case("SMDB-YDEL-04__break_ydelse_before_indskrivning", "2-YDEL not before 1-INDS", [E("SMDB-YDEL-04", "2-YDEL")])
def _(c):
    retired_base(c)
    items(c, "ydel-1")["YdelseStartDato"] = "2023-03-09"


@case("SMDB-YDEL-04__break_2024_is_warning", "in 2024 the tilbud skemaer are voluntary: findings are warnings",
      [E("SMDB-YDEL-04", "2-YDEL", "warning")])
def _(c):
    retired_base(c, "2024")
    items(c, "ydel-1")["YdelseStartDato"] = "2024-03-09"


@case("SMDB-GEN-14__keep_forloeb_withdrawn", "a withdrawn forløb is not sent; deletion is manual (info)",
      [E("SMDB-GEN-14", "", "info")])
def _(c): c["forloeb"][0]["status"] = "entered-in-error"


# ---- SYS ---------------------------------------------------------------------------------
SETTINGS = {}


@case("SMDB-SYS-08__break_before_go_live", "mellemløsning: a forløb from before smdb.goLive is left to SMDB-web",
      [E("SMDB-SYS-08", "2-ANM", "info")])
def _(c): SETTINGS["smdb.goLive"] = "2025-04-01"


@case("SMDB-SYS-08__keep_after_go_live", "a forløb from on or after smdb.goLive is reported")
def _(c): SETTINGS["smdb.goLive"] = "2025-03-03"


@case("SMDB-SYS-06__keep_reregistered_from_d_plus_1",
      "systemskifte model 2, D = 2025-05-31: the active forløb is re-registered from 2025-06-01 (info)",
      [E("SMDB-SYS-06", "2-ANM", "info")])
def _(c):
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-05-31"


@case("SMDB-SYS-06__keep_started_after_d", "systemskifte model 2: a forløb that started after D is reported as is")
def _(c):
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-01-01"


@case("SMDB-SYS-05__keep_closed_before_d", "systemskifte model 2: a forløb afsluttet on or before D stays with the old system",
      [E("SMDB-SYS-05", "1-AFSL", "info")])
def _(c):
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-10-15"


@case("SMDB-SYS-05__keep_old_system_closes_on_d",
      "systemskifte model 2, old system, D = 2025-05-31: tilknytninger and forløb closed on D with 'Systemskifte'",
      [E("SMDB-SYS-05", "1-AFSL", "info")])
def _(c):
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-05-31"
    SETTINGS["smdb.systemskifteRole"] = "old"


@case("SMDB-SYS-05__keep_old_system_leaves_new_forloeb", "old system: a forløb starting after D is the new system's",
      [E("SMDB-SYS-05", "2-ANM", "info")])
def _(c):
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-01-31"
    SETTINGS["smdb.systemskifteRole"] = "old"


@case("SMDB-SYS-07__keep_close_per_31_december", "Kravspecifikation variant: an open forløb is closed per 31 December",
      [E("SMDB-SYS-05", "1-AFSL", "info")])
def _(c):
    drop(c, "afsl-1")
    items(c, "tilb-1").pop("TilbudTilknyttetBehandlingSlutDato")
    items(c, "tilb-2").pop("TilbudTilknyttetBehandlingSlutDato")
    SETTINGS["smdb.systemskifteModel"] = "2"
    SETTINGS["smdb.systemskifteDate"] = "2025-12-31"
    SETTINGS["smdb.systemskifteRole"] = "old"


def main():
    out_root = os.path.join(HERE, "cases")
    if os.path.isdir(out_root):
        shutil.rmtree(out_root)
    os.makedirs(out_root)
    names = set()
    for name, description, fn, expected in CASES:
        assert name not in names, name
        names.add(name)
        c = base()
        SETTINGS.clear()
        fn(c)
        d = os.path.join(out_root, name)
        os.makedirs(d)
        with open(os.path.join(d, "input.json"), "w", encoding="utf-8") as f:
            json.dump(bundle(c), f, ensure_ascii=False, indent=1)
            f.write("\n")
        with open(os.path.join(d, "expected_diagnostics.jsonl"), "w", encoding="utf-8") as f:
            for e in expected:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        with open(os.path.join(d, "description.txt"), "w", encoding="utf-8") as f:
            f.write(description + "\n")
        if name in ALIASES:
            with open(os.path.join(d, "alias.txt"), "w", encoding="utf-8") as f:
                f.write(ALIASES[name] + "\n")
        if SETTINGS:
            with open(os.path.join(d, "settings.properties"), "w", encoding="utf-8") as f:
                for k, v in SETTINGS.items():
                    f.write(f"{k}={v}\n")
    print(f"{len(CASES)} cases written to {out_root}", file=sys.stderr)


# Break cases whose rule is reported under another id (alias.txt, read by the
# coverage check of tests/support/rule_cases.h).
ALIASES = {
    "SMDB-DATE-05__break_new_forloeb_old_code": "SMDB-DATE-05 on a new forløb: a code of the old option set is an SMDB-GEN-06 error",
    "SMDB-GEN-13__break_hidden_screening_text": "SMDB-GEN-13 for 43-IVÆR is reported as SMDB-IVAER-27 (the field's own ui rule)",
}


if __name__ == "__main__":
    main()
