#!/usr/bin/env python3
"""Writes profiles/rehab/rules.json: every REH rule of the § 140 IG's checklist
(../shared/reference/rehab/RULES.md) with a Danish message, and which finding of
the profile-driven validator (adapters/kl_gateway/profile_validator.h) is which
rule: by invariant key / core rule ("findings"), by the profile's element id
("elements", parsed from the checklist's path column), else the profile's
catch-all ("profiles"). Run once when RULES.md or a message changes:
  python3 tools/gen_rehab_rules.py ../shared/reference/rehab/RULES.md > profiles/rehab/rules.json
"""
import json, re, sys

SECTIONS = {  # checklist section (start) -> profile id
    'DeliveryReport': 'klgateway-140-delivery-report',
    'IncrementalDelivery': 'klgateway-140-incremental-delivery',
    'Citizen': 'klgateway-140-citizen',
    'Organization': 'klgateway-140-organization',
    'ServiceRequest': 'klgateway-140-servicerequest',
    'FocusCondition': 'klgateway-140-focus-condition',
    'Condition': 'klgateway-140-condition',
    'CarePlan': 'klgateway-140-care-plan',
    'PlannedIntervention': 'klgateway-140-planned-intervention',
    'Encounter': 'klgateway-140-encounter',
}
CATCH_ALL = {  # the profile's "0..0 / not permitted" rule: a finding on an element no row names
    'klgateway-140-delivery-report': 'REH-DR-05', 'klgateway-140-incremental-delivery': 'REH-ID-04',
    'klgateway-140-citizen': 'REH-CIT-09', 'klgateway-140-organization': 'REH-ORG-05',
    'klgateway-140-servicerequest': 'REH-SR-14', 'klgateway-140-focus-condition': 'REH-FC-06',
    'klgateway-140-condition': 'REH-CON-07', 'klgateway-140-care-plan': 'REH-CP-13',
    'klgateway-140-planned-intervention': 'REH-PI-15', 'klgateway-140-encounter': 'REH-ENC-07',
    'PreconditionDate': 'REH-EXT-01', 'DeliveryType': 'REH-EXT-02',
    'BasedOnServiceRequestExtension': 'REH-EXT-03', 'BasedOnCarePlanExtension': 'REH-EXT-04',
}
FINDINGS = {  # invariant keys and core rules
    'REH-CORE-01': 'REH-CORE-01', 'REH-CORE-02': 'REH-CORE-02', 'con-5': 'REH-CORE-03', 'con-3': 'REH-CORE-03',
    'con-4': 'REH-CORE-03',
    'gateway-140-report-1': 'REH-DR-08', 'gateway-140-report-2': 'REH-DR-09',
    'cpr': 'REH-CIT-04', 'min-digits-sor': 'REH-CIT-08', 'marital-status-unknown-usage': 'REH-CIT-10',
    'dk-core-organization-mandatory-identifier': 'REH-ORG-03', 'uuid': 'REH-ORG-02',
    'gateway-140-service-request-1': 'REH-SR-01', 'klgateway-140-care-plan-1': 'REH-CP-01',
    'klgateway-140-intervention-1': 'REH-PI-01', 'klgateway-140-intervention-2': 'REH-PI-02',
    'KLGW-DISPLAY': 'REH-TERM-01',  # display agreement (kl_gateway::checkDisplays)
}
EXTRA_ELEMENTS = {  # element ids the path column says in words
    'klgateway-140-delivery-report': {'Bundle.entry.fullUrl': 'REH-DR-05', 'Bundle.entry.link': 'REH-DR-05'},
    'klgateway-140-organization': {'Organization.identifier:SOR-ID': 'REH-ORG-02',
                                   'Organization.identifier:KOMBIT-ORG-ID': 'REH-ORG-02',
                                   '@dk-core-sor-identifier': 'REH-ORG-02', '@dk-core-kombit-org-identifier': 'REH-ORG-02'},
    # A finding of a data type's profile ("@<profile>") on the resource it sits in.
    'klgateway-140-citizen': {'@dk-core-cpr-identifier': 'REH-CIT-02', '@dk-core-sor-identifier': 'REH-CIT-07'},
    'klgateway-140-care-plan': {},
    'klgateway-140-planned-intervention': {'CarePlan.status': 'REH-PI-06',
                                           'CarePlan.activity.detail.status': 'REH-PI-06'},
}

