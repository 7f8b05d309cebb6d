"""Where the pose model comes from.

Order, for a requested variant (``lite``, ``full`` or ``heavy``):

1. a ``.task`` file already on disk: ``$MOVEMENT_SCREEN_MODELS``, ``./models``, the checkout's ``models/``, then the
   user cache (``~/.cache/movement-screen/models``);
2. the official ``pose_landmarker_<variant>.task`` from Google's model storage (short time-out: machines without
   that access fail fast and move on);
3. for ``full`` only: a bundle built from the ``mediapipe==0.10.21`` wheel, fetched from PyPI with pip or given as
   a file (air-gapped clinics).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from movement_screen.errors import ModelError

VARIANTS = ("lite", "full", "heavy")
DEFAULT_VARIANT = "full"
OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
DOWNLOAD_TIMEOUT_S = 8.0
WHEEL_SPEC = "mediapipe==0.10.21"
BUILT_NAME = "pose_landmarker_full_built.task"


@dataclass(frozen=True)
class ModelFile:
    variant: str
    path: Path
    origin: str  # "official" (downloaded file name) or "built" (from the 0.10.21 wheel)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "movement-screen" / "models"


def search_dirs() -> list[Path]:
    """Folders searched for ``.task`` files, first match wins."""
    dirs = []
    if os.environ.get("MOVEMENT_SCREEN_MODELS"):
        dirs.append(Path(os.environ["MOVEMENT_SCREEN_MODELS"]))
    dirs.append(Path.cwd() / "models")
    dirs.append(Path(__file__).resolve().parents[2] / "models")
    dirs.append(cache_dir())
    unique: list[Path] = []
    for d in dirs:
        if d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def _file_names(variant: str) -> list[tuple[str, str]]:
    names = [(f"pose_landmarker_{variant}.task", "official")]
    if variant == "full":
        names.append((BUILT_NAME, "built"))
    return names


def find_local(variant: str) -> ModelFile | None:
    for folder in search_dirs():
        for name, origin in _file_names(variant):
            path = folder / name
            if path.is_file() and path.stat().st_size > 0:
                return ModelFile(variant, path, origin)
    return None


def list_models() -> list[ModelFile]:
    found = []
    for variant in VARIANTS:
        for folder in search_dirs():
            for name, origin in _file_names(variant):
                path = folder / name
                if path.is_file() and path.stat().st_size > 0:
                    found.append(ModelFile(variant, path, origin))
    return found


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ModelError(f"unknown model '{variant}': choose one of {', '.join(VARIANTS)}")


def download(variant: str, dest_dir: Path | None = None, timeout: float = DOWNLOAD_TIMEOUT_S) -> ModelFile:
    """Download the official bundle; raises :class:`ModelError` quickly when the storage cannot be reached."""
    _check_variant(variant)
    dest_dir = dest_dir or cache_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    url = OFFICIAL_URL.format(variant=variant)
    dest = dest_dir / f"pose_landmarker_{variant}.task"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, tempfile.NamedTemporaryFile(
            dir=dest_dir, delete=False, suffix=".part"
        ) as part:
            shutil.copyfileobj(response, part)
        Path(part.name).replace(dest)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise ModelError(f"could not download the {variant} pose model from {url}: {exc}") from exc
    return ModelFile(variant, dest, "official")


def fetch_wheel(dest_dir: Path) -> Path:
    """Fetch the ``mediapipe==0.10.21`` wheel from PyPI with pip (any platform's wheel holds the same models)."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--platform", "manylinux_2_28_x86_64", "--python-version", "3.12",
        "--dest", str(dest_dir), WHEEL_SPEC,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(dest_dir.glob("mediapipe-0.10.21-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ModelError(f"pip could not fetch {WHEEL_SPEC} from PyPI ({tail[0]})")
    return wheels[0]


def build(wheel: Path | None = None, dest_dir: Path | None = None) -> ModelFile:
    """Build the full model's bundle from a mediapipe 0.10.21 wheel (fetched from PyPI when not given)."""
    from movement_screen.pose.bundle import build_bundle_bytes

    dest_dir = dest_dir or cache_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / BUILT_NAME
    if wheel is not None:
        if not Path(wheel).is_file():
            raise ModelError(f"wheel file not found: {wheel}")
        data = build_bundle_bytes(Path(wheel))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = build_bundle_bytes(fetch_wheel(Path(tmp)))
    part = dest.with_suffix(".part")
    part.write_bytes(data)
    part.replace(dest)
    return ModelFile("full", dest, "built")


def how_to_get(variant: str) -> str:
    url = OFFICIAL_URL.format(variant=variant)
    text = f"put pose_landmarker_{variant}.task (from {url}) into {cache_dir()} or ./models"
    if variant == "full":
        text += (
            ", or run `movement-screen models build` (needs PyPI), or `movement-screen models build --wheel "
            "mediapipe-0.10.21-*.whl` with a wheel you already have"
        )
    return text


def resolve(variant: str = DEFAULT_VARIANT, allow_download: bool = True, allow_build: bool = True) -> ModelFile:
    """Return a usable model file for ``variant``, fetching or building one if needed."""
    _check_variant(variant)
    local = find_local(variant)
    if local:
        return local
    reasons = []
    if allow_download:
        try:
            return download(variant)
        except ModelError as exc:
            reasons.append(str(exc))
    if allow_build and variant == "full":
        print("Building the full pose model from the mediapipe 0.10.21 wheel (once; about 35 MB from PyPI)...",
              file=sys.stderr)
        try:
            return build()
        except ModelError as exc:
            reasons.append(str(exc))
    detail = "; ".join(reasons) if reasons else "no local file"
    raise ModelError(f"the {variant} pose model is not available ({detail}). To get it: {how_to_get(variant)}")
