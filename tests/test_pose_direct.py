"""The direct pose backend (pose/direct.py, pose/anchors.py): its pieces on synthetic data, then the real networks
on a shared clip against the Tasks backend."""

import math

import numpy as np
import pytest

from movement_screen.pose import anchors as ssd
from movement_screen.pose import direct
from movement_screen.pose.direct import Roi


def test_anchors_count_and_layout():
    a = ssd.ssd_anchors()
    assert a.shape == (2254, 2)  # 28x28x2 + 14x14x2 + 7x7x6: what the detector's outputs hold
    assert ((a > 0) & (a < 1)).all()
    # stride 8: 2 anchors per cell of a 28x28 map, row by row
    assert np.allclose(a[0], [0.5 / 28, 0.5 / 28]) and np.allclose(a[1], a[0])
    assert np.allclose(a[2], [1.5 / 28, 0.5 / 28])
    assert np.allclose(a[2 * 28], [0.5 / 28, 1.5 / 28])
    # stride 16 starts after 1568 anchors; the three stride-32 layers share a 7x7 map, 6 anchors per cell
    assert np.allclose(a[1568], [0.5 / 14, 0.5 / 14])
    tail = a[1568 + 392:]
    assert len(tail) == 294 and np.allclose(tail[:6], [0.5 / 7, 0.5 / 7]) and np.allclose(tail[6], [1.5 / 7, 0.5 / 7])
    assert np.allclose(a[-1], [6.5 / 7, 6.5 / 7])


def test_decode_and_weighted_nms():
    a = ssd.ssd_anchors()
    raw = np.zeros((len(a), 12), np.float32)
    scores = np.full((len(a), 1), -10.0, np.float32)
    i, j, k = 100, 101, 2000  # two anchors of one cell (the same person twice) and one far away
    raw[i, :4] = [2.24, -4.48, 44.8, 89.6]  # centre offset (+0.01, -0.02), size 0.2 x 0.4 of the input
    raw[i, 4:6] = [11.2, 0]  # keypoint 0 at +0.05 in x
    raw[j, :4] = [0, 0, 44.8, 89.6]
    raw[k, :4] = [0, 0, 22.4, 22.4]
    scores[i], scores[j], scores[k] = 3.0, 1.0, 2.0
    boxes, points, s = ssd.decode(raw, scores, a, 0.5)
    assert len(s) == 3 and np.allclose(sorted(s), sorted(ssd.sigmoid(np.array([3.0, 1.0, 2.0]))))
    first = np.flatnonzero(np.isclose(s, ssd.sigmoid(3.0)))[0]
    cx, cy = a[i] + [0.01, -0.02]
    assert np.allclose(boxes[first], [cx - 0.1, cy - 0.2, cx + 0.1, cy + 0.2], atol=1e-6)
    assert np.allclose(points[first, 0], a[i] + [0.05, 0], atol=1e-6)
    kept_boxes, kept_points, kept = ssd.weighted_nms(boxes, points, s)
    assert len(kept) == 2 and np.isclose(kept[0], ssd.sigmoid(3.0))  # the two overlapping ones merged
    w3, w1 = ssd.sigmoid(3.0), ssd.sigmoid(1.0)
    assert np.isclose(kept_boxes[0, 0], ((cx - 0.1) * w3 + (a[j, 0] - 0.1) * w1) / (w3 + w1), atol=1e-6)


def test_roi_from_the_two_alignment_points():
    upright = direct.roi_from_points((100, 200), (100, 120))  # the point above the head straight up
    assert upright.angle == pytest.approx(0) and upright.side == pytest.approx(2 * 80 * 1.25)
    assert (upright.cx, upright.cy) == (100, 200)
    lying = direct.roi_from_points((100, 200), (180, 200))  # head to the right
    assert lying.angle == pytest.approx(math.pi / 2)
    # the crop's up (towards y = 0) is the image's right, where the head is
    top, bottom = direct.to_image(lying, np.array([[0.5, 0.0], [0.5, 1.0]]))
    assert top[0] > bottom[0] and top[1] == pytest.approx(bottom[1])


