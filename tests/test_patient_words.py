"""Patient words: every criterion and quality code has plain words, and nothing internal reaches a patient."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

import movement_screen
from movement_screen import errors
from movement_screen.api import SourceAnalysis, advise, score_sources
from movement_screen.app import patient_words as pw
from movement_screen.care.progress import reassess, trend
from movement_screen.care.safety import evaluate
from movement_screen.kinematics.series import prepare
from movement_screen.pose.sequence import Detections
from movement_screen.pose.tracking import link_tracks, people_seen
from movement_screen.screens import bend, gait, posture, single_leg, sit_to_stand, squat
from movement_screen.validation.figure import Camera, Noise, Squat, film, squat_clip
from movement_screen.validation.walker import Walk, walk
from movement_screen.video.reader import VideoInfo
from movement_screen.validation.bend import side_bend

PACKAGE = Path(movement_screen.__file__).parent
PATIENT_ID = "P12345"
CLIP = f"/srv/movement/uploads/{PATIENT_ID}_1.mov"  # a de-identified clip's name holds the patient id
PRIVATE = (PATIENT_ID, "uploads")
MODEL = SimpleNamespace(variant="full", origin="built")


def criterion_ids() -> set[str]:
    """Every criterion id the screens can emit: the keys of their *TITLES tables (every Criterion is built from
    one)."""
    ids = set()
    for module in (squat, bend, gait, posture, single_leg, sit_to_stand):
        for name, value in vars(module).items():
            if name.endswith("TITLES") and isinstance(value, dict):
                ids |= set(value)
    return ids


def quality_codes() -> set[str]:
    """Every quality-issue code the package emits, read from its source: QualityIssue("code", ...) or
    QualityIssue(CONSTANT, ...) with CONSTANT = "code" in the same module."""
    codes = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        constants = dict(re.findall(r'^([A-Z_]+) = "(\w+)"', text, re.M))
        for literal, constant in re.findall(r'QualityIssue\(\s*(?:"(\w+)"|([A-Z_]+)\b)', text):
            codes.add(literal or constants[constant])
    return codes


def strings(table, where=""):
    """Every message of the words file, with where it is (same_as names a criterion id, not a message)."""
    if isinstance(table, dict):
        for key, value in table.items():
            if key != "same_as":
                yield from strings(value, f"{where}.{key}")
    elif isinstance(table, str):
        yield where, table


def built_source(seq, screen: str) -> SourceAnalysis:
    """A SourceAnalysis of a built sequence, as analyse_source gives for a clip of it (no model, no file)."""
    det = Detections(seq.xy[:, None], seq.visibility[:, None], seq.world[:, None], seq.t, seq.frame, seq.width,
                     seq.height, seq.fps)
    tracks = link_tracks(det)
    info = VideoInfo(CLIP, seq.width, seq.height, seq.fps, len(seq.t), float(seq.t[-1]), 0, "h264")
    return SourceAnalysis(info, det, tracks, tracks[0], seq, prepare(seq), people_seen(tracks, len(seq.t)), screen)


def result_of(seqs, screen: str, **kw) -> dict:
    """A real result dict: the pure scoring of built sequences, with the red-flag answers and the plan."""
    analysis = score_sources([built_source(s, screen) for s in seqs], [CLIP] * len(seqs), MODEL, screen=screen,
                             pain="no", **kw)
    return advise(analysis, evaluate({}, "no"), on=date(2025, 3, 1)).result.to_dict()


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    t, points, _ = walk(Walk())
    return {
        "squat_side": result_of([squat_clip(Squat(depth_cm=-10), Camera(90, 1.0, 3.0))], "squat"),
        "squat_front_knees_in": result_of([squat_clip(Squat(knee_in_cm=8), Camera(0, 1.0, 3.0))], "squat"),
        "squat_clean_two_views": result_of([squat_clip(Squat(), Camera(90, 1.0, 3.0)),
                                            squat_clip(Squat(), Camera(0, 1.0, 3.0))], "squat"),
        "bend": result_of([side_bend()], "forward_bend"),
        "gait": result_of([film(points, t, Camera(90, 1.0, 6.0), Noise(seed=2), size=(1920, 1080))], "gait"),
        "squat_scored_as_gait": result_of([squat_clip(Squat(), Camera(90, 1.0, 3.0))], "gait"),
    }


def patient_text(result: dict) -> list[str]:
    out = [pw.score_sentence(result), pw.score_scale(result) or "", *pw.summary_lines(result),
           *pw.quality_lines(result),
           pw.unscored_text(result) or "", pw.plan_text(result) or "", pw.retest_date(result) or "",
           pw.screen_name(result["screen"])]
    return [line for line in out if line]


def test_every_criterion_the_screens_emit_has_patient_words():
    ids = criterion_ids()
    assert {"knees_move_inward", "heels_down", "reaches_floor", "pelvic_drop"} <= ids
    table = pw.words()["criteria"]
    assert sorted(ids - set(table)) == [], "criteria without patient words"
    for cid in ids:
        assert isinstance(table[cid]["fault"], bool) and table[cid]["name"], cid
        assert table[cid].get("same_as") in (None, *ids), cid


def test_every_quality_code_the_package_emits_has_patient_words():
    codes = quality_codes()
    assert {"no_movement", "person_lost", "similar_people", "view_missing", "no_scale", "subject_small"} <= codes
    assert sorted(codes - set(pw.words()["quality"])) == [], "quality codes without patient words"


def test_every_analysis_error_has_its_own_plain_words():
    kinds = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.ScreenError)]
    assert sorted(c.__name__ for c in kinds if c.__name__ not in pw.words()["errors"]) == []
    message = f"'{CLIP}' is not a video (InvalidDataError): run again with --person 2"
    text = pw.error_text(errors.InputError(message))
    assert text.startswith("This file could not be read as a video") and not pw.leaks(text, PRIVATE)
    assert pw.error_text(RuntimeError(message)) == pw.words()["errors"]["generic"]
    assert pw.error_text("NoPersonError") == pw.words()["errors"]["NoPersonError"]


def test_every_message_in_the_words_file_is_clean():
    for where, text in strings(pw.words()):
        assert text.strip() and len(text) <= 200, where
        assert pw.leaks(re.sub(r"\{\w+\}", "x", text)) == [], (where, text)


@pytest.mark.parametrize("bad", ["(analyze side.mov front.mov)", "(spec A.3 [W])", "(docs/validation.md)",
                                 "run again with --person 2", "InvalidDataError", "ScreenError",
                                 "cannot read /srv/movement/uploads/abc", "0.0244 -> 0.0244", "knees_move_inward",
                                 "[warning] jitter", "Score {value}", "value nan"])
def test_leaks_finds_what_a_patient_saw(bad):
    assert pw.leaks(bad)


def test_leaks_lets_plain_words_through_and_finds_private_strings():
    assert pw.leaks("None of these apply to me. Walk 1.2 m/s, well-controlled, 2-3 times a week.") == []
    assert pw.leaks("P12345: the person fills only 48 % of the frame", also=[PATIENT_ID]) == [f"private: {PATIENT_ID}"]


def test_a_fault_criterion_reads_as_a_finding_and_a_quality_as_an_answer():
    line = pw.criterion_line
    assert line({"id": "knees_move_inward", "state": "pass"}) == "Knees moving inward: not seen"
    assert line({"id": "knees_move_inward", "state": "fail"}).startswith("Knees moving inward: seen")
    assert line({"id": "knees_move_inward", "state": "borderline"}) == "Knees moving inward: a little"
    assert line({"id": "heels_down", "state": "pass"}) == "Heels stay on the floor: yes"
    assert line({"id": "thigh_below_horizontal", "state": "fail"}) == "Thighs go below level: needs work"
    assert line({"id": "feet_flatten", "state": "not_assessed"}) == "Feet flattening: could not be checked"


def test_score_range_is_explained_in_a_sentence():
    fms = [{"id": cid, "group": "fms", "state": "pass"} for cid in squat.FMS_IDS]
    fms[0]["state"] = "not_assessed"
    result = {"screen": "squat", "criteria": fms, "score": {"value": None, "range": [1, 3], "max": 3}}
    sentence = pw.score_sentence(result)
    assert sentence.startswith("Score between 1 and 3 out of 3: the video could not show everything")
    assert "side and from the front" in sentence and "1-3" not in sentence
    assert pw.score_sentence({**result, "score": {"value": 2, "range": [2, 2], "max": 3}}).startswith(
        "Score 2 out of 3: ")
    assert "0 to 3" in pw.score_scale(result) and pw.score_scale({"screen": "gait", "score": None}) is None


def test_squat_results_read_plainly(results):
    side, front, clean = results["squat_side"], results["squat_front_knees_in"], results["squat_clean_two_views"]
    for result in results.values():
        for text in patient_text(result):
            assert pw.leaks(text, PRIVATE) == [], text
    lines = pw.summary_lines(side)
    assert lines[0] == "Thighs go below level: needs work"  # worst first
    assert lines[-1].startswith("Could not be checked from this video: ")
    assert sum(line.startswith("Could not") for line in lines) == 1
    assert not any("Heels lifting" in line for line in lines[:-1])  # heels_rise is heels_down: said once
    assert "Knees stay over the feet: needs work" in pw.summary_lines(front)
    assert pw.score_sentence(clean) == "Score 3 out of 3: a full squat, done well."
    assert pw.score_sentence(side).startswith("Score between 1 and 2 out of 3")
    assert "heels raised" in pw.score_sentence(side) and "front" not in pw.score_sentence(side)
    assert any("side and from the front" in line for line in pw.quality_lines(side))
    assert pw.unscored_text(side) is None


def test_bend_and_gait_lead_with_their_own_outcome(results):
    for name in ("bend", "gait"):  # no single score: what to work on (report/headline.py; tests/test_headline.py)
        sentence = pw.score_sentence(results[name])
        assert sentence.startswith(("The main thing to work on: ", "Nothing stood out")), sentence
    assert any("height" in line for line in pw.quality_lines(results["gait"]))


def test_no_movement_found_says_what_to_film_instead(results):
    result = results["squat_scored_as_gait"]
    text = pw.unscored_text(result)
    assert text.startswith("No walking was found in the video. Walk across")
    assert pw.score_sentence(result) == text
    assert pw.plan_text(result) == pw.words()["plan"]["not_made"]
    assert pw.summary_lines(result) == []  # no list of everything that could not be checked
    assert not any("not found" in line for line in pw.quality_lines(result))  # said once, by unscored_text


def test_progress_lines_are_words_without_numbers(results):
    first = results["squat_front_knees_in"]
    later = copy.deepcopy(first)
    for c in later["criteria"]:
        if c["id"] in ("knees_over_feet", "knees_move_inward"):
            c["margin"], c["value"], c["state"] = c["margin"] + 0.2, c["value"] - 0.2, "pass"
    rows = trend([{"date": "2025-03-01", "result": first}, {"date": "2025-04-12", "result": later}])
    lines = pw.progress_lines(rows)
    assert lines == ["Knees over the feet: better"], lines  # the twin said once; no-MDC measures left out
    worse = pw.progress_lines(trend([{"date": "2025-03-01", "result": later}, {"date": "2025-04-12", "result": first}]))
    assert worse == ["Knees over the feet: worse"]
    same = pw.progress_lines(trend([{"date": "2025-03-01", "result": first}, {"date": "2025-04-12", "result": first}]))
    assert same == ["Knees over the feet: no real change"]
    assert pw.progress_lines(trend([{"date": "2025-03-01", "result": first}])) == [pw.words()["progress"]["first"]]
    fault = [{"measure": "pelvic_drop", "values": [{}, {}], "since_first": {"verdict": "better"}},
             {"measure": "cadence", "values": [{}, {}], "since_first": {"verdict": "cannot_tell"}}]
    assert pw.progress_lines(fault) == ["Hip drop: less than before"]
    assert pw.progress_lines(fault[1:]) == [pw.words()["progress"]["too_small"]]
    for line in lines + worse + same:
        assert not re.search(r"\d", line) and pw.leaks(line) == []


def test_retest_lines_say_same_day_not_zero_weeks(results):
    first = results["squat_front_knees_in"]
    plan = first["plan"]
    assert plan["status"] == "given" and plan["benchmarks"]
    same_day = pw.retest_lines(reassess(plan, "2025-03-01", first, date(2025, 3, 1)))
    assert same_day[-1] == pw.words()["retest"]["same_day"]
    assert same_day[0] == "Knees over the feet: not there yet"
    early = pw.retest_lines(reassess(plan, "2025-03-01", first, date(2025, 3, 22)))
    assert early[-1].startswith("Not there yet: keep going. If nothing changes by 12 April 2025")
    stalled = pw.retest_lines(reassess(plan, "2025-03-01", first, date(2025, 5, 1)))
    assert stalled[-1] == pw.words()["retest"]["talk"]
    old = pw.retest_lines(reassess(plan, "2025-03-01", first, date(2025, 8, 1)))
    assert old[-1].startswith("Your plan is 22 weeks old")
    for line in same_day + early + stalled + old:
        assert "0.0 weeks" not in line and pw.leaks(line, PRIVATE) == [], line
    assert pw.retest_lines(None) == []


def test_the_patient_s_report_is_in_patient_words(results, tmp_path):
    """The PDF a patient downloads holds the result, plan and advice in plain words only."""
    from movement_screen.app.patient_report import blocks, pdf_bytes

    for name, result in results.items():
        texts = []
        for block in blocks(result):
            parts = block[1:]
            texts += [t for p in parts for t in (p if isinstance(p, list) else [p]) if isinstance(t, str)]
        leaked = [found for t in texts for found in pw.leaks(t, also=[CLIP])]
        assert not leaked, (name, leaked)
        assert pw.screen_name(result["screen"]) in texts[0]
    assert pdf_bytes(results["squat_side"]).startswith(b"%PDF")
