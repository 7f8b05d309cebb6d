"""Gait events against hand labels (real clips) and known ones (built walks): matched, missed, extra, timing error.

    python bench/gait_events.py [--labels tests/labels/gait_heel_strikes.toml] [--videos ../shared/videos]
                                [--update docs/validation.md]

Prints one row per clip: heel strikes labelled, matched within 2 frames, missed, extra (inside the labelled
frames), the mean absolute error in frames and ms, the mean signed error, and the cadence by the labels, found,
and the difference. Built walks (side, 45 deg, toward and away from the camera, a limp, a late last contact,
shuffling at a turn) come after the real clips.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=Path, default=ROOT / "tests" / "labels" / "gait_heel_strikes.toml")
    parser.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    parser.add_argument("--update", type=Path, help="write the table into this markdown file between its markers")
    args = parser.parse_args()

    from movement_screen.api import analyze
    from movement_screen.cli import replace_section
    from movement_screen.validation import gait_events

    rows = []
    for clip in gait_events.read_labels(args.labels):
        path = args.videos / clip.file
        if not path.exists():
            print(f"skipped {clip.file}: not in {args.videos}", file=sys.stderr)
            continue
        result = analyze(path, "gait", pain="no").result
        found = gait_events.agreement(clip.file, clip, result.events, result.metrics.get("cadence_steps_per_min"))
        rows.append(found.row())
        print(f"{clip.file}: {len(found.matched)} matched, {len(found.missed)} missed, {len(found.extra)} extra",
              file=sys.stderr)
    for case in gait_events.synthetic_cases():
        found, _ = gait_events.run_synthetic(*case)
        rows.append(found.row())
    text = gait_events.HEADER + "\n" + "\n".join(rows)
    print(text)
    if args.update:
        replace_section(args.update, "gait", text)


if __name__ == "__main__":
    main()
