#!/usr/bin/python3
"""The dashboard in a real browser (issue 15 "Must show"): Debian's chromium
driven by chromedriver through python3-selenium, against `reghub run` with a
real SQLite store filled over the API. Signs in with a token, opens the
overview and checks its numbers against GET /status, follows a rule to its
page, opens a forløb's timeline, reads a CSV with the browser's session,
checks that no full CPR number appears anywhere, signs out. Screenshots go
to the output directory (argv[3]).

usage: browser_test.py REGHUB_BINARY SOURCE_DIR OUT_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BIN, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
TOKENS = {"intake": "browser-intake-token-abcdefgh", "analyst": "browser-analyst-token-abcdefgh"}
CPRS = ["0101804321", "0202805433"]
TEN_DIGITS = re.compile(r"\d{10}")


def citizen(patient, cpr, kommune):
    with open(os.path.join(SRC, "tests/adapters/smdb/cases/SMDB-IVAER-10__keep_andet_with_text/input.json"),
              encoding="utf-8") as f:
        s = f.read()
    return s.replace('-1"', "-" + patient + '"').replace("0101901235", cpr).replace('"0330"', '"' + kommune + '"')


def invalid_citizen(patient, cpr, kommune):
    # Only an anmodning, of a woman without the answer SMDB-ANM-02 requires: a validation error.
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:" + patient, "resource": {
            "resourceType": "Patient", "id": patient,
            "identifier": [{"system": "urn:oid:1.2.208.176.1.2", "value": cpr}],
            "name": [{"use": "official", "family": "Jensen", "given": ["Anna"]}], "gender": "female"}},
        {"fullUrl": "urn:uuid:k" + kommune, "resource": {
            "resourceType": "Organization", "id": "k" + kommune,
            "identifier": [{"system": "http://hl7.dk/fhir/core/CodeSystem/dk-core-municipality-codes",
                            "value": kommune}]}},
        {"fullUrl": "urn:uuid:ep-" + patient, "resource": {
            "resourceType": "EpisodeOfCare", "id": "ep-" + patient,
            "identifier": [{"system": "urn:kommune:sag", "value": "SAG-" + patient}], "status": "active",
            "type": [{"coding": [{"system": "urn:reghub:legal-basis", "code": "SEL-101"}]}],
            "patient": {"reference": "Patient/" + patient},
            "managingOrganization": {"reference": "Organization/k" + kommune},
            "period": {"start": "2026-05-01"}}},
        {"fullUrl": "urn:uuid:qr-" + patient, "resource": {
            "resourceType": "QuestionnaireResponse", "id": "qr-" + patient,
            "questionnaire": "urn:reghub:smdb:ANM", "status": "completed",
            "authored": "2026-05-01T10:00:00+02:00",
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",
                           "valueReference": {"reference": "EpisodeOfCare/ep-" + patient}}],
            "subject": {"reference": "Patient/" + patient},
            "item": [{"linkId": "BehandlingAnmodningDato", "answer": [{"valueDate": "2026-05-01"}]}]}}]})


def request(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body.encode() if body else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def post_and_wait(base, body, headers):
    """POST /fhir answers 202 before the ingest (issue 10): wait at its URL until done."""
    status, _, answer = request(base, "POST", "/fhir", body, headers)
    assert status == 202, status
    for _ in range(400):
        if '"state":"done"' in request(base, "GET", answer["Location"], headers=headers)[1]:
            return status
        time.sleep(0.025)
    raise AssertionError("ingest not done: " + answer["Location"])


def start_hub(work):
    props = os.path.join(work, "reghub.properties")
    lines = ["store.url = sqlite:" + os.path.join(work, "store.db"), "http.port = 0",
             "http.clients = " + ", ".join(TOKENS)]
    for name, token in TOKENS.items():
        path = os.path.join(work, "token-" + name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, token.encode())
        os.close(fd)
        lines += ["http.client.%s.tokenFile = %s" % (name, path), "http.client.%s.roles = %s" % (name, name)]
    with open(props, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    env = dict(os.environ, REGHUB_STORE_KEY=KEY)
    proc = subprocess.Popen([BIN, "run", "--config", props, "--no-workers"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[2].rstrip("/")
    raise SystemExit("reghub run did not start")


def arrive(driver, path):
    """Waits for the navigation a click started (click() returns before it ends)."""
    WebDriverWait(driver, 10).until(lambda d: d.current_url.split("?")[0].endswith(path))


def overview_cells(driver):
    """(registry, kommune) → [godkendt, afvist, død, venter] from the overview's first table."""
    out = {}
    table = driver.find_elements(By.TAG_NAME, "table")[0]
    for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        out[(cells[0], cells[1])] = [int(x) for x in cells[2:6]]
    return out


