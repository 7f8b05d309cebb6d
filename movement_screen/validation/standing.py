"""A 3-D stick figure standing quietly with known postural faults, for testing the posture screen from any camera.

The figure of :mod:`figure` stands (arms hanging) and each fault moves the landmarks a known amount: shoulders or
pelvis tilted, head tilted or carried forward, trunk shifted or the body leaning to one side, hips swayed forward, knees
pushed back. A little postural sway (a few millimetres at about 0.3 Hz) keeps it alive. :func:`figure.film`
turns it into what the pose model would give for a camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.validation.figure import FPS, SHANK, THIGH, Squat, figure

HEAD = list(range(0, 11))  # nose, eyes, ears, mouth
ARMS = [lm.L_ELBOW, lm.R_ELBOW, lm.L_WRIST, lm.R_WRIST, 17, 18, 19, 20, 21, 22]
SHOULDERS = [lm.L_SHOULDER, lm.R_SHOULDER]
UPPER = HEAD + SHOULDERS + ARMS


@dataclass(frozen=True)
class Posture:
    """Quiet standing with at most a few faults of known size (right = the person's right)."""

    shoulder_tilt_deg: float = 0.0  # the right shoulder lower than the left by this angle
    pelvis_tilt_deg: float = 0.0  # the right hip lower
    head_tilt_deg: float = 0.0  # the head tipped toward the right shoulder
    head_forward_cm: float = 0.0  # the head carried ahead of the shoulders
    trunk_shift_cm: float = 0.0  # shoulders, arms and head moved toward the right over the hips
    body_lean_deg: float = 0.0  # the whole body leaning toward the right over the feet (each level stays level)
    sway_cm: float = 0.0  # the hips pushed forward over the ankles (the shoulders stay over the ankles)
    knee_back_deg: float = 0.0  # knees pushed back behind the hip-ankle line (hyperextension)
    seconds: float = 5.0


def _turn_frontal(points: np.ndarray, centre: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate ``points[..., 3]`` about ``centre`` in the frontal plane (Y left, Z up), toward the right."""
    a = np.radians(degrees)
    rel = points - centre
    y = rel[..., 1] * np.cos(a) - rel[..., 2] * np.sin(a)
    z = rel[..., 1] * np.sin(a) + rel[..., 2] * np.cos(a)
    out = rel.copy()
    out[..., 1], out[..., 2] = y, z
    return out + centre


def stand(posture: Posture = Posture(), fps: float = FPS) -> tuple[np.ndarray, np.ndarray]:
    """Time and body-coordinate landmarks ``[T, 33, 3]`` (X forward, Y left, Z up, metres) of quiet standing."""
    t = np.arange(0, posture.seconds, 1 / fps)
    n = len(t)
    pts = figure(Squat(arms_standing_deg=180.0, arms_deg=180.0), np.zeros(n)).copy()
    mid_hip = (pts[:, lm.L_HIP] + pts[:, lm.R_HIP]) / 2
    mid_shoulder = (pts[:, lm.L_SHOULDER] + pts[:, lm.R_SHOULDER]) / 2
    # Knees back: each knee moves behind the hip-ankle line, the hips and all above dropping as the leg bends back.
    if posture.knee_back_deg:
        back = np.sin(np.radians(posture.knee_back_deg)) * SHANK * THIGH / (SHANK + THIGH)
        for side in ("left", "right"):
            pts[:, lm.SIDES[side]["knee"], 0] -= back
    # Sway: the pelvis (and knees, half as much) forward; the trunk above tips back to keep the shoulders put.
    if posture.sway_cm:
        ahead = posture.sway_cm / 100
        for side in ("left", "right"):
            pts[:, lm.SIDES[side]["hip"], 0] += ahead
            pts[:, lm.SIDES[side]["knee"], 0] += ahead / 2
        mid_hip = (pts[:, lm.L_HIP] + pts[:, lm.R_HIP]) / 2
    if posture.pelvis_tilt_deg:
        for side in ("left", "right"):
            i = lm.SIDES[side]["hip"]
            pts[:, i] = _turn_frontal(pts[:, i], mid_hip, posture.pelvis_tilt_deg)
    if posture.body_lean_deg:  # everything above the ankles moves to the right in proportion to its height
        above = np.clip(pts[..., 2] - 0.08, 0, None)
        pts[..., 1] -= np.tan(np.radians(posture.body_lean_deg)) * above
    if posture.trunk_shift_cm:
        pts[:, UPPER, 1] -= posture.trunk_shift_cm / 100
    mid_shoulder = (pts[:, lm.L_SHOULDER] + pts[:, lm.R_SHOULDER]) / 2
    if posture.shoulder_tilt_deg:
        for side in ("left", "right"):
            i = lm.SIDES[side]["shoulder"]
            turned = _turn_frontal(pts[:, i], mid_shoulder, posture.shoulder_tilt_deg)
            pts[:, ARMS_OF[side]] += (turned - pts[:, i])[:, None]
            pts[:, i] = turned
    neck = mid_shoulder + [0.0, 0.0, 0.08]
    if posture.head_tilt_deg:
        pts[:, HEAD] = _turn_frontal(pts[:, HEAD], neck[:, None], posture.head_tilt_deg)
    if posture.head_forward_cm:
        pts[:, HEAD, 0] += posture.head_forward_cm / 100
    # Quiet standing sways a few millimetres, the top more than the hips.
    sway = 0.004 * np.sin(2 * np.pi * 0.3 * t)
    pts[..., 0] += sway[:, None] * np.clip(pts[..., 2] / 1.5, 0, None)
    return t, pts


ARMS_OF = {"left": [lm.L_ELBOW, lm.L_WRIST, 17, 19, 21], "right": [lm.R_ELBOW, lm.R_WRIST, 18, 20, 22]}
