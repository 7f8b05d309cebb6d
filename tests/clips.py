"""Where the real test clips are: ``../shared/videos`` beside the checkout (or $MOVEMENT_SCREEN_CLIPS)."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIPS = Path(os.environ.get("MOVEMENT_SCREEN_CLIPS", ROOT.parent / "shared" / "videos"))


def clip(name: str) -> Path:
    path = CLIPS / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not found in {CLIPS} (the project's shared test footage is not on this "
                    "machine; set MOVEMENT_SCREEN_CLIPS to its folder)")
    return path


def need_ffmpeg() -> str:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    return ffmpeg
