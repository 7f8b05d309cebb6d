"""Speed and memory of movement-screen against the bare pose model, measured in one go on this machine.

    python bench/bench_all.py [--long-minutes 10] [--write bench/RESULTS.md]

1. the limit: the bare landmark model (the bundle's pose_landmarks_detector.tflite run by LiteRT,
   `pip install ai-edge-litert`, 2 threads, one 256x256 inference per frame: what one tracked person costs at
   the least), and the Tasks PoseLandmarker alone (detect_for_video on pre-decoded, pre-scaled frames, as many
   poses as the pipeline's first look decides, 640-pixel side); model loads excluded;
2. `movement-screen analyze CLIP` with default settings (a fresh process: start-up, model load, decode, pose,
   scoring, every output file including annotated.mp4), with --no-video, and the analysis alone in a warm process;
   each as frames/s and as a ratio to (1);
3. `movement-screen batch` over the shared clips with 1 and 2 worker processes: videos/min, frames/s and
   video-seconds scored per wall-second;
4. peak resident memory of `analyze` on a clip looped to 1 minute and to --long-minutes (flat in length?);
5. `movement-screen --help` start time.
Every child is a separate process: wall time from wait4, peak RSS from GNU time (`/usr/bin/time -f %M`).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = Path(os.environ.get("MOVEMENT_SCREEN_CLIPS", ROOT.parent / "shared" / "videos"))
SPEED_CLIPS = ["sports2d_demo_gait_sagittal.mp4", "lnewco_ohs_7032_side.mov", "toe_touch_side.mp4"]
LONG_CLIP = "toe_touch_side.mp4"
CLI = [sys.executable, "-m", "movement_screen"]


TIME = shutil.which("time") or "/usr/bin/time"


def measured(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one child process.

    The peak comes from GNU time's %M when it is installed: wait4's ru_maxrss also counts the pages the child
    shared with this (large) benchmark process right after the fork, which made every figure the benchmark's own.
    """
    report = Path(tempfile.mkstemp(prefix="ms-time-")[1])
    wrapped = [TIME, "-f", "%M", "-o", str(report), *cmd] if Path(TIME).exists() else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    try:
        peak_mb = int(report.read_text().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        peak_mb = usage.ru_maxrss / 1024
    report.unlink(missing_ok=True)
    return wall, peak_mb, os.waitstatus_to_exitcode(status)


def frame_count(path: Path) -> tuple[int, float]:
    from movement_screen.video.reader import iter_frames

    n, last = 0, 0.0
    for frame in iter_frames(path, max_side=None):
        n, last = n + 1, frame.time_s
    return n, last


def bare_rate(path: Path) -> float:
    """The Tasks landmarker alone, tracking as many poses as the pipeline's first look decides."""
    from movement_screen.pose import models
    from movement_screen.pose.estimator import DEFAULT_MAX_PEOPLE, PoseEstimator, count_people
    from movement_screen.video.reader import iter_frames

    model = models.resolve("full")
    frames = [(f.time_s, f.small) for f in iter_frames(path)]
    with PoseEstimator(model, max_people=count_people(path, model, DEFAULT_MAX_PEOPLE)) as estimator:
        start = time.perf_counter()
        for time_s, image in frames:
            estimator.detect(image, int(time_s * 1000))
        return len(frames) / (time.perf_counter() - start)


def landmark_model_rate(path: Path) -> float | None:
    """The bare landmark network: one LiteRT inference per frame of the clip (scaled to its 256x256 input),
    2 threads, no detector, no graph; None when ai-edge-litert is not installed."""
    import zipfile

    import cv2
    import numpy as np

    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return None
    from movement_screen.pose import models
    from movement_screen.video.reader import iter_frames

    with zipfile.ZipFile(models.resolve("full").path) as bundle:
        network = Interpreter(model_content=bundle.read("pose_landmarks_detector.tflite"), num_threads=2)
    network.allocate_tensors()
    entry = network.get_input_details()[0]
    side = int(entry["shape"][1])
    frames = [cv2.resize(f.small, (side, side)).astype(np.float32)[None] / 255.0 for f in iter_frames(path)]
    network.set_tensor(entry["index"], frames[0])
    network.invoke()  # warm-up
    start = time.perf_counter()
    for image in frames:
        network.set_tensor(entry["index"], image)
        network.invoke()
    return len(frames) / (time.perf_counter() - start)


def warm_rate(path: Path) -> float:
    """Analysis alone (pose + scoring, no files), model already loaded in this process."""
    from movement_screen.api import analyze

    analyze(path, progress=False)  # loads the graph once
    start = time.perf_counter()
    analysis = analyze(path, progress=False)
    return sum(len(s.detections.t) for s in analysis.sources) / (time.perf_counter() - start)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import mediapipe

    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, no GPU; {platform.platform()}; "
            f"Python {platform.python_version()}, mediapipe {mediapipe.__version__}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--long-minutes", type=float, default=10.0)
    parser.add_argument("--write", type=Path, help="also write the figures as markdown to this file")
    args = parser.parse_args()
    missing = [c for c in SPEED_CLIPS if not (CLIPS / c).is_file()]
    if missing:
        sys.exit(f"shared clips missing in {CLIPS}: {missing}")
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    work = Path(tempfile.mkdtemp(prefix="ms-bench-"))
    say(f"Machine: {machine()}")
    say(f"Command: python bench/bench_all.py --long-minutes {args.long_minutes:g}")
    say()
    say("## 1-2. One clip: the limit against analyze")
    say()
    say("Ratios are to the bare landmark model (LiteRT) measured in this run; the Tasks landmarker alone is the "
        "second limit (its ratio in brackets).")
    say()
    say("| clip | frames | landmark model inf/s | Tasks landmarker f/s | analyze (default, fresh process) f/s "
        "| ratio | analyze --no-video f/s | ratio | analysis alone, warm f/s | ratio |")
    say("|---|---|---|---|---|---|---|---|---|---|")
    limits = {}
    for name in SPEED_CLIPS:
        path = CLIPS / name
        frames, _ = frame_count(path)
        bare = bare_rate(path)
        limit = limits[name] = landmark_model_rate(path) or bare
        full = frames / measured([*CLI, "analyze", str(path), "--out", str(work / name), "--quiet"])[0]
        novid = frames / measured([*CLI, "analyze", str(path), "--out", str(work / name), "--quiet",
                                   "--no-video"])[0]
        warm = warm_rate(path)

        def ratio(rate: float) -> str:
            return f"{rate / limit:.2f} ({rate / bare:.2f})"
        say(f"| {name} | {frames} | {limit:.1f} | {bare:.1f} | {full:.1f} | {ratio(full)} | {novid:.1f} | "
            f"{ratio(novid)} | {warm:.1f} | {ratio(warm)} |")
    if landmark_model_rate(CLIPS / SPEED_CLIPS[0]) is None:
        say("(ai-edge-litert is not installed: the Tasks landmarker's rate stands in for the landmark model's)")

    say()
    say("## 3. Batch over the shared clips")
    say()
    from movement_screen.batch.discover import find_videos

    clips = find_videos(CLIPS).videos  # what the batch itself will find (SOURCES.md and the like are not videos)
    totals = [frame_count(p) for p in clips]
    n_frames, seconds = sum(n for n, _ in totals), sum(t for _, t in totals)
    say(f"{len(clips)} clips, {n_frames} frames, {seconds:.1f} s of video; default settings (annotated video "
        "included), a fresh output folder each time")
    say()
    limit = statistics.mean(limits.values())
    say(f"| workers | wall s | videos/min | frames/s | ratio to the landmark model ({limit:.0f} inf/s) | "
        "video-s per wall-s | peak RSS of the runner MB |")
    say("|---|---|---|---|---|---|---|")
    for workers in (1, 2):
        wall, rss, _ = measured([*CLI, "batch", str(CLIPS), "--out", str(work / f"batch{workers}"), "--workers",
                                 str(workers), "--quiet"])
        say(f"| {workers} | {wall:.1f} | {len(clips) / wall * 60:.1f} | {n_frames / wall:.1f} | "
            f"{n_frames / wall / limit:.2f} | {seconds / wall:.2f} | {rss:.0f} |")

    say()
    say("## 4. Memory on a long input")
    say()
    say(f"`{LONG_CLIP}` looped with ffmpeg (-stream_loop, stream copy), then `movement-screen analyze --screen "
        "forward-bend` (otherwise default settings) in a fresh process:")
    say()
    say(f"| length | frames | wall s | frames/s | ratio to the landmark model on {LONG_CLIP} | peak RSS MB |")
    say("|---|---|---|---|---|---|")
    ffmpeg = shutil.which("ffmpeg")
    for minutes in (1.0, args.long_minutes):
        long_path = work / f"long_{minutes:g}min.mp4"
        subprocess.run([ffmpeg, "-v", "error", "-y", "-stream_loop", "-1", "-i", str(CLIPS / LONG_CLIP), "-t",
                        str(minutes * 60), "-c", "copy", str(long_path)], check=True)
        frames, _ = frame_count(long_path)
        wall, rss, code = measured([*CLI, "analyze", str(long_path), "--out", str(work / f"long{minutes:g}"),
                                    "--quiet", "--screen", "forward-bend"])
        say(f"| {minutes:g} min | {frames} | {wall:.0f} | {frames / wall:.1f} | "
            f"{frames / wall / limits[LONG_CLIP]:.2f} | {rss:.0f}"
            f"{'' if code == 0 else f' (exit {code})'} |")

    say()
    say("## 5. Start-up")
    say()
    exe = shutil.which("movement-screen") or sys.executable
    cmd = [exe, "--help"] if exe != sys.executable else [*CLI, "--help"]
    walls = [measured(cmd)[0] for _ in range(7)]
    say(f"`movement-screen --help`: median {statistics.median(walls):.2f} s over 7 runs")
    shutil.rmtree(work, ignore_errors=True)
    if args.write:
        header = ["# Benchmark results", "", "Figures printed by `python bench/bench_all.py` (f/s = frames per "
                  "second); what each one measures is in the script's docstring.", ""]
        args.write.write_text("\n".join(header + lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
