"""Each screen's headline: its outcome in its own clinical terms on the page, in both PDFs and in the history, and
the words a reader sees in them (no ids, no spec sections, nothing cut off). Built figures of known size."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest

from movement_screen.api import advise, score_sources
from movement_screen.app import patient_report
from movement_screen.app import patient_words as pw
from movement_screen.app.results import score_text
from movement_screen.care.safety import evaluate
from movement_screen.report import document
from movement_screen.report.headline import headline
from movement_screen.report.pdf import write_pdf
from movement_screen.validation.chair import Chair, sit
from movement_screen.validation.figure import Camera, Noise, Squat, film, squat_clip
from movement_screen.validation.single_leg import SingleLegSquat, single_leg_squats
from movement_screen.validation.standing import Posture, stand
from pdf_text import past_the_margin, text
from movement_screen.validation.bend import side_bend
from test_detect import built_source

MODEL = SimpleNamespace(variant="full", origin="built")
FRONT, SIDE = Camera(0, 1.0, 3.0), Camera(90, 1.0, 3.0)
SPEC = re.compile(r"\bspec\b|clinical-spec|\b[A-I]\.[0-9]\b")
MISSING = re.compile(r"\b(?:None(?! of these)|nan|NaN|null)\b")  # ("None of these apply": the safety question)


def result_of(seqs, screen: str, **kw) -> dict:
    analysis = score_sources([built_source(s) for s in seqs], [f"clip{i}.mp4" for i in range(len(seqs))],
                             MODEL, screen=screen, pain="no", **kw)
    return advise(analysis, evaluate({}, "no"), on=date(2026, 3, 1)).result.to_dict()


def chair(shape: Chair = Chair(), camera: Camera = SIDE):
    t, points = sit(shape)
    return film(points, t, camera, Noise(seed=1))


def one_leg(shape: SingleLegSquat = SingleLegSquat()):
    t, points = single_leg_squats(shape)
    return film(points, t, FRONT, Noise(seed=1))


def standing(shape: Posture = Posture(), camera: Camera = FRONT):
    t, points = stand(shape)
    return film(points, t, camera, Noise(seed=1))


def walking():
    from movement_screen.validation.walker import Walk, walk

    t, points, _ = walk(Walk())
    return film(points, t, Camera(90, 1.0, 6.0), Noise(seed=2), size=(1920, 1080))


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {
        "five_quick": result_of([chair()], "sit_to_stand", age=72, sex="female"),  # 10.8 s: within the mean
        "five_slow": result_of([chair(Chair(rise_s=2.0, sit_s=1.4))], "sit_to_stand", age=72, sex="female"),
        "five_no_age": result_of([chair()], "sit_to_stand"),
        "thirty": result_of([chair(Chair(stands=14, seated_after_s=4.0))], "sit_to_stand", age=66, sex="male"),
        "one_stand": result_of([chair(Chair(stands=1))], "sit_to_stand", age=72, sex="female"),
        "one_leg_knee_in": result_of([one_leg(SingleLegSquat(knee_in_cm=10.0))], "single_leg_squat"),
        "one_leg_left_only": result_of([one_leg(SingleLegSquat(legs=("left",)))], "single_leg_squat"),
        "posture_shoulder": result_of([standing(Posture(shoulder_tilt_deg=9.0)), standing(camera=SIDE)],
                                      "posture"),
        "posture_straight": result_of([standing(), standing(camera=SIDE)], "posture"),
        "gait": result_of([walking()], "gait", height_cm=175),
        "bend": result_of([side_bend()], "forward_bend", height_cm=175),
        "squat": result_of([squat_clip(Squat(), SIDE), squat_clip(Squat(), FRONT)], "squat"),
    }


def test_the_five_times_time_against_the_age_mean_and_the_fall_risk_cut_off(results):
    quick, slow = results["five_quick"], results["five_slow"]
    assert re.match(r"Five-times sit-to-stand 1\d\.\d s: within the mean for 70-79 y \(12\.6 s\)",
                    headline(quick)[0]), headline(quick)
    assert "at or over the 15 s fall-risk cut-off" in headline(slow)[0], headline(slow)
    assert "higher risk of falling" in headline(slow, "patient")[0]
    assert "most people in their 70s" in headline(quick, "patient")[0]
    assert "no age given" in headline(results["five_no_age"])[0]


def test_the_thirty_second_count_against_the_norm_for_age_and_sex(results):
    line = headline(results["thirty"])[1]
    assert re.match(r"Full stands in 30 s: \d+, (within or above|one below|below average)", line), line
    assert "men aged 65-69" in line
    assert "not measured" in headline(results["five_quick"])[1]  # a 12 s clip is no 30-s test


def test_too_few_stands_say_what_was_missing(results):
    therapist, patient = headline(results["one_stand"]), headline(results["one_stand"], "patient")
    assert "1 full stand(s) seen, 5 needed" in therapist[0]
    assert "five stands without stopping" in patient[0]


def test_the_single_leg_squat_per_leg_with_its_worst_finding(results):
    knee = headline(results["one_leg_knee_in"])  # the fault on the first leg (left) only
    assert knee[0].startswith("Left leg, 3 squat(s); worst: Knee over the foot, not inside it (") and "fail" in knee[0]
    assert knee[1] == "Right leg, 3 squat(s); worst: nothing beyond the limits", knee
    patient = headline(results["one_leg_knee_in"], "patient")
    assert patient[0].startswith("Left leg: the main thing to work on is") and patient[1] == "Right leg: looking good."
    assert headline(results["one_leg_left_only"])[1] == "Right leg: no squat seen"


def test_posture_is_its_list_of_deviations(results):
    assert headline(results["posture_shoulder"]) == ["Deviations: Shoulders level (fail)"] or \
        headline(results["posture_shoulder"])[0].startswith("Deviations: Shoulders level (fail)")
    assert headline(results["posture_straight"]) == ["No deviation beyond the conventional limits"]
    assert headline(results["posture_straight"], "patient") == ["Nothing stands out in how you stand."]


def test_gait_and_the_forward_bend_lead_with_their_measures(results):
    assert headline(results["gait"])[0].startswith("Cadence ") and "steps/min" in headline(results["gait"])[0]
    assert "Walking speed" in headline(results["gait"])[0]
    assert "Fingertips to floor" in headline(results["bend"])[0]


def test_the_squat_keeps_its_fms_score(results):
    assert headline(results["squat"]) == [f"FMS deep squat: {score_text(results['squat'])}"]


def test_every_screen_s_headline_reaches_both_pdfs_the_history_and_reads_plainly(results, tmp_path):
    ids = {c["id"] for r in results.values() for c in r["criteria"]} | \
        {m for r in results.values() for m in r.get("metrics", {})}
    ids = {i for i in ids if "_" in i}  # a one-word id (passes, cadence) is a plain word
    for name, result in results.items():
        therapist_pdf = write_pdf(document.build(result), tmp_path / f"{name}.pdf").read_bytes()
        patient_pdf = patient_report.pdf_bytes(result)
        for data, lines in ((therapist_pdf, headline(result)), (patient_pdf, headline(result, "patient"))):
            shown = " ".join(text(data).split())
            for line in lines:
                assert " ".join(line.split()) in shown, (name, line)
            assert not past_the_margin(data), (name, past_the_margin(data))
            assert not SPEC.search(shown), (name, SPEC.search(shown))
            assert not MISSING.search(shown), (name, MISSING.search(shown))
            raw = sorted(i for i in ids if re.search(rf"(?<![\w.]){re.escape(i)}(?![\w.])", shown))
            assert not raw, (name, raw)
        if result["screen"] != "squat":
            assert score_text(result) == "; ".join(headline(result))  # the history's line
        patient = [pw.score_sentence(result), *pw.summary_lines(result), *pw.quality_lines(result)]
        assert not pw.leaks("\n".join(patient)), (name, pw.leaks("\n".join(patient)))
