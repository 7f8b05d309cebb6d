"""Gait (walking) screen: passes, heel-strike and toe-off events, spatiotemporal parameters (spec §C).

Pure computation on :class:`Kinematics`; no file or model access.

* Side view: events by Zeni's coordinate method adapted to pose (heel-strike = heel furthest in front of the
  mid-hip, toe-off = toe furthest behind it, along the walking direction of each pass), so walking left or right,
  turning round and entering or leaving the frame all work.
* Front or back view (walking toward or away from the camera): heel strikes from the vertical difference of
  the two heels (the leading foot is nearer the camera, so lower in the image when walking toward it). Toe-off,
  and with it stance, swing and double support, is not assessed from this view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.body import both_sides_length
from movement_screen.kinematics.filters import find_peaks, moving_mean, runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.common import ViewScreen, banded, in_range
from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding, GaitEvent, WalkPass

SIDES = ("left", "right")
TITLES = {
    "cadence": "Cadence within the normal adult range",
    "step_time_symmetry": "Left and right step times alike",
    "stance_symmetry": "Left and right stance times alike",
    "step_length_symmetry": "Left and right steps alike in length",
    "heel_first_contact": "Each foot lands heel first",
    "stance_phase": "Stance share of the gait cycle",
    "double_support": "Double-support share of the gait cycle",
    "walking_speed": "Walking speed",
    "step_length": "Step length for height",
    "trunk_forward_lean": "Trunk upright while walking",
    "arm_swing_symmetry": "Arms swing alike",
    "pelvic_drop": "Pelvis level in single support (Trendelenburg sign)",
    "trunk_lateral_lean": "No sideways trunk lean while walking",
}
LEG_SEGMENTS = ((lm.L_HIP, lm.L_KNEE), (lm.L_KNEE, lm.L_ANKLE))
SIDE_ONLY = {"stance_symmetry", "stance_phase", "double_support", "trunk_forward_lean", "arm_swing_symmetry",
             "step_length_symmetry", "heel_first_contact"}
FRONT_ONLY = {"pelvic_drop", "trunk_lateral_lean"}


@dataclass(frozen=True)
class Step:
    side: str  # the foot that lands
    start_s: float  # previous (other foot) heel strike
    end_s: float  # this heel strike
    pass_index: int

    @property
    def time_s(self) -> float:
        return self.end_s - self.start_s


def _na(cid: str, reason: str, view: str, source: int) -> Criterion:
    return Criterion(cid, TITLES[cid], "not_assessed", reason=reason, view=view, group="gait", source=source)


def _finite(values) -> np.ndarray:
    values = np.asarray(list(values), float)
    return values[np.isfinite(values)]


def _nanmean(values) -> float:
    values = _finite(values)
    return float(values.mean()) if len(values) else np.nan


def _median(values) -> float:
    values = _finite(values)
    return float(np.median(values)) if len(values) else np.nan


def progress_signal(kin: Kinematics, axis: str | None = None) -> tuple[np.ndarray, float]:
    """What walking moves, per sample, and the rate (per second) that counts as walking: the mid-hip across the
    picture in body heights (``axis`` "x", the side view's), or the log of the body's size in the picture ("y":
    toward or away, the front view's)."""
    if (axis or ("y" if kin.view.kind == "frontal" else "x")) == "y":
        # The trunk's length in the picture: the feet, one near and one far at each step, would make it wobble.
        size = np.linalg.norm(kin.mid_shoulder - kin.mid_hip, axis=1)
        return np.log(np.where(size > 0, size, np.nan)), 0.05  # the body's size changes 5 % per second or more
    return kin.mid_hip[:, 0] / kin.lengths.stature, load("gait")["passes"]["min_speed_statures_s"]


def find_passes(kin: Kinematics, source: int = 0) -> list[WalkPass]:
    """Stretches of steady walking in one direction: across the image (side view) or toward / away from the
    camera (front view, from the body growing or shrinking in the image). A walker facing the camera at up to
    35 deg may be crossing the picture on a diagonal more than coming nearer (far off, the body grows slowly):
    the way that gives more walking is taken."""
    if kin.view.kind != "frontal":
        return _passes_along(kin, "x", source)
    toward, across = _passes_along(kin, "y", source), _passes_along(kin, "x", source)
    return across if walked_s(across) > walked_s(toward) else toward


def progression_statures(kin: Kinematics, passes: list[WalkPass]) -> float:
    """How far the body travels through space in its longest pass, in body heights: across the picture (the
    mid-hip's travel) and, from the front, toward or away from the camera (the shoulders' width in the picture,
    which a squat or a lean does not change, read through a phone camera's focal length: ``[passes]
    focal_long_side``). Walking moves the body through space; feet stepping on the spot, or a squat that leans
    the trunk toward the camera, do not."""
    cfg = load("gait")["passes"]
    stature = kin.lengths.stature
    width = np.linalg.norm(kin.xy[:, lm.L_SHOULDER] - kin.xy[:, lm.R_SHOULDER], axis=1)
    upright = np.nanmedian(width[kin.standing]) if len(kin.standing) else np.nanmedian(width)
    focal = cfg["focal_long_side"] * max(kin.image_size) if kin.image_size else np.nan
    ends = max(1, int(round(cfg["end_window_s"] * kin.fs)))
    best = 0.0
    for walk in passes:
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s) + 1
        first, last = slice(a, min(b, a + ends)), slice(max(a, b - ends), b)
        with np.errstate(invalid="ignore"):
            across = abs(np.nanmedian(kin.mid_hip[last, 0]) - np.nanmedian(kin.mid_hip[first, 0])) / stature
            depth = 0.0
            if kin.view.kind == "frontal" and np.isfinite(focal) and upright > 0:
                tall = [stature * np.nanmedian(width[part]) / upright for part in (first, last)]
                depth = focal * abs(1 / tall[0] - 1 / tall[1]) if all(h > 0 for h in tall) else 0.0
        moved = float(np.hypot(np.nan_to_num(across), np.nan_to_num(depth)))
        best = max(best, moved)
    return best


def walked_s(passes: list[WalkPass]) -> float:
    """Seconds of steady walking in ``passes``."""
    return sum(p.end_s - p.start_s for p in passes)


def _passes_along(kin: Kinematics, axis: str, source: int) -> list[WalkPass]:
    cfg = load("gait")["passes"]
    fs = kin.fs
    window = max(3, int(cfg["speed_window_s"] * fs))
    frontal = axis == "y"
    signal, threshold = progress_signal(kin, axis)
    passes: list[WalkPass] = []
    for a, b in runs(np.isfinite(signal)):
        if (b - a) / fs < cfg["min_pass_s"] or b - a < 5:
            continue
        speed = moving_mean(np.gradient(signal[a:b]) * fs, window, mode="nearest")
        for direction in (1, -1):
            for c, d in runs(direction * speed > threshold):
                if (d - c) / fs >= cfg["min_pass_s"]:
                    passes.append(WalkPass(0, float(kin.t[a + c]), float(kin.t[a + d - 1]), direction,
                                           "y" if frontal else "x", source))
    passes.sort(key=lambda p: p.start_s)
    merged: list[WalkPass] = []
    for p in passes:  # a brief slowing (a limp's short step) does not end a pass
        if merged and merged[-1].direction == p.direction and p.start_s - merged[-1].end_s <= cfg["max_pause_s"]:
            merged[-1] = replace(merged[-1], end_s=max(merged[-1].end_s, p.end_s))
        else:
            merged.append(p)
    passes = merged
    return [WalkPass(i + 1, p.start_s, p.end_s, p.direction, p.axis, p.source) for i, p in enumerate(passes)]


def _refine(signal: np.ndarray, i: int) -> float:
    """Sub-sample position of a peak at ``i`` (parabola through three samples)."""
    if i <= 0 or i >= len(signal) - 1 or not np.isfinite(signal[i - 1:i + 2]).all():
        return 0.0
    y0, y1, y2 = signal[i - 1], signal[i], signal[i + 1]
    denom = y0 - 2 * y1 + y2
    return float(np.clip(0.5 * (y0 - y2) / denom, -0.5, 0.5)) if denom != 0 else 0.0


def _peaks(signal: np.ndarray, fs: float, cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    filled = np.where(np.isfinite(signal), signal, np.nanmin(signal) if np.isfinite(signal).any() else 0.0)
    peaks, props = find_peaks(filled, distance=max(1, int(cfg["min_stride_s"] * fs)),
                              prominence=cfg["min_prominence_leg"])
    keep = np.isfinite(signal[peaks])
    return peaks[keep], props["prominences"][keep]


def _alternate(events: list[tuple[float, str, float, int]]) -> list[tuple[float, str, float, int]]:
    """Heel strikes must alternate feet: of two in a row on one foot less than a stride apart, keep the more
    prominent (a stride or more apart, both are kept: the other foot's contact between was hidden)."""
    stride = load("gait")["events"]["min_stride_s"]
    out: list[tuple[float, str, float, int]] = []
    for event in sorted(events):
        if out and out[-1][1] == event[1] and event[0] - out[-1][0] < stride:
            if event[2] > out[-1][2]:
                out[-1] = event
            continue
        out.append(event)
    return out


def _crossing(kin: Kinematics, series: np.ndarray, i: int, level: float, first: int) -> float:
    """Sub-sample time at which ``series`` falls through ``level`` between its samples i-1 (above) and i (below);
    ``first`` is the sample of ``kin`` that ``series[0]`` belongs to."""
    above, below = series[i - 1], series[i]
    frac = float((above - level) / (above - below)) if above > below else 0.0
    return float(kin.t[first + i - 1] + frac / kin.fs)


def landings(kin: Kinematics, side: str, a: int, b: int) -> list[tuple[float, float, int]]:
    """Heel strikes of one foot walking toward or away from the camera: (time, clarity 0-1, sample).

    A foot in stance stands still on the floor, so it stops moving in the picture while the body keeps coming
    closer (or going away); in swing it moves fast. Its speed is measured in the body's current size per second,
    so a person far away and one close by look alike. A landing is where the speed falls below a small share of the
    foot's typical swing speed after a swing, and stays low for a while.
    """
    cfg = load("gait")["front_events"]
    part = lm.SIDES[side]
    foot = (kin.xy[a:b, part["heel"]] + kin.xy[a:b, part["ankle"]]) / 2  # the toes still come down after contact
    size = kin.mid_ankle[a:b, 1] - kin.mid_shoulder[a:b, 1]
    speed = np.linalg.norm(np.gradient(foot, axis=0), axis=1) * kin.fs / np.where(size > 0, size, np.nan)
    if np.isfinite(speed).sum() < 5:
        return []
    stride = load("gait")["events"]["min_stride_s"]
    swings, _ = find_peaks(np.nan_to_num(speed), distance=max(1, int(stride * kin.fs)))
    if len(swings) == 0:
        return []
    typical = float(np.median(speed[swings]))
    if typical < cfg["min_swing_speed"]:
        return []  # the feet hardly move: not walking
    low = typical * cfg["still_fraction"]
    hold = max(1, int(cfg["min_stance_s"] * kin.fs))
    out = []
    for peak in swings:
        if speed[peak] < cfg["swing_fraction"] * typical:
            continue
        after = np.flatnonzero(speed[peak:] < low)
        if not len(after):
            continue
        i = peak + int(after[0])
        if i + hold > len(speed) or np.nanmax(speed[i:i + hold]) >= cfg["swing_fraction"] * typical:
            continue
        out.append((_crossing(kin, speed, i, low, a), float(min(1.0, speed[peak] / typical)), a + i))
    return out


def _settle(kin: Kinematics, side: str, direction: int, peak: int, zeni_time: float) -> float:
    """The moment the landing heel stops moving forward over the ground, near Zeni's peak.

    Zeni's peak (heel furthest ahead of the hips) comes a little before contact, as the heel slows down while the
    hips go on. The other foot's toes stand on the floor at that moment (double support begins at heel strike),
    so the landing heel's distance ahead of them stops growing at contact, whatever the camera does. Searched
    from a few frames before the peak to a few after; Zeni's time is kept when no clear stop is seen.
    """
    cfg = load("gait")["events"]
    other = "right" if side == "left" else "left"
    reach = max(2, int(round(cfg["settle_window_s"] * kin.fs)))
    lo, hi = max(1, peak - reach), min(len(kin.t) - 1, peak + reach)
    gap = direction * (kin.side(side, "heel")[lo - 1:hi + 1, 0] - kin.side(other, "toe")[lo - 1:hi + 1, 0])
    speed = np.gradient(gap) * kin.fs / kin.lengths.leg  # leg lengths per second
    if not np.isfinite(speed).all() or len(speed) < 4:
        return zeni_time
    fastest = int(np.argmax(speed))
    top = speed[fastest]
    if top <= 0:
        return zeni_time
    slow = np.flatnonzero(speed[fastest:] < cfg["settle_fraction"] * top)
    if not len(slow):
        return zeni_time
    return _crossing(kin, speed, fastest + int(slow[0]), cfg["settle_fraction"] * top, lo - 1)


def _missed_landings(kin: Kinematics, strikes: list[tuple[float, str, float, int]], a: int, b: int
                     ) -> list[tuple[float, str, float, int]]:
    """Contacts Zeni's method misses across the picture: where one foot has two heel strikes in a row (or none
    yet at the start or end of the pass), the other foot's landing in between, found as the foot coming to rest
    (:func:`landings`). A step-to limp lands the weak foot level with or behind the other one, flat or on the
    forefoot, so its heel never gets far ahead of the hips; it still stops on the floor."""
    if not strikes:
        return []
    cfg = load("gait")["events"]
    rest = {side: landings(kin, side, a, b) for side in SIDES}
    ordered = sorted(strikes)
    gaps = [(p, q) for p, q in zip(ordered, ordered[1:]) if p[1] == q[1]]
    first, last = ordered[0], ordered[-1]
    edges = [(None, first), (last, None)]
    steps = [q[0] - p[0] for p, q in zip(ordered, ordered[1:]) if p[1] != q[1]]
    # Before the first and after the last contact, a landing must keep the walk's rhythm (not a shuffle).
    soon = load("gait")["steps"]["too_soon_fraction"] * float(np.median(steps)) if steps else cfg["min_step_s"]
    added = []
    for before, after in gaps + edges:
        side = "right" if (before or after)[1] == "left" else "left"
        keep_off = cfg["min_step_s"] if before and after else max(soon, cfg["min_step_s"])
        lo = before[0] + keep_off if before else float(kin.t[a])
        hi = after[0] - keep_off if after else float(kin.t[b - 1])
        inside = [(t, clarity, sample) for t, clarity, sample in rest[side] if lo <= t <= hi
                  and kin.visibility[sample, lm.SIDES[side]["ankle"]] >= cfg["min_visibility"]]
        if inside:
            t, clarity, sample = max(inside, key=lambda item: item[1])
            added.append((t, side, clarity * min((strike[2] for strike in ordered)), sample))
    return added


def detect_events(kin: Kinematics, passes: list[WalkPass]) -> tuple[list[GaitEvent], int]:
    """Heel-strike and toe-off events of both feet in every pass, and how many candidates were dropped.

    Across the picture: Zeni's coordinate method on the picture (heel furthest ahead of the mid-hip = heel
    strike, toe furthest behind = toe off). Toward the camera: the foot stopping in the picture (:func:`landings`).
    Away from it, where the picture cannot tell a landing foot from one still lowering: Zeni's method on the
    world landmarks, along the body's own forward axis. Each event's confidence is how well its foot point was
    seen times how clearly its peak stood out against the pass's typical one.
    """
    cfg = load("gait")["events"]
    fs, leg = kin.fs, kin.lengths.leg
    hip = kin.mid_hip
    events: list[GaitEvent] = []
    dropped = 0
    reach = max(1, int(round(0.1 * fs)))
    seen_at = ~np.isnan(kin.xy[:, :, 0]).all(axis=1)
    first_found = seen_at & ~np.concatenate([[False], seen_at[:-1]])  # a person's first frame after not being found

    def hidden(sample: int, point: int) -> str | None:
        """Why a contact is not timed when its foot point was poorly seen around it (behind furniture, the other
        leg, the picture's edge): the model then guesses the foot from the body, late or early."""
        around = slice(max(0, sample - reach), sample + reach + 1)
        seen = float(np.mean(kin.visibility[around, point]))
        if seen < cfg["min_visibility"]:
            return (f"the foot was hidden or poorly seen around this contact (visibility {seen:.2f} within 0.1 s, "
                    f"under {cfg['min_visibility']:g}): the model guesses a hidden foot")
        # A foot coming out from behind something jumps from where the model guessed it to where it is; near a
        # contact a seen foot moves slowly. The step out of a person's first frame after not being found (coming
        # into view past the picture's edge or from behind something) is not counted: that first pose starts from
        # the detector's rough region, not from a tracked one, and is off by a frame's jump in both pose backends
        # (0.09 and 0.11 body heights for the shared walk's walker stepping out from behind the tree).
        # A jump counts only out of being hidden: the point was poorly seen just before (``[events] hidden_before_s``).
        # A seen foot may swing fast into its landing (a brisk walk's heel moves over 3 body heights a second within
        # 0.1 s of it, which the speed alone had set aside on clean walks).
        step = np.linalg.norm(np.diff(kin.xy[around, point], axis=0), axis=1) * fs / kin.lengths.stature
        step[first_found[around][:len(step)]] = np.nan
        before = kin.visibility[max(0, sample - int(round(cfg["hidden_before_s"] * fs))):sample + reach + 1, point]
        was_hidden = len(before) and np.nanmin(before) < cfg["min_visibility"]
        if was_hidden and len(step) and np.nanmax(step) > cfg["jump_statures_s"]:
            return (f"the foot point jumped {np.nanmax(step) / fs:.2f} body heights in one frame around this contact: "
                    "it was probably hidden and guessed, so the contact's time is not known")
        return None

    def put_aside(kind: str, side: str, time: float, sample: int, walk: WalkPass, why: str) -> None:
        events.append(GaitEvent(kind, side, time, int(kin.frame[sample]), walk.index, walk.source,
                                round(float(kin.visibility[sample, lm.SIDES[side][
                                    "heel" if kind == "heel_strike" else "toe"]]), 3), why))

    away_in_3d = kin.body is not None
    if away_in_3d:
        legs = sum(both_sides_length(kin.world, kin.standing, *seg) for seg in LEG_SEGMENTS)
    for walk in passes:
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s) + 1
        found: dict[str, list[tuple[float, str, float, int]]] = {"heel_strike": [], "toe_off": []}
        if walk.axis == "y" and walk.direction < 0 and away_in_3d:
            ahead = kin.body.coords(kin.world[a:b])[..., 0]  # world landmarks are hip-centred already
        for side in SIDES:
            heel_i, toe_i = lm.SIDES[side]["heel"], lm.SIDES[side]["toe"]
            if walk.axis == "y" and (walk.direction > 0 or not away_in_3d):
                for time, clarity, sample in landings(kin, side, a, b):
                    why = hidden(sample, heel_i)
                    if why:
                        put_aside("heel_strike", side, time, sample, walk, why)
                        continue
                    found["heel_strike"].append((time, side, clarity, sample))
                continue
            if walk.axis == "x":
                heel, toe = kin.xy[a:b, heel_i, 0], kin.xy[a:b, toe_i, 0]
                signals = {"heel_strike": (walk.direction * (heel - hip[a:b, 0]) / leg, heel_i),
                           "toe_off": (-walk.direction * (toe - hip[a:b, 0]) / leg, toe_i)}
            else:
                signals = {"heel_strike": (ahead[:, heel_i] / legs, heel_i),
                           "toe_off": (-ahead[:, toe_i] / legs, toe_i)}
            for kind, (signal, point) in signals.items():
                peaks, prominences = _peaks(signal, fs, cfg)
                for peak, prominence in zip(peaks, prominences):
                    time = float(kin.t[a + peak] + _refine(signal, peak) / fs)
                    why = hidden(a + peak, point)
                    if why:
                        put_aside(kind, side, time, a + peak, walk, why)
                        continue
                    if walk.axis == "x" and kind == "heel_strike":
                        time = _settle(kin, side, walk.direction, a + peak, time)
                    found[kind].append((time, side, float(prominence), int(a + peak)))
        if walk.axis == "x":
            aside = [e for e in events if e.rejected and e.pass_index == walk.index and e.type == "heel_strike"]
            for time, side, clarity, sample in _missed_landings(kin, found["heel_strike"], a, b):
                if any(e.side == side and abs(e.time_s - time) < 0.15 for e in aside):
                    continue  # a contact already set aside as hidden is not found again by its foot coming to rest
                why = hidden(sample, lm.SIDES[side]["heel"])
                if why:
                    put_aside("heel_strike", side, time, sample, walk, why)
                else:
                    found["heel_strike"].append((time, side, clarity, sample))
        for kind, items in found.items():
            kept = _alternate(items) if kind == "heel_strike" else sorted(items)
            dropped += len(items) - len(kept)
            typical = float(np.median([c for _, _, c, _ in kept])) if kept else 1.0
            point = "heel" if kind == "heel_strike" else "toe"
            events += [GaitEvent(kind, side, time, int(kin.frame[sample]), walk.index, walk.source,
                                 round(float(min(1.0, clarity / typical if typical > 0 else 1.0)
                                             * kin.visibility[sample, lm.SIDES[side][point]]), 3))
                       for time, side, clarity, sample in kept]
    events.sort(key=lambda e: e.time_s)
    return events, dropped


def screen_steps(kin: Kinematics, events: list[GaitEvent], passes: list[WalkPass]
                 ) -> tuple[list[Step], list[GaitEvent]]:
    """Steps used for timing, and the events with the ones left out marked ``rejected`` and why.

    Within each pass each foot's rhythm is its median step time (a limp makes the two differ). A heel strike that
    comes far too soon after the last one (a double detection, shuffling at a turn) is left out; so is a step far
    slower than its foot's rhythm (a late or hidden contact) and one taken while the walker slows down or turns
    (the body moves much slower than in the rest of the pass). The first and last step of a long pass are dropped
    as acceleration and deceleration (spec C.1).
    """
    cfg = load("gait")["events"]
    rules = load("gait")["steps"]
    signal, _ = progress_signal(kin, passes[0].axis if passes else None)
    speed = np.abs(np.gradient(signal) * kin.fs)
    rejected: dict[tuple, str] = {}
    steps: list[Step] = []
    for walk in passes:
        strikes = [e for e in events if e.type == "heel_strike" and e.pass_index == walk.index
                   and e.rejected is None]
        # The rhythm of each foot's steps (a limp makes left and right steps differ, so one median would not do).
        rhythm = {}
        for side in SIDES:
            own = [b.time_s - a.time_s for a, b in zip(strikes, strikes[1:]) if b.side == side and a.side != side
                   and cfg["min_step_s"] <= b.time_s - a.time_s <= cfg["max_step_s"]]
            if own:
                rhythm[side] = float(np.median(own))
        if not rhythm:
            continue
        usual = float(np.median(list(rhythm.values())))
        kept = [strikes[0]] if strikes else []
        for e in strikes[1:]:
            gap = e.time_s - kept[-1].time_s
            expected = rhythm.get(e.side, usual)
            if gap < rules["too_soon_fraction"] * expected:
                rejected[_key(e)] = (f"extra contact {gap:.2f} s after the last one, where this foot's steps take "
                                     f"{expected:.2f} s (a double detection, or shuffling while slowing or turning)")
                continue
            kept.append(e)
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s)
        pace = float(np.nanmedian(speed[a:b + 1]))
        walk_steps = []
        for e0, e1 in zip(kept, kept[1:]):
            duration = e1.time_s - e0.time_s
            if e0.side == e1.side or not cfg["min_step_s"] <= duration <= cfg["max_step_s"]:
                continue
            during = float(np.nanmean(speed[kin.sample_at(e0.time_s):kin.sample_at(e1.time_s) + 1]))
            expected = rhythm.get(e1.side, usual)
            if duration > rules["too_slow_fraction"] * expected:
                rejected[_key(e1)] = (f"late or hidden contact: a step of {duration:.2f} s where this foot's steps "
                                      f"take {expected:.2f} s")
            elif during < rules["slowing_fraction"] * pace:
                rejected[_key(e1)] = (f"slowing down or turning: the body moved at {during / pace:.0%} of this "
                                      "pass's pace during the step")
            else:
                walk_steps.append(Step(e1.side, e0.time_s, e1.time_s, walk.index))
        if len(walk_steps) >= cfg["drop_edge_steps_from"]:
            walk_steps = walk_steps[1:-1]
        steps += walk_steps
    marked = [replace(e, rejected=rejected[_key(e)]) if _key(e) in rejected else e for e in events]
    return steps, marked


