"""Speed and memory of movement-screen against the bare pose network, measured in one go on this machine.

    python bench/bench_all.py [--long-minutes 10] [--update bench/RESULTS.md]

Workloads (made with ffmpeg from the shared clips, stream-copied loops unless said):
- squat: `lnewco_ohs_7032_side.mov` (one person, 1080x1920 phone video) looped to 30 s;
- squat 720p: the same clip scaled to 720x1280 (a webcam-sized source; x264 CRF 18), looped to 30 s;
- walk: `sports2d_demo_gait_sagittal.mp4` (a walker and a person on a box, 1768x994; up to 3 people tracked by
  default, the first look decides 2) looped to 30 s.

1. per workload, on its first 300 frames, each alone: the bare landmark network (the bundle's
   pose_landmarks_detector.tflite run by LiteRT with 2 threads, one 256x256 inference per frame: what one tracked
   person costs at the least; the best of its runs is the limit every ratio is taken against), decoding plus
   downscaling to the
   640-pixel inference copy, the Tasks landmarker and the direct backend on pre-decoded frames (model loads
   excluded); and the pose pass's ceiling when decoding and the direct backend share the cores:
   1 / (1 / decode + 1 / direct);
2. `movement-screen analyze CLIP` in a fresh process (start-up, model load, decode, pose, scoring, every output
   file including annotated.mp4): default settings, --no-video, and --pose-backend tasks (the earlier default),
   the faster of two runs each; frames/s, ratio to (1)'s network and to the floor, CPU per frame, and the stage
   table (movement_screen/stages.py);
3. `movement-screen batch` over 4 one-person clips (the four LNewCo squats looped to 10 s each) with the default
   workers, pinned with taskset to 1 core and to every core (default workers: one per core), and with
   --workers 1 on every core; frames/s, ratio to the network, and the speed-up over one core;
4. peak resident memory of `analyze` on a clip looped to 1 minute and to --long-minutes (flat in length?);
5. `movement-screen --help` start time.
Every child is a separate process: wall time from wait4, peak RSS from GNU time (`/usr/bin/time -f %M`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
CLIPS = Path(os.environ.get("MOVEMENT_SCREEN_CLIPS", ROOT.parent / "shared" / "videos"))
SQUAT, WALK = "lnewco_ohs_7032_side.mov", "sports2d_demo_gait_sagittal.mp4"
BATCH_CLIPS = ["lnewco_ohs_7026_side.mov", "lnewco_ohs_7027_front.mov", "lnewco_ohs_7051_side.mov",
               "lnewco_ohs_7052_front.mov"]
LONG_CLIP = "toe_touch_side.mp4"
SAMPLE_FRAMES = 300  # frames of each workload timed in section 1
CLI = [sys.executable, "-m", "movement_screen"]
TIME = shutil.which("time") or "/usr/bin/time"
FFMPEG = shutil.which("ffmpeg") or "ffmpeg"


class Run(NamedTuple):
    wall: float  # seconds
    peak_mb: float  # peak resident memory
    code: int  # exit code
    cpu: float  # user + system seconds of every thread


def measured(cmd: list[str], stages: Path | None = None) -> Run:
    """Wall seconds, peak RSS in MB, exit code and CPU seconds of one child process.

    The peak comes from GNU time's %M when it is installed: wait4's ru_maxrss also counts the pages the child
    shared with this (large) benchmark process right after the fork, which made every figure the benchmark's own.
    """
    report = Path(tempfile.mkstemp(prefix="ms-time-")[1])
    wrapped = [TIME, "-f", "%M %U %S", "-o", str(report), *cmd] if Path(TIME).exists() else cmd
    start = time.perf_counter()
    env = {**os.environ, "MOVEMENT_SCREEN_STAGES": str(stages)} if stages else None  # stage timings wanted
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    try:
        kb, user, system = report.read_text().split()[-3:]
        peak_mb, cpu = int(kb) / 1024, float(user) + float(system)
    except (OSError, ValueError, IndexError):
        peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    report.unlink(missing_ok=True)
    return Run(wall, peak_mb, os.waitstatus_to_exitcode(status), cpu)


ROUNDS = 2  # runs of each analysis in section 2 (the faster kept) and of each CPU piece (the less): +-15 % here


def best_of(cmd: list[str], stages: Path | None = None, rounds: int = ROUNDS) -> tuple[Run, Path | None]:
    """The fastest of ``rounds`` runs of ``cmd``, and the stage record of that run (``stages``-N.json)."""
    runs = []
    for k in range(rounds):
        record = stages.with_name(f"{stages.name}-{k}.json") if stages else None
        runs.append((measured(cmd, record), record))
    return min(runs, key=lambda run: run[0].wall)


def looped(source: Path, seconds: float, out: Path, scale: str | None = None) -> Path:
    """``source`` repeated to ``seconds`` (stream copy; re-encoded at ``scale`` when given)."""
    if scale:
        scaled = out.with_name(f"scaled_{out.name}")
        subprocess.run([FFMPEG, "-v", "error", "-y", "-i", str(source), "-vf", f"scale={scale}", "-c:v", "libx264",
                        "-crf", "18", "-preset", "fast", "-an", str(scaled)], check=True)
        source = scaled
    subprocess.run([FFMPEG, "-v", "error", "-y", "-stream_loop", "-1", "-i", str(source), "-t", str(seconds),
                    "-c", "copy", str(out)], check=True)
    return out


def frame_count(path: Path) -> tuple[int, float]:
    from movement_screen.video.reader import iter_frames

    n, last = 0, 0.0
    for frame in iter_frames(path, max_side=None):
        n, last = n + 1, frame.time_s
    return n, last


def first_frames(path: Path, count: int = SAMPLE_FRAMES) -> list:
    from movement_screen.video.reader import iter_frames

    out = []
    for frame in iter_frames(path):
        out.append((frame.time_s, frame.small))
        if len(out) >= count:
            break
    return out


NETWORK_PIECE = "landmark network alone, once per tracked person (in the direct backend's row too)"
VIDEO_PIECES = ("kept copy write (raw)", "kept copy read", "annotated video encode (x264 superfast)")


def bare_network():
    """The bundle's landmark network alone in LiteRT with the pose pass's threads; None without ai-edge-litert."""
    import zipfile

    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return None
    from movement_screen.pose import models
    from movement_screen.pose.direct import default_threads

    with zipfile.ZipFile(models.resolve("full").path) as bundle:
        network = Interpreter(model_content=bundle.read("pose_landmarks_detector.tflite"),
                              num_threads=default_threads())
    network.allocate_tensors()
    return network


def network_inputs(network, pictures: list) -> list:
    """The pictures as the landmark network's input tensors (scaled to its 256x256 input, values in 0-1)."""
    import cv2
    import numpy as np

    side = int(network.get_input_details()[0]["shape"][1])
    return [cv2.resize(image, (side, side)).astype(np.float32)[None] / 255.0 for image in pictures]


