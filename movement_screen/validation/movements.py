"""Which movement a clip holds, against labels: the confusion matrix of true movement x screen chosen.

Real clips (a labels file, ``tests/labels/movements.toml``) run the pose model once each, then are read under
``--screen auto`` and with their own screen given (kept and scored, or refused with what it shows instead). Built
figures (validation/*.py: each screen's own movement and the look-alikes a screen must not take: a hip hinge with
a bar, a lunge, sitting down once, stepping on the spot, a rise then a
walk) are read under auto and checked for their own signature.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from movement_screen.screens.detect import SCREEN_NAMES

COLUMNS = [*SCREEN_NAMES, None]  # None: declined


@dataclass(frozen=True)
class Reading:
    name: str
    movement: str  # a screen, or "other"
    auto: str | None  # the screen auto chose (None: declined)
    own: str  # with the clip's own screen(s) given: "scored", "refused: ...", or "" (none to give)
    note: str = ""


def read_labels(path: str | Path) -> list[dict]:
    """The clips of a movements labels file, or an InputError saying what is wrong with it."""
    from movement_screen.errors import InputError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"movements labels file '{path}' not found")
    try:
        with path.open("rb") as f:
            clips = tomllib.load(f).get("clip", [])
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"'{path}' is not valid TOML: {exc}") from None
    if not clips:
        raise InputError(f"'{path}' lists no [[clip]] entries")
    movements = {*SCREEN_NAMES, "other"}
    for n, clip in enumerate(clips, start=1):
        if "file" not in clip or clip.get("movement") not in movements:
            raise InputError(f"'{path}' clip {n}: needs `file` and `movement` (one of {', '.join(sorted(movements))})")
    return clips


def run_real(labels_file: str | Path, videos: str | Path, model: str = "full", pose_backend: str | None = None,
             progress=None) -> list[Reading]:
    """Each labelled clip read under auto and under its own screen(s)."""
    from movement_screen import api
    from movement_screen.errors import ScreenError
    from movement_screen.pose import models

    model_file = models.resolve(model)
    out = []
    labels = read_labels(labels_file)
    for i, label in enumerate(labels):
        path = Path(videos) / label["file"]
        if progress:
            progress(i, len(labels), label["file"])
        if not path.is_file():
            out.append(Reading(label["file"], label["movement"], None, "", "clip not found: skipped"))
            continue
        try:
            src = api.analyse_source(path, model_file, screen="auto", progress=False, pose_backend=pose_backend)
        except ScreenError as exc:  # a clip that cannot be analysed is recorded, and the others go on
            out.append(Reading(label["file"], label["movement"], None, "", f"not analysed: {str(exc)[:120]}"))
            continue
        own = [label["movement"]] if label["movement"] != "other" else label.get("screens", [])
        words = []
        for screen in own:
            try:
                again = api._from_detections(src.info, src.detections, str(path), screen, None)
                kept, names, _ = api.keep_matching([again], [str(path)], screen)
                result = api.score_sources(kept, names, None, screen=screen).result
                judged = any(c.state != "not_assessed" for c in result.criteria)
                words.append(f"{SCREEN_NAMES[screen]}: " + ("scored" if judged else "nothing judged"))
            except ScreenError as exc:
                words.append(f"{SCREEN_NAMES[screen]}: refused ({str(exc)[:120]})")
        out.append(Reading(label["file"], label["movement"], src.screen, "; ".join(words), why_declined(src)))
    return out


def why_declined(found) -> str:
    """What auto said when it declined a clip (an analysed source), its first clause; "" when it chose."""
    if found.screen or found.detection is None:
        return ""
    return found.detection.reason.split(" (")[0]


def built_cases() -> list[tuple[str, str, object]]:
    """(name, true movement, built PoseSequence): each screen's figure from the front, at 45 deg and from the side,
    and the look-alikes."""
    from movement_screen.validation.chair import Chair, sit
    from movement_screen.validation.figure import Camera, Noise, Squat, film, lunge, squat_clip
    from movement_screen.validation.single_leg import single_leg_squats
    from movement_screen.validation.standing import stand
    from movement_screen.validation.walker import Walk, walk

    cases = []
    for yaw in (0, 45, 90):
        cam = Camera(yaw)
        cases.append((f"deep squat, {yaw} deg", "squat", squat_clip(Squat(), cam)))
        t, p = sit(Chair())
        cases.append((f"five sit-to-stands, {yaw} deg", "sit_to_stand", film(p, t, cam, Noise(seed=2))))
        t, p = sit(Chair(seated_before_s=0.5, hands="thighs"))
        cases.append((f"five sit-to-stands, 0.5 s seated first, hands on thighs, {yaw} deg", "sit_to_stand",
                      film(p, t, cam, Noise(seed=3))))
        t, p = single_leg_squats()
        cases.append((f"single-leg squats, {yaw} deg", "single_leg_squat", film(p, t, cam, Noise(seed=1))))
        t, p = stand()
        cases.append((f"quiet standing, {yaw} deg", "posture", film(p, t, cam, Noise(seed=1))))
        cases.append((f"hip hinge with a bar, {yaw} deg", "other",
                      squat_clip(Squat(tibia_deg=20, depth_cm=-20, trunk_extra_deg=35, arms_deg=180,
                                       arms_standing_deg=180), cam)))
        t, p = lunge()
        cases.append((f"lunge, {yaw} deg", "other", film(p, t, cam)))
        t, p = sit(Chair(stands=1))
        seq = film(p, t, cam, Noise(seed=4))
        k = int(0.45 * len(seq.t))  # standing, then down onto the seat, and staying there
        cases.append((f"sitting down once, {yaw} deg", "other", seq.part(slice(0, k))))
    for yaw, distance in ((90, 6.0), (0, 8.0), (30, 8.0)):
        t, p, _ = walk(Walk())
        cases.append((f"walking, {yaw} deg", "gait", film(p, t, Camera(yaw, 1.0, distance), size=(1920, 1080))))
    for yaw in (90, 60):
        t, p = rise_then_walk()
        cases.append((f"rise from a chair, then a walk (a Timed Up-and-Go), {yaw} deg", "other",
                       film(p, t, Camera(yaw, 1.0, 6.0), Noise(seed=5), size=(1920, 1080))))
    for yaw in (0, 90):
        t, p, _ = walk(Walk(step_m=0.001, steps=12))  # the feet lift in turn, the body goes nowhere
        cases.append((f"stepping on the spot, {yaw} deg", "other", film(p, t, Camera(yaw, 1.0, 4.0), Noise(seed=1),
                                                                           size=(1920, 1080))))
    return cases


def rise_then_walk():
    """A built Timed Up-and-Go's first half: seated 1 s, one rise to standing, a moment still, then a walk of 7 steps
    straight ahead (the walker's first frame joins the standing figure with the feet a step apart)."""
    import numpy as np

    from movement_screen.pose import landmarks as lm
    from movement_screen.validation.chair import Chair, sit
    from movement_screen.validation.walker import Walk, walk

    chair = Chair(stands=1, seated_before_s=1.0, top_s=0.6)
    t_sit, p_sit = sit(chair)
    keep = t_sit < chair.seated_before_s + chair.rise_s + chair.top_s
    t_sit, p_sit = t_sit[keep], p_sit[keep]
    t_walk, p_walk, _ = walk(Walk(steps=7))
    hips = [lm.L_HIP, lm.R_HIP]
    shift = p_sit[-1, hips].mean(axis=0) - p_walk[0, hips].mean(axis=0)
    shift[2] = 0.0  # the same floor
    step = t_sit[1] - t_sit[0]
    return (np.concatenate([t_sit, t_sit[-1] + step + t_walk - t_walk[0]]),
            np.concatenate([p_sit, p_walk + shift]))


def run_built() -> list[Reading]:
    from movement_screen.contract.config import load
    from movement_screen.kinematics.series import prepare
    from movement_screen.screens.detect import decide

    clear = load("detect")["decision"]["clear_above"]
    out = []
    for name, movement, seq in built_cases():
        found = decide(prepare(seq))
        own = ""
        if movement != "other":
            own = f"{SCREEN_NAMES[movement]}: " + ("signature clear" if found.scores[movement] >= clear else
                                                   f"signature {found.scores[movement]:.2f}")
        out.append(Reading(name, movement, found.screen, own,
                           "" if found.screen else found.reason.split(" (")[0]))
    return out


def confusion(readings: list[Reading]) -> str:
    """Markdown: rows the true movement, columns the screen auto chose (or declined)."""
    rows = sorted({r.movement for r in readings}, key=lambda m: (m == "other", m))
    head = "| true movement \\ auto chose | " + " | ".join(SCREEN_NAMES[c] if c else "declined" for c in COLUMNS) + \
        " | right |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for movement in rows:
        mine = [r for r in readings if r.movement == movement]
        counts = [sum(r.auto == c for r in mine) for c in COLUMNS]
        right = sum(r.auto == (None if movement == "other" else movement) for r in mine)
        label = "other (lift, lunge, rise-and-walk, ...)" if movement == "other" else SCREEN_NAMES[movement]
        lines.append(f"| {label} | " + " | ".join(str(n) if n else "." for n in counts) + f" | {right}/{len(mine)} |")
    return "\n".join(lines)


def listing(readings: list[Reading]) -> str:
    lines = ["| clip | true movement | auto | its own screen given | note |", "|---|---|---|---|---|"]
    for r in readings:
        lines.append(f"| {r.name} | {r.movement} | {SCREEN_NAMES.get(r.auto, 'declined') if r.auto else 'declined'} "
                     f"| {r.own or '-'} | {r.note} |")
    return "\n".join(lines)


def tables(real: list[Reading], built: list[Reading]) -> str:
    def right(rs):
        return sum(r.auto == (None if r.movement == "other" else r.movement) for r in rs)

    own_real = [r for r in real if r.movement != "other"]
    scored = sum(r.own.endswith("scored") for r in own_real)
    return "\n\n".join([
        f"Real clips: auto right on {right(real)} of {len(real)}; with the clip's own screen given, scored on "
        f"{scored} of {len(own_real)}.",
        confusion(real), listing(real),
        f"Built figures: auto right on {right(built)} of {len(built)}.",
        confusion(built), listing(built)])
