"""Analyses outlive the page that asked for them, in a real browser against `movement-screen app` started as a person
starts it (the page server and, beside it, the analysis pool): a tab closed during the analysis, a therapist's
reload, a patient link opened again, and the whole server killed mid-analysis and started again. Each time the
session is recorded, the therapist and the patient find it, and no file is left that no session records.
Screenshots go to test-output/browser/."""

import json
import time
from pathlib import Path

import pytest

from browser import QUEUE_WORDS, AppServer, analyse_upload, shot, upload
from clips import clip
from test_browser_clinic import browser, choose, log_in, users_add  # noqa: F401 (browser: the shared fixture)
from test_browser_record import add_patient, new_page

pytestmark = pytest.mark.pipeline

ANN = ("annqueue", "ann's long password")
WALK, SQUAT = "sports2d_demo_gait_sagittal.mp4", "lnewco_ohs_7026_side.mov"  # 7.7 s (~230 frames), 2.7 s


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("queue")
    users_add(tmp / "history.sqlite", *ANN, "--admin")
    app = AppServer(tmp, mode="clinic", cli=True)
    yield app
    app.stop()


def jobs_of(server, patient):
    from movement_screen.jobs import records
    from movement_screen.store.db import Database

    db = Database(server.store)
    try:
        return records.listing(db, patient=patient)
    finally:
        db.close()


def finished_job(server, patient, timeout=300):
    """The patient's one analysis once it has finished (whatever the pages do meanwhile)."""
    end = time.monotonic() + timeout
    while True:
        [job] = jobs_of(server, patient)
        if job.finished:
            return job
        assert time.monotonic() < end, f"the analysis for {patient} did not finish in {timeout} s: {job}"
        time.sleep(0.5)


def sessions_of(server, patient):
    from movement_screen.store.history import Store

    with Store(server.store) as store:
        return store.sessions(patient)


def unrecorded_files(server) -> list[Path]:
    """Files in the app's folder that no session records (nothing may be left behind once the queue is idle)."""
    import sqlite3

    with sqlite3.connect(server.store) as db:
        recorded = {Path(f).resolve() for (files,) in db.execute("SELECT files FROM sessions") for f in json.loads(files)}
    return [f for f in server.app_dir.rglob("*") if f.is_file() and f.resolve() not in recorded]


def start_analysis(page, screen, video):
    """Choose the screen, upload the clip and press Analyse; returns once the page says the analysis runs."""
    from playwright.sync_api import expect

    page.get_by_text(screen, exact=True).click()
    upload(page, clip(video))
    analyse_upload(page)
    expect(page.get_by_text("Analysing: frame")).to_be_visible(timeout=120_000)


