"""Single-leg squat: hip and trunk control on each leg, from the front (spec §D.1).

Pure computation on :class:`Kinematics`; no file or model access. The person stands on one leg (the other foot
lifted in front), squats a few times and changes legs, in one clip or one clip per leg. A stretch on one leg is
where one ankle stays clearly higher than the other; its repetitions are where the hips drop and come back up.
At each repetition's bottom, on the stance leg: the knee's place against the toes, the free side of the pelvis
dropping, the trunk leaning over the stance leg, and the knee flexion reached; during it, whether the free foot
touched down. Each value is the mean of a leg's repetitions; a criterion reports the worse leg and names both, and
the two legs' knees are compared.

The knee's frontal-plane projection angle (FPPA, spec D.1) is measured and reported (metrics and the knee
criterion's reason) but not judged: on the synthetic figure a camera turned only 3 deg off square moves it by
~3 deg per leg, the other way on the other leg, and the camera's turn cannot be known that well from one video
(docs/validation.md). The knee's place over the toes, which move forward with it, is steady to 15 deg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding, Repetition
from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.filters import find_peaks, runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, outside_views, window_mean

TITLES = {
    "knee_inside_foot": "Knee over the foot, not inside it",
    "free_side_pelvic_drop": "Pelvis level (free side not dropping)",
    "trunk_lean_over_stance": "Trunk upright, not leaning over the stance leg",
    "balance_kept": "Balance kept (free foot stays up)",
    "single_leg_depth": "Squat depth on one leg (knee flexion)",
    "knee_difference": "Left and right knees alike",
}
FRONT_IDS = ("knee_inside_foot", "free_side_pelvic_drop", "trunk_lean_over_stance", "knee_difference")
MEASURES = {  # criterion -> the per-repetition measure it averages
    "knee_inside_foot": "knee_inside_toe_shank",
    "free_side_pelvic_drop": "pelvic_drop_deg",
    "trunk_lean_over_stance": "trunk_lean_deg",
    "single_leg_depth": "knee_flexion_deg",
    "balance_kept": "touch_downs",
}
OTHER = {"left": "right", "right": "left"}


def rules() -> dict:
    return load("single_leg_squat")


@dataclass(frozen=True)
class StanceStretch:
    """A stretch of standing on one leg: sample range [start, stop) and the leg stood on."""

    start: int
    stop: int
    stance: str
    by: str = "lift"  # how it was found: "lift" (the free foot held higher) or "excursion" (it left its place)


def foot_lift(kin: Kinematics) -> np.ndarray:
    """How much higher the left ankle is than the right in the picture, in shank lengths (- = the right is), from
    where it was with both feet down.

    A camera above the floor sees the nearer of two feet standing side by side lower in the picture (by 0.3-0.45
    shank lengths in the shared side-view squats), and the model's ankle points have offsets of their own; both
    stay the same while the person stands there. Both feet are down in the standing frames where both knees are
    straight (3-D landmarks): upright on one leg the lifted leg's knee is bent. A clip that never stands on both
    feet gets no correction (from the front the offset is small)."""
    raw = (kin.side("right", "ankle")[:, 1] - kin.side("left", "ankle")[:, 1]) / kin.lengths.shank
    standing = kin.standing
    if len(standing):
        bent = np.fmax(knee_flexion_3d(kin, "left"), knee_flexion_3d(kin, "right"))[standing]
        standing = standing[bent < rules()["stance"]["straight_knees_deg"]]
    level = np.nanmedian(raw[standing]) if len(standing) else np.nan
    return raw - (level if np.isfinite(level) else 0.0)


def stance_stretches(kin: Kinematics, lift: np.ndarray | None = None) -> list[StanceStretch]:
    """Stretches on one leg, found two ways (``lift``: :func:`foot_lift`, when already at hand):

    * a foot held higher than the other for ``[stance] min_seconds`` or more (a brief touch-down does not end the
      stretch): the free foot lifted behind, to the side or in front, held between squats;
    * one foot leaving its place on the floor while the other stays on its own (:func:`foot_excursions`), for
      ``[excursion] min_seconds`` or more: a pistol squat's free leg swung forward only for each squat, which from
      the front shows *lower* in the picture (nearer the camera), so its height alone names the wrong leg.

    Where both find a stretch on different legs, the foot that stayed where it stood is the stance foot."""
    cfg = rules()["stance"]
    lift = foot_lift(kin) if lift is None else lift
    lifted: list[StanceStretch] = []
    for stance, raised in (("right", lift > cfg["raised_shank"]), ("left", lift < -cfg["raised_shank"])):
        # A foot put down briefly between two lifts, one of them long, is a loss of balance inside one stretch; in
        # walking each lift (a swing) is short.
        merged: list[list[int]] = []
        long = cfg["min_seconds"] * kin.fs
        for a, b in runs(np.nan_to_num(raised, nan=0).astype(bool)):
            if merged and (a - merged[-1][1]) / kin.fs < cfg["rejoin_s"] and max(
                    merged[-1][1] - merged[-1][0], b - a) >= long:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        lifted += [StanceStretch(a, b, _bending_leg(kin, a, b, stance)) for a, b in merged
                   if (b - a) / kin.fs >= cfg["min_seconds"]]
    moved = _excursion_stretches(kin)
    kept = [s for s in lifted if not any(m.stance != s.stance and m.start < s.stop and s.start < m.stop
                                         for m in moved)]
    out: list[StanceStretch] = []
    for s in sorted(kept + moved, key=lambda s: s.start):  # one stretch where the two overlap on the same leg
        if out and out[-1].stance == s.stance and s.start < out[-1].stop:
            last = out[-1]
            out[-1] = StanceStretch(last.start, max(last.stop, s.stop), s.stance,
                                    "lift" if "lift" in (last.by, s.by) else "excursion")
        else:
            out.append(s)
    return out


def _bending_leg(kin: Kinematics, start: int, stop: int, stance: str) -> str:
    """The stance leg of a stretch found by the lifted foot: ``stance``, unless the other knee is the one that bends
    with the squats (``[stance] bend_ratio`` times the range of ``stance``'s knee, 3-D landmarks, and at least
    ``bend_min_deg`` more). A free leg held forward and low, nearer the camera, shows lower in the picture than the
    stance foot; the stance knee bends through every squat while the free knee stays as it is held."""
    cfg = rules()["stance"]
    free = OTHER[stance]

    def bend_range(side: str) -> float:
        k = knee_flexion_3d(kin, side)[start:stop]
        return float(np.nanpercentile(k, 95) - np.nanpercentile(k, 5)) if np.isfinite(k).sum() > 5 else np.nan

    mine, other = bend_range(stance), bend_range(free)
    if np.isfinite(mine) and np.isfinite(other) and other > cfg["bend_ratio"] * mine and \
            other - mine >= cfg["bend_min_deg"]:
        return free
    return stance


def both_feet_down(kin: Kinematics) -> np.ndarray:
    """The samples on both feet: outside every stretch on one leg (:func:`stance_stretches`) with both knees
    straighter than ``[stance] straight_knees_deg`` (3-D landmarks). A clip filmed on one leg throughout has none."""
    on_one = np.zeros(len(kin.t), bool)
    for s in stance_stretches(kin):
        on_one[s.start:s.stop] = True
    with np.errstate(invalid="ignore"):
        straight = np.fmax(knee_flexion_3d(kin, "left"), knee_flexion_3d(kin, "right")) < \
            rules()["stance"]["straight_knees_deg"]
    return straight & ~on_one


def foot_excursions(kin: Kinematics) -> dict[str, np.ndarray] | None:
    """How far each ankle is from its place on the floor, in shank lengths, per sample; None when the clip never
    shows both feet down.

    A foot's place on the floor is where its ankle stands in the nearby samples (``[excursion] window_s``) with
    both feet down: both knees straight (3-D landmarks) and the ankles level in the picture. Taken near in time,
    so a camera cut or the person moving about does not move the reference."""
    cfg = rules()
    near = int(round(cfg["excursion"]["window_s"] * kin.fs))
    shank = kin.lengths.shank
    ankles = {side: kin.side(side, "ankle") for side in ("left", "right")}
    bent = np.fmax(knee_flexion_3d(kin, "left"), knee_flexion_3d(kin, "right"))
    level = np.abs(ankles["left"][:, 1] - ankles["right"][:, 1]) / shank < cfg["excursion"]["level_shank"]
    with np.errstate(invalid="ignore"):
        down = np.flatnonzero((bent < cfg["stance"]["straight_knees_deg"]) & level
                              & np.isfinite(ankles["left"][:, 0]) & np.isfinite(ankles["right"][:, 0]))
    if len(down) < 3:
        return None
    samples = np.arange(len(kin.t))
    first, last = np.searchsorted(down, samples - near), np.searchsorted(down, samples + near, side="right")
    out = {}
    for side, ankle in ankles.items():
        place = np.full_like(ankle, np.nan)
        for i in np.flatnonzero(last - first >= 3):  # the both-feet-down samples within ``near`` of sample i
            place[i] = np.median(ankle[down[first[i]:last[i]]], axis=0)
        out[side] = np.linalg.norm(ankle - place, axis=1) / shank
    return out


def _excursion_stretches(kin: Kinematics) -> list[StanceStretch]:
    """Stretches where one ankle has left its place on the floor and the other stays on its own (see
    :func:`stance_stretches`), widened by ``[excursion] pad_s`` each side to take in the squat around them."""
    cfg = rules()["excursion"]
    moved = foot_excursions(kin)
    if moved is None:
        return []
    pad = int(round(cfg["pad_s"] * kin.fs))
    out: list[StanceStretch] = []
    for stance, free in (("left", "right"), ("right", "left")):
        with np.errstate(invalid="ignore"):
            one = (moved[free] >= cfg["free_shank"]) & (moved[stance] <= cfg["stay_share"] * moved[free])
        for a, b in runs(one):
            if (b - a) / kin.fs >= cfg["min_seconds"]:
                a, b = max(0, a - pad), min(len(kin.t), b + pad)
                if out and out[-1].stance == stance and a <= out[-1].stop:
                    out[-1] = StanceStretch(out[-1].start, b, stance, "excursion")
                else:
                    out.append(StanceStretch(a, b, stance, "excursion"))
    return out


def knee_flexion_3d(kin: Kinematics, side: str) -> np.ndarray:
    part = lm.SIDES[side]
    hip, knee, ankle = (kin.world[:, part[k]] for k in ("hip", "knee", "ankle"))
    u, v = hip - knee, ankle - knee
    with np.errstate(invalid="ignore", divide="ignore"):  # a point missing or on top of another: NaN
        cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))


def find_repetitions(kin: Kinematics, source: int = 0, stretches: list[StanceStretch] | None = None
                     ) -> tuple[list[Repetition], list[int]]:
    """Single-leg squats: each with its stance leg and the measures at its bottom (``Repetition.measures``), in
    ``stretches`` (:func:`stance_stretches`, found here when not given)."""
    cfg = rules()
    rep_cfg = cfg["repetition"]
    half = int(rep_cfg["bottom_window_frames"])
    lift = foot_lift(kin)
    moved = None
    reps, bottoms = [], []
    for stretch in stance_stretches(kin, lift) if stretches is None else stretches:
        stance, free = stretch.stance, OTHER[stretch.stance]
        span = np.arange(stretch.start, stretch.stop)
        height = (kin.side(stance, "ankle")[:, 1] - kin.mid_hip[:, 1]) / kin.lengths.leg
        standing = np.nanpercentile(height[span], 90)
        drop = np.zeros(len(kin.t))
        drop[span] = np.nan_to_num(standing - height[span], nan=0.0)
        low = rep_cfg["min_hip_drop_leg"]
        peaks, _ = find_peaks(drop, height=low, prominence=0.6 * low, distance=max(1, int(0.8 * kin.fs)))
        clearance = lift if stance == "right" else -lift  # the free ankle's height above the stance ankle
        touch = cfg["stance"]["touch_shank"]
        if stretch.by == "excursion":  # the free foot swung forward may show lower: its distance from its place
            moved = moved if moved is not None else foot_excursions(kin)
            clearance, touch = moved[free], cfg["excursion"]["touch_shank"]
        flexion = knee_flexion_3d(kin, stance)
        previous = stretch.start
        for peak in peaks:
            depth = drop[peak]
            before = np.flatnonzero(drop[stretch.start:peak] < 0.3 * depth)
            after = np.flatnonzero(drop[peak:stretch.stop] < 0.3 * depth)
            start = stretch.start + int(before[-1]) if len(before) else stretch.start
            end = peak + int(after[0]) if len(after) else stretch.stop - 1
            if (end - start) / kin.fs < rep_cfg["min_duration_s"]:
                continue
            top = max(stretch.start, previous)  # upright on one leg before this squat: the highest hips since the last
            rest = top + int(np.argmin(drop[top:peak + 1]))
            previous = peak
            measures = _bottom_measures(kin, stance, free, rest, peak, half)
            # Two estimates of the knee's bend: the 3-D landmarks' angle (its depth axis scatters most from the
            # front) and the hips' drop in the picture read as the bend of two equal segments (exact when shank
            # and thigh share the bend, more when the hips go back further); their mean is judged.
            drop_angle = 2 * np.degrees(np.arccos(np.clip(1 - depth, -1, 1)))
            measures["knee_flexion_3d_deg"] = window_mean(flexion, peak, half)
            measures["knee_flexion_from_drop_deg"] = float(drop_angle)
            measures["knee_flexion_deg"] = float(np.nanmean([measures["knee_flexion_3d_deg"], drop_angle]))
            # A touch-down is the free foot coming down in the lower half of the squat: at its start and end the foot
            # may still be leaving or reaching the floor (a pistol's free leg swung forward for each squat).
            low = drop[start:end + 1] >= 0.5 * depth
            touched = (clearance[start:end + 1] < touch) & low
            measures["touch_downs"] = float(len(runs(np.nan_to_num(touched, nan=0).astype(bool))))
            measures["stance_left"] = float(stance == "left")
            reps.append(Repetition(len(reps) + 1, float(kin.t[start]), float(kin.t[peak]), float(kin.t[end]),
                                   source, int(kin.frame[peak]), float(depth)).with_measures(measures))
            bottoms.append(int(peak))
    return reps, bottoms


def _bottom_measures(kin: Kinematics, stance: str, free: str, rest: int, bottom: int, half: int) -> dict:
    """The frontal-plane measures of one repetition at its bottom, in the picture; ``rest`` is the moment before
    it, upright on one leg.

    The frontal-plane projection angle is defined on a picture taken square to the body. A camera only a few
    degrees off the front sees the knee's forward travel (~20 cm in a single-leg squat) as sideways travel: 5 deg
    of turn puts ~5 deg into the knee's angle. Neither the pose model's 3-D landmarks nor a camera fitted to them
    know the body's turn to better than ~5-10 deg (their depth scatters most), so correcting for it added as much
    error as it took out on the synthetic figure; the knee criteria claim near-square views instead
    (docs/validation.md).
    """
    def at(series: np.ndarray, sample: int = bottom) -> float:
        return window_mean(series, sample, half)

    hip, knee, ankle, toe = (kin.side(stance, k) for k in ("hip", "knee", "ankle", "toe"))
    free_hip = kin.side(free, "hip")
    # Medial = from the stance hip toward the free one. Not toward the mid-hip: on one leg the body's centre moves
    # over the stance foot, so the mid-hip stands above the toes or beyond them and its side of the toes is chance
    # (the shared single-leg squat published as good read 0.22 shank lengths "inside" with its knee outside them).
    medial = np.sign(at(free_hip[:, 0] - hip[:, 0]))
    hip_line = np.degrees(np.arctan2(free_hip[:, 1] - hip[:, 1], np.abs(free_hip[:, 0] - hip[:, 0])))
    toward_stance = np.sign(at(hip[:, 0] - free_hip[:, 0]))  # the stance side's direction in the picture
    return {
        "knee_fppa_deg": at(geo.fppa_where_seen(hip, knee, ankle, kin.mid_hip[:, 0], kin.lengths.thigh)),
        "knee_inside_toe_shank": medial * at(knee[:, 0] - toe[:, 0]) / kin.lengths.shank,
        "pelvic_drop_deg": at(hip_line) - at(hip_line, rest),  # + = the free side lower than before the squat
        "trunk_lean_deg": toward_stance * at(geo.lateral_inclination(kin.mid_hip, kin.mid_shoulder)),
    }


def _mean(reps: list[Repetition], key: str) -> float:
    values = np.array([r.measures.get(key, np.nan) for r in reps], float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else np.nan


def judge_view(kin: Kinematics, source: int = 0) -> ViewScreen:
    """One clip's single-leg squats; the criteria come from :func:`judge_views` over all clips of a session."""
    reps, bottoms = find_repetitions(kin, source)
    metrics = {f"repetitions_{side}": float(sum((r.measures["stance_left"] == 1.0) == (side == "left")
                                                for r in reps)) for side in ("left", "right")}
    view = ViewScreen(source, kin.view.kind, reps, [], 0 if reps else None, metrics, bottoms)
    view.criteria_any = judge_views([view], [kin])
    return view


