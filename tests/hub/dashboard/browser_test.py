#!/usr/bin/python3
"""The dashboard in a real browser (issue 15 "Must show"): Debian's chromium
driven by chromedriver through python3-selenium, against `reghub run` over
the store `reghub demo --no-wait` filled (sandboxes, seeded mistakes, real
deliveries). Signs in with the demo's token, checks the overview's numbers
against GET /status and that it shows traffic lights, follows a rule to its
forløb and one forløb's timeline, searches a citizen by CPR (POST), opens
every view, reads the CSVs with the browser's session, checks that no full
CPR number appears anywhere, signs out. Screenshots go to the output
directory (argv[3]); 02-oversigt.png is the README's (docs/dashboard.png).

usage: browser_test.py REGHUB_BINARY SOURCE_DIR OUT_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BIN, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
TEN_DIGITS = re.compile(r"\d{10}")


def request(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body.encode() if body else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def fill_by_demo(work):
    """`reghub demo --no-wait`: sandboxes, synthetic citizens with seeded mistakes, delivery; its
    properties name the store, its key and the dashboard's client (token in dashboard-token)."""
    demo = os.path.join(work, "demo")
    r = subprocess.run([BIN, "demo", "--no-wait", "--citizens", "40", "--seed", "7", "--dir", demo],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert r.returncode == 0, r.stdout
    assert "dashboard:" in r.stdout, r.stdout
    no_cpr(r.stdout, "the demo's output")
    with open(os.path.join(demo, "dashboard-token"), encoding="utf-8") as f:
        token = f.read().strip()
    cprs = set()
    with open(os.path.join(demo, "input.ndjson"), encoding="utf-8") as f:
        for m in re.finditer(r'"urn:oid:1\.2\.208\.176\.1\.2","value":"(\d{10})"', f.read().replace(" ", "")):
            cprs.add(m.group(1))
    assert cprs, "the demo's input names citizens by CPR"
    return os.path.join(demo, "demo.properties"), token, sorted(cprs)


def start_hub(props):
    proc = subprocess.Popen([BIN, "run", "--config", props, "--no-workers"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[2].rstrip("/")
    raise SystemExit("reghub run did not start")


def arrive(driver, path):
    """Waits for the navigation a click started (click() returns before it ends)."""
    WebDriverWait(driver, 10).until(lambda d: d.current_url.split("?")[0].endswith(path))


def overview_cells(driver):
    """(registry, kommune) → [godkendt, afvist, død, venter] from the overview's message table (after the deadlines)."""
    out = {}
    table = driver.find_elements(By.TAG_NAME, "table")[1]
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


def shot(driver, name):
    driver.save_screenshot(os.path.join(OUT, name + ".png"))


def open_view(driver, base, path, name, must):
    driver.get(base + path)
    assert must in driver.page_source, (path, must)
    no_cpr(driver.page_source + driver.current_url, path)
    shot(driver, name)


def fetch(driver, href):
    cookie = driver.get_cookie("reghub_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
    return request(href, "GET", "", headers={"Cookie": "reghub_session=" + cookie["value"]})


def main():
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="reghub-browser-")
    props, token, cprs = fill_by_demo(work)
    proc, base = start_hub(props)
    driver = None
    try:
        status = request(base, "GET", "/status", headers={"Authorization": "Bearer " + token})[1]

        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1400,1000"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

        driver.get(base + "/dashboard/oversigt")
        assert driver.current_url.endswith("/dashboard/login"), driver.current_url
        shot(driver, "01-login")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        arrive(driver, "/dashboard/oversigt")
        shot(driver, "02-oversigt")
        no_cpr(driver.page_source, "the overview")
        assert "Frister pr. register og kommune" in driver.page_source
        assert re.search(r'class="lys-(groen|gul|roed)"', driver.page_source), "a traffic light"
        assert overview_cells(driver) == status_cells(status), (overview_cells(driver), status_cells(status))

        # Why not delivered: a rule → its forløb → that forløb's timeline.
        driver.find_element(By.LINK_TEXT, "Hvorfor ikke leveret").click()
        arrive(driver, "/dashboard/problemer")
        shot(driver, "03-problemer")
        no_cpr(driver.page_source, "why not delivered")
        driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard/regel']")[0].click()
        arrive(driver, "/dashboard/regel")
        shot(driver, "04-regel")
        no_cpr(driver.page_source + driver.current_url, "a rule's page")
        cases = driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard/forloeb']")
        assert cases, "the rule lists its forløb"
        cases[0].click()
        arrive(driver, "/dashboard/forloeb")
        assert "Forløbets tidslinje" in driver.page_source
        assert len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) > 0, "the timeline has rows"
        shot(driver, "05-forloeb")
        no_cpr(driver.page_source + driver.current_url, "a forløb's timeline")

        # A citizen by CPR: a POST, the answer masks it, the URL never holds it.
        driver.find_element(By.ID, "cpr").send_keys(cprs[0])
        driver.find_element(By.CSS_SELECTOR, "form.soeg button").click()
        arrive(driver, "/dashboard/soeg")
        assert "Borgerens beskeder" in driver.page_source
        assert len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) > 0, "the citizen's messages"
        no_cpr(driver.page_source + driver.current_url, "the CPR search")
        shot(driver, "06-soeg")

        open_view(driver, base, "/dashboard/udvikling", "07-udvikling", '<svg class="chart"')
        open_view(driver, base, "/dashboard/opgaver", "08-opgaver", "Manuelle opgaver")
        open_view(driver, base, "/dashboard/parkerede", "09-parkerede", "Parkerede ressourcer")
        open_view(driver, base, "/dashboard/doede", "10-doede", "Døde beskeder")
        open_view(driver, base, "/dashboard/certifikater", "11-certifikater", "Certifikater")

        # The CSVs the overview links to, fetched with the browser's session.
        driver.get(base + "/dashboard/oversigt")
        links = driver.find_elements(By.LINK_TEXT, "Hent som CSV")
        code, frister, headers = fetch(driver, links[0].get_attribute("href"))
        assert code == 200 and frister.startswith("\ufeffRegister;Kommune;Lys;"), frister[:80]
        code, csv, headers = fetch(driver, links[1].get_attribute("href"))
        assert code == 200 and csv.startswith("\ufeffRegister;Kommune;"), csv[:80]
        assert headers.get("Content-Type", "").startswith("text/csv"), headers
        from_csv = {}
        for line in csv.lstrip("\ufeff").splitlines()[1:]:
            f = line.split(";")
            from_csv[(f[0], f[1])] = [int(x) for x in f[2:6]]
        assert from_csv == status_cells(status), (from_csv, status_cells(status))
        for text, where in ((csv, "the overview CSV"), (frister, "the deadlines CSV")):
            no_cpr(text, where)
        with open(os.path.join(OUT, "oversigt.csv"), "w", encoding="utf-8") as f:
            f.write(csv)

        driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        arrive(driver, "/dashboard/login")
        driver.get(base + "/dashboard/oversigt")
        assert driver.current_url.endswith("/dashboard/login"), "signed out"
        shot(driver, "12-logget-ud")
        print("browser test passed; screenshots in " + OUT)
    finally:
        if driver:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
