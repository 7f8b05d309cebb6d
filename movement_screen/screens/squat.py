"""Deep / overhead squat screen: repetitions, FMS deep-squat criteria (spec A.1-A.2), NASM compensations (A.3).

Pure computation on :class:`Kinematics`; no file or model access. Each source (one camera view) is judged on
its own; :func:`merge_views` then takes each criterion from the view that measures it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.filters import find_peaks
from movement_screen.kinematics.body import both_sides_length, image_x_axis
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, camera_turn, window_mean
from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding, Repetition, Score, short_number

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
NEVER_REASONS = {
    "feet_turn_out": "foot angle is not reliable from 2-D pose landmarks (weak evidence)",
    "low_back_arches": "2-D pose has no lumbar or pelvic landmarks: lumbar curve cannot be measured",
    "low_back_rounds": "2-D pose has no lumbar or pelvic landmarks: lumbar curve cannot be measured",
    "feet_flatten": "heel eversion / arch collapse is not visible in 2-D pose landmarks (weak evidence)",
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


def feet_split(kin: Kinematics) -> np.ndarray:
    """Per sample, how far one ankle is ahead of the other along the body's forward axis (3-D landmarks), in
    shank lengths (NaN without them): a lunge's split."""
    if kin.body is None:
        return np.full(len(kin.t), np.nan)
    coords = kin.body.coords(kin.world)
    shank = both_sides_length(kin.world, kin.standing, lm.L_KNEE, lm.L_ANKLE)
    return np.abs(coords[:, lm.L_ANKLE, 0] - coords[:, lm.R_ANKLE, 0]) / shank


def look_alike(kin: Kinematics) -> str | None:
    """What a hip-dropping movement looks like when it is not a deep or overhead squat; None when it is one.

    Read at the deepest hip drop in the body frame of the world landmarks (``squat.toml`` [look_alike]): one foot
    well ahead of the other or higher than it (a lunge, a step), the hands low by the knees (a lift, read first: a
    bar or plates in front of the feet can make the ankles look split or raised), or the hips resting at knee height
    there (sit_to_stand.supported_rests: a seat holds them up; a free squat passes through its bottom, the knees
    forward to keep its balance).
    """
    body = kin.body
    drop = hip_drop(kin)
    if body is None or not np.isfinite(drop).any():
        return None
    cfg = load("squat")["look_alike"]
    bottom = int(np.nanargmax(drop))
    half = int(load("squat")["repetition"]["bottom_window_frames"])
    coords = body.coords(kin.world)

    def at(series: np.ndarray) -> float:
        return window_mean(series, bottom, half)

    shank = both_sides_length(kin.world, kin.standing, lm.L_KNEE, lm.L_ANKLE)
    thigh = both_sides_length(kin.world, kin.standing, lm.L_HIP, lm.L_KNEE)
    # The hands first: a bar or plates in front of the feet can make the ankle points look split or raised.
    wrists = (coords[:, lm.L_WRIST, 2] + coords[:, lm.R_WRIST, 2]) / 2
    hips = (coords[:, lm.L_HIP, 2] + coords[:, lm.R_HIP, 2]) / 2
    hands = at(wrists - hips) / thigh
    if hands < -cfg["hands_below_hips_thigh"]:
        return (f"a lift with the hands low (the wrists {abs(hands):.1f} thigh lengths below the hips at the "
                "lowest point, near the knees)")
    split = abs(at(coords[:, lm.L_ANKLE, 0] - coords[:, lm.R_ANKLE, 0])) / shank
    raised = abs(at(coords[:, lm.L_ANKLE, 2] - coords[:, lm.R_ANKLE, 2])) / shank
    if split > cfg["feet_split_shank"]:
        return (f"a lunge or split squat (one foot {split:.1f} shank lengths ahead of the other at the lowest "
                "point)")
    if raised > cfg["foot_raised_shank"]:
        return f"a step or single-leg movement (one foot {raised:.1f} shank lengths higher than the other)"
    from movement_screen.screens.sit_to_stand import supported_rests  # sit_to_stand imports this module

    rest = next(((a, b) for a, b in supported_rests(kin) if a - half <= bottom < b + half), None)
    if rest is not None:  # the lowest hips rest on something: a squat passes through its bottom without stopping
        return (f"sitting down onto a seat (the hips rest {(rest[1] - rest[0]) / kin.fs:.1f} s at knee height, the "
                "thighs level and the shins upright: something holds them up)")
    return None