def judge_views(views: list[ViewScreen], kins: list[Kinematics]) -> list[Criterion]:
    """The criteria of a session: each leg's repetitions from the clips whose view the criterion claims."""
    cfg = rules()
    out: list[Criterion] = []
    usable: dict[str, dict[str, list[tuple[Repetition, int, Kinematics]]]] = {}
    for cid in TITLES:
        if cid == "knee_difference":
            continue
        by_leg: dict[str, list] = {"left": [], "right": []}
        why = []
        for view, kin in zip(views, kins):
            reason = outside_views(cfg["views"][cid], kin.view.yaw_deg)
            if reason:
                why.append(reason)
                continue
            for rep, bottom in zip(view.repetitions, view.bottom_samples):
                by_leg["left" if rep.measures["stance_left"] == 1.0 else "right"].append((rep, bottom, kin))
        usable[cid] = by_leg
        if not by_leg["left"] and not by_leg["right"]:
            reason = why[0] if why else "no single-leg squat was found: stand on one leg, the other foot lifted in " \
                "front, and squat down and up 3-5 times on each leg"
            out.append(_na(cid, reason, views, kins))
            continue
        out.append(_leg_criterion(cid, by_leg, cfg))
    knee = next(c for c in out if c.id == "knee_inside_foot")
    out.append(_na("knee_difference", knee.reason, views, kins) if knee.state == "not_assessed" else
               _difference(usable["knee_inside_foot"], cfg))
    return out


