"""Deep / overhead squat screen: repetitions, FMS deep-squat criteria (spec A.1-A.2), NASM compensations (A.3).

Pure computation on :class:`Kinematics`; no file or model access. Each source (one camera view) is judged on
its own; :func:`merge_views` then takes each criterion from the view that measures it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.signal import find_peaks

from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, window_mean
from movement_screen.screens.config import load
from movement_screen.screens.result import Criterion, Finding, Repetition, Score

FMS_IDS = ("trunk_tibia_parallel", "thigh_below_horizontal", "knees_over_feet", "arms_over_feet", "heels_down")
FMS_TITLES = {
    "trunk_tibia_parallel": "Upper torso parallel with the tibia or toward vertical",
    "thigh_below_horizontal": "Femur below horizontal",
    "knees_over_feet": "Knees aligned over the feet",
    "arms_over_feet": "Arms (dowel) aligned over the feet",
    "heels_down": "Heels stay on the floor",
}
NASM_TITLES = {
    "feet_turn_out": "Feet turn out",
    "knees_move_inward": "Knees move inward (valgus)",
    "excessive_forward_lean": "Excessive forward lean",
    "low_back_arches": "Low back arches",
    "low_back_rounds": "Low back rounds",
    "arms_fall_forward": "Arms fall forward",
    "asymmetric_weight_shift": "Asymmetric weight shift",
    "heels_rise": "Heels rise",
    "feet_flatten": "Feet flatten",
}
# The view each criterion is judged from (spec A.1 view mapping).
SAGITTAL_IDS = {"trunk_tibia_parallel", "thigh_below_horizontal", "arms_over_feet", "heels_down",
                "excessive_forward_lean", "arms_fall_forward", "heels_rise"}
FRONTAL_IDS = {"knees_over_feet", "knees_move_inward", "asymmetric_weight_shift"}
NEVER_IDS = {"feet_turn_out", "low_back_arches", "low_back_rounds", "feet_flatten"}
NEVER_REASONS = {
    "feet_turn_out": "foot angle is not reliable from 2-D pose landmarks (spec A.3 [W])",
    "low_back_arches": "2-D pose has no lumbar or pelvic landmarks: lumbar curve cannot be measured",
    "low_back_rounds": "2-D pose has no lumbar or pelvic landmarks: lumbar curve cannot be measured",
    "feet_flatten": "heel eversion / arch collapse is not visible in 2-D pose landmarks (spec A.3 [W])",
}


def repetition_rules() -> dict:
    """What counts as a squat repetition (data file ``squat.toml``)."""
    return load("squat")["repetition"]


def hip_drop(kin: Kinematics) -> np.ndarray:
    """Mid-hip drop below standing height, in standing leg lengths (0 standing, ~0.5 deep squat)."""
    hip_y = kin.mid_hip[:, 1]
    standing = np.nanmedian(hip_y[kin.standing])
    return (hip_y - standing) / kin.lengths.leg


def find_repetitions(kin: Kinematics, source: int = 0) -> tuple[list[Repetition], list[int]]:
    """Squat repetitions from the hip-drop signal; returns repetitions and each one's bottom sample."""
    cfg = load("squat")["repetition"]
    drop = hip_drop(kin)
    filled = np.where(np.isfinite(drop), drop, 0.0)
    min_drop = cfg["min_hip_drop_leg"]
    peaks, _ = find_peaks(filled, height=min_drop, prominence=0.6 * min_drop, distance=max(1, int(0.8 * kin.fs)))
    reps, bottoms = [], []
    for peak in peaks:
        depth = filled[peak]
        low = cfg["end_fraction"] * depth
        before = np.flatnonzero(filled[:peak] < low)
        after = np.flatnonzero(filled[peak:] < low)
        start = int(before[-1]) if len(before) else 0
        end = int(peak + after[0]) if len(after) else len(filled) - 1
        if kin.t[end] - kin.t[start] < cfg["min_duration_s"]:
            continue
        if reps and start < kin.sample_at(reps[-1].end_s):  # a second dip inside one squat: keep the deeper
            if depth > (reps[-1].depth_leg_fraction or 0):
                reps.pop()
                bottoms.pop()
            else:
                continue
        holding = np.flatnonzero(filled[start:end + 1] >= depth - 0.05)
        hold = (holding[-1] - holding[0]) / kin.fs if len(holding) else 0.0
        reps.append(Repetition(len(reps) + 1, float(kin.t[start]), float(kin.t[peak]), float(kin.t[end]), source,
                               int(kin.frame[peak]), float(depth), float(hold)))
        bottoms.append(int(peak))
    reps = [replace(r, index=i + 1) for i, r in enumerate(reps)]
    return reps, bottoms


