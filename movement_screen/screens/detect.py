"""Which screen a clip holds (squat, forward bend, gait, posture, single-leg squat, sit-to-stand), from the movement.

Each screen has a signature of physically meaningful features in the body's frame, turned into a 0-1 score by a
ramp between "clearly not" and "clearly yes" (margins in ``detect.toml`` and the screens' data files, each with
the real clips that set it; docs/validation.md has the confusion matrix, ``validate --movements``):

* gait: the body travels through space in a pass (across the picture, or toward / away from the camera from the
  shoulders' width) with alternating heel strikes; feet stepping on the spot are not walking;
* squat: the hips drop a good part of the leg length with the knees bending, on the spot, never resting there;
* forward bend: the trunk tips far from vertical while the hips stay up;
* standing posture: the person stands still for a few seconds, and nothing else happens;
* single-leg squat: a knee bend while one foot is off the floor (held higher, or away from its place on the floor
  while the other foot stays on its own);
* sit-to-stand: the hips come to rest on a seat (thighs level, knees bent, shins upright, still) and the person
  stands up from it, once or again and again; sitting down once and staying there is no rise.

Lifts (the hands low) and lunges (a wide split) are declined, and a rise then a walk (a Timed Up-and-Go) too.
The screen with the highest score wins when it is clear enough; otherwise the clip is refused with the scores,
so the person can choose ``--screen``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_screen.kinematics.filters import runs
from movement_screen.kinematics.series import Kinematics
from movement_screen.screens import bend, gait, posture, single_leg, sit_to_stand, squat
from movement_screen.contract.config import load

SCREEN_NAMES = {"squat": "squat", "forward_bend": "forward bend", "gait": "walking", "posture": "standing posture",
                "sit_to_stand": "sit-to-stand", "single_leg_squat": "single-leg squat"}
ARTICLE_NAMES = {"squat": "a squat", "forward_bend": "a forward bend", "gait": "walking",
                 "posture": "standing still (posture)", "sit_to_stand": "a sit-to-stand",
                 "single_leg_squat": "a single-leg squat"}
# the screens, as the app names them
CHOICES = "squat, forward bend, walking, posture, single-leg squat or sit-to-stand"


@dataclass(frozen=True)
class Detection:
    screen: str | None  # "squat" | "forward_bend" | "gait", or None when it cannot tell
    confidence: float  # 0-1
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    person: int | None = None  # track id the decision was made on
    values: dict[str, float] = field(default_factory=dict, compare=False)  # the measures behind the scores

    def to_dict(self) -> dict:
        return {"screen": self.screen, "confidence": round(self.confidence, 3),
                "scores": {k: round(v, 3) for k, v in self.scores.items()}, "reason": self.reason,
                "person": self.person}


def _ramp(value: float, low: float, high: float) -> float:
    if not np.isfinite(value):
        return 0.0
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))


def _finite_max(x: np.ndarray) -> tuple[float, int]:
    if not np.isfinite(x).any():
        return np.nan, 0
    i = int(np.nanargmax(x))
    return float(x[i]), i


def single_leg_squats(kin: Kinematics) -> tuple[int, float]:
    """Squats on one leg that the recogniser counts, and the longest stretch on one leg (s): a knee bend of at
    least ``[single_leg_squat] hip_drop_leg`` while one foot is off the floor (single_leg.stance_stretches: held
    higher than the other, or swung away from its place while the other foot stays on its own), its bottom not in a
    lunge's wide split. Rising from a bench on one leg counts: its bottom may rest on the bench."""
    cfg = load("detect")["single_leg_squat"]
    stretches = single_leg.stance_stretches(kin)
    if not stretches:
        return 0, 0.0
    longest = max((s.stop - s.start) / kin.fs for s in stretches)
    reps, bottoms = single_leg.find_repetitions(kin, stretches=stretches)
    split = squat.feet_split(kin)
    count = sum(1 for rep, bottom in zip(reps, bottoms) if (rep.depth_leg_fraction or 0.0) >= cfg["hip_drop_leg"]
                and not split[bottom] > cfg["lunge_split_shank"])
    return count, float(longest)


