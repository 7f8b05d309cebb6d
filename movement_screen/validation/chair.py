"""A 3-D stick figure standing up from a chair and sitting down again at a known pace, with faults of known size,
for testing the sit-to-stand screen from any camera.

The figure of :mod:`figure` sits on a seat without arms (seat ``seat_m`` high, the hips behind the feet, the shins
a little forward), arms crossed on the chest. Each rise leans the trunk forward with the hips still on the seat,
then (seat-off, at the trunk's greatest lean) carries the hips forward over the feet and up to full standing while
the trunk comes upright; each sit-down is the same path backwards. Faults: the hands pushing on the thighs or on
the seat, extra trunk lean at seat-off, the knees moving inward during the rise and back, a sit-down much faster
than the rise. :func:`stand_times` gives the known moments the screen should find; :func:`figure.film` turns the
landmarks into what the pose model would give for a camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.validation.figure import (ANKLE_HEIGHT, FOOT_HALF_GAP, FOREARM, FPS, HEEL_BACK, HIP_HALF, SHANK,
                                               SHOULDER_HALF, THIGH, TOE_FRONT, TRUNK, UPPER_ARM, knee_between)

LEAN_SHARE = 0.35  # the share of a rise spent leaning forward with the hips still on the seat
SEATED_TRUNK_DEG = 5.0  # the trunk's lean when sitting back upright
HIP_ABOVE_SEAT = 0.07  # the hip joint's height above the seat it sits on (m)
SEATED_SHIN_DEG = 8.0  # the shins' forward lean when seated, feet a little behind the knees
STANDING_HIP = ANKLE_HEIGHT + np.sqrt((SHANK + THIGH - 0.005) ** 2 - (FOOT_HALF_GAP - HIP_HALF) ** 2)


@dataclass(frozen=True)
class Chair:
    """Sit-to-stands at a known pace, with at most a few faults of known size (right = the person's right)."""

    stands: int = 5  # full stands, each followed by sitting down again
    rise_s: float = 1.0  # from the first lean forward to full standing
    top_s: float = 0.15  # standing still at the top
    sit_s: float = 1.2  # from standing to seated (the rise backwards)
    bottom_s: float = 0.1  # seated between stands
    seated_before_s: float = 1.5  # sitting still before the first rise
    seated_after_s: float = 1.0  # sitting still after the last sit-down
    seat_m: float = 0.45  # seat height
    lean_deg: float = 40.0  # the trunk's lean from vertical at seat-off (a usual rise: 30-45 deg)
    extra_lean_deg: float = 0.0  # fault: leaning this much further at seat-off
    hands: str = "chest"  # "chest" (arms crossed), "thighs" (pushing on the thighs) or "seat" (pushing on the seat)
    knee_in_cm: float = 0.0  # fault: each knee this far toward the midline at mid-rise (and mid-sit)


def _ease(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def timeline(chair: Chair, fps: float = FPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time, the rise phase u (0 seated at rest, 1 fully standing) along the rise's path, and whether each sample is
    rising (+1), sitting down (-1) or still (0)."""
    cycle = chair.rise_s + chair.top_s + chair.sit_s + chair.bottom_s
    total = chair.seated_before_s + chair.stands * cycle - chair.bottom_s + chair.seated_after_s
    t = np.arange(0, total, 1 / fps)
    u = np.zeros_like(t)
    moving = np.zeros_like(t)
    for k in range(chair.stands):
        start = chair.seated_before_s + k * cycle
        rise = (t >= start) & (t < start + chair.rise_s)
        u[rise] = (t[rise] - start) / chair.rise_s
        moving[rise] = 1
        top = (t >= start + chair.rise_s) & (t < start + chair.rise_s + chair.top_s)
        u[top] = 1.0
        down = start + chair.rise_s + chair.top_s
        sit = (t >= down) & (t < down + chair.sit_s)
        u[sit] = 1.0 - (t[sit] - down) / chair.sit_s
        moving[sit] = -1
    return t, u, moving


def stand_times(chair: Chair) -> tuple[float, list[float]]:
    """The known start of the first rise and the moment each stand is complete (s)."""
    cycle = chair.rise_s + chair.top_s + chair.sit_s + chair.bottom_s
    starts = [chair.seated_before_s + k * cycle for k in range(chair.stands)]
    return starts[0], [s + chair.rise_s for s in starts]


def five_times_s(chair: Chair) -> float:
    """The known five-times sit-to-stand time: from the start of the first rise to the fifth full stand."""
    onset, tops = stand_times(chair)
    return tops[4] - onset


def sit(chair: Chair = Chair(), fps: float = FPS) -> tuple[np.ndarray, np.ndarray]:
    """Time and body-coordinate landmarks ``[T, 33, 3]`` (X forward, Y left, Z up, metres) of the sit-to-stands."""
    t, u, _ = timeline(chair, fps)
    n = len(t)
    ahead, up = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    pts = np.zeros((n, lm.COUNT, 3))
    seated_hip_z = chair.seat_m + HIP_ABOVE_SEAT
    seated_knee = np.array([SHANK * np.sin(np.radians(SEATED_SHIN_DEG)), 0.0,
                            ANKLE_HEIGHT + SHANK * np.cos(np.radians(SEATED_SHIN_DEG))])
    seated_hip_x = seated_knee[0] - np.sqrt(max(THIGH ** 2 - (seated_hip_z - seated_knee[2]) ** 2, 0.0))
    # The rise: lean forward on the seat, then (seat-off) the hips go forward over the feet first, then up.
    v = np.clip((u - LEAN_SHARE) / (1 - LEAN_SHARE), 0.0, 1.0)
    lean_max = chair.lean_deg + chair.extra_lean_deg
    trunk = np.where(u < LEAN_SHARE, SEATED_TRUNK_DEG + (lean_max - SEATED_TRUNK_DEG) * _ease(u / LEAN_SHARE),
                     lean_max * (1 - _ease(v)))
    hip_x = seated_hip_x * (1 - _ease(v / 0.7))
    hip_z = seated_hip_z + (STANDING_HIP - seated_hip_z) * _ease(v)
    knee_in = chair.knee_in_cm / 100 * np.sin(np.pi * v)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        turn = np.radians(10.0) * sign
        foot_dir = np.array([np.cos(turn), np.sin(turn), 0.0])
        ankle0 = np.array([0.0, sign * FOOT_HALF_GAP, 0.0])
        ankle = np.broadcast_to(ankle0 + [0, 0, ANKLE_HEIGHT], (n, 3)).copy()
        hip = np.stack([hip_x, np.full(n, sign * HIP_HALF), hip_z], axis=-1)
        knee = knee_between(hip, ankle, np.broadcast_to(ahead + 0.05 * up, (n, 3)))
        knee[:, 1] -= sign * knee_in
        pts[:, part["ankle"]] = ankle
        pts[:, part["heel"]] = ankle0 - HEEL_BACK * foot_dir + [0, 0, 0.02]
        pts[:, part["toe"]] = ankle0 + TOE_FRONT * foot_dir + [0, 0, 0.02]
        pts[:, part["knee"]] = knee
        pts[:, part["hip"]] = hip
    mid_hip = (pts[:, lm.L_HIP] + pts[:, lm.R_HIP]) / 2
    a = np.radians(trunk)[:, None]
    along = np.sin(a) * ahead + np.cos(a) * up  # up the trunk
    front = np.cos(a) * ahead - np.sin(a) * up  # out of the chest
    mid_shoulder = mid_hip + TRUNK * along
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        shoulder = mid_shoulder + [0, sign * SHOULDER_HALF, 0]
        if chair.hands == "chest":  # crossed: each hand on the other shoulder's front, the elbows in front
            elbow = shoulder - 0.20 * along + 0.18 * front - [0, sign * 0.06, 0]
            wrist = mid_shoulder - 0.08 * along + 0.10 * front - [0, sign * 0.12, 0]
        else:
            knee = pts[:, lm.SIDES[side]["knee"]]
            hip = pts[:, lm.SIDES[side]["hip"]]
            if chair.hands == "thighs":  # on the thigh just above the knee, pushing
                wrist = hip + 0.75 * (knee - hip) + [0, sign * 0.04, 0.07]
            else:  # on the seat beside the hips until seat-off, then hanging at the sides
                seat_hand = np.array([seated_hip_x + 0.05, sign * (HIP_HALF + 0.12), chair.seat_m + 0.03])
                hanging = shoulder - (UPPER_ARM + FOREARM) * up + [0, sign * 0.04, 0]
                on_seat = (u <= LEAN_SHARE)[:, None]
                wrist = np.where(on_seat, seat_hand, hanging)
            elbow = (shoulder + wrist) / 2 + [0, sign * 0.08, 0] - 0.05 * front
        pts[:, part["shoulder"]] = shoulder
        pts[:, part["elbow"]] = elbow
        pts[:, part["wrist"]] = wrist
        hand = wrist - elbow
        hand = hand / np.linalg.norm(hand, axis=-1, keepdims=True)
        for extra, offset in ((17, 0.08), (19, 0.09), (21, 0.05)):  # pinky, index, thumb just past the wrist
            pts[:, extra + (0 if side == "left" else 1)] = wrist + offset * hand
        pts[:, part["ear"]] = mid_shoulder + 0.22 * along + [0, sign * 0.07, 0] - 0.02 * ahead
    head = mid_shoulder + 0.25 * along
    pts[:, lm.NOSE] = head + 0.10 * ahead
    for i, side_sign in ((1, 1), (2, 1), (3, 1), (4, -1), (5, -1), (6, -1)):  # eyes
        pts[:, i] = head + 0.08 * ahead + [0, side_sign * 0.03, 0.03]
    pts[:, 9] = head + 0.09 * ahead + [0, 0.025, -0.05]
    pts[:, 10] = head + 0.09 * ahead + [0, -0.025, -0.05]
    return t, pts
