"""Standing forward bend (toe-touch) and return: bends, straight knees, reach, return pattern (spec §B, §F).

Pure computation on :class:`Kinematics`; no file or model access. A side (or oblique) view gives the trunk, hip
and knee angles, the fingertip height and the return pattern; a front or back view gives the sideways shift.
What 2-D landmarks cannot show (lumbar versus hip share, lumbar curve, pelvic tilt) is reported
``not_assessed`` with that reason.
"""

from __future__ import annotations

import numpy as np

from movement_screen.kinematics.filters import find_peaks, runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, window_mean
from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding, Repetition

TITLES = {
    "knees_straight": "Knees stay straight",
    "reaches_floor": "Fingertips reach the floor",
    "full_return": "Returns fully upright",
    "lateral_shift": "No sideways shift of the trunk",
    "smooth_descent": "Descent without hesitation or catch",
    "smooth_return": "Smooth return to upright",
    "thigh_climbing": "No hands pushing on the thighs (Gowers' sign)",
    "return_knee_bend": "No knee bend and hip thrust to come up",
    "asymmetric_return": "Return follows the same path as the descent",
    "lumbopelvic_rhythm": "Lumbar versus hip share of the bend",
    "lumbar_curve": "Lumbar curve (rounding or lordosis)",
    "pelvic_tilt": "Pelvic tilt",
}
MAIN_IDS = ("knees_straight", "reaches_floor", "full_return", "lateral_shift")
ABERRANT_IDS = ("smooth_descent", "smooth_return", "thigh_climbing", "return_knee_bend", "asymmetric_return")
UNMEASURABLE = {
    "lumbopelvic_rhythm": "MediaPipe has no sacrum, PSIS or T12 landmarks, so lumbar and hip contributions cannot "
    "be separated: the 'hip angle' mixes both",
    "lumbar_curve": "2-D pose has no spinal landmarks: lumbar rounding or lordosis cannot be measured",
    "pelvic_tilt": "the pelvis has only one hip landmark per side in 2-D pose: pelvic tilt is not observable",
}
SIDE_VIEW_IDS = {"knees_straight", "smooth_descent", "smooth_return", "thigh_climbing", "return_knee_bend"}
FRONT_VIEW_IDS = {"lateral_shift", "asymmetric_return"}


def _group(cid: str) -> str:
    return "bend" if cid in MAIN_IDS else ("aberrant" if cid in ABERRANT_IDS else "limits")


def _na(cid: str, reason: str, view: str, source: int) -> Criterion:
    return Criterion(cid, TITLES[cid], "not_assessed", reason=reason, view=view, group=_group(cid), source=source)


def trunk_flexion(kin: Kinematics) -> np.ndarray:
    """Trunk angle from vertical in degrees (0 upright, 90 horizontal, > 90 shoulders below the hips).

    Side view: the trunk's inclination. Front or back view: from the trunk's foreshortening, since bending toward
    or away from the camera shortens the hip-to-shoulder line in the image.
    """
    if kin.view.sagittal_like:
        return kin.angles["trunk_inclination_deg"]
    rise = (kin.mid_hip[:, 1] - kin.mid_shoulder[:, 1]) / kin.lengths.trunk
    return np.degrees(np.arccos(np.clip(rise, -1.0, 1.0)))


def fingertip_height(kin: Kinematics) -> np.ndarray:
    """Height of the lower hand's fingertip (MediaPipe 'index' point) above the floor, in statures.

    The floor is the median height of heels and toes while standing.
    """
    feet = [lm.L_HEEL, lm.R_HEEL, lm.L_TOE, lm.R_TOE]
    floor = np.nanmedian(kin.xy[kin.standing][:, feet, 1])
    lower_hand = np.fmax(kin.xy[:, lm.L_INDEX, 1], kin.xy[:, lm.R_INDEX, 1])
    return (floor - lower_hand) / kin.lengths.stature