def evidence(kin: Kinematics) -> tuple[dict[str, float], dict[str, float]]:
    """Per-screen scores (0-1) and the measured values behind them: each screen's signature (module docstring),
    its margins in ``detect.toml`` with where each came from."""
    cfg = load("detect")
    values: dict[str, float] = {}

    hip_x = kin.mid_hip[:, 0]
    travel = (np.nanmax(hip_x) - np.nanmin(hip_x)) / kin.lengths.stature if np.isfinite(hip_x).any() else np.nan
    values["hip_travel_statures"] = float(travel)
    passes = gait.find_passes(kin)
    walked = gait.walked_s(passes)
    strikes = sum(e.type == "heel_strike" for e in gait.detect_events(kin, passes)[0])
    progress = gait.progression_statures(kin, passes)
    values.update(walking_s=float(walked), heel_strikes=float(strikes), progression_statures=progress,
                  toward_camera=float(bool(passes) and passes[0].axis == "y"))
    stepping = _ramp(walked, *cfg["gait"]["walking_s"]) * _ramp(strikes, *cfg["gait"]["heel_strikes"])
    gait_score = _ramp(progress, *cfg["gait"]["travel_statures"]) * stepping

    drop = squat.hip_drop(kin)
    max_drop, at = _finite_max(drop)
    knees = np.fmax(kin.angles["knee_flexion_left_deg"], kin.angles["knee_flexion_right_deg"])
    knee_at_drop = float(knees[at]) if np.isfinite(max_drop) else np.nan
    values.update(max_hip_drop_leg=max_drop, knee_flexion_at_lowest_hips_deg=knee_at_drop)
    squat_score = _ramp(max_drop, *cfg["squat"]["hip_drop_leg"])
    if kin.view.sagittal_like:  # knee flexion is foreshortened in a front view, so only the side view uses it
        squat_score *= _ramp(knee_at_drop, *cfg["squat"]["knee_deg"])

    flex = bend.trunk_flexion(kin)
    max_flex, at = _finite_max(flex)
    drop_at_flex = float(drop[at]) if np.isfinite(max_flex) else np.nan
    values.update(max_trunk_flexion_deg=max_flex, hip_drop_at_max_trunk_flexion_leg=drop_at_flex)
    bend_score = _ramp(max_flex, *cfg["forward_bend"]["trunk_deg"]) * (
        1.0 - _ramp(drop_at_flex, *cfg["forward_bend"]["hip_drop_leg"]))

    squat_score *= 1.0 - gait_score  # squats and bends are done on the spot: a walker's hips bob as they travel
    bend_score *= 1.0 - gait_score
    rests = sit_to_stand.supported_rests(kin)
    rises = sit_to_stand.rises_from_seat(kin, rests)
    values.update(seated_rest_s=max(((b - a) / kin.fs for a, b in rests), default=0.0), rises_from_seat=float(rises),
                  full_stands=float(sum(s.full is not None for s in sit_to_stand.find_stands(kin))) if rests else 0.0)
    sts_score = _ramp(values["seated_rest_s"], *cfg["sit_to_stand"]["rest_s"]) * _ramp(
        rises, *cfg["sit_to_stand"]["rises"])
    squat_score *= 1.0 - sts_score  # the hips came to rest on a seat: their drop was sitting down, not a squat

    one_leg_reps, one_leg = single_leg_squats(kin)
    values.update(one_leg_s=one_leg, single_leg_squats=float(one_leg_reps))
    # single-leg squats are done on the spot: a walker's hips bob over one foot at a time as they travel
    sls_score = _ramp(one_leg_reps, *cfg["single_leg_squat"]["repetitions"]) * (1.0 - gait_score)
    squat_score *= 1.0 - sls_score  # a squat on one leg is never a deep squat
    # ... and rising from a seat on one leg, again and again, is a single-leg squat (a bench), not a sit-to-stand;
    # one foot shifting during a chair stand makes no such run. Unless the person walks: steps, a turn and sitting
    # down again, with the far foot hidden, can read as squats on one leg (the shared Timed Up-and-Go sent by phone
    # read 4), and a bench's squats are done on the spot
    sts_score *= 1.0 - _ramp(one_leg_reps, *cfg["single_leg_squat"]["not_a_sit_to_stand"]) * (1.0 - gait_score)
    # Standing still: the hips and shoulders at rest with both knees straight (3-D landmarks); stepping on the spot
    # keeps the hips still too, but bends each knee in turn.
    still = np.zeros(len(kin.t), bool)
    still[posture.quiet_samples(kin)] = True
    with np.errstate(invalid="ignore"):
        still &= np.fmax(single_leg.knee_flexion_3d(kin, "left"), single_leg.knee_flexion_3d(kin, "right")) < \
            cfg["posture"]["straight_knees_deg"]
    quiet = max((b - a for a, b in runs(still)), default=0) / kin.fs
    values["quiet_standing_s"] = float(quiet)
    moving = max(squat_score, bend_score, gait_score, sts_score, sls_score)
    scores = {"squat": squat_score, "forward_bend": bend_score, "gait": gait_score,
              "posture": _ramp(quiet, *cfg["posture"]["quiet_s"]) * (1.0 - moving), "sit_to_stand": sts_score,
              "single_leg_squat": sls_score}
    return scores, values