DANISH = {
 'REH-CORE-01': 'Ressourcen er ikke gyldig FHIR R4 (ukendt element, forkert type/format, manglende påkrævet element eller kode uden for en påkrævet kerne-binding)',
 'REH-CORE-02': 'En FHIR R4-kerneinvariant er brudt',
 'REH-CORE-03': 'En Condition registreret ved en fejl (entered-in-error) må ikke have clinicalStatus (R4 con-5)',
 'REH-DR-01': 'Indberetningsrapporten skal have meta.profile klgateway-140-delivery-report',
 'REH-DR-02': 'Indberetningsrapporten skal have Bundle.type = collection',
 'REH-DR-03': 'Indberetningsrapporten skal have et tidsstempel (Bundle.timestamp)',
 'REH-DR-04': 'Indberetningsrapporten må ikke have identifier, total, link eller signature',
 'REH-DR-05': 'Indberetningsrapporten skal have mindst én entry med en resource, og entries må ikke have link, search, request eller response',
 'REH-DR-06': 'Indberetningsrapporten må kun indeholde Patient, Organization, ServiceRequest, Condition, CarePlan og Encounter efter § 140-profilerne',
 'REH-DR-07': 'Indberetningsrapporten skal indeholde præcis én borger (Patient efter klgateway-140-citizen)',
 'REH-DR-08': 'Hver Condition i rapporten skal være en § 140-tilstand eller en fokustilstand',
 'REH-DR-09': 'Hver CarePlan i rapporten skal være et indsatsforløb eller en planlagt indsats',
 'REH-DR-10': 'En reference markeret "bundled" skal pege på en ressource i samme rapport',
 'REH-DR-11': 'En rapport indeholder én borger og kun det, der er ændret siden sidste indberetning (plus de ressourcer, det refererer til)',
 'REH-ID-01': 'IncrementalDelivery skal have Bundle.type = collection',
 'REH-ID-02': 'IncrementalDelivery skal have et tidsstempel (Bundle.timestamp)',
 'REH-ID-03': 'IncrementalDelivery må ikke have identifier, total, link eller signature',
 'REH-ID-04': 'IncrementalDelivery må kun indeholde indberetningsrapporter (klgateway-140-delivery-report)',
 'REH-CIT-01': 'Borgeren skal have præcis én identifier: CPR-nummeret',
 'REH-CIT-02': 'Borgerens CPR-identifier skal have system urn:oid:1.2.208.176.1.2, en værdi på højst 10 tegn og use official',
 'REH-CIT-03': 'Erstatnings-CPR (x-ecpr, d-ecpr) kan ikke indberettes efter § 140',
 'REH-CIT-04': 'CPR-nummeret skal være 10 cifre uden bindestreg og begynde med en gyldig dato (DDMMÅÅ)',
 'REH-CIT-05': 'Borgeren skal have deceasedBoolean (borgerErDød) sand eller falsk; en dødsdato må ikke sendes',
 'REH-CIT-06': 'Patient.active (harAktivJournal) må højst angives én gang',
 'REH-CIT-07': 'Borgeren skal have managingOrganization med en SOR-identifier (system urn:oid:1.2.208.176.1.1, use official) og intet andet',
 'REH-CIT-08': 'SOR-koden for den journalførende enhed skal være mindst 11 cifre',
 'REH-CIT-09': 'Borgerens navn, kontaktoplysninger, køn, fødselsdato, adresse og andre personoplysninger må ikke sendes',
 'REH-CIT-10': 'Civilstand må ikke sendes',
 'REH-ORG-01': 'En organisation skal have præcis én identifier',
 'REH-ORG-02': 'Organisationens identifier skal være en SOR-kode eller et FK-organisations-id (urn:uuid:…); EAN, ydernummer, CVR, kommune- og regionskode må ikke bruges',
 'REH-ORG-03': 'Organisationen skal identificeres med SOR-kode eller FK-organisations-id',
 'REH-ORG-04': 'Organization.active må højst angives én gang',
 'REH-ORG-05': 'Organisationens type, alias, kontaktoplysninger, adresse, partOf, endpoint og kontaktperson må ikke sendes',
 'REH-ORG-06': 'Organization bruges kun til eksterne aktører (afsender af GGOP, leverandør); kommunen står i Patient.managingOrganization',
 'REH-SR-01': 'Genoptræningsplanen skal have kategorien Almen, Specialiseret eller Rehabilitering',
 'REH-SR-02': 'Genoptræningsplanen skal have 1-2 kategorier fra ServiceRequestTypes140',
 'REH-SR-03': 'Genoptræningsplanen skal have code Kommunal genoptræning efter sygehusophold',
 'REH-SR-04': 'Genoptræningsplanen skal have intent = plan',
 'REH-SR-05': 'Genoptræningsplanen skal have en status (on-hold: ikke handlet på endnu, revoked: erstattet)',
 'REH-SR-06': 'Genoptræningsplanen skal referere til borgeren i samme rapport',
 'REH-SR-07': 'Genoptræningsplanen skal have requester: sygehuset, der sendte den, som Organization i samme rapport',
 'REH-SR-08': 'Genoptræningsplanen skal have authoredOn: datoen, kommunen modtog den (ellers afsendelsesdatoen)',
 'REH-SR-09': 'Genoptræningsplanen skal have udskrivningsdatoen (extension PreconditionDate, valueDate)',
 'REH-SR-10': 'Årsag til manglende aktivitet inden for 7-dages garantien skal være en kode fra ServiceRequestStatusReasons140',
 'REH-SR-11': 'Tilbudt første kontakt angives kun som occurrencePeriod.start (ingen slutdato, intet tidspunkt eller timing)',
 'REH-SR-12': 'reasonReference skal pege på en fokustilstand i samme rapport',
 'REH-SR-13': 'replaces skal pege på den erstattede genoptræningsplan i samme rapport',
 'REH-SR-14': 'Genoptræningsplanen indeholder et element, som § 140-profilen ikke tillader',
 'REH-FC-01': 'Fokustilstandens kode må kun være en SKS-diagnosekode (uden version og userSelected)',
 'REH-FC-02': 'Diagnosefritekst fra GGOP sendes som code.text i sin egen fokustilstand',
 'REH-FC-03': 'Fokustilstanden skal have clinicalStatus (active/inactive); en fokustilstand registreret ved en fejl kan derfor ikke indberettes (R4 con-5)',
 'REH-FC-04': 'Fokustilstandens verificationStatus må højst angives én gang (confirmed eller entered-in-error)',
 'REH-FC-05': 'Fokustilstanden skal referere til borgeren',
 'REH-FC-06': 'Fokustilstanden indeholder et element, som § 140-profilen ikke tillader',
 'REH-CON-01': 'Tilstanden skal have præcis én kode fra Conditions140 (FSIII-tilstande)',
 'REH-CON-02': 'Tilstandens clinicalStatus skal være én kode uden display, version og tekst',
 'REH-CON-03': 'Tilstandens verificationStatus skal være én kode uden display, version og tekst',
 'REH-CON-04': 'Tilstandens kategori skal være problem-list-item uden display, version og tekst',
 'REH-CON-05': 'Tilstanden skal have recordedDate: datoen, den første gang blev registreret i journalen',
 'REH-CON-06': 'Tilstanden skal referere til borgeren i samme rapport',
 'REH-CON-07': 'Tilstanden indeholder et element, som § 140-profilen ikke tillader',
 'REH-CON-08': 'En tilstand indberettes første gang, den registreres, og igen når clinicalStatus eller kategorien ændres',
 'REH-CP-01': 'Indsatsforløbets statusReason skal angives, når og kun når detail.status er cancelled eller stopped',
 'REH-CP-02': 'Indsatsforløbet skal have én kategori fra CarePlanCategories140 (Opfølgnings- eller Interventionsforløb efter § 140)',
 'REH-CP-03': 'Indsatsforløbet skal have intent = plan',
 'REH-CP-04': 'Indsatsforløbet skal have en status',
 'REH-CP-05': 'Indsatsforløbet skal referere til borgeren i samme rapport',
 'REH-CP-06': 'Indsatsforløbet skal have period.start (bevillingstidspunkt)',
 'REH-CP-07': 'Indsatsforløbet skal have præcis én activity med detail og uden outcome, progress og reference',
 'REH-CP-08': 'Indsatsforløbets activity.detail.status skal angives (fx unknown, cancelled)',
 'REH-CP-09': 'Indsatsforløbets statusReason skal være en kode fra CancellationTypes',
 'REH-CP-10': 'Indsatsforløbet skal have leverandøren som activity.detail.performer (Organization i samme rapport)',
 'REH-CP-11': 'Indsatsforløbets activity.detail indeholder et element, som § 140-profilen ikke tillader',
 'REH-CP-12': 'Indsatsforløbets anledning (BasedOnServiceRequestExtension) skal pege på en genoptræningsplan i samme rapport',
 'REH-CP-13': 'Indsatsforløbet indeholder et element, som § 140-profilen ikke tillader',
 'REH-CP-14': 'Fejl rettes ved at gensende med status entered-in-error og sende det rettede under nyt id; aflysning med samme id, status og statusReason',
 'REH-PI-01': 'En træningsindsats (ADL, fysisk, funktions-, kognitiv, psykomotorisk træning, vejledning, manuel behandling) skal have basedOn til et indsatsforløb',
 'REH-PI-02': 'Terapeutfaglig udredning og Koordinering og kommunikation må ikke have basedOn',
 'REH-PI-03': 'Den planlagte indsats skal have én kode: FSIII-niveau 2 fra KLTrainingInterventionsFSIII og/eller en lokal niveau 3-kode med display; andre kodninger er ikke tilladt',
 'REH-PI-04': 'Den planlagte indsats skal have mindst én leveringsform (DeliveryType) fra DeliveryTypes140',
 'REH-PI-05': 'Den planlagte indsats skal have intent = plan',
 'REH-PI-06': 'Den planlagte indsats skal have status og activity.detail.status',
 'REH-PI-07': 'basedOn skal pege på et indsatsforløb i samme rapport',
 'REH-PI-08': 'Den planlagte indsats skal referere til borgeren i samme rapport',
 'REH-PI-09': 'Den planlagte indsats skal have period.start (bevillingstidspunkt)',
 'REH-PI-10': 'Den planlagte indsats skal have præcis én activity med detail og uden outcome, progress og reference',
 'REH-PI-11': 'Den planlagte indsats kan have én leverandør (performer, Organization i samme rapport); send den, når den kendes',
 'REH-PI-12': 'reasonReference skal pege på tilstande (klgateway-140-condition) i samme rapport',
 'REH-PI-13': 'Den planlagte indsats må ikke have statusReason (kun indsatsforløbet)',
 'REH-PI-14': 'Den planlagte indsats\' anledning skal pege på en genoptræningsplan i samme rapport',
 'REH-PI-15': 'Den planlagte indsats indeholder et element, som § 140-profilen ikke tillader',
 'REH-ENC-01': 'Kontaktens class skal være en kode fra EncounterClassCodes (fx HH hjemmebesøg, AMB, Telefonisk, Skærmbesøg)',
 'REH-ENC-02': 'Kontakten må ikke have type',
 'REH-ENC-03': 'Kontakten skal have en status (finished for gennemførte, entered-in-error for fejl)',
 'REH-ENC-04': 'Kontakten skal referere til borgeren i samme rapport',
 'REH-ENC-05': 'Kontakten skal have period med start og slut (planlagte tider er nok)',
 'REH-ENC-06': 'Kontaktens basedOnCarePlan skal pege på et indsatsforløb eller en planlagt indsats i samme rapport',
 'REH-ENC-07': 'Kontakten indeholder et element, som § 140-profilen ikke tillader',
 'REH-EXT-01': 'Udskrivningsdato (PreconditionDate) skal være en valueDate uden underextensions',
 'REH-EXT-02': 'Leveringsform (DeliveryType) skal være en valueCodeableConcept uden underextensions',
 'REH-EXT-03': 'BasedOnServiceRequestExtension skal have en valueReference til en genoptræningsplan',
 'REH-EXT-04': 'BasedOnCarePlanExtension skal have en valueReference til et indsatsforløb eller en planlagt indsats',
 'REH-EXT-05': 'Extensions, som IG\'en ikke definerer, sendes ikke',
 'REH-TERM-01': 'En kodes display skal svare til kodesystemets; Conditions clinicalStatus, verificationStatus og category må ikke have display',
 'REH-TERM-02': 'Lokale niveau 3-indsatser (LocallyDefinedInterventions) har ingen kodeliste; kode og display er fri tekst',
 'REH-GW-01': 'Hver rapport sendes som PUT /fhir/Bundle/{id} med et globalt unikt id lig Bundle.id',
 'REH-GW-02': 'FK Gateway validerer hver rapport mod IG\'ens profiler og afviser med 4xx og OperationOutcome',
 'REH-GW-03': 'Mindst dagligt én rapport pr. ændret borger, hver for højst én dag',
 'REH-GW-04': 'Ressourcers id er universelt unikke; samme id er en opdatering af den tidligere indberettede ressource',
 'REH-GW-05': 'Adgang til FK Gateway: OAuth 2.0 token exchange af en KOMBIT STS-assertion med JWT-klientautentifikation',
}

