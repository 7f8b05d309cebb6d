"""Subject tracking on built detections: identity kept when people cross and the model reorders or mislabels."""

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import Detections
from movement_screen.pose.tracking import choose_subject, link_tracks, people_seen, subject_sequence


def person(x_center: float, height: float) -> np.ndarray:
    xy = np.zeros((lm.COUNT, 2))
    xy[:, 1] = np.linspace(100, 100 + height, lm.COUNT)
    for side, sign in (("left", 1), ("right", -1)):
        for part in lm.SIDES[side].values():
            xy[part, 0] = x_center + sign * 0.1 * height
    xy[0, 0] = x_center
    return xy


def crossing_scene(n=60, swap_order=True, mirror_labels_at=None):
    """A tall person walking right past a shorter one walking left; the model lists them in random order."""
    rng = np.random.default_rng(0)
    xy = np.full((n, 3, lm.COUNT, 2), np.nan)
    truth = np.zeros(n, int)  # slot holding the tall person
    for t in range(n):
        tall = person(200 + 10 * t, 600)
        short = person(800 - 8 * t, 450)
        if mirror_labels_at is not None and t >= mirror_labels_at:
            tall = tall[list(lm.MIRROR)]
        order = rng.permutation(2) if swap_order else np.arange(2)
        for slot, who in zip(order, (0, 1)):
            xy[t, slot] = tall if who == 0 else short
        truth[t] = order[0]
    vis = np.where(np.isnan(xy[..., 0]), 0.0, 0.9)
    det = Detections(xy, vis, np.zeros(xy.shape[:3] + (3,)), np.arange(n) / 30, np.arange(n), 1000, 1000, 30.0)
    return det, truth


def test_tall_person_keeps_identity_through_a_crossing_and_reordering():
    det, truth = crossing_scene()
    tracks = link_tracks(det)
    assert people_seen(tracks, len(det.t)) == 2
    subject = choose_subject(det, tracks, None, "scene")
    assert np.array_equal(subject.slot, truth)


def test_left_right_label_swap_does_not_split_a_person():
    det, truth = crossing_scene(mirror_labels_at=30)
    tracks = link_tracks(det)
    assert len(tracks) == 2
    assert np.array_equal(tracks[0].slot, truth)


def test_choosing_the_second_person_follows_them():
    det, truth = crossing_scene()
    tracks = link_tracks(det)
    other = choose_subject(det, tracks, 2, "scene")
    seq = subject_sequence(det, other)
    assert np.all(np.diff(seq.xy[:, 0, 0]) < 0)  # the shorter person walks left all the way


def test_a_walker_missed_for_a_few_frames_and_seen_twice_stays_one_person():
    n = 60
    xy = np.full((n, 3, lm.COUNT, 2), np.nan)
    for t in range(n):
        if 20 <= t < 30:
            continue  # the model misses her for a third of a second
        xy[t, 0] = person(1500 - 25 * t, 400)  # walking toward image left, 25 px per frame
        if t == 35:
            xy[t, 1] = person(1500 - 25 * t + 12, 405)  # the same pose returned twice
    vis = np.where(np.isnan(xy[..., 0]), 0.0, 0.9)
    det = Detections(xy, vis, np.zeros(xy.shape[:3] + (3,)), np.arange(n) / 30, np.arange(n), 2000, 1000, 30.0)
    tracks = link_tracks(det)
    assert len(tracks) == 1
    assert tracks[0].frames_present == n - 10
    assert people_seen(tracks, n) == 1
