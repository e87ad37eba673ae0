#!/usr/bin/env python3
"""Writes cases/<RULE>__<break|keep>_<what>/ for the § 140 rules: each a KL
report (or IncrementalDelivery) of the IG's Ruddi series with one change,
checked as it stands by `reghub validate --registry rehab` (the adapter's
inspectSource: the IG's profiles, every finding as its REH rule), and the
diagnostics it must give. The base is DeliveryReport-Ruddi-2 (11 entries: the
citizen, both organisations, the fokustilstand, the GGOP, an udredning with its
contact, two tilstande, the genoptræningsforløb and a træning based on it).
Run from this folder: python3 make_cases.py ../../../../shared/reference/rehab/examples, then
record_expected.py (which says where a case does not show its rule, to be judged by hand).
"""
import copy, json, os, shutil, sys

EX = sys.argv[1]
BASE = json.load(open(os.path.join(EX, 'DeliveryReport-Ruddi-2.json'), encoding='utf-8'))
INC = json.load(open(os.path.join(EX, 'TestIncrementalDelivery.json'), encoding='utf-8'))
KL = 'http://fhir.kl.dk/rehab/StructureDefinition/'
CSC = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes'
P, ORG_SENDER, ORG_SUPPLIER, FOCUS, SR, UDREDNING, CONTACT, TILSTAND, TILSTAND2, FORLOEB, TRAENING = range(11)

def r(b, i):
    return b['entry'][i]['resource']

def ext(res, name):
    return next(e for e in res.get('extension', []) if e['url'] == KL + name)

def detail(res):
    return res['activity'][0]['detail']

CASES = []

def case(rule, outcome, what, description, edit=None, expect=(), base=None):
    CASES.append((rule, outcome, what, description, edit, expect, base))

def brk(rule, what, description, edit, *extra):
    case(rule, 'break', what, description, edit, [('error', rule)] + list(extra))

def keep(rule, what, description, edit=None):
    case(rule, 'keep', what, description, edit, [])

def setp(i, key, value):
    def f(b):
        r(b, i)[key] = value
    return f

def delp(i, *keys):
    def f(b):
        o = r(b, i)
        for k in keys[:-1]:
            o = o[k] if not isinstance(o, list) else o[0]
            o = o[0] if isinstance(o, list) else o
        del o[keys[-1]]
    return f

def chain(*fs):
    def f(b):
        for g in fs:
            g(b)
    return f

OTHER_PATIENT = {'reference': 'Patient/0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d'}

# --- core
brk('REH-CORE-01', 'unknown_element', 'an element R4 does not define (Encounter.colour)', setp(CONTACT, 'colour', 'red'))
keep('REH-CORE-01', 'ruddi_2', "the IG's report 2 as published")
brk('REH-CORE-02', 'period_end_before_start', 'per-1: a contact ending before it starts',
    lambda b: r(b, CONTACT)['period'].update({'end': '2022-05-28T10:00:00.000Z', 'start': '2022-05-28T12:00:00.000Z'}))