def elements(path):
    path = re.sub(r'\(incl\. [^)]*\)', '', path).replace('`', '')
    parts = [p.strip() for p in re.split(r',| / ', path) if p.strip()]
    if not parts or not re.match(r'^[A-Z][A-Za-z]+(\.|$)', parts[0]):
        return []
    out, root = [], parts[0].split('.')[0]
    parent = parts[0].split(' ')[0].rsplit('.', 1)[0] if '.' in parts[0] else root
    last_full = parts[0]
    for p in parts:
        if ': .' in p:  # "activity.detail: .kind": the following items are below that element
            head, p = p.split(': ', 1)
            parent = root + '.' + head.split(' ')[-1].lstrip('.;')
        p = p.split(' ')[0].rstrip(';')
        if p.startswith('.'):
            out.append(parent + p)
        elif p.startswith(':'):
            out.append(last_full.rsplit(':', 1)[0] + p)
        else:
            out.append(p)
            last_full = p
    return [e for e in out if '.' in e or ':' in e]

def main(rules_md):
    md = open(rules_md, encoding='utf-8').read()
    section, ids = None, []
    elem = {p: dict(EXTRA_ELEMENTS.get(p, {})) for p in SECTIONS.values()}
    for line in md.splitlines():
        if line.startswith('## '):
            section = next((p for k, p in SECTIONS.items() if line[3:].startswith(k)), None)
        m = re.match(r'\| (REH-[A-Z]+-\d+) \| ((?:[^|\\]|\\\|)*) \|', line)
        if not m:
            continue
        rid, path = m.group(1), m.group(2)
        ids.append(rid)
        if section:
            for e in elements(path):
                elem[section].setdefault(e, rid)
    missing = [i for i in ids if i not in DANISH]
    extra = [i for i in DANISH if i not in ids]
    if missing or extra:
        sys.exit(f'messages missing for {missing}, for unknown ids {extra}')
    json.dump({'source': 'tools/gen_rehab_rules.py from ../shared/reference/rehab/RULES.md (IG v2.2.0)',
               'rules': {i: DANISH[i] for i in ids}, 'findings': FINDINGS,
               'elements': {p: dict(sorted(e.items())) for p, e in elem.items()}, 'profiles': CATCH_ALL},
              sys.stdout, ensure_ascii=False, indent=1)
    print()

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '../shared/reference/rehab/RULES.md')