def landmark_model_rate(path: Path, count: int = SAMPLE_FRAMES) -> float | None:
    """The bare landmark network: one LiteRT inference per frame of the clip (scaled to its 256x256 input), the
    pose pass's threads, no detector, no graph; None when ai-edge-litert is not installed."""
    network = bare_network()
    if network is None:
        return None
    entry = network.get_input_details()[0]
    frames = network_inputs(network, [image for _, image in first_frames(path, count)])
    for image in frames[:30]:  # warm-up: the first run in a process measured half the rate of the next ones
        network.set_tensor(entry["index"], image)
        network.invoke()
    rates = []
    for _ in range(3):  # best of three passes: the limit is what the network can do on this machine
        start = time.perf_counter()
        for image in frames:
            network.set_tensor(entry["index"], image)
            network.invoke()
        rates.append(len(frames) / (time.perf_counter() - start))
    return max(rates)


def decode_rate(path: Path, count: int = SAMPLE_FRAMES) -> float:
    """Decoding and downscaling to the inference copy alone, as the pose pass does it (a decoder thread ahead)."""
    from movement_screen.video.reader import iter_frames, prefetched

    start = time.perf_counter()
    n = 0
    for _ in prefetched(iter_frames(path)):
        n += 1
        if n >= count:
            break
    return n / (time.perf_counter() - start)


@contextlib.contextmanager
def decoder(path: Path):
    """(container, stream) of the clip opened as the pose pass opens it: FFmpeg's frame threads, its thread count."""
    import av

    from movement_screen.cores import share

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = share() + 1
        yield container, stream


