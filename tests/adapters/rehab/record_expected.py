#!/usr/bin/env python3
"""Writes each case folder's expected_diagnostics.jsonl from `reghub validate --registry rehab`,
and says where a break case does not report its own rule or a keep case reports anything: those
are read and judged by hand before the expectations are kept (a break case must fail without its
rule). Run from this folder after make_cases.py, with the built binary."""
import json, os, subprocess, sys
bin = os.environ.get('REGHUB', '../../../build/hub/cli/reghub')
if not os.path.exists(bin):
    sys.exit('set REGHUB to the built reghub binary')
problems = []
for case in sorted(os.listdir('cases')):
    d = os.path.join('cases', case)
    out = subprocess.run([bin, 'validate', '--registry', 'rehab', '--format', 'json', '--as-of', '2024-10-31', os.path.join(d, 'input.json')],
                         capture_output=True, text=True)
    got = []
    for line in out.stdout.splitlines():
        try: x = json.loads(line)
        except Exception: continue
        if x.get('registry') != 'rehab' or x['severity'] not in ('error', 'warning'): continue
        got.append({'severity': x['severity'], 'rule': x['rule'], 'field': x.get('field', '')})
    rule, outcome = case.split('__')[0], case.split('__')[1].split('_')[0]
    rules = {g['rule'] for g in got if g['severity'] == 'error'}
    if outcome == 'break' and rule not in rules: problems.append(f'{case}: {rule} not reported; got {sorted(rules)}')
    if outcome == 'keep' and got: problems.append(f'{case}: keep case reports {sorted(rules)}')
    uniq = got
    with open(os.path.join(d, 'expected_diagnostics.jsonl'), 'w') as f:
        for g in uniq: f.write(json.dumps(g, ensure_ascii=False) + '\n')
print('\n'.join(problems)); print(len(problems), 'problems')
