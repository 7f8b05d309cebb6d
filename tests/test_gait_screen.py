"""The gait screen on walking landmark sequences with known heel-strike times (no model)."""

import numpy as np
import pytest

from movement_screen.kinematics.series import prepare
from movement_screen.screens import gait
from movement_screen.screens.detect import decide
from synthetic import side_squat, walking


def judged(seq, **kw):
    view = gait.judge_view(prepare(seq), **kw)
    return view, {c.id: c for c in view.criteria}


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_heel_strikes_are_found_within_one_frame(fps):
    seq, truth = walking(cadence=110, fps=fps)
    view, _ = judged(seq)
    for side in ("left", "right"):
        found = np.array([e.time_s for e in view.events if e.type == "heel_strike" and e.side == side])
        assert len(found) == len(truth[side])
        assert np.max(np.abs(found - truth[side])) <= 1 / fps


def test_heel_strikes_alternate_and_cadence_is_right():
    seq, _ = walking(cadence=110)
    view, c = judged(seq)
    strikes = [e.side for e in view.events if e.type == "heel_strike"]
    assert all(a != b for a, b in zip(strikes, strikes[1:]))
    assert abs(view.metrics["cadence_steps_per_min"] - 110) < 1.5
    assert c["cadence"].state == "pass"
    assert c["step_time_symmetry"].state == "pass"


def test_walking_either_way_gives_the_same_cadence():
    right, _ = judged(walking(cadence=100, direction=1)[0])
    left, _ = judged(walking(cadence=100, direction=-1)[0])
    assert [p.label for p in right.passes] == ["left_to_right"]
    assert [p.label for p in left.passes] == ["right_to_left"]
    assert abs(right.metrics["cadence_steps_per_min"] - left.metrics["cadence_steps_per_min"]) < 0.5
    assert right.metrics["step_count"] == left.metrics["step_count"]


def test_a_limp_shows_as_step_time_asymmetry():
    # The right foot lands 40 % of a stride after the left instead of 50 %: right steps short, left steps long.
    view, c = judged(walking(cadence=100, right_step_fraction=0.4)[0])
    assert c["step_time_symmetry"].state == "fail"
    assert view.metrics["step_time_right_s"] < view.metrics["step_time_left_s"]
    assert view.metrics["step_time_symmetry_index_pct"] > 15
    assert "left longer" in c["step_time_symmetry"].reason


def test_step_length_and_speed_need_a_height():
    without, c = judged(walking()[0])
    assert c["walking_speed"].state == "not_assessed" and "--height-cm" in c["walking_speed"].reason
    with_height, c = judged(walking()[0], height_cm=170)
    assert c["walking_speed"].state != "not_assessed"
    assert 0.5 < with_height.metrics["walking_speed_m_s"] < 2.5


def test_slow_cadence_is_flagged_against_the_norm():
    _, c = judged(walking(cadence=70, duration_s=9)[0])
    assert c["cadence"].state == "fail"
    assert "90-120" in c["cadence"].threshold and c["cadence"].evidence == "N"


def test_auto_detection_tells_walking_from_a_squat():
    assert decide(prepare(walking()[0])).screen == "gait"
    assert decide(prepare(side_squat())).screen == "squat"