def find_bends(kin: Kinematics, source: int = 0) -> tuple[list[Repetition], list[int]]:
    """Bends from the trunk-flexion signal: upright, descent, lowest point, return, upright.

    A clip that starts part-way down (or ends before the person is upright again) still yields the bend; its
    descent (or return) time is then unknown.
    """
    cfg = load("bend")["segmentation"]
    flex = trunk_flexion(kin)
    filled = np.where(np.isfinite(flex), flex, 0.0)
    padded = np.concatenate([[0.0], filled, [0.0]])  # lets a clip that starts or ends bent show its peak
    peaks, _ = find_peaks(padded, height=cfg["min_peak_deg"], prominence=cfg["min_prominence_deg"],
                          distance=max(1, int(cfg["min_separation_s"] * kin.fs)))
    reps, lows = [], []
    for peak in peaks - 1:
        peak = int(np.clip(peak, 0, len(filled) - 1))
        upright = filled < cfg["upright_max_deg"]
        before = np.flatnonzero(upright[:peak])
        after = np.flatnonzero(upright[peak:])
        start = int(before[-1]) if len(before) else 0
        end = int(peak + after[0]) if len(after) else len(filled) - 1
        if reps and start < kin.sample_at(reps[-1].end_s):
            continue  # still inside the previous bend
        deep = np.flatnonzero(filled[start:end + 1] >= filled[peak] - 5.0)
        hold = (deep[-1] - deep[0]) / kin.fs if len(deep) else 0.0
        reps.append(Repetition(len(reps) + 1, float(kin.t[start]), float(kin.t[peak]), float(kin.t[end]), source,
                               int(kin.frame[peak]), None, float(hold),
                               started_upright=bool(len(before)), ended_upright=bool(len(after))))
        lows.append(peak)
    return reps, lows


def _phase_problems(flex: np.ndarray, fs: float, i_from: int, i_to: int, direction: int, cfg: dict) -> list[str]:
    """Hesitations and catches of the trunk between two samples; ``direction`` +1 descending, -1 returning."""
    seg = flex[i_from:i_to + 1]
    if len(seg) < 5 or not np.isfinite(seg).all():
        return []
    speed = direction * np.gradient(seg) * fs
    low, high = np.nanmin(seg), np.nanmax(seg)
    lo_frac, hi_frac = cfg["mid_range"]
    mid = (seg >= low + lo_frac * (high - low)) & (seg <= low + hi_frac * (high - low))
    problems = []
    peak_speed = np.nanmax(speed)
    if peak_speed <= 0:
        return problems
    for a, b in runs(mid & (speed < 0)):
        moved = abs(seg[b - 1] - seg[max(a - 1, 0)])
        if moved >= cfg["reversal_min_deg"]:
            problems.append(f"the trunk moved back {moved:.0f} deg (a catch)")
    for a, b in runs(mid & (speed < cfg["hesitation_drop"] * peak_speed)):
        if (b - a) / fs >= cfg["hesitation_min_s"]:
            problems.append(f"the trunk slowed below {cfg['hesitation_drop']:.0%} of its peak speed for "
                            f"{(b - a) / fs:.1f} s in mid-range (a hesitation)")
    return problems


