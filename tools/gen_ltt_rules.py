#!/usr/bin/env python3
"""Writes profiles/ltt/rules.json: which finding of the profile-driven validator
(adapters/kl_gateway/profile_validator.h) on an LTT report is which LTT rule of
../shared/reference/ltt/RULES.md — by invariant key / core rule ("findings"), by
the validator's rule on a profile ("kinds": a resource of a type or profile
an entry does not allow), by the profile's element id ("elements": the longest
id that is a prefix of the finding's element wins), else the profile's
catch-all ("profiles"). The element
ids come from profiles/ltt/ltt-constraints.json (each of its constraints names
its rule and path; it was the hand-written validator's data, which the profile
validator replaced with the same diagnostics, commit 963e00d). Run when either changes:
  python3 tools/gen_ltt_rules.py > profiles/ltt/rules.json
"""
import glob, json, os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
CONSTRAINTS = json.load(open(os.path.join(ROOT, 'profiles/ltt/ltt-constraints.json')))

FINDINGS = {  # invariant keys (the IG's and DK-core's) and core rules
    'LTT-CORE-01': 'LTT-CORE-01', 'LTT-CORE-02': 'LTT-CORE-02',
    'klgateway-ltt-careplan-endtime': 'LTT-CP-01',
    'klgateway-ltt-encounter-participants-and-deliveryType': 'LTT-ENC-01',
    'cpr': 'LTT-CIT-04', 'min-digits-sor': 'LTT-CIT-08', 'marital-status-unknown-usage': 'LTT-CIT-10',
}
CATCH_ALL = {  # a finding on an element no constraint names: the profile's "not permitted" rule
    'klgateway-ltt-delivery-report': 'LTT-DR-05', 'klgateway-ltt-incremental-delivery': 'LTT-ID-05',
    'klgateway-ltt-citizen': 'LTT-CIT-09', 'klgateway-ltt-care-plan': 'LTT-CP-10',
    'klgateway-ltt-referral': 'LTT-REF-09', 'klgateway-ltt-encounter': 'LTT-ENC-10',
    'klgateway-ltt-encounter-delivery-type': 'LTT-EXT-01', 'klgateway-ltt-encounter-based-on-care-plan': 'LTT-EXT-02',
}
EXTRA_ELEMENTS = {  # element ids the hand-written validator checked in C++, not in its constraints; DK-core's parents
    'klgateway-ltt-delivery-report': {'Bundle.entry:citizen': 'LTT-DR-06', 'Bundle.entry:citizen.request': 'LTT-DR-04',
                                      'Bundle.entry:citizen.response': 'LTT-DR-04',
                                      'Bundle.entry:citizen.search': 'LTT-DR-04'},
    # DK-core's parents (profiles/ltt/parents, reconstructed from RULES.md): the CPR and SOR identifiers
    'dk-core-patient': {'Patient.identifier': 'LTT-CIT-01', 'Patient.identifier:cpr': 'LTT-CIT-01',
                        'Patient.identifier:cpr.system': 'LTT-CIT-02', 'Patient.managingOrganization': 'LTT-CIT-07'},
    'dk-core-cpr-identifier': {'Identifier': 'LTT-CIT-02'},
    'dk-core-sor-identifier': {'Identifier': 'LTT-CIT-07'},
}
RESOURCE_PROFILES = ['klgateway-ltt-citizen', 'klgateway-ltt-care-plan', 'klgateway-ltt-referral',
                     'klgateway-ltt-encounter']
KINDS = {  # a resource of the wrong type or profile in a report's entry: by the validator's rule and profile
    'KLGW-TYPE': {'klgateway-ltt-delivery-report': 'LTT-DR-05', 'klgateway-ltt-incremental-delivery': 'LTT-ID-05'},
    # an entry's resource claiming a profile of another resource type
    'KLGW-PROFILE': dict({'klgateway-ltt-delivery-report': 'LTT-DR-05', 'klgateway-ltt-incremental-delivery': 'LTT-ID-05'},
                         **{p: 'LTT-DR-05' for p in RESOURCE_PROFILES}),
    # a reference resolved in the report to a resource that is not what it must point to (RULES.md LTT-DR-07)
    'KLGW-REF': dict({p: 'LTT-DR-07' for p in RESOURCE_PROFILES},
                     **{'klgateway-ltt-encounter-based-on-care-plan': 'LTT-DR-07'}),
}


def slices(profile_id):
    """(element id, filter key, value) -> slice name, from the profile's differential."""
    out = {}
    path = os.path.join(ROOT, 'profiles/ltt/ig', 'StructureDefinition-%s.json' % profile_id)
    if not os.path.exists(path):
        return out
    elements = json.load(open(path))['differential']['element']
    for e in elements:
        if ':' not in e['id'].split('.')[-1]:
            continue
        base, name = e['id'].rsplit(':', 1)
        for t in e.get('type', []):
            for p in t.get('profile', []):
                out[(base, 'url', p)] = name
    return out


# The citizen's identifier slices are DK-core's (by system), not in the LTT profile.
DK_CORE_SLICES = {'urn:oid:1.2.208.176.1.2': 'cpr', 'urn:oid:1.2.208.176.1.6.1.1': 'x-ecpr'}


def element_id(resource_type, path, sl):
    parts, out = re.findall(r'[^.\[]+(?:\[[^\]]*\])?', path), resource_type
    for part in parts:
        m = re.match(r'^(\w+)(\*)?(?:\[(\w+)=(.+)\])?$', part)
        name, choice, key, value = m.groups()
        out += '.' + name + ('[x]' if choice else '')
        if key:
            s = sl.get((out, key, value)) or DK_CORE_SLICES.get(value) or ('d-ecpr' if value.startswith('urn:oid:1.2.208.176.1.6.1.3') else None)
            if not s:
                sys.exit('no slice for %s[%s=%s]' % (out, key, value))
            out += ':' + s
    return out


def main():
    elements = {}
    for pid, prof in CONSTRAINTS['profiles'].items():
        sl, rt = slices(pid), prof['resourceType']
        table = elements.setdefault(pid, {})
        for c in prof['constraints']:
            if 'invariant' in c:
                continue  # its key is in FINDINGS
            paths = c.get('absent', []) + ([c['path']] if 'path' in c else [])
            for p in paths:
                eid = element_id(rt, p, sl)
                if table.get(eid, c['rule']) != c['rule']:
                    sys.exit('%s: %s is both %s and %s' % (pid, eid, table[eid], c['rule']))
                table[eid] = c['rule']
        table.update(EXTRA_ELEMENTS.get(pid, {}))
    for pid, extra in EXTRA_ELEMENTS.items():
        elements.setdefault(pid, {}).update(extra)
    json.dump({'source': 'tools/gen_ltt_rules.py from profiles/ltt/ltt-constraints.json (IG v1.0.1)',
               'findings': FINDINGS, 'elements': {k: dict(sorted(v.items())) for k, v in elements.items()},
               'kinds': KINDS, 'profiles': CATCH_ALL}, sys.stdout, indent=1, ensure_ascii=False)
    print()


main()