def between_views(yaw: float) -> tuple[float, float] | None:
    """The front view's upper and the side view's lower limit (``squat.toml`` [views]) when ``yaw`` lies between
    them: too far round for the front-view criteria, not far enough for the side-view ones. Else None."""
    views = load("squat")["views"]
    front = min(views["knees_over_feet"][1], views["weight_shift"][1])
    side = max(views[k][0] for k in ("trunk_tibia_parallel", "arms_over_feet", "heels_down"))
    return (front, side) if np.isfinite(yaw) and front < yaw < side else None


def _na(cid: str, reason: str, view: str, source: int, group: str = "fms") -> Criterion:
    titles = FMS_TITLES if group == "fms" else NASM_TITLES
    return Criterion(cid, titles[cid], "not_assessed", reason=reason, view=view, group=group, source=source)


class _Judge:
    """Criteria of one repetition of one view.

    Each criterion is measured where the camera's angle and height do not change its verdict (docs/validation.md):
    heights, forward offsets and sagittal angles in the body frame of the 3-D world landmarks; heel rise in the
    picture, from the ankle's rise over the toes of the same foot; knees from the front, by the knee's side-to-side
    place over the toes. The views each criterion is measured in are data (``squat.toml`` [views]).
    """

    def __init__(self, kin: Kinematics, rep: Repetition, bottom: int, source: int):
        self.kin, self.rep, self.bottom, self.source = kin, rep, bottom, source
        self.cfg = load("squat")
        self.half = int(self.cfg["repetition"]["bottom_window_frames"])
        self.view = kin.view.kind
        self.yaw = kin.view.yaw_deg
        self.time = float(kin.t[bottom])
        self.frame = int(kin.frame[bottom])
        self.metrics: dict[str, float] = {}
        body = kin.body
        self.body = body
        if body is not None:
            self.coords = body.coords(kin.world)  # [T, 33, (forward, left, up)] metres
            self.shank_m = both_sides_length(kin.world, kin.standing, lm.L_KNEE, lm.L_ANKLE)
            self.thigh_m = both_sides_length(kin.world, kin.standing, lm.L_HIP, lm.L_KNEE)

    def at_bottom(self, series: np.ndarray) -> float:
        return window_mean(series, self.bottom, self.half)

    def crit(self, cid: str, state: str, value: float, threshold: str, unit: str, reason: str, margin: float,
             evidence: str, group: str = "fms") -> Criterion:
        titles = FMS_TITLES if group == "fms" else NASM_TITLES
        return Criterion(cid, titles[cid], state, float(value), threshold, unit, self.time, self.view,
                         reason, group, float(margin), evidence, self.source, self.frame)

    def unmeasurable(self, cid: str) -> str | None:
        """Why this view cannot measure ``cid`` (None when it can)."""
        key = {"heels_rise": "heels_down", "knees_move_inward": "knees_over_feet",
               "excessive_forward_lean": "trunk_tibia_parallel", "arms_fall_forward": "arms_over_feet",
               "asymmetric_weight_shift": "weight_shift"}.get(cid, cid)
        low, high = self.cfg["views"][key]
        if not np.isfinite(self.yaw) or self.body is None:
            return "the 3-D landmarks needed to tell the camera's angle are missing"
        if low <= self.yaw <= high:
            return None
        need = "a side view" if low > 0 else "a front view"
        return (f"{need} is needed: this clip sees the body {self.yaw:.0f} deg from facing the camera, and this "
                f"criterion is measured only between {low:g} and {high:g} deg (docs/validation.md); "
                f"{camera_turn(self.yaw, low, high)}")

    def up(self, index: int) -> np.ndarray:
        return self.coords[:, index, 2]

    def ahead(self, index: int) -> np.ndarray:
        return self.coords[:, index, 0]

    # -- measured in the body frame (3-D world landmarks) ----------------------------------------------------
    def depth(self) -> Criterion:
        c = self.cfg["thigh_below_horizontal"]
        sides = [self.at_bottom(self.up(lm.SIDES[s]["knee"]) - self.up(lm.SIDES[s]["hip"])) for s in ("left", "right")]
        m = float(np.nanmean(sides)) / self.thigh_m
        state = "pass" if m > c["pass_above"] else ("fail" if m < c["fail_below"] else "borderline")
        where = "below" if m > 0 else "above"
        self.metrics["depth_margin_thigh_lengths"] = m
        return self.crit(
            "thigh_below_horizontal", state, m, f"> {c['pass_above']:g} pass, < {c['fail_below']:g} fail",
            "thigh lengths", f"At the bottom the hips are {abs(m):.2f} thigh lengths {where} the knees "
            "(heights in the body's own frame, whatever the camera's angle).", m - c["pass_above"], c["label"])

    def trunk_and_shins(self) -> Criterion:
        """Trunk against shins from two estimates: the world landmarks in the body's sagittal plane, and (from
        ``picture_min_yaw`` round) the picture's lines corrected for the yaw.

        Their errors differ. The picture's forward part is stretched by 1 / sin(yaw), so its error grows as the
        camera turns toward the front. The world landmarks' forward axis is partly the model's depth guess, and
        that guess flattens a trunk tipping along the camera's axis (``bench/depth_error.py``: from the front it
        kept 0.18-0.77 of the trunk's forward tip seen from the side), so they can read less lean than there is,
        by up to (1 - ``depth_keep_min``) x cos(yaw) of the trunk's tip, never more. Within ``agree_deg`` of
        each other their mean is judged; a picture reading more lean by no more than the flattening can explain
        is judged from the picture; any other disagreement that changes the verdict is borderline, with both
        values.
        """
        body, c, kin = self.body, self.cfg["trunk_tibia_parallel"], self.kin
        mid = kin.world_mid
        trunk = self.at_bottom(body.sagittal_inclination(mid(lm.L_HIP, lm.R_HIP), mid(lm.L_SHOULDER, lm.R_SHOULDER)))
        tibia = self.at_bottom(body.sagittal_inclination(mid(lm.L_ANKLE, lm.R_ANKLE), mid(lm.L_KNEE, lm.R_KNEE)))
        world = trunk - tibia
        self.metrics.update(trunk_inclination_bottom_deg=trunk, tibia_inclination_bottom_deg=tibia,
                            trunk_tibia_difference_world_deg=world)
        delta = world
        said = (f"At the bottom the trunk leans {trunk:.0f} deg and the shins {tibia:.0f} deg forward of vertical (in "
                f"the body's sagittal plane of the 3-D landmarks)")
        how = ""
        picture = np.nan
        if self.yaw >= c["picture_min_yaw"]:
            trunk_2d = self.at_bottom(geo.inclination_off_side(kin.mid_hip, kin.mid_shoulder, kin.view.facing,
                                                               self.yaw))
            knees = (kin.side("left", "knee") + kin.side("right", "knee")) / 2
            tibia_2d = self.at_bottom(geo.inclination_off_side(kin.mid_ankle, knees, kin.view.facing, self.yaw))
            picture = trunk_2d - tibia_2d
            self.metrics.update(trunk_inclination_bottom_picture_deg=trunk_2d,
                                tibia_inclination_bottom_picture_deg=tibia_2d,
                                trunk_tibia_difference_picture_deg=picture)
            said += (f"; in the picture, corrected for the camera's {self.yaw:.0f} deg turn, {trunk_2d:.0f} and "
                     f"{tibia_2d:.0f} deg")
        state = banded(world, c["pass_max"], c["fail_above"])
        self.trunk_judged = trunk
        if np.isfinite(picture):
            gap = picture - world
            flattening = (1 - c["depth_keep_min"]) * np.cos(np.radians(self.yaw)) * max(trunk_2d, 0.0)
            if abs(gap) <= c["agree_deg"]:
                delta = (world + picture) / 2
                state = banded(delta, c["pass_max"], c["fail_above"])
                self.trunk_judged = (trunk + trunk_2d) / 2
                how = ": the two agree"
            elif 0 < gap <= c["agree_deg"] + flattening:
                delta = picture
                state = banded(delta, c["pass_max"], c["fail_above"])
                self.trunk_judged = trunk_2d
                how = (f": the picture is judged, the 3-D landmarks reading {gap:.0f} deg less (at this angle the "
                       "trunk's tip lies partly along the camera's axis, which the model's depth flattens)")
            elif banded(picture, c["pass_max"], c["fail_above"]) != state:
                delta = max(world, picture)
                state = "borderline"
                self.trunk_judged = max(trunk, trunk_2d)
                how = (f": the two disagree (trunk minus shins {world:.0f} deg from the 3-D landmarks, {picture:.0f} "
                       f"deg from the picture) beyond their error: look at the frame")
            else:
                how = f": both estimates ({world:.0f} and {picture:.0f} deg) give the same verdict"
        self.metrics["trunk_tibia_difference_deg"] = delta
        self.trunk_state = state
        return self.crit(
            "trunk_tibia_parallel", state, delta, f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg",
            f"{said}{how}: the trunk is {abs(delta):.0f} deg {'more' if delta > 0 else 'less'} inclined than the "
            "shins.", c["pass_max"] - delta, c["label"])

    def arms(self) -> Criterion:
        c = self.cfg["arms_over_feet"]
        wrists = (self.ahead(lm.L_WRIST) + self.ahead(lm.R_WRIST)) / 2
        midfoot = np.mean([(self.ahead(lm.SIDES[s]["heel"]) + self.ahead(lm.SIDES[s]["toe"])) / 2
                           for s in ("left", "right")], axis=0)
        offset = self.at_bottom(wrists - midfoot) / self.shank_m
        if offset < -c["behind_max_shank"]:
            state = "borderline"
        else:
            state = "pass" if offset <= c["pass_max_shank"] else (
                "borderline" if offset <= c["fail_above_shank"] else "fail")
        direction = "in front of" if offset > 0 else "behind"
        self.metrics["wrist_ahead_of_midfoot_shank_lengths"] = offset
        return self.crit(
            "arms_over_feet", state, offset, f"<= {c['pass_max_shank']:g} pass, > {c['fail_above_shank']:g} fail "
            "(ahead of the middle of the feet)", "shank lengths",
            f"At the bottom the wrists are {abs(offset):.2f} shank lengths {direction} the middle of the feet, "
            "along the person's own forward direction.", c["pass_max_shank"] - offset, c["label"])

    def arms_to_trunk(self) -> Criterion:
        body, c = self.body, self.cfg["arms_fall_forward"]
        mid = self.kin.world_mid
        arm = self.at_bottom(body.sagittal_inclination(mid(lm.L_SHOULDER, lm.R_SHOULDER), mid(lm.L_WRIST, lm.R_WRIST)))
        trunk = self.metrics["trunk_inclination_bottom_deg"]
        ahead = arm - trunk
        state = banded(ahead, c["pass_max_deg"], c["fail_above_deg"])
        self.metrics.update(arm_inclination_bottom_deg=arm, arm_ahead_of_trunk_deg=ahead)
        return self.crit(
            "arms_fall_forward", state, ahead, f"<= {c['pass_max_deg']:g} pass, > {c['fail_above_deg']:g} fail",
            "deg", f"At the bottom the arms point {arm:.0f} deg forward of vertical, {abs(ahead):.0f} deg "
            f"{'ahead of' if ahead > 0 else 'behind'} the line of the trunk.", c["pass_max_deg"] - ahead,
            c["label"], "nasm")

    def forward_lean(self) -> Criterion:
        c, tt = self.cfg["forward_lean"], self.cfg["trunk_tibia_parallel"]
        trunk = self.trunk_judged  # the trunk estimate trunk_tibia_parallel judged from
        delta = self.metrics["trunk_tibia_difference_deg"]
        if trunk > c["trunk_incl_deg"] or self.trunk_state == "fail":  # trunk_state: trunk minus shins, judged
            state = "fail"
        elif self.trunk_state != "pass":
            state = "borderline"
        else:
            state = "pass"
        return self.crit(
            "excessive_forward_lean", state, trunk, f"trunk <= {c['trunk_incl_deg']:g} deg and trunk-shin <= "
            f"{tt['fail_above']:g} deg", "deg",
            f"Trunk {trunk:.0f} deg from vertical at the bottom, {delta:.0f} deg more than the shins.",
            c["trunk_incl_deg"] - trunk, c["label"], "nasm")

    # -- measured in the picture -------------------------------------------------------------------------------
    def heels(self) -> Criterion:
        """Heel rise from the ankle's rise over the toes of the same foot, compared with quiet standing.

        The pose model's heel point drifts up as the shin tips forward, even with the heel on the floor, and a
        hand-held camera moves the whole foot in the picture; the ankle over the toes is steady (it sits over the
        heel, and rises with it) and needs no still camera. Near-side foot only (the far one is hidden).
        """
        kin, c = self.kin, self.cfg["heels_down"]
        near = kin.view.near_side
        low = self.bottom_span()
        feet = [near] + [side for side in ("left", "right") if side != near and self.foot_seen(side, low)]
        rises = []
        for side in feet:
            height = kin.side(side, "toe")[:, 1] - kin.side(side, "ankle")[:, 1]  # pixels, image y grows down
            rise = (height - float(np.nanmedian(height[kin.standing]))) / kin.lengths.shank
            rises.append(float(np.nanmedian(rise[low])) if np.isfinite(rise[low]).any() else np.nan)
        value = float(np.nanmean(rises)) if np.isfinite(rises).any() else np.nan
        where = f"the {near} ankle" if len(feet) == 1 else "the ankles"
        state = banded(value, c["pass_max"], c["fail_above"])
        self.metrics["ankle_rise_over_toes_shank_lengths"] = value
        return self.crit(
            "heels_down", state, value, f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "shank lengths",
            f"At the bottom {where} {'is' if len(feet) == 1 else 'are'} {value:+.3f} shank lengths higher over the "
            "toes than in standing (the ankle rises with the heel).", c["pass_max"] - value, c["label"])

    def foot_seen(self, side: str, samples: np.ndarray) -> bool:
        """The far foot counts too when the model sees its ankle and toes well through the bottom."""
        part = lm.SIDES[side]
        vis = self.kin.visibility[samples][:, [part["ankle"], part["toe"]]]
        return bool(len(vis) and np.nanmin(vis) >= self.cfg["heels_down"]["far_foot_min_visibility"])

    def bottom_span(self) -> np.ndarray:
        """Samples of the bottom of this repetition: the hips within 15 % of their deepest drop."""
        drop = hip_drop(self.kin)
        start, end = self.kin.sample_at(self.rep.start_s), self.kin.sample_at(self.rep.end_s)
        deepest = drop[self.bottom]
        idx = np.arange(start, end + 1)
        near = idx[np.isfinite(drop[idx]) & (drop[idx] >= 0.85 * deepest)]
        window = np.arange(max(0, self.bottom - self.half), min(len(drop), self.bottom + self.half + 1))
        return np.union1d(near, window)

    def knees(self) -> Criterion:
        """Knee's side-to-side place over the toes at the bottom (front view): inside the toes is the fault.

        The frontal-plane projection angle (FPPA) was defined for shallow single-leg tasks; at the bottom of a
        deep squat the thigh points at the camera and FPPA loses its meaning, so it is kept only as a metric.
        """
        kin, c = self.kin, self.cfg["knees_over_feet"]
        inside = {}
        # The picture's side-to-side axis is the sharper measure, but a camera turned off the front mixes in the
        # knee's forward travel. The image x axis in body coordinates says how much; the 3-D landmarks give the
        # forward (and up) offsets to take back out, leaving the knee's left-right place over the toes.
        along_f, along_l, along_u = image_x_axis(self.body, kin.xy, kin.world)
        low = self.bottom_span()  # the whole hold at the bottom: the median steadies the knee and toe points
        for side, medial in (("left", -1.0), ("right", 1.0)):
            part = lm.SIDES[side]
            image = kin.side(side, "knee")[:, 0] - kin.side(side, "toe")[:, 0]
            forward = self.ahead(part["knee"]) - self.ahead(part["toe"])
            rise = self.up(part["knee"]) - self.up(part["toe"])
            lateral = (image - along_f * forward - along_u * rise) / along_l
            inside[side] = float(np.nanmedian((medial * lateral)[low])) / self.shank_m
        worst_side = max(inside, key=lambda s: inside[s])
        worst = inside[worst_side]
        state = banded(worst, c["inside_pass_max"], c["inside_fail_above"])
        fppa = {side: self.at_bottom(geo.fppa_where_seen(kin.side(side, "hip"), kin.side(side, "knee"),
                                                         kin.side(side, "ankle"), kin.mid_hip[:, 0],
                                                         kin.lengths.thigh)) for side in ("left", "right")}
        knee_sep = abs(self.at_bottom(kin.xy[:, lm.L_KNEE, 0] - kin.xy[:, lm.R_KNEE, 0]))
        ankle_sep = abs(self.at_bottom(kin.xy[:, lm.L_ANKLE, 0] - kin.xy[:, lm.R_ANKLE, 0]))
        self.metrics.update(knee_inside_toes_left_shank_lengths=inside["left"],
                            knee_inside_toes_right_shank_lengths=inside["right"],
                            knee_fppa_left_deg=fppa["left"], knee_fppa_right_deg=fppa["right"],
                            knee_ankle_separation_ratio=knee_sep / ankle_sep if ankle_sep > 0 else np.nan)

        def words(v: float) -> str:
            return f"{abs(v):.2f} shank lengths {'inside' if v > 0 else 'outside'}"
        return self.crit(
            "knees_over_feet", state, worst, f"<= {c['inside_pass_max']:g} pass, > {c['inside_fail_above']:g} fail "
            "(knee inside the toes)", "shank lengths",
            f"At the bottom the left knee is {words(inside['left'])} the left toes and the right knee "
            f"{words(inside['right'])} the right toes (worst: {worst_side}).", c["inside_pass_max"] - worst,
            c["label"])

    def weight_shift(self) -> Criterion:
        kin, w = self.kin, self.cfg["weight_shift"]
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
        self.metrics.update(weight_shift_hip_widths=change, pelvic_obliquity_change_deg=obliquity)
        return self.crit(
            "asymmetric_weight_shift", state, change, f"|shift| <= {w['shift_hip_widths']:g} hip widths",
            "hip widths",
            f"At the bottom the hips are {size:.2f} hip widths toward the subject's {side_word} compared with "
            f"standing; pelvic obliquity changed {obliquity:+.1f} deg.",
            w["shift_hip_widths"] - size, w["label"], "nasm")

    def all(self) -> dict[str, Criterion]:
        """Every criterion of this repetition: measured, or not_assessed with the reason."""
        out: dict[str, Criterion] = {}
        plan = (("thigh_below_horizontal", "fms", self.depth), ("trunk_tibia_parallel", "fms", self.trunk_and_shins),
                ("excessive_forward_lean", "nasm", self.forward_lean), ("arms_over_feet", "fms", self.arms),
                ("arms_fall_forward", "nasm", self.arms_to_trunk), ("heels_down", "fms", self.heels),
                ("knees_over_feet", "fms", self.knees), ("asymmetric_weight_shift", "nasm", self.weight_shift))
        for cid, group, measure in plan:
            why = self.unmeasurable(cid)
            out[cid] = _na(cid, why, self.view, self.source, group) if why else measure()
        twins = {"heels_rise": "heels_down", "knees_move_inward": "knees_over_feet"}
        for twin, of in twins.items():
            out[twin] = replace(out[of], id=twin, title=NASM_TITLES[twin], group="nasm")
        for cid, reason in NEVER_REASONS.items():
            out[cid] = _na(cid, reason, self.view, self.source, "nasm")
        near = self.kin.view.near_side
        self.metrics["knee_flexion_bottom_deg"] = self.at_bottom(self.kin.angles[f"knee_flexion_{near}_deg"])
        self.metrics["hip_flexion_bottom_deg"] = self.at_bottom(self.kin.angles[f"hip_flexion_{near}_deg"])
        return out


