"""A 3-D stick figure with adult proportions that squats with faults of known size, seen by a pinhole camera.

No pose model: the figure's joints are projected into the picture (image landmarks) and rotated into the camera's
axes (world landmarks, as MediaPipe gives them: metres, hip-centred, x image right, y image down, z away from the
lens), then noise of the pose model's size is added to both. The result is a :class:`PoseSequence` that goes
through the same kinematics and squat code as a real clip.

Body coordinates here: X forward (where the person faces), Y to the person's left, Z up; metres; the origin is on
the floor between the ankles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import PoseSequence

FPS = 30.0
IMAGE_W, IMAGE_H = 1080, 1920  # a phone held upright
FOCAL_PX = 1500.0  # a phone's main (1x) lens at this size: about 65 deg of view vertically
AIM_HEIGHT_M = 0.9  # the camera is aimed at the middle of the body

# Adult proportions (metres), about a 1.75 m person.
SHANK, THIGH, TRUNK = 0.43, 0.43, 0.50
UPPER_ARM, FOREARM = 0.30, 0.27
ANKLE_HEIGHT, HEEL_BACK, TOE_FRONT = 0.08, 0.06, 0.17  # heel landmark behind, toe landmark ahead of the ankle
FOOT_HALF_GAP, HIP_HALF, SHOULDER_HALF = 0.14, 0.09, 0.18
STATURE_M = 1.75
FEET_TURN_OUT_DEG = 10.0


@dataclass(frozen=True)
class Squat:
    """One squat's shape at the bottom, with the faults the screen should find (sizes as the issue sets them)."""

    tibia_deg: float = 35.0  # shin forward of vertical at the bottom
    depth_cm: float = 5.0  # hip below (+) or above (-) the knee at the bottom
    trunk_extra_deg: float = 0.0  # trunk leaning this much more than the shin
    knee_in_cm: float = 0.0  # knees this far inside the line of the foot at the bottom
    arms_deg: float = 0.0  # arms this far forward of vertical at the bottom (180 = hanging down)
    arms_standing_deg: float = 0.0  # ... and in standing (0 = overhead, 180 = hanging at the sides)
    heel_lift_cm: float = 0.0  # heels this far off the floor at the bottom
    hip_shift_cm: float = 0.0  # hips and trunk this far toward the person's right at the bottom


