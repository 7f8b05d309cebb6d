"""A 3-D stick figure that walks with known heel strikes, for testing gait events from any camera.

The walker moves along +X (body coordinates: X forward, Y left, Z up, metres) through the origin, the middle of
the walkway, with each foot fixed on the floor through its stance and swinging forward in an arc between. Step
times, a limp (one side's steps longer), a late last contact and short shuffling steps at the end of the pass
are all set, so the true heel strikes are known to the millisecond. :func:`figure.film` turns it into what the
pose model would give for a camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.validation.figure import (ANKLE_HEIGHT, FOREARM, HEEL_BACK, HIP_HALF, SHANK, SHOULDER_HALF,
                                               THIGH, TOE_FRONT, TRUNK, UPPER_ARM, knee_between)

FPS = 30.0
STANCE_FRACTION = 0.62  # of each stride  [N] (spec C.3: stance ~60-62 %)
FOOT_HALF_GAP = 0.09


@dataclass(frozen=True)
class Walk:
    cadence: float = 110.0  # steps/min in steady walking
    step_m: float = 0.65
    limp: float = 1.0  # right steps last this many times as long as left steps (1 = even)
    steps: int = 9  # steady steps (heel strikes) in the pass
    late_last_s: float = 0.0  # the last contact comes this much later (a hidden or hesitant last step)
    shuffle_steps: int = 0  # short, quick steps added at the end (slowing down to turn)
    path_m: float = 6.0  # the walkway length the pass is centred on
    right_step_m: float | None = None  # the right foot's step length (None: step_m; 0: a step-to limp, landing
    #                                    level with the left foot)
    contact_pitch_deg: float = 15.0  # toes up at heel strike (0: flat landings), flat 0.1 s later
    cane: str | None = None  # the hand ("left" / "right") on a cane: held forward, moving with the other foot

    def strikes(self) -> list[tuple[float, str, float]]:
        """True heel strikes: (time s, foot, landing position along X), left foot first."""
        mean = 60.0 / self.cadence
        step_time = {"left": 2 * mean / (1 + self.limp), "right": 2 * mean * self.limp / (1 + self.limp)}
        out = [(0.4, "left", -self.step_m * (self.steps - 1) / 2)]
        for k in range(1, self.steps + self.shuffle_steps):
            side = "left" if k % 2 == 0 else "right"
            steady = k < self.steps
            dt = step_time[side] if steady else 0.35
            if k == self.steps - 1:
                dt += self.late_last_s
            length = self.step_m if side == "left" or self.right_step_m is None else self.right_step_m
            out.append((out[-1][0] + dt, side, out[-1][2] + (length if steady else 0.25)))
        return out


def walk(w: Walk = Walk(), fps: float = FPS) -> tuple[np.ndarray, np.ndarray, list[tuple[float, str, float]]]:
    """Time, body-coordinate landmarks ``[T, 33, 3]`` and the true heel strikes of one pass."""
    strikes = w.strikes()
    mean_step = 60.0 / w.cadence
    t = np.arange(strikes[0][0] - mean_step, strikes[-1][0] + mean_step, 1 / fps)
    n = len(t)
    pts = np.zeros((n, lm.COUNT, 3))
    feet = {}
    for side, sign in (("left", 1.0), ("right", -1.0)):
        own = [(ts, x) for ts, s, x in strikes if s == side]
        # Before its first strike the foot stands one stride back; after its last it stays put.
        first_t, first_x = own[0]
        own = [(first_t - 2 * mean_step, first_x - 2 * w.step_m)] + own
        x = np.full(n, own[-1][1])
        z = np.zeros(n)
        for (t0, x0), (t1, x1) in zip(own, own[1:]):
            off = t0 + STANCE_FRACTION * (t1 - t0) if t1 - t0 > 2 * 0.35 else t0 + 0.5 * (t1 - t0)
            stance = (t >= t0) & (t < off)
            x[stance] = x0
            swing = (t >= off) & (t < t1)
            s = (t[swing] - off) / (t1 - off)
            x[swing] = x0 + (x1 - x0) * (0.5 - 0.5 * np.cos(np.pi * s))
            z[swing] = 0.08 * np.sin(np.pi * s)
        x[t < own[0][0]] = own[0][1]
        ankle = np.stack([x, np.full(n, sign * FOOT_HALF_GAP), ANKLE_HEIGHT + z], axis=1)
        feet[side] = ankle
    # The pelvis travels between the feet, half a step behind the leading foot at each strike.
    # It walks in at its steady pace and, after the last contact, goes on half a step before it stops.
    times = np.array([strikes[0][0] - 2 * mean_step] + [s[0] for s in strikes] + [strikes[-1][0] + mean_step / 2])
    places = np.array([strikes[0][2] - 2 * w.step_m] + [s[2] for s in strikes] + [strikes[-1][2] + w.step_m / 2])
    behind = np.array([w.step_m / 2] + [(w.step_m if s[1] == "left" or w.right_step_m is None else w.right_step_m) / 2
                                       for s in strikes] + [w.step_m / 2])
    pelvis_x = np.interp(t, times, places - behind)
    standing_hip = ANKLE_HEIGHT + SHANK + THIGH
    bob = 0.015 * np.cos(2 * np.pi * t / mean_step)
    # The hips sit as high as the leg reaching furthest from them allows.
    reach = []
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        ankle = feet[side]
        pts[:, part["ankle"]] = ankle
        pts[:, part["heel"]] = ankle + [-HEEL_BACK, 0, -0.06]
        # Toes up at contact: rising over the last 0.15 s of swing, back down to flat 0.1 s after the strike.
        pitch = np.zeros(n)
        for ts, s_side, _ in strikes:
            if s_side == side:
                rise = np.clip(1 - (ts - t) / 0.15, 0, 1) * (t <= ts)
                fall = np.clip(1 - (t - ts) / 0.1, 0, 1) * (t > ts)
                pitch = np.maximum(pitch, rise + fall)
        pitch = np.radians(w.contact_pitch_deg) * pitch
        foot = HEEL_BACK + TOE_FRONT
        pts[:, part["toe"]] = pts[:, part["heel"]] + foot * np.stack([np.cos(pitch), np.zeros(n), np.sin(pitch)], 1)
        reach.append(np.sqrt(np.clip((SHANK + THIGH - 0.01) ** 2 - (pelvis_x - ankle[:, 0]) ** 2, 0, None)))
    hip_z = np.minimum(ANKLE_HEIGHT + np.minimum(*reach), standing_hip) - 0.02 + bob
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        pts[:, part["hip"]] = np.stack([pelvis_x, np.full(n, sign * HIP_HALF), hip_z], axis=1)
        pts[:, part["knee"]] = knee_between(pts[:, part["hip"]], pts[:, part["ankle"]],
                                             np.broadcast_to([1.0, 0.0, 0.0], (n, 3)))
    mid_hip = (pts[:, lm.L_HIP] + pts[:, lm.R_HIP]) / 2
    mid_shoulder = mid_hip + [0.0, 0.0, TRUNK]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        other = feet["right" if side == "left" else "left"]
        swing = np.clip((other[:, 0] - pelvis_x) / w.step_m, -1, 1) * np.radians(20)  # arms swing with the other leg
        if w.cane == side:  # the cane is planted with the other foot: the hand stays ahead, low, and follows it
            swing = np.radians(25) + 0.5 * swing
        arm_dir = np.stack([np.sin(swing), np.zeros(n), -np.cos(swing)], axis=1)
        shoulder = mid_shoulder + [0, sign * SHOULDER_HALF, 0]
        pts[:, part["shoulder"]] = shoulder
        pts[:, part["elbow"]] = shoulder + UPPER_ARM * arm_dir
        pts[:, part["wrist"]] = shoulder + (UPPER_ARM + FOREARM) * arm_dir
        for extra, offset in ((17, 0.08), (19, 0.09), (21, 0.05)):
            pts[:, extra + (0 if side == "left" else 1)] = pts[:, part["wrist"]] + offset * arm_dir
        pts[:, part["ear"]] = mid_shoulder + [-0.02, sign * 0.07, 0.22]
    head = mid_shoulder + [0.0, 0.0, 0.25]
    pts[:, lm.NOSE] = head + [0.10, 0, 0]
    for i, side_sign in ((1, 1), (2, 1), (3, 1), (4, -1), (5, -1), (6, -1)):
        pts[:, i] = head + [0.08, side_sign * 0.03, 0.03]
    pts[:, 9] = head + [0.09, 0.025, -0.05]
    pts[:, 10] = head + [0.09, -0.025, -0.05]
    return t, pts, strikes


def hide_foot(seq, side: str, start_s: float, end_s: float, visibility: float = 0.35):
    """The ``side`` foot behind furniture from ``start_s`` to ``end_s``, as the pose model shows it: the knee,
    ankle, heel and toe points carried along with the hips from where they were last seen (the model guesses
    them from the body), seen poorly. Returns a new sequence."""
    from dataclasses import replace as copy

    xy, vis = seq.xy.copy(), seq.visibility.copy()
    part = lm.SIDES[side]
    points = [part["knee"], part["ankle"], part["heel"], part["toe"]]
    inside = np.flatnonzero((seq.t >= start_s) & (seq.t <= end_s))
    if len(inside):
        first = max(inside[0] - 1, 0)
        hips = (xy[:, lm.L_HIP] + xy[:, lm.R_HIP]) / 2
        for i in inside:
            xy[i, points] = seq.xy[first, points] + (hips[i] - hips[first])
            vis[i, points] = visibility
    return copy(seq, xy=xy, visibility=vis)
