"""A therapist's flow on real clips: screen, plan, PDF, screen again later, see progress, escalate, erase."""

import json
import subprocess
import sys

import pytest
from pypdf import PdfReader

from clips import clip

pytestmark = pytest.mark.pipeline


def run(*args):
    done = subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def pdf_text(path):
    reader = PdfReader(path)
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_screen_plan_report_retest_history_erase(tmp_path):
    side, front = clip("lnewco_ohs_7032_side.mov"), clip("lnewco_ohs_7033_front.mov")
    store = tmp_path / "history.sqlite"
    common = ["--no-video", "--quiet", "--patient", "P-042", "--store", store, "--report"]
    out1 = run("analyze", side, front, "--out", tmp_path / "visit1", "--date", "2026-01-05", "--no-red-flags",
               "--patient-name", "Test Patient", "--plan", *common)
    assert "Exercise plan (re-test on 2026-01-26)" in out1 and "Easier:" in out1

    result = json.loads((tmp_path / "visit1" / "result.json").read_text())
    assert result["red_flags"]["asked"] and result["red_flags"]["level"] is None
    assert result["pain"] == "no"  # the questionnaire's pain answer reaches the FMS score
    assert result["score"]["range"] == [1, 2] and "Pain was not asked" not in result["score"]["explanation"]
    names = [e["name"] for e in result["exercises"]]
    assert result["plan"]["status"] == "given" and 3 <= len(names) <= 6
    assert result["exercises"] == result["plan"]["exercises"]

    pages, text = pdf_text(tmp_path / "visit1" / "report.pdf")
    assert pages <= 2
    for words in ("Deep / overhead squat", "P-042", "Femur below horizontal", "Heels stay on the floor",
                  "Exercise plan", names[-1], "Not assessed, and why", "not a diagnosis"):
        assert words in text, words
    assert list((tmp_path / "visit1" / "keyframes").glob("*.jpg")), "key frames with the skeleton"
    html = (tmp_path / "visit1" / "report.html").read_text()
    assert "Femur below horizontal" in html and names[-1] in html and "data:image/jpeg;base64" in html

    # Nine weeks later the same movement: no real change -> escalation note, trend in the report.
    out2 = run("analyze", side, front, "--out", tmp_path / "visit2", "--date", "2026-03-09", "--no-red-flags",
               *common)
    assert "Discuss with your clinician: no improvement in" in out2
    again = json.loads((tmp_path / "visit2" / "result.json").read_text())
    assert again["reassessment"]["escalate"] and again["reassessment"]["plan_date"] == "2026-01-05"
    _, text2 = pdf_text(tmp_path / "visit2" / "report.pdf")
    assert "Discuss with your clinician" in text2 and "Progress since the first session" in text2

    history = run("history", "P-042", "--store", store)
    assert "2 session(s)" in history and "2026-01-05" in history and "2026-03-09" in history
    assert "no real change (MDC 0.08 shank lengths)" in history  # knees: same clip, change within its MDC
    assert "cannot tell if real (no MDC known)" in history  # depth: no MDC is known

    # A red flag at a third visit: no plan, urgent wording, stored with the session.
    out3 = run("analyze", side, front, "--out", tmp_path / "visit3", "--date", "2026-03-10", "--flag",
               "saddle_numbness", *common)
    assert "emergency department" in out3 and "No exercise plan" in out3
    third = json.loads((tmp_path / "visit3" / "result.json").read_text())
    assert third["exercises"] == [] and third["red_flags"]["flags"] == ["saddle_numbness"]
    _, text3 = pdf_text(tmp_path / "visit3" / "report.pdf")
    assert "emergency department" in text3 and "No exercise plan" in text3

    erased = run("patient", "delete", "P-042", "--store", store)
    assert "3 session(s) deleted" in erased
    assert not (tmp_path / "visit1" / "report.pdf").exists() and not (tmp_path / "visit2").exists()
    assert "0 patient(s)" in run("patient", "list", "--store", store)


def test_report_command_from_a_result_file(tmp_path):
    run("analyze", clip("toe_touch_side.mp4"), "--out", tmp_path / "bend", "--no-video", "--quiet")
    out = run("report", tmp_path / "bend" / "result.json", "--out", tmp_path / "r" / "bend.pdf")
    assert "bend.pdf" in out and (tmp_path / "r" / "bend.html").is_file()
    pages, text = pdf_text(tmp_path / "r" / "bend.pdf")
    assert pages <= 2
    for words in ("Standing forward bend", "Knees stay straight", "Bird dog", "Red-flag questions were not asked",
                  "Lumbar curve"):
        assert words in text, words
