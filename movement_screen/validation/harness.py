"""Synthetic validation of the squat verdicts: known faults at known sizes, filmed from many camera positions.

Each case is one squat by the stick figure of :mod:`figure` with at most one fault, filmed by one camera
(yaw 0-90 deg in 15 deg steps, lens height 0.5-1.5 m, distance 2.5-4 m) with landmark noise. The clip goes through
the same :func:`prepare` and :func:`squat.judge_view` as a real one. A verdict is correct when it is the known
one in a view where the criterion claims to be measurable, and ``not_assessed`` elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

from movement_screen.kinematics.series import prepare
from movement_screen.screens import squat
from movement_screen.contract.config import load
from movement_screen.validation.figure import Camera, Noise, Squat, squat_clip

YAWS = (0.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0)
HEIGHTS = (0.5, 1.0, 1.5)
DISTANCES = (2.5, 4.0)
CLEAN = Squat()

# (criterion, fault name, fault size, the squat, the known verdict). A known verdict is "pass", "borderline",
# "fail", or "not pass" / "not fail" where the size sits in the measurement-error band between two verdicts.
FAULTS = (
    ("heels_down", "heel lift (cm)", 2.0, replace(CLEAN, heel_lift_cm=2.0), "not pass"),
    ("heels_down", "heel lift (cm)", 4.0, replace(CLEAN, heel_lift_cm=4.0), "fail"),
    ("trunk_tibia_parallel", "trunk lean beyond the shins (deg)", 15.0, replace(CLEAN, trunk_extra_deg=15.0),
     "borderline"),
    ("trunk_tibia_parallel", "trunk lean beyond the shins (deg)", 30.0, replace(CLEAN, trunk_extra_deg=30.0),
     "fail"),
    ("knees_over_feet", "knees inside the toes (cm)", 3.0, replace(CLEAN, knee_in_cm=3.0), "not pass"),
    ("knees_over_feet", "knees inside the toes (cm)", 6.0, replace(CLEAN, knee_in_cm=6.0), "fail"),
    ("arms_over_feet", "arms forward of vertical (deg)", 20.0, replace(CLEAN, arms_deg=20.0), "not pass"),
    ("arms_over_feet", "arms forward of vertical (deg)", 45.0, replace(CLEAN, arms_deg=45.0), "not pass"),
    ("arms_over_feet", "arms forward of vertical (deg)", 90.0, replace(CLEAN, arms_deg=90.0), "fail"),
    ("thigh_below_horizontal", "hip below the knee (cm)", -10.0, replace(CLEAN, depth_cm=-10.0), "fail"),
    ("thigh_below_horizontal", "hip below the knee (cm)", -5.0, replace(CLEAN, depth_cm=-5.0), "fail"),
    ("thigh_below_horizontal", "hip below the knee (cm)", 10.0, replace(CLEAN, depth_cm=10.0), "pass"),
)


@dataclass(frozen=True)
class Case:
    criterion: str
    fault: str
    size: float
    squat: object  # the figure's shape: a figure.Squat, a standing.Posture (posture), a single_leg.SingleLegSquat
    # (single_leg_squat) or a chair.Chair (sit_to_stand)
    expected: str  # the known verdict where the criterion is measurable
    camera: Camera
    seed: int
    screen: str = "squat"


@dataclass(frozen=True)
class Outcome:
    case: Case
    state: str  # the verdict given
    claimed: bool  # the criterion claims to be measurable in this view
    correct: bool
    value: float | None = None  # the criterion's measured value (the sit-to-stand's timed tests are compared too)


def agrees(state: str, expected: str) -> bool:
    """A verdict matches a known one ("not pass" accepts borderline or fail, "not fail" pass or borderline)."""
    if expected == "not pass":
        return state in ("borderline", "fail")
    if expected == "not fail":
        return state in ("pass", "borderline")
    return state == expected


def claims(criterion: str, yaw: float, screen: str = "squat") -> bool:
    """Whether ``criterion`` claims to be measurable with the body at ``yaw`` deg to the camera (``[views]`` of
    the screen's data file)."""
    low, high = load(screen)["views"][criterion]
    return low <= yaw <= high


def grid_cases(screen: str, first_seed: int, clean, faults, yaws, heights, distances, repeats: int) -> list[Case]:
    """The cases of one figure: from every camera of the grid, ``repeats`` times with new noise (seeds counted on from
    ``first_seed``), each clean case and then each fault, both as (criterion, fault, size, shape, known verdict)."""
    out = []
    seed = first_seed
    for yaw, height, distance, _ in product(yaws, heights, distances, range(repeats)):
        camera = Camera(yaw, height, distance)
        for criterion, fault, size, shape, expected in [*clean, *faults]:
            seed += 1
            out.append(Case(criterion, fault, size, shape, expected, camera, seed, screen))
    return out


def cases(yaws=YAWS, heights=HEIGHTS, distances=DISTANCES, repeats: int = 2) -> list[Case]:
    """Every clean criterion and every fault, from every camera of the grid, ``repeats`` times with new noise."""
    clean = [(criterion, "none (clean squat)", 0.0, CLEAN, "pass") for criterion in squat.FMS_IDS]
    return grid_cases("squat", 0, clean, FAULTS, yaws, heights, distances, repeats)


def _figure_criterion(case: Case, noise: Noise):
    """The kinematics of a posture, single-leg or chair figure's case, filmed, and its criterion as judged."""
    from movement_screen.screens import posture, single_leg, sit_to_stand
    from movement_screen.validation.chair import sit
    from movement_screen.validation.figure import film
    from movement_screen.validation.single_leg import single_leg_squats
    from movement_screen.validation.standing import stand

    motion, judge = {
        "posture": (stand, posture.judge_view),
        "single_leg_squat": (single_leg_squats, single_leg.judge_view),
        "sit_to_stand": (sit, lambda kin: sit_to_stand.judge_view(kin, 0, CHAIR_AGE, CHAIR_SEX)),
    }[case.screen]
    t, points = motion(case.squat)
    kin = prepare(film(points, t, case.camera, replace(noise, seed=case.seed)))
    return kin, next(c for c in judge(kin).criteria if c.id == case.criterion)


def run_case(case: Case, noise: Noise = Noise()) -> Outcome:
    """Film one case and judge it with its screen."""
    value = None
    if case.screen == "squat":
        kin = prepare(squat_clip(case.squat, case.camera, replace(noise, seed=case.seed)))
        view = squat.judge_view(kin)
        state = "no repetition"
        if view.best is not None:
            state = next(c.state for c in view.criteria if c.id == case.criterion)
    else:
        kin, found = _figure_criterion(case, noise)
        state, value = found.state, found.value
    # The view's own estimate of the yaw decides the claim, as it would on a real clip.
    claimed = claims(case.criterion, kin.view.yaw_deg, case.screen)
    correct = agrees(state, case.expected) if claimed else state == "not_assessed"
    return Outcome(case, state, claimed, correct, value)


def run(all_cases: list[Case] | None = None, progress=None) -> list[Outcome]:
    all_cases = cases() if all_cases is None else all_cases
    out = []
    for i, case in enumerate(all_cases):
        out.append(run_case(case))
        if progress:
            progress(i + 1, len(all_cases))
    return out


def table(outcomes: list[Outcome]) -> str:
    """Markdown: per criterion and fault size, the share of correct verdicts at each camera yaw."""
    yaws = sorted({o.case.camera.yaw_deg for o in outcomes})
    rows: dict[tuple, dict[float, list[Outcome]]] = {}
    for o in outcomes:
        key = (o.case.criterion, o.case.fault, o.case.size, o.case.expected)
        rows.setdefault(key, {}).setdefault(o.case.camera.yaw_deg, []).append(o)
    head = "| criterion | fault | size | known verdict | " + " | ".join(f"yaw {y:g}" for y in yaws) + " |"
    lines = [head, "|" + "---|" * (4 + len(yaws))]
    for (criterion, fault, size, expected), by_yaw in rows.items():
        cells = []
        for y in yaws:
            group = by_yaw.get(y, [])
            if not group:
                cells.append("")
                continue
            right = sum(o.correct for o in group)
            claimed = sum(o.claimed for o in group)
            share = f"{100 * right / len(group):.0f} %"
            cells.append(share if claimed == len(group) else (f"n/a {share}" if claimed == 0 else f"mixed {share}"))
        lines.append(f"| {criterion} | {fault} | {size:g} | {expected} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    """Share of correct verdicts per criterion, over the views where it claims to be measurable."""
    out: dict[str, list[bool]] = {}
    for o in outcomes:
        if o.claimed:
            out.setdefault(o.case.criterion, []).append(o.correct)
    return {k: sum(v) / len(v) for k, v in out.items()}


def summary_table(outcomes: list[Outcome]) -> str:
    """Markdown: per criterion, the views it claims and its share of correct verdicts there."""
    from movement_screen.contract.config import load as load_table

    views = load_table(outcomes[0].case.screen if outcomes else "squat")["views"]
    share = summary(outcomes)
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.case.criterion] = counts.get(o.case.criterion, 0) + o.claimed
    lines = ["| criterion | measured at body yaw (deg) | clips judged there | correct verdicts |", "|---|---|---|---|"]
    for criterion, value in share.items():
        low, high = views[criterion]
        lines.append(f"| {criterion} | {low:g}-{high:g} | {counts[criterion]} | {100 * value:.1f} % |")
    return "\n".join(lines)


def plot(outcomes: list[Outcome], path, title: str = "Synthetic squats") -> None:
    """Share of correct verdicts against camera yaw, one line per criterion (measured views only), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=120)
    yaws = sorted({o.case.camera.yaw_deg for o in outcomes})
    criteria = list(dict.fromkeys(o.case.criterion for o in outcomes))
    marks = ("o", "s", "^", "D", "v", "<", ">", "p", "h")
    styles = {c: (marks[i % len(marks)], ("-", "--", ":")[i % 3]) for i, c in enumerate(criteria)}
    for criterion in criteria:
        xs, ys = [], []
        for y in yaws:
            group = [o for o in outcomes if o.case.criterion == criterion and o.case.camera.yaw_deg == y
                     and o.claimed]
            if group:
                xs.append(y)
                ys.append(100 * sum(o.correct for o in group) / len(group))
        if xs:
            marker, line = styles[criterion]
            ax.plot(xs, ys, marker=marker, linestyle=line, markerfacecolor="none", label=criterion)
    ax.axhline(95, color="grey", linestyle="--", linewidth=1)
    ax.text(yaws[-1], 95.5, "95 %", ha="right", va="bottom", color="grey", fontsize=8)
    ax.set_xlabel("camera yaw to the body (deg): 0 = in front, 90 = at the side")
    ax.set_ylabel("known verdict given (%)")
    ax.set_title(f"{title}: correct verdicts where each criterion measures")
    ax.set_xticks(yaws)
    ax.set_ylim(50, 102)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# The posture screen's known faults (standing.Posture), each against its own criterion.
POSTURE_FAULTS = (
    ("shoulder_level", "right shoulder lower (deg)", 5.0, "not pass"),
    ("shoulder_level", "right shoulder lower (deg)", 9.0, "fail"),
    ("pelvis_level", "right hip lower (deg)", 11.0, "not pass"),
    ("pelvis_level", "right hip lower (deg)", 15.0, "fail"),
    ("head_tilt", "head tilted to the right (deg)", 16.0, "not pass"),
    ("head_tilt", "head tilted to the right (deg)", 22.0, "fail"),
    ("trunk_lateral_shift", "trunk shifted to the right (cm)", 8.0, "not pass"),
    ("trunk_lateral_shift", "trunk shifted to the right (cm)", 12.0, "fail"),
    ("side_lean", "body leaning to the right (deg)", 3.0, "not pass"),
    ("side_lean", "body leaning to the right (deg)", 6.0, "fail"),
    ("head_forward", "head carried forward (cm)", 12.0, "not pass"),
    ("head_forward", "head carried forward (cm)", 18.0, "fail"),
    ("trunk_lean_standing", "hips swayed forward, trunk back (cm)", 12.0, "fail"),
    ("hips_forward", "hips swayed forward, trunk back (cm)", 12.0, "not pass"),
    ("knee_hyperextension", "knees pushed back (deg)", 15.0, "fail"),
)
POSTURE_FIELD = {"shoulder_level": "shoulder_tilt_deg", "pelvis_level": "pelvis_tilt_deg",
                 "head_tilt": "head_tilt_deg", "trunk_lateral_shift": "trunk_shift_cm",
                 "side_lean": "body_lean_deg", "head_forward": "head_forward_cm",
                 "trunk_lean_standing": "sway_cm", "hips_forward": "sway_cm", "knee_hyperextension": "knee_back_deg"}


def posture_cases(yaws=YAWS, heights=HEIGHTS, distances=DISTANCES, repeats: int = 2) -> list[Case]:
    """Quiet standing, clean and with each known fault, from every camera of the grid."""
    from movement_screen.screens.posture import FRONT_IDS, SIDE_IDS
    from movement_screen.validation.standing import Posture

    clean = [(criterion, "none (standing straight)", 0.0, Posture(), "pass") for criterion in FRONT_IDS + SIDE_IDS]
    faults = [(criterion, fault, size, replace(Posture(), **{POSTURE_FIELD[criterion]: size}), expected)
              for criterion, fault, size, expected in POSTURE_FAULTS]
    return grid_cases("posture", 10_000, clean, faults, yaws, heights, distances, repeats)


# The sit-to-stand's known faults and paces (chair.Chair), each against its own criterion. Every case is a woman
# of 65: the 5xSTS norm is then 11.4 s (fail from 15 s), the 30-s chair stand's normal range starts at 11 stands.
CHAIR_AGE, CHAIR_SEX = 65.0, "female"
CHAIR_FAULTS = (
    ("five_times_sit_to_stand", "slower pace: known 5xSTS time (s)", 12.8,
     {"rise_s": 1.2, "top_s": 0.2, "sit_s": 1.3, "bottom_s": 0.2}, "borderline"),
    ("five_times_sit_to_stand", "slower pace: known 5xSTS time (s)", 16.8,
     {"rise_s": 1.6, "top_s": 0.3, "sit_s": 1.6, "bottom_s": 0.3}, "fail"),
    ("chair_stand_30s", "known stands in 30 s", 12.0, {"stands": 15}, "pass"),
    ("chair_stand_30s", "known stands in 30 s (the 9th half way up)", 9.0,
     {"stands": 12, "rise_s": 1.5, "top_s": 0.3, "sit_s": 1.5, "bottom_s": 0.31}, "fail"),
    ("hands_on_thighs", "hands pushing on the thighs", 1.0, {"hands": "thighs"}, "fail"),
    ("hands_on_thighs", "hands pushing on the seat", 1.0, {"hands": "seat"}, "fail"),
    ("trunk_lean_seat_off", "extra trunk lean at seat-off (deg)", 15.0, {"extra_lean_deg": 15.0}, "not pass"),
    ("trunk_lean_seat_off", "extra trunk lean at seat-off (deg)", 25.0, {"extra_lean_deg": 25.0}, "fail"),
    ("knees_inward_rise", "knees inward at mid-rise (cm)", 6.0, {"knee_in_cm": 6.0}, "not pass"),
    ("knees_inward_rise", "knees inward at mid-rise (cm)", 10.0, {"knee_in_cm": 10.0}, "fail"),
    ("uncontrolled_sit", "sit-down time, rise 1.0 s (s)", 0.6, {"sit_s": 0.6}, "not pass"),
    ("uncontrolled_sit", "sit-down time, rise 1.0 s (s)", 0.45, {"sit_s": 0.45}, "fail"),
)


def chair_cases(yaws=YAWS, heights=HEIGHTS, distances=DISTANCES, repeats: int = 2) -> list[Case]:
    """Sit-to-stands, clean (5 stands in a known 10.8 s) and with each known fault or pace, from every camera of the
    grid. The 30-s count has no clean case of its own: its two paces sit either side of the norm."""
    from movement_screen.validation.chair import Chair

    clean = [(criterion, "none (a steady 5xSTS)", 10.8 if criterion == "five_times_sit_to_stand" else 0.0, Chair(),
              "pass") for criterion in ("five_times_sit_to_stand", "hands_on_thighs", "trunk_lean_seat_off",
                                        "knees_inward_rise", "uncontrolled_sit")]
    faults = [(criterion, fault, size, replace(Chair(), **change), expected)
              for criterion, fault, size, change, expected in CHAIR_FAULTS]
    return grid_cases("sit_to_stand", 20_000, clean, faults, yaws, heights, distances, repeats)


def timing_table(outcomes: list[Outcome]) -> str:
    """Markdown: the five-times sit-to-stand time measured against the built one, per camera yaw."""
    from movement_screen.validation.chair import five_times_s

    rows: dict[float, list[float]] = {}
    for o in outcomes:
        if o.case.criterion == "five_times_sit_to_stand" and o.value is not None:
            rows.setdefault(o.case.camera.yaw_deg, []).append(o.value - five_times_s(o.case.squat))
    if not rows:
        return ""
    lines = ["| yaw | clips | mean error (s) | SD (s) | largest error (s) |", "|---|---|---|---|---|"]
    every = []
    for yaw in sorted(rows):
        e = rows[yaw]
        every += e
        lines.append(f"| {yaw:g} | {len(e)} | {sum(e) / len(e):+.2f} | {_sd(e):.2f} | {max(e, key=abs):+.2f} |")
    lines.append(f"| all | {len(every)} | {sum(every) / len(every):+.2f} | {_sd(every):.2f} | "
                 f"{max(every, key=abs):+.2f} |")
    return "\n".join(lines)


def _sd(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1)) ** 0.5


