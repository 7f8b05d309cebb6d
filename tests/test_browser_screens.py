"""Every screen speaks as well as the squat, in a real browser against a real clinic server: the squat, single-leg
squat, sit-to-stand and standing posture, each walked by a therapist (logged in, patient chosen) and by a patient on
a link made for that screen. Each page shows one filming distance and no height box where the height is unused;
the result leads with the screen's headline; the page and both PDFs carry no raw ids, no spec sections, no
None/NaN, and no text past the page's margin (measured). The single-leg squat and sit-to-stand are real people's
clips (their landmarks from the real model, uploaded as a table); the squat and posture the built figure.
Screenshots go to test-output/browser/."""

import re
from types import SimpleNamespace

import pytest

from browser import AppServer, analyse_upload, settle, shot, upload
from pdf_text import past_the_margin, text
from test_browser_clinic import browser, log_in, users_add  # noqa: F401 (browser: the shared fixture)
from test_browser_record import add_patient, main_text, new_page, stored

pytestmark = pytest.mark.pipeline

ANN = ("screens5", "screens' long password")
SCREENS = {  # screen -> (its label on the Screen page, what the patient's page is titled)
    "squat": ("Deep squat", "Squat"),
    "single_leg_squat": ("Single-leg squat", "Squat on one leg"),
    "sit_to_stand": ("Sit-to-stand (chair)", "Standing up from a chair"),
    "posture": ("Standing posture", "Standing posture"),
}
REAL = {"single_leg_squat": "single_leg_squat_front_pistol_both.mp4", "sit_to_stand": "sit_to_stand_oblique_one.mp4"}
SPEC = re.compile(r"\bspec\b|clinical-spec|\b[A-I]\.[0-9]\b")
MISSING = re.compile(r"\b(?:None(?! of these)|nan|NaN|null)\b")  # ("None of these apply": the safety question)
DISTANCE = re.compile(r"\b\d+(?:\.\d+)?-\d+(?:\.\d+)? m\b")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("screens")
    users_add(tmp / "history.sqlite", *ANN, "--display-name", "Dr S. Walker")
    app = AppServer(tmp, mode="clinic")
    yield app
    app.stop()


@pytest.fixture(scope="module")
def tables(tmp_path_factory, analysed):
    """screen -> the landmark tables to upload (plain names: a clip's own name is the person's, not the app's)."""
    from movement_screen.report.files import write_landmarks_csv
    from movement_screen.validation.demo import write_clips

    folder = tmp_path_factory.mktemp("tables")
    out = {}
    for screen in SCREENS:
        if screen in REAL:
            path = folder / f"{screen.split('_')[0]}clip.csv"
            write_landmarks_csv(SimpleNamespace(sources=[analysed(REAL[screen], "auto")]), path)
            out[screen] = [path]
        else:
            out[screen] = write_clips(screen, folder / screen)
    for paths in out.values():  # no underscores in what the page shows of the name
        for i, p in enumerate(paths):
            plain = p.with_name(p.stem.replace("_", "") + p.suffix)
            p.rename(plain)
            paths[i] = plain
    return out


def ids_of(result: dict) -> set[str]:
    return {i for i in [c["id"] for c in result["criteria"]] + list(result.get("metrics", {})) if "_" in i}


def raw_ids(words: str, result: dict) -> list[str]:
    return sorted(i for i in ids_of(result) if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", words))


def check_words(words: str, result: dict, where: str) -> None:
    assert not SPEC.search(words), (where, SPEC.search(words))
    assert not MISSING.search(words), (where, MISSING.search(words))
    assert not raw_ids(words, result), (where, raw_ids(words, result))


def check_guide(page, screen: str, where: str) -> None:
    """One filming distance on the page (the walkway's length aside), the guide's own, and no height box."""
    from movement_screen.app.guide import GUIDES

    words = main_text(page)
    assert set(DISTANCE.findall(words)) - {"6-10 m"} == {GUIDES[screen].distance}, (where, DISTANCE.findall(words))
    assert GUIDES[screen].camera in words, where
    assert "Height in cm" not in words, where


def check_pdf(data: bytes, lines: list[str], result: dict, where: str, patient: bool) -> None:
    from movement_screen.app.patient_words import leaks

    shown = " ".join(text(data).split())
    for line in lines:
        assert " ".join(line.split()) in shown, (where, line)
    assert not past_the_margin(data), (where, past_the_margin(data))
    check_words(shown, result, where)
    if patient:
        assert not leaks(shown), (where, leaks(shown))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_each_screen_reads_plainly_for_a_therapist_and_a_patient(server, browser, tables, screen):
    from playwright.sync_api import expect

    from movement_screen.app.patient_words import leaks
    from movement_screen.report.headline import headline
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    label, title = SCREENS[screen]
    patient_id = f"P-{screen.replace('_', '')}"

    # The therapist: the guide, then the result with its headline, the page's words and report.pdf.
    ann = new_page(browser)
    log_in(ann, server, ANN)
    add_patient(ann, patient_id)
    ann.get_by_text(label, exact=True).click()
    expect(ann.get_by_text("How to film: ")).to_be_visible(timeout=30_000)
    ann.wait_for_timeout(1500)
    check_guide(ann, screen, f"{screen}: therapist guide")
    upload(ann, *tables[screen])
    analyse_upload(ann)
    expect(ann.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
    settle(ann)  # the page reruns as a whole once the analysis ends: read it when that rerun has finished
    [session] = stored(server, patient_id)
    result = session.result
    lines = headline(result)
    assert lines, result.get("unscored_reason")
    page_words = " ".join(main_text(ann).split())
    for line in lines:  # (the squat's score is a metric box: its name above its value)
        assert " ".join(line.split()) in page_words or line.replace(": ", " ") in page_words, (screen, line)
    check_words(main_text(ann), result, f"{screen}: therapist page")
    ann.get_by_text("Details for therapists").first.click()
    with ann.expect_download() as download:
        ann.get_by_role("button", name="report.pdf").first.click()
    check_pdf(download.value.path().read_bytes(), lines, result, f"{screen}: report.pdf", patient=False)
    shot(ann, f"screens-{screen}-therapist")
    ann.context.close()

    # The patient, on a link made for this screen: the same guide, and the result in their own words.
    with Clinic(Store(server.store)) as clinic:
        owner = clinic.log_in(*ANN, "test")
        token = clinic.create_link(owner, patient_id, screen, days=7)
    patient = new_page(browser)
    patient.goto(f"{server.url}/?link={token}")
    expect(patient.get_by_text("Your movement check: ").first).to_be_visible(timeout=60_000)
    patient.wait_for_timeout(1500)
    check_guide(patient, screen, f"{screen}: patient guide")
    assert title in main_text(patient)
    upload(patient, *tables[screen])
    analyse_upload(patient)
    expect(patient.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
    settle(patient)
    mine = max(stored(server, patient_id), key=lambda s: s.id).result
    words = headline(mine, "patient") or []
    page_words = main_text(patient)
    for line in words:
        assert " ".join(line.split()) in " ".join(page_words.split()), (screen, line)
    assert not leaks(page_words, (patient_id,)), (screen, leaks(page_words, (patient_id,)))
    check_words(page_words, mine, f"{screen}: patient page")
    with patient.expect_download() as download:
        patient.get_by_role("button", name="Download your report (PDF)").click()
    check_pdf(download.value.path().read_bytes(), words, mine, f"{screen}: patient PDF", patient=True)
    shot(patient, f"screens-{screen}-patient")
    patient.context.close()