keep('REH-CORE-02', 'ruddi_2', "the IG's report 2 as published")
brk('REH-CORE-03', 'entered_in_error_with_clinical_status', 'con-5: a tilstand entered in error still carrying clinicalStatus',
    lambda b: r(b, TILSTAND).update({'verificationStatus': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/condition-ver-status', 'code': 'entered-in-error'}]}}))
keep('REH-CORE-03', 'entered_in_error_without_clinical_status', 'a tilstand entered in error, clinicalStatus left out (con-5)',
     lambda b: (r(b, TILSTAND).pop('clinicalStatus'), r(b, TILSTAND).update({'verificationStatus': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/condition-ver-status', 'code': 'entered-in-error'}]}})))
# --- delivery report
brk('REH-DR-02', 'batch', 'Bundle.type batch', lambda b: b.update({'type': 'batch'}))
keep('REH-DR-02', 'collection', 'Bundle.type collection')
brk('REH-DR-03', 'no_timestamp', 'no Bundle.timestamp', lambda b: b.pop('timestamp'))
keep('REH-DR-03', 'timestamp', 'Bundle.timestamp given')
brk('REH-DR-04', 'identifier', 'a Bundle.identifier', lambda b: b.update({'identifier': {'system': 'urn:ietf:rfc:3986', 'value': 'urn:uuid:4b9443a2-7231-4387-8e3d-614bf193df49'}}))
keep('REH-DR-04', 'no_identifier', 'no identifier, total, link or signature')
brk('REH-DR-05', 'entry_link', 'an entry.link (the intro\'s stale "two fixed values")',
    lambda b: b['entry'][SR].update({'link': [{'relation': 'self', 'url': 'https://test.fhir.dk/x'}]}))
keep('REH-DR-05', 'entries_without_link', 'entries with fullUrl and resource only')
brk('REH-DR-06', 'observation', 'an Observation among the entries',
    lambda b: b['entry'].append({'fullUrl': 'https://test.fhir.dk/Observation/1', 'resource': {'resourceType': 'Observation', 'id': '1', 'status': 'final', 'code': {'text': 'x'}}}))
keep('REH-DR-06', 'only_ig_types', 'Patient, Organization, Condition, ServiceRequest, CarePlan, Encounter only')
brk('REH-DR-07', 'two_citizens', 'a second citizen in the report',
    lambda b: b['entry'].append({'fullUrl': 'https://test.fhir.dk/Patient/2', 'resource': dict(copy.deepcopy(r(b, P)), id='2')}))
keep('REH-DR-07', 'one_citizen', 'exactly one citizen')
brk('REH-DR-08', 'foreign_condition', 'a Condition claiming only DK-core\'s profile, with an onset neither § 140 profile permits',
    lambda b: (r(b, TILSTAND)['meta'].update({'profile': ['http://hl7.dk/fhir/core/StructureDefinition/dk-core-condition']}),
               r(b, TILSTAND).update({'onsetDateTime': '2022-05-01'})))
keep('REH-DR-08', 'tilstand_and_fokustilstand', 'a tilstand and a fokustilstand')
brk('REH-DR-09', 'foreign_careplan', 'a CarePlan claiming only R4\'s CarePlan, with a note neither § 140 profile permits',
    lambda b: (r(b, TRAENING)['meta'].update({'profile': ['http://hl7.org/fhir/StructureDefinition/CarePlan']}),
               r(b, TRAENING).update({'note': [{'text': 'x'}]})))
keep('REH-DR-09', 'forloeb_and_interventions', 'an indsatsforløb and planlagte indsatser')
# --- incremental delivery
def inc(edit):
    def f(b):
        b.clear()
        b.update(copy.deepcopy(INC))
        if edit:
            edit(b)
    return f
brk('REH-ID-01', 'batch', 'IncrementalDelivery of type batch', inc(lambda b: b.update({'type': 'batch'})))
keep('REH-ID-01', 'collection', "the IG's TestIncrementalDelivery", inc(None))
brk('REH-ID-02', 'no_timestamp', 'IncrementalDelivery without timestamp', inc(lambda b: b.pop('timestamp')))
keep('REH-ID-02', 'timestamp', "the IG's TestIncrementalDelivery", inc(None))
brk('REH-ID-03', 'total', 'IncrementalDelivery with total', inc(lambda b: b.update({'total': 1})))
keep('REH-ID-03', 'no_total', "the IG's TestIncrementalDelivery", inc(None))
brk('REH-ID-04', 'patient_entry', 'IncrementalDelivery holding a Patient instead of a report',
    inc(lambda b: b['entry'].append({'fullUrl': 'https://test.fhir.dk/Patient/x', 'resource': copy.deepcopy(r(BASE, P))})))
keep('REH-ID-04', 'report_entry', "the IG's TestIncrementalDelivery", inc(None))
# --- citizen
brk('REH-CIT-01', 'two_identifiers', 'a local identifier beside the CPR-nummer',
    lambda b: r(b, P)['identifier'].append({'system': 'urn:kommune:0751', 'value': 'B-1'}))
keep('REH-CIT-01', 'cpr_only', 'the CPR-nummer as the only identifier')
brk('REH-CIT-02', 'use_usual', 'the CPR identifier with use usual', lambda b: r(b, P)['identifier'][0].update({'use': 'usual'}))
keep('REH-CIT-02', 'use_official', 'the CPR identifier with use official')
brk('REH-CIT-04', 'day_32', 'a CPR-nummer whose day is 32', lambda b: r(b, P)['identifier'][0].update({'value': '3202779995'}))
keep('REH-CIT-04', 'valid_date', 'a CPR-nummer starting with a real date')
brk('REH-CIT-05', 'deceased_datetime', 'a date of death instead of deceasedBoolean',
    lambda b: (r(b, P).pop('deceasedBoolean'), r(b, P).update({'deceasedDateTime': '2022-06-01'})))
keep('REH-CIT-05', 'deceased_false', 'deceasedBoolean false')
brk('REH-CIT-07', 'reference', 'managingOrganization with a reference besides its SOR identifier',
    lambda b: r(b, P)['managingOrganization'].update({'reference': 'Organization/55a0e014-0e97-4c26-8ef2-29d528bfcc46'}))
keep('REH-CIT-07', 'sor_identifier', 'managingOrganization as a SOR identifier only')
brk('REH-CIT-08', 'short_sor', 'a SOR code of five digits', lambda b: r(b, P)['managingOrganization']['identifier'].update({'value': '12345'}))
keep('REH-CIT-08', 'sor_12_digits', 'a SOR code of 12 digits')
brk('REH-CIT-09', 'name', "the citizen's name", lambda b: r(b, P).update({'name': [{'family': 'Berggren'}]}))
keep('REH-CIT-09', 'no_personal_data', 'no name, address, telecom, gender, birth date')
# --- organization
brk('REH-ORG-01', 'two_identifiers', 'a SOR code and an FK organisation id',
    lambda b: r(b, ORG_SENDER)['identifier'].append({'use': 'official', 'system': 'https://kombit.dk/sts/organisation', 'value': 'urn:uuid:0d6c1a3e-7b2f-4c8a-9e5d-1f3a7c9b2e40'}))
keep('REH-ORG-01', 'one_identifier', 'one SOR identifier')
brk('REH-ORG-02', 'kombit_not_uuid', 'an FK organisation id that is no urn:uuid',
    lambda b: r(b, ORG_SENDER).update({'identifier': [{'use': 'official', 'system': 'https://kombit.dk/sts/organisation', 'value': 'org-17'}]}))
keep('REH-ORG-02', 'kombit_uuid', 'an FK organisation id',
     lambda b: r(b, ORG_SENDER).update({'identifier': [{'use': 'official', 'system': 'https://kombit.dk/sts/organisation', 'value': 'urn:uuid:0d6c1a3e-7b2f-4c8a-9e5d-1f3a7c9b2e40'}]}))
brk('REH-ORG-03', 'local_identifier', 'an organisation identified by a local code only',
    lambda b: r(b, ORG_SENDER).update({'identifier': [{'system': 'urn:kommune:0751:leverandoer', 'value': 'L-9'}]}))
keep('REH-ORG-03', 'sor', 'an organisation identified by its SOR code')
brk('REH-ORG-05', 'telecom', "the organisation's telephone", lambda b: r(b, ORG_SUPPLIER).update({'telecom': [{'system': 'phone', 'value': '70000000'}]}))
keep('REH-ORG-05', 'name_allowed', 'the organisation with a name (the profile permits it)', lambda b: r(b, ORG_SUPPLIER).update({'name': 'Genoptræning Aarhus'}))
# --- service request (GGOP)
brk('REH-SR-01', 'basal_only', 'the GGOP categorised Basal only', setp(SR, 'category', [{'coding': [{'system': CSC, 'code': '8b962281-2ab6-4b10-9c91-4bac592d6d49'}]}]))
keep('REH-SR-01', 'specialiseret', 'the GGOP categorised Specialiseret', setp(SR, 'category', [{'coding': [{'system': CSC, 'code': '0c8e2bfc-1350-45d1-90da-c07e2645d073'}]}]))
brk('REH-SR-02', 'three_categories', 'three categories',
    lambda b: r(b, SR)['category'].extend([{'coding': [{'system': CSC, 'code': '0c8e2bfc-1350-45d1-90da-c07e2645d073'}]}]))
keep('REH-SR-02', 'almen_and_basal', 'Almen with Basal')
brk('REH-SR-03', 'other_code', 'the GGOP coded as LTT\'s forløb', setp(SR, 'code', {'coding': [{'system': CSC, 'code': '01302bcb-c7f3-42c4-8ded-68e33da064eb'}]}))
keep('REH-SR-03', 'ggop_code', 'Kommunal genoptræning efter sygehusophold')
brk('REH-SR-04', 'order', 'intent order', setp(SR, 'intent', 'order'))
keep('REH-SR-04', 'plan', 'intent plan')
brk('REH-SR-07', 'no_requester', 'no requester', delp(SR, 'requester'))
keep('REH-SR-07', 'hospital', 'the sending hospital as requester')
brk('REH-SR-08', 'no_authored_on', 'no authoredOn', delp(SR, 'authoredOn'))
keep('REH-SR-08', 'authored_on', 'authoredOn given')
brk('REH-SR-09', 'no_discharge_date', 'no udskrivningsdato', lambda b: r(b, SR).update({'extension': [e for e in r(b, SR)['extension'] if not e['url'].endswith('PreconditionDate')]}))
keep('REH-SR-09', 'discharge_date', 'the udskrivningsdato given')
brk('REH-SR-10', 'reason_outside_value_set', 'a statusReason code outside ServiceRequestStatusReasons140',
    lambda b: r(b, SR).update({'status': 'on-hold'}) or r(b, SR)['extension'].append({'url': 'http://hl7.org/fhir/StructureDefinition/request-statusReason', 'valueCodeableConcept': {'coding': [{'system': CSC, 'code': '8b962281-2ab6-4b10-9c91-4bac592d6d49'}]}}))
keep('REH-SR-10', 'no_reason', 'an active GGOP without statusReason')
brk('REH-SR-11', 'occurrence_datetime', 'occurrenceDateTime instead of occurrencePeriod.start',
    lambda b: (r(b, SR).pop('occurrencePeriod', None), r(b, SR).update({'occurrenceDateTime': '2022-05-28'})))
keep('REH-SR-11', 'occurrence_period_start', 'occurrencePeriod.start', lambda b: r(b, SR).update({'occurrencePeriod': {'start': '2022-05-28'}}))
brk('REH-SR-12', 'reason_is_tilstand', 'reasonReference to a tilstand, not a fokustilstand',
    setp(SR, 'reasonReference', [{'reference': 'Condition/a6ed3134-f27a-41bb-976c-b627af1c85bb'}]))
keep('REH-SR-12', 'reason_is_fokustilstand', 'reasonReference to the fokustilstand')
brk('REH-SR-13', 'replaces_absent', 'replaces a GGOP that is not in the report',
    setp(SR, 'replaces', [{'reference': 'ServiceRequest/9d2f1a7c-3b6e-4d8a-b1c5-7e9f2a4d6c80'}]))
keep('REH-SR-13', 'no_replaces', 'a first GGOP (no replaces)')
brk('REH-SR-14', 'note', 'a note on the GGOP', setp(SR, 'note', [{'text': 'ønsker formiddag'}]))
keep('REH-SR-14', 'no_note', 'only the elements the profile permits')
# --- focus condition
brk('REH-FC-01', 'coding_version', 'the SKS coding with a version', lambda b: r(b, FOCUS)['code']['coding'][0].update({'version': '2022'}))
keep('REH-FC-01', 'sks_only', 'the SKS diagnosis code only')
brk('REH-FC-03', 'no_clinical_status', 'a fokustilstand without clinicalStatus', delp(FOCUS, 'clinicalStatus'))
keep('REH-FC-03', 'active', 'clinicalStatus active')
brk('REH-FC-05', 'subject_organization', 'the fokustilstand\'s subject is an Organization', setp(FOCUS, 'subject', {'reference': 'Organization/55a0e014-0e97-4c26-8ef2-29d528bfcc46'}))
keep('REH-FC-05', 'subject_citizen', 'the fokustilstand\'s subject is the citizen')
brk('REH-FC-06', 'onset', 'an onset date on the fokustilstand', setp(FOCUS, 'onsetDateTime', '2022-05-20'))
keep('REH-FC-06', 'no_onset', 'only the elements the profile permits')
# --- condition (tilstand)
brk('REH-CON-01', 'code_outside_value_set', 'a tilstand coded outside Conditions140',
    setp(TILSTAND, 'code', {'coding': [{'system': 'urn:oid:1.2.208.176.2.21', 'code': '7deb81de-1d4d-4f3c-9a2b-5c6d7e8f9a0b'}]}))
keep('REH-CON-01', 'mobilitet', 'Mobilitet og bevægelse')
brk('REH-CON-02', 'clinical_status_display', 'clinicalStatus with a display',
    lambda b: r(b, TILSTAND)['clinicalStatus']['coding'][0].update({'display': 'Active'}))
keep('REH-CON-02', 'code_only', 'clinicalStatus as system and code')
brk('REH-CON-03', 'verification_text', 'verificationStatus with a text', lambda b: r(b, TILSTAND)['verificationStatus'].update({'text': 'bekræftet'}))
keep('REH-CON-03', 'code_only', 'verificationStatus as system and code')
brk('REH-CON-04', 'encounter_diagnosis', 'category encounter-diagnosis', lambda b: r(b, TILSTAND)['category'][0]['coding'][0].update({'code': 'encounter-diagnosis'}))
keep('REH-CON-04', 'problem_list_item', 'category problem-list-item')
brk('REH-CON-05', 'no_recorded_date', 'no recordedDate', delp(TILSTAND, 'recordedDate'))
keep('REH-CON-05', 'recorded_date', 'recordedDate given')
brk('REH-CON-07', 'note', 'a note on the tilstand', setp(TILSTAND, 'note', [{'text': 'x'}]))
keep('REH-CON-07', 'no_note', 'only the elements the profile permits')
# --- care plan (indsatsforløb)
brk('REH-CP-01', 'cancelled_without_reason', 'a cancelled forløb without statusReason', lambda b: detail(r(b, FORLOEB)).update({'status': 'cancelled'}))
keep('REH-CP-01', 'cancelled_with_reason', 'a cancelled forløb with its statusReason',
     lambda b: detail(r(b, FORLOEB)).update({'status': 'cancelled', 'statusReason': {'coding': [{'system': CSC, 'code': '4bbf6d6a-a1c6-41c2-b8c1-7352b7378adf'}]}}))
brk('REH-CP-02', 'category_outside_value_set', 'a category outside CarePlanCategories140', setp(FORLOEB, 'category', [{'coding': [{'system': CSC, 'code': '8b962281-2ab6-4b10-9c91-4bac592d6d49'}]}]))
keep('REH-CP-02', 'interventionsforloeb', 'Interventionsforløb efter § 140')
brk('REH-CP-03', 'order', 'intent order', setp(FORLOEB, 'intent', 'order'))
keep('REH-CP-03', 'plan', 'intent plan')
brk('REH-CP-06', 'no_period_start', 'no period.start', lambda b: r(b, FORLOEB).update({'period': {'end': '2022-07-01'}}))
keep('REH-CP-06', 'period_start', 'period.start given')
brk('REH-CP-07', 'progress', 'activity.progress', lambda b: r(b, FORLOEB)['activity'][0].update({'progress': [{'text': 'godt i gang'}]}))
keep('REH-CP-07', 'detail_only', 'activity with detail only')
brk('REH-CP-09', 'reason_outside_value_set', 'a cancelled forløb with a statusReason outside CancellationTypes',
    lambda b: detail(r(b, FORLOEB)).update({'status': 'cancelled', 'statusReason': {'coding': [{'system': CSC, 'code': '8b962281-2ab6-4b10-9c91-4bac592d6d49'}]}}))
keep('REH-CP-09', 'reason_in_value_set', 'a cancelled forløb with a CancellationTypes reason',
     lambda b: detail(r(b, FORLOEB)).update({'status': 'cancelled', 'statusReason': {'coding': [{'system': CSC, 'code': '4bbf6d6a-a1c6-41c2-b8c1-7352b7378adf'}]}}))
brk('REH-CP-10', 'no_performer', 'a forløb without its supplier', lambda b: detail(r(b, FORLOEB)).pop('performer'))
keep('REH-CP-10', 'performer', 'the supplier as performer')
brk('REH-CP-11', 'description', 'activity.detail.description', lambda b: detail(r(b, FORLOEB)).update({'description': 'træning'}))
keep('REH-CP-11', 'no_description', 'only status and performer in detail')
brk('REH-CP-12', 'based_on_absent_ggop', 'the anledning names a GGOP not in the report',
    lambda b: ext(r(b, FORLOEB), 'BasedOnServiceRequestExtension').update({'valueReference': {'reference': 'ServiceRequest/9d2f1a7c-3b6e-4d8a-b1c5-7e9f2a4d6c80'}}))
keep('REH-CP-12', 'based_on_ggop', 'the anledning names the GGOP in the report')
brk('REH-CP-13', 'title', 'a title on the forløb', setp(FORLOEB, 'title', 'Genoptræning'))
keep('REH-CP-13', 'no_title', 'only the elements the profile permits')
# --- planned intervention
brk('REH-PI-01', 'training_without_based_on', 'Funktionstræning without basedOn', delp(TRAENING, 'basedOn'))
keep('REH-PI-01', 'training_based_on_forloeb', 'Funktionstræning based on the forløb')
brk('REH-PI-02', 'udredning_with_based_on', 'Terapeutfaglig udredning based on a forløb',
    setp(UDREDNING, 'basedOn', [{'reference': 'CarePlan/1c74e3e8-e038-4182-a545-d86a9f064d44'}]))
keep('REH-PI-02', 'udredning_alone', 'Terapeutfaglig udredning without basedOn')
brk('REH-PI-03', 'snomed_coding', 'a SNOMED CT coding beside the FSIII code (closed slicing)',
    lambda b: detail(r(b, TRAENING))['code']['coding'].append({'system': 'http://snomed.info/sct', 'code': '229065009'}))
keep('REH-PI-03', 'fsiii_only', 'the FSIII level-2 code only')
brk('REH-PI-04', 'no_delivery_type', 'no leveringsform', lambda b: detail(r(b, TRAENING)).pop('extension'))
keep('REH-PI-04', 'two_delivery_types', 'two leveringsformer (1..* since 2.2.0)',
     lambda b: detail(r(b, TRAENING))['extension'].append({'url': KL + 'DeliveryType', 'valueCodeableConcept': {'coding': [{'system': CSC, 'code': '8d12d74c-17da-47a7-a4fe-e69dbaec0a8c'}]}}))
brk('REH-PI-05', 'order', 'intent order', setp(TRAENING, 'intent', 'order'))
keep('REH-PI-05', 'plan', 'intent plan')
brk('REH-PI-07', 'based_on_ggop', 'basedOn names the GGOP, not a forløb', setp(TRAENING, 'basedOn', [{'reference': 'ServiceRequest/152a1f8f-db33-4fa4-b5ea-c6f4e5cebd22'}]))
keep('REH-PI-07', 'based_on_forloeb', 'basedOn names the forløb')
brk('REH-PI-09', 'no_period', 'no period', delp(TRAENING, 'period'))
keep('REH-PI-09', 'period', 'period.start given')
brk('REH-PI-10', 'outcome', 'activity.outcomeCodeableConcept', lambda b: r(b, TRAENING)['activity'][0].update({'outcomeCodeableConcept': [{'text': 'bedre'}]}))
keep('REH-PI-10', 'detail_only', 'activity with detail only')
brk('REH-PI-11', 'two_performers', 'two suppliers', lambda b: detail(r(b, TRAENING)).update({'performer': [{'reference': 'Organization/7fdd6dc0-3f9f-4914-b34a-7c6495ba0880'}, {'reference': 'Organization/55a0e014-0e97-4c26-8ef2-29d528bfcc46'}]}))
keep('REH-PI-11', 'no_performer', 'no performer (0..1; the forløb has it)')
brk('REH-PI-12', 'reason_is_fokustilstand', 'reasonReference to the fokustilstand, not a tilstand',
    lambda b: detail(r(b, TRAENING)).update({'reasonReference': [{'reference': 'Condition/51d652a8-0ece-4d1d-8071-7baceb9701b2'}]}))
keep('REH-PI-12', 'reason_is_tilstand', 'reasonReference to the tilstande')
brk('REH-PI-13', 'status_reason', 'a statusReason on the intervention', lambda b: detail(r(b, TRAENING)).update({'statusReason': {'text': 'syg'}}))
keep('REH-PI-13', 'no_status_reason', 'no statusReason')
brk('REH-PI-15', 'note', 'a note on the intervention', setp(TRAENING, 'note', [{'text': 'x'}]))
keep('REH-PI-15', 'no_note', 'only the elements the profile permits')
# --- encounter
brk('REH-ENC-01', 'class_outside_value_set', 'class outside EncounterClassCodes', setp(CONTACT, 'class', {'system': CSC, 'code': '8b962281-2ab6-4b10-9c91-4bac592d6d49'}))
keep('REH-ENC-01', 'amb', 'class AMB')
brk('REH-ENC-02', 'type_text', 'a type with text', setp(CONTACT, 'type', [{'text': 'træning'}]))
keep('REH-ENC-02', 'no_type', 'no type')
brk('REH-ENC-05', 'no_end', 'no period.end', lambda b: r(b, CONTACT)['period'].pop('end'))
keep('REH-ENC-05', 'start_and_end', 'period with start and end')
brk('REH-ENC-06', 'based_on_absent', 'basedOnCarePlan names a CarePlan not in the report',
    lambda b: ext(r(b, CONTACT), 'BasedOnCarePlanExtension').update({'valueReference': {'reference': 'CarePlan/9d2f1a7c-3b6e-4d8a-b1c5-7e9f2a4d6c80'}}))
keep('REH-ENC-06', 'based_on_intervention', 'basedOnCarePlan names the udredning in the report')
brk('REH-ENC-07', 'service_provider', 'a serviceProvider', setp(CONTACT, 'serviceProvider', {'reference': 'Organization/7fdd6dc0-3f9f-4914-b34a-7c6495ba0880'}))
keep('REH-ENC-07', 'no_service_provider', 'only the elements the profile permits')
# --- references to the citizen (bundled)
for rule, i, what in [('REH-SR-06', SR, 'GGOP'), ('REH-CON-06', TILSTAND, 'tilstand'), ('REH-CP-05', FORLOEB, 'forløb'),
                      ('REH-PI-08', TRAENING, 'intervention'), ('REH-ENC-04', CONTACT, 'contact')]:
    brk(rule, 'other_patient', f'the {what} names a Patient not in the report', setp(i, 'subject', OTHER_PATIENT))
    keep(rule, 'the_citizen', f'the {what} names the citizen of the report')
# --- extensions
brk('REH-EXT-01', 'nested_extension', 'an udskrivningsdato with a nested extension',
    lambda b: ext(r(b, SR), 'PreconditionDate').update({'extension': [{'url': 'x', 'valueString': 'y'}]}))
keep('REH-EXT-01', 'date', 'the udskrivningsdato as valueDate')
brk('REH-EXT-02', 'nested_extension', 'a leveringsform with a nested extension',
    lambda b: detail(r(b, TRAENING))['extension'][0].update({'extension': [{'url': 'x', 'valueString': 'y'}]}))
keep('REH-EXT-02', 'codeable_concept', 'a leveringsform as valueCodeableConcept')
brk('REH-EXT-03', 'no_value', 'the anledning without a value', lambda b: ext(r(b, FORLOEB), 'BasedOnServiceRequestExtension').pop('valueReference'))
keep('REH-EXT-03', 'value_reference', 'the anledning as valueReference')
brk('REH-EXT-04', 'no_value', 'basedOnCarePlan without a value', lambda b: ext(r(b, CONTACT), 'BasedOnCarePlanExtension').pop('valueReference'))
keep('REH-EXT-04', 'value_reference', 'basedOnCarePlan as valueReference')
# --- terminology
case('REH-TERM-01', 'break', 'display_not_the_code_systems', "the GGOP's category Almen with the display 'specialiseret'",
     lambda b: r(b, SR)['category'][0]['coding'][0].update({'display': 'specialiseret'}), [('warning', 'REH-TERM-01')])
keep('REH-TERM-01', 'display_in_lower_case', "the IG's report 2 as published: its displays are the code system's ('almen' for Almen: case is not compared, as the HL7 validator does not)")

def main():
    out = 'cases'
    if os.path.isdir(out):
        shutil.rmtree(out)
    for rule, outcome, what, description, edit, expect, base in CASES:
        b = copy.deepcopy(BASE)
        if edit:
            edit(b)
        d = os.path.join(out, f'{rule}__{outcome}_{what}')
        os.makedirs(d)
        with open(os.path.join(d, 'input.json'), 'w', encoding='utf-8') as f:
            json.dump(b, f, ensure_ascii=False, indent=1)
            f.write('\n')
        with open(os.path.join(d, 'description.txt'), 'w', encoding='utf-8') as f:
            f.write(description + '\n')
        with open(os.path.join(d, 'expected_diagnostics.jsonl'), 'w', encoding='utf-8') as f:
            for sev, rid in expect:
                f.write(json.dumps({'severity': sev, 'rule': rid}) + '\n')

if __name__ == '__main__':
    main()