def _na(cid: str, reason: str, views, kins) -> Criterion:
    view = kins[0].view.kind if kins else ""
    return Criterion(cid, TITLES[cid], "not_assessed", reason=reason, view=view, group="single_leg",
                     source=views[0].source if views else 0)


def _leg_criterion(cid: str, by_leg: dict[str, list], cfg: dict) -> Criterion:
    """The worse leg's mean, the verdict on it, and both legs in words."""
    c = cfg[cid]
    key = MEASURES[cid]
    means = {side: _mean([r for r, _, _ in reps], key) for side, reps in by_leg.items() if reps}
    worse_is_lower = cid == "single_leg_depth"
    worst = (min if worse_is_lower else max)(means, key=lambda s: means[s] if np.isfinite(means[s]) else -np.inf)
    value = means[worst]
    reps = by_leg[worst]
    # The key frame: the repetition of the worse leg that shows the value best (its own worst).
    pick = (min if worse_is_lower else max)(range(len(reps)), key=lambda i: np.nan_to_num(
        reps[i][0].measures.get(key, np.nan), nan=-np.inf if not worse_is_lower else np.inf))
    rep, _, kin = reps[pick]
    if cid == "single_leg_depth":
        state = "not_assessed" if not np.isfinite(value) else (
            "pass" if value >= c["pass_min"] else "borderline" if value >= c["fail_below"] else "fail")
        rule, margin = f">= {c['pass_min']:g} pass, < {c['fail_below']:g} fail", value - c["pass_min"]
    elif cid == "balance_kept":
        touches = {side: int(sum(r.measures["touch_downs"] > 0 for r, _, _ in legs)) for side, legs in by_leg.items()
                   if legs}
        worst = max(touches, key=touches.get)
        value = float(touches[worst])
        state = "pass" if value == 0 else "fail"
        rule, margin = "no touch-down pass, any fail", -value
        words = "; ".join(f"{side} leg: the free foot touched down in {n} of {len(by_leg[side])} repetitions"
                          for side, n in touches.items())
        return Criterion(cid, TITLES[cid], state, value, rule, "repetitions", rep.bottom_s, kin.view.kind, words + ".",
                         "single_leg", margin, c["label"], rep.source, rep.bottom_frame)
    else:
        state = banded(value, c["pass_max"], c["fail_above"])
        rule, margin = f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", c["pass_max"] - value
    unit = {"knee_inside_foot": "shank lengths"}.get(cid, "deg")
    words = "; ".join(f"{side} leg {_say(cid, means[side], unit)} (mean of {len(by_leg[side])} repetitions)"
                      for side in means)
    if cid == "knee_inside_foot":  # the FPPA is reported with it, as a measure only
        fppa = {side: _mean([r for r, _, _ in reps], "knee_fppa_deg") for side, reps in by_leg.items() if reps}
        measured = {side: v for side, v in fppa.items() if np.isfinite(v)}
        if measured:
            words += "; frontal-plane projection angle " + ", ".join(
                f"{side} {v:.1f} deg" for side, v in measured.items()) + \
                " (+ = valgus; a measure only: a camera a few degrees off square changes it by as much)"
        if len(measured) < len(fppa):
            words += "; frontal-plane projection angle not measured on the " + " and ".join(
                side for side in fppa if side not in measured) + " leg (the knee bent so far that the thigh " \
                "points at the camera: the angle is defined for squats to about 60 deg)"
    return Criterion(cid, TITLES[cid], state, float(value), rule, unit, rep.bottom_s, kin.view.kind,
                     f"{words}; judged on the {worst} leg.", "single_leg", float(margin), c["label"], rep.source,
                     rep.bottom_frame)


