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

from movement_screen.errors import NoPersonError, UsageError
from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import Detections, PoseSequence

GATE_BODY_FRACTION = 0.35  # a pose may move this fraction of body height per frame and stay the same person
GATE_GROWTH_PER_S = 1.0  # the gate widens while a person is out of sight
MAX_GAP_S = 0.6
DUPLICATE_FRACTION = 0.08  # two poses in one frame closer than this are the same person seen twice
DUPLICATE_TORSO_FRACTION = 0.15  # ... or two poses of similar size whose torso centres are this close
DUPLICATE_SIZE_RATIO = 1.25
STITCH_MAX_GAP_S = 1.0  # a track that ends and one that starts this soon after, where it was heading, join
STITCH_OVERLAP_FRAMES = 2
STITCH_GATE_BODY = 0.5  # body heights, widened by STITCH_GATE_PER_S per second of gap
STITCH_GATE_PER_S = 1.0
STITCH_SIZE_RATIO = 1.6
STITCH_VELOCITY_S = 0.5
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


def torso_centre(xy: np.ndarray) -> np.ndarray:
    """Mean of shoulders and hips of one pose ``xy[33, 2]`` (or ``[..., 33, 2]``)."""
    return np.nanmean(xy[..., [lm.L_SHOULDER, lm.R_SHOULDER, lm.L_HIP, lm.R_HIP], :], axis=-2)


def _same_person(a: np.ndarray, b: np.ndarray) -> bool:
    """Two poses of one frame that are one person seen twice (the model sometimes returns a pose twice)."""
    ha, hb = body_height(a), body_height(b)
    size = np.nanmax([ha, hb, 1.0])
    if _distance(a, b) < DUPLICATE_FRACTION * size:
        return True
    similar = min(ha, hb) > 0 and max(ha, hb) / min(ha, hb) < DUPLICATE_SIZE_RATIO
    gap = float(np.linalg.norm(torso_centre(a) - torso_centre(b)))
    return bool(similar and gap < DUPLICATE_TORSO_FRACTION * size)


def _drop_duplicates(xy: np.ndarray, vis: np.ndarray, valid: np.ndarray) -> np.ndarray:
    keep = valid.copy()
    idx = np.flatnonzero(valid)
    for i_pos, i in enumerate(idx):
        for j in idx[i_pos + 1:]:
            if keep[i] and keep[j] and _same_person(xy[i], xy[j]):
                keep[j if vis[i].mean() >= vis[j].mean() else i] = False
    return keep


def _piece_ends(slot: np.ndarray, det: Detections) -> dict:
    """Where a track piece starts and ends: frames, torso centres, size and recent velocity (pixels/s)."""
    frames = np.flatnonzero(slot >= 0)
    centres = np.array([torso_centre(det.xy[t, slot[t]]) for t in frames])
    recent = frames[det.t[frames] >= det.t[frames[-1]] - STITCH_VELOCITY_S]
    velocity = np.zeros(2)
    if len(recent) > 2:
        steps = np.diff(centres[-len(recent):], axis=0) / np.diff(det.t[recent])[:, None]
        velocity = np.nan_to_num(np.nanmedian(steps, axis=0))
    heights = [body_height(det.xy[t, slot[t]]) for t in frames]
    return dict(first=frames[0], last=frames[-1], start=centres[0], end=centres[-1], velocity=velocity,
                size=max(float(np.nanmedian(heights)), 1.0))


def _stitch(slots: list[np.ndarray], det: Detections) -> list[np.ndarray]:
    """Join track pieces of one person that the frame-to-frame linking lost (missed frames, a brief mix-up).

    Piece B joins piece A when B starts as A ends (up to ``STITCH_OVERLAP_FRAMES`` overlap, at most
    ``STITCH_MAX_GAP_S`` later), the two are of similar size, and B's torso starts near where A's torso was or
    was heading (A's recent velocity carried over the gap); the closest such pair joins first.
    """
    slots = [s.copy() for s in slots if (s >= 0).any()]
    ends = [_piece_ends(s, det) for s in slots]
    while True:
        best = None
        for a, ea in enumerate(ends):
            for b, eb in enumerate(ends):
                if b == a or eb["first"] <= ea["first"] or eb["last"] <= ea["last"]:
                    continue
                if eb["first"] < ea["last"] - STITCH_OVERLAP_FRAMES:
                    continue
                gap = max(0.0, det.t[eb["first"]] - det.t[ea["last"]])
                ratio = max(ea["size"], eb["size"]) / min(ea["size"], eb["size"])
                if gap > STITCH_MAX_GAP_S or ratio > STITCH_SIZE_RATIO:
                    continue
                predicted = ea["end"] + ea["velocity"] * gap
                miss = min(np.linalg.norm(eb["start"] - predicted), np.linalg.norm(eb["start"] - ea["end"]))
                miss /= ea["size"]
                if np.isfinite(miss) and miss < STITCH_GATE_BODY + STITCH_GATE_PER_S * gap:
                    if best is None or miss < best[0]:
                        best = (miss, a, b)
        if best is None:
            return slots
        _, a, b = best
        slots[a] = np.where(slots[a] >= 0, slots[a], slots[b])
        ends[a] = _piece_ends(slots[a], det)
        del slots[b], ends[b]


def link_tracks(det: Detections) -> list[Track]:
    """Link the poses of every frame into tracks, ranked best subject first (id 1 = default subject)."""
    from scipy.optimize import linear_sum_assignment  # 0.35 s to import: warmed during the pose pass

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
    for slot in _stitch([np.asarray(slot) for slot in slots], det):
        frames = np.flatnonzero(slot >= 0)
        heights = np.array([body_height(det.xy[t, slot[t]]) for t in frames])
        vis = np.array([det.visibility[t, slot[t]].mean() for t in frames])
        xs = np.array([np.nanmean(_points(det.xy[t, slot[t]])[:, 0]) for t in frames])
        tracks.append(Track(0, slot, float(np.nansum(heights * vis)), float(np.nanmean(heights)),
                            float(np.nanmean(xs))))
    tracks.sort(key=lambda tr: -tr.score)
    return [Track(i + 1, tr.slot, tr.score, tr.mean_height_px, tr.mean_x_px) for i, tr in enumerate(tracks)]


def present(track: Track, n_frames: int) -> bool:
    """Whether a person was on screen for a meaningful time (brief false detections are not)."""
    need = max(MIN_PRESENCE_FRAMES, MIN_PRESENCE_FRACTION * n_frames)
    return track.frames_present >= min(need, n_frames)


def people_seen(tracks: list[Track], n_frames: int) -> int:
    """How many people were on screen for a meaningful time."""
    return sum(1 for tr in tracks if present(tr, n_frames))


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
    return PoseSequence(xy, vis, world, det.t.copy(), det.frame.copy(), det.width, det.height, det.fps,
                        det.turned)


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
