#!/usr/bin/python3
"""The dashboard in a real browser (issue 15 "Must show"): Debian's chromium
driven by chromedriver through python3-selenium, against `reghub run` over
the store `reghub demo` filled (sandboxes, seeded mistakes, real deliveries)
and serves, run in a pseudo-terminal as a person runs it (then Ctrl-C). Signs in with the demo's token, checks the overview's numbers
against GET /status and that it shows traffic lights, follows a rule to its
forløb and one forløb's timeline, posts a forløb's key in its form (no key in
the URL), searches a citizen by CPR (POST), opens
every view, reads the CSVs with the browser's session, checks that no full
CPR number appears anywhere, signs out. Screenshots go to the output
directory (argv[3]); 02-oversigt.png is the README's (docs/dashboard.png).

usage: browser_test.py REGHUB_BINARY SOURCE_DIR OUT_DIR
"""
import json
import os
import re
import select
import signal
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
# Shaped like a full CPR number, as scripts/cpr-scan.sh looks for it: a real
# day and month, then year and serial, with or without the dash, standing
# alone (not inside a longer number, a timestamp or an id).
CPR_SHAPED = re.compile(r"(?<![0-9A-Za-z])(0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01])(0[1-9]|1[0-2])"
                        r"[0-9]{2}-?[0-9]{4}(?![0-9A-Za-z])")


def request(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body.encode() if body else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8"), dict(e.headers)


def demo_in_a_terminal(work):
    """`reghub demo` in a pseudo-terminal, as a person runs it: sandboxes, synthetic citizens with
    seeded mistakes, delivery, the summary; then it serves the dashboard over that store until
    Ctrl-C. Returns the process, the pty, the dashboard's base URL, the demo's token and CPRs."""
    demo = os.path.join(work, "demo")
    master, slave = os.openpty()
    proc = subprocess.Popen([BIN, "demo", "--citizens", "40", "--seed", "7", "--dir", demo],
                            stdin=slave, stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    out = ""
    deadline = time.time() + 240
    while "serving until Ctrl-C" not in out:
        assert time.time() < deadline and proc.poll() is None, "demo did not serve the dashboard:\n" + out
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            out += os.read(master, 65536).decode("utf-8", "replace")
    no_cpr(out, "the demo's output")
    url = re.search(r"dashboard: +(http\S+)/dashboard/", out)
    assert url, out
    with open(os.path.join(demo, "dashboard-token"), encoding="utf-8") as f:
        token = f.read().strip()
    cprs = set()
    with open(os.path.join(demo, "input.ndjson"), encoding="utf-8") as f:
        for m in re.finditer(r'"urn:oid:1\.2\.208\.176\.1\.2","value":"(\d{10})"', f.read().replace(" ", "")):
            cprs.add(m.group(1))
    assert cprs, "the demo's input names citizens by CPR"
    return proc, master, url.group(1), token, sorted(cprs)


def stop_demo(proc, master):
    """Ctrl-C: the demo stops serving and exits 0 (everything was delivered)."""
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0, proc.returncode
    os.close(master)


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
    m = CPR_SHAPED.search(text)
    # Say where, never the number.
    assert not m, "a full CPR number in %s, after: %r" % (where, text[max(0, m.start() - 60):m.start()])


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
    proc, master, base, token, cprs = demo_in_a_terminal(work)
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
        # Rules with equal counts come in no fixed order, and a forløb stopped
        # by validation has no message yet (so no timeline rows): the first
        # rule whose first forløb has a timeline is followed; every rule page
        # and forløb page on the way is checked for CPR numbers.
        rules = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard/regel']")]
        assert rules, "why not delivered lists rules"
        timeline = False
        for i, rule in enumerate(rules):
            driver.get(rule)
            arrive(driver, "/dashboard/regel")
            if i == 0:
                shot(driver, "04-regel")
            no_cpr(driver.page_source + driver.current_url, "a rule's page")
            cases = driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard/forloeb']")
            assert cases, "the rule lists its forløb"
            cases[0].click()
            arrive(driver, "/dashboard/forloeb")
            assert "Forløbets tidslinje" in driver.page_source
            no_cpr(driver.page_source + driver.current_url, "a forløb's timeline")
            if driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
                timeline = True
                break
        assert timeline, "some rule's forløb has a timeline with rows"
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

        # The forløb-key form is a POST: a key typed in (one of the citizen's forløb) never reaches a URL.
        links = driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dashboard/forloeb?noegle=']")
        assert links, "the citizen's messages link their forløb"
        typed = links[0].text
        driver.get(base + "/dashboard/forloeb")
        driver.find_element(By.ID, "noegle").send_keys(typed)
        driver.find_element(By.CSS_SELECTOR, "form.noegle button").click()
        WebDriverWait(driver, 10).until(lambda d: "Forløbets tidslinje" in d.page_source)
        assert len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) > 0, ("the posted key's timeline", typed)
        assert driver.current_url.endswith("/dashboard/forloeb") and "noegle" not in driver.current_url, driver.current_url
        no_cpr(driver.page_source + driver.current_url, "a posted forløb's timeline")
        shot(driver, "06b-forloeb-post")

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
        driver.quit()
        driver = None
        stop_demo(proc, master)
        print("browser test passed; screenshots in " + OUT)
    finally:
        if driver:
            driver.quit()
        if proc.poll() is None:
            proc.kill()


if __name__ == "__main__":
    main()
