"""Link per-frame poses into people and choose the person being screened.

The model returns up to K poses per frame in no fixed order. Poses are linked frame to frame by the distance
of torso and leg landmarks (predicted forward with the person's recent velocity), normalised by the person's
size, with Hungarian assignment and a gate; a person missing for a short while keeps their identity. The
screened person is, by default, the one filling the most of the video (size x time on screen); a user can pick
another by rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from movement_screen.errors import NoPersonError, UsageError
from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import Detections, PoseSequence

GATE_BODY_FRACTION = 0.35  # a pose may move this fraction of body height per frame and stay the same person
GATE_GROWTH_PER_S = 1.0  # the gate widens while a person is out of sight
MAX_GAP_S = 0.6
DUPLICATE_FRACTION = 0.08  # two poses in one frame closer than this are the same person seen twice
MIN_PRESENCE_FRAMES = 5
MIN_PRESENCE_FRACTION = 0.1


@dataclass(frozen=True)
class Track:
    """One person: ``slot[T]`` is the detection index in each frame (-1 where absent)."""

    id: int
    slot: np.ndarray
    score: float
    mean_height_px: float
    mean_x_px: float

    @property
    def frames_present(self) -> int:
        return int((self.slot >= 0).sum())


def _points(xy: np.ndarray) -> np.ndarray:
    return xy[..., lm.TRACKING_POINTS, :]


def body_height(xy: np.ndarray) -> float:
    """Height in pixels of the landmark bounding box of one pose ``xy[33, 2]``."""
    ys = xy[:, 1]
    ys = ys[~np.isnan(ys)]
    return float(ys.max() - ys.min()) if len(ys) else np.nan


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean distance of the tracking landmarks; a left/right label swap by the model does not count as a move."""
    pa = _points(a)
    best = np.inf
    for pb in (_points(b), _points(b[list(lm.MIRROR)])):
        d = np.linalg.norm(pa - pb, axis=-1)
        if np.isfinite(d).any():
            best = min(best, float(np.nanmean(d)))
    return best


def _drop_duplicates(xy: np.ndarray, vis: np.ndarray, valid: np.ndarray) -> np.ndarray:
    keep = valid.copy()
    idx = np.flatnonzero(valid)
    for i_pos, i in enumerate(idx):
        for j in idx[i_pos + 1:]:
            if not (keep[i] and keep[j]):
                continue
            size = np.nanmax([body_height(xy[i]), body_height(xy[j]), 1.0])
            if _distance(xy[i], xy[j]) < DUPLICATE_FRACTION * size:
                keep[j if vis[i].mean() >= vis[j].mean() else i] = False
    return keep


def link_tracks(det: Detections) -> list[Track]:
    """Link the poses of every frame into tracks, ranked best subject first (id 1 = default subject)."""
    n_frames, k_max = det.xy.shape[:2]
    valid = det.valid
    slots: list[list[int]] = []
    last_xy: list[np.ndarray] = []
    velocity: list[np.ndarray] = []
    last_t: list[float] = []
    for t in range(n_frames):
        present = _drop_duplicates(det.xy[t], det.visibility[t], valid[t])
        candidates = np.flatnonzero(present)
        active = [i for i in range(len(slots)) if det.t[t] - last_t[i] <= MAX_GAP_S]
        assigned: dict[int, int] = {}
        if active and len(candidates):
            cost = np.full((len(active), len(candidates)), 1e6)
            for a, i in enumerate(active):
                elapsed = det.t[t] - last_t[i]
                predicted = last_xy[i] + velocity[i] * elapsed
                size = max(body_height(last_xy[i]), 1.0)
                gate = GATE_BODY_FRACTION + GATE_GROWTH_PER_S * max(elapsed - 1.5 / max(det.fps, 1), 0)
                for c, k in enumerate(candidates):
                    d = _distance(predicted, det.xy[t, k]) / size
                    if d < gate:
                        cost[a, c] = d
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols):
                if cost[r, c] < 1e6:
                    assigned[int(candidates[c])] = active[r]
        for k in candidates:
            k = int(k)
            if k in assigned:
                i = assigned[k]
                elapsed = det.t[t] - last_t[i]
                new_velocity = (det.xy[t, k] - last_xy[i]) / max(elapsed, 1e-3)
                velocity[i] = np.where(np.isfinite(new_velocity), 0.5 * velocity[i] + 0.5 * new_velocity, 0.0)
            else:
                i = len(slots)
                slots.append([-1] * n_frames)
                velocity.append(np.zeros((lm.COUNT, 2)))
                last_xy.append(det.xy[t, k])
                last_t.append(det.t[t])
            slots[i][t] = k
            last_xy[i] = det.xy[t, k]
            last_t[i] = det.t[t]
    tracks = []
    for slot in slots:
        slot = np.asarray(slot)
        frames = np.flatnonzero(slot >= 0)
        heights = np.array([body_height(det.xy[t, slot[t]]) for t in frames])
        vis = np.array([det.visibility[t, slot[t]].mean() for t in frames])
        xs = np.array([np.nanmean(_points(det.xy[t, slot[t]])[:, 0]) for t in frames])
        tracks.append(Track(0, slot, float(np.nansum(heights * vis)), float(np.nanmean(heights)),
                            float(np.nanmean(xs))))
    tracks.sort(key=lambda tr: -tr.score)
    return [Track(i + 1, tr.slot, tr.score, tr.mean_height_px, tr.mean_x_px) for i, tr in enumerate(tracks)]


def people_seen(tracks: list[Track], n_frames: int) -> int:
    """How many people were on screen for a meaningful time (brief false detections do not count)."""
    need = max(MIN_PRESENCE_FRAMES, MIN_PRESENCE_FRACTION * n_frames)
    return sum(1 for tr in tracks if tr.frames_present >= min(need, n_frames))


def subject_sequence(det: Detections, track: Track) -> PoseSequence:
    """The chosen person's landmarks as a :class:`PoseSequence` (NaN where they were not found)."""
    n = len(det.t)
    xy = np.full((n, lm.COUNT, 2), np.nan)
    vis = np.zeros((n, lm.COUNT))
    world = np.full((n, lm.COUNT, 3), np.nan)
    frames = np.flatnonzero(track.slot >= 0)
    xy[frames] = det.xy[frames, track.slot[frames]]
    vis[frames] = det.visibility[frames, track.slot[frames]]
    world[frames] = det.world[frames, track.slot[frames]]
    return PoseSequence(xy, vis, world, det.t.copy(), det.frame.copy(), det.width, det.height, det.fps)


def choose_subject(det: Detections, tracks: list[Track], person: int | None, path: str) -> Track:
    """The track to screen: ``person`` (1-based rank) if given, else the top-ranked one."""
    if not tracks:
        raise NoPersonError(
            f"no person found in '{path}' (checked {len(det.t)} frames): film the whole body, 2-4 m from the "
            "camera, in good light"
        )
    if person is None:
        return tracks[0]
    if not 1 <= person <= len(tracks):
        listing = ", ".join(f"{tr.id} ({tr.frames_present} frames, x≈{tr.mean_x_px:.0f}px)" for tr in tracks)
        raise UsageError(f"--person {person} does not exist in '{path}': people found: {listing}")
    return tracks[person - 1]
