"""The standing posture screen on the built standing figure, filmed by a pinhole camera (no model)."""

from types import SimpleNamespace

import pytest

from movement_screen.kinematics.series import prepare
from movement_screen.screens import posture
from movement_screen.screens.detect import decide
from movement_screen.validation.figure import Camera, Noise, Squat, film, squat_clip
from movement_screen.validation.standing import Posture, stand

FRONT = Camera(yaw_deg=0, height_m=1.0, distance_m=3.0)
SIDE = Camera(yaw_deg=90, height_m=1.0, distance_m=3.0)
MODEL = SimpleNamespace(variant="full", origin="built")


def filmed(shape: Posture = Posture(), camera: Camera = FRONT, seed: int = 1):
    t, points = stand(shape)
    return film(points, t, camera, Noise(seed=seed))


def judged(shape: Posture = Posture(), camera: Camera = FRONT, seed: int = 1) -> dict:
    return {c.id: c for c in posture.judge_view(prepare(filmed(shape, camera, seed))).criteria}


def test_standing_straight_passes_what_each_view_measures_and_says_what_it_cannot():
    for camera, measured, other in ((FRONT, posture.FRONT_IDS, posture.SIDE_IDS),
                                    (SIDE, posture.SIDE_IDS, posture.FRONT_IDS)):
        c = judged(camera=camera)
        assert {c[i].state for i in measured} == {"pass"}, {i: c[i].reason for i in measured}
        for i in other:
            assert c[i].state == "not_assessed" and "view is needed" in c[i].reason and "move the camera" in c[i].reason
        for i in posture.UNMEASURABLE:
            assert c[i].state == "not_assessed" and "landmark" in c[i].reason


@pytest.mark.parametrize("criterion, field, small, large, large_verdict, camera", [
    ("shoulder_level", "shoulder_tilt_deg", 1.0, 9.0, "fail", FRONT),
    ("pelvis_level", "pelvis_tilt_deg", 1.0, 14.0, "fail", FRONT),
    ("head_tilt", "head_tilt_deg", 2.0, 22.0, "fail", FRONT),
    ("trunk_lateral_shift", "trunk_shift_cm", 2.0, 12.0, "fail", FRONT),
    ("side_lean", "body_lean_deg", 0.5, 6.0, "fail", FRONT),
    ("head_forward", "head_forward_cm", 2.0, 18.0, "fail", SIDE),
    ("trunk_lean_standing", "sway_cm", 2.0, 12.0, "fail", SIDE),
    ("knee_hyperextension", "knee_back_deg", 2.0, 15.0, "fail", SIDE),
])
def test_a_fault_of_known_size_either_side_of_its_threshold(criterion, field, small, large, large_verdict, camera):
    assert judged(Posture(**{field: small}), camera)[criterion].state == "pass"
    found = judged(Posture(**{field: large}), camera)[criterion]
    assert found.state == large_verdict, found.reason
    assert found.frame is not None and found.time_s is not None  # the moment judged, for the key frame


def test_the_side_is_named_and_sway_shows_in_both_side_measures():
    c = judged(Posture(shoulder_tilt_deg=9.0), FRONT)
    assert "the right one lower" in c["shoulder_level"].reason
    back = judged(Posture(shoulder_tilt_deg=9.0), Camera(180, 1.0, 3.0))  # from behind, the picture is mirrored
    assert "the right one lower" in back["shoulder_level"].reason
    sway = judged(Posture(sway_cm=12.0), SIDE)
    assert sway["hips_forward"].state != "pass" and "back of vertical" in sway["trunk_lean_standing"].reason
    assert "proxy" in judged(Posture(head_forward_cm=18.0), SIDE)["head_forward"].reason


def test_a_clip_without_quiet_standing_is_not_judged():
    c = {x.id: x for x in posture.judge_view(prepare(squat_clip(Squat(), FRONT, reps=3, hold_s=0.2))).criteria}
    assert all(x.state == "not_assessed" for x in c.values())
    assert "stand still" in c["shoulder_level"].reason


def test_auto_recognises_standing_still_and_keeps_it_apart_from_other_movements():
    found = decide(prepare(filmed()))
    assert found.screen == "posture" and "stands still" in found.reason, found.reason
    assert decide(prepare(squat_clip(Squat(), SIDE))).screen == "squat"


