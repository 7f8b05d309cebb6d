"""Automatic quality gates (spec F.4), each with a message a person can act on."""

from __future__ import annotations

import numpy as np

from movement_screen.kinematics import geometry as geo
from movement_screen.kinematics.filters import sample_step
from movement_screen.kinematics.orientation import describe_turn, lying_share, upright_turn
from movement_screen.kinematics.series import Kinematics
from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import PoseSequence
from movement_screen.contract.config import load
from movement_screen.contract.result import QualityIssue

BODY_POINTS = (lm.L_SHOULDER, lm.R_SHOULDER, lm.L_HIP, lm.R_HIP, lm.L_KNEE, lm.R_KNEE, lm.L_ANKLE, lm.R_ANKLE,
               lm.L_HEEL, lm.R_HEEL, lm.L_TOE, lm.R_TOE)
MIN_FOUND_FRACTION = 0.5
MIN_SHOWN_S = 1.0  # a person seen for less than this has shown no movement to judge
CUT_OFF_FRACTION = 0.5  # more than this share of frames cut off: the clip cannot show the movement


def _edge_message(seq: PoseSequence, points: tuple[int, ...], margin: float) -> tuple[float, str]:
    """Fraction of found frames with a required landmark near an edge, and which edge it mostly is."""
    found = seq.found
    xy = seq.xy[found][:, points]
    nx, ny = xy[..., 0] / seq.width, xy[..., 1] / seq.height
    edges = {"bottom": ny > 1 - margin, "top": ny < margin,
             "left": nx < margin, "right": nx > 1 - margin}
    outside = np.zeros(len(xy), bool)
    worst, count = "", 0
    for name, hit in edges.items():
        frames = hit.any(axis=1)
        outside |= frames
        if frames.sum() > count:
            worst, count = name, int(frames.sum())
    return (float(outside.mean()) if len(outside) else 0.0), worst


def framing_advice(seq: PoseSequence) -> str | None:
    """When most of the clip has head or feet outside the picture: what to change (else None). Only points beyond
    the picture's edge count: feet near the bottom edge but seen are a warning (``body_out_of_frame``), never the
    reason a clip is refused."""
    fraction, edge = _edge_message(seq, BODY_POINTS, 0.0)
    if fraction <= CUT_OFF_FRACTION:
        return None
    return (f"the body is cut off at the {edge} edge in {fraction:.0%} of frames: move the camera back so the whole "
            "body, head to feet, stays in the picture")


