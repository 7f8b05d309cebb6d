"""Camera view (frontal / sagittal / oblique), facing direction and near-side limb (spec §0.3, §F.4-5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.pose import landmarks as lm

SAGITTAL_MAX_RATIO = 0.3  # shoulder width / trunk length below this: near-profile  [C] (spec F.4-5)
FRONTAL_MIN_RATIO = 0.6  # above this: facing or back to the camera  [C] (spec F.4-5)
# Body yaw to the camera from the world landmarks (0 = facing the camera, 90 = true profile). These match the
# spec's 2-D ratios for relaxed arms (ratio 0.3 ~ 66 deg, 0.6 ~ 37 deg, frontal ratio ~0.75) but do not shrink
# when the arms are raised overhead, which pulls the shoulder landmarks in and made front-view overhead squats
# look oblique by the 2-D ratio alone.
FRONTAL_MAX_YAW_DEG = 35.0
SAGITTAL_MIN_YAW_DEG = 65.0


@dataclass(frozen=True)
class View:
    kind: str  # "frontal" | "sagittal" | "oblique"
    width_ratio: float  # shoulder width / trunk length in standing
    yaw_deg: float  # body yaw to the camera: 0 facing it (or back to it), 90 true profile
    facing: int  # +1 subject faces image right, -1 image left (used for sagittal signs)
    near_side: str  # "left" | "right": the limb nearer the camera (sagittal/oblique)
    toward_camera: bool | None  # frontal: True facing the camera, False back to it

    @property
    def sagittal_like(self) -> bool:
        """Sagittal-plane measures can be read (true profile, or an oblique view with a caveat)."""
        return self.kind in ("sagittal", "oblique")

    def describe(self) -> str:
        if self.kind == "frontal":
            return "front view" if self.toward_camera is not False else "back view"
        direction = "right" if self.facing > 0 else "left"
        label = "side view" if self.kind == "sagittal" else "oblique view"
        return f"{label}, facing image {direction}, {self.near_side} side nearer the camera"


def _nanmedian(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else np.nan


def classify_view(xy: np.ndarray, visibility: np.ndarray, world: np.ndarray, standing: np.ndarray) -> View:
    """Classify the view from frames ``standing`` (indices) of cleaned landmarks ``xy[T, 33, 2]``."""
    s = xy[standing]
    shoulder_width = np.linalg.norm(s[:, lm.L_SHOULDER] - s[:, lm.R_SHOULDER], axis=-1)
    mid_sh = (s[:, lm.L_SHOULDER] + s[:, lm.R_SHOULDER]) / 2
    mid_hip = (s[:, lm.L_HIP] + s[:, lm.R_HIP]) / 2
    trunk = np.linalg.norm(mid_sh - mid_hip, axis=-1)
    ratio = _nanmedian(shoulder_width / trunk)
    w = world[standing]
    yaws = [np.degrees(np.arctan2(np.abs(w[:, a, 2] - w[:, b, 2]), np.abs(w[:, a, 0] - w[:, b, 0])))
            for a, b in ((lm.L_SHOULDER, lm.R_SHOULDER), (lm.L_HIP, lm.R_HIP))]
    yaw = _nanmedian(np.concatenate(yaws))
    if np.isfinite(yaw):
        kind = "frontal" if yaw < FRONTAL_MAX_YAW_DEG else ("sagittal" if yaw > SAGITTAL_MIN_YAW_DEG else "oblique")
    elif not np.isfinite(ratio):
        kind = "oblique"
    elif ratio < SAGITTAL_MAX_RATIO:
        kind = "sagittal"
    elif ratio > FRONTAL_MIN_RATIO:
        kind = "frontal"
    else:
        kind = "oblique"

    foot = np.concatenate([s[:, lm.L_TOE, 0] - s[:, lm.L_HEEL, 0], s[:, lm.R_TOE, 0] - s[:, lm.R_HEEL, 0]])
    foot_dir = _nanmedian(foot)
    head_dir = _nanmedian(s[:, lm.NOSE, 0] - (s[:, lm.L_EAR, 0] + s[:, lm.R_EAR, 0]) / 2)
    trunk_width = _nanmedian(trunk)
    if np.isfinite(foot_dir) and abs(foot_dir) > 0.05 * trunk_width:
        facing = 1 if foot_dir > 0 else -1
    else:
        facing = 1 if (np.isfinite(head_dir) and head_dir > 0) else -1

    # Near side: world z (smaller = nearer the camera) of shoulders and hips, else visibility, else geometry.
    z_left = _nanmedian(w[:, [lm.L_SHOULDER, lm.L_HIP], 2])
    z_right = _nanmedian(w[:, [lm.R_SHOULDER, lm.R_HIP], 2])
    legs = ["knee", "ankle", "heel", "toe"]
    vis_left = float(np.mean(visibility[standing][:, [lm.SIDES["left"][p] for p in legs]]))
    vis_right = float(np.mean(visibility[standing][:, [lm.SIDES["right"][p] for p in legs]]))
    if np.isfinite(z_left) and np.isfinite(z_right) and abs(z_left - z_right) > 0.03:
        near = "left" if z_left < z_right else "right"
    elif abs(vis_left - vis_right) > 0.05:
        near = "left" if vis_left > vis_right else "right"
    else:
        near = "right" if facing > 0 else "left"

    toward = None
    if kind == "frontal":
        toward = bool(_nanmedian(s[:, lm.L_SHOULDER, 0] - s[:, lm.R_SHOULDER, 0]) > 0)
    return View(kind, ratio, yaw, facing, near, toward)
