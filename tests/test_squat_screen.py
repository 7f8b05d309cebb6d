"""The squat screen on landmark sequences built with known angles (no model)."""

import pytest

from movement_screen.kinematics.series import prepare
from movement_screen.screens.squat import fms_score, judge_view, merge_views
from synthetic import front_squat, side_squat


def states(view_screen):
    return {c.id: c.state for c in view_screen.criteria}


def judge(seq):
    return judge_view(prepare(seq))


def test_side_view_is_classified_sagittal_facing_right():
    kin = prepare(side_squat())
    assert kin.view.kind == "sagittal"
    assert kin.view.facing == 1 and kin.view.near_side == "right"


def test_below_parallel_passes_depth_and_partial_squat_fails():
    deep = judge(side_squat(thigh_from_vertical_deg=110))
    partial = judge(side_squat(thigh_from_vertical_deg=60))
    assert len(deep.repetitions) == len(partial.repetitions) == 1
    assert states(deep)["thigh_below_horizontal"] == "pass"
    assert states(partial)["thigh_below_horizontal"] == "fail"
    assert deep.metrics["depth_margin_thigh_lengths"] > partial.metrics["depth_margin_thigh_lengths"] + 0.5


def test_trunk_parallel_to_tibia_passes_and_30_degrees_more_lean_fails():
    parallel = judge(side_squat(trunk_extra_deg=0))
    leaning = judge(side_squat(trunk_extra_deg=30))
    assert states(parallel)["trunk_tibia_parallel"] == "pass"
    assert states(leaning)["trunk_tibia_parallel"] == "fail"
    assert leaning.metrics["trunk_tibia_difference_deg"] == pytest.approx(30, abs=3)
    assert states(leaning)["excessive_forward_lean"] == "fail"


def test_counts_every_repetition_and_marks_the_bottom():
    screen = judge(side_squat(reps=3))
    assert len(screen.repetitions) == 3
    for rep in screen.repetitions:
        assert rep.start_s < rep.bottom_s < rep.end_s
        assert rep.hold_s == pytest.approx(1.0, abs=0.35)  # time within 5 % leg length of the bottom


def test_heel_rise_and_arms_forward_are_flagged():
    assert states(judge(side_squat(heel_rise_px=30)))["heels_down"] == "fail"
    arms = judge(side_squat(arm_from_vertical_deg=60))
    assert states(arms)["arms_over_feet"] == "fail"
    assert states(arms)["arms_fall_forward"] == "fail"
    assert states(judge(side_squat()))["arms_over_feet"] == "pass"


def test_side_view_cannot_judge_knees_and_front_view_cannot_judge_trunk():
    side, front = judge(side_squat()), judge(front_squat())
    assert states(side)["knees_over_feet"] == "not_assessed"
    assert "front view" in next(c.reason for c in side.criteria if c.id == "knees_over_feet")
    assert states(front)["trunk_tibia_parallel"] == "not_assessed"
    assert states(front)["knees_over_feet"] == "pass"


def test_knee_valgus_and_weight_shift_in_front_view():
    valgus = judge(front_squat(knee_inward_px=60))
    assert states(valgus)["knees_over_feet"] == "fail"
    assert valgus.metrics["knee_fppa_left_deg"] > 10 and valgus.metrics["knee_fppa_right_deg"] > 10
    shifted = judge(front_squat(hip_shift_px=40))
    shift = next(c for c in shifted.criteria if c.id == "asymmetric_weight_shift")
    assert shift.state == "fail" and "right" in shift.reason  # image left = subject's right when facing camera


def test_merged_views_judge_each_criterion_from_the_view_that_measures_it():
    merged = {c.id: c for c in merge_views([judge(side_squat()), judge(front_squat())])}
    assert merged["trunk_tibia_parallel"].view == "sagittal"
    assert merged["knees_over_feet"].view == "frontal"
    assert all(merged[i].state == "pass" for i in ("trunk_tibia_parallel", "thigh_below_horizontal",
                                                     "knees_over_feet", "arms_over_feet", "heels_down"))
    score = fms_score(list(merged.values()), pain="no")
    assert score.value == 3


def test_fms_score_caveats():
    good = merge_views([judge(side_squat()), judge(front_squat())])
    assert fms_score(good, pain="yes").value == 0
    assert fms_score(good, heel_board=True, pain="no").value == 2
    shallow = merge_views([judge(side_squat(thigh_from_vertical_deg=60)), judge(front_squat())])
    score = fms_score(shallow, pain="no")
    assert score.value is None and score.range == (1, 2)
    assert "heel-elevated trial not recorded" in score.explanation
    side_only = fms_score(merge_views([judge(side_squat())]), pain="no")
    assert side_only.value is None and side_only.range == (1, 3) and "knees_over_feet" in side_only.explanation
    assert "Pain was not asked" in fms_score(good).explanation


def test_standing_still_has_no_repetition():
    still = judge(side_squat(thigh_from_vertical_deg=5, tibia_deg=2))
    assert still.repetitions == []


def test_a_brief_dip_is_not_a_squat():
    seq = side_squat()  # 4 s; played 8x faster the whole dip lasts well under a second
    fast = type(seq)(seq.xy, seq.visibility, seq.world, seq.t / 8, seq.frame, seq.width, seq.height, 240.0)
    assert judge(fast).repetitions == []
