"""How wrong is the pose model's depth? The same squat seen from the side and from the front, compared.

    python bench/depth_error.py [--videos ../shared/videos] [--update docs/validation.md]

Each shared squat pair (``*_side.mov`` + ``*_front.mov``, one person, one session) is analysed view by view. At
the bottom of the deepest repetition the trunk's and the shins' forward tip is read from the world landmarks in
the body's sagittal plane. From the side the forward tip lies across the picture, where the model sees it; from
the front it lies along the camera's axis, where the world landmarks are the model's depth guess. The ratio of
the forward offsets (tan of the angles, front over side) is how much of a forward tip the model's depth keeps;
the angle difference is the error a front-ish view makes. The side view's picture angle (corrected for its yaw)
is printed as a third, independent estimate. The synthetic harness's world depth uses the measured ratio.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAIRS = (("lnewco_ohs_7026_side.mov", "lnewco_ohs_7027_front.mov"),
         ("lnewco_ohs_7032_side.mov", "lnewco_ohs_7033_front.mov"),
         ("lnewco_ohs_7051_side.mov", "lnewco_ohs_7052_front.mov"))


def bottom_angles(kin) -> dict[str, float]:
    """Trunk and shin forward tip at the deepest repetition's bottom, world (body frame) and picture."""
    from movement_screen.kinematics import geometry as geo
    from movement_screen.pose import landmarks as lm
    from movement_screen.screens import squat
    from movement_screen.screens.common import window_mean

    reps, bottoms = squat.find_repetitions(kin)
    if not reps:
        return {}
    i = max(range(len(reps)), key=lambda k: reps[k].depth_leg_fraction or 0)
    bottom, body, mid = bottoms[i], kin.body, kin.world_mid
    out = {"yaw": kin.view.yaw_deg}
    for name, lower, upper in (("trunk", (lm.L_HIP, lm.R_HIP), (lm.L_SHOULDER, lm.R_SHOULDER)),
                               ("shin", (lm.L_ANKLE, lm.R_ANKLE), (lm.L_KNEE, lm.R_KNEE))):
        out[name] = window_mean(body.sagittal_inclination(mid(*lower), mid(*upper)), bottom, 3)
        low, up = (kin.xy[:, lower[0]] + kin.xy[:, lower[1]]) / 2, (kin.xy[:, upper[0]] + kin.xy[:, upper[1]]) / 2
        picture = geo.inclination_off_side(low, up, kin.view.facing, max(kin.view.yaw_deg, 20))
        out[name + "_picture"] = window_mean(picture, bottom, 3)
    return out


def arguments():
    """The benches' common options: where the shared clips are, and a markdown file to write the table into."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    parser.add_argument("--update", type=Path, help="write the table into this markdown file between its markers")
    return parser.parse_args()


def analysed_pairs(videos: Path) -> dict[tuple[str, str], tuple[list, list[dict]]]:
    """Per shared pair (side, front): both clips analysed as squats, and their bottom angles (side first)."""
    from movement_screen.api import analyse_source
    from movement_screen.pose import models

    model = models.find_local("full")
    out = {}
    for pair in PAIRS:
        sources = [analyse_source(videos / name, model, screen="squat", progress=False) for name in pair]
        out[pair] = sources, [bottom_angles(src.kinematics) for src in sources]
    return out


def depth_keeps(side: dict, front: dict, segment: str) -> float:
    """The share of a segment's forward tip the front view's world depth keeps, against the side view."""
    return float(np.tan(np.radians(front[segment])) / np.tan(np.radians(side[segment])))


def publish(rows: list[str], update: Path | None, marker: str) -> None:
    """Print the table, and write it between ``marker``'s markers in ``update`` when given."""
    from movement_screen.cli import replace_section

    table = "\n".join(rows)
    print(table)
    if update:
        replace_section(update, marker, table)


def main() -> None:
    args = arguments()
    rows = ["| pair | segment | side view: world (picture) deg | front view: world deg | depth keeps |",
            "|---|---|---|---|---|"]
    for (side_name, front_name), (_, (side, front)) in analysed_pairs(args.videos).items():
        if not side or not front:
            rows.append(f"| {side_name} + {front_name} | no repetition in one view | | | |")
            continue
        for segment in ("trunk", "shin"):
            rows.append(f"| {side_name} (yaw {side['yaw']:.0f}) + {front_name} (yaw {front['yaw']:.0f}) | {segment} | "
                        f"{side[segment]:.1f} ({side[segment + '_picture']:.1f}) | {front[segment]:.1f} | "
                        f"{depth_keeps(side, front, segment):.2f} |")
    publish(rows, args.update, "depth")


if __name__ == "__main__":
    main()