def _say(cid: str, value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "could not be measured"
    return {
        "knee_inside_foot": f"knee {abs(value):.2f} {unit} {'inside' if value > 0 else 'outside'} the toes",
        "free_side_pelvic_drop": f"free side of the pelvis {abs(value):.1f} deg {'lower' if value > 0 else 'higher'} "
                                 "than when the squat began",
        "trunk_lean_over_stance": f"trunk {abs(value):.1f} deg {'toward' if value > 0 else 'away from'} the stance "
                                  "side",
        "single_leg_depth": f"knee bent {value:.0f} deg at the bottom",
    }[cid]


def _difference(by_leg: dict[str, list], cfg: dict) -> Criterion:
    """The two legs' knee place over the toes at the bottom compared (spec D.1's side difference, on the knee's
    place rather than the FPPA: see the module's docstring). The knee's travel from upright would cancel the
    model's offsets of the knee and toe points, but a camera a few degrees off square adds the knee's forward
    travel to one leg's and takes it from the other's (like the FPPA), while the toes, ahead of the ankle as
    the knee is at the bottom, cancel most of it."""
    c, cid = cfg["knee_difference"], "knee_difference"
    means = {side: _mean([r for r, _, _ in reps], "knee_inside_toe_shank") for side, reps in by_leg.items()}
    if not all(np.isfinite(v) for v in means.values()):
        missing = [side for side, v in means.items() if not np.isfinite(v)]
        return Criterion(cid, TITLES[cid], "not_assessed", reason=f"no {' or '.join(missing)}-leg squat was measured "
                         "from the front: film both legs, 3-5 squats each", group="single_leg")
    value = abs(means["left"] - means["right"])
    rep, _, kin = max(by_leg["left"] + by_leg["right"], key=lambda x: x[0].measures["knee_inside_toe_shank"])

    def words(v: float) -> str:
        return f"{abs(v):.2f} shank lengths {'inside' if v > 0 else 'outside'} its toes"
    return Criterion(cid, TITLES[cid], banded(value, c["pass_max"], c["fail_above"]), float(value),
                     f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "shank lengths", rep.bottom_s,
                     kin.view.kind, f"At the bottom the left knee is {words(means['left'])} and the right knee "
                     f"{words(means['right'])}: {value:.2f} shank lengths apart.", "single_leg",
                     float(c["pass_max"] - value), c["label"], rep.source, rep.bottom_frame)


def leg_metrics(views: list[ViewScreen]) -> dict[str, float]:
    """Per leg: repetitions and each measure's mean, for the result's metrics."""
    out: dict[str, float] = {}
    for side in ("left", "right"):
        reps = [r for v in views for r in v.repetitions if (r.measures["stance_left"] == 1.0) == (side == "left")]
        out[f"repetitions_{side}"] = float(len(reps))
        for key in ("knee_fppa_deg", "knee_inside_toe_shank", "pelvic_drop_deg", "trunk_lean_deg",
                    "knee_flexion_deg"):
            out[f"{side}_{key}"] = _mean(reps, key)
    return out


def leg_states(metrics: dict[str, float], side: str) -> dict[str, tuple[str, float, str, float]]:
    """One leg judged on its own means (the result's metrics) with the criteria's bands: criterion id -> (state,
    value, unit, margin). The criteria judge the worse leg; this says how each leg fares (the headline)."""
    cfg = rules()
    out = {}
    for cid in ("knee_inside_foot", "free_side_pelvic_drop", "trunk_lean_over_stance", "single_leg_depth"):
        value = metrics.get(f"{side}_{MEASURES[cid]}")
        if value is None or not np.isfinite(value):
            continue
        c = cfg[cid]
        if cid == "single_leg_depth":
            state = "pass" if value >= c["pass_min"] else "borderline" if value >= c["fail_below"] else "fail"
            margin = value - c["pass_min"]
        else:
            state, margin = banded(value, c["pass_max"], c["fail_above"]), c["pass_max"] - value
        out[cid] = (state, float(value), {"knee_inside_foot": "shank lengths"}.get(cid, "deg"), float(margin))
    return out


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    return common.findings_from(criteria)