def test_roi_affine_round_trip_and_the_cut_picture():
    roi = Roi(cx=210.3, cy=150.7, side=180.0, angle=0.6)
    rng = np.random.default_rng(1)
    unit = rng.uniform(0, 1, (20, 2))
    assert np.allclose(direct.to_crop(roi, direct.to_image(roi, unit)), unit)
    # a bright spot in the image lands in the crop where to_crop says, and comes back to where it was
    image = np.zeros((300, 400, 3), np.uint8)
    spot = np.array([240.0, 120.0])
    image[118:123, 238:243] = 255  # 5x5 pixels centred on pixel (240, 120), continuous centre (240.5, 120.5)
    crop = direct.cut(image, roi)
    ys, xs = np.nonzero(crop[..., 0] > 128)
    found = np.array([xs.mean() + 0.5, ys.mean() + 0.5]) / direct.LANDMARK_SIDE
    assert np.allclose(found, direct.to_crop(roi, spot + 0.5), atol=1.5 / direct.LANDMARK_SIDE)
    assert np.allclose(direct.to_image(roi, found), spot + 0.5, atol=1.5)


def test_landmark_decode_on_a_synthetic_output():
    side = direct.LANDMARK_SIDE
    roi = Roi(cx=320.0, cy=240.0, side=200.0, angle=math.pi / 2)
    raw = np.zeros((39, 5), np.float32)
    raw[:, 0], raw[:, 1] = 128, 128  # every landmark in the crop's middle ...
    raw[0, :2] = [128, 0]  # ... but the first at the top edge, which is the image's right (turned 90 degrees)
    raw[:, 3], raw[:, 4] = 2.0, -1.0
    raw[:, 2] = 64  # z: a quarter of the crop
    world = np.zeros((39, 3), np.float32)
    world[:, 0] = 0.3  # 0.3 m along the crop's x
    pose = direct.decode_landmarks(raw.ravel(), world.ravel(), 0.9, roi)
    assert pose.xy.shape == (39, 2) and pose.world.shape == (33, 3) and pose.visibility.shape == (33,)
    assert np.allclose(pose.xy[1], [320, 240])
    assert np.allclose(pose.xy[0], [420, 240])
    assert np.allclose(pose.z[0], 50)
    assert np.allclose(pose.visibility, 1 / (1 + math.exp(-2))) and np.allclose(pose.presence, 1 / (1 + math.e))
    assert np.allclose(pose.world[0], [0, 0.3, 0], atol=1e-6)  # turned back with the region
    assert pose.score == pytest.approx(0.9)
    # the next region comes from the alignment points 33 and 34
    raw[33, :2], raw[34, :2] = [128, 128], [128, 64]
    nxt = direct.decode_landmarks(raw.ravel(), world.ravel(), 0.9, roi).next_roi()
    assert nxt.angle == pytest.approx(math.pi / 2) and nxt.side == pytest.approx(2 * 50 * 1.25)
    assert side == 256


def test_heatmap_refinement_moves_a_confident_landmark():
    heat = np.full((64, 64, 39), -10.0, np.float32)
    heat[30, 22, 5] = 5.0  # a confident cell for landmark 5 near where it was put
    unit = np.full((39, 2), 0.5)
    unit[5] = [20 / 64, 31 / 64]
    heat[0, 1, 7] = 5.0  # at the map's corner: the window is cut by the edge
    unit[7] = [0.5 / 64, 0.5 / 64]
    unit[8] = [-0.1, 0.5]  # outside the crop: kept
    heat[:, :, 8] = 5.0
    out = direct.refine_with_heatmap(unit, heat)
    assert np.allclose(out[5], [22 / 64, 30 / 64], atol=1e-3)
    assert np.allclose(out[7], [1 / 64, 0], atol=1e-3)
    assert np.allclose(out[6], unit[6])  # no confident cell: kept
    assert np.allclose(out[8], unit[8])


