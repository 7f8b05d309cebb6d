"""What de-identification costs: the annotated video written plain, de-identified and as a stick figure.

    python bench/bench_privacy.py [VIDEO ...]

Analyses each VIDEO once (default: the shared side squat, walking and lab clips), then writes its annotated video
three times from that one analysis and prints the frames/s of each pass and its ratio to the plain one. The pose
model is not part of the figure: only decoding, drawing, blurring and encoding.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT.parent / "shared" / "videos"
DEFAULT = ["lnewco_ohs_7032_side.mov", "sports2d_demo_gait_sagittal.mp4", "pose2sim_multi_cam01.mp4"]
SCREENS = {"pose2sim_multi_cam01.mp4": "squat"}  # no movement to recognise there: scored as a squat, for the video
PRIVACY = ("none", "deidentify", "stick_figure")


def main(argv: list[str]) -> None:
    from movement_screen import api
    from movement_screen.video.annotate import write_annotated

    paths = [Path(a) for a in argv] or [VIDEOS / name for name in DEFAULT]
    print("| clip | frames | plain frames/s | de-identified frames/s (ratio) | stick figure frames/s (ratio) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            analysis = api.analyze(path, SCREENS.get(path.name, "auto"), progress=False)
            frames = analysis.sources[0].detections.frame.size
            rates = {}
            for privacy in PRIVACY:
                best = 0.0
                for _ in range(2):  # the faster of two: the first also warms the codec and the page cache
                    start = time.perf_counter()
                    write_annotated(analysis, 0, Path(tmp) / f"{privacy}.mp4", privacy)
                    best = max(best, frames / (time.perf_counter() - start))
                rates[privacy] = best
            plain = rates["none"]
            print(f"| {path.name} | {frames} | {plain:.0f} | {rates['deidentify']:.0f} "
                  f"({rates['deidentify'] / plain:.2f}) | {rates['stick_figure']:.0f} "
                  f"({rates['stick_figure'] / plain:.2f}) |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