def at_the_edge(kin: Kinematics, events: list[GaitEvent]) -> list[GaitEvent]:
    """Events whose foot is at the edge of the picture are left out: the foot may be leaving it, not landing."""
    if kin.image_size is None:
        return events
    width, height = kin.image_size
    margin = load("gait")["events"]["edge_margin"]
    out = []
    for e in events:
        point = lm.SIDES[e.side]["heel" if e.type == "heel_strike" else "toe"]
        x, y = kin.xy[kin.sample_at(e.time_s), point]
        near = min(x, width - x) < margin * width or min(y, height - y) < margin * height
        out.append(replace(e, rejected="the foot is at the edge of the picture (it may be leaving it, not landing)")
                   if near and e.rejected is None else e)
    return out


def _key(e: GaitEvent) -> tuple:
    return (e.type, e.side, round(e.time_s, 4), e.pass_index)


def _left_out(count: int) -> str:
    return f" ({count} contact(s) left out: see events)" if count else ""


def _cycles(events: list[GaitEvent], side: str) -> list[dict]:
    """Gait cycles of one foot: heel strike to its next heel strike, with toe-off and double support."""
    cfg = load("gait")["events"]
    other = "right" if side == "left" else "left"

    def of(kind, foot, walk):
        return [e.time_s for e in events if e.type == kind and e.side == foot and e.pass_index == walk]

    cycles = []
    for walk in sorted({e.pass_index for e in events}):
        strikes = of("heel_strike", side, walk)
        offs, other_offs, other_strikes = of("toe_off", side, walk), of("toe_off", other, walk), of(
            "heel_strike", other, walk)
        for hs, next_hs in zip(strikes, strikes[1:]):
            stride = next_hs - hs
            if not 2 * cfg["min_step_s"] <= stride <= 2 * cfg["max_step_s"]:
                continue
            cycle = {"start": hs, "stride": stride}
            # Toe-off ends stance after the other foot has landed (terminal double support); a toe-off before
            # that is a tracking error (leg labels swapped or a foot hidden) and the cycle's phases are skipped.
            to = [t for t in offs if hs < t < next_hs and any(hs < h < t for h in other_strikes)]
            if to:
                cycle["stance"] = to[0] - hs
                cycle["swing"] = next_hs - to[0]
                initial = [t for t in other_offs if hs < t < to[0]]
                terminal = [t for t in other_strikes if hs < t < to[0]]
                if initial and terminal:
                    cycle["double"] = (initial[0] - hs) + (to[0] - terminal[0])
            cycles.append(cycle)
    return cycles