@dataclass(frozen=True)
class Camera:
    yaw_deg: float = 90.0  # 0 in front of the person, 90 at their side (their left)
    height_m: float = 1.0  # lens height above the floor
    distance_m: float = 3.0  # horizontal distance to the person

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Camera position and its right, down and viewing axes in body coordinates."""
        yaw = np.radians(self.yaw_deg)
        position = np.array([self.distance_m * np.cos(yaw), self.distance_m * np.sin(yaw), self.height_m])
        target = np.array([0.0, 0.0, AIM_HEIGHT_M])
        view = target - position
        view /= np.linalg.norm(view)
        right = np.cross(view, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(view, right)
        return position, right, down, view


@dataclass(frozen=True)
class Noise:
    """Landmark noise of the pose model's size (docs/validation.md says how it was measured).

    Jitter is new every frame; bias is fixed per landmark for the whole clip. Image values are fractions of the
    person's height in the picture, world values metres (depth, along the camera's axis, is noisier).
    """

    image_jitter: float = 0.004
    image_bias: float = 0.003
    world_jitter: float = 0.010
    world_bias: float = 0.010
    depth_factor: float = 2.0
    extremity_factor: float = 1.5  # feet and hands jitter more than the trunk
    # The share of the trunk's tip along the camera's axis (mid-shoulder depth from the hips) the world landmarks
    # keep: the model flattens a trunk tipping toward the camera. Measured on the shared squat pairs by
    # `python bench/depth_error.py` (docs/validation.md): trunks tipped 16-25 deg seen from the side read 3-18 deg
    # from the front, keeping 0.12-0.76 of their forward offset (median 0.24; with the Tasks landmarker 0.18-0.77,
    # median 0.25). The shoulders' spread is not flattened as much: the world yaw of the side clips is within
    # 7 deg of the picture's.
    trunk_depth_keep: float = 0.24
    seed: int = 0
    extremities: tuple[int, ...] = field(default=(15, 16, 17, 18, 19, 20, 21, 22, 29, 30, 31, 32))


def phase(duration_s: float = 4.0, hold_s: float = 1.0, fps: float = FPS, reps: int = 1
          ) -> tuple[np.ndarray, np.ndarray]:
    """Time and a 0 (standing) -> 1 (bottom) -> 0 phase per repetition: 0.5 s standing, down, hold, up, 0.5 s
    standing."""
    t = np.arange(0, duration_s * reps, 1 / fps)
    if reps > 1:
        _, one = phase(duration_s, hold_s, fps)
        return t, np.resize(one, len(t))
    move = (duration_s - hold_s - 1.0) / 2
    p = np.zeros_like(t)
    down = (t >= 0.5) & (t < 0.5 + move)
    p[down] = 0.5 - 0.5 * np.cos(np.pi * (t[down] - 0.5) / move)
    p[(t >= 0.5 + move) & (t < 0.5 + move + hold_s)] = 1.0
    up = (t >= 0.5 + move + hold_s) & (t < 0.5 + 2 * move + hold_s)
    p[up] = 0.5 + 0.5 * np.cos(np.pi * (t[up] - 0.5 - move - hold_s) / move)
    return t, p


def _direction(angle_from_vertical: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """Unit vectors ``angle`` (radians) from straight up, tipped toward the horizontal direction ``toward``."""
    a = np.asarray(angle_from_vertical)[:, None]
    return np.sin(a) * toward + np.cos(a) * np.array([0.0, 0.0, 1.0])


def figure(squat: Squat, p: np.ndarray) -> np.ndarray:
    """Body-coordinate landmarks ``[T, 33, 3]`` of the squat at phases ``p``."""
    n = len(p)
    pts = np.zeros((n, lm.COUNT, 3))
    ahead = np.array([1.0, 0.0, 0.0])
    tibia = np.radians(squat.tibia_deg) * p
    trunk = np.radians(squat.tibia_deg + squat.trunk_extra_deg) * p
    # Thigh angle from vertical at the bottom puts the hip depth_cm below (or above) the knee.
    thigh_bottom = np.pi / 2 + np.arcsin(np.clip(squat.depth_cm / 100 / THIGH, -1, 1))
    thigh = thigh_bottom * p
    arms = np.radians(squat.arms_standing_deg + (squat.arms_deg - squat.arms_standing_deg) * p)
    lift = squat.heel_lift_cm / 100 * p
    hips = {}
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        turn = np.radians(FEET_TURN_OUT_DEG) * sign
        foot_dir = np.array([np.cos(turn), np.sin(turn), 0.0])
        ankle0 = np.array([0.0, sign * FOOT_HALF_GAP, 0.0])
        toe = ankle0 + TOE_FRONT * foot_dir + [0, 0, 0.02]
        # The foot pivots about the toe: the heel lifts by `lift`, the ankle by its share of the foot length.
        share = TOE_FRONT / (TOE_FRONT + HEEL_BACK)
        ankle = ankle0 + np.outer(share * lift, [0, 0, 1]) + [0, 0, ANKLE_HEIGHT]
        heel = ankle0 - HEEL_BACK * foot_dir + np.outer(lift, [0, 0, 1]) + [0, 0, 0.02]
        # A clean squat's knee travels forward over the foot and ends over the toes (the FMS and NASM ideal);
        # knees in moves it toward the midline from there.
        knee = ankle + SHANK * _direction(tibia, ahead)
        knee[:, 1] = ankle0[1] + p * (toe[1] - ankle0[1]) - sign * squat.knee_in_cm / 100 * p
        hip = knee + THIGH * _direction(thigh, -ahead)
        hip[:, 1] = sign * HIP_HALF
        hips[side] = hip
        pts[:, part["ankle"]] = ankle
        pts[:, part["heel"]] = np.broadcast_to(heel, (n, 3))
        pts[:, part["toe"]] = toe
        pts[:, part["knee"]] = knee
        pts[:, part["hip"]] = hip
    shift = np.outer(squat.hip_shift_cm / 100 * p, [0.0, -1.0, 0.0])
    for side in ("left", "right"):
        pts[:, lm.SIDES[side]["hip"]] += shift
        hips[side] = hips[side] + shift
    mid_hip = (hips["left"] + hips["right"]) / 2
    mid_shoulder = mid_hip + TRUNK * _direction(trunk, ahead)
    arm_dir = _direction(arms, ahead)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        part = lm.SIDES[side]
        shoulder = mid_shoulder + [0, sign * SHOULDER_HALF, 0]
        elbow = shoulder + UPPER_ARM * arm_dir
        wrist = elbow + FOREARM * arm_dir
        pts[:, part["shoulder"]] = shoulder
        pts[:, part["elbow"]] = elbow
        pts[:, part["wrist"]] = wrist
        for extra, offset in ((17, 0.08), (19, 0.09), (21, 0.05)):  # pinky, index, thumb just past the wrist
            pts[:, extra + (0 if side == "left" else 1)] = wrist + offset * arm_dir
        pts[:, part["ear"]] = mid_shoulder + 0.22 * _direction(trunk, ahead) + [0, sign * 0.07, 0] - 0.02 * ahead
    head = mid_shoulder + 0.25 * _direction(trunk, ahead)
    pts[:, lm.NOSE] = head + 0.10 * ahead
    for i, side_sign in ((1, 1), (2, 1), (3, 1), (4, -1), (5, -1), (6, -1)):  # eyes
        pts[:, i] = head + 0.08 * ahead + [0, side_sign * 0.03, 0.03]
    pts[:, 9] = head + 0.09 * ahead + [0, 0.025, -0.05]
    pts[:, 10] = head + 0.09 * ahead + [0, -0.025, -0.05]
    return pts


def film(points: np.ndarray, t: np.ndarray, camera: Camera, noise: Noise | None = Noise(),
         size: tuple[int, int] = (IMAGE_W, IMAGE_H)) -> PoseSequence:
    """What the pose model would give for body-coordinate ``points[T, 33, 3]`` seen by ``camera``."""
    width, height = size
    position, right, down, view = camera.axes()
    rel = points - position
    depth = rel @ view
    xy = np.stack([width / 2 + FOCAL_PX * (rel @ right) / depth,
                   height / 2 + FOCAL_PX * (rel @ down) / depth], axis=-1)
    mid_hip = (points[:, lm.L_HIP] + points[:, lm.R_HIP]) / 2
    centred = points - mid_hip[:, None]
    world = np.stack([centred @ right, centred @ down, centred @ view], axis=-1)
    if noise is not None:
        # The trunk's tip along the camera's axis (from where it stood in the first frame) is flattened; the
        # shoulders' spread (and so the yaw) and an upright trunk seen by a camera looking down are not.
        tip = (world[:, lm.L_SHOULDER, 2] + world[:, lm.R_SHOULDER, 2]) / 2
        world[:, :lm.L_ELBOW, 2] -= (1 - noise.trunk_depth_keep) * (tip - tip[0])[:, None]
        rng = np.random.default_rng(noise.seed)
        # The model's error grows with the person's size in the picture: their standing height at their current
        # distance (it changes as they walk toward the camera, but not as they crouch).
        hip_depth = ((points[:, lm.L_HIP] + points[:, lm.R_HIP]) / 2 - position) @ view
        height_px = (FOCAL_PX * STATURE_M / hip_depth)[:, None, None]
        scale = np.ones(lm.COUNT)
        scale[list(noise.extremities)] = noise.extremity_factor
        shape = xy.shape
        xy = xy + height_px * scale[None, :, None] * (
            noise.image_jitter * rng.standard_normal(shape) + noise.image_bias * rng.standard_normal(shape[1:]))
        axis = np.array([1.0, 1.0, noise.depth_factor])
        world = world + scale[None, :, None] * axis * (
            noise.world_jitter * rng.standard_normal(world.shape)
            + noise.world_bias * rng.standard_normal(world.shape[1:]))
    visibility = np.full(xy.shape[:2], 0.99)
    return PoseSequence(xy, visibility, world, t, np.arange(len(t)), width, height, FPS)


def squat_clip(squat: Squat = Squat(), camera: Camera = Camera(), noise: Noise | None = Noise(),
               hold_s: float = 1.0, reps: int = 1) -> PoseSequence:
    """Squats with ``squat``'s faults, filmed by ``camera``."""
    t, p = phase(hold_s=hold_s, reps=reps)
    return film(figure(squat, p), t, camera, noise)