class _Judge:
    """Criteria of one bend of one view."""

    def __init__(self, kin: Kinematics, rep: Repetition, low: int, source: int, height_cm: float | None):
        self.kin, self.rep, self.low, self.source, self.height_cm = kin, rep, low, source, height_cm
        self.cfg = load("bend")
        self.view = kin.view.kind
        self.start, self.end = kin.sample_at(rep.start_s), kin.sample_at(rep.end_s)
        self.flex = trunk_flexion(kin)
        self.caveat = (" Oblique view: angles are foreshortened, read with care." if self.view == "oblique" else "")
        self.metrics: dict[str, float] = {}

    def crit(self, cid: str, state: str, value: float | None, threshold: str | None, unit: str | None, reason: str,
             margin: float | None, evidence: str, sample: int | None = None) -> Criterion:
        sample = self.low if sample is None else sample
        return Criterion(cid, TITLES[cid], state, None if value is None else float(value), threshold, unit,
                         float(self.kin.t[sample]), self.view, reason + self.caveat, _group(cid),
                         None if margin is None else float(margin), evidence, self.source,
                         int(self.kin.frame[sample]))

    def span(self) -> slice:
        return slice(self.start, self.end + 1)

    def any_view(self) -> list[Criterion]:
        kin, cfg = self.kin, self.cfg
        half = int(cfg["segmentation"]["lowest_window_frames"])
        deepest = window_mean(self.flex, self.low, half)
        self.metrics.update(max_trunk_inclination_deg=deepest, bend_hold_s=self.rep.hold_s or 0.0,
                            descent_time_s=(self.rep.bottom_s - self.rep.start_s) if self.rep.started_upright
                            else np.nan,
                            return_time_s=(self.rep.end_s - self.rep.bottom_s) if self.rep.ended_upright else np.nan)
        out = []
        upright = cfg["segmentation"]["upright_max_deg"]
        after = self.flex[self.end:self.end + int(kin.fs) + 1]
        end_angle = float(np.nanmin(after)) if np.isfinite(after).any() else float(self.flex[self.end])
        if self.rep.ended_upright:
            out.append(self.crit("full_return", "pass", end_angle, f"trunk back within {upright:g} deg of vertical",
                                 "deg", f"Back upright (trunk {end_angle:.0f} deg from vertical) "
                                 f"{self.metrics['return_time_s']:.1f} s after the lowest point.",
                                 upright - end_angle, cfg["full_return"]["label"], self.end))
        else:
            out.append(self.crit("full_return", "fail", end_angle, f"trunk back within {upright:g} deg of vertical",
                                 "deg", f"The clip ends with the trunk still {end_angle:.0f} deg from vertical: "
                                 "film the whole return to standing.", upright - end_angle,
                                 cfg["full_return"]["label"], self.end))

        # Fingertip (MediaPipe 'index' point) height above the floor at the lowest point.
        c = cfg["reaches_floor"]
        height = fingertip_height(kin)[max(0, self.low - half): self.low + half + 1]
        gap = max(0.0, float(np.nanmin(height)))
        self.metrics["fingertip_floor_stature"] = gap
        in_cm = ""
        if self.height_cm:
            self.metrics["fingertip_floor_cm"] = gap * self.height_cm
            in_cm = f" (about {gap * self.height_cm:.0f} cm)"
        state = banded(gap, c["pass_max"], c["fail_above"])
        reach = "reach the floor" if state == "pass" else f"stop {gap:.2f} statures above the floor{in_cm}"
        out.append(self.crit("reaches_floor", state, gap, f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail",
                             "statures", f"At the lowest point the fingertips {reach} (hand landmark, coarse).",
                             c["pass_max"] - gap, c["label"]))
        return out

    def sagittal(self) -> list[Criterion]:
        kin, cfg, near = self.kin, self.cfg, self.kin.view.near_side
        span = self.span()
        knee = kin.angles[f"knee_flexion_{near}_deg"]
        hip = kin.angles[f"hip_flexion_{near}_deg"]
        max_knee = float(np.nanmax(knee[span]))
        knee_at = self.start + int(np.nanargmax(knee[span]))
        self.metrics.update(max_knee_flexion_deg=max_knee, max_hip_flexion_deg=float(np.nanmax(hip[span])))
        out = []
        c = cfg["knees_straight"]
        out.append(self.crit("knees_straight", banded(max_knee, c["pass_max"], c["fail_above"]), max_knee,
                             f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg",
                             f"The {near} knee bent up to {max_knee:.0f} deg during the bend.",
                             c["pass_max"] - max_knee, c["label"], knee_at))

        smooth = cfg["smooth_movement"]
        if self.rep.started_upright:
            problems = _phase_problems(self.flex, kin.fs, self.start, self.low, +1, smooth)
            out.append(self.crit("smooth_descent", "borderline" if problems else "pass", len(problems),
                                 "no hesitation or catch", "events", "Descent: " + ("; ".join(problems) if problems
                                                                                   else "smooth.") + "",
                                 -len(problems), smooth["label"], self.start))
        else:
            out.append(_na("smooth_descent", "the clip starts part-way down", self.view, self.source))

        return_problems = _phase_problems(self.flex, kin.fs, self.low, self.end, -1, smooth)
        climbing = self._thigh_climbing()
        knee_bend = self._return_knee_bend()
        out.append(climbing)
        out.append(knee_bend)
        reasons = list(return_problems)
        if climbing.state == "fail":
            reasons.append("the hands pushed on the thighs")
        if knee_bend.state == "fail":
            reasons.append("the knees bent and the hips pushed forward to come up")
        if not self.rep.ended_upright:
            out.append(_na("smooth_return", "the clip ends before the person is upright again", self.view,
                           self.source))
        else:
            state = "fail" if (climbing.state == "fail" or knee_bend.state == "fail") else (
                "borderline" if return_problems else "pass")
            out.append(self.crit("smooth_return", state, len(reasons), "no catch, hesitation, thigh climbing or "
                                 "knee-bend reversal", "events",
                                 "Return: " + ("; ".join(reasons) if reasons else "smooth, no aberrant pattern seen.")
                                 + " Ask whether it hurt part-way (painful arc).", -len(reasons), smooth["label"],
                                 self.end))
        return out

    def _thigh_climbing(self) -> Criterion:
        kin, c, near = self.kin, self.cfg["thigh_climbing"], self.kin.view.near_side
        knee, hip = kin.side(near, "knee"), kin.side(near, "hip")
        hand = kin.side(near, "index")
        axis = hip - knee
        length = np.linalg.norm(axis, axis=-1)
        along = np.einsum("ij,ij->i", hand - knee, axis) / np.maximum(length, 1e-6) ** 2
        rel = hand - knee
        cross = axis[:, 0] * rel[:, 1] - axis[:, 1] * rel[:, 0]
        across = np.abs(cross) / np.maximum(length, 1e-6) / kin.lengths.thigh
        phase = np.zeros(len(kin.t), bool)
        phase[self.low:self.end + 1] = True
        contact = phase & (across < c["near_thigh"]) & (along >= 0) & (along <= 1) & (
            self.flex >= c["min_trunk_deg"])
        travel = 0.0
        when = self.low
        for a, b in runs(contact):
            if (b - a) / kin.fs >= c["min_s"]:
                moved = float(along[b - 1] - along[a])
                if moved > travel:
                    travel, when = moved, a
        state = "fail" if travel >= c["min_travel"] else "pass"
        reason = (f"The {near} hand slid {travel:.2f} thigh lengths up the thigh while the trunk was still bent."
                  if state == "fail" else "The hands did not push up along the thighs on the way up.")
        return self.crit("thigh_climbing", state, travel, f"hand sliding up the thigh < {c['min_travel']:g}",
                         "thigh lengths", reason, c["min_travel"] - travel, c["label"], when)

    def _return_knee_bend(self) -> Criterion:
        kin, c, near = self.kin, self.cfg["return_knee_bend"], self.kin.view.near_side
        knee = kin.angles[f"knee_flexion_{near}_deg"]
        part = knee[self.low:self.end + 1]
        if not np.isfinite(part).any():
            return _na("return_knee_bend", f"the {near} knee was not seen during the return", self.view, self.source)
        peak = self.low + int(np.nanargmax(part))
        rise = float(knee[peak] - knee[self.low])
        forward = kin.view.facing * (kin.mid_hip[peak, 0] - kin.mid_hip[self.low, 0]) / kin.lengths.leg
        flagged = rise > c["knee_rise_deg"] and forward > c["hip_forward_leg"]
        reason = (f"On the way up the {near} knee bent {rise:.0f} deg more and the hips moved {forward:.2f} leg "
                  "lengths forward (reversal of the lumbopelvic rhythm)." if flagged else
                  f"On the way up the {near} knee bent {max(rise, 0):.0f} deg more than at the lowest point.")
        return self.crit("return_knee_bend", "fail" if flagged else "pass", rise,
                         f"knee flexion rise <= {c['knee_rise_deg']:g} deg (or no hip thrust)", "deg", reason,
                         c["knee_rise_deg"] - rise, c["label"], peak)

    def frontal(self) -> list[Criterion]:
        kin, cfg = self.kin, self.cfg
        width = kin.lengths.shoulder_width
        offset = kin.mid_shoulder[:, 0] - kin.mid_hip[:, 0]
        shift = (offset - np.nanmedian(offset[kin.standing])) / width
        span = self.span()
        peak_at = self.start + int(np.nanargmax(np.abs(shift[span])))
        peak = float(shift[peak_at])
        side = self._side_word(peak)
        c = cfg["lateral_shift"]
        out = [self.crit("lateral_shift", banded(abs(peak), c["pass_max"], c["fail_above"]), abs(peak),
                         f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "shoulder widths",
                         f"The shoulders moved {abs(peak):.2f} shoulder widths to the person's {side} of the hips "
                         f"at {kin.t[peak_at]:.2f} s.", c["pass_max"] - abs(peak), c["label"], peak_at)]
        self.metrics["max_lateral_shift_shoulder_widths"] = abs(peak)

        c = cfg["asymmetric_return"]
        if not (self.rep.started_upright and self.rep.ended_upright):
            out.append(_na("asymmetric_return", "needs the whole descent and return in the clip", self.view,
                           self.source))
            return out
        top = float(self.flex[self.low]) - 5.0
        levels = np.linspace(cfg["segmentation"]["upright_max_deg"], top, 8) if top > 25 else np.array([])
        diffs = []
        for level in levels:
            down = np.flatnonzero(self.flex[self.start:self.low + 1] >= level)
            up = np.flatnonzero(self.flex[self.low:self.end + 1] <= level)
            if len(down) and len(up):
                diffs.append(shift[self.low + up[0]] - shift[self.start + down[0]])
        if not diffs:
            out.append(_na("asymmetric_return", "the bend was too shallow to compare descent and return", self.view,
                           self.source))
            return out
        worst = float(max(diffs, key=abs))
        out.append(self.crit("asymmetric_return", banded(abs(worst), c["pass_max"], c["fail_above"]), abs(worst),
                             f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "shoulder widths",
                             f"At the same bend angle the shoulders came up {abs(worst):.2f} shoulder widths more to "
                             f"the person's {self._side_word(worst)} than they went down.", c["pass_max"] - abs(worst),
                             c["label"], self.end))
        return out

    def _side_word(self, shift: float) -> str:
        """The person's side toward which a positive/negative image-x shift points."""
        # Facing the camera, the person's left is image right (+x); with the back to the camera it is image left.
        toward = self.kin.view.toward_camera is not False
        return ("left" if shift > 0 else "right") if toward else ("right" if shift > 0 else "left")


