"""Sit-to-stand: standing up from a chair without arms and sitting down again, from the side (or a front view).

Pure computation on :class:`Kinematics`; no file or model access. Two timed, standardised outcome measures, each
against published age norms (``sit_to_stand.toml``, [N]): the five-times sit-to-stand time (5xSTS: from the start of
the first rise to the fifth full stand; Bohannon 2006, Buatois 2008) and the 30-second chair-stand count (full stands
in 30 s from the start of the first rise; Rikli & Jones). They need the person's age (and sex for the 30-s count):
without them the time and count are still measured and given, with the verdict ``not_assessed`` saying what is
missing. How the person rises, each a banded convention [C] over the median stand: the hands pushing on the thighs
or the seat (the wrists low toward the knees instead of crossed on the chest), the trunk's lean at seat-off, the
knees moving inward during the rise (front view), and sitting down much faster than the rise ("plops down").

Stands are found in the hips' height in the picture, which every view shows: a rise crosses half the way from the
seated to the standing level after the hips sat on the seat; it is full when the hips reach the standing level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_screen.contract.config import load
from movement_screen.contract.result import Criterion, Finding, Repetition
from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.filters import runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.screens import common
from movement_screen.screens.single_leg import knee_flexion_3d
from movement_screen.screens.common import ViewScreen, banded, camera_turn

TITLES = {
    "five_times_sit_to_stand": "Five-times sit-to-stand time (against age norms)",
    "chair_stand_30s": "30-second chair stands (against age and sex norms)",
    "hands_on_thighs": "Rises without pushing with the hands",
    "trunk_lean_seat_off": "Trunk lean at seat-off",
    "knees_inward_rise": "Knees in line while rising (front view)",
    "uncontrolled_sit": "Sits down under control",
}
TIMED_IDS = ("five_times_sit_to_stand", "chair_stand_30s")
HOW_IDS = ("hands_on_thighs", "trunk_lean_seat_off", "knees_inward_rise", "uncontrolled_sit")
SEXES = ("female", "male")


@dataclass(frozen=True)
class Stand:
    """One rise from the seat (sample indices into the kinematics)."""

    seat_off: int  # the last sample with the hips on the seat before the rise
    half: int  # the hips cross half way up
    full: int | None  # the hips reach the standing level (None: the rise stopped short)
    down: int | None  # the hips cross half way down again (None: still up when the clip ends)
    seated: int | None  # back on the seat
    rise_s: float | None  # between 20 % and 80 % of the hips' travel, up
    sit_s: float | None  # ... and down


def hip_rise(kin: Kinematics) -> np.ndarray:
    """The hips' height as a share of their travel: 0 = the seated level, 1 = standing; NaN when the hips do not
    travel far enough to be a sit-to-stand.

    In the picture (5th and 95th percentiles of the clip's hip height), which every view shows and whose timing
    docs/validation.md checks. When the person also walks about (a Timed Up-and-Go: the walk away and back moves
    the hips up and down the picture), the picture's seated level no longer holds for every seat: where the hips
    rest on the seat (:func:`seated_rests`) above ``[stands] seated_below`` of the picture's travel, the hips'
    height over the knees in the body's own frame is used instead (0 = its median at rest on the seat)."""
    cfg = load("sit_to_stand")["stands"]
    height = -kin.mid_hip[:, 1]
    if not np.isfinite(height).any():
        return np.full(len(height), np.nan)
    low, high = np.nanpercentile(height, 5), np.nanpercentile(height, 95)
    if (high - low) / kin.lengths.leg < cfg["min_travel_leg"]:
        return np.full(len(height), np.nan)
    rise = (height - low) / (high - low)
    rests = seated_rests(kin)
    if rests:
        at_rest = np.concatenate([np.arange(a, b) for a, b in rests])
        if np.nanmax([np.nanmedian(rise[a:b]) for a, b in rests]) > cfg["seated_below"]:
            above = hips_over_knees(kin)
            seat, up = np.nanmedian(above[at_rest]), np.nanpercentile(above, 95)
            if np.isfinite(seat) and up - seat > 0.5:
                rise = (above - seat) / (up - seat)
    return _filled(rise)


def _filled(x: np.ndarray) -> np.ndarray:
    good = np.isfinite(x)
    if not good.any():
        return x
    return np.where(good, x, np.interp(np.arange(len(x)), np.flatnonzero(good), x[good]))


def hips_over_knees(kin: Kinematics) -> np.ndarray:
    """The hips' height above the knees in the body's own frame (3-D landmarks), in thigh lengths: about 1.2-1.3
    standing, near 0 seated with the thighs level, below 0 deep in a squat. NaN without 3-D landmarks."""
    if kin.body is None:
        return np.full(len(kin.t), np.nan)
    coords = kin.body.coords(kin.world)
    knees = (coords[:, lm.L_KNEE, 2] + coords[:, lm.R_KNEE, 2]) / 2
    hips = (coords[:, lm.L_HIP, 2] + coords[:, lm.R_HIP, 2]) / 2
    return (hips - knees) / _thigh(kin)


def _thigh(kin: Kinematics) -> float:
    return float(np.nanmedian(np.linalg.norm(kin.world[:, lm.L_HIP] - kin.world[:, lm.L_KNEE], axis=1)))


def on_seat(kin: Kinematics) -> np.ndarray:
    """Samples where the hips rest on a support (``[seat]``): one leg's knee and ankle seen, the thighs near level
    (the hips near knee height in the body's frame), the knees bent, the shins upright or tucked back, the hands not
    down by the feet, and the hips not moving in the picture. A free squat passes through such hips without
    stopping, its shins leaning forward to keep the balance."""
    cfg = load("sit_to_stand")["seat"]
    n = len(kin.t)
    if kin.body is None:
        return np.zeros(n, bool)
    above = hips_over_knees(kin)
    shins = shin_lean(kin)
    # the 3-D landmarks' knee angle: from the front the picture's angle hides the bend
    left, right = knee_flexion_3d(kin, "left"), knee_flexion_3d(kin, "right")
    knees = np.where(np.isfinite(left) & np.isfinite(right), (left + right) / 2, np.fmax(left, right))
    speed = np.abs(np.gradient(kin.mid_hip[:, 1])) * kin.fs / kin.lengths.leg
    coords = kin.body.coords(kin.world)
    hands = ((coords[:, lm.L_WRIST, 2] + coords[:, lm.R_WRIST, 2]) - (coords[:, lm.L_KNEE, 2] + coords[:, lm.R_KNEE, 2])
             ) / 2 / _thigh(kin)
    # The legs must be seen: with them outside the picture the model guesses knees and ankles from the trunk
    # (a clip of the top half of a squat had "rested on a seat").
    seen = np.fmax(*(np.fmin(kin.visibility[:, lm.SIDES[side]["knee"]], kin.visibility[:, lm.SIDES[side]["ankle"]])
                     for side in ("left", "right")))
    with np.errstate(invalid="ignore"):
        return ((seen >= cfg["legs_seen"])
                & (above >= cfg["hips_over_knees_thigh"][0]) & (above <= cfg["hips_over_knees_thigh"][1])
                & (knees >= cfg["knee_min_deg"]) & (shins <= cfg["shin_max_deg"]) & (speed <= cfg["still_leg_s"])
                & ~(hands < cfg["hands_below_knees_thigh"]))


def shin_lean(kin: Kinematics) -> np.ndarray:
    """The shins' forward lean from upright, deg (+ = the knees ahead of the ankles), per sample: from the 3-D
    landmarks, and in a view within ``[seat] picture_shin_yaw_deg`` of side-on also from the picture, taking the
    larger. The 3-D landmarks' depth scatters: the shared side-on squat 7032, filmed mirrored, read 17-19 deg of
    shin lean at its bottom there (31-33 as filmed) and rested "on a seat", while the picture read 29-31 both ways.
    The picture shows the forward lean shortened by the sine of the body's turn, and the legs' sideways lean
    (knees out) cancels in the mean of the two legs; the chairs' shins read 4-8 and 15-20 deg in it."""
    cfg = load("sit_to_stand")["seat"]
    lean = kin.body.sagittal_inclination(kin.world_mid(lm.L_ANKLE, lm.R_ANKLE), kin.world_mid(lm.L_KNEE, lm.R_KNEE))
    if not np.isfinite(kin.view.yaw_deg) or kin.view.yaw_deg < cfg["picture_shin_yaw_deg"]:
        return lean
    picture = geo.inclination_off_side(kin.mid(lm.L_ANKLE, lm.R_ANKLE), kin.mid(lm.L_KNEE, lm.R_KNEE),
                                       kin.view.facing, kin.view.yaw_deg)
    return np.fmax(lean, picture)


def seated_rests(kin: Kinematics) -> list[tuple[int, int]]:
    """Sample ranges [start, stop) where the hips rest on a support for ``[seat] rest_s`` or more."""
    cfg = load("sit_to_stand")["seat"]
    gap = int(round(cfg["gap_s"] * kin.fs))
    merged: list[list[int]] = []
    for a, b in runs(on_seat(kin)):
        if merged and a - merged[-1][1] <= gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged if (b - a) / kin.fs >= cfg["rest_s"]]


