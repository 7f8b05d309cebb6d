"""Exercise catalogue, red-flag pre-screen and plan on built findings."""

from datetime import date
from pathlib import Path

import pytest

from movement_screen.care.catalogue import CatalogueError, load_catalogue
from movement_screen.care.plan import MAX_EXERCISES, make_plan
from movement_screen.care.safety import evaluate, read_answers
from movement_screen.errors import InputError, UsageError

PACKAGED = Path(__file__).resolve().parents[1] / "movement_screen" / "data" / "exercises.toml"


def result_with(*findings, score=None):
    """A result dict with failed/borderline criteria behind each finding (id, severity)."""
    criteria = [{"id": f, "title": f.replace("_", " "), "state": "fail" if sev == "moderate" else "borderline",
                 "value": 1.5, "margin": -0.5, "unit": "deg", "threshold": "<= 1 pass", "view": "sagittal"}
                for f, sev in findings]
    criteria.append({"id": "cadence", "title": "cadence", "state": "pass", "value": 100, "margin": 10,
                     "unit": "steps/min", "threshold": "90-120", "view": "sagittal"})
    return {"screen": "squat", "criteria": criteria, "score": score,
            "findings": [{"id": f, "title": f.replace("_", " "), "severity": sev, "evidence": ""}
                         for f, sev in findings]}


def ids(plan):
    return [e["id"] for e in plan["exercises"]]


def test_packaged_catalogue_is_complete():
    catalogue = load_catalogue()
    assert len(catalogue) >= 18
    names = {e.id for e in catalogue}
    for core in ("mcgill_curl_up", "side_plank", "bird_dog", "dead_bug", "abdominal_bracing", "glute_bridge"):
        assert core in names
    for ex in catalogue:
        assert ex.steps and ex.easier and ex.harder and ex.source and ex.evidence in "VNCW"
        assert ex.dose_text


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace('reps = "6-10 per side, slowly", ', ""), ["dead_bug", "'reps' or 'hold'"]),
    (lambda t: t.replace('addresses = ["arms_fall_forward", "arms_over_feet"]\nevidence = "C"\nsource = "NASM '
                         'convention; ACSM', 'addresses = ["arms_fall_foward"]\nevidence = "C"\nsource = "NASM '
                         'convention; ACSM'), ["lat_stretch", "arms_fall_foward"]),
    (lambda t: t.replace('evidence = "V"\nsource = "Emami', 'evidence = "strong"\nsource = "Emami'),
     ["bird_dog", "evidence"]),
    (lambda t: t.replace('name = "Clamshell"\n', ""), ["clamshell", "'name'"]),
    (lambda t: t.replace('[exercise.side_plank]', '[exercise.side_plank'), ["not valid TOML"]),
    (lambda t: t.replace('avoid_with = ["pregnancy"]\n\n[exercise.glute', 'avoid_with = ["pregnant"]\n\n'
                         '[exercise.glute'), ["dead_bug", "pregnant"]),
])
def test_broken_catalogue_names_the_entry(tmp_path, edit, words):
    text = PACKAGED.read_text(encoding="utf-8")
    broken = edit(text)
    assert broken != text, "the edit did not apply"
    path = tmp_path / "mine.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    for word in words:
        assert word in str(caught.value)


def test_missing_catalogue_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_catalogue(tmp_path / "nope.toml")


def test_valgus_gets_hip_and_ankle_correctives():
    plan = make_plan(result_with(("knees_move_inward", "moderate"), ("heels_rise", "mild")), evaluate({}))
    chosen = ids(plan)
    assert plan["status"] == "given"
    assert "side_lying_hip_abduction" in chosen or "clamshell" in chosen
    assert "knee_to_wall" in chosen or "calf_stretch" in chosen
    hip = next(e for e in plan["exercises"] if e["id"] == "side_lying_hip_abduction")
    assert "knees_move_inward" in hip["findings"] and "knees move inward" in hip["why"]
    # core stabilisation comes first, then the correctives
    categories = [e["category"] for e in plan["exercises"]]
    assert categories == sorted(categories, key=lambda c: c != "core")
    assert categories.count("core") >= 2
    assert [b["criterion"] for b in plan["benchmarks"]] == ["knees_move_inward", "heels_rise"]