def judge_view(kin: Kinematics, source: int = 0) -> ViewScreen:
    """Repetitions and criteria for one view; criteria the view cannot measure are ``not_assessed``."""
    reps, bottoms = find_repetitions(kin, source)
    cfg = load("squat")["repetition"]
    per_rep = []
    metrics_by_rep = []
    view = kin.view.kind
    for rep, bottom in zip(reps, bottoms):
        judge = _Judge(kin, rep, bottom, source)
        found = judge.all()
        per_rep.append([found[cid] for cid in FMS_IDS] + [found[cid] for cid in NASM_TITLES])
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


FRONT_FIRST = {"knees_over_feet", "knees_move_inward", "asymmetric_weight_shift"}
SIDE_ORDER = ("sagittal", "oblique", "frontal")


def _better_view(held: Criterion, other: Criterion) -> Criterion:
    """Of two views that measured one criterion, the one nearer its ideal; its reason says what the other gave."""
    rank = SIDE_ORDER[::-1] if held.id in FRONT_FIRST else SIDE_ORDER
    better, worse = (other, held) if rank.index(other.view) < rank.index(held.view) else (held, other)
    note = f" The {worse.view} view gave {worse.state} ({short_number(worse.value)} {worse.unit})."
    return replace(better, reason=better.reason + note)


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    """One list of criteria, each from the view that measures it best.

    Knees and weight shift come from the view nearest the front, everything else from the view nearest the side
    (a true side view sees heights, forward offsets and sagittal angles square-on).
    """
    def empty() -> list[Criterion]:
        return [_na(cid, "no squat repetition was found", "", 0, "fms" if cid in FMS_IDS else "nasm")
                for cid in list(FMS_IDS) + list(NASM_TITLES)]
    return common.merge_views(views, empty, _better_view)


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
    failed = [c.title.lower() for c in fms.values() if c.state == "fail"]  # read by people: titles, not ids
    border = [c.title.lower() for c in fms.values() if c.state == "borderline"]
    missing = [c.title.lower() for c in fms.values() if c.state == "not_assessed"]
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
        parts.append("Pain was not asked: a squat that hurts scores 0 (answer the pain question).")
    value = low if low == high else None
    return Score("FMS deep squat", value, 3, " ".join(parts), (low, high))


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    """A finding per failed or borderline criterion (an FMS criterion and its NASM twin reported once)."""
    return common.findings_from(criteria, {"heels_rise": "heels_down", "knees_move_inward": "knees_over_feet"})