def test_a_detection_replaces_the_tracked_region_it_overlaps():
    tracked = [Roi(100, 100, 80, 0.0), Roi(300, 100, 80, 0.0)]
    detected = [Roi(105, 102, 82, 0.1), Roi(500, 300, 60, 0.0)]
    kept = direct.associate(tracked, detected)
    assert [(r.cx, r.cy) for r in kept] == [(300, 100), (105, 102), (500, 300)]
    # two people crossing (their regions overlapping each other) and one of them detected: both stay
    crossing = [Roi(100, 100, 80, 0.0), Roi(110, 100, 80, 0.0)]
    assert len(direct.associate(crossing, [Roi(111, 101, 80, 0.0)])) == 2


def test_one_person_found_twice_is_one():
    roi = Roi(100, 100, 200, 0.0)
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 200, (39, 2))

    def pose(points, score):
        return direct.Pose(points, np.zeros(39), np.ones(33), np.ones(33), np.zeros((33, 3)), score, roi)

    same = pose(xy + 2.0, 0.95)  # 2 px apart: the same person
    other = pose(xy + [[30.0, 0.0]] * 39, 0.9)  # everywhere 30 px off: someone else beside them
    kept = direct.drop_duplicates([pose(xy, 0.9), same, other])
    assert [p.score for p in kept] == [0.95, 0.9] and kept[1] is other


@pytest.mark.pipeline
def test_direct_backend_agrees_with_tasks_on_a_real_clip(model):
    pytest.importorskip("ai_edge_litert", reason="the direct backend needs pip install ai-edge-litert")
    from clips import clip

    from movement_screen.pose.estimator import estimate_video
    from movement_screen.video.reader import probe

    path = clip("lnewco_ohs_7032_side.mov")
    info = probe(path)
    d = estimate_video(path, info, model, progress=False, backend="direct")
    t = estimate_video(path, info, model, progress=False, backend="tasks")
    assert d.xy.shape == t.xy.shape and np.array_equal(d.t, t.t)
    assert t.poses_tracked == 1 and d.poses_tracked == 1  # both track the first look's count
    assert (d.backend, t.backend) == ("direct", "tasks")
    one = d.valid.sum(axis=1) == 1
    assert one.mean() > 0.9  # one person in most frames
    both = d.valid[:, 0] & t.valid[:, 0]
    a, b = d.xy[both, 0], t.xy[both, 0]
    height = np.nanmax(b[:, :, 1], axis=1) - np.nanmin(b[:, :, 1], axis=1)
    error = np.linalg.norm(a - b, axis=2) / height[:, None]  # [frames, 33] as a fraction of body height
    # measured: median 0.6 %, 95th percentile 2 % of body height
    assert np.median(error) < 0.02
    assert np.percentile(error, 95) < 0.05
    assert np.isfinite(d.world[both, 0]).all()


def test_batch_workers_share_the_cores_between_their_pose_threads(monkeypatch):
    """Each batch worker's LiteRT networks take their share of the cores (set in the worker by the runner), not
    all of them; an explicit setting wins."""
    from movement_screen.batch.runner import _share_cores
    from movement_screen.cores import THREADS_ENV
    from movement_screen.pose.direct import default_threads

    monkeypatch.delenv(THREADS_ENV, raising=False)
    _share_cores(1)
    assert default_threads() == 1
    monkeypatch.setenv(THREADS_ENV, "3")
    _share_cores(1)
    assert default_threads() == 3


def test_a_batch_takes_one_worker_per_core_but_no_more_than_its_videos(monkeypatch):
    from movement_screen.batch.runner import auto_workers
    from movement_screen.cores import THREADS_ENV

    monkeypatch.setenv(THREADS_ENV, "8")  # as on an 8-core machine
    assert auto_workers(3) == 3  # three videos: three workers, not eight
    assert 1 <= auto_workers(100) <= 8  # one per core, fewer only if the memory (1 GB each) runs out
    monkeypatch.setenv(THREADS_ENV, "1")
    assert auto_workers(100) == 1