def test_a_closed_tab_a_reload_and_a_patient_link_opened_again_lose_nothing(server, browser):
    from playwright.sync_api import expect

    # 1. A therapist closes the tab 3 s into the analysis of a 7.7-s walk.
    ann = new_page(browser)
    log_in(ann, server, ANN)
    add_patient(ann, "P-Q1")
    start_analysis(ann, "Walking (gait)", WALK)
    ann.wait_for_timeout(3000)
    [job] = jobs_of(server, "P-Q1")
    assert not job.finished, "the analysis ended before the tab was closed: the test proves nothing"
    ann.context.close()
    job = finished_job(server, "P-Q1")
    assert job.state == "done", job.error
    [session] = sessions_of(server, "P-Q1")
    assert job.session_id == session.id

    # 2. The next visit finds it: in the day's analyses, and on the Patients page.
    ann = new_page(browser)
    log_in(ann, server, ANN)
    expect(ann.get_by_text("Your analyses today")).to_be_visible(timeout=30_000)
    expect(ann.get_by_text("patient P-Q1:")).to_be_visible()
    ann.get_by_text("Patients", exact=True).click()
    expect(ann.get_by_text("Your patients")).to_be_visible(timeout=30_000)
    choose(ann, "Patient", "P-Q1", which="last")
    expect(ann.get_by_text("session(s)").first).to_be_visible(timeout=30_000)
    shot(ann, "queue-1-closed-tab-session-found")

    # 3. A reload during the analysis (a new Streamlit session: back at the log-in form).
    ann.get_by_test_id("stSidebar").get_by_text("Screen", exact=True).click()
    add_patient(ann, "P-Q2")
    start_analysis(ann, "Deep squat", SQUAT)
    ann.reload()
    log_in(ann, server, ANN)
    row = ann.locator('[data-testid="stHorizontalBlock"]').filter(has_text="patient P-Q2:")
    expect(row).to_be_visible(timeout=30_000)
    row.get_by_role("button", name="Show").click()
    expect(ann.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
    assert finished_job(server, "P-Q2").state == "done" and len(sessions_of(server, "P-Q2")) == 1
    shot(ann, "queue-2-reload-result-shown")

    # 4. A patient reloads their link during the check: the page comes back following it, then shows the result.
    ann.get_by_text("Patients", exact=True).click()
    expect(ann.get_by_text("Your patients")).to_be_visible(timeout=30_000)
    choose(ann, "Patient", "P-Q2", which="last")
    ann.get_by_role("button", name="Create link").click()
    code = ann.locator("code").filter(has_text="?link=")
    expect(code).to_be_visible(timeout=30_000)
    link = code.inner_text().strip()
    patient = new_page(browser)
    patient.goto(link)
    expect(patient.get_by_text("Your movement check: Squat")).to_be_visible(timeout=60_000)
    patient.locator("input[type=file]").first.set_input_files(str(clip(SQUAT)))
    expect(patient.locator('[data-testid="stFileChipName"]')).to_be_attached(timeout=60_000)
    analyse_upload(patient)
    patient.reload()
    expect(patient.get_by_text(QUEUE_WORDS).or_(patient.get_by_text("Your result: Squat")).first).to_be_visible(
        timeout=60_000)
    expect(patient.get_by_text("Your result: Squat")).to_be_visible(timeout=300_000)
    shot(patient, "queue-3-patient-link-reopened")
    assert len(sessions_of(server, "P-Q2")) == 2
    patient.reload()  # and later again: the result is still there
    expect(patient.get_by_text("Your result: Squat")).to_be_visible(timeout=60_000)
    ann.reload()
    log_in(ann, server, ANN)
    ann.get_by_text("Patients", exact=True).click()
    expect(ann.get_by_text("Your patients")).to_be_visible(timeout=30_000)
    choose(ann, "Patient", "P-Q2", which="last")
    expect(ann.get_by_text("(recorded at home)")).to_be_visible(timeout=30_000)
    ann.get_by_text("Admin", exact=True).click()  # the admin's view of the queue: the three analyses, all done
    expect(ann.get_by_text("0 running, 0 waiting, 0 failed and 3 done in the last 1 day(s)")).to_be_visible(
        timeout=30_000)
    shot(ann, "queue-4-admin-queue")
    for p in (ann, patient):
        p.context.close()

    left = unrecorded_files(server)
    assert not left, left


def test_a_server_killed_mid_analysis_finishes_the_job_when_started_again(tmp_path, browser):
    import psutil
    from playwright.sync_api import expect

    users_add(tmp_path / "history.sqlite", *ANN)
    app = AppServer(tmp_path, mode="clinic", cli=True)
    try:
        ann = new_page(browser)
        log_in(ann, app, ANN)
        add_patient(ann, "P-K1")
        start_analysis(ann, "Walking (gait)", WALK)
        tree = app.processes()
        assert len(tree) >= 3, tree  # the page server, the queue beside it, at least one Dask worker
        app.kill()
        end = time.monotonic() + 60  # the queue and its workers end with the page server
        while [p for p in tree if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]:
            assert time.monotonic() < end, "processes of the killed server are still running"
            time.sleep(0.5)
        [job] = jobs_of(app, "P-K1")
        assert job.state == "running" and not sessions_of(app, "P-K1")
        ann.context.close()

        app = AppServer(tmp_path, mode="clinic", cli=True)
        job = finished_job(app, "P-K1")
        assert job.state == "done" and job.attempts == 2, job
        assert len(sessions_of(app, "P-K1")) == 1
        assert f"job {job.id} put back in line" in (tmp_path / "streamlit.log").read_text()
        ann = new_page(browser)
        log_in(ann, app, ANN)
        expect(ann.get_by_text("patient P-K1: done")).to_be_visible(timeout=30_000)
        shot(ann, "queue-5-after-kill-job-done")
        ann.context.close()
        left = unrecorded_files(app)
        assert not left, left
    finally:
        app.stop()