def status_cells(body):
    out = {}
    for c in json.loads(body)["counts"]:
        row = out.setdefault((c["registry"], c["kommune"]), [0, 0, 0, 0])
        index = {"accepted": 0, "rejected": 1, "dead": 2, "pending": 3, "sending": 3, "retry-wait": 3}.get(c["state"])
        if index is not None:
            row[index] += c["count"]
    return out


def no_cpr(text, where):
    assert not TEN_DIGITS.search(text), "a full CPR number in " + where
    for cpr in CPRS:
        assert cpr not in text, "a full CPR number in " + where


def main():
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="reghub-browser-")
    proc, base = start_hub(work)
    driver = None
    try:
        intake = {"Authorization": "Bearer " + TOKENS["intake"], "Content-Type": "application/fhir+json"}
        assert post_and_wait(base, citizen("p1", CPRS[0], "0101"), intake) == 202
        assert post_and_wait(base, invalid_citizen("p2", CPRS[1], "0330"), intake) == 202
        status = request(base, "GET", "/status", headers={"Authorization": "Bearer " + TOKENS["analyst"]})[1]

        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

        driver.get(base + "/dashboard/oversigt")
        assert driver.current_url.endswith("/dashboard/login"), driver.current_url
        driver.save_screenshot(os.path.join(OUT, "01-login.png"))
        driver.find_element(By.ID, "token").send_keys(TOKENS["analyst"])
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        arrive(driver, "/dashboard/oversigt")
        driver.save_screenshot(os.path.join(OUT, "02-oversigt.png"))
        no_cpr(driver.page_source, "the overview")
        assert overview_cells(driver) == status_cells(status), (overview_cells(driver), status_cells(status))

        driver.find_element(By.LINK_TEXT, "Hvorfor ikke leveret").click()
        arrive(driver, "/dashboard/problemer")
        driver.save_screenshot(os.path.join(OUT, "03-problemer.png"))
        no_cpr(driver.page_source, "why not delivered")
        driver.find_element(By.PARTIAL_LINK_TEXT, "SMDB-ANM-02").click()
        arrive(driver, "/dashboard/regel")
        driver.save_screenshot(os.path.join(OUT, "04-regel.png"))
        no_cpr(driver.page_source + driver.current_url, "a rule's page")

        driver.get(base + "/dashboard/forloeb?noegle=src-ep-p1")
        assert "venter" in driver.page_source
        driver.save_screenshot(os.path.join(OUT, "05-forloeb.png"))
        no_cpr(driver.page_source, "a forløb's timeline")

        # The CSV the page links to, fetched with the browser's session.
        driver.get(base + "/dashboard/oversigt")
        href = driver.find_element(By.LINK_TEXT, "Hent som CSV").get_attribute("href")
        cookie = driver.get_cookie("reghub_session")
        assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
        code, csv, headers = request(href, "GET", "", headers={"Cookie": "reghub_session=" + cookie["value"]})
        assert code == 200 and csv.startswith("\ufeffRegister;Kommune;"), csv[:80]
        assert headers.get("Content-Type", "").startswith("text/csv"), headers
        no_cpr(csv, "the overview CSV")
        with open(os.path.join(OUT, "oversigt.csv"), "w", encoding="utf-8") as f:
            f.write(csv)

        driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        arrive(driver, "/dashboard/login")
        driver.get(base + "/dashboard/oversigt")
        assert driver.current_url.endswith("/dashboard/login"), "signed out"
        driver.save_screenshot(os.path.join(OUT, "06-logget-ud.png"))
        print("browser test passed; screenshots in " + OUT)
    finally:
        if driver:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
