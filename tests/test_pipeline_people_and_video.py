"""Real model on real clips: choosing and keeping the subject, rotation, annotated video."""

import subprocess

import numpy as np
import pytest

from movement_screen.api import analyse_source
from movement_screen.pose import landmarks as lm
from movement_screen.video.reader import probe
from clips import clip, need_ffmpeg

pytestmark = pytest.mark.pipeline


def hip_centre(seq):
    return (seq.xy[:, lm.L_HIP] + seq.xy[:, lm.R_HIP]) / 2


@pytest.fixture(scope="module")
def multi(model):
    path = clip("pose2sim_multi_cam01.mp4")
    return analyse_source(path, model, progress=False), analyse_source(path, model, person=2, progress=False)


def test_multi_person_scene_counts_people_and_keeps_one_subject(multi):
    first, _ = multi
    assert first.people_seen >= 2
    seq = first.sequence
    assert seq.found.mean() > 0.9
    centre = hip_centre(seq)
    found = np.flatnonzero(seq.found)
    jumps = np.linalg.norm(np.diff(centre[found], axis=0), axis=1) / np.diff(found)
    body = np.nanmedian(np.nanmax(seq.xy[:, :, 1], axis=1) - np.nanmin(seq.xy[:, :, 1], axis=1))
    # Never jumps to another person: at most a tenth of body height per frame (60 frames/s).
    assert np.nanmax(jumps) < 0.1 * body


def test_a_one_person_clip_is_tracked_with_one_pose_and_a_crowd_with_room_for_all(model, multi):
    # Tracking 3 poses when there is 1 runs the person detector on every frame; the first look avoids that.
    one = analyse_source(clip("lnewco_ohs_7032_side.mov"), model, progress=False, pose_backend="tasks")
    assert one.detections.poses_tracked == 1
    assert one.sequence.found.mean() > 0.9  # the one person is still followed throughout
    first, _ = multi
    assert first.detections.poses_tracked >= 2 and first.people_seen >= 2


def test_choosing_the_other_person_follows_that_person(multi):
    first, second = multi
    assert second.subject.id == 2
    both = first.sequence.found & second.sequence.found
    assert both.sum() > 10
    apart = np.linalg.norm(hip_centre(first.sequence)[both] - hip_centre(second.sequence)[both], axis=1)
    assert np.min(apart) > 0.05 * first.info.width  # a different body in every shared frame


def test_portrait_clip_with_rotation_metadata_comes_out_upright(model, tmp_path):
    ffmpeg = need_ffmpeg()
    source = clip("lnewco_ohs_7026_side.mov")
    stored = tmp_path / "landscape.mp4"
    rotated = tmp_path / "rotated.mp4"
    # Store the frames turned on their side, then tag the file so players turn them upright again.
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(source), "-t", "2.7", "-vf", "transpose=2,scale=480:-2",
                    "-an", str(stored)], check=True)
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(stored), "-c", "copy", "-metadata:s:v:0", "rotate=270",
                    str(rotated)], check=True)
    info = probe(rotated)
    assert info.rotation == 90 and info.portrait
    src = analyse_source(rotated, model, progress=False)
    seq = src.sequence
    assert np.nanmedian(seq.xy[:, lm.NOSE, 1]) < np.nanmedian(seq.xy[:, lm.L_ANKLE, 1])  # head above feet
    assert np.nanmax(seq.xy[..., 0]) <= info.width and np.nanmax(seq.xy[..., 1]) <= info.height


def test_a_clip_gives_the_same_landmarks_whatever_was_analysed_before(model):
    """A clip must come out exactly as from a newly loaded landmarker, whatever the process analysed before
    (a reused one-pose landmarker carried its smoothing over from the last clip)."""
    from movement_screen.pose.estimator import PoseEstimator, estimate_video
    from movement_screen.video.reader import iter_frames

    before = clip_b = clip("lnewco_ohs_7033_front.mov")  # ends where it starts: tracking could carry over
    # the Tasks landmarker's own behaviour, whatever $MOVEMENT_SCREEN_POSE_BACKEND says
    estimate_video(before, probe(before), model, progress=False, backend="tasks")  # it has seen another clip
    info = probe(clip_b)
    reused = estimate_video(clip_b, info, model, progress=False, backend="tasks")
    with PoseEstimator(model, reused.poses_tracked) as fresh:
        for row, frame in enumerate(iter_frames(clip_b)):
            xy, _, _ = fresh.detect(frame.small, int(round(frame.time_s * 1000)))
            found = np.isfinite(reused.xy[row, :, 0, 0])
            assert found.sum() == len(xy)
            np.testing.assert_array_equal(reused.xy[row, : len(xy)], xy * np.float32([info.width, info.height]))


@pytest.mark.parametrize("raw_pictures", [None, 30])
def test_the_annotated_video_drawn_on_the_kept_pictures_matches_one_drawn_on_the_source_again(tmp_path, monkeypatch,
                                                                                              raw_pictures):
    """Decoded once: the pose pass keeps its pictures and the annotated video is drawn on them; it shows what the
    video drawn on a second decode of the source shows, and the temporary copy is gone afterwards. Also when the
    clip is longer than the raw budget (``raw_pictures``: the first 30 raw, the rest encoded)."""
    import tempfile

    from movement_screen.api import analyze
    from movement_screen.video import kept as kept_module
    from movement_screen.video.annotate import write_annotated
    from movement_screen.video.reader import iter_frames

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the kept pictures go, to look for them
    if raw_pictures:
        monkeypatch.setattr(kept_module, "RAW_BUDGET", raw_pictures * 360 * 640 * 3)
    path = clip("lnewco_ohs_7027_front.mov")
    analysis = analyze(path, "squat", progress=False, keep_frames=True)
    kept = analysis.sources[0].kept
    assert kept.usable and kept.count == len(analysis.sources[0].detections.t)
    assert kept.raw_count == (raw_pictures or kept.count) and (kept.encoded_path is None) == (not raw_pictures)
    once = write_annotated(analysis, 0, tmp_path / "once.mp4")
    kept.discard()
    assert not list(tmp_path.glob("movement-screen-frames-*"))
    twice = write_annotated(analysis, 0, tmp_path / "twice.mp4")  # nothing kept: the source decoded again
    a = [f.image for f in iter_frames(once, full=True, max_side=None)]
    b = [f.image for f in iter_frames(twice, full=True, max_side=None)]
    assert len(a) == len(b) == kept.count and a[0].shape == b[0].shape
    difference = [np.mean(np.abs(x.astype(int) - y.astype(int))) for x, y in zip(a, b)]
    assert max(difference) < 4  # the same pictures, skeleton and text, up to the extra near-lossless encode
