"""The squat screen on the 3-D stick figure filmed by a pinhole camera (no model)."""

import pytest

from movement_screen.kinematics.series import prepare
from movement_screen.screens.squat import FMS_IDS, fms_score, judge_view, merge_views
from movement_screen.validation.figure import Camera, Noise, Squat, squat_clip

SIDE = Camera(yaw_deg=90, height_m=1.0, distance_m=3.0)
OBLIQUE = Camera(yaw_deg=45, height_m=1.5, distance_m=3.0)
FRONT = Camera(yaw_deg=0, height_m=1.0, distance_m=3.0)


def judge(squat=Squat(), camera=SIDE, **kw):
    return judge_view(prepare(squat_clip(squat, camera, **kw)))


def states(view_screen):
    return {c.id: c.state for c in view_screen.criteria}


def test_side_view_is_classified_sagittal_with_the_near_side():
    kin = prepare(squat_clip(Squat(), SIDE))
    assert kin.view.kind == "sagittal"
    assert kin.view.facing == -1 and kin.view.near_side == "left"  # the camera stands at the person's left


def test_a_clean_squat_passes_every_criterion_its_view_can_measure():
    for camera in (SIDE, OBLIQUE, FRONT):
        found = states(judge(camera=camera))
        measured = {k: v for k, v in found.items() if k in FMS_IDS and v != "not_assessed"}
        assert measured and set(measured.values()) == {"pass"}, (camera, found)


def test_true_side_and_45_degree_oblique_camera_give_the_same_verdicts():
    for squat in (Squat(), Squat(depth_cm=-10), Squat(trunk_extra_deg=30), Squat(heel_lift_cm=4),
                  Squat(arms_deg=90)):
        side, oblique = states(judge(squat, SIDE)), states(judge(squat, OBLIQUE))
        assert {k: side[k] for k in FMS_IDS} == {k: oblique[k] for k in FMS_IDS}, squat


def test_depth_below_parallel_passes_and_above_fails_from_every_side():
    for camera in (SIDE, OBLIQUE, FRONT):
        deep = judge(Squat(depth_cm=10), camera)
        shallow = judge(Squat(depth_cm=-10), camera)
        assert states(deep)["thigh_below_horizontal"] == "pass"
        assert states(shallow)["thigh_below_horizontal"] == "fail"
        assert deep.metrics["depth_margin_thigh_lengths"] > shallow.metrics["depth_margin_thigh_lengths"] + 0.35


def test_trunk_leaning_beyond_the_shins_is_borderline_then_fails():
    assert states(judge(Squat(trunk_extra_deg=15)))["trunk_tibia_parallel"] == "borderline"
    leaning = judge(Squat(trunk_extra_deg=30))
    assert states(leaning)["trunk_tibia_parallel"] == "fail"
    assert leaning.metrics["trunk_tibia_difference_deg"] == pytest.approx(30, abs=4)
    assert states(leaning)["excessive_forward_lean"] == "fail"


def test_counts_every_repetition_and_marks_the_bottom():
    screen = judge(reps=3)
    assert len(screen.repetitions) == 3
    for rep in screen.repetitions:
        assert rep.start_s < rep.bottom_s < rep.end_s
        assert rep.hold_s == pytest.approx(1.0, abs=0.35)


def test_heel_lift_is_flagged_and_a_flat_foot_is_not():
    assert states(judge(Squat(heel_lift_cm=4)))["heels_down"] == "fail"
    assert states(judge(Squat(heel_lift_cm=2)))["heels_down"] in ("borderline", "fail")
    assert states(judge(Squat()))["heels_down"] == "pass"


def test_wrists_ahead_of_the_feet_and_behind_them_are_told_apart():
    forward = judge(Squat(arms_deg=90))
    assert states(forward)["arms_over_feet"] == "fail"
    assert forward.metrics["wrist_ahead_of_midfoot_shank_lengths"] > 1.3
    # Arms tipped back behind vertical put the wrists behind the feet: never "in front of".
    back = judge(Squat(arms_deg=-20))
    assert back.metrics["wrist_ahead_of_midfoot_shank_lengths"] < 0
    assert "behind" in next(c.reason for c in back.criteria if c.id == "arms_over_feet")


def test_arms_falling_ahead_of_the_trunk_line_is_the_nasm_compensation():
    assert states(judge(Squat(arms_deg=90)))["arms_fall_forward"] == "fail"
    assert states(judge(Squat(arms_deg=20)))["arms_fall_forward"] == "pass"  # behind the 35 deg trunk line


def test_side_view_cannot_judge_knees_and_front_view_cannot_judge_trunk_and_says_why():
    side, front = judge(camera=SIDE), judge(camera=FRONT)
    assert states(side)["knees_over_feet"] == "not_assessed"
    assert "front view" in next(c.reason for c in side.criteria if c.id == "knees_over_feet")
    for cid in ("trunk_tibia_parallel", "arms_over_feet", "heels_down"):
        assert states(front)[cid] == "not_assessed"
        assert "side view" in next(c.reason for c in front.criteria if c.id == cid)