def knee_between(hip: np.ndarray, ankle: np.ndarray, bend_toward: np.ndarray) -> np.ndarray:
    """Knee of a two-link leg (thigh, shank) from hip to ankle, bending toward ``bend_toward``."""
    span = ankle - hip
    d = np.clip(np.linalg.norm(span, axis=-1, keepdims=True), 1e-6, THIGH + SHANK - 1e-6)
    along = span / d
    a = (THIGH ** 2 - SHANK ** 2 + d ** 2) / (2 * d)
    side = bend_toward - np.sum(bend_toward * along, axis=-1, keepdims=True) * along
    side = side / np.linalg.norm(side, axis=-1, keepdims=True)
    return hip + a * along + np.sqrt(np.clip(THIGH ** 2 - a ** 2, 0, None)) * side


def lunge(depth_m: float = 0.40, split_m: float = 0.85, duration_s: float = 4.0, hold_s: float = 1.0
          ) -> tuple[np.ndarray, np.ndarray]:
    """Time and body-coordinate landmarks of a lunge from a split stance (left foot ahead), hips sinking
    ``depth_m``, arms hanging at the sides."""
    t, p = phase(duration_s, hold_s)
    n = len(t)
    pts = figure(Squat(arms_deg=180.0, arms_standing_deg=180.0), np.zeros(n))  # upright, arms down
    ahead, up = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    upright_hip = ANKLE_HEIGHT + SHANK + THIGH
    split_hip = ANKLE_HEIGHT + np.sqrt((SHANK + THIGH - 0.02) ** 2 - (split_m / 2) ** 2)
    mid_hip = np.outer(split_hip - depth_m * p, up)
    for side, sign, foot_x in (("left", 1.0, split_m / 2), ("right", -1.0, -split_m / 2)):
        part = lm.SIDES[side]
        hip = mid_hip + [0.0, sign * HIP_HALF, 0.0]
        if sign > 0:  # front foot flat
            ankle = np.broadcast_to([foot_x, 0.10, ANKLE_HEIGHT], (n, 3)).copy()
            heel, toe = ankle + [-HEEL_BACK, 0, -0.06], ankle + [TOE_FRONT, 0, -0.06]
            knee = knee_between(hip, ankle, np.broadcast_to(ahead, (n, 3)))
        else:  # rear foot on the ball, heel up
            toe = np.broadcast_to([foot_x, -0.10, 0.02], (n, 3)).copy()
            ankle = toe + [-0.14, 0, 0.10]
            heel = ankle + [-0.05, 0, -0.02]
            knee = knee_between(hip, ankle, np.broadcast_to(ahead - 0.3 * up, (n, 3)))
        for name, value in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel), ("toe", toe)):
            pts[:, part[name]] = value
    # Head, trunk and arms (landmarks 0-22) ride down with the hips.
    pts[:, :23] += (mid_hip - upright_hip * up)[:, None, :]
    return t, pts
