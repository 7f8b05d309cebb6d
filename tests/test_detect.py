"""--screen auto refuses politely when the movement is not one of the screens."""

import numpy as np

from movement_screen.kinematics.series import prepare
from movement_screen.screens.detect import decide
from movement_screen.validation.figure import Camera, Squat, figure, film, lunge, phase, squat_clip
from movement_screen.validation.bend import side_bend


def test_standing_still_is_a_posture_screen_and_a_moment_of_it_is_refused_with_a_hint():
    t, p = phase()
    still = film(figure(Squat(), np.zeros_like(p)), t, Camera(90))  # a person standing through the whole clip
    found = decide(prepare(still))
    assert found.screen == "posture"
    t, p = phase(duration_s=1.5)
    moment = film(figure(Squat(), np.zeros_like(p)), t, Camera(90))  # too short for a posture screen
    found = decide(prepare(moment))
    assert found.screen is None
    assert "standing still" in found.reason and "posture" in found.reason
    assert "choose the screen yourself" in found.reason


def test_half_a_bend_is_not_called_confidently():
    found = decide(prepare(side_bend(trunk_peak_deg=45)))  # a nod forward, not a toe-touch
    assert found.screen is None
    assert "could not tell" in found.reason and "forward bend" in found.reason


def test_a_squat_is_not_mistaken_for_a_bend_despite_the_trunk_lean():
    found = decide(prepare(squat_clip(Squat(trunk_extra_deg=25), Camera(90))))  # trunk 60 deg forward at the bottom
    assert found.screen == "squat"
    assert found.scores["forward_bend"] < 0.5


# Hip-dropping movements that are not a deep or overhead squat (the 3-D figure, filmed from the side or front).

DEADLIFT = Squat(tibia_deg=20, depth_cm=-20, trunk_extra_deg=35, arms_deg=180, arms_standing_deg=180)
SIT_TO_STAND = Squat(tibia_deg=5, depth_cm=-3, trunk_extra_deg=35, arms_deg=90, arms_standing_deg=180)


def lunge_clip(yaw):
    t, points = lunge()
    return film(points, t, Camera(yaw))


def test_a_deadlift_with_the_hands_at_the_knees_is_declined_as_a_lift():
    found = decide(prepare(squat_clip(DEADLIFT, Camera(70))))
    assert found.screen is None
    assert "lift with the hands low" in found.reason and "choose the squat screen" in found.reason


def test_sitting_down_once_is_declined_and_sitting_then_standing_up_is_a_sit_to_stand():
    """The sit-to-stand's signature is the hips coming to rest on a seat and the person standing up from it, once
    or again and again; sitting down and staying there is neither it nor a squat. A free squat held still at the
    bottom for a second never rests there (its shins lean forward to keep the balance)."""
    clip = squat_clip(SIT_TO_STAND, Camera(60))
    sat = decide(prepare(clip.part(slice(0, int(0.6 * len(clip))))))
    assert sat.screen is None and "sitting down onto a seat" in sat.reason and "rest 1.0 s" in sat.reason
    assert decide(prepare(clip)).screen == "sit_to_stand"
    for yaw in (0, 60):
        held = decide(prepare(squat_clip(Squat(), Camera(yaw), hold_s=1.0)))
        assert held.screen == "squat" and held.values["seated_rest_s"] == 0.0


def test_a_squat_held_at_its_bottom_from_the_front_is_a_squat_even_if_its_shins_read_upright():
    """From the front the shins' lean lies along the camera's axis, where the 3-D landmarks' depth scatters (a real
    front-view overhead squat had been declined as "something holds the hips up"): there a rest on a seat counts
    only past a squat's held second, or when the hips rise from low again and again. From the side, upright shins
    under still hips are a seat."""
    for yaw in (0, 10):
        assert decide(prepare(squat_clip(SIT_TO_STAND, Camera(yaw), hold_s=1.0))).screen == "squat"
    assert decide(prepare(squat_clip(SIT_TO_STAND, Camera(60), hold_s=1.0))).screen == "sit_to_stand"