def test_no_findings_gives_core_basics_only():
    plan = make_plan(result_with(), evaluate({}), on=date(2026, 11, 22))
    assert plan["status"] == "given"
    assert {e["category"] for e in plan["exercises"]} == {"core"}
    assert ids(plan) == ["abdominal_bracing", "mcgill_curl_up", "side_plank", "bird_dog"]
    assert plan["retest_on"] == "2026-12-13" and plan["benchmarks"] == []


def test_many_findings_stay_short_and_explained():
    findings = [("knees_move_inward", "moderate"), ("heels_rise", "moderate"), ("arms_fall_forward", "moderate"),
                ("excessive_forward_lean", "moderate"), ("pelvic_drop", "mild"), ("cadence", "mild"),
                ("smooth_return", "mild"), ("thigh_below_horizontal", "moderate")]
    plan = make_plan(result_with(*findings), evaluate({}))
    assert len(plan["exercises"]) <= MAX_EXERCISES
    for ex in plan["exercises"]:
        if ex["id"] != "abdominal_bracing" and ex["category"] == "corrective":
            assert ex["findings"], ex["id"]
    covered = {f for e in plan["exercises"] for f in e["findings"]}
    assert covered | set(plan["uncovered_findings"]) == {f for f, _ in findings}
    assert make_plan(result_with(*findings), evaluate({})) == plan  # deterministic


def test_fms_score_one_is_a_finding():
    plan = make_plan(result_with(score={"name": "FMS deep squat", "value": 1, "max": 3}), evaluate({}))
    assert "fms_score_low" in {f for e in plan["exercises"] for f in e["findings"]}


@pytest.mark.parametrize("flag, level, word", [
    ("saddle_numbness", "emergency", "emergency department"),
    ("progressive_weakness", "urgent", "urgently"),
    ("night_pain", "review", "clinician"),
    ("pain_during_test", "review", "clinician"),
])
def test_red_flag_withholds_the_plan(flag, level, word):
    screening = evaluate({flag: True})
    assert screening.level == level and screening.blocks_plan and screening.flags == [flag]
    plan = make_plan(result_with(("knees_move_inward", "moderate")), screening)
    assert plan["status"] == "withheld" and plan["exercises"] == []
    assert word in plan["reason"]


def test_emergency_outranks_other_answers():
    screening = evaluate({"night_pain": True, "bladder_bowel": True, "pregnancy": True})
    assert screening.level == "emergency" and "cauda equina" in screening.message


def test_pain_during_the_test_counts_as_a_flag():
    assert evaluate(None, pain="yes").blocks_plan
    assert not evaluate(None).asked


def test_precaution_leaves_exercises_out():
    plan = make_plan(result_with(("smooth_return", "mild")), evaluate({"pregnancy": True, "hypertension": True}))
    assert plan["status"] == "given"
    chosen = ids(plan)
    for supine in ("mcgill_curl_up", "dead_bug", "glute_bridge"):
        assert supine not in chosen
    assert {x["id"] for x in plan["left_out"]} >= {"mcgill_curl_up", "dead_bug", "glute_bridge"}
    bracing = plan["exercises"][0]
    assert any("breath" in c for c in bracing["cautions"])


def test_not_asked_still_plans_but_says_so():
    plan = make_plan(result_with(), evaluate(None))
    assert plan["status"] == "given" and plan["reason"] == "red-flag questions not asked"
    assert any("not asked" in n for n in plan["notes"])


def test_unscored_screen_gets_no_plan():
    result = {"screen": "squat", "criteria": [{"id": "heels_down", "state": "not_assessed"}], "findings": []}
    assert make_plan(result, evaluate({}))["status"] == "not_made"


def test_answers_file_and_unknown_question(tmp_path):
    path = tmp_path / "answers.toml"
    path.write_text('bladder_bowel = false\nnight_pain = "yes"\n', encoding="utf-8")
    assert read_answers(path) == {"bladder_bowel": False, "night_pain": True}
    with pytest.raises(UsageError, match="unknown red-flag question"):
        evaluate({"back_ache": True})
    path.write_text("night_pain = maybe\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_answers(path)


def test_clinician_catalogue_is_used(tmp_path):
    text = PACKAGED.read_text(encoding="utf-8").replace('name = "Side-lying leg lift (hip abduction)"',
                                                          'name = "Hip abduction, clinic version"')
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    plan = make_plan(result_with(("knees_move_inward", "moderate")), evaluate({}), load_catalogue(path))
    assert "Hip abduction, clinic version" in [e["name"] for e in plan["exercises"]]
