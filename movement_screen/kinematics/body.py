"""A body-fixed frame for the model's 3-D world landmarks, so measures do not depend on where the camera stood.

MediaPipe's world landmarks are metric and hip-centred, but their axes follow the camera (x image right, y image
down, z away from the lens): a camera turned 45 deg around the person, or tilted down from head height, turns the
whole body in those coordinates. Expressed in the body's own axes, the same squat gives the same numbers:

* ``up``: from the ankles to the shoulders in quiet standing (a person standing at rest is upright to a few deg);
* ``left``: from the right to the left side in standing (shoulders and hips, and the legs' pairs when the feet
  stand side by side), made square to ``up``;
* ``forward``: ``left x up``, where the person faces.

The frame is fixed from standing, so a movement that turns or tips the body shows in it (a trunk leaning forward
is a trunk leaning forward, not a new vertical).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm


MIN_SEGMENT_M = 0.1  # a thigh or shank shorter than this is not a person's
LEG_PAIRS = (lm.L_KNEE, lm.L_ANKLE, lm.L_HEEL, lm.L_TOE)  # with their right twins
AGREE_COS = float(np.cos(np.radians(25)))


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
    # Left-right pairs in standing point across the body; their sum averages the model's depth scatter (a hip
    # pair alone is 18 cm wide, and a 2 cm depth error on it turns the frame ~6 deg). Leg pairs join only when
    # they agree with the trunk's (feet side by side, not a split stance).
    across = _mean_vector(sum(w[:, a] - w[:, lm.MIRROR[a]] for a in (lm.L_SHOULDER, lm.L_HIP)))
    for a in LEG_PAIRS:
        pair = _mean_vector(w[:, a] - w[:, lm.MIRROR[a]])
        if np.isfinite(pair).all() and float(_unit(pair) @ _unit(across)) > AGREE_COS:
            across = across + pair
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


def both_sides_length(world: np.ndarray, standing: np.ndarray, a: int, b: int) -> float:
    """Mean of segment a-b's and its mirror twin's standing world lengths (metres), e.g. both shanks."""
    return float(np.nanmean([segment_length(world, standing, a, b),
                             segment_length(world, standing, lm.MIRROR[a], lm.MIRROR[b])]))


FIT_POINTS = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)  # trunk and legs: what the fit leans on


def image_x_axis(frame: BodyFrame, xy: np.ndarray, world: np.ndarray, samples: np.ndarray | None = None
                 ) -> np.ndarray:
    """Pixels of image x per metre along (forward, left, up): a weak-perspective camera fitted to the clip.

    Each landmark's image x relative to the mid-ankle is matched to its world position (body frame, relative to
    the mid-ankle) by least squares over ``samples`` (default: every sample). The movement itself (hips back,
    knees and shoulders forward) gives the fit its leverage on the forward axis, and many landmarks and frames
    average the model's scatter out. It tells how a turned camera mixes forward travel into the picture's
    side-to-side axis.
    """
    samples = np.arange(len(xy)) if samples is None else samples
    pts = list(FIT_POINTS)
    anchor_x = (xy[samples][:, lm.L_ANKLE, 0] + xy[samples][:, lm.R_ANKLE, 0]) / 2
    x = xy[samples][:, pts, 0] - anchor_x[:, None]
    anchor_w = (world[samples][:, lm.L_ANKLE] + world[samples][:, lm.R_ANKLE]) / 2
    body = frame.coords(world[samples][:, pts] - anchor_w[:, None])
    a, b = body.reshape(-1, 3), x.reshape(-1)
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b)
    if ok.sum() < 6:
        return np.full(3, np.nan)
    solution, *_ = np.linalg.lstsq(a[ok], b[ok], rcond=None)
    return solution
