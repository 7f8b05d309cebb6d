"""Which way up the person stands in the picture: built sequences turned as a video whose rotation setting was lost
would show them (no model, no file)."""

from dataclasses import replace

import numpy as np

from movement_screen.kinematics.orientation import describe_turn, lying_share, upright_turn
from movement_screen.kinematics.quality import orientation_issues
from movement_screen.pose import landmarks as lm
from movement_screen.validation.figure import Camera, Squat, squat_clip
from movement_screen.video.reader import VideoInfo, _upright, turned
from movement_screen.validation.bend import front_bend, side_bend


def picture_turned(seq, degrees):
    """``seq`` as seen in its picture turned ``degrees`` clockwise (what a player shows when the file's rotation
    setting is lost: the stored frames were turned ``-degrees`` to show upright)."""
    x, y = seq.xy[..., 0], seq.xy[..., 1]
    w, h = seq.width, seq.height
    if degrees == 90:
        xy, size = np.stack([h - y, x], -1), (h, w)
    elif degrees == 270:
        xy, size = np.stack([y, w - x], -1), (h, w)
    elif degrees == 180:
        xy, size = np.stack([w - x, h - y], -1), (w, h)
    else:
        xy, size = seq.xy, (w, h)
    return replace(seq, xy=xy, width=size[0], height=size[1])


def test_a_person_standing_bending_or_squatting_upright_needs_no_turn():
    for seq in (squat_clip(Squat(), Camera(90)), squat_clip(Squat(), Camera(0)), side_bend(150), front_bend()):
        assert upright_turn(seq.xy) == 0
        assert lying_share(seq.xy) == 0


def test_a_sideways_picture_is_turned_back_the_way_the_head_says():
    seq = squat_clip(Squat(), Camera(90))
    for lost in (90, 180, 270):  # the picture shows the stored frames turned this far from upright
        shown = picture_turned(seq, lost)
        turn = upright_turn(shown.xy)
        assert turn == (360 - lost) % 360, lost
        assert upright_turn(picture_turned(shown, turn).xy) == 0
        assert lying_share(shown.xy) == (1.0 if lost in (90, 270) else 0.0)
    bend = picture_turned(side_bend(150), 90)  # a bend seen sideways: its upright frames decide
    assert upright_turn(bend.xy) == 270


def test_the_turn_is_the_one_the_video_reader_applies():
    """The head marked in a small picture ends up above the feet once the reader turns the picture."""
    seq = picture_turned(squat_clip(Squat(), Camera(90)), 90)
    image = np.zeros((seq.height // 10, seq.width // 10, 3), np.uint8)
    head = (seq.xy[0, lm.L_SHOULDER] + seq.xy[0, lm.R_SHOULDER]) / 20
    feet = (seq.xy[0, lm.L_ANKLE] + seq.xy[0, lm.R_ANKLE]) / 20
    image[int(head[1]), int(head[0])] = (255, 0, 0)
    image[int(feet[1]), int(feet[0])] = (0, 255, 0)
    upright = _upright(image, upright_turn(seq.xy))
    head_row = np.argwhere(upright[..., 0] == 255)[0][0]
    feet_row = np.argwhere(upright[..., 1] == 255)[0][0]
    assert head_row < feet_row


def test_too_few_frames_or_no_clear_way_turn_nothing():
    seq = squat_clip(Squat(), Camera(90))
    shown = picture_turned(seq, 90)
    few = shown.xy.copy()
    few[5:] = np.nan  # found in 5 frames: enough to tell
    assert upright_turn(few) == 270
    few[4:] = np.nan
    assert upright_turn(few) == 0
    half = seq.xy.copy()
    n = len(half) // 2
    half[:n] = shown.xy[:n]  # lying in half the frames: not most
    assert upright_turn(half) == 0
    assert upright_turn(np.full((30, lm.COUNT, 2), np.nan)) == 0


def test_turned_info_swaps_the_size_and_adds_the_turn_to_the_rotation():
    info = VideoInfo("clip.mov", 1920, 1080, 30.0, 90, 3.0, 90, "h264")
    once = turned(info, 270)
    assert (once.width, once.height, once.rotation, once.turned) == (1080, 1920, 0, 270)
    assert (turned(info, 180).width, turned(info, 180).rotation) == (1920, 270)
    assert info.turned == 0


def test_quality_says_when_the_picture_was_turned_and_when_the_person_still_lies():
    seq = squat_clip(Squat(), Camera(90))
    assert orientation_issues(seq, 0, "clip.mp4") == []
    fixed = orientation_issues(replace(seq, turned=270), 0, "clip.mp4")
    assert [(i.code, i.severity) for i in fixed] == [("turned_upright", "info")]
    assert "sideways" in fixed[0].message and "quarter-turn anticlockwise" in fixed[0].message
    assert "orientation" in fixed[0].message  # how to fix the file
    lying = orientation_issues(picture_turned(seq, 90), 0, "clip.mp4")
    assert [(i.code, i.severity) for i in lying] == [("sideways", "warning")]
    assert "lies across the picture in 100% of the frames" in lying[0].message
    assert "video is sideways" in lying[0].message and "lying down" in lying[0].message
    assert "upside down" in orientation_issues(picture_turned(seq, 180), 0, "clip.mp4")[0].message
    assert describe_turn(90) == "a quarter-turn clockwise"


def passes_returning(monkeypatch, first, again):
    """analyse_source with its pose passes replaced: ``first`` is what the picture as stored shows, ``again`` what
    the turned picture shows; returns the infos the passes were asked for."""
    from movement_screen import api
    from movement_screen.pose import estimator
    from movement_screen.pose.sequence import Detections

    asked = []

    def estimate_video(path, info, model, **kwargs):
        asked.append(info)
        seq = again if info.turned else first
        return Detections(seq.xy[:, None], seq.visibility[:, None], seq.world[:, None], seq.t, seq.frame, seq.width,
                          seq.height, seq.fps, 1, info.turned)

    stored = VideoInfo("clip.mp4", first.width, first.height, first.fps, len(first.t), float(first.t[-1]), 0, "h264")
    monkeypatch.setattr(api, "probe", lambda path: stored)
    monkeypatch.setattr(estimator, "estimate_video", estimate_video)
    return asked


def test_analyse_source_keeps_the_turned_pass_only_when_the_person_stands_upright_in_it(monkeypatch):
    from movement_screen.api import analyse_source

    seq = squat_clip(Squat(), Camera(90))
    lying = picture_turned(seq, 90)
    asked = passes_returning(monkeypatch, lying, seq)
    src = analyse_source("clip.mp4", None)
    assert [i.turned for i in asked] == [0, 270] and asked[1].rotation == 270
    assert src.sequence.turned == 270 and (src.info.width, src.info.height) == (seq.width, seq.height)
    assert [i.code for i in orientation_issues(src.sequence, 0, "clip.mp4")] == ["turned_upright"]

    asked = passes_returning(monkeypatch, lying, lying)  # still lying once turned: the person lies down
    src = analyse_source("clip.mp4", None)
    assert len(asked) == 2 and src.sequence.turned == 0 and src.info.rotation == 0
    assert [i.code for i in orientation_issues(src.sequence, 0, "clip.mp4")] == ["sideways"]

    asked = passes_returning(monkeypatch, seq, lying)  # upright: one pass
    assert analyse_source("clip.mp4", None).sequence.turned == 0 and len(asked) == 1