def decide(kin: Kinematics, person: int | None = None) -> Detection:
    """The screen one person's movement shows, with a confidence, or a polite refusal."""
    cfg = load("detect")["decision"]
    scores, values = evidence(kin)
    alike = squat.look_alike(kin) if max(scores["squat"], scores["single_leg_squat"], scores["sit_to_stand"]) > 0 \
        else None
    if alike:  # the hips dropped, but not in a squat: no squat evidence
        scores["squat"] = 0.0
        # nor a rise from a seat (unless the person walks: a stride read where the hips are lowest in the picture
        # looks like a split), and a lift is no squat on one leg either (a single-leg squat's free foot held behind
        # reads as a split: its own signature already leaves out a lunge's wider one)
        if alike.startswith("a lift") or (alike.startswith("a lunge") and scores["gait"] < cfg["present_above"]):
            scores["sit_to_stand"] = 0.0
        if alike.startswith("a lift"):
            scores["single_leg_squat"] = 0.0
    ranked = sorted(scores, key=scores.get, reverse=True)
    best, second = ranked[0], ranked[1]
    confidence = float(np.clip(scores[best] - cfg["second_weight"] * scores[second], 0.0, 1.0))
    # The reasons are read by the person who filmed (the app shows them): the scores stay in ``scores``, not in
    # the words, and a screen is named as the app and the command line both call it.
    if scores[best] < cfg["still_below"] and alike:
        return Detection(None, 0.0, scores, f"this looks like {alike}, not a deep or overhead squat: to score "
                         "it as a squat anyway, choose the squat screen", person, values)
    if scores[best] < cfg["still_below"]:
        return Detection(None, 0.0, scores, "looks like standing still, too briefly or too restlessly for a posture "
                         "screen (no squat, forward bend, walking, single-leg squat or sit-to-stand seen): choose "
                         f"the screen yourself ({CHOICES})", person, values)
    both = [k for k in ("sit_to_stand", "gait") if scores[k] >= cfg["clear_above"]]
    if len(both) == 2:  # a rise from a chair, then a walk: a Timed Up-and-Go, which no one screen scores whole
        return Detection(None, 0.5, scores, "this shows a rise from a seat and a walk (like a Timed Up-and-Go), "
                         "which is not one screen: choose the sit-to-stand screen to score the rise or the walking "
                         "screen to score the walk", person, values)
    if confidence < cfg["min_confidence"]:
        return Detection(None, confidence, scores, f"could not tell which movement this is: choose the screen yourself "
                         f"({CHOICES})", person, values)
    why = {
        "gait": f"the person walks {values['progression_statures']:.1f} body heights "
                f"{'toward or away from the camera' if values['toward_camera'] else 'across the picture'}, "
                f"stepping for {values['walking_s']:.1f} s",
        "squat": f"the hips drop {values['max_hip_drop_leg']:.2f} leg lengths with the knees bent "
                 f"{values['knee_flexion_at_lowest_hips_deg']:.0f} deg",
        "forward_bend": f"the trunk tips {values['max_trunk_flexion_deg']:.0f} deg from vertical while the hips "
                        f"stay up (drop {values['hip_drop_at_max_trunk_flexion_leg']:.2f} leg lengths)",
        "posture": f"the person stands still for {values['quiet_standing_s']:.1f} s with no other movement",
        "single_leg_squat": f"the person squats {values['single_leg_squats']:.0f} times on one leg, the other foot "
                            "off the floor",
        "sit_to_stand": f"the hips rest on a seat ({values['seated_rest_s']:.1f} s at the longest) and the person "
                        f"stands up from it {values['rises_from_seat']:.0f} time(s)",
    }[best]
    return Detection(best, confidence, scores, f"{SCREEN_NAMES[best]}: {why}", person, values)
