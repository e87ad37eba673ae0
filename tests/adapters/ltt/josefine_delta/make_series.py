#!/usr/bin/env python3
"""Writes the josefine_delta/ day files from the josefine/ story (see README.md).

Run from this folder: python3 make_series.py. The output is committed; the
test reads the files, not this script.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
STORY = os.path.join(HERE, "..", "josefine")
BASE = "https://sag.aabenraa.example/fhir"
LOCAL_ID = "https://sag.aabenraa.example/fhir/NamingSystem/"
CPR = "urn:oid:1.2.208.176.1.2"
SOR = "urn:oid:1.2.208.176.1.1"


def load(name):
    with open(os.path.join(STORY, name), encoding="utf-8") as f:
        return json.load(f)


def narrative(text):
    return {"status": "generated", "div": '<div xmlns="http://www.w3.org/1999/xhtml">' + text + "</div>"}


def local_ids(r, kind):
    """The case system's own identifiers instead of the story's urn:kommune ones."""
    r["identifier"] = [{"system": LOCAL_ID + kind, "value": r["id"].upper()}]


def case_system_encounter(e):
    e = copy.deepcopy(e)
    local_ids(e, "kontakt")
    # The case system's participant: the performing practitioner (PPRF), by reference.
    e["participant"] = [{
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                              "code": "PPRF", "display": "primary performer"}]}],
        "individual": {"reference": "Practitioner/behandler-ole", "display": "Behandler Ole Sørensen"},
    }]
    e["location"] = [{"location": {"display": "Ungeindsatsen, samtalerum 2 (lokation sendes aldrig)"}}]
    e["text"] = narrative("Samtale med Josefine om skolen (fri tekst, sendes aldrig)")
    return e


def case_system_careplan(c):
    c = copy.deepcopy(c)
    local_ids(c, "forloeb" if not c.get("basedOn") else "henvisning")
    c["text"] = narrative("Forløbsplan for Josefine (fri tekst, sendes aldrig)")
    c.setdefault("note", []).append({"text": "Aftalt med forældre (fri tekst, sendes aldrig)"})
    return c


def resources(day):
    out = []
    for e in load(day + ".json")["entry"]:
        r = e["resource"]
        out.append(case_system_encounter(r) if r["resourceType"] == "Encounter" else case_system_careplan(r))
    return out


def patient():
    p = load("patient.json")
    p["identifier"] = [{"system": CPR, "value": p["identifier"][0]["value"]},
                       {"system": LOCAL_ID + "borger", "value": "B-0042"}]
    p["name"] = [{"use": "official", "family": "Jensen", "given": ["Josefine", "Marie"]}]
    p["telecom"] = [{"system": "phone", "value": "+45 20 30 40 50", "use": "home"},
                    {"system": "email", "value": "josefine.jensen@mail.example"}]
    p["address"] = [{"use": "home", "line": ["Skolevej 1"], "postalCode": "6200", "city": "Aabenraa"}]
    p["text"] = narrative("Josefine Jensen, Skolevej 1 (fri tekst, sendes aldrig)")
    return p


def organization():
    return {
        "resourceType": "Organization", "id": "aabenraa-kommune",
        "meta": {"lastUpdated": "2025-05-14T18:00:00+02:00"},
        "identifier": [{"system": "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes", "value": "0580"},
                       {"system": SOR, "value": "451000016003"}],
        "name": "Aabenraa Kommune, Ungeindsatsen",
        "telecom": [{"system": "phone", "value": "+45 73 76 76 76"}],
    }


def practitioner():
    return {
        "resourceType": "Practitioner", "id": "behandler-ole",
        "meta": {"lastUpdated": "2025-05-14T18:00:00+02:00"},
        "identifier": [{"system": LOCAL_ID + "medarbejder", "value": "OLE-7"}],
        "name": [{"family": "Sørensen", "given": ["Ole"]}],
        "telecom": [{"system": "email", "value": "ole.sorensen@aabenraa.example"}],
    }


def entry(r):
    return {"fullUrl": BASE + "/" + r["resourceType"] + "/" + r["id"], "resource": r}


def bundle(rs):
    return {"resourceType": "Bundle", "type": "collection", "entry": [entry(r) for r in rs]}


def write_json(name, doc):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_ndjson(name, rs):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for r in rs:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


def main():
    write_json("2025-05-14.json", bundle([patient(), organization(), practitioner()] + resources("2025-05-14")))
    write_json("2025-06-02.json", bundle(resources("2025-06-02")))
    write_ndjson("2025-06-23.ndjson", resources("2025-06-23") + [practitioner()])  # practitioner re-sent, unchanged
    write_json("2025-07-07.json", bundle(resources("2025-07-07")))
    write_ndjson("2025-08-18.ndjson", resources("2025-08-18"))
    write_json("2025-09-01.json", bundle([patient()]))  # the Patient alone, re-sent unchanged
    (kontakt8,) = resources("2025-11-06")
    write_json("2025-11-06.json", kontakt8)  # a single resource, no Bundle
    write_json("2025-11-08.json", bundle(resources("2025-11-08")))


if __name__ == "__main__":
    main()