def _na(cid: str, reason: str, view: str, source: int, group: str = "fms") -> Criterion:
    titles = FMS_TITLES if group == "fms" else NASM_TITLES
    return Criterion(cid, titles[cid], "not_assessed", reason=reason, view=view, group=group, source=source)


class _Judge:
    """Criteria of one repetition of one view."""

    def __init__(self, kin: Kinematics, rep: Repetition, bottom: int, source: int, sex: str | None):
        self.kin, self.rep, self.bottom, self.source, self.sex = kin, rep, bottom, source, sex
        self.cfg = load("squat")
        self.half = int(self.cfg["repetition"]["bottom_window_frames"])
        self.view = kin.view.kind
        self.time = float(kin.t[bottom])
        self.frame = int(kin.frame[bottom])
        self.caveat = (" Oblique view: angles are foreshortened, read with care." if self.view == "oblique" else "")
        self.metrics: dict[str, float] = {}

    def at_bottom(self, series: np.ndarray) -> float:
        return window_mean(series, self.bottom, self.half)

    def crit(self, cid: str, state: str, value: float, threshold: str, unit: str, reason: str, margin: float,
             evidence: str, group: str = "fms") -> Criterion:
        titles = FMS_TITLES if group == "fms" else NASM_TITLES
        return Criterion(cid, titles[cid], state, float(value), threshold, unit, self.time, self.view,
                         reason + self.caveat, group, float(margin), evidence, self.source, self.frame)

    # -- sagittal ---------------------------------------------------------------------------------------------
    def sagittal(self) -> list[Criterion]:
        kin, cfg, near = self.kin, self.cfg, self.kin.view.near_side
        out = []
        trunk = self.at_bottom(kin.angles["trunk_inclination_deg"])
        tibia = self.at_bottom(kin.angles[f"tibia_inclination_{near}_deg"])
        delta = trunk - tibia
        c = cfg["trunk_tibia_parallel"]
        state = banded(delta, c["pass_max"], c["fail_above"])
        out.append(self.crit(
            "trunk_tibia_parallel", state, delta, f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg",
            f"At the bottom the trunk leans {trunk:.0f} deg and the {near} shin {tibia:.0f} deg from vertical: "
            f"the trunk is {abs(delta):.0f} deg {'more' if delta > 0 else 'less'} inclined than the shin.",
            c["pass_max"] - delta, c["label"]))
        self.metrics.update(trunk_inclination_bottom_deg=trunk, tibia_inclination_bottom_deg=tibia,
                            trunk_tibia_difference_deg=delta)

        hip_y = self.at_bottom(kin.side(near, "hip")[:, 1])
        knee_y = self.at_bottom(kin.side(near, "knee")[:, 1])
        m = (hip_y - knee_y) / kin.lengths.thigh
        c = cfg["thigh_below_horizontal"]
        state = "pass" if m > c["pass_above"] else ("fail" if m < c["fail_below"] else "borderline")
        where = "below" if m > 0 else "above"
        out.append(self.crit(
            "thigh_below_horizontal", state, m, f"> {c['pass_above']:g} pass, < {c['fail_below']:g} fail",
            "thigh lengths",
            f"At the bottom the {near} hip is {abs(m):.2f} thigh lengths {where} the knee.",
            m - c["pass_above"], c["label"]))
        self.metrics["depth_margin_thigh_lengths"] = m

        wrist_x = self.at_bottom((kin.xy[:, lm.L_WRIST, 0] + kin.xy[:, lm.R_WRIST, 0]) / 2)
        midfoot_x = self.at_bottom((kin.side(near, "heel")[:, 0] + kin.side(near, "toe")[:, 0]) / 2)
        offset = kin.view.facing * (wrist_x - midfoot_x) / kin.lengths.foot
        c = cfg["arms_over_feet"]
        limit = c["offset_max_foot"]
        size = abs(offset)
        state = "pass" if size <= limit else ("borderline" if size <= limit + c["borderline_band"] else "fail")
        direction = "in front of" if offset > 0 else "behind"
        out.append(self.crit(
            "arms_over_feet", state, offset, f"within +/-{limit:g} pass", "foot lengths",
            f"At the bottom the wrists are {size:.2f} foot lengths {direction} the middle of the foot.",
            limit - size, c["label"]))
        self.metrics["wrist_offset_foot_lengths"] = offset

        c = cfg["heels_down"]
        heel_y = kin.side(near, "heel")[:, 1]
        standing_heel = np.nanmedian(heel_y[kin.standing])
        start, end = self.kin.sample_at(self.rep.start_s), self.kin.sample_at(self.rep.end_s)
        rise = (standing_heel - heel_y[start:end + 1]) / kin.lengths.shank
        run = int(c["min_frames"])
        sustained = (np.nanmax(np.lib.stride_tricks.sliding_window_view(rise, run).min(axis=1))
                     if len(rise) >= run else np.nan)
        state = "not_assessed" if not np.isfinite(sustained) else (
            "fail" if sustained > c["rise_shank"] else ("borderline" if sustained > 0.6 * c["rise_shank"] else "pass"))
        out.append(self.crit(
            "heels_down", state, sustained, f"<= {c['rise_shank']:g} for {run} frames", "shank lengths",
            f"The {near} heel rose at most {sustained:.3f} shank lengths (held {run} frames) during the squat.",
            c["rise_shank"] - sustained, c["label"]))
        self.metrics["heel_rise_shank_lengths"] = sustained

        knee_flex = kin.angles[f"knee_flexion_{near}_deg"]
        hip_flex = kin.angles[f"hip_flexion_{near}_deg"]
        self.metrics["knee_flexion_bottom_deg"] = self.at_bottom(knee_flex)
        self.metrics["hip_flexion_bottom_deg"] = self.at_bottom(hip_flex)
        return out

    def nasm_sagittal(self, fms: dict[str, Criterion]) -> list[Criterion]:
        kin, cfg = self.kin, self.cfg
        out = []
        trunk = self.metrics["trunk_inclination_bottom_deg"]
        delta = self.metrics["trunk_tibia_difference_deg"]
        c = cfg["forward_lean"]
        tt = cfg["trunk_tibia_parallel"]
        if trunk > c["trunk_incl_deg"] or delta > tt["fail_above"]:
            state = "fail"
        elif delta > tt["pass_max"]:
            state = "borderline"
        else:
            state = "pass"
        out.append(self.crit(
            "excessive_forward_lean", state, trunk, f"trunk <= {c['trunk_incl_deg']:g} deg and trunk-shin <= "
            f"{tt['fail_above']:g} deg", "deg",
            f"Trunk {trunk:.0f} deg from vertical at the bottom, {delta:.0f} deg more than the shin.",
            c["trunk_incl_deg"] - trunk, c["label"], "nasm"))

        near = kin.view.near_side
        # 180 = arm continues the trunk line; below 180 the arm has fallen forward of it, above 180 it is behind.
        arm_incl = geo.inclination(kin.side(near, "shoulder"), kin.side(near, "wrist"), kin.view.facing)
        arm_trunk = self.at_bottom(180.0 - (arm_incl - kin.angles["trunk_inclination_deg"]))
        offset = self.metrics["wrist_offset_foot_lengths"]
        c = cfg["arms_fall_forward"]
        limit = cfg["arms_over_feet"]["offset_max_foot"]
        if offset > limit and arm_trunk < c["arm_trunk_min_deg"]:
            state = "fail"
        elif offset > limit or arm_trunk < c["arm_trunk_min_deg"]:
            state = "borderline"
        else:
            state = "pass"
        out.append(self.crit(
            "arms_fall_forward", state, arm_trunk, f"arm-trunk angle >= {c['arm_trunk_min_deg']:g} deg and wrists "
            f"within {limit:g} foot lengths of the midfoot", "deg",
            f"Arm-trunk angle {arm_trunk:.0f} deg at the bottom; wrists {offset:+.2f} foot lengths from the midfoot.",
            arm_trunk - c["arm_trunk_min_deg"], c["label"], "nasm"))
        self.metrics["arm_trunk_angle_bottom_deg"] = arm_trunk

        heels = fms["heels_down"]
        out.append(replace(heels, id="heels_rise", title=NASM_TITLES["heels_rise"], group="nasm"))
        return out

    # -- frontal ----------------------------------------------------------------------------------------------
    def frontal(self) -> tuple[Criterion, list[Criterion]]:
        kin, cfg = self.kin, self.cfg
        c = cfg["knees_over_feet"]
        midline = self.at_bottom(kin.mid_hip[:, 0])
        fppa, medial = {}, {}
        for side in ("left", "right"):
            hip, knee, ankle = (kin.side(side, p) for p in ("hip", "knee", "ankle"))
            fppa[side] = self.at_bottom(geo.fppa(hip, knee, ankle, kin.mid_hip[:, 0]))
            foot_x = self.at_bottom((kin.side(side, "ankle")[:, 0] + kin.side(side, "toe")[:, 0]) / 2)
            knee_x = self.at_bottom(knee[:, 0])
            toward_mid = np.sign(midline - foot_x)
            medial[side] = (knee_x - foot_x) * toward_mid / kin.lengths.shank
        knee_sep = abs(self.at_bottom(kin.xy[:, lm.L_KNEE, 0] - kin.xy[:, lm.R_KNEE, 0]))
        ankle_sep = abs(self.at_bottom(kin.xy[:, lm.L_ANKLE, 0] - kin.xy[:, lm.R_ANKLE, 0]))
        ratio = knee_sep / ankle_sep if ankle_sep > 0 else np.nan
        worst_side = max(fppa, key=lambda s: fppa[s])
        worst = fppa[worst_side]
        limit = {"male": c["fppa_men_deg"], "female": c["fppa_women_deg"]}.get(self.sex or "", None)
        reasons = []
        fail = False
        borderline = False
        if limit is None:
            # Sex not given: fail above the women's bound, borderline between the men's and women's bounds.
            if worst > c["fppa_women_deg"]:
                fail = True
            elif worst > c["fppa_men_deg"]:
                borderline = True
            limit_text = f"FPPA <= {c['fppa_men_deg']:g} deg (men) / {c['fppa_women_deg']:g} deg (women)"
        else:
            fail = worst > limit
            limit_text = f"FPPA <= {limit:g} deg"
        reasons.append(f"knee valgus angle (FPPA) left {fppa['left']:.0f} deg, right {fppa['right']:.0f} deg")
        medial_worst = max(medial.values())
        if medial_worst > c["medial_max_shank"]:
            fail = True
            side = max(medial, key=lambda s: medial[s])
            reasons.append(f"{side} knee {medial_worst:.2f} shank lengths inside the foot")
        if np.isfinite(ratio) and ratio < c["separation_ratio_min"]:
            fail = True
            reasons.append(f"knees {ratio:.2f}x as far apart as the ankles (< {c['separation_ratio_min']:g})")
        elif np.isfinite(ratio):
            reasons.append(f"knee/ankle separation ratio {ratio:.2f}")
        state = "fail" if fail else ("borderline" if borderline else "pass")
        self.metrics.update(knee_fppa_left_deg=fppa["left"], knee_fppa_right_deg=fppa["right"],
                            knee_medial_offset_shank_lengths=medial_worst, knee_ankle_separation_ratio=ratio)
        margin = (limit if limit is not None else c["fppa_men_deg"]) - worst
        fms = self.crit("knees_over_feet", state, worst,
                        f"{limit_text}; knee not inside the foot by > {c['medial_max_shank']:g} shank; "
                        f"knee/ankle separation >= {c['separation_ratio_min']:g}", "deg",
                        "At the bottom: " + "; ".join(reasons) + ".", margin, c["label"])
        nasm = [replace(fms, id="knees_move_inward", title=NASM_TITLES["knees_move_inward"], group="nasm")]

        w = cfg["weight_shift"]
        shift = (kin.mid_hip[:, 0] - kin.mid_ankle[:, 0]) / kin.lengths.hip_width
        baseline = np.nanmedian(shift[kin.standing])
        change = self.at_bottom(shift) - baseline
        obliquity = self.at_bottom(geo.line_tilt(kin.xy[:, lm.R_HIP], kin.xy[:, lm.L_HIP])) - float(
            np.nanmedian(geo.line_tilt(kin.xy[kin.standing, lm.R_HIP], kin.xy[kin.standing, lm.L_HIP])))
        # Image +x is the subject's left when they face the camera, their right from behind.
        toward_left = (change > 0) == (kin.view.toward_camera is not False)
        side_word = "left" if toward_left else "right"
        size = abs(change)
        state = "fail" if size > w["fail_hip_widths"] else ("borderline" if size > w["shift_hip_widths"] else "pass")
        nasm.append(self.crit(
            "asymmetric_weight_shift", state, change, f"|shift| <= {w['shift_hip_widths']:g} hip widths",
            "hip widths",
            f"At the bottom the hips are {size:.2f} hip widths toward the subject's {side_word} compared with "
            f"standing; pelvic obliquity changed {obliquity:+.1f} deg.",
            w["shift_hip_widths"] - size, w["label"], "nasm"))
        self.metrics.update(weight_shift_hip_widths=change, pelvic_obliquity_change_deg=obliquity)
        return fms, nasm


