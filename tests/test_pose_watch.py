"""The direct backend's watch (pose/direct.py, step 5): a first look that counts too few people must not cost the
person being screened, and a clip with nobody new must come out as it did without the watch. Real model, real
clips."""

import numpy as np
import pytest

from clips import clip

pytestmark = pytest.mark.pipeline

WALK = "sports2d_demo_gait_sagittal.mp4"  # a person on a box in the background, the walker enters at ~1.9 s


@pytest.fixture()
def first_look_counts_one(monkeypatch):
    """The first look finds one person, as it does when the walker enters after its frames or the detector is at
    its threshold in them (a 1-grey-level change of the pictures did that on this clip)."""
    from movement_screen.pose import estimator

    monkeypatch.setattr(estimator, "count_people", lambda *args, **kwargs: 1)


def test_a_walker_the_first_look_missed_is_still_screened(model, first_look_counts_one):
    from movement_screen.api import analyse_source

    found = analyse_source(clip(WALK), model, screen="auto", progress=False, pose_backend="direct")
    assert found.screen == "gait", found.detection
    assert found.detections.poses_tracked >= 2  # the watch gave the walker a pose of their own
    # the walker is followed across the picture, not the person standing on the box
    seq = found.sequence
    hips = seq.xy[seq.found][:, [23, 24], 0].mean(axis=1)
    assert np.nanmax(hips) - np.nanmin(hips) > 0.4 * found.info.width


def test_without_the_watch_the_same_first_look_loses_the_walker(model, first_look_counts_one):
    # what the watch is for: with one pose and nobody looking again, the person on the box is followed throughout
    from movement_screen.pose.direct import DirectPoseEstimator
    from movement_screen.pose.estimator import DEFAULT_INFERENCE_SIDE
    from movement_screen.video.reader import iter_frames, probe

    info = probe(clip(WALK))
    walker_frames = {}
    for most in (None, 3):
        with DirectPoseEstimator(model, max_people=1, most_people=most) as estimator:
            walker_frames[most] = 0
            for frame in iter_frames(clip(WALK), max_side=DEFAULT_INFERENCE_SIDE, rotation=info.rotation):
                poses = estimator.poses(frame.small, int(round(frame.time_s * 1000)))
                # the walker crosses x = 300-450 px of the 640 px picture between frames 80 and 115
                if 80 <= frame.index <= 115:
                    walker_frames[most] += any(300 < p.xy[:33, 0].mean() < 450 for p in poses)
            if most is None:
                assert estimator.max_people == 1 and estimator.watch_found == 0
    assert walker_frames[None] == 0
    assert walker_frames[3] >= 30  # found within the watch's half second of entering, then tracked


def test_a_clip_with_nobody_new_gives_the_same_landmarks_with_the_watch(model):
    from movement_screen.pose.estimator import estimate_video
    from movement_screen.video.reader import probe

    path = clip("lnewco_ohs_7032_side.mov")
    info = probe(path)
    alone = estimate_video(path, info, model, max_people=1, progress=False, backend="direct")  # no room to watch
    watched = estimate_video(path, info, model, max_people=3, progress=False, backend="direct")
    assert alone.poses_tracked == watched.poses_tracked == 1
    assert np.array_equal(alone.xy[:, :1], watched.xy[:, :1], equal_nan=True)
    assert np.array_equal(alone.visibility[:, :1], watched.visibility[:, :1])
    assert np.isnan(watched.xy[:, 1:]).all()  # and nobody else was added
