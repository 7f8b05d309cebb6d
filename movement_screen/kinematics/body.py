"""A body-fixed frame for the model's 3-D world landmarks, so measures do not depend on where the camera stood.

MediaPipe's world landmarks are metric and hip-centred, but their axes follow the camera (x image right, y image
down, z away from the lens): a camera turned 45 deg around the person, or tilted down from head height, turns the
whole body in those coordinates. Expressed in the body's own axes, the same squat gives the same numbers:

* ``up``: from the ankles to the shoulders in quiet standing (a person standing at rest is upright to a few deg);
* ``left``: from the right hip to the left hip in standing, made square to ``up``;
* ``forward``: ``left x up``, where the person faces.

The frame is fixed from standing, so a movement that turns or tips the body shows in it (a trunk leaning forward
is a trunk leaning forward, not a new vertical).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm


MIN_SEGMENT_M = 0.1  # a thigh or shank shorter than this is not a person's


@dataclass(frozen=True)
class BodyFrame:
    up: np.ndarray  # unit vectors in world-landmark coordinates
    left: np.ndarray
    forward: np.ndarray

    def coords(self, points: np.ndarray) -> np.ndarray:
        """World points ``[..., 3]`` as (forward, left, up) metres in the body frame."""
        p = np.asarray(points, float)
        return np.stack([p @ self.forward, p @ self.left, p @ self.up], axis=-1)

    def sagittal_inclination(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Angle of the segment lower->upper from vertical in the body's sagittal plane, degrees, + = forward."""
        d = np.asarray(upper, float) - np.asarray(lower, float)
        return np.degrees(np.arctan2(d @ self.forward, d @ self.up))


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _mean_vector(v: np.ndarray) -> np.ndarray:
    v = v[np.isfinite(v).all(axis=-1)]
    return v.mean(axis=0) if len(v) else np.full(3, np.nan)


def body_frame(world: np.ndarray, standing: np.ndarray) -> BodyFrame | None:
    """The body frame from standing samples of ``world[T, 33, 3]``; None when the world landmarks are missing."""
    if len(standing) == 0:
        return None
    legs = [segment_length(world, standing, a, b) for a, b in ((lm.L_HIP, lm.L_KNEE), (lm.L_KNEE, lm.L_ANKLE),
                                                                 (lm.R_HIP, lm.R_KNEE), (lm.R_KNEE, lm.R_ANKLE))]
    if not np.all(np.isfinite(legs)) or min(legs) < MIN_SEGMENT_M:
        return None  # no usable world landmarks (missing, or a placeholder without a skeleton)
    w = world[standing]
    mid = lambda a, b: (w[:, a] + w[:, b]) / 2  # noqa: E731
    up = _unit(_mean_vector(mid(lm.L_SHOULDER, lm.R_SHOULDER) - mid(lm.L_ANKLE, lm.R_ANKLE)))
    across = _mean_vector(w[:, lm.L_HIP] - w[:, lm.R_HIP])
    if not (np.isfinite(up).all() and np.isfinite(across).all()) or np.linalg.norm(up) == 0:
        return None
    left = _unit(across - up * float(across @ up))
    if not np.isfinite(left).all() or np.linalg.norm(left) == 0:
        return None
    forward = np.cross(left, up)
    return BodyFrame(up, left, forward)


def segment_length(world: np.ndarray, standing: np.ndarray, a: int, b: int) -> float:
    """Median world length (metres) of segment a-b over standing samples."""
    d = np.linalg.norm(world[standing, a] - world[standing, b], axis=-1)
    d = d[np.isfinite(d)]
    return float(np.median(d)) if len(d) else np.nan