def judge_view(kin: Kinematics, source: int = 0, sex: str | None = None) -> ViewScreen:
    """Repetitions and criteria for one view; criteria the view cannot measure are ``not_assessed``."""
    reps, bottoms = find_repetitions(kin, source)
    cfg = load("squat")["repetition"]
    per_rep = []
    metrics_by_rep = []
    view = kin.view.kind
    for rep, bottom in zip(reps, bottoms):
        judge = _Judge(kin, rep, bottom, source, sex)
        fms: dict[str, Criterion] = {}
        nasm: dict[str, Criterion] = {}
        if kin.view.sagittal_like:
            for c in judge.sagittal():
                fms[c.id] = c
            for c in judge.nasm_sagittal(fms):
                nasm[c.id] = c
        if view == "frontal":
            knees, extra = judge.frontal()
            fms[knees.id] = knees
            for c in extra:
                nasm[c.id] = c
        for cid in FMS_IDS:
            if cid not in fms:
                need = "a side view" if cid in SAGITTAL_IDS else "a front view"
                fms[cid] = _na(cid, f"{need} is needed (this clip is a {view} view)", view, source)
        for cid in NASM_TITLES:
            if cid not in nasm:
                if cid in NEVER_IDS:
                    reason = NEVER_REASONS[cid]
                else:
                    need = "a side view" if cid in SAGITTAL_IDS else "a front view"
                    reason = f"{need} is needed (this clip is a {view} view)"
                nasm[cid] = _na(cid, reason, view, source, "nasm")
        per_rep.append([fms[cid] for cid in FMS_IDS] + [nasm[cid] for cid in NASM_TITLES])
        judge.metrics["hip_drop_leg_lengths"] = float(rep.depth_leg_fraction or np.nan)
        judge.metrics["bottom_hold_s"] = float(rep.hold_s or 0.0)
        metrics_by_rep.append(judge.metrics)
    best = _best_repetition(per_rep, reps)
    metrics = dict(metrics_by_rep[best]) if best is not None else {}
    metrics["repetition_count"] = float(len(reps))
    if reps:
        for side in ("left", "right"):
            knee = kin.angles[f"knee_flexion_{side}_deg"]
            metrics[f"max_knee_flexion_{side}_deg"] = float(np.nanmax(knee)) if np.isfinite(knee).any() else np.nan
        if kin.view.sagittal_like:
            near = kin.view.near_side
            metrics["max_knee_flexion_deg"] = metrics[f"max_knee_flexion_{near}_deg"]
            metrics["max_hip_flexion_deg"] = float(np.nanmax(kin.angles[f"hip_flexion_{near}_deg"]))
            metrics["max_trunk_inclination_deg"] = float(np.nanmax(kin.angles["trunk_inclination_deg"]))
    hold_short = best is not None and (reps[best].hold_s or 0) < cfg["min_hold_s"]
    return ViewScreen(source, view, reps, per_rep, best, metrics, bottoms, hold_short)