def supported_rests(kin: Kinematics) -> list[tuple[int, int]]:
    """The :func:`seated_rests` that tell a seat from a squat held at its bottom. From the front the shins' lean is
    read along the camera's axis, where the 3-D landmarks' depth scatters, so a free squat held still for its
    second at the bottom (the filming guide's hold) may read as seated: there a rest counts when it lasts longer
    than such a hold (``[seat] front_rest_s``), or the hips rise from low again and again (``front_stands``), as
    in the timed tests."""
    cfg = load("sit_to_stand")["seat"]
    rests = seated_rests(kin)
    if kin.view.kind != "frontal" or not rests:
        return rests
    if sum(s.full is not None for s in find_stands(kin)) >= cfg["front_stands"]:
        return rests
    return [(a, b) for a, b in rests if (b - a) / kin.fs >= cfg["front_rest_s"]]


def rises_from_seat(kin: Kinematics, rests: list[tuple[int, int]] | None = None) -> int:
    """How many times the person stands up fully from resting on the seat, in the body's own frame (hips over
    knees): the sit-to-stand's signature, once or repeatedly. Sitting down once, and staying there, is no rise.
    ``rests``: :func:`supported_rests`, when already at hand."""
    cfg = load("sit_to_stand")["seat"]
    rests = supported_rests(kin) if rests is None else rests
    if not rests:
        return 0
    above = hips_over_knees(kin)
    with np.errstate(invalid="ignore"):
        up = above >= cfg["standing_thigh"]
    count = 0
    for i, (a, b) in enumerate(rests):
        count += int(up[b:rests[i + 1][0] if i + 1 < len(rests) else len(up)].any())
    return count