def _symmetry(left: float, right: float) -> tuple[float, float]:
    """Robinson symmetry index (%) and symmetry ratio (max/min)."""
    if not (np.isfinite(left) and np.isfinite(right)) or min(left, right) <= 0:
        return np.nan, np.nan
    return 100 * abs(left - right) / (0.5 * (left + right)), max(left, right) / min(left, right)


class _Judge:
    def __init__(self, kin: Kinematics, source: int, height_cm: float | None):
        self.kin, self.source, self.height_cm = kin, source, height_cm
        self.cfg = load("gait")
        self.view = kin.view.kind
        self.caveat = " Oblique view: read with care." if self.view == "oblique" else ""
        self.metrics: dict[str, float] = {}

    def crit(self, cid: str, state: str, value: float, threshold: str, unit: str, reason: str, margin: float,
             key: str) -> Criterion:
        c = self.cfg[key]
        return Criterion(cid, TITLES[cid], state, float(value), threshold, unit, None, self.view,
                         f"{reason} Reference: {c['source']}.{self.caveat}", "gait", float(margin), c["label"],
                         self.source)

    def ranged(self, cid: str, value: float, unit: str, what: str,
               without_one: list[tuple[float, float]] = ()) -> Criterion:
        """A value against its normal range. ``without_one``: (the value with one contact left out, that contact's
        time): a finding must hold with any single contact left out, else the milder verdict is given."""
        c = self.cfg[cid]

        def judged(v: float) -> str:
            return in_range(v, c["low"], c["high"], c["band"])

        state = judged(value)
        margin = min(value - c["low"], c["high"] - value)
        where = "within" if state == "pass" else ("below" if value < c["low"] else "above")
        reason = f"{what} {value:.2f} {unit}, {where} the {c['low']:g}-{c['high']:g} {unit} range."
        state, reason = _one_contact_cannot_decide(state, reason, [(judged(v), v, t) for v, t in without_one], unit)
        return self.crit(cid, state, value, f"{c['low']:g}-{c['high']:g} {unit} normal, +/-{c['band']:g} borderline",
                         unit, reason, margin, cid)

    def ratio(self, cid: str, left: float, right: float, what: str,
              without_one: list[tuple[float, float, float]] = (), unit: str = "s", note: str = ""
              ) -> Criterion | None:
        """Left against right. ``without_one``: (left, right, time) with one contact left out (see :meth:`ranged`)."""
        si, sr = _symmetry(left, right)
        if not np.isfinite(sr):
            return None
        c = self.cfg[cid]
        longer = "left" if left > right else "right"
        reason = (f"{what}: left {left:.3f} {unit}, right {right:.3f} {unit} (ratio {sr:.2f}, index {si:.1f} %, "
                  f"{longer} longer).{note}")
        others = [(banded(r, c["pass_max"], c["fail_above"]), r, t) for r, t in
                  ((_symmetry(a, b)[1], t) for a, b, t in without_one) if np.isfinite(r)]
        state, reason = _one_contact_cannot_decide(banded(sr, c["pass_max"], c["fail_above"]), reason, others,
                                                   "ratio")
        return self.crit(cid, state, sr, f"ratio <= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "ratio",
                         reason, c["pass_max"] - sr, cid)


