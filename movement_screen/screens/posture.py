"""Standing posture: about 5 s of quiet standing, from the front and / or the side (spec §D.2).

Pure computation on :class:`Kinematics`; no file or model access. Each measure is the median over the quiet part
of the clip. From the front (or back): shoulders and pelvis (hip points) level, head tilt, the trunk shifted or
the body leaning to one side. From the side: the head ahead of the shoulders (a proxy: the craniovertebral angle
needs C7, which is not a pose landmark), the trunk leaning forward or back, the hips ahead of the ankles (sway),
knees pushed back (hyperextension). Side-view forward offsets are stretched back by 1 / sin(yaw) for a camera a
little off the side. What landmarks cannot show (spinal curves, pelvic tilt) is ``not_assessed`` with the
reason. Every cut-off is a convention (``posture.toml``): findings are descriptive, not diagnoses.
"""

from __future__ import annotations

import numpy as np

from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding
from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.filters import runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, outside_views

TITLES = {
    "shoulder_level": "Shoulders level",
    "pelvis_level": "Pelvis level (hip points)",
    "head_tilt": "Head upright, not tilted to one side",
    "trunk_lateral_shift": "Trunk centred over the pelvis",
    "side_lean": "Trunk not leaning to one side over the feet",
    "head_forward": "Head over the shoulders (forward-head proxy)",
    "trunk_lean_standing": "Trunk upright from the side",
    "hips_forward": "Hips over the ankles (no sway)",
    "knee_hyperextension": "Knees not pushed back (hyperextension)",
    "spinal_curves": "Spinal curves (kyphosis, lordosis)",
    "pelvic_tilt": "Pelvic tilt (anterior or posterior)",
}
FRONT_IDS = ("shoulder_level", "pelvis_level", "head_tilt", "trunk_lateral_shift", "side_lean")
SIDE_IDS = ("head_forward", "trunk_lean_standing", "hips_forward", "knee_hyperextension")
UNMEASURABLE = {
    "spinal_curves": "2-D pose has no spinal landmarks between the shoulders and the hips: thoracic kyphosis and "
    "lumbar lordosis cannot be measured",
    "pelvic_tilt": "the pelvis has one hip landmark per side (not the ASIS or PSIS): anterior or posterior pelvic "
    "tilt is not observable",
}


def _na(cid: str, reason: str, view: str, source: int) -> Criterion:
    return Criterion(cid, TITLES[cid], "not_assessed", reason=reason, view=view, group="posture", source=source)


def quiet_samples(kin: Kinematics) -> np.ndarray:
    """The longest stretch in which the hips and shoulders stay still (quiet standing)."""
    cfg = load("posture")["quiet"]
    half = max(1, int(round(0.25 * kin.fs)))  # speed over half a second: the model's frame-to-frame jitter averages out

    def speed(p: np.ndarray) -> np.ndarray:
        out = np.full(len(p), np.nan)
        out[half:-half] = np.linalg.norm(p[2 * half:] - p[:-2 * half], axis=1) / (2 * half)
        return out

    fastest = np.fmax(speed(kin.mid_hip), speed(kin.mid_shoulder))
    still = np.isfinite(fastest) & (fastest * kin.fs / kin.lengths.stature < cfg["max_speed_statures_s"])
    stretches = list(runs(still))
    if not stretches:
        return np.array([], int)
    a, b = max(stretches, key=lambda r: r[1] - r[0])
    return np.arange(a, b)


def _median(series: np.ndarray, samples: np.ndarray) -> float:
    values = series[samples]
    values = values[np.isfinite(values)]
    return float(np.median(values)) if len(values) else np.nan