def find_stands(kin: Kinematics) -> list[Stand]:
    """Every rise from the seat, in order, each with where it became a full stand and sat down again."""
    cfg = load("sit_to_stand")["stands"]
    r = hip_rise(kin)
    if not np.isfinite(r).any():
        return []
    n = len(r)
    half = cfg["half_way"]
    ups = np.flatnonzero((r[:-1] < half) & (r[1:] >= half)) + 1
    downs = np.flatnonzero((r[:-1] >= half) & (r[1:] < half)) + 1
    knees = np.fmax(knee_flexion_3d(kin, "left"), knee_flexion_3d(kin, "right"))
    stands: list[Stand] = []
    last_end = 0
    for up in ups:
        if up < last_end:
            continue
        seat = _seat_level(r[last_end:up], cfg)
        if seat is None:  # not a rise from the seat (the clip began part-way up, or a half sit)
            continue
        seat_off = last_end + int(np.flatnonzero(r[last_end:up] <= seat)[-1])
        later = downs[downs > up]
        down = int(later[0]) if len(later) else None
        stop = down if down is not None else n
        reached = np.flatnonzero(r[up:stop] >= cfg["full_stand_above"])
        full = up + int(reached[0]) if len(reached) else None
        if full is None:  # people stand a little less tall on some rises: straight knees near the top are a stand
            top = up + int(np.nanargmax(r[up:stop]))
            near_top = up + np.flatnonzero(r[up:stop] >= cfg["full_stand_min"])
            with np.errstate(invalid="ignore"):
                if len(near_top) and np.nanmin(knees[near_top]) <= cfg["full_stand_knees_deg"]:
                    full = top
        seated = None
        if down is not None:
            after = r[down:ups[ups > down][0]] if (ups > down).any() else r[down:]
            back_level = _seat_level(after, cfg)
            back = np.flatnonzero(after <= back_level) if back_level is not None else []
            seated = down + int(back[0]) if len(back) else None
        stands.append(Stand(seat_off, int(up), full, down, seated, _between(kin, r, up, +1, cfg),
                            _between(kin, r, down, -1, cfg) if down is not None else None))
        last_end = seated if seated is not None else n
    return stands