def test_knees_inside_the_toes_fail_from_the_front():
    valgus = judge(Squat(knee_in_cm=6), FRONT)
    assert states(valgus)["knees_over_feet"] == "fail"
    assert valgus.metrics["knee_inside_toes_left_shank_lengths"] > 0.1
    assert valgus.metrics["knee_inside_toes_right_shank_lengths"] > 0.1
    assert states(judge(Squat(), FRONT))["knees_over_feet"] == "pass"


def test_weight_shift_to_one_side_from_the_front():
    shifted = judge(Squat(hip_shift_cm=5), FRONT)
    shift = next(c for c in shifted.criteria if c.id == "asymmetric_weight_shift")
    assert shift.state == "fail" and "right" in shift.reason


def test_missing_world_landmarks_leave_body_frame_criteria_unassessed_with_a_reason():
    seq = squat_clip(Squat(), SIDE, Noise())
    blank = type(seq)(seq.xy, seq.visibility, seq.world * float("nan"), seq.t, seq.frame, seq.width, seq.height,
                      seq.fps)
    found = judge_view(prepare(blank))
    depth = next(c for c in found.criteria if c.id == "thigh_below_horizontal")
    assert depth.state == "not_assessed" and "3-D landmarks" in depth.reason


def test_merged_views_take_each_criterion_from_the_view_that_measures_it_best():
    merged = {c.id: c for c in merge_views([judge(camera=FRONT), judge(camera=SIDE)])}
    assert merged["trunk_tibia_parallel"].view == "sagittal"
    assert merged["knees_over_feet"].view == "frontal"
    assert merged["thigh_below_horizontal"].view == "sagittal"  # the side view's heights are the better ones
    assert all(merged[i].state == "pass" for i in FMS_IDS)
    assert fms_score(list(merged.values()), pain="no").value == 3


def test_a_slanted_camera_is_told_how_far_to_turn():
    """Between the front view's range and the side view's, the result says how far to move the camera, in the
    criteria it could not measure and as a quality warning; a true side or front view gets no such warning."""
    from types import SimpleNamespace

    from movement_screen.api import score_sources
    from movement_screen.validation.figure import Camera, Squat, squat_clip
    from test_detect import built_source

    model = SimpleNamespace(variant="full", origin="built")
    slanted = score_sources([built_source(squat_clip(Squat(), Camera(20)))], ["slant.mp4"], model,
                            screen="squat").result
    turn = next(i for i in slanted.quality_issues if i.code == "turn_camera")
    assert "for a side view, move the camera about" in turn.message and "deg further round" in turn.message
    trunk = slanted.criterion("trunk_tibia_parallel")
    assert trunk.state == "not_assessed" and "move the camera about" in trunk.reason
    for yaw in (0, 90):
        square = score_sources([built_source(squat_clip(Squat(), Camera(yaw)))], ["v.mp4"], model,
                               screen="squat").result
        assert not any(i.code == "turn_camera" for i in square.quality_issues), yaw


def test_a_phone_at_the_usual_oblique_side_position_gets_the_side_criteria():
    # Therapists film "the side" from about 35-40 deg round: trunk, heels and arms are measured there now.
    found = states(judge(camera=Camera(yaw_deg=35, height_m=1.0, distance_m=3.0)))
    assert {found[k] for k in ("trunk_tibia_parallel", "heels_down", "arms_over_feet")} == {"pass"}, found


def test_an_oblique_trunk_lean_the_world_depth_flattens_is_judged_from_the_picture():
    """At 40 deg the trunk's forward tip lies largely along the camera's axis, where the model's world landmarks
    keep only part of it (bench/depth_error.py; the built figure's noise does the same). The picture, corrected
    for the yaw, still sees it: a 30 deg lean beyond the shins fails, and the reason says which estimate."""
    camera = Camera(yaw_deg=40, height_m=1.0, distance_m=3.0)
    view = judge(Squat(trunk_extra_deg=30), camera)
    trunk = next(c for c in view.criteria if c.id == "trunk_tibia_parallel")
    m = view.metrics
    assert m["trunk_tibia_difference_picture_deg"] > m["trunk_tibia_difference_world_deg"] + 8  # flattened
    assert trunk.state == "fail" and "the picture is judged" in trunk.reason, trunk.reason
    assert next(c for c in view.criteria if c.id == "excessive_forward_lean").state == "fail"
    assert states(judge(Squat(), camera))["trunk_tibia_parallel"] == "pass"


def test_two_trunk_estimates_that_disagree_beyond_their_error_give_borderline_with_both_values():
    # A world depth that reads more lean than there is (the opposite of the model's flattening) cannot be
    # explained away: an 8 deg lean beyond the shins (pass by the picture) is borderline, both values named.
    view = judge(Squat(trunk_extra_deg=8), Camera(yaw_deg=40, height_m=1.0, distance_m=3.0),
                 noise=Noise(trunk_depth_keep=4.0))
    trunk = next(c for c in view.criteria if c.id == "trunk_tibia_parallel")
    m = view.metrics
    assert m["trunk_tibia_difference_world_deg"] > m["trunk_tibia_difference_picture_deg"] + 8
    assert trunk.state == "borderline" and "disagree" in trunk.reason and "from the picture" in trunk.reason
