"""Throughput and memory of the pipeline against the bare pose model on a real clip.

    python bench/bench_pipeline.py [VIDEO] [--max-people N]

Prints frames/s of (1) the bare landmarker on pre-decoded, pre-scaled frames, (2) the full per-clip analysis
(decode + rotation + resize + inference + tracking + kinematics), their ratio, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "videos" / "sports2d_demo_gait_sagittal.mp4"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--max-people", type=int, default=3)
    args = parser.parse_args()

    from movement_screen.api import analyse_source
    from movement_screen.pose import models
    from movement_screen.pose.estimator import PoseEstimator
    from movement_screen.video.reader import iter_frames, probe

    model = models.resolve("full")
    info = probe(args.video)
    frames = [(f.time_s, f.small) for f in iter_frames(args.video)]
    with PoseEstimator(model, max_people=args.max_people) as estimator:
        start = time.perf_counter()
        for time_s, image in frames:
            estimator.detect(image, int(time_s * 1000))
        bare = len(frames) / (time.perf_counter() - start)
    del frames

    start = time.perf_counter()
    source = analyse_source(args.video, model, max_people=args.max_people, progress=False)
    full = len(source.detections.t) / (time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"clip: {args.video.name} {info.width}x{info.height}, {len(source.detections.t)} frames, "
          f"max_people={args.max_people}, model={model.variant} ({model.origin})")
    print(f"bare model:    {bare:6.1f} frames/s")
    print(f"full pipeline: {full:6.1f} frames/s  (ratio to bare model {full / bare:.2f}, includes model load)")
    print(f"peak memory:   {peak_mb:6.0f} MB (includes the bare-model pass's decoded frames)")


if __name__ == "__main__":
    sys.exit(main())