def _seat_level(r: np.ndarray, cfg: dict) -> float | None:
    """How low the hips count as on the seat in a stretch between stands: within ``seated_below`` of the stretch's
    lowest hips, when those come down to ``seated_max`` of the travel or lower (a person sitting a little further
    forward or back on the chair than at their lowest still sits); None when the hips never come down that far."""
    if not len(r) or not np.isfinite(r).any():
        return None
    lowest = float(np.nanmin(r))
    if lowest > cfg["seated_max"]:
        return None
    return max(cfg["seated_below"], lowest + cfg["seated_below"])


def _between(kin: Kinematics, r: np.ndarray, cross: int, direction: int, cfg: dict) -> float | None:
    """Time the hips take between ``timing_low`` and ``timing_high`` of their travel around a half-way crossing,
    each crossing placed between samples (a rise lasts a few tenths of a second: whole frames would be too coarse)."""
    low, high = cfg["timing_low"], cfg["timing_high"]
    first, last = (low, high) if direction > 0 else (high, low)
    before = np.flatnonzero(direction * (r[:cross] - first) <= 0)
    after = np.flatnonzero(direction * (r[cross:] - last) >= 0)
    if not len(before) or not len(after):
        return None
    return _crossing(kin.t, r, cross + int(after[0]), last) - _crossing(kin.t, r, int(before[-1]) + 1, first)


def _crossing(t: np.ndarray, r: np.ndarray, i: int, level: float) -> float:
    """The time ``r`` crosses ``level`` between samples ``i - 1`` and ``i``, by straight-line interpolation."""
    if i <= 0 or i >= len(r) or r[i] == r[i - 1]:
        return float(t[min(max(i, 0), len(t) - 1)])
    share = float(np.clip((level - r[i - 1]) / (r[i] - r[i - 1]), 0.0, 1.0))
    return float(t[i - 1] + share * (t[i] - t[i - 1]))


def onset(kin: Kinematics, stand: Stand) -> int | None:
    """The start of a rise: the last sample before seat-off at which the shoulders were still at rest (seated
    still). None when the person did not sit still long enough before it for the start to be seen."""
    cfg = load("sit_to_stand")["stands"]
    r = hip_rise(kin)
    shoulders = kin.mid_shoulder
    run = stand.seat_off
    while run > 0 and r[run - 1] <= cfg["seated_below"]:
        run -= 1
    rest = int(round(cfg["rest_before_s"] * kin.fs))
    if stand.seat_off - run < rest + 2:
        return None
    still = np.nanmedian(shoulders[run:run + rest], axis=0)
    moved = np.linalg.norm(shoulders[run:stand.seat_off + 1] - still, axis=1) / kin.lengths.trunk
    calm = np.flatnonzero(moved <= cfg["onset_trunk"])
    if not len(calm) or calm[0] > rest:  # never at rest at the start of the seated stretch
        return None
    return run + int(calm[-1])