SEVERITY = {"pass": 0, "borderline": 1, "fail": 2}


def _one_contact_cannot_decide(state: str, reason: str, others: list[tuple[str, float, float]], unit: str
                               ) -> tuple[str, str]:
    """The verdict a single contact cannot make: the mildest of ``state`` and the ``others`` (state, value, time of
    the contact left out), with the reason saying which contact made the difference."""
    if not others:
        return state, reason
    mildest = min(others, key=lambda o: SEVERITY[o[0]])
    if SEVERITY[mildest[0]] >= SEVERITY[state]:
        return state, reason
    return mildest[0], (f"{reason} Leaving out the single contact at {mildest[2]:.2f} s gives {mildest[1]:.2f} "
                        f"{unit} ({mildest[0]}): one contact never makes a finding, so the milder verdict is given.")


def _seen_steps(events: list[GaitEvent]) -> dict[str, int]:
    """Per foot, the steps between two well-seen heel strikes in a row (of the other foot, then this one) in one
    pass: what cadence and symmetry may rest on (a rejected contact sets no step)."""
    strikes = sorted((e for e in events if e.type == "heel_strike" and e.rejected is None), key=lambda e: e.time_s)
    seen = dict.fromkeys(SIDES, 0)
    for a, b in zip(strikes, strikes[1:]):
        if a.pass_index == b.pass_index and a.side != b.side:
            seen[b.side] += 1
    return seen