def _rank(criteria: list[Criterion]) -> tuple:
    fms = [c for c in criteria if c.group == "fms"]
    passes = sum(c.state == "pass" for c in fms)
    fails = sum(c.state == "fail" for c in fms)
    depth = next((c.value for c in fms if c.id == "thigh_below_horizontal" and c.value is not None), 0.0)
    return (passes, -fails, depth)


def _best_repetition(per_rep: list[list[Criterion]], reps: list[Repetition]) -> int | None:
    """FMS: the best trial counts (most criteria passed, fewest failed, then deepest)."""
    if not per_rep:
        return None
    return max(range(len(per_rep)), key=lambda i: (_rank(per_rep[i]), reps[i].depth_leg_fraction or 0))


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    """One list of criteria: each taken from the first view that assessed it."""
    def empty() -> list[Criterion]:
        return [_na(cid, "no squat repetition was found", "", 0, "fms" if cid in FMS_IDS else "nasm")
                for cid in list(FMS_IDS) + list(NASM_TITLES)]
    return common.merge_views(views, empty)


def fms_score(criteria: list[Criterion], pain: str = "not_asked", heel_board: bool = False) -> Score:
    """FMS deep squat score 0-3 with its caveats (spec A.2-6)."""
    fms = {c.id: c for c in criteria if c.group == "fms"}
    if pain == "yes":
        return Score("FMS deep squat", 0, 3, "Pain was reported during the squat: score 0. Stop this test and have "
                     "the painful area assessed by a clinician.", (0, 0))
    if not fms or all(c.state == "not_assessed" for c in fms.values()):
        return Score("FMS deep squat", None, 3, "Not scored: no squat repetition was assessed.", None)

    def scenario(borderline_passes: bool, missing_passes: bool) -> tuple[int, int]:
        ok = all(c.state == "pass" or (c.state == "borderline" and borderline_passes)
                 or (c.state == "not_assessed" and missing_passes) for c in fms.values())
        if ok:
            return (2, 2) if heel_board else (3, 3)
        return (1, 1) if heel_board else (1, 2)

    best = scenario(True, True)
    worst = scenario(False, False)
    low, high = min(worst[0], best[0]), max(worst[1], best[1])
    parts = []
    failed = [cid for cid, c in fms.items() if c.state == "fail"]
    border = [cid for cid, c in fms.items() if c.state == "borderline"]
    missing = [cid for cid, c in fms.items() if c.state == "not_assessed"]
    if not failed and not border and not missing:
        parts.append("All four criteria met with the heels down" + (" (heel-board trial): score 2." if heel_board
                                                                      else ": score 3."))
    if failed:
        parts.append("Not met: " + ", ".join(failed) + ".")
        if not heel_board:
            parts.append("Score 2 needs the criteria met with the heels on a ~5 cm board; that trial was not "
                         "recorded, so the score is 1-2 (heel-elevated trial not recorded).")
    if border:
        parts.append("Borderline (within the measurement error of the limit, review the frame): "
                     + ", ".join(border) + ".")
    if missing:
        parts.append("Not assessed from the given view(s): " + ", ".join(missing)
                     + ". Give a side and a front clip of the squat for a full score.")
    if pain == "not_asked":
        parts.append("Pain was not asked: a squat that hurts scores 0 (use --pain yes|no).")
    value = low if low == high else None
    return Score("FMS deep squat", value, 3, " ".join(parts), (low, high))


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    """A finding per failed or borderline criterion (an FMS criterion and its NASM twin reported once)."""
    return common.findings_from(criteria, {"heels_rise": "heels_down", "knees_move_inward": "knees_over_feet"})
