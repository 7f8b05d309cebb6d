"""From a raw :class:`PoseSequence` to cleaned landmark series, body lengths, view and standard angles."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.body import BodyFrame, body_frame
from movement_screen.kinematics.filters import fill_gaps, is_variable_rate, lowpass, resample_uniform, sample_step
from movement_screen.kinematics.view import View, classify_view
from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import PoseSequence

STANDING_FRACTION = 0.2  # the tallest fifth of the frames stands for quiet standing
STATURE_FROM_NOSE_TO_HEEL = 1.07  # [W] head top is not a landmark (spec §0.3)


@dataclass(frozen=True)
class Lengths:
    """Body lengths in pixels, medians over standing frames (spec §0.3)."""

    shank: float
    thigh: float
    foot: float
    hip_width: float
    shoulder_width: float
    trunk: float
    leg: float  # mid-hip to mid-ankle, vertical
    stature: float


@dataclass(frozen=True)
class Kinematics:
    """Cleaned series of one person, on a uniform time grid."""

    t: np.ndarray
    frame: np.ndarray  # nearest source frame per sample
    xy: np.ndarray  # [T, 33, 2] filtered pixels (NaN where unknown)
    visibility: np.ndarray  # [T, 33]
    world: np.ndarray
    fs: float
    standing: np.ndarray  # indices of quiet-standing samples
    lengths: Lengths
    view: View
    variable_rate: bool
    cutoff_hz: float
    angles: dict[str, np.ndarray] = field(default_factory=dict)
    body: BodyFrame | None = None  # the person's own axes for the world landmarks (None without them)
    image_size: tuple[int, int] | None = None  # width, height of the picture in pixels

    def point(self, index: int) -> np.ndarray:
        return self.xy[:, index]

    def side(self, side: str, part: str) -> np.ndarray:
        return self.xy[:, lm.SIDES[side][part]]

    def mid(self, left: int, right: int) -> np.ndarray:
        return geo.midpoint(self.xy[:, left], self.xy[:, right])

    def world_mid(self, left: int, right: int) -> np.ndarray:
        return geo.midpoint(self.world[:, left], self.world[:, right])

    @property
    def mid_hip(self) -> np.ndarray:
        return self.mid(lm.L_HIP, lm.R_HIP)

    @property
    def mid_shoulder(self) -> np.ndarray:
        return self.mid(lm.L_SHOULDER, lm.R_SHOULDER)

    @property
    def mid_ankle(self) -> np.ndarray:
        return self.mid(lm.L_ANKLE, lm.R_ANKLE)

    def sample_at(self, time_s: float) -> int:
        return int(np.argmin(np.abs(self.t - time_s)))


def _median(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else np.nan


def standing_samples(xy: np.ndarray, fraction: float = STANDING_FRACTION) -> np.ndarray:
    """Samples where the body is tallest (shoulders highest above the ankles): the person standing upright.

    This holds for every screen: a squat lowers the shoulders with the hips, a forward bend lowers the
    shoulders while the hips stay up, and in walking the body is tallest near mid-stance.
    """
    shoulder_y = (xy[:, lm.L_SHOULDER, 1] + xy[:, lm.R_SHOULDER, 1]) / 2
    ankle_y = (xy[:, lm.L_ANKLE, 1] + xy[:, lm.R_ANKLE, 1]) / 2
    tall = ankle_y - shoulder_y
    ok = np.flatnonzero(np.isfinite(tall))
    if len(ok) == 0:
        return ok
    count = max(3, int(round(fraction * len(ok))))
    return ok[np.argsort(-tall[ok])[:count]]


def body_lengths(xy: np.ndarray, standing: np.ndarray) -> Lengths:
    s = xy[standing]

    def both(a: str, b: str) -> float:
        return _median(np.concatenate([geo.distance(s[:, lm.SIDES[side][a]], s[:, lm.SIDES[side][b]])
                                       for side in ("left", "right")]))

    mid_hip = geo.midpoint(s[:, lm.L_HIP], s[:, lm.R_HIP])
    mid_sh = geo.midpoint(s[:, lm.L_SHOULDER], s[:, lm.R_SHOULDER])
    mid_ankle = geo.midpoint(s[:, lm.L_ANKLE], s[:, lm.R_ANKLE])
    mid_heel_y = (s[:, lm.L_HEEL, 1] + s[:, lm.R_HEEL, 1]) / 2
    return Lengths(
        shank=both("knee", "ankle"),
        thigh=both("hip", "knee"),
        foot=both("heel", "toe"),
        hip_width=_median(geo.distance(s[:, lm.L_HIP], s[:, lm.R_HIP])),
        shoulder_width=_median(geo.distance(s[:, lm.L_SHOULDER], s[:, lm.R_SHOULDER])),
        trunk=_median(geo.distance(mid_hip, mid_sh)),
        leg=_median(mid_ankle[:, 1] - mid_hip[:, 1]),
        stature=_median(mid_heel_y - s[:, lm.NOSE, 1]) * STATURE_FROM_NOSE_TO_HEEL,
    )


def prepare(seq: PoseSequence, cutoff_hz: float = 6.0) -> Kinematics:
    """Resample to a uniform grid (variable frame rate), fill short gaps, low-pass, measure lengths and view."""
    t = np.asarray(seq.t, float)
    xy = np.asarray(seq.xy, float)
    variable = is_variable_rate(t)
    fs = float(1.0 / np.median(np.diff(t))) if len(t) > 1 else seq.fps
    vis = seq.visibility.astype(float)
    world = seq.world.astype(float)
    frames = np.asarray(seq.frame)
    if variable:
        fs = seq.fps if seq.fps > 0 else fs
        # A gap is a stretch clearly longer than the person's own sampling, not than the grid's step: the in-page
        # camera on a slow device measures the body 8-10 times a second while its frame clock says 25, and every
        # step between two measures counted as a gap left the whole movement missing.
        step = sample_step(t, seq.found)
        gap = max(2.5 / fs, 2.5 * step) if np.isfinite(step) else None
        grid, xy = resample_uniform(t, xy, fs, gap)
        _, vis = resample_uniform(t, np.where(seq.found[:, None], vis, np.nan), fs, gap)
        vis = np.nan_to_num(vis, nan=0.0)
        _, world = resample_uniform(t, world, fs, gap)
        frames = frames[np.clip(np.searchsorted(t, grid), 0, len(t) - 1)]
        t = grid
    xy = lowpass(fill_gaps(xy), fs, cutoff_hz)
    world = lowpass(fill_gaps(world), fs, cutoff_hz)
    standing = standing_samples(xy)
    lengths = body_lengths(xy, standing)
    view = classify_view(xy, vis, world, standing)
    kin = Kinematics(t, frames, xy, vis, world, fs, standing, lengths, view, variable, cutoff_hz,
                     body=body_frame(world, standing), image_size=(seq.width, seq.height))
    kin.angles.update(standard_angles(kin))
    return kin


def standard_angles(kin: Kinematics) -> dict[str, np.ndarray]:
    """Angle series every screen uses (degrees)."""
    out: dict[str, np.ndarray] = {}
    for side in ("left", "right"):
        hip, knee, ankle = kin.side(side, "hip"), kin.side(side, "knee"), kin.side(side, "ankle")
        shoulder, toe = kin.side(side, "shoulder"), kin.side(side, "toe")
        out[f"knee_flexion_{side}_deg"] = geo.flexion(hip, knee, ankle)
        out[f"hip_flexion_{side}_deg"] = geo.flexion(shoulder, hip, knee)
        out[f"tibia_inclination_{side}_deg"] = geo.inclination(ankle, knee, kin.view.facing)
        out[f"ankle_angle_{side}_deg"] = geo.joint_angle(knee, ankle, toe)
    out["trunk_inclination_deg"] = geo.inclination(kin.mid_hip, kin.mid_shoulder, kin.view.facing)
    out["trunk_lateral_deg"] = geo.lateral_inclination(kin.mid_hip, kin.mid_shoulder)
    return out
