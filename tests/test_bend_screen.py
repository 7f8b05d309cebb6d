"""The forward-bend screen on landmark sequences built with known angles (no model)."""

from movement_screen.kinematics.series import prepare
from movement_screen.screens import bend
from movement_screen.screens.detect import decide
from movement_screen.validation.bend import front_bend, side_bend


def judged(seq):
    view = bend.judge_view(prepare(seq))
    return view, {c.id: c for c in view.criteria}


def test_straight_knee_bend_passes_knees_and_bent_knee_bend_fails():
    straight, s = judged(side_bend(knee_bend_deg=0))
    bent, b = judged(side_bend(knee_bend_deg=40))
    assert len(straight.repetitions) == len(bent.repetitions) == 1
    assert s["knees_straight"].state == "pass"
    assert b["knees_straight"].state == "fail"
    assert abs(b["knees_straight"].value - 40) < 5


def test_bend_is_timed_and_reaches_past_horizontal():
    view, c = judged(side_bend(trunk_peak_deg=140))
    rep = view.repetitions[0]
    # The built bend goes down over 1.5 s, holds 0.5 s and comes up over 1.5 s (from 0.5 s).
    assert abs(view.metrics["max_trunk_inclination_deg"] - 140) < 5
    assert 1.0 < view.metrics["descent_time_s"] < 2.2
    assert 1.0 < view.metrics["return_time_s"] < 2.2
    assert rep.started_upright and rep.ended_upright
    assert c["full_return"].state == "pass"
    assert c["reaches_floor"].state == "pass"
    assert c["smooth_return"].state == "pass"


def test_shallow_reach_does_not_reach_the_floor():
    _, c = judged(side_bend(trunk_peak_deg=70))
    assert c["reaches_floor"].state == "fail"
    assert c["reaches_floor"].value > 0.12


def test_clip_that_ends_bent_fails_full_return_and_has_no_return_time():
    view, c = judged(side_bend(duration_s=2.6))  # cut while still down
    assert len(view.repetitions) == 1
    assert c["full_return"].state == "fail"
    assert view.repetitions[0].ended_upright is False


def test_lateral_shift_in_front_view_is_flagged_and_straight_bend_is_not():
    _, straight = judged(front_bend(shift_px=0))
    _, shifted = judged(front_bend(shift_px=60))  # ~0.27 shoulder widths toward the person's right
    assert straight["lateral_shift"].state == "pass"
    assert shifted["lateral_shift"].state == "fail"
    assert "right" in shifted["lateral_shift"].reason
    assert straight["knees_straight"].state == "not_assessed"  # a front view cannot see knee bend


def test_what_2d_pose_cannot_measure_is_not_assessed_with_a_reason():
    _, c = judged(side_bend())
    for cid in ("lumbopelvic_rhythm", "lumbar_curve", "pelvic_tilt"):
        assert c[cid].state == "not_assessed"
        assert "landmark" in c[cid].reason


def test_auto_detection_calls_both_views_a_forward_bend():
    for seq in (side_bend(), front_bend()):
        found = decide(prepare(seq))
        assert found.screen == "forward_bend"
        assert found.confidence >= 0.5
