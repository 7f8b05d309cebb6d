"""Leave one squat pair out: is what the shared pairs set still right for the pair that did not set it?

    python bench/leave_one_out.py [--videos ../shared/videos] [--update docs/validation.md]

Two things in the squat screen come from the three shared side/front pairs (``bench/depth_error.py``): how much of
a trunk's forward tip the model's depth can lose (``squat.toml`` ``depth_keep_min``, the least kept) and the
harness's noise (``figure.Noise.trunk_depth_keep``, the median kept). For each pair in turn both are measured on the
other two pairs only; then (1) the left-out pair is scored with that ``depth_keep_min`` and its labels compared,
and (2) the synthetic harness's trunk-vs-shin cases are run with that noise, giving the share of correct verdicts
over the views the criterion claims (25-90 deg).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    parser.add_argument("--update", type=Path, help="write the table into this markdown file between its markers")
    args = parser.parse_args()

    from dataclasses import replace

    from depth_error import PAIRS, bottom_angles
    from movement_screen.api import analyse_source, score_sources
    from movement_screen.cli import replace_section
    from movement_screen.contract.config import overriding
    from movement_screen.pose import models
    from movement_screen.validation import harness
    from movement_screen.validation.agreement import read_labels
    from movement_screen.validation.figure import Noise

    model = models.find_local("full")
    labels = read_labels(ROOT / "tests" / "labels" / "lnewco_squats.csv")
    sources, keeps = {}, {}
    for side, front in PAIRS:
        sources[side] = [analyse_source(args.videos / name, model, screen="squat", progress=False)
                         for name in (side, front)]
        angles = [bottom_angles(src.kinematics) for src in sources[side]]
        keeps[side] = float(np.tan(np.radians(angles[1]["trunk"])) / np.tan(np.radians(angles[0]["trunk"])))
    trunk_cases = [c for c in harness.cases(repeats=1) if c.criterion == "trunk_tibia_parallel"]

    rows = ["| pair left out | trunk depth kept, other pairs | its labels agreeing | harness trunk-vs-shin, 25-90 deg |",
            "|---|---|---|---|"]
    for side, front in PAIRS:
        others = [keeps[k] for k in keeps if k != side]
        tables = {"squat": {"trunk_tibia_parallel": {"depth_keep_min": round(min(others), 2)}}}
        with overriding(tables):
            result = score_sources(sources[side], [side, front], model, screen="squat", pain="no").result
            mine = [lab for lab in labels if lab.clips == (side, front)]
            agree = sum(harness.agrees(result.criterion(lab.criterion).state, lab.expected) for lab in mine)
            noise = Noise(trunk_depth_keep=float(np.median(others)))
            outcomes = [harness.run_case(case, noise) for case in trunk_cases]
        claimed = [o for o in outcomes if o.claimed]
        share = sum(o.correct for o in claimed) / len(claimed)
        rows.append(f"| {side} + {front} | {', '.join(f'{k:.2f}' for k in others)} (least {min(others):.2f}, "
                    f"median {np.median(others):.2f}) | {agree} of {len(mine)} | {share:.1%} of {len(claimed)} |")
        print(rows[-1], flush=True)
    table = "\n".join(rows)
    print(table)
    if args.update:
        replace_section(args.update, "leave-one-out", table)


if __name__ == "__main__":
    main()
