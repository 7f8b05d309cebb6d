"""What reaches a patient's record and a patient's screen, in a real browser against a real clinic server: one
movement per session, sessions without a score kept apart, the safety questions before any capture, inputs that
belong to the patient chosen, erasure that breaks no page, every session reopened, and patient pages free of the
tool's internals (file names, options, spec codes, ids, error names). Screenshots go to test-output/browser/."""

import json

import pytest

from browser import NONE_APPLY, AppServer, analyse_upload, shot, upload
from clips import clip
from test_browser_clinic import browser, choose, log_in, users_add  # noqa: F401 (browser: the shared fixture)

pytestmark = pytest.mark.pipeline

ANN = ("annlogin7", "ann's long password")
SQUAT_SIDE, SQUAT_FRONT = "lnewco_ohs_7051_side.mov", "lnewco_ohs_7033_front.mov"
WALK, STANDING = "sports2d_demo_gait_sagittal.mp4", "pose2sim_single_cam01.mp4"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("record")
    users_add(tmp / "history.sqlite", *ANN, "--admin", "--display-name", "Dr A. Smith")
    app = AppServer(tmp, mode="clinic")
    yield app
    app.stop()


def new_page(browser):
    return browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()


HIDE_NOT_OURS = """() => {
  // The upload boxes show the person's own file names, and icons are drawn from ligature names
  // (keyboard_arrow_right): neither is the app's wording.
  const hidden = [...document.querySelectorAll('[data-testid="stFileUploader"], [data-testid="stIconMaterial"]')];
  hidden.forEach((el) => { el.dataset.display = el.style.display; el.style.display = "none"; });
  const text = document.querySelector('[data-testid="stMain"]').innerText;
  hidden.forEach((el) => { el.style.display = el.dataset.display; });
  return text;
}"""


def main_text(page) -> str:
    """The words the app itself puts on the page."""
    return page.evaluate(HIDE_NOT_OURS)


def choose_starting(page, label, start):
    """Pick the first option of the select box ``label`` that begins with ``start``."""
    box = page.get_by_role("combobox", name=label, exact=True).last
    box.click()
    if not page.get_by_role("option").count():  # at the foot of the page the list may not open on a click
        box.press("ArrowDown")
    page.get_by_role("option").filter(has_text=start).first.click()


def stored(server, patient):
    from movement_screen.store.history import Store

    with Store(server.store) as store:
        return store.sessions(patient)


def add_patient(page, patient):
    from playwright.sync_api import expect

    choose(page, "Patient", "(new patient)")
    page.get_by_label("New patient id").fill(patient)
    page.get_by_role("button", name="Add patient").click()
    expect(page.get_by_text(f"Patient {patient} added and chosen")).to_be_visible(timeout=30_000)