def _without_each_contact(steps: list[Step]) -> list[tuple[float, list[Step]]]:
    """For each heel strike the steps rest on: its time and the steps left when it is taken away (the step it
    ends and the step it starts)."""
    times = sorted({t for s in steps for t in (s.start_s, s.end_s)})
    return [(t, [s for s in steps if t not in (s.start_s, s.end_s)]) for t in times]


def _step_medians(steps: list[Step]) -> tuple[float, float]:
    return tuple(_median(s.time_s for s in steps if s.side == side) for side in SIDES)


def _cadence(left: float, right: float) -> float:
    per_foot = [v for v in (left, right) if np.isfinite(v)]
    return 60.0 * len(per_foot) / sum(per_foot) if per_foot else np.nan


def judge_view(kin: Kinematics, source: int = 0, height_cm: float | None = None) -> ViewScreen:
    """Passes, events, metrics and criteria of one view of walking."""
    passes = find_passes(kin, source)
    events, dropped = detect_events(kin, passes)
    steps, events = screen_steps(kin, at_the_edge(kin, events), passes)
    used = [e for e in events if e.rejected is None]
    judge = _Judge(kin, source, height_cm)
    m = judge.metrics
    view = kin.view.kind
    found: dict[str, Criterion] = {}

    strikes = [e for e in events if e.type == "heel_strike"]
    m["step_count"] = float(len(strikes))
    m["heel_strikes_left"] = float(sum(e.side == "left" for e in strikes))
    m["heel_strikes_right"] = float(sum(e.side == "right" for e in strikes))
    m["toe_offs"] = float(sum(e.type == "toe_off" for e in events))
    m["steps_timed"] = float(len(steps))
    m["events_dropped"] = float(dropped)
    m["events_rejected"] = float(sum(e.rejected is not None for e in events))
    m["passes"] = float(len(passes))
    for side in SIDES:
        m[f"step_time_{side}_s"] = _median(s.time_s for s in steps if s.side == side)
    # Median step times per foot: one late or extra contact cannot move them (a mean can, by 10 % on a short
    # pass), and a limp's long and short steps both count.
    m["cadence_steps_per_min"] = _cadence(m["step_time_left_s"], m["step_time_right_s"])
    times = [s.time_s for s in steps]
    m["step_time_iqr_s"] = float(np.subtract(*np.percentile(times, [75, 25]))) if len(times) >= 2 else np.nan
    si, sr = _symmetry(m["step_time_left_s"], m["step_time_right_s"])
    m["step_time_symmetry_index_pct"], m["step_time_symmetry_ratio"] = si, sr

    cycles = {side: _cycles(used, side) for side in SIDES}
    for side in SIDES:
        cs = cycles[side]
        m[f"stride_time_{side}_s"] = _nanmean(c["stride"] for c in cs)
        m[f"stance_time_{side}_s"] = _nanmean(c["stance"] for c in cs if "stance" in c)
        m[f"stance_pct_{side}"] = _nanmean(100 * c["stance"] / c["stride"] for c in cs if "stance" in c)
        m[f"swing_pct_{side}"] = 100 - m[f"stance_pct_{side}"]
        m[f"double_support_pct_{side}"] = _nanmean(100 * c["double"] / c["stride"] for c in cs if "double" in c)
    m["stance_pct"] = _nanmean(m[f"stance_pct_{s}"] for s in SIDES)
    m["double_support_pct"] = _nanmean(m[f"double_support_pct_{s}"] for s in SIDES)
    m["stance_symmetry_index_pct"], m["stance_symmetry_ratio"] = _symmetry(m["stance_time_left_s"],
                                                                          m["stance_time_right_s"])

    # Findings only from steps that were seen: at least min_seen_per_foot well-seen steps of each foot, and no
    # single contact may decide a verdict (each is left out in turn; the mildest verdict stands).
    seen = _seen_steps(events)
    m["steps_seen_left"], m["steps_seen_right"] = float(seen["left"]), float(seen["right"])
    need = int(load("gait")["steps"]["min_seen_per_foot"])
    too_few = (f"only {seen['left']} left and {seen['right']} right steps were seen well (between two visible "
               f"contacts): {need} of each foot are needed, so that no single contact decides it. Film a longer "
               "walk, or several passes, with the feet in view")
    without = [(t, _step_medians(rest)) for t, rest in _without_each_contact(steps)]
    if min(seen.values()) < need and steps:
        for cid in ("cadence", "step_time_symmetry", "stance_symmetry"):
            found[cid] = _na(cid, too_few, view, source)
    if np.isfinite(m["cadence_steps_per_min"]) and "cadence" not in found:
        found["cadence"] = judge.ranged("cadence", m["cadence_steps_per_min"], "steps/min",
                                        f"Cadence from the median of {len(steps)} steps"
                                        f"{_left_out(int(m['events_rejected']))} is",
                                        [(_cadence(*medians), t) for t, medians in without
                                         if np.isfinite(_cadence(*medians))])
    if "step_time_symmetry" not in found:
        crit = judge.ratio("step_time_symmetry", m["step_time_left_s"], m["step_time_right_s"], "Median step time",
                           [(*medians, t) for t, medians in without])
        if crit:
            found["step_time_symmetry"] = crit
    if "stance_symmetry" not in found:
        stance = {side: [(c["start"], c["stance"]) for c in cycles[side] if "stance" in c] for side in SIDES}
        crit = judge.ratio("stance_symmetry", m["stance_time_left_s"], m["stance_time_right_s"], "Mean stance time",
                           [(*(_nanmean(v for start, v in stance[side] if start != t) for side in SIDES), t)
                            for t in sorted({start for side in SIDES for start, _ in stance[side]})])
        if crit:
            found["stance_symmetry"] = crit
    if np.isfinite(m["stance_pct"]):
        found["stance_phase"] = judge.ranged("stance_phase", m["stance_pct"], "%", "Stance takes")
    if np.isfinite(m["double_support_pct"]):
        found["double_support"] = judge.ranged("double_support", m["double_support_pct"], "%", "Double support takes")

    _scaled(kin, passes, used, judge, found)
    if view != "frontal" and min(seen.values()) >= need:
        _limp(kin, passes, used, judge, found)
    if view != "frontal":
        _side_view(kin, passes, used, cycles, judge, found)
    else:
        _front_view(kin, passes, used, judge, found)

    for cid in TITLES:
        if cid in found:
            continue
        if not steps:
            reason = "no steps were found: film at least 4 steps walking across the camera's view"
        elif cid in ("walking_speed", "step_length"):
            reason = "needs a scale: give the person's height"
        elif cid in SIDE_ONLY and view == "frontal":
            reason = "needs a side view (toe-off and the sagittal plane are not visible from the front)"
        elif cid in FRONT_ONLY and view != "frontal":
            reason = "needs a front or back view (walking toward or away from the camera)"
        else:
            reason = "not enough complete gait cycles with both feet's events"
        found[cid] = _na(cid, reason, view, source)
    criteria = [found[cid] for cid in TITLES]
    return ViewScreen(source, view, [], [], None, m, [], criteria_any=criteria, events=events, passes=passes,
                      steps=steps)


