"""A 3-D stick figure doing single-leg squats with faults of known size, for testing the single-leg squat screen.

The figure stands on both feet, lifts one foot in front (hip about 45 deg, knee about 90 deg, spec D.1's standard
free-leg position), squats on the stance leg a few times (2 s down, 2 s up), and puts the foot down again; the
hands rest on the hips. Each fault moves the landmarks a known amount at the bottom of every repetition: the stance
knee moved toward the midline (knee valgus), the free side of the pelvis dropped, the trunk leaned toward the
stance side, the free foot touching down, a shallow squat. :func:`figure.film` turns it into what the pose model
would give for a camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.validation.figure import (ANKLE_HEIGHT, FPS, HEEL_BACK, HIP_HALF, SHANK, SHOULDER_HALF, THIGH,
                                               TOE_FRONT, TRUNK, knee_between)

STANCE_HALF = 0.10  # feet this far either side of the middle when both are down (m)
PELVIS_SHIFT = 0.04  # on one leg the pelvis moves this far over the stance foot (m)


@dataclass(frozen=True)
class SingleLegSquat:
    """Single-leg squats on each leg in turn; the faults, of known size, are on the first leg only (right = the
    person's right)."""

    legs: tuple[str, ...] = ("left", "right")  # the legs squatted on, in order
    knee_flexion_deg: float = 70.0  # stance knee flexion at the bottom
    knee_in_cm: float = 0.0  # the stance knee this far toward the midline at the bottom (valgus)
    pelvic_drop_deg: float = 0.0  # the free side of the pelvis this much lower at the bottom
    trunk_lean_deg: float = 0.0  # the trunk leaning this much toward the stance side at the bottom
    touch_down_rep: int = 0  # the free foot touches the floor at the bottom of this repetition (1-based; 0 = never)
    reps: int = 3
    rep_s: float = 4.0  # 2 s down, 2 s up


def phases(shape: SingleLegSquat, fps: float = FPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time, the free foot's lift (0 down, 1 held up) and the squat phase (0 standing, 1 bottom)."""
    before, lift, pause = 1.0, 0.5, 0.4
    total = before + 2 * lift + 2 * pause + shape.reps * shape.rep_s
    t = np.arange(0, total, 1 / fps)
    lifted = np.clip((t - before) / lift, 0, 1) * np.clip((total - t) / lift, 0, 1)
    lifted = 0.5 - 0.5 * np.cos(np.pi * lifted)
    squat = np.zeros_like(t)
    start = before + lift + pause
    for i in range(shape.reps):
        u = (t - start - i * shape.rep_s) / shape.rep_s
        inside = (u >= 0) & (u < 1)
        squat[inside] = 0.5 - 0.5 * np.cos(2 * np.pi * u[inside])  # down and up, a smooth cycle
    return t, lifted, squat


def single_leg_squats(shape: SingleLegSquat = SingleLegSquat(), fps: float = FPS) -> tuple[np.ndarray, np.ndarray]:
    """Time and body-coordinate landmarks ``[T, 33, 3]`` (X forward, Y left, Z up, metres) of every leg's squats."""
    parts = [_one_leg(shape if i == 0 else SingleLegSquat(reps=shape.reps, rep_s=shape.rep_s,
                                                          knee_flexion_deg=shape.knee_flexion_deg), stance, fps)
             for i, stance in enumerate(shape.legs)]
    t = np.concatenate([part_t + i * (parts[0][0][-1] + 1 / fps) for i, (part_t, _) in enumerate(parts)])
    return t, np.concatenate([pts for _, pts in parts])


def _one_leg(shape: SingleLegSquat, stance: str, fps: float) -> tuple[np.ndarray, np.ndarray]:
    t, lifted, p = phases(shape, fps)
    n = len(t)
    s = 1.0 if stance == "left" else -1.0  # +Y is the person's left
    pts = np.zeros((n, lm.COUNT, 3))
    ahead, up = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    # Stance leg: the shank tips forward and the thigh back by half the knee's flexion each.
    flex = np.radians(4.0 + (shape.knee_flexion_deg - 4.0) * p)
    half = flex / 2
    ankle = np.broadcast_to([0.0, s * STANCE_HALF, ANKLE_HEIGHT], (n, 3)).copy()
    knee = ankle + SHANK * np.stack([np.sin(half), np.zeros(n), np.cos(half)], axis=-1)
    hip = knee + THIGH * np.stack([-np.sin(half), np.zeros(n), np.cos(half)], axis=-1)
    hip[:, 1] = s * (HIP_HALF + PELVIS_SHIFT * lifted)  # on one leg the pelvis moves over the stance foot
    knee[:, 1] = (hip[:, 1] + ankle[:, 1]) / 2 - s * shape.knee_in_cm / 100 * p
    # The pelvis: the free hip level with the stance hip, dropped by the fault's angle at the bottom.
    drop = np.radians(shape.pelvic_drop_deg) * p
    free_hip = hip + np.stack([np.zeros(n), -s * 2 * HIP_HALF * np.cos(drop), -2 * HIP_HALF * np.sin(drop)], axis=-1)
    mid_hip = (hip + free_hip) / 2
    # Free leg: from standing beside the stance foot to hip 45 deg, knee 90 deg flexed, and back down.
    free_ankle_down = np.broadcast_to([0.0, -s * STANCE_HALF, ANKLE_HEIGHT], (n, 3))
    # The lifted foot hangs from the free hip; with the hip and knee straight it stands beside the stance foot.
    hip_flex = np.radians(45.0) * lifted
    shank_back = np.radians(45.0) * lifted  # knee 90 deg: the shank hangs 45 deg behind vertical
    free_ankle = free_hip + THIGH * np.stack([np.sin(hip_flex), np.zeros(n), -np.cos(hip_flex)], axis=-1)
    free_ankle = free_ankle + SHANK * np.stack([-np.sin(shank_back), np.zeros(n), -np.cos(shank_back)], axis=-1)
    if shape.touch_down_rep:  # the free foot goes down to the floor beside the stance foot at that bottom
        centre = 1.0 + 0.5 + 0.4 + (shape.touch_down_rep - 0.5) * shape.rep_s
        touch = np.clip(1.0 - np.abs(t - centre) / 0.6, 0, 1)
        touch = np.clip(1.6 * touch, 0, 1)
        free_ankle = free_ankle + touch[:, None] * (free_ankle_down - free_ankle)
    free_knee = knee_between(free_hip, free_ankle, np.broadcast_to(ahead, (n, 3)))
    stance_part, free_part = lm.SIDES[stance], lm.SIDES["right" if s > 0 else "left"]
    for part, a, k, h, lifted_foot in ((stance_part, ankle, knee, hip, np.zeros(n)),
                                       (free_part, free_ankle, free_knee, free_hip, lifted)):
        pts[:, part["ankle"]], pts[:, part["knee"]], pts[:, part["hip"]] = a, k, h
        # The foot: flat on the floor, or pointing down-forward as it hangs.
        tip = np.radians(40.0) * lifted_foot
        along = np.stack([np.cos(tip), np.zeros(n), -np.sin(tip)], axis=-1)
        pts[:, part["toe"]] = a + TOE_FRONT * along + [0, 0, -0.06]
        pts[:, part["heel"]] = a - HEEL_BACK * along + [0, 0, -0.06]
    # Trunk: a little forward as the hips go back, and leaned toward the stance side by the fault.
    forward = np.radians(0.6 * shape.knee_flexion_deg / 2) * p
    lean = np.radians(shape.trunk_lean_deg) * p
    trunk_dir = np.stack([np.sin(forward) * np.cos(lean), s * np.sin(lean), np.cos(forward) * np.cos(lean)], axis=-1)
    side_dir = np.stack([np.zeros(n), np.cos(lean), -s * np.sin(lean)], axis=-1)  # the shoulder line, square to it
    mid_shoulder = mid_hip + TRUNK * trunk_dir
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        shoulder = mid_shoulder + sign * SHOULDER_HALF * side_dir
        hand = mid_hip + sign * (HIP_HALF + 0.05) * side_dir + 0.03 * up  # hands on the hips
        elbow = (shoulder + hand) / 2 + sign * 0.12 * side_dir - 0.05 * ahead
        pts[:, part["shoulder"]], pts[:, part["elbow"]], pts[:, part["wrist"]] = shoulder, elbow, hand
        for extra, offset in ((17, 0.06), (19, 0.07), (21, 0.04)):
            pts[:, extra + (0 if side == "left" else 1)] = hand + offset * ahead
        pts[:, part["ear"]] = mid_shoulder + 0.22 * trunk_dir + sign * 0.07 * side_dir - 0.02 * ahead
    head = mid_shoulder + 0.25 * trunk_dir
    pts[:, lm.NOSE] = head + 0.10 * ahead
    for i, sign in ((1, 1), (2, 1), (3, 1), (4, -1), (5, -1), (6, -1)):  # eyes
        pts[:, i] = head + 0.08 * ahead + sign * 0.03 * side_dir + 0.03 * trunk_dir
    pts[:, 9] = head + 0.09 * ahead + 0.025 * side_dir - 0.05 * trunk_dir
    pts[:, 10] = head + 0.09 * ahead - 0.025 * side_dir - 0.05 * trunk_dir
    return t, pts
