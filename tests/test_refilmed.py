"""The real clips filmed again as other cameras would (validation/refilmed.py): the re-filming itself, the table,
and the two re-filmings that had changed the recogniser's answer. Real model, real clips."""

import shutil

import numpy as np
import pytest

from clips import clip
from movement_screen.validation import refilmed

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="re-filming needs ffmpeg")


@needs_ffmpeg
def test_a_mirrored_clip_is_the_picture_flipped_and_a_phone_copy_is_small(tmp_path):
    from movement_screen.video.reader import iter_frames, probe

    source = clip("lnewco_ohs_7026_side.mov")
    mirrored = refilmed.refilm(source, "mirrored", tmp_path)
    phone = refilmed.refilm(source, "sent by phone", tmp_path)
    first = next(iter_frames(source, max_side=320)).small.astype(float)
    flipped = next(iter_frames(mirrored, max_side=320)).small.astype(float)
    assert first.shape == flipped.shape
    assert np.abs(first[:, ::-1] - flipped).mean() < 6 < np.abs(first - flipped).mean()
    info = probe(phone)
    assert max(info.width, info.height) == 480 and phone.stat().st_size < 0.5 * mirrored.stat().st_size


def test_the_table_counts_each_filming_and_says_what_auto_said_instead():
    readings = [refilmed.Refilmed("a.mov", "squat", "as filmed", "squat"),
                refilmed.Refilmed("a.mov", "squat", "mirrored", "sit_to_stand"),
                refilmed.Refilmed("b.mp4", "other", "as filmed", None, "could not tell which movement this is"),
                refilmed.Refilmed("b.mp4", "other", "mirrored", "gait")]
    text = refilmed.table(readings)
    assert "auto right on 2 of 4 (as filmed 2/2, mirrored 0/2)" in text
    assert "| a.mov | squat | right | **sit-to-stand** |" in text
    assert "| b.mp4 | other | right | **walking** |" in text


@needs_ffmpeg
@pytest.mark.pipeline
@pytest.mark.parametrize("name, filming, expected", [
    # the 3-D landmarks read the mirrored squat's shins 14 deg more upright: it had "rested on a seat"
    ("lnewco_ohs_7032_side.mov", "mirrored", "squat"),
    # compressed, the far foot hid during the walk and the sitting down: 4 "squats on one leg" took the rise away
    ("timed_up_and_go_side.mp4", "sent by phone", None),
])
def test_a_re_filmed_clip_is_the_same_movement(model, tmp_path, name, filming, expected):
    from movement_screen import api

    path = refilmed.refilm(clip(name), filming, tmp_path)
    found = api.analyse_source(path, model, screen="auto", progress=False)
    assert found.screen == expected, found.detection
    if expected is None:
        assert "rise from a seat and a walk" in found.detection.reason