def test_a_therapist_s_record_holds_one_movement_reopens_and_survives_erasure(server, browser):
    from playwright.sync_api import expect

    ann = new_page(browser)
    log_in(ann, server, ANN)
    add_patient(ann, "P-1")  # chosen at once, and listed without another action
    ann.get_by_text("Deep squat", exact=True).click()
    upload(ann, clip(SQUAT_SIDE), clip(WALK))
    analyse_upload(ann)
    expect(ann.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
    expect(ann.get_by_text(f"Left out: {WALK} shows walking").first).to_be_visible()
    shot(ann, "record-1-walk-left-out")
    [session] = stored(server, "P-1")
    criteria = {c["id"]: c for c in session.result["criteria"]}
    assert criteria["asymmetric_weight_shift"]["state"] == "not_assessed"  # the walk was not the front view
    assert [e["path"] for e in session.result["excluded"]] and len(session.result["sources"]) == 1

    # Reopen the session from the Patients page: result, key frames, video, report.
    ann.get_by_text("Patients", exact=True).click()
    expect(ann.get_by_text("Your patients")).to_be_visible(timeout=30_000)
    choose(ann, "Patient", "P-1", which="last")
    expect(ann.get_by_text("1 scored session(s)")).to_be_visible(timeout=30_000)
    choose_starting(ann, "Open a session", f"{session.recorded_on} Deep squat")
    expect(ann.get_by_text("Results: Deep squat")).to_be_visible(timeout=30_000)
    ann.get_by_text("Details for therapists").first.click()
    expect(ann.get_by_text("Evidence frames", exact=True)).to_be_visible(timeout=30_000)
    expect(ann.locator("video").first).to_be_attached()
    with ann.expect_download() as download:
        ann.get_by_role("button", name="report.pdf").first.click()
    assert download.value.suggested_filename == "report.pdf"
    shot(ann, "record-2-session-reopened")

    # Erase the patient whose result is on screen; the Results page then says so plainly.
    ann.get_by_text("Erase this patient").click()
    ann.get_by_label("Type P-1 to confirm").fill("P-1")
    ann.get_by_label("Type P-1 to confirm").press("Enter")
    # The button is enabled by the rerun the typed confirmation starts; a click landing while that rerun redraws
    # the page is lost (seen once on a loaded machine), so it is clicked again while the patient is still listed.
    erase = ann.get_by_role("button", name="Erase", exact=True)
    for attempt in range(3):
        expect(erase).to_be_enabled(timeout=30_000)
        erase.click()
        try:
            expect(ann.get_by_text("No patients yet")).to_be_visible(timeout=20_000)
            break
        except AssertionError:
            if attempt == 2 or not erase.count():
                raise
    ann.get_by_text("Results", exact=True).click()
    expect(ann.get_by_text("No results yet").or_(ann.get_by_text("no longer available")).first).to_be_visible(
        timeout=30_000)
    assert not ann.locator('[data-testid="stException"]').count()

    # A clip chosen for one patient is not there for the next one.
    add_patient(ann, "P-2")
    add_patient(ann, "P-3")
    ann.get_by_text("Screen", exact=True).click()
    choose(ann, "Patient", "P-2")
    upload(ann, clip(SQUAT_FRONT))
    choose(ann, "Patient", "P-3")
    ann.wait_for_timeout(1500)
    expect(ann.locator('[data-testid="stFileChipName"]')).to_have_count(0, timeout=30_000)
    shot(ann, "record-3-other-patient-no-clip")
    assert not stored(server, "P-2") and not stored(server, "P-3")
    ann.context.close()


def test_a_patient_answers_first_and_an_unscored_check_is_never_called_progress(server, browser, tmp_path):
    from playwright.sync_api import expect

    from movement_screen.app.patient_words import day_words, leaks
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    with Clinic(Store(server.store)) as clinic:
        clinic.add_patient("P-9", ANN[0])
        token = clinic.create_link(clinic.log_in(*ANN, "test"), "P-9", "squat")
    private = ["P-9", ANN[0], SQUAT_FRONT, STANDING, "lnewco", "pose2sim", "my_squat"]
    scanned = {}

    def scan(page, name):
        text = main_text(page)
        scanned[name] = leaks(text, also=private)
        return text

    patient = new_page(browser)
    patient.goto(f"{server.url}/?link={token}")
    expect(patient.get_by_text("Your movement check: Squat")).to_be_visible(timeout=60_000)
    expect(patient.get_by_text("From Dr A. Smith")).to_be_visible()
    # The questions are open before any capture; the camera waits for them.
    expect(patient.get_by_text(NONE_APPLY, exact=True)).to_be_visible()
    scan(patient, "link page")
    patient.get_by_text("Use this device's camera").click()
    expect(patient.get_by_text("The camera starts once the safety questions above are answered")).to_be_visible(
        timeout=30_000)
    assert not patient.locator("iframe").count()
    shot(patient, "record-4-camera-waits-for-questions")
    scan(patient, "camera before questions")
    patient.get_by_text("Upload a video").click()

    # A file that is not a video: one plain sentence (no error name, no server path), and nothing left behind.
    bad = tmp_path / "my_squat.mp4"
    bad.write_text("not a video")
    before = {p for p in (server.root / "app").rglob("*")} if (server.root / "app").exists() else set()
    upload(patient, bad)
    analyse_upload(patient)
    expect(patient.get_by_text("This file could not be read as a video").first).to_be_visible(timeout=60_000)
    scan(patient, "bad file")
    after = {p for p in (server.root / "app").rglob("*")} if (server.root / "app").exists() else set()
    assert after == before, sorted(map(str, after - before))
    assert not stored(server, "P-9")

    upload(patient, clip(SQUAT_FRONT))
    analyse_upload(patient)
    expect(patient.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
    expect(patient.get_by_text("Your exercise plan")).to_be_visible()
    text = scan(patient, "scored result")
    assert "Your earlier checks" not in text  # the check just done is not an earlier one
    shot(patient, "record-5-patient-result")
    first = stored(server, "P-9")[0]
    assert first.result["red_flags"]["answered_at"] and first.result["red_flags"]["asked"]

    patient.get_by_role("button", name="Do the check again").click()
    expect(patient.get_by_text("Your result: Squat")).to_have_count(0, timeout=30_000)
    expect(patient.locator('[data-testid="stFileChipName"]')).to_have_count(0, timeout=30_000)  # empty boxes
    expect(patient.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=60_000)
    upload(patient, clip(STANDING))  # a person standing: no squat in it
    analyse_upload(patient)
    expect(patient.get_by_text("No result this time").first).to_be_visible(timeout=300_000)
    text = scan(patient, "unscored result")
    assert "Done" not in text
    for claim in ("getting better", "goal reached", "Every goal", "improving", "Since your first check"):
        assert claim not in text, claim
    shot(patient, "record-6-unscored-kept-apart")
    sessions = stored(server, "P-9")
    assert [s.scored for s in sessions] == [True, False]
    assert sessions[1].reassessment is None  # never compared with the scored check

    # Reopen the earlier (scored) check in patient words.
    expect(patient.get_by_text("Your earlier checks")).to_be_visible(timeout=30_000)
    choose_starting(patient, "Open an earlier check", f"{day_words(first.recorded_on)}: Squat")
    expect(patient.get_by_text("Your result: Squat").nth(1)).to_be_visible(timeout=30_000)
    scan(patient, "earlier check reopened")
    shot(patient, "record-7-earlier-check")
    assert all(not found for found in scanned.values()), json.dumps(scanned, indent=1)
    patient.context.close()