def check(seq: PoseSequence, kin: Kinematics, source: int, path: str, people: int,
          required: tuple[int, ...] = BODY_POINTS, screen: str = "squat",
          feet_down: np.ndarray | None = None) -> list[QualityIssue]:
    """Quality issues of one clip of one person. ``feet_down``: the samples with both feet on the floor, from a
    screen in which a foot leaves it (the floor line is taken only there).

    In gait clips the walker is expected to enter and leave the picture, so time out of view and touching the
    side edges are not issues there.
    """
    walking = screen == "gait"
    cfg = load("squat")["quality"]
    issues: list[QualityIssue] = []
    name = path.rsplit("/", 1)[-1]

    # Counted from the first frame the person is found to the last: stepping into the picture after pressing
    # record, or out of it before stopping, is not the model losing them (and the in-page camera measures the
    # empty room faster than a person, so those frames would weigh more than their time).
    seen = np.flatnonzero(seq.found) if len(seq) else np.array([], int)
    found = float(seq.found[seen[0]:seen[-1] + 1].mean()) if len(seen) else 0.0
    shown = float(seq.t[seen[-1]] - seq.t[seen[0]]) if len(seen) else 0.0
    if (found < MIN_FOUND_FRACTION or shown < MIN_SHOWN_S) and not walking:
        issues.append(QualityIssue(
            "person_lost", f"{name}: the person was found in only {found:.0%} of the frames from their first "
            f"appearance to their last, {shown:.1f} s apart: keep the whole body in view, in good light, against a "
            "plain background", "error", source))
    issues += orientation_issues(seq, source, name)

    fraction, edge = _edge_message(seq, required, cfg["margin"])
    if fraction > 0.1 and not (walking and edge in ("left", "right")):
        issues.append(QualityIssue(
            "body_out_of_frame", f"{name}: the body touches the {edge} edge in {fraction:.0%} of frames: move the "
            "camera back or tilt it so head and feet stay inside the picture", "warning", source))
    body = kin.lengths.stature / seq.height
    if np.isfinite(body) and body < cfg["min_body_height"]:
        issues.append(QualityIssue(
            "subject_small", f"{name}: the person fills only {body:.0%} of the frame height (aim for 50-80 %): "
            "move the camera closer (2.5-4 m) or zoom in", "warning", source))

    near = kin.view.near_side
    vis_points = required
    if kin.view.kind == "sagittal":
        far = "right" if near == "left" else "left"
        vis_points = tuple(p for p in required if p not in lm.SIDES[far].values())
    visible = (seq.visibility[seq.found][:, list(vis_points)] >= cfg["min_visibility"]).all(axis=1)
    if len(visible) and visible.mean() < cfg["min_visible_fraction"]:
        issues.append(QualityIssue(
            "low_visibility", f"{name}: key joints are clearly visible in only {visible.mean():.0%} of frames "
            "(need 90 %): wear fitted clothing that contrasts with the background, light the person evenly, "
            "film barefoot or in low shoes", "warning", source))

    if people > 1:
        issues.append(QualityIssue(
            "several_people", f"{name}: {people} people were seen; the screened person is "
            f"{'the one walking across the picture' if walking else 'the one filling most of the video'}. Film "
            "with one person in view (on the command line, --person N screens another)", "warning", source))

    # While walking, the feet are rarely level and the body never stands still: tilt and jitter need standing.
    tilt = np.nan if walking else _floor_tilt(kin, cfg["tilt_heel_gap_shank"], cfg["tilt_side_max_turn_deg"], feet_down)
    if np.isfinite(tilt) and abs(tilt) > cfg["max_tilt_deg"]:
        issues.append(QualityIssue(
            "camera_tilt", f"{name}: the floor line is tilted {tilt:+.1f} deg in the picture (limit "
            f"{cfg['max_tilt_deg']:g}): level the camera on a tripod, lens horizontal", "warning", source))

    jitter = np.nan if walking else _jitter(seq, kin)
    if np.isfinite(jitter) and jitter > cfg["max_jitter_stature"]:
        issues.append(QualityIssue(
            "jitter", f"{name}: landmarks jitter by {jitter:.1%} of body height while standing (limit "
            f"{cfg['max_jitter_stature']:.0%}): steady the camera, improve the light, avoid loose clothing",
            "warning", source))

    if kin.variable_rate:
        issues.append(QualityIssue(
            "variable_frame_rate", f"{name}: variable frame rate: resampled to {kin.fs:.0f} frames/s from the "
            "container timestamps", "info", source))
    step = sample_step(seq.t, seq.found)
    measured = 1.0 / step if np.isfinite(step) and step > 0 else np.inf  # the in-page camera may lag the clock
    if measured < 0.8 * (seq.fps or np.inf) and measured < cfg["min_fps"] - 1:
        issues.append(QualityIssue(
            "slow_measurement", f"{name}: the body was measured only {measured:.0f} times a second (below the "
            f"{cfg['min_fps']:.0f} recommended): film at 30 frames/s or more with the whole body in good light; "
            "with the in-browser camera, close other apps or use a faster device", "warning", source))
    elif seq.fps and seq.fps < cfg["min_fps"] - 1:
        issues.append(QualityIssue(
            "low_frame_rate", f"{name}: {seq.fps:.0f} frames/s is below the {cfg['min_fps']:.0f} recommended: film at "
            "30 frames/s or more", "warning", source))
    return issues


