"""Standing forward bends built as landmark sequences of a stick figure with known angles, seen from the side
or the front: for the tests, which need no model, and the forward-bend demo (``movement-screen demo
--screen forward-bend``)."""

from __future__ import annotations

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import PoseSequence

FPS = 30.0
SHANK, THIGH, TRUNK, ARM = 200.0, 220.0, 260.0, 250.0
FLOOR_Y, ANKLE_X = 1000.0, 500.0


def _sequence(t: np.ndarray, xy: np.ndarray, world: np.ndarray) -> PoseSequence:
    return PoseSequence(xy, np.full(xy.shape[:2], 0.99), world, t, np.arange(len(t)), 1000, 1200, FPS)


def _place_chain(xy, part, ankle, knee, hip, shoulder, wrist) -> None:
    """Set one side's leg, trunk and arm landmarks (elbow halfway, index finger just past the wrist)."""
    xy[:, part["ankle"]] = ankle
    xy[:, part["knee"]] = knee
    xy[:, part["hip"]] = hip
    xy[:, part["shoulder"]] = shoulder
    xy[:, part["elbow"]] = (shoulder + wrist) / 2
    xy[:, part["wrist"]] = wrist
    xy[:, part["index"]] = wrist + [0, -20]


def _profile_world(world, part, z) -> None:
    """World landmarks of one side seen in profile: shoulders and hips at depth ``z`` (negative = nearer)."""
    world[:, part["shoulder"], 2] = z
    world[:, part["hip"], 2] = z
    world[:, part["shoulder"], 0] = 0.02
    world[:, part["hip"], 0] = 0.01


def _facing_world(world, part, sign) -> None:
    """World landmarks of one side facing the camera: shoulders and hips spread sideways (``sign`` +1 left)."""
    world[:, part["shoulder"], 0] = sign * 0.18
    world[:, part["hip"], 0] = sign * 0.12


def _fill_head_and_hands(xy: np.ndarray) -> None:
    """Give the landmarks no test looks at plausible positions (near their neighbours)."""
    for i in range(1, 11):
        if not xy[:, i].any():
            xy[:, i] = (xy[:, lm.L_EAR] + xy[:, lm.R_EAR]) / 2
    for side in ("left", "right"):
        wrist = lm.SIDES[side]["wrist"]
        for offset in (2, 6):  # pinky, thumb
            index = wrist + offset
            if not xy[:, index].any():
                xy[:, index] = xy[:, wrist]


def bend_phase(t: np.ndarray, start: float = 0.5, down_s: float = 1.5, hold_s: float = 0.5, up_s: float = 1.5):
    """0 (upright) -> 1 (lowest) -> 0, smooth, for one bend starting at ``start``."""
    phase = np.zeros_like(t)
    down = (t >= start) & (t < start + down_s)
    phase[down] = 0.5 - 0.5 * np.cos(np.pi * (t[down] - start) / down_s)
    phase[(t >= start + down_s) & (t < start + down_s + hold_s)] = 1.0
    up_from = start + down_s + hold_s
    up = (t >= up_from) & (t < up_from + up_s)
    phase[up] = 0.5 + 0.5 * np.cos(np.pi * (t[up] - up_from) / up_s)
    return phase


def side_bend(trunk_peak_deg: float = 140.0, knee_bend_deg: float = 0.0, duration_s: float = 5.0) -> PoseSequence:
    """A standing forward bend seen from the side, facing image right, right side nearer the camera.

    The trunk tips ``trunk_peak_deg`` from vertical at the lowest point while the hips shift back; the knees
    bend ``knee_bend_deg`` (0 = straight). The arms hang straight down from the shoulders.
    """
    t = np.arange(0, duration_s, 1 / FPS)
    phase = bend_phase(t)
    n = len(t)
    xy = np.zeros((n, lm.COUNT, 2))
    world = np.zeros((n, lm.COUNT, 3))
    half_knee = np.radians(knee_bend_deg / 2) * phase
    lean_back = np.arctan(60 / (SHANK + THIGH)) * phase  # the hips move back as the whole leg tilts at the ankle
    trunk = np.radians(trunk_peak_deg) * phase
    for side, dx, z in (("right", 0.0, -0.1), ("left", -6.0, 0.1)):
        p = lm.SIDES[side]
        ankle = np.stack([np.full(n, ANKLE_X + dx), np.full(n, FLOOR_Y - 60)], axis=1)
        shank, thigh = half_knee - lean_back, -half_knee - lean_back
        knee = ankle + SHANK * np.stack([np.sin(shank), -np.cos(shank)], axis=1)
        hip = knee + THIGH * np.stack([np.sin(thigh), -np.cos(thigh)], axis=1)
        shoulder = hip + TRUNK * np.stack([np.sin(trunk), -np.cos(trunk)], axis=1)
        wrist = shoulder + [0, ARM]
        _place_chain(xy, p, ankle, knee, hip, shoulder, wrist)
        xy[:, p["index"]] = wrist + [0, 20]
        xy[:, p["heel"]] = ankle + [-30, 50]
        xy[:, p["toe"]] = ankle + [90, 55]
        xy[:, p["ear"]] = shoulder + TRUNK * 0.25 * np.stack([np.sin(trunk), -np.cos(trunk)], axis=1)
        _profile_world(world, p, z)
    _fill_head_and_hands(xy)
    xy[:, lm.NOSE] = (xy[:, lm.L_EAR] + xy[:, lm.R_EAR]) / 2 + [25, 5]
    return _sequence(t, xy, world)


def front_bend(shift_px: float = 0.0, trunk_peak_deg: float = 110.0, duration_s: float = 5.0) -> PoseSequence:
    """A forward bend seen from the front (facing the camera); the shoulders drift ``shift_px`` toward image
    left (the person's right) at the lowest point."""
    t = np.arange(0, duration_s, 1 / FPS)
    phase = bend_phase(t)
    n = len(t)
    xy = np.zeros((n, lm.COUNT, 2))
    world = np.zeros((n, lm.COUNT, 3))
    midline = 500.0
    trunk = np.radians(trunk_peak_deg) * phase
    for side, sign in (("left", 1.0), ("right", -1.0)):
        p = lm.SIDES[side]
        ankle = np.stack([np.full(n, midline + sign * 70), np.full(n, FLOOR_Y - 60)], axis=1)
        knee = np.stack([np.full(n, midline + sign * 70), np.full(n, FLOOR_Y - 60 - SHANK)], axis=1)
        hip = np.stack([np.full(n, midline + sign * 60), np.full(n, FLOOR_Y - 60 - SHANK - THIGH)], axis=1)
        shoulder = np.stack([midline + sign * 110 - shift_px * phase, hip[:, 1] - TRUNK * np.cos(trunk)], axis=1)
        wrist = shoulder + [0, ARM]
        _place_chain(xy, p, ankle, knee, hip, shoulder, wrist)
        xy[:, p["index"]] = wrist + [0, 20]
        xy[:, p["heel"]] = ankle + [0, 40]
        xy[:, p["toe"]] = ankle + [sign * 10, 70]
        xy[:, p["ear"]] = shoulder + np.stack([np.full(n, -sign * 60), -70 * np.cos(trunk)], axis=1)
        _facing_world(world, p, sign)
    _fill_head_and_hands(xy)
    xy[:, lm.NOSE] = (xy[:, lm.L_EAR] + xy[:, lm.R_EAR]) / 2 + [0, 10]
    return _sequence(t, xy, world)