def _scaled(kin, passes, events, judge, found) -> None:
    """Walking speed and step length, only when the person's height gives a metres-per-pixel scale."""
    m = judge.metrics
    if not judge.height_cm or not passes or passes[0].axis != "x":
        return
    scale = judge.height_cm / 100 / kin.lengths.stature
    speeds = []
    for walk in passes:
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s)
        if walk.end_s > walk.start_s:
            speeds.append(abs(kin.mid_hip[b, 0] - kin.mid_hip[a, 0]) * scale / (walk.end_s - walk.start_s))
    lengths = {side: [] for side in SIDES}
    for e in events:
        if e.type != "heel_strike":
            continue
        i = kin.sample_at(e.time_s)
        other = "right" if e.side == "left" else "left"
        lengths[e.side].append(abs(kin.side(e.side, "heel")[i, 0] - kin.side(other, "heel")[i, 0]) * scale)
    m["walking_speed_m_s"] = _nanmean(speeds)
    for side in SIDES:
        m[f"step_length_{side}_m"] = _nanmean(lengths[side])
    m["step_length_m"] = _nanmean(lengths["left"] + lengths["right"])
    if np.isfinite(m["walking_speed_m_s"]):
        found["walking_speed"] = judge.ranged("walking_speed", m["walking_speed_m_s"], "m/s", "Walking speed is")
    if np.isfinite(m["step_length_m"]):
        c = judge.cfg["step_length"]
        ratio = m["step_length_m"] / (judge.height_cm / 100)
        state = in_range(ratio, c["low_stature"], c["high_stature"], c["band"])
        found["step_length"] = judge.crit(
            "step_length", state, ratio, f"{c['low_stature']:g}-{c['high_stature']:g} x height normal",
            "statures", f"Mean step length {m['step_length_m']:.2f} m, {ratio:.2f} x height (perspective "
            "uncorrected: only the middle of the frame is accurate).", min(ratio - c["low_stature"],
                                                                          c["high_stature"] - ratio), "step_length")


