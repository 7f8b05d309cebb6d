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

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    from depth_error import analysed_pairs, arguments, depth_keeps, publish

    args = arguments()
    from movement_screen.api import score_sources
    from movement_screen.contract.config import overriding
    from movement_screen.pose import models
    from movement_screen.validation import harness
    from movement_screen.validation.agreement import read_labels
    from movement_screen.validation.figure import Noise

    model = models.find_local("full")
    labels = read_labels(ROOT / "tests" / "labels" / "lnewco_squats.csv")
    pairs = analysed_pairs(args.videos)
    keeps = {pair: depth_keeps(*angles, "trunk") for pair, (_, angles) in pairs.items()}
    trunk_cases = [c for c in harness.cases(repeats=1) if c.criterion == "trunk_tibia_parallel"]

    rows = ["| pair left out | trunk depth kept, other pairs | its labels agreeing "
            "| harness trunk-vs-shin, 25-90 deg |",
            "|---|---|---|---|"]
    for pair, (sources, _) in pairs.items():
        others = [keep for other, keep in keeps.items() if other != pair]
        tables = {"squat": {"trunk_tibia_parallel": {"depth_keep_min": round(min(others), 2)}}}
        with overriding(tables):
            result = score_sources(sources, list(pair), model, screen="squat", pain="no").result
            mine = [lab for lab in labels if lab.clips == pair]
            agree = sum(harness.agrees(result.criterion(lab.criterion).state, lab.expected) for lab in mine)
            noise = Noise(trunk_depth_keep=float(np.median(others)))
            outcomes = [harness.run_case(case, noise) for case in trunk_cases]
        claimed = [o for o in outcomes if o.claimed]
        share = sum(o.correct for o in claimed) / len(claimed)
        rows.append(f"| {pair[0]} + {pair[1]} | {', '.join(f'{k:.2f}' for k in others)} (least {min(others):.2f}, "
                    f"median {np.median(others):.2f}) | {agree} of {len(mine)} | {share:.1%} of {len(claimed)} |")
    publish(rows, args.update, "leave-one-out")


if __name__ == "__main__":
    main()
