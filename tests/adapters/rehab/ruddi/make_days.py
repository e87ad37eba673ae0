#!/usr/bin/env python3
"""Makes the Ruddi story's day files as a kommune case system sends them, from
the IG's example reports (../shared/reference/rehab/examples/DeliveryReport-Ruddi-N):
each day file holds only what is new or changed that day (CONTRACT §1 "Deltas"),
without meta.profile, with meta.lastUpdated on that day, and with what a case
system adds and the hub must drop (names, addresses, notes, a local identifier,
an unknown extension, an Observation). Also writes expected.json: per day, the
ids the IG's report of that day holds.
The IG's reports 6 and 7 are both stamped 2022-06-21; a report covers one day
per citizen (REH-GW-03), so report 7's news (a forløb starting 2022-06-22) is
that day's here. Run once: python3 make_days.py ../../../../../shared/reference/rehab/examples
"""
import copy, json, os, sys

src = sys.argv[1]
days = [(1, '2022-05-23'), (2, '2022-05-28'), (6, '2022-06-21'), (7, '2022-06-22'), (8, '2022-06-23')]
seen, expected = {}, {}
for n, day in days:
    report = json.load(open(os.path.join(src, f'DeliveryReport-Ruddi-{n}.json'), encoding='utf-8'))
    news, ids = [], []
    for e in report['entry']:
        r = copy.deepcopy(e['resource'])
        r.pop('meta', None)
        ids.append(r['resourceType'] + '/' + r['id'])
        key = r['resourceType'] + '/' + r['id']
        if seen.get(key) == r:
            continue  # re-sent by the IG because news refers to it: not news from the case system
        seen[key] = copy.deepcopy(r)
        r['meta'] = {'lastUpdated': day + 'T09:00:00+02:00'}
        t = r['resourceType']
        if t == 'Patient':
            r['name'] = [{'use': 'official', 'family': 'Berggren', 'given': ['Ruddi']}]
            r['address'] = [{'line': ['Testvej 1'], 'postalCode': '8000', 'city': 'Aarhus C'}]
            r['identifier'].append({'system': 'urn:kommune:0751:borger', 'value': 'B-4711'})
        if t == 'Organization':
            r['name'] = 'Aarhus Universitetshospital' if r['id'].startswith('55a0') else 'Genoptræning Aarhus'
            r['telecom'] = [{'system': 'phone', 'value': '78450000'}]
        if t == 'ServiceRequest':
            r['note'] = [{'text': 'Ruddi ønsker træning om formiddagen'}]
            r['identifier'] = [{'system': 'urn:kommune:0751:ggop', 'value': 'GGOP-2022-118'}]
        if t == 'CarePlan':
            r['title'] = 'Genoptræning efter hoftebrud'
            r.setdefault('extension', []).append({'url': 'urn:kommune:0751:sagsbehandler', 'valueString': 'KAJ'})
        if t == 'Encounter':
            r['participant'] = [{'individual': {'display': 'Fysioterapeut Hansen'}}]
        news.append({'fullUrl': 'urn:uuid:' + r['id'], 'resource': r})
    if n == 1:
        news.append({'resource': {'resourceType': 'Observation', 'id': 'vaegt-1', 'status': 'final',
                                  'code': {'text': 'Vægt'}, 'subject': {'reference': 'Patient/95ce3be6-dba6-48ab-b5d1-8a25929414dc'}}})
    bundle = {'resourceType': 'Bundle', 'type': 'collection', 'entry': news}
    with open(f'{day}.json', 'w', encoding='utf-8') as f:
        json.dump(bundle, f, ensure_ascii=False, indent=1)
        f.write('\n')
    expected[day] = sorted(ids)
with open('expected.json', 'w', encoding='utf-8') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
