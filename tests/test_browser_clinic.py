"""The app as a clinic server, in a real browser against a real server and store: log-in, who sees what,
patient links, wrong passwords, the audit table. Screenshots are saved in test-output/browser/."""

import subprocess
import sys
import time
import urllib.request

import pytest

from browser import CHROMIUM_FLAGS, AppServer, analyse_upload, chromium, shot
from clips import clip

pytestmark = pytest.mark.pipeline

ANN, BOB = ("ann", "ann's long password"), ("bob", "bob's long password")
SECRET_PATIENT = "P-7731"


def users_add(store, name, password, *extra):
    done = subprocess.run([sys.executable, "-m", "movement_screen", "users", "add", name, "--store", str(store),
                           *extra], input=password + "\n", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clinic")
    store = tmp / "history.sqlite"
    users_add(store, *ANN, "--admin")
    users_add(store, *BOB)
    app = AppServer(tmp, mode="clinic", env={"MOVEMENT_SCREEN_MAX_FAILURES": "3",
                                             "MOVEMENT_SCREEN_LOCK_MINUTES": "0.15"})
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        yield chrome
        chrome.close()


def fresh_page(browser):
    """A separate browser context: its own cookies and Streamlit session, like another person's browser."""
    return browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()


def log_in(page, server, who, expect_text="Logged in as"):
    from playwright.sync_api import expect

    page.goto(server.url)
    expect(page.get_by_text("Therapist log-in")).to_be_visible(timeout=60_000)
    page.get_by_label("Name").fill(who[0])
    page.get_by_label("Password", exact=True).fill(who[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(expect_text).first).to_be_visible(timeout=30_000)


def choose(page, label, option, which="first"):
    """Pick ``option`` in the Streamlit select box labelled ``label`` (the sidebar's comes first)."""
    boxes = page.get_by_role("combobox", name=label, exact=True)
    box = boxes.first if which == "first" else boxes.last
    box.click()
    if not page.get_by_role("option").count():  # a click does not always open the list: the keyboard does
        page.wait_for_timeout(500)
        if not page.get_by_role("option").count():
            box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()


def body(page) -> str:
    return page.locator("body").inner_text()


def test_without_log_in_nothing_about_a_patient_is_reachable(server, browser):
    from playwright.sync_api import expect

    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    with Clinic(Store(server.store)) as clinic:
        if not clinic.store.has_patient(SECRET_PATIENT):
            clinic.add_patient(SECRET_PATIENT, "ann", name="Jane Roe")
            clinic.store.add_session(SECRET_PATIENT, {"screen": "squat", "sources": [{"path": "/clinic/jane.mov"}]})
    page = fresh_page(browser)
    page.goto(server.url)
    expect(page.get_by_text("Therapist log-in")).to_be_visible(timeout=60_000)
    shot(page, "clinic-1-log-in")
    for query in ("?page=Patients", f"?patient={SECRET_PATIENT}", "?link=", "?therapist=1",
                  "?link=not-a-real-link"):
        page.goto(server.url + "/" + query)
        page.wait_for_timeout(1500)
        text = body(page)
        assert SECRET_PATIENT not in text and "Jane" not in text and "jane.mov" not in text, query
        assert "Therapist log-in" in text or "This link does not work" in text, query
    for path in ("/history.sqlite", "/app/static/history.sqlite", "/media/", "/_stcore/host-config",
                 "/app/", f"/{SECRET_PATIENT}"):
        try:
            with urllib.request.urlopen(server.url + path, timeout=10) as reply:
                content = reply.read()
        except urllib.error.HTTPError as exc:
            content = exc.read()
        assert SECRET_PATIENT.encode() not in content and b"Jane" not in content and b"SQLite" not in content, path
    page.context.close()


def test_a_patient_link_records_a_session_only_its_therapist_sees(server, browser, tmp_path):
    from playwright.sync_api import expect

    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    video = clip("lnewco_ohs_7033_front.mov")
    ann = fresh_page(browser)
    log_in(ann, server, ANN)
    choose(ann, "Patient", "(new patient)")
    ann.get_by_label("New patient id").fill("P-100")
    ann.get_by_role("button", name="Add patient").click()
    expect(ann.get_by_text("Patient P-100 added")).to_be_visible(timeout=30_000)
    ann.get_by_text("Patients", exact=True).click()
    expect(ann.get_by_text("Your patients")).to_be_visible(timeout=30_000)
    choose(ann, "Patient", "P-100", which="last")  # the page's own select box, not the sidebar's
    ann.get_by_role("button", name="Create link").click()
    code = ann.locator("code").filter(has_text="?link=")
    expect(code).to_be_visible(timeout=30_000)
    link = code.inner_text().strip()
    assert link.startswith(server.url + "/?link=")
    shot(ann, "clinic-2-link-created")

    patient = fresh_page(browser)
    patient.goto(link)
    expect(patient.get_by_text("Your movement check: Squat")).to_be_visible(timeout=60_000)
    text = body(patient)
    assert "Patients" not in text and SECRET_PATIENT not in text and "Log in" not in text
    patient.locator("input[type=file]").first.set_input_files(str(video))
    expect(patient.locator('[data-testid="stFileChipName"]')).to_be_attached(timeout=60_000)
    analyse_upload(patient)
    expect(patient.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
    expect(patient.get_by_text("Your result: Squat")).to_be_visible()
    expect(patient.get_by_text("Your exercise plan")).to_be_visible()
    with patient.expect_download() as download:
        patient.get_by_role("button", name="Download your report (PDF)").click()
    assert download.value.suggested_filename == "my-movement-check.pdf"  # in patient words, not the clinic's
    shot(patient, "clinic-3-patient-result")

    ann.reload()
    expect(ann.get_by_text("Therapist log-in").or_(ann.get_by_text("Logged in as")).first).to_be_visible(
        timeout=30_000)
    if ann.get_by_text("Therapist log-in").is_visible():  # a reload is a new Streamlit session
        log_in(ann, server, ANN)
    ann.get_by_text("Patients", exact=True).click()
    choose(ann, "Patient", "P-100", which="last")
    expect(ann.get_by_text("(recorded at home)")).to_be_visible(timeout=30_000)
    shot(ann, "clinic-4-history-with-home-session")

    bob = fresh_page(browser)
    log_in(bob, server, BOB)
    bob.get_by_text("Patients", exact=True).click()
    expect(bob.get_by_text("No patients yet")).to_be_visible(timeout=30_000)
    assert "P-100" not in body(bob) and SECRET_PATIENT not in body(bob)
    bob.get_by_role("combobox", name="Patient", exact=True).first.click()
    options = bob.get_by_role("option").all_inner_texts()
    assert not any("P-100" in o or SECRET_PATIENT in o for o in options), options
    bob.keyboard.press("Escape")

    # A changed character, an expired link and a revoked link: the plain message and nothing else.
    token = link.split("?link=")[1]
    tampered = token[:-3] + ("x" if token[-3] != "x" else "y") + token[-2:]
    with Clinic(Store(server.store)) as clinic:
        owner = clinic.log_in(*ANN, "test")
        expired = clinic.create_link(owner, "P-100", "squat", days=-1)
    ann.get_by_role("button", name="Revoke").first.click()
    expect(ann.get_by_text("revoked").first).to_be_visible(timeout=30_000)
    for bad in (tampered, expired, token):
        page = fresh_page(browser)
        page.goto(f"{server.url}/?link={bad}")
        expect(page.get_by_text("This link does not work")).to_be_visible(timeout=60_000)
        text = body(page)
        assert "P-100" not in text and "Squat" not in text and "Upload" not in text
        page.context.close()
    shot(ann, "clinic-5-link-revoked")

    # The therapist erases the patient; everything above is in the audit table, which the admin can read.
    ann.get_by_text("Erase this patient").click()
    ann.get_by_label("Type P-100 to confirm").fill("P-100")
    ann.get_by_label("Type P-100 to confirm").press("Enter")
    ann.get_by_role("button", name="Erase", exact=True).click()
    ann.wait_for_timeout(2000)
    ann.get_by_text("Admin", exact=True).click()
    expect(ann.get_by_text("Analysis queue, accounts and audit")).to_be_visible(timeout=30_000)
    shot(ann, "clinic-6-admin-audit")
    with Clinic(Store(server.store)) as clinic:
        actions = {r["action"] for r in clinic.audit_rows()}
        assert not clinic.store.has_patient("P-100")
    assert {"login", "patient_created", "link_created", "link_used", "session_recorded", "download",
            "patient_viewed", "link_revoked", "link_refused", "patient_erased"} <= actions, actions
    for p in (ann, patient, bob):
        p.context.close()


def test_wrong_passwords_lock_the_account_and_the_store_keeps_no_secret_in_clear(server, browser):
    page = fresh_page(browser)
    for _ in range(3):
        log_in(page, server, (BOB[0], "not the password"), expect_text="Wrong name or password")
    log_in(page, server, BOB, expect_text="locked")
    shot(page, "clinic-7-locked")
    time.sleep(0.15 * 60 + 1)  # the configured lock (MOVEMENT_SCREEN_LOCK_MINUTES) ends
    log_in(page, server, BOB)
    raw = server.store.read_bytes()
    for secret in (ANN[1], BOB[1]):
        assert secret.encode() not in raw
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    with Clinic(Store(server.store)) as clinic:
        actions = [r["action"] for r in clinic.audit_rows() if r["who"] == BOB[0]]
    assert actions.count("login_failed") >= 3 and "login_locked" in actions and "login_refused_locked" in actions
    page.context.close()