def foot_angle(kin: Kinematics, side: str, direction: int) -> np.ndarray:
    """The foot's heel-to-toe line in the picture, deg above the walking direction (+ = toes up), with the
    foreshortening of a camera turned off the side taken out (the foot's length along the walk shrinks with the
    sine of the body's yaw, its rise does not)."""
    heel, toe = kin.side(side, "heel"), kin.side(side, "toe")
    yaw = kin.view.yaw_deg if np.isfinite(kin.view.yaw_deg) else 90.0
    along = direction * (toe[:, 0] - heel[:, 0]) / max(np.sin(np.radians(yaw)), 0.5)
    return np.degrees(np.arctan2(heel[:, 1] - toe[:, 1], along))


def contacts(kin: Kinematics, passes: list[WalkPass], events: list[GaitEvent]) -> dict[str, list[dict]]:
    """Per foot, each used heel strike across the picture with the step it ends and how the foot met the floor.

    ``length``: how far the landing foot's middle (between heel and toe) is ahead of the other foot's, in the
    body's current height in the picture (shoulders to ankles), so a walker coming nearer reads the same.
    ``toes_up``: the foot's angle to the floor around contact (the most toes-up within 0.1 s), over the same
    foot's angle while it stands flat (the quietest tenth of its frames in the pass): heel-first contact lifts
    the toes 10-20 deg; a flat or forefoot landing does not.
    """
    cfg = load("gait")["limp"]
    size = kin.mid_ankle[:, 1] - kin.mid_shoulder[:, 1]
    size = np.where(size > 0, size, np.nan)
    out: dict[str, list[dict]] = {side: [] for side in SIDES}
    reach = max(1, int(round(cfg["contact_window_s"] * kin.fs)))
    middle = {side: (kin.side(side, "heel")[:, 0] + kin.side(side, "toe")[:, 0]) / 2 for side in SIDES}
    speeds = {side: np.linalg.norm(np.gradient((kin.side(side, "heel") + kin.side(side, "toe")) / 2, axis=0),
                                   axis=1) / size for side in SIDES}
    for walk in passes:
        if walk.axis != "x":
            continue
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s) + 1
        for side in SIDES:
            other = "right" if side == "left" else "left"
            angle, speed = foot_angle(kin, side, walk.direction), speeds[side]
            inside = np.arange(a, b)
            quiet = inside[np.isfinite(speed[inside]) & np.isfinite(angle[inside])]
            if len(quiet) < 5:
                continue
            quiet = quiet[speed[quiet] <= np.percentile(speed[quiet], 10)]
            flat = float(np.median(angle[quiet]))
            for e in events:
                if e.type != "heel_strike" or e.side != side or e.pass_index != walk.index:
                    continue
                i = kin.sample_at(e.time_s)
                around = angle[max(0, i - reach):i + reach + 1]
                out[side].append({
                    "time": e.time_s,
                    "length": float(walk.direction * (middle[side][i] - middle[other][i]) / size[i]),
                    "toes_up": float(np.nanmax(around) - flat) if np.isfinite(around).any() else np.nan})
    return out


def _limp(kin, passes, events, judge, found) -> None:
    """What a limp changes besides timing, seen across the picture: step length left against right (a step-to
    gait brings one foot only level with the other) and how each foot meets the floor (heel first, or flat / on
    the forefoot)."""
    m, cfg = judge.metrics, judge.cfg
    per_foot = contacts(kin, passes, events)
    floor = cfg["limp"]["shortest_step"]
    for side in SIDES:
        m[f"step_length_{side}_body"] = _median(c["length"] for c in per_foot[side])
        m[f"toes_up_at_contact_{side}_deg"] = _median(c["toes_up"] for c in per_foot[side])

    def lengths(times_out=()):
        return tuple(max(_median(c["length"] for c in per_foot[side] if c["time"] not in times_out), floor)
                     for side in SIDES)

    left, right = m["step_length_left_body"], m["step_length_right_body"]
    if kin.view.kind != "sagittal":  # off the side, the feet's side-by-side gap adds to one step, takes from the other
        found["step_length_symmetry"] = _na("step_length_symmetry", "needs a side view (walking across the camera, "
                                            "square to it): turned off the side, the gap between the feet makes "
                                            "one step look longer", kin.view.kind, judge.source)
    elif np.isfinite(left) and np.isfinite(right):
        short = "left" if left < right else "right"
        note = ""
        if min(left, right) < floor:
            other = "right" if short == "left" else "left"
            where = "behind" if min(left, right) < 0 else "level with"
            note = (f" The {short} foot lands {where} the {other} (a step-to gait): its step is counted as "
                    f"{floor:g} body heights, so that the ratio can be given.")
        times = [c["time"] for side in SIDES for c in per_foot[side]]
        crit = judge.ratio("step_length_symmetry", *lengths(), "Median step length (in body heights in the picture)",
                           [(*lengths((t,)), t) for t in times], unit="body heights", note=note)
        if crit:
            found["step_length_symmetry"] = crit
            m["step_length_symmetry_ratio"] = crit.value
    toes = [m["toes_up_at_contact_left_deg"], m["toes_up_at_contact_right_deg"]]
    if all(np.isfinite(toes)):
        c = cfg["heel_first_contact"]
        low = float(min(toes))
        side = SIDES[int(np.argmin(toes))]
        state = "pass" if low >= c["pass_min_deg"] else ("fail" if low < c["fail_below_deg"] else "borderline")
        found["heel_first_contact"] = judge.crit(
            "heel_first_contact", state, low, f">= {c['pass_min_deg']:g} pass, < {c['fail_below_deg']:g} fail",
            "deg", f"At contact the toes are up {toes[0]:.0f} deg (left) and {toes[1]:.0f} deg (right) from the "
            f"foot's flat position (median over each foot's contacts): the {side} foot "
            + ("lands heel first too." if state == "pass" else "lands flat or on the forefoot." if state == "fail"
               else "lands nearly flat."), low - c["pass_min_deg"], "heel_first_contact")