# The single-leg squat's known faults (single_leg.SingleLegSquat, on the first leg), each against its criterion.
# The sizes are the figure's own: knee_in_cm moves the stance knee toward the midline (from about 1.5 cm outside
# the second toe: 8 cm puts it 0.15 shank lengths inside, 10 cm 0.20, 12 cm 0.24).
SINGLE_LEG_FAULTS = (
    ("knee_inside_foot", "stance knee toward the midline (cm)", 8.0, {"knee_in_cm": 8.0}, "not pass"),
    ("knee_inside_foot", "stance knee toward the midline (cm)", 10.0, {"knee_in_cm": 10.0}, "fail"),
    ("free_side_pelvic_drop", "free side of the pelvis dropping (deg)", 2.0, {"pelvic_drop_deg": 2.0}, "pass"),
    ("free_side_pelvic_drop", "free side of the pelvis dropping (deg)", 12.0, {"pelvic_drop_deg": 12.0}, "fail"),
    ("trunk_lean_over_stance", "trunk leaning over the stance leg (deg)", 5.0, {"trunk_lean_deg": 5.0}, "pass"),
    ("trunk_lean_over_stance", "trunk leaning over the stance leg (deg)", 20.0, {"trunk_lean_deg": 20.0}, "fail"),
    ("balance_kept", "free foot touching down (repetition)", 2.0, {"touch_down_rep": 2}, "fail"),
    ("single_leg_depth", "knee flexion at the bottom (deg)", 35.0, {"knee_flexion_deg": 35.0}, "fail"),
    ("knee_difference", "stance knee toward the midline, first leg (cm)", 8.0, {"knee_in_cm": 8.0}, "not pass"),
    ("knee_difference", "stance knee toward the midline, first leg (cm)", 12.0, {"knee_in_cm": 12.0}, "fail"),
)


def single_leg_cases(yaws=YAWS, heights=HEIGHTS, distances=DISTANCES, repeats: int = 2) -> list[Case]:
    """Single-leg squats on each leg, clean and with each known fault, from every camera of the grid."""
    from movement_screen.screens.single_leg import TITLES
    from movement_screen.validation.single_leg import SingleLegSquat

    clean = [(criterion, "none (clean squats)", 0.0, SingleLegSquat(), "pass") for criterion in TITLES]
    faults = [(criterion, fault, size, replace(SingleLegSquat(), **change), expected)
              for criterion, fault, size, change, expected in SINGLE_LEG_FAULTS]
    return grid_cases("single_leg_squat", 40_000, clean, faults, yaws, heights, distances, repeats)