def judge_view(kin: Kinematics, source: int = 0, height_cm: float | None = None) -> ViewScreen:
    """Bends and criteria for one view; criteria the view cannot measure are ``not_assessed``."""
    reps, lows = find_bends(kin, source)
    view = kin.view.kind
    per_rep, metrics_by_rep = [], []
    for index, (rep, low) in enumerate(zip(reps, lows)):
        judge = _Judge(kin, rep, low, source, height_cm)
        found = {c.id: c for c in judge.any_view()}
        if kin.view.sagittal_like:
            found.update({c.id: c for c in judge.sagittal()})
        if view == "frontal":
            found.update({c.id: c for c in judge.frontal()})
        for cid in TITLES:
            if cid in found:
                continue
            if cid in UNMEASURABLE:
                found[cid] = _na(cid, UNMEASURABLE[cid], view, source)
            else:
                need = "a side view" if cid in SIDE_VIEW_IDS else "a front or back view"
                found[cid] = _na(cid, f"{need} is needed (this clip is a {view} view)", view, source)
        per_rep.append([found[cid] for cid in TITLES])
        metrics_by_rep.append(judge.metrics)
        reps[index] = rep.with_measures(judge.metrics)
    best = max(range(len(reps)), key=lambda i: metrics_by_rep[i]["max_trunk_inclination_deg"]) if reps else None
    metrics = dict(metrics_by_rep[best]) if best is not None else {}
    metrics["bend_count"] = float(len(reps))
    return ViewScreen(source, view, reps, per_rep, best, metrics, lows)


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    """One list of criteria: each taken from the first view that assessed it."""
    return common.merge_views(views, lambda: [_na(cid, "no forward bend was found", "", 0) for cid in TITLES])


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    return common.findings_from(criteria)
