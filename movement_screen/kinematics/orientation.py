"""Which way up the person stands in the picture.

A phone video whose rotation setting was lost on the way (copied, converted, sent through a messaging app) shows
a standing person lying across the picture: every height, depth and tilt would then be measured along the wrong
axis. The body's axis, from between the ankles to between the shoulders in picture pixels, tells which way is up.
"""

from __future__ import annotations

import numpy as np

from movement_screen.pose import landmarks as lm

MIN_FRAMES = 5  # fewer frames with the body found than this say nothing about the picture
MOST = 0.5  # the body points one way in more than this share of the frames where it is found

# Clockwise degrees that turn the picture so that a head pointing this way points up.
_TURN = {"up": 0, "left": 90, "down": 180, "right": 270}


def body_axis(xy: np.ndarray) -> np.ndarray:
    """``[T, 2]`` picture vector from mid-ankle to mid-shoulder, pixels (image y grows downwards); NaN where the
    person was not found. ``xy`` is ``[T, 33, 2]``."""
    shoulders = (xy[:, lm.L_SHOULDER] + xy[:, lm.R_SHOULDER]) / 2
    ankles = (xy[:, lm.L_ANKLE] + xy[:, lm.R_ANKLE]) / 2
    return shoulders - ankles


def head_directions(xy: np.ndarray) -> np.ndarray:
    """Per frame where the body is found, the way the head points in the picture: "up", "down", "left" or
    "right" (closer to horizontal than vertical: "left"/"right")."""
    axis = body_axis(xy)
    axis = axis[np.isfinite(axis).all(axis=1)]
    dx, dy = axis[:, 0], axis[:, 1]
    across = np.abs(dx) > np.abs(dy)
    return np.where(across, np.where(dx < 0, "left", "right"), np.where(dy <= 0, "up", "down"))


def upright_turn(xy: np.ndarray) -> int:
    """Clockwise degrees (0, 90, 180 or 270) to turn the picture so the person stands upright in it: 0 unless the
    head points one other way (left, right or down) in most frames where the body is found."""
    ways = head_directions(xy)
    if len(ways) < MIN_FRAMES:
        return 0
    names, counts = np.unique(ways, return_counts=True)
    best = int(np.argmax(counts))
    if counts[best] <= MOST * len(ways):
        return 0
    return _TURN[str(names[best])]


def lying_share(xy: np.ndarray) -> float:
    """Share of the frames where the body is found in which it lies across the picture (0 when never found)."""
    ways = head_directions(xy)
    return float(np.isin(ways, ("left", "right")).mean()) if len(ways) else 0.0


def describe_turn(degrees: int) -> str:
    """A turn in words: "a quarter-turn clockwise", "a quarter-turn anticlockwise", "upside down"."""
    return {90: "a quarter-turn clockwise", 270: "a quarter-turn anticlockwise", 180: "half a turn (upside down)"
            }.get(degrees % 360, "not at all")