FIX_ORIENTATION = ("to fix the file, send or export it again in a way that keeps its orientation, or turn it upright "
                   "in a video editor; when filming, hold the phone the way the video should be watched and leave "
                   "its screen rotation on")


def orientation_issues(seq: PoseSequence, source: int, name: str) -> list[QualityIssue]:
    """``turned_upright`` when the analysis turned a sideways picture upright; ``sideways`` when the person still
    does not stand upright in the picture (a sideways video that could not be turned, e.g. a landmark series,
    or a person lying down)."""
    issues = []
    if seq.turned:
        issues.append(QualityIssue(
            "turned_upright", f"{name}: the picture is sideways (the person lies across it: the video's rotation "
            f"setting was probably lost when it was copied or converted), so it was analysed turned "
            f"{describe_turn(seq.turned)}; {FIX_ORIENTATION}", "info", source))
    turn = upright_turn(seq.xy)
    if turn:
        how = (f"lies across the picture in {lying_share(seq.xy):.0%} of the frames" if turn in (90, 270) else
               "is upside down in the picture")
        issues.append(QualityIssue(
            "sideways", f"{name}: the person {how}: the video is sideways (or the person is lying down), so "
            f"heights and angles were measured along the wrong axis. Film the movement standing; {FIX_ORIENTATION}",
            "warning", source))
    return issues


def _floor_tilt(kin: Kinematics, min_gap_shank: float, side_turn_deg: float,
                feet_down: np.ndarray | None = None) -> float:
    """Tilt of the floor line (heels in a front view; heels and toes in a side view) while standing.

    ``feet_down`` (a mask over the samples, from a screen in which a foot leaves the floor) keeps a front view's
    line to the samples with both feet on the floor: a foot held up is not a tilted floor, and a clip never on
    both feet gives no tilt (NaN). Only samples with the heels at least ``min_gap_shank`` shank lengths apart
    across the picture count: a few pixels' noise between heels side by side tilts the line between them by tens
    of degrees. A side view takes the heel-toe line only within ``side_turn_deg`` of a true profile: a foot
    turned toward the camera, seen from above the floor, slopes in the picture with a level camera (by about
    atan(tan(turn) x sin(the camera's downward look)), 4 degrees at 15 degrees of turn from hip height)."""
    if kin.view.kind == "frontal":
        standing = kin.standing if feet_down is None else kin.standing[feet_down[kin.standing]]
        with np.errstate(invalid="ignore"):
            gap = np.abs(kin.xy[standing, lm.L_HEEL, 0] - kin.xy[standing, lm.R_HEEL, 0]) / kin.lengths.shank
        s = kin.xy[standing[gap >= min_gap_shank]]
        if len(s) < 3:
            return np.nan
        return float(np.nanmedian(geo.line_tilt(s[:, lm.L_HEEL], s[:, lm.R_HEEL])))
    s = kin.xy[kin.standing]
    if kin.view.kind == "sagittal" and 90.0 - kin.view.yaw_deg <= side_turn_deg:
        near = kin.view.near_side
        return float(np.nanmedian(geo.line_tilt(s[:, lm.SIDES[near]["heel"]], s[:, lm.SIDES[near]["toe"]])))
    return np.nan  # oblique: perspective makes floor points legitimately non-horizontal


def _jitter(seq: PoseSequence, kin: Kinematics) -> float:
    """SD of raw minus filtered ankle and hip positions in standing, as a fraction of stature."""
    if kin.variable_rate or len(seq.t) != len(kin.t):
        return np.nan
    points = [lm.L_ANKLE, lm.R_ANKLE, lm.L_HIP, lm.R_HIP]
    residual = seq.xy[kin.standing][:, points] - kin.xy[kin.standing][:, points]
    return float(np.nanstd(residual) / kin.lengths.stature)