def bare_decode_rate(path: Path, count: int = SAMPLE_FRAMES) -> float:
    """The bare decoder: frames/s of FFmpeg's decoding alone, with the pose pass's threads, no scaling and no colour
    conversion (the floor's ``decode``)."""
    rates = []
    for _ in range(2):
        with decoder(path) as (container, stream):
            start, n = time.perf_counter(), 0
            for _ in container.decode(stream):
                n += 1
                if n >= count:
                    break
            rates.append(n / (time.perf_counter() - start))
    return max(rates)


def stage_rows(record: Path, wall: float, frames: int) -> dict[tuple[str, str], float]:
    """(thread, stage) -> ms per frame from one analysis's stage record; the main thread's rows add up to the
    measured wall time with "start-up, imports, the rest" (what no stage covers)."""
    import json

    data = json.loads(record.read_text())
    rows = {}
    for thread, stages in data["threads"].items():
        for name, entry in stages.items():
            rows[(thread, name)] = 1000 * entry["seconds"] / frames
    covered = sum(v for (t, _), v in rows.items() if t == "MainThread")
    rows[("MainThread", "start-up, imports, the rest")] = 1000 * wall / frames - covered
    return rows


def cpu_budget(path: Path, poses: int, count: int = SAMPLE_FRAMES) -> dict[str, float]:
    """CPU milliseconds per frame (every thread of this process, time.process_time) of each piece of the default
    path, each alone (decoding and scaling streamed, the rest on pictures prepared beforehand): what the two cores
    must do per frame whatever the order."""
    from movement_screen.pose import models
    from movement_screen.pose.estimator import open_estimator
    from movement_screen.video.encode import BackgroundEncoder
    from movement_screen.video.kept import KeptFrames
    from movement_screen.video.reader import CONVERT_THREADS, small_size

    def cpu(work) -> float:
        start = time.process_time()
        work()
        return 1000 * (time.process_time() - start) / count

    out: dict[str, float] = {}
    small: list = []

    def decode(scale: bool = False) -> None:
        with decoder(path) as (container, stream):
            for n, frame in enumerate(container.decode(stream), 1):
                if scale:  # one swscale thread, as the reader converts
                    w, h = small_size(frame.width, frame.height, 640)
                    small.append(frame.reformat(width=w, height=h, format="rgb24", threads=CONVERT_THREADS)
                                 .to_ndarray())
                if n >= count:
                    break
    # streamed as the pose pass decodes, each frame let go once used (holding 300 full-size frames costs page faults
    # and cache misses the pose pass does not have: 9.3 ms of CPU a phone frame to decode that way, 7.5 without)
    out["decode (bare)"] = cpu(decode)
    out["scale and colour to the 640-px copy"] = max(0.0, cpu(lambda: decode(scale=True)) - out["decode (bare)"])
    model = models.resolve("full")
    network = bare_network()
    if network is not None:  # the floor's other piece: the landmark network alone, once per tracked person
        entry = network.get_input_details()[0]
        inputs = network_inputs(network, small)

        def infer() -> None:
            for image in inputs:
                for _ in range(poses):
                    network.set_tensor(entry["index"], image)
                    network.invoke()
        infer()  # warm-up
        out[NETWORK_PIECE] = cpu(infer)
    with open_estimator(model, poses, backend="direct") as estimator:
        estimator.detect(small[0], 0)
        out["direct backend"] = cpu(  # the first look's poses: detector when needed, crop, network, tracking
            lambda: [estimator.detect(image, 33 * i + 33) for i, image in enumerate(small)])
    kept = KeptFrames(30)  # as the pose pass keeps its pictures for the annotated video: raw, within the budget

    def keep() -> None:
        for image in small:
            kept.add(image)
        kept.close()
    out["kept copy write (raw)"] = cpu(keep)
    out["kept copy read"] = cpu(lambda: [None for _ in kept.pictures()])
    kept.discard()
    target = Path(tempfile.mkstemp(suffix=".mp4")[1])
    encoder = BackgroundEncoder(str(target), 30, "superfast", 23)

    def encode() -> None:
        for image in small:
            encoder.add(image)
        encoder.close()
    out["annotated video encode (x264 superfast)"] = cpu(encode)
    target.unlink(missing_ok=True)
    return out


THREAD_WORDS = {"MainThread": "main", "frame-decoder": "decoder thread", "kept-copy-writer": "kept-copy writer",
                "kept-copy-encoder": "kept-copy encoder",
                "annotate": "annotated-video thread", "video-encoder": "annotated-video encoder",
                "warm-imports": "imports thread"}