class _Judge:
    def __init__(self, kin: Kinematics, quiet: np.ndarray, source: int):
        self.kin, self.quiet, self.source = kin, quiet, source
        self.cfg = load("posture")
        self.view = kin.view.kind
        self.yaw = kin.view.yaw_deg
        self.time = float(np.median(kin.t[quiet]))
        self.frame = int(kin.frame[quiet[len(quiet) // 2]])
        self.metrics: dict[str, float] = {}
        # Image +x is the person's left when they face the camera, their right from behind.
        self.left_is_right_of_picture = kin.view.toward_camera is not False

    def crit(self, cid: str, value: float, unit: str, reason: str) -> Criterion:
        c = self.cfg[cid]
        state = banded(abs(value), c["pass_max"], c["fail_above"])
        return Criterion(cid, TITLES[cid], state, float(value), f"|value| <= {c['pass_max']:g} pass, > "
                         f"{c['fail_above']:g} fail", unit, self.time, self.view, reason, "posture",
                         float(c["pass_max"] - abs(value)), c["label"], self.source, self.frame)

    def unmeasurable(self, cid: str) -> str | None:
        return outside_views(self.cfg["views"][cid], self.yaw)

    def median(self, series: np.ndarray) -> float:
        return _median(series, self.quiet)

    def side_word(self, picture_right: bool) -> str:
        """The person's side lying toward the picture's right (True) or left (False)."""
        return "left" if picture_right == self.left_is_right_of_picture else "right"

    # -- from the front ----------------------------------------------------------------------------------------
    def level(self, cid: str, part: str, what: str) -> Criterion:
        """A left-right pair's line against the picture's horizontal, and the side that is lower."""
        left, right = self.kin.side("left", part), self.kin.side("right", part)
        drop = self.median(left[:, 1] - right[:, 1])  # + = the left one lower (picture y grows down)
        width = self.median(np.abs(left[:, 0] - right[:, 0]))
        angle = float(np.degrees(np.arctan2(abs(drop), width))) if width > 0 else np.nan
        lower = "left" if drop > 0 else "right"
        self.metrics[f"{cid}_deg"] = angle
        self.metrics[f"{cid}_lower_side_is_left"] = float(drop > 0)
        return self.crit(cid, angle, "deg", f"The {what} line is {angle:.1f} deg from level, the {lower} one lower "
                         "(median over quiet standing; the camera must be level: see the quality checks).")

    def shift(self) -> Criterion:
        kin = self.kin
        dx = self.median(kin.mid_shoulder[:, 0] - kin.mid_hip[:, 0]) / kin.lengths.shoulder_width
        side = self.side_word(dx > 0)
        self.metrics["trunk_lateral_shift_shoulder_widths"] = dx
        return self.crit("trunk_lateral_shift", dx, "shoulder widths",
                         f"The middle of the shoulders is {abs(dx):.2f} shoulder widths toward the person's {side} of "
                         "the middle of the hips.")

    def lean(self) -> Criterion:
        kin = self.kin
        dx = kin.mid_shoulder[:, 0] - kin.mid_ankle[:, 0]
        dy = kin.mid_ankle[:, 1] - kin.mid_shoulder[:, 1]
        angle = self.median(np.degrees(np.arctan2(dx, dy)))
        side = self.side_word(angle > 0)
        self.metrics["side_lean_deg"] = angle
        return self.crit("side_lean", angle, "deg",
                         "The line from the middle of the ankles to the middle of the shoulders leans "
                         f"{abs(angle):.1f} deg toward the person's {side}.")

    # -- from the side -----------------------------------------------------------------------------------------
    def forward(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Inclination of lower->upper forward of vertical (deg), stretched back for a camera off the side."""
        return geo.inclination_off_side(lower, upper, self.kin.view.facing, self.yaw)

    def head(self) -> Criterion:
        kin = self.kin
        ears = kin.mid(lm.SIDES["left"]["ear"], lm.SIDES["right"]["ear"])
        ahead = kin.view.facing * (ears[:, 0] - kin.mid_shoulder[:, 0]) / np.sin(np.radians(self.yaw))
        value = self.median(ahead) / kin.lengths.trunk
        rise = self.median(kin.mid_shoulder[:, 1] - ears[:, 1])
        proxy = float(np.degrees(np.arctan2(rise, self.median(ahead))))
        self.metrics.update(head_forward_trunk_lengths=value, ear_shoulder_angle_deg=proxy)
        where = "ahead of" if value > 0 else "behind"
        return self.crit("head_forward", value, "trunk lengths",
                         f"The ears are {abs(value):.2f} trunk lengths {where} the shoulders; the ear-shoulder line is "
                         f"{proxy:.0f} deg above horizontal (a proxy only: the craniovertebral angle needs C7, which "
                         "pose landmarks do not have, so its 48-50 deg cut-offs do not apply).")

    def trunk(self) -> Criterion:
        kin = self.kin
        angle = self.median(self.forward(kin.mid_hip, kin.mid_shoulder))
        self.metrics["trunk_lean_standing_deg"] = angle
        way = "forward" if angle > 0 else "back"
        return self.crit("trunk_lean_standing", angle, "deg",
                         f"The trunk (hips to shoulders) leans {abs(angle):.1f} deg {way} of vertical.")

    def hips(self) -> Criterion:
        kin = self.kin
        angle = self.median(self.forward(kin.mid_ankle, kin.mid_hip))
        self.metrics["hips_forward_deg"] = angle
        way = "ahead of" if angle > 0 else "behind"
        c = self.cfg["hips_forward"]
        state = banded(max(angle, 0.0), c["pass_max"], c["fail_above"])
        return Criterion("hips_forward", TITLES["hips_forward"], state, float(angle),
                         f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg", self.time, self.view,
                         f"The hips are {abs(angle):.1f} deg {way} the ankles (the ankle-to-hip line from vertical).",
                         "posture", float(c["pass_max"] - angle), c["label"], self.source, self.frame)

    def knees(self) -> Criterion:
        """The near knee's place against its hip-ankle line: behind it = hyperextended."""
        kin, c = self.kin, self.cfg["knee_hyperextension"]
        side = kin.view.near_side
        hip, knee, ankle = (kin.side(side, part) for part in ("hip", "knee", "ankle"))
        thigh = self.forward(knee, hip)  # the thigh's lean forward of vertical, from the knee up
        shank = self.forward(ankle, knee)
        bend = self.median(shank - thigh)  # + = knee ahead of the hip-ankle line (flexed), - = pushed back
        back = max(-bend, 0.0)
        self.metrics.update(knee_angle_from_straight_deg=bend)
        state = banded(back, c["pass_max"], c["fail_above"])
        note = (f" The knee is bent {bend:.0f} deg: standing with bent knees is reported, not judged here."
                if bend > c["flexed_above"] else "")
        where = f"{back:.1f} deg behind" if back > 0 else f"{bend:.1f} deg ahead of"
        return Criterion("knee_hyperextension", TITLES["knee_hyperextension"], state, float(back),
                         f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg", self.time, self.view,
                         f"The {side} knee (nearer the camera) sits {where} the line from hip to ankle.{note}",
                         "posture", float(c["pass_max"] - back), c["label"], self.source, self.frame)


def judge_view(kin: Kinematics, source: int = 0) -> ViewScreen:
    """The posture criteria of one view of quiet standing; those the view cannot measure are ``not_assessed``."""
    cfg = load("posture")["quiet"]
    quiet = quiet_samples(kin)
    view = kin.view.kind
    found: dict[str, Criterion] = {}
    metrics: dict[str, float] = {"quiet_standing_s": float(len(quiet) / kin.fs)}
    if len(quiet) / kin.fs < cfg["min_seconds"]:
        why = (f"quiet standing was {len(quiet) / kin.fs:.1f} s (at least {cfg['min_seconds']:g} s are needed): stand "
               "still, arms relaxed at the sides, for about 5 s")
        found = {cid: _na(cid, why, view, source) for cid in FRONT_IDS + SIDE_IDS}
    else:
        judge = _Judge(kin, quiet, source)
        measures = {"shoulder_level": lambda: judge.level("shoulder_level", "shoulder", "shoulder"),
                    "pelvis_level": lambda: judge.level("pelvis_level", "hip", "hip (pelvis)"),
                    "head_tilt": lambda: judge.level("head_tilt", "ear", "ear-to-ear"),
                    "trunk_lateral_shift": judge.shift, "side_lean": judge.lean,
                    "head_forward": judge.head, "trunk_lean_standing": judge.trunk, "hips_forward": judge.hips,
                    "knee_hyperextension": judge.knees}
        for cid, measure in measures.items():
            why = judge.unmeasurable(cid)
            found[cid] = _na(cid, why, view, source) if why else measure()
        metrics.update(judge.metrics)
    for cid, reason in UNMEASURABLE.items():
        found[cid] = _na(cid, reason, view, source)
    return ViewScreen(source, view, [], [], None, metrics, [], criteria_any=[found[cid] for cid in TITLES])


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    return common.merge_views(views, lambda: [_na(cid, "no standing was found", "", 0) for cid in TITLES])


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    return common.findings_from(criteria)