def _side_view(kin, passes, events, cycles, judge, found) -> None:
    """Trunk lean, knee at heel strike and in swing, arm swing (side view)."""
    m = judge.metrics
    if not passes:
        return
    lean, arm = [], {side: [] for side in SIDES}
    for walk in passes:
        a, b = kin.sample_at(walk.start_s), kin.sample_at(walk.end_s) + 1
        lean.append(geo.inclination(kin.mid_hip[a:b], kin.mid_shoulder[a:b], walk.direction))
    lean = np.concatenate(lean)
    m["trunk_forward_lean_deg"] = float(np.nanmedian(lean)) if np.isfinite(lean).any() else np.nan
    for side in SIDES:
        knee = kin.angles[f"knee_flexion_{side}_deg"]
        strikes = [e for e in events if e.type == "heel_strike" and e.side == side]
        m[f"knee_flexion_heel_strike_{side}_deg"] = _nanmean(knee[kin.sample_at(e.time_s)] for e in strikes)
        swing_peaks = []
        offs = [e for e in events if e.type == "toe_off" and e.side == side]
        for off in offs:
            later = [e.time_s for e in strikes if e.time_s > off.time_s and e.pass_index == off.pass_index]
            if later:
                part = knee[kin.sample_at(off.time_s):kin.sample_at(later[0]) + 1]
                if np.isfinite(part).any():
                    swing_peaks.append(float(np.nanmax(part)))
        m[f"knee_flexion_swing_peak_{side}_deg"] = _nanmean(swing_peaks)
        shoulder, wrist = kin.side(side, "shoulder"), kin.side(side, "wrist")
        for cycle in cycles[side]:
            a, b = kin.sample_at(cycle["start"]), kin.sample_at(cycle["start"] + cycle["stride"]) + 1
            walk = next((p for p in passes if p.start_s <= cycle["start"] <= p.end_s), passes[0])
            angle = np.degrees(np.arctan2(walk.direction * (wrist[a:b, 0] - shoulder[a:b, 0]),
                                          wrist[a:b, 1] - shoulder[a:b, 1]))
            if np.isfinite(angle).sum() > 3:  # robust range: a hidden far arm gives stray points
                arm[side].append(float(np.nanpercentile(angle, 95) - np.nanpercentile(angle, 5)))
        m[f"arm_swing_{side}_deg"] = _nanmean(arm[side])
    if np.isfinite(m["trunk_forward_lean_deg"]):
        c = judge.cfg["trunk_forward_lean"]
        value = m["trunk_forward_lean_deg"]
        way = "forward" if value >= 0 else "backward"
        found["trunk_forward_lean"] = judge.crit(
            "trunk_forward_lean", banded(abs(value), c["pass_max"], c["fail_above"]), value,
            f"|lean| <= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg",
            f"The trunk leans {abs(value):.0f} deg {way} (median) while walking.", c["pass_max"] - abs(value),
            "trunk_forward_lean")
    left, right = m["arm_swing_left_deg"], m["arm_swing_right_deg"]
    if np.isfinite(left) and np.isfinite(right) and right > 0:
        asa = abs(45 - np.degrees(np.arctan(left / right))) / 90 * 100
        m["arm_swing_asymmetry_pct"] = asa
        c = judge.cfg["arm_swing_symmetry"]
        found["arm_swing_symmetry"] = judge.crit(
            "arm_swing_symmetry", banded(asa, c["pass_max"], c["fail_above"]), asa,
            f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "%",
            f"Arm swing left {left:.0f} deg, right {right:.0f} deg (asymmetry {asa:.0f} %). The far arm is partly "
            "hidden in a side view.", c["pass_max"] - asa, "arm_swing_symmetry")


def _front_view(kin, passes, events, judge, found) -> None:
    """Pelvic drop, trunk lateral lean and step width proxy (front or back view)."""
    m = judge.metrics
    if not passes:
        return
    obliquity = geo.line_tilt(kin.side("left", "hip"), kin.side("right", "hip"))
    obliquity = obliquity - np.nanmedian(obliquity[kin.standing])
    lateral = kin.angles["trunk_lateral_deg"]
    inside = np.zeros(len(kin.t), bool)
    for walk in passes:
        inside[kin.sample_at(walk.start_s):kin.sample_at(walk.end_s) + 1] = True
    if inside.any() and np.isfinite(obliquity[inside]).any():
        m["pelvic_drop_max_deg"] = float(np.nanmax(np.abs(obliquity[inside])))
        m["trunk_lateral_lean_max_deg"] = float(np.nanmax(np.abs(lateral[inside])))
        for cid, key, what in (("pelvic_drop", "pelvic_drop_max_deg", "The pelvis tilted up to"),
                               ("trunk_lateral_lean", "trunk_lateral_lean_max_deg", "The trunk leaned sideways up to")):
            c = judge.cfg[cid]
            value = m[key]
            found[cid] = judge.crit(cid, banded(value, c["pass_max"], c["fail_above"]), value,
                                    f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} fail", "deg",
                                    f"{what} {value:.0f} deg from level while walking (frontal-plane angles "
                                    "from 2-D video are rough, +/-5-10 deg).", c["pass_max"] - value, cid)
    widths = []
    for e in events:
        if e.type == "heel_strike":
            i = kin.sample_at(e.time_s)
            widths.append(abs(kin.side("left", "ankle")[i, 0] - kin.side("right", "ankle")[i, 0]))
    m["step_width_hip_widths"] = _nanmean(widths) / kin.lengths.hip_width if widths else np.nan


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    return common.merge_views(views, lambda: [_na(cid, "no walking was found", "", 0) for cid in TITLES])


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    return common.findings_from(criteria)
