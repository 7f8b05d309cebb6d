"""movement-screen beside a peer on the same clips: myogait 0.9.2's MediaPipe path.

    python bench/bench_peers.py [--update bench/RESULTS.md] [--rounds 2]

myogait is not a dependency of this project: the first run makes its own environment in `.peers-venv/` (a venv
with myogait==0.9.2, mediapipe and opencv-python-headless from PyPI) and runs it there, so nothing of it reaches
ours. myogait would download Google's heavy landmarker on first use; it is pointed at our `.task` file instead
(its `model_path` argument), the same full model our analyses use, so both run the same network.

Each clip (the walking workloads of bench_all.py: the shared walking clips looped to 30 s) is run by both in fresh
processes, taking turns, `--rounds` times; the best wall time of each is kept (the machine is shared and noisy).
Ours: `movement-screen analyze CLIP --screen gait --no-video` (pose, tracking, gait events, scoring, tables and
plot); theirs: `myogait.extract(CLIP, model="mediapipe", model_path=...)` (pose extraction only; its gait events
and analysis are separate steps not timed here, so the comparison favours it).

Sports2D (0.8.34 on PyPI) is not run: its pose model (RTMPose through rtmlib) is an ONNX file rtmlib downloads from
openmmlab's servers at run time, and this machine reaches only the package registries.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from bench_all import CLIPS, frame_count, looped, machine, measured  # noqa: E402

VENV = ROOT / ".peers-venv"
PEER = ["myogait==0.9.2", "mediapipe>=0.10.21", "opencv-python-headless>=4.8"]
CLIPS_RUN = {"walk, 2 people (1768x994)": "sports2d_demo_gait_sagittal.mp4",
             "limping walk (1 person)": "gait_abnormal_05_limping.mp4"}
THEIRS = """
import sys, myogait
from myogait.extract import extract
extract(sys.argv[1], model="mediapipe", model_path=sys.argv[2], show_progress=False)
"""


def peer_python() -> Path:
    """The venv's python, made and filled on the first run."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    check = subprocess.run([str(python), "-c", "import myogait, mediapipe"], capture_output=True)
    if check.returncode != 0:
        print("installing myogait 0.9.2 into .peers-venv (once) ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER], check=True)
    return python


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--update", type=Path, help="also write the table into this markdown file (between its "
                        "bench-peers markers)")
    args = parser.parse_args()
    from movement_screen.pose import models

    model = models.resolve("full").path
    python = peer_python()
    version = subprocess.run([str(python), "-c", "import myogait, mediapipe; print(myogait.__version__, "
                              "mediapipe.__version__)"], capture_output=True, text=True).stdout.split()
    work = Path(tempfile.mkdtemp(prefix="ms-peers-"))
    script = work / "theirs.py"
    script.write_text(THEIRS)
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"Machine: {machine()}")
    say(f"Command: python bench/bench_peers.py --rounds {args.rounds}; myogait {version[0] if version else '?'} "
        f"with mediapipe {version[1] if len(version) > 1 else '?'} in its own venv, pointed at our full model")
    say()
    say("| clip | frames | ours: analyze --screen gait --no-video, wall s | f/s | myogait extract (pose only), wall s "
        "| f/s | ours / myogait (speed) |")
    say("|---|---|---|---|---|---|---|")
    for label, name in CLIPS_RUN.items():
        clip = looped(CLIPS / name, 30, work / f"{Path(name).stem}_30s.mp4")
        frames, _ = frame_count(clip)
        ours, theirs = [], []
        for _ in range(args.rounds):
            run = measured([sys.executable, "-m", "movement_screen", "analyze", str(clip), "--screen",
                            "gait", "--no-video", "--quiet", "--no-red-flags", "--out", str(work / "ours")])
            ours.append(run.wall if run.code == 0 else float("nan"))
            run = measured([str(python), str(script), str(clip), str(model)])
            theirs.append(run.wall if run.code == 0 else float("nan"))
        a, b = min(ours), min(theirs)
        say(f"| {label} | {frames} | {a:.1f} | {frames / a:.1f} | {b:.1f} | {frames / b:.1f} | {b / a:.2f}x |")
    if args.update:
        from movement_screen.cli import replace_section

        replace_section(args.update, "bench-peers", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