def _band(table: dict, age: float) -> tuple[str, float] | None:
    for band, value in table.items():
        low, high = (int(x) for x in band.split("-"))
        if low <= age < high + 1:
            return band, value
    return None


def _ages(table: dict) -> str:
    bands = sorted(int(x) for band in table for x in band.split("-"))
    return f"{bands[0]}-{bands[-1]}"


class _Judge:
    def __init__(self, kin: Kinematics, stands: list[Stand], source: int, age: float | None, sex: str | None):
        self.kin, self.stands, self.source, self.age, self.sex = kin, stands, source, age, sex
        self.cfg = load("sit_to_stand")
        self.view = kin.view.kind
        self.yaw = kin.view.yaw_deg
        self.full = [s for s in stands if s.full is not None]
        self.metrics: dict[str, float] = {"full_stands": float(len(self.full)), "stands_started": float(len(stands))}
        self.start = onset(kin, stands[0]) if stands else None
        # Filmed as people are: the first rise may come after under a second on the seat, before its start (the
        # trunk's first lean) can be seen; then the tests are timed from the first seat-off, and say so.
        self.from_seat_off = self.start is None and bool(stands)
        if self.from_seat_off:
            self.start = stands[0].seat_off
        if self.start is not None:
            self.metrics["first_rise_start_s"] = float(kin.t[self.start])

    def at(self, sample: int) -> tuple[float, int]:
        return float(self.kin.t[sample]), int(self.kin.frame[sample])

    def na(self, cid: str, reason: str, value: float | None = None, unit: str | None = None,
           sample: int | None = None) -> Criterion:
        time, frame = self.at(sample) if sample is not None else (None, None)
        return Criterion(cid, TITLES[cid], "not_assessed", value, None, unit, time, self.view, reason, "sit_to_stand",
                         None, self.cfg[cid]["label"], self.source, frame)

    def unmeasurable(self, cid: str) -> str | None:
        low, high = self.cfg["views"][cid]
        if not np.isfinite(self.yaw):
            return "the 3-D landmarks needed to tell the camera's angle are missing"
        if low <= self.yaw <= high:
            return None
        need = "a side view" if low > 0 else "a front or back view"
        return (f"{need} is needed: this clip sees the body {self.yaw:.0f} deg from facing the camera, and this "
                f"criterion is measured only between {low:g} and {high:g} deg; {camera_turn(self.yaw, low, high)}")

    def no_start(self) -> str:
        return ("the start of the first rise was not seen: begin filming with the person sitting still, arms crossed "
                f"on the chest, for at least {self.cfg['stands']['rest_before_s'] + 0.2:.1f} s before they stand")

    def timed_from(self) -> str:
        if not self.from_seat_off:
            return "the start of the first rise"
        return ("the first seat-off (the person sat for under a second before it, too briefly to see the first lean "
                "start: a stopwatch started on 'go' also counts that lean, so it reads a little longer)")

    # -- the timed tests ---------------------------------------------------------------------------------------
    def five_times(self) -> Criterion:
        cid, c = "five_times_sit_to_stand", self.cfg["five_times_sit_to_stand"]
        need = int(c["stands"])
        if len(self.full) < need:
            return self.na(cid, f"{len(self.full)} full stand(s) were found: {need} are needed (stand up fully and "
                           f"sit down {need} times)")
        if self.start is None:
            return self.na(cid, self.no_start())
        fifth = self.full[need - 1].full
        seconds = float(self.kin.t[fifth] - self.kin.t[self.start])
        self.metrics["five_times_sit_to_stand_s"] = seconds
        measured = f"{need} stands took {seconds:.1f} s from {self.timed_from()} to the {need}th full stand"
        if self.age is None:
            return self.na(cid, f"{measured}; no age given: the norms are by age", seconds, "s", fifth)
        band = _band(c["norm_s"], self.age)
        if band is None:
            return self.na(cid, f"{measured}; no norm for age {self.age:g} in these sources (ages "
                           f"{_ages(c['norm_s'])}): reported without a verdict", seconds, "s", fifth)
        decade, norm = band
        fall = c["fall_risk_s"]
        state = "pass" if seconds <= norm else ("borderline" if seconds < fall else "fail")
        words = {"pass": f"within the mean for {decade} y ({norm:g} s)",
                 "borderline": f"slower than the mean for {decade} y ({norm:g} s): worse than average",
                 "fail": f"{fall:g} s or more: a raised risk of falls in older adults"}[state]
        time, frame = self.at(fifth)
        return Criterion(cid, TITLES[cid], state, seconds, f"<= {norm:g} s pass (mean at {decade} y), >= {fall:g} s "
                         "fail (fall risk)", "s", time, self.view, f"{measured}: {words}.", "sit_to_stand",
                         float(norm - seconds), c["label"], self.source, frame)

    def thirty_seconds(self) -> Criterion:
        cid, c = "chair_stand_30s", self.cfg["chair_stand_30s"]
        if not self.stands:
            return self.na(cid, "no stand up from the seat was found")
        if self.start is None:
            return self.na(cid, self.no_start())
        window = c["seconds"]
        end_time = float(self.kin.t[self.start]) + window
        if self.kin.t[-1] < end_time:
            covered = float(self.kin.t[-1] - self.kin.t[self.start])
            return self.na(cid, f"the clip covers {covered:.1f} s from the start of the first rise: the 30-s chair "
                           f"stand needs {window:g} s of standing up and sitting down")
        end = self.kin.sample_at(end_time)
        r = hip_rise(self.kin)
        count = sum(1 for s in self.full if s.full <= end)
        rising = [s for s in self.stands if s.seat_off <= end and (s.full is None or s.full > end)]
        half_up = bool(rising) and r[end] > self.cfg["stands"]["half_way"]
        count += int(half_up)
        self.metrics["chair_stands_30s"] = float(count)
        measured = f"{count} full stands in {window:g} s" + (" (the last more than half way up at 30 s)" if half_up
                                                            else "")
        missing = [word for word, given in (("age", self.age is not None),
                                            ("sex", self.sex is not None)) if not given]
        if missing:
            return self.na(cid, f"{measured}; no {' or '.join(missing)} given: the norms are by age and sex",
                           float(count), "stands", end)
        band = _band(c[{"female": "women", "male": "men"}[self.sex]], self.age)
        if band is None:
            return self.na(cid, f"{measured}; no norm for age {self.age:g} in these sources (ages "
                           f"{_ages(c['women'])}): reported without a verdict", float(count), "stands", end)
        ages, lowest = band
        near = lowest - c["borderline_below"]
        state = "pass" if count >= lowest else ("borderline" if count >= near else "fail")
        group = "women" if self.sex == "female" else "men"
        words = {"pass": f"within or above the normal range for {group} aged {ages} (from {lowest})",
                 "borderline": f"one below the normal range for {group} aged {ages} (from {lowest}), within the "
                               "count's error",
                 "fail": f"below average for {group} aged {ages} (normal from {lowest}): a fall-risk sign"}[state]
        time, frame = self.at(end)
        return Criterion(cid, TITLES[cid], state, float(count), f">= {lowest} pass, < {near} fail ({group} {ages})",
                         "stands", time, self.view, f"{measured}: {words}.", "sit_to_stand", float(count - lowest),
                         c["label"], self.source, frame)

    # -- how the person rises ----------------------------------------------------------------------------------
    def banded(self, cid: str, per_stand: list[tuple[float, int]], unit: str, reason) -> Criterion:
        """The median stand's value against the band; ``reason(value, worst)`` says it in words."""
        per_stand = [(v, i) for v, i in per_stand if np.isfinite(v)]
        if not per_stand:
            return self.na(cid, "no full stand was seen well enough to measure this")
        c = self.cfg[cid]
        ordered = sorted(per_stand)
        value, sample = ordered[(len(ordered) - 1) // 2]
        worst = ordered[-1][0]
        state = banded(value, c["pass_max"], c["fail_above"])
        time, frame = self.at(sample)
        return Criterion(cid, TITLES[cid], state, float(value), f"<= {c['pass_max']:g} pass, > {c['fail_above']:g} "
                         "fail", unit, time, self.view, reason(value, worst, len(per_stand)), "sit_to_stand",
                         float(c["pass_max"] - value), c["label"], self.source, frame)

    def rise_window(self, stand: Stand) -> np.ndarray:
        """From just before seat-off (the lean forward with the hips still on the seat) to half way up."""
        back = int(round(0.5 * self.kin.fs))
        return np.arange(max(0, stand.seat_off - back), stand.half + 1)

    def highest(self, series: np.ndarray, window) -> list[tuple[float, int]]:
        """Per full stand, the largest finite value of ``series`` in ``window(stand)`` and its sample."""
        per = []
        for s in self.full:
            w = window(s)
            if len(w) and np.isfinite(series[w]).any():
                i = int(np.nanargmax(series[w]))
                per.append((float(series[w][i]), int(w[i])))
        return per

    def hands(self) -> Criterion:
        kin = self.kin
        wrist = np.fmax(kin.xy[:, lm.L_WRIST, 1], kin.xy[:, lm.R_WRIST, 1])  # the lower wrist (y grows down)
        knees = (kin.xy[:, lm.L_KNEE, 1] + kin.xy[:, lm.R_KNEE, 1]) / 2
        shoulders = kin.mid_shoulder[:, 1]
        share = (wrist - shoulders) / np.where(knees - shoulders > 0, knees - shoulders, np.nan)
        per = self.highest(share, self.rise_window)
        self.metrics["hands_drop_share"] = float(np.median([v for v, _ in per])) if per else np.nan
        return self.banded("hands_on_thighs", per, self.cfg["hands_on_thighs"]["unit"], lambda v, worst, k: (
            f"During the rise the hands came down {v:.2f} of the way from the shoulders to the knees (median of {k} "
            f"stands, lowest {worst:.2f}): " + ("arms crossed on the chest, no push." if v <= self.cfg[
                "hands_on_thighs"]["pass_max"] else "the hands were low, on the thighs or the seat: they help push "
                "the body up (or the arms were not crossed on the chest).")))

    def trunk(self) -> Criterion:
        kin = self.kin
        lean = geo.inclination_off_side(kin.mid_hip, kin.mid_shoulder, kin.view.facing, self.yaw)
        per = self.highest(lean, self.rise_window)
        self.metrics["trunk_lean_seat_off_deg"] = float(np.median([v for v, _ in per])) if per else np.nan
        return self.banded("trunk_lean_seat_off", per, "deg", lambda v, worst, k: (
            f"The trunk leaned {v:.0f} deg forward of vertical at seat-off (median of {k} stands, most {worst:.0f} "
            "deg)" + ("." if v <= self.cfg["trunk_lean_seat_off"]["pass_max"] else ": a large lean moves the work "
                      "from the thighs to the hips and back, often to make up for weak thigh muscles.")))

    def knees(self) -> Criterion:
        kin = self.kin
        r = hip_rise(kin)
        mid = kin.mid_hip[:, 0]
        inward = [geo.medial_offset(kin.side(side, "hip"), kin.side(side, "knee"), kin.side(side, "ankle"), mid)
                  / kin.lengths.shank for side in ("left", "right")]
        # Both knees on average: a body turned a little off square shifts each knee, ahead of its hip-ankle line
        # during the rise, sideways in the picture, one toward the midline and the other away; knees moving in
        # together add. (A single knee moving in shows at half its size.)
        most = (inward[0] + inward[1]) / 2

        def rising(s: Stand) -> np.ndarray:  # from seat-off to the full stand, where the hips are 20-90 % up
            w = np.arange(s.seat_off, s.full + 1)
            return w[(r[w] >= 0.2) & (r[w] <= 0.9)]
        per = self.highest(most, rising)
        self.metrics["knees_inward_rise_shank"] = float(np.median([v for v, _ in per])) if per else np.nan
        return self.banded("knees_inward_rise", per, "shank lengths", lambda v, worst, k: (
            f"While rising, the knees came {v:.2f} shank lengths inside the line from hip to ankle (both knees on "
            f"average, median of {k} "
            f"stands, most {worst:.2f})" + ("." if v <= self.cfg["knees_inward_rise"]["pass_max"] else
                                            ": the knees move in toward each other as the person stands.")))

    def sitting(self) -> Criterion:
        per = [(s.rise_s / s.sit_s, s.down) for s in self.full if s.rise_s and s.sit_s]
        rises = [s.rise_s for s in self.full if s.rise_s]
        sits = [s.sit_s for s in self.full if s.sit_s]
        self.metrics.update(rise_time_s=float(np.median(rises)) if rises else np.nan,
                            sit_time_s=float(np.median(sits)) if sits else np.nan,
                            slowest_rise_s=float(max(rises)) if rises else np.nan)
        if not per:
            return self.na("uncontrolled_sit", "no sit-down after a full stand was seen: sit down fully after each "
                           "stand, and keep filming until seated")
        return self.banded("uncontrolled_sit", per, self.cfg["uncontrolled_sit"]["unit"], lambda v, worst, k: (
            f"The hips went down {v:.1f} times as fast as they came up (median of {k} stands, fastest {worst:.1f})"
            + ("." if v <= self.cfg["uncontrolled_sit"]["pass_max"] else ": the person drops onto the seat instead "
               "of lowering themselves under control.")))


def judge_view(kin: Kinematics, source: int = 0, age: float | None = None, sex: str | None = None) -> ViewScreen:
    """The sit-to-stand criteria of one view; those the view cannot measure are ``not_assessed``."""
    stands = find_stands(kin)
    judge = _Judge(kin, stands, source, age, sex)
    found: dict[str, Criterion] = {}
    if not judge.full:
        why = ("no full stand up from a seat was found: sit on a chair without arms, arms crossed on the chest, and "
               "stand up fully and sit down again 5 times")
        found = {cid: judge.na(cid, why) for cid in TITLES}
    else:
        measures = {"five_times_sit_to_stand": judge.five_times, "chair_stand_30s": judge.thirty_seconds,
                    "hands_on_thighs": judge.hands, "trunk_lean_seat_off": judge.trunk,
                    "knees_inward_rise": judge.knees, "uncontrolled_sit": judge.sitting}
        for cid, measure in measures.items():
            why = judge.unmeasurable(cid)
            found[cid] = judge.na(cid, why) if why else measure()
    reps = []
    for i, s in enumerate(judge.full, 1):
        reps.append(Repetition(i, float(kin.t[s.seat_off]), float(kin.t[s.full]),
                               float(kin.t[s.seated if s.seated is not None else len(kin.t) - 1]), source,
                               int(kin.frame[s.full]), hold_s=None))
    return ViewScreen(source, kin.view.kind, reps, [], None, judge.metrics, [s.full for s in judge.full],
                      criteria_any=[found[cid] for cid in TITLES])


def merge_views(views: list[ViewScreen]) -> list[Criterion]:
    return common.merge_views(views, lambda: [Criterion(cid, TITLES[cid], "not_assessed", reason="no sit-to-stand "
                                                        "was found", group="sit_to_stand") for cid in TITLES])


def findings_from(criteria: list[Criterion]) -> list[Finding]:
    return common.findings_from(criteria)