def test_standing_up_from_a_seat_again_and_again_is_a_sit_to_stand_and_squats_stay_squats():
    from movement_screen.validation.chair import Chair, sit

    t, points = sit(Chair())
    found = decide(prepare(film(points, t, Camera(60))))
    assert found.screen == "sit_to_stand" and found.confidence >= 0.9, found.reason
    assert found.scores["squat"] == 0.0
    for yaw in (0, 90):  # three squats in a row rise three times from low hips, but with no seat under them
        found = decide(prepare(squat_clip(Squat(), Camera(yaw), reps=3)))
        assert found.screen == "squat" and found.scores["sit_to_stand"] == 0.0, (yaw, found.reason)


def test_a_lunge_is_declined_from_the_side_and_from_the_front():
    for yaw in (90, 15):
        found = decide(prepare(lunge_clip(yaw)))
        assert found.screen is None and "lunge" in found.reason, (yaw, found.reason)


def test_an_overhead_squat_is_still_a_squat_from_every_side():
    for yaw in (0, 45, 90):
        found = decide(prepare(squat_clip(Squat(), Camera(yaw))))
        assert found.screen == "squat" and found.confidence >= 0.9, (yaw, found.reason)
    # arms down is still a squat when the hands stay up by the hips (hands on the hips)
    hands_on_hips = Squat(arms_deg=150, arms_standing_deg=150)
    assert decide(prepare(squat_clip(hands_on_hips, Camera(90)))).screen == "squat"


def built_source(seq):
    """A SourceAnalysis of a built sequence, as analyse_source would give for a clip of it (no model, no file)."""
    from movement_screen.api import SourceAnalysis
    from movement_screen.pose.sequence import Detections
    from movement_screen.pose.tracking import link_tracks, people_seen
    from movement_screen.video.reader import VideoInfo

    det = Detections(seq.xy[:, None], seq.visibility[:, None], seq.world[:, None], seq.t, seq.frame, seq.width,
                     seq.height, seq.fps)
    tracks = link_tracks(det)
    info = VideoInfo("built.mp4", seq.width, seq.height, seq.fps, len(seq.t), float(seq.t[-1]), 0, "h264")
    return SourceAnalysis(info, det, tracks, tracks[0], seq, prepare(seq), people_seen(tracks, len(seq.t)), "squat")


def test_a_clip_of_another_movement_is_left_out_of_a_squat_session_or_refuses_it():
    """One session holds one movement: with the squat chosen, a lift or a walk is never measured as a squat."""
    import pytest

    from movement_screen.api import keep_matching
    from movement_screen.errors import WrongMovementError
    from movement_screen.validation.walker import Walk, walk

    squat = built_source(squat_clip(Squat(), Camera(70)))
    lift = built_source(squat_clip(DEADLIFT, Camera(70)))
    t, points, _ = walk(Walk())
    walking = built_source(film(points, t, Camera(90, 1.0, 6.0), size=(1920, 1080)))

    kept, names, excluded = keep_matching([squat, walking], ["side.mp4", "walk.mp4"], "squat")
    assert kept == [squat] and names == ["side.mp4"]
    assert excluded[0]["path"] == "walk.mp4" and excluded[0]["looks_like"].startswith("walking")
    kept, names, excluded = keep_matching([lift, squat], ["lift.mp4", "front.mp4"], "squat")
    assert names == ["front.mp4"] and "lift with the hands low" in excluded[0]["looks_like"]
    with pytest.raises(WrongMovementError, match="lift.mp4 shows a lift with the hands low"):
        keep_matching([lift], ["lift.mp4"], "squat")
    with pytest.raises(WrongMovementError, match="walk.mp4 shows walking"):
        keep_matching([walking], ["walk.mp4"], "squat")
    with pytest.raises(WrongMovementError, match="side.mp4 shows a squat"):
        keep_matching([squat], ["side.mp4"], "gait")
    assert keep_matching([squat], ["side.mp4"], "squat")[2] == []