def test_a_posture_session_is_scored_and_a_squat_clip_is_refused_for_it():
    from movement_screen.api import keep_matching, score_sources
    from movement_screen.errors import WrongMovementError
    from test_detect import built_source

    front, side = built_source(filmed(Posture(shoulder_tilt_deg=9.0))), built_source(filmed(camera=SIDE))
    result = score_sources([front, side], ["front.mp4", "side.mp4"], MODEL, screen="posture").result
    assert result.screen == "posture" and result.unscored_reason is None
    states = {c.id: c.state for c in result.criteria}
    assert states["shoulder_level"] == "fail" and states["head_forward"] == "pass"
    assert "shoulder_level" in {f.id for f in result.findings}
    squatting = built_source(squat_clip(Squat(), SIDE))
    with pytest.raises(WrongMovementError, match="shows a squat"):
        keep_matching([squatting], ["squat.mp4"], "posture")
    # Standing still is no other movement: a squat session keeps the clip, which then says no squat was found.
    assert keep_matching([front], ["front.mp4"], "squat")[0] == [front]


def test_the_command_line_scores_a_posture_from_landmarks_with_auto(tmp_path):
    """End to end without the pose model: the front clip's landmarks, scored again by the CLI with --screen auto,
    come out as a posture screen with its report, key frame and plot."""
    import json
    import subprocess
    import sys

    from movement_screen.api import score_sources
    from movement_screen.report.files import write_landmarks_csv
    from test_detect import built_source

    front = built_source(filmed(Posture(pelvis_tilt_deg=11.0)))
    table = write_landmarks_csv(score_sources([front], ["front.mp4"], MODEL, screen="posture"),
                                tmp_path / "landmarks.csv")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(table), "--out", str(out),
                           "--quiet", "--no-red-flags", "--plan", "--report"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "result.json").read_text())
    assert result["screen"] == "posture" and result["detection"]["screen"] == "posture"
    states = {c["id"]: c["state"] for c in result["criteria"]}
    assert states["pelvis_level"] == "fail" and states["shoulder_level"] == "pass"
    assert states["head_forward"] == "not_assessed"  # a front clip only
    assert "Criteria (standing posture" in done.stdout and "pelvis_level" in done.stdout
    assert any("pelvis_level" in e["findings"] for e in result["exercises"])  # side plank, from the catalogue
    for name in ("report.pdf", "angles.png"):
        assert (out / name).exists(), name


def test_asking_for_a_synthetic_figure_that_does_not_exist_is_a_one_line_usage_error():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "movement_screen", "validate", "--synthetic",
                           "--synthetic-screens", "squat,gait"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "no synthetic figure for gait" in done.stderr and "Traceback" not in done.stderr


def test_a_posture_result_reads_plainly_for_a_patient():
    from movement_screen.api import score_sources
    from movement_screen.app import patient_words
    from test_detect import built_source

    result = score_sources([built_source(filmed(Posture(shoulder_tilt_deg=9.0)))], ["front.mp4"], MODEL,
                           screen="posture").result.to_dict()
    lines = patient_words.summary_lines(result) + [patient_words.score_sentence(result)]
    assert any("Shoulders level" in line for line in lines), lines
    assert not patient_words.leaks("\n".join(lines)), patient_words.leaks("\n".join(lines))


def test_a_rolled_camera_is_told_to_level_and_a_level_one_is_not():
    """The floor line between the heels: a front camera rolled 5 degrees is said to be tilted, a level one not
    (the single-leg squat's lifted foot and heels side by side are in test_recognition)."""
    from dataclasses import replace

    import numpy as np

    from movement_screen.kinematics.quality import check

    def codes(seq):
        return {i.code for i in check(seq, prepare(seq), 0, "front.mp4", 1, screen="posture")}

    seq = filmed()
    turn = np.radians(5.0)
    centre = np.array([seq.width / 2, seq.height / 2])
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    rolled = replace(seq, xy=(seq.xy - centre) @ rotation.T + centre)
    assert "camera_tilt" not in codes(seq)
    assert "camera_tilt" in codes(rolled)
