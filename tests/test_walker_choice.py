"""Which person a walking clip is about: a small walker on a diagonal among nearer people standing still (no
model: built people, tracked and chosen by the same code as a real clip's)."""

import numpy as np
import pytest

from movement_screen import api
from movement_screen.pose.sequence import Detections
from movement_screen.pose.tracking import link_tracks
from movement_screen.screens import gait
from movement_screen.validation.figure import Camera, Noise, Squat, figure, film
from movement_screen.validation.walker import Walk, walk

SIZE = (1920, 1080)


def plaza(yaw_deg: float, distance_m: float, cane: str | None = None):
    """A walker on a path ``yaw_deg`` off the camera's axis, ``distance_m`` away (a fifth to a quarter of the
    picture's height), and two people standing nearer the camera, bigger in the picture, all clip long."""
    t, points, strikes = walk(Walk(cadence=100, cane=cane))
    walker = film(points, t, Camera(yaw_deg, 1.0, distance_m), Noise(seed=3), size=SIZE)
    people = [walker]
    for k, (yaw, distance, shift) in enumerate(((0.0, 5.0, 500.0), (20.0, 6.0, -600.0))):
        standing = film(figure(Squat(), np.zeros(len(t))), t, Camera(yaw, 1.0, distance), Noise(seed=10 + k),
                        size=SIZE)
        standing.xy[..., 0] += shift
        people.append(standing)
    det = Detections(np.stack([p.xy for p in people], 1), np.stack([p.visibility for p in people], 1),
                     np.stack([p.world for p in people], 1), walker.t, walker.frame, SIZE[0], SIZE[1], walker.fps,
                     len(people))
    return det, walker, strikes


@pytest.mark.parametrize("yaw", [30.0, 45.0, 60.0])
def test_a_small_walker_on_a_diagonal_among_people_standing_nearer_is_the_subject(yaw):
    det, walker, strikes = plaza(yaw, 14.0, cane="right" if yaw == 45.0 else None)
    tracks = link_tracks(det)
    walker_track = next(tr for tr in tracks if np.allclose(det.xy[5, tr.slot[5]], walker.xy[5], equal_nan=True))
    assert walker_track.score < 0.5 * tracks[0].score  # smaller than the main person: not a main person
    track, prepared, _ = api._pick("gait", det, tracks)
    assert track.id == walker_track.id
    track, _, found = api._pick("auto", det, tracks)
    assert track.id == walker_track.id and found.screen == "gait", found.reason
    view = gait.judge_view(prepared[1])
    used = [e.time_s for e in view.events if e.type == "heel_strike" and not e.rejected]
    assert len(used) >= len(strikes) - 1
    assert all(min(abs(u - s[0]) for s in strikes) <= 2 / 30 for u in used)
    assert abs(view.metrics["cadence_steps_per_min"] - 100) < 3


def test_people_standing_alone_are_a_posture_clip_not_walking():
    det, walker, _ = plaza(45.0, 14.0)
    keep = [1, 2]  # without the walker
    still = Detections(det.xy[:, keep], det.visibility[:, keep], det.world[:, keep], det.t, det.frame, det.width,
                       det.height, det.fps, 2)
    _, _, found = api._pick("auto", still, link_tracks(still))
    assert found.screen == "posture" and "stands still" in found.reason