def backend_rate(path: Path, backend: str, count: int = SAMPLE_FRAMES) -> tuple[float, int]:
    """Frames/s of one backend's detect over pre-decoded frames (tracking the first look's count), and that count."""
    from movement_screen.pose import models
    from movement_screen.pose.estimator import DEFAULT_MAX_PEOPLE, count_people, open_estimator

    model = models.resolve("full")
    frames = first_frames(path, count)
    poses = count_people(path, model, DEFAULT_MAX_PEOPLE, backend=backend)
    with open_estimator(model, poses, backend=backend) as estimator:
        estimator.detect(frames[0][1], 0)  # warm-up
        start = time.perf_counter()
        for time_s, image in frames:
            estimator.detect(image, int(time_s * 1000) + 1)
        return len(frames) / (time.perf_counter() - start), poses


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
    parser.add_argument("--update", type=Path, help="also write the figures into this markdown file (between its "
                        "bench-all markers)")
    args = parser.parse_args()
    missing = [c for c in [SQUAT, WALK, LONG_CLIP, *BATCH_CLIPS] if not (CLIPS / c).is_file()]
    if missing:
        sys.exit(f"shared clips missing in {CLIPS}: {missing}")
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    work = Path(tempfile.mkdtemp(prefix="ms-bench-"))
    workloads = {
        "squat (1080x1920)": looped(CLIPS / SQUAT, 30, work / "squat.mov"),
        "squat 720p (720x1280)": looped(CLIPS / SQUAT, 30, work / "squat720.mp4", "720:1280"),
        "walk (1768x994)": looped(CLIPS / WALK, 30, work / "walk.mp4"),
    }
    say(f"Machine: {machine()}")
    say(f"Command: python bench/bench_all.py --long-minutes {args.long_minutes:g}")
    say()
    say("## 1. The limits: each stage alone")
    say()
    say(f"On each workload's first {SAMPLE_FRAMES} frames, model loads excluded. Poses = people the first look "
        "decided to track. Bare decode = FFmpeg's decoding alone (no scaling, no colour conversion). Floor = "
        "1 / (1/bare decode + poses/network): decoding and the landmark network, once per tracked person, both use "
        "every core, so an analysis cannot go faster than this on this machine (issue 31's yardstick). Ceiling = "
        "1 / (1/decode + downscale + 1/direct): today's pose pass with nothing else.")
    say()
    rates = {name: landmark_model_rate(path) or float("nan") for name, path in workloads.items()}
    # One limit for every ratio: the network's cost does not depend on the picture, so the spread between its runs
    # is the machine's (a shared virtual machine can lose a third of its speed for a minute).
    limit = max(rates.values())
    say(f"The limit of every ratio in sections 1-3: the bare landmark network at {limit:.1f} inferences/s, the best "
        f"of its runs on the three workloads ({', '.join(f'{r:.1f}' for r in rates.values())}).")
    say()
    say("| workload | poses | bare decode f/s | floor f/s | decode + downscale f/s | Tasks landmarker f/s | ratio "
        "| direct backend f/s | ratio | pose-pass ceiling f/s | ratio |")
    say("|---|---|---|---|---|---|---|---|---|---|---|")
    floors, poses_of = {}, {}
    for name, path in workloads.items():
        bare = bare_decode_rate(path)
        decode = decode_rate(path)
        tasks, poses = backend_rate(path, "tasks")
        direct, _ = backend_rate(path, "direct")
        ceiling = 1 / (1 / decode + 1 / direct)
        floors[name] = 1 / (1 / bare + poses / limit)
        poses_of[name] = poses
        say(f"| {name} | {poses} | {bare:.1f} | {floors[name]:.1f} | {decode:.1f} | {tasks:.1f} | {tasks / limit:.2f} "
            f"| {direct:.1f} | {direct / limit:.2f} | {ceiling:.1f} | {ceiling / limit:.2f} |")

    say()
    say("### CPU per frame of each piece, alone")
    say()
    say(f"CPU milliseconds per frame (all threads, `time.process_time`) on each workload's first {SAMPLE_FRAMES} "
        f"frames, each piece alone, the less of {ROUNDS} runs: decoding and scaling streamed as the pose pass does "
        "them, the other pieces on pictures prepared beforehand. Whatever the order or the threads, the two "
        f"cores must do this much work per frame: the sums over {os.cpu_count()} cores are the fastest an analysis "
        "can be before its fixed costs (start-up, model load, the first look, the tables and plot).")
    say()
    budgets = {}
    for name, path in workloads.items():  # each piece's least of two runs: a noisy spell inflates CPU time too
        runs = [cpu_budget(path, poses_of[name]) for _ in range(ROUNDS)]
        budgets[name] = {piece: min(run[piece] for run in runs) for piece in runs[0]}
    pieces = list(next(iter(budgets.values())))
    say("| piece | " + " | ".join(budgets) + " |")
    say("|---|" + "---|" * len(budgets))
    for piece in pieces:
        say(f"| {piece} | " + " | ".join(f"{b[piece]:.2f}" for b in budgets.values()) + " |")
    best_floor, best_novid, best_full = {}, {}, {}
    for name, b in budgets.items():
        work_done = {k: v for k, v in b.items() if k != NETWORK_PIECE}  # the network is counted in the backend
        video = sum(work_done[k] for k in VIDEO_PIECES)
        best_floor[name] = 1000 / ((b["decode (bare)"] + b.get(NETWORK_PIECE, float("nan"))) / os.cpu_count())
        best_novid[name] = 1000 / ((sum(work_done.values()) - video) / os.cpu_count())
        best_full[name] = 1000 / (sum(work_done.values()) / os.cpu_count())
    say("| **the floor's two pieces on the cores** (bare decode + network) | " + " | ".join(
        f"**{best_floor[n]:.1f}** ({best_floor[n] / floors[n]:.2f} of the floor)" for n in budgets) + " |")
    say("| **best f/s on the cores, --no-video** | " + " | ".join(f"**{best_novid[n]:.1f}** ({best_novid[n] / floors[n]:.2f} "
        "of the floor)" for n in budgets) + " |")
    say("| **best f/s on the cores, with the annotated video** | " + " | ".join(
        f"**{best_full[n]:.1f}** ({best_full[n] / floors[n]:.2f} of the floor)" for n in budgets) + " |")

    say()
    say("## 2. analyze, whole 30 s workloads, fresh process")
    say()
    say(f"The faster of {ROUNDS} runs of each. Ratios: to the network (sections 1-3), and to the floor of "
        "section 1 (issue 31's goals: >= 0.8 with the annotated video, >= 0.9 without, >= 0.75 for the two-person "
        "walk). CPU = user + system time of the whole process, every thread.")
    say()
    say("| workload | frames | analyze (default: direct, annotated video) f/s | ratio | of the floor | CPU ms a frame "
        "| --no-video f/s | ratio | of the floor | CPU ms a frame | --pose-backend tasks (the earlier default) f/s "
        "| ratio | peak RSS MB (default) |")
    say("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    stage_tables = {}
    for name, path in workloads.items():
        frames, _ = frame_count(path)
        out = work / "analyze"
        analyze = [*CLI, "analyze", str(path), "--out", str(out), "--quiet"]
        default, default_stages = best_of(analyze, work / "stages_full")
        without, without_stages = best_of([*analyze, "--no-video"], work / "stages_novid")
        full, rss, novid = default.wall, default.peak_mb, without.wall
        stage_tables[(name, "default")] = stage_rows(default_stages, full, frames)
        stage_tables[(name, "--no-video")] = stage_rows(without_stages, novid, frames)
        tasks = best_of([*analyze, "--pose-backend", "tasks"])[0].wall
        floor = floors[name]
        say(f"| {name} | {frames} | {frames / full:.1f} | {frames / full / limit:.2f} | {frames / full / floor:.2f} | "
            f"{1000 * default.cpu / frames:.1f} | {frames / novid:.1f} | {frames / novid / limit:.2f} | "
            f"{frames / novid / floor:.2f} | {1000 * without.cpu / frames:.1f} | "
            f"{frames / tasks:.1f} | {frames / tasks / limit:.2f} | {rss:.0f} |")

    say()
    say("### Stage table: where each analysis of section 2 spends its time")
    say()
    say("Milliseconds per frame of each stage's own wall time in its thread, recorded by the analyses above "
        "(`MOVEMENT_SCREEN_STAGES`, movement_screen/stages.py). The main thread's rows add up to the measured total "
        "(its last row is what no stage covers: interpreter start-up, imports, argument parsing); the other threads "
        "run beside it, on the same two cores, so their time is contention as much as work.")
    say()
    columns = list(stage_tables)
    say("| thread | stage | " + " | ".join(f"{w} {kind}" for w, kind in columns) + " |")
    say("|---|---|" + "---|" * len(columns))
    keys = []
    for table in stage_tables.values():
        keys += [k for k in table if k not in keys]
    order = list(THREAD_WORDS)
    keys.sort(key=lambda k: (order.index(k[0]) if k[0] in order else len(order), -max(
        t.get(k, 0.0) for t in stage_tables.values())))
    for thread, stage in keys:
        cells = [f"{stage_tables[c][(thread, stage)]:.2f}" if (thread, stage) in stage_tables[c] else ""
                 for c in columns]
        say(f"| {THREAD_WORDS.get(thread, thread)} | {stage} | " + " | ".join(cells) + " |")
    totals = [sum(v for (t, _), v in stage_tables[c].items() if t == "MainThread") for c in columns]
    say("| main | **total (= the measured wall time)** | " + " | ".join(f"**{v:.2f}**" for v in totals) + " |")

    say()
    say("## 3. Batch: 4 one-person clips")
    say()
    folder = work / "batch_in"
    folder.mkdir()
    for clip in BATCH_CLIPS:
        looped(CLIPS / clip, 10, folder / clip)
    n_frames = sum(frame_count(p)[0] for p in folder.iterdir())
    say(f"The four LNewCo squats (1080x1920) looped to 10 s each: {n_frames} frames; default settings (annotated "
        f"video included), a fresh output folder each time.")
    say()
    say("| run | cores | workers x threads | wall s | frames/s | ratio to the network | speed-up over 1 core |")
    say("|---|---|---|---|---|---|---|")
    cores = len(os.sched_getaffinity(0))
    taskset = shutil.which("taskset")
    runs = [("pinned to 1 core, default workers", "0", None), (f"pinned to all {cores} cores, default workers",
            f"0-{cores - 1}", None), (f"all {cores} cores, --workers 1", None, 1)]
    one_core = None
    for k, (label, pin, workers) in enumerate(runs):
        if pin is not None and not taskset:
            say(f"| {label} | - | - | taskset is not installed | | | |")
            continue
        command = ([taskset, "-c", pin] if pin is not None else []) + [
            *CLI, "batch", str(folder), "--out", str(work / f"batch_{k}"), "--quiet",
            *(["--workers", str(workers)] if workers else [])]
        wall = measured(command)[0]
        used = 1 if pin == "0" else cores
        count = workers or min(used, len(BATCH_CLIPS))  # the default: one worker per core, one thread each
        shares = f"{count} x {max(1, used // count)}"
        rate = n_frames / wall
        if pin == "0":
            one_core = rate
        speedup = f"{rate / one_core:.2f}x" if one_core else ""
        say(f"| {label} | {used} | {shares} | {wall:.1f} | {rate:.1f} | {rate / limit:.2f} | {speedup} |")

    say()
    say("## 4. Memory on a long input")
    say()
    say(f"`{LONG_CLIP}` looped with ffmpeg (-stream_loop, stream copy), then `movement-screen analyze --screen "
        "forward-bend` (otherwise default settings) in a fresh process:")
    say()
    say("| length | frames | wall s | frames/s | peak RSS MB |")
    say("|---|---|---|---|---|")
    for minutes in (1.0, args.long_minutes):
        long_path = looped(CLIPS / LONG_CLIP, minutes * 60, work / f"long_{minutes:g}min.mp4")
        frames, _ = frame_count(long_path)
        wall, rss, code, _ = measured([*CLI, "analyze", str(long_path), "--out", str(work / f"long{minutes:g}"),
                                       "--quiet", "--screen", "forward-bend"])
        say(f"| {minutes:g} min | {frames} | {wall:.0f} | {frames / wall:.1f} | {rss:.0f}"
            f"{'' if code == 0 else f' (exit {code})'} |")

    say()
    say("## 5. Start-up")
    say()
    exe = shutil.which("movement-screen") or sys.executable
    cmd = [exe, "--help"] if exe != sys.executable else [*CLI, "--help"]
    walls = [measured(cmd)[0] for _ in range(7)]
    say(f"`movement-screen --help`: median {statistics.median(walls):.2f} s over 7 runs")
    shutil.rmtree(work, ignore_errors=True)
    if args.update:
        sys.path.insert(0, str(ROOT))
        from movement_screen.cli import replace_section

        replace_section(args.update, "bench-all", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
