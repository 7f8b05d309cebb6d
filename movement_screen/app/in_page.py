"""The camera with the pose model in the patient's browser: the Streamlit component and what it sends back.

The component's page (``browser_pose/``: index.html, main.js, coach.js) is served by the app together with the
web runtime (:mod:`pose.web_runtime`) and the same ``.task`` model file the server uses, from one folder the app
assembles in the cache. Nothing is loaded from anywhere else. What comes back is a landmark series, written as the
project's landmarks.csv and scored like any other (:mod:`pose.landmarks_file`), and the recorded video only when
the patient chose to send it.
"""

from __future__ import annotations

import base64
import csv
import os
import shutil
from importlib import resources
from pathlib import Path

from movement_screen.pose import landmarks as lm
from movement_screen.pose.landmarks_file import COLUMNS

PAGE_FILES = ("index.html", "main.js", "coach.js")
MIN_FRAMES = 10


def _place(source: Path, target: Path) -> None:
    """``target`` holds ``source``'s bytes (a hard link when possible: the runtime and model are ~35 MB)."""
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def assemble(model_path: Path, root: Path | None = None) -> Path:
    """The folder the component is served from: the page, ./vendor (tasks-vision) and ./model."""
    from movement_screen.pose import web_runtime
    from movement_screen.pose.models import cache_dir

    runtime = web_runtime.ensure(timeout=20.0)  # a page is waiting: fail soon, it falls back to the server camera
    root = root or cache_dir().parent / "web" / "component"
    page = resources.files("movement_screen.app").joinpath("browser_pose")
    for name in PAGE_FILES:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.joinpath(name).read_bytes())  # small: always the installed version
    for file in runtime.rglob("*"):
        if file.is_file():
            _place(file, root / "vendor" / file.relative_to(runtime))
    _place(Path(model_path), root / "model" / "pose_landmarker_full.task")
    return root


def landmarks_table(value: dict, path: Path) -> Path:
    """Write the component's landmark series as the project's landmarks.csv (one person slot per pose found;
    tracking and subject choice happen when it is scored, as for a video). A payload of the wrong shape (it comes
    from a browser) raises ValueError with a plain message."""
    try:
        return _table(value, path)
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        path.unlink(missing_ok=True)
        raise ValueError(f"the landmarks sent by the page are incomplete ({type(exc).__name__})") from None


def _table(value: dict, path: Path) -> Path:
    width, height = int(value["width"]), int(value["height"])
    frames = value.get("frames") or []
    if len(frames) < MIN_FRAMES:
        raise ValueError(f"only {len(frames)} frame(s) were recorded: record the whole movement")
    steps = [b["t"] - a["t"] for a, b in zip(frames, frames[1:]) if b["t"] > a["t"]]
    fps = 1.0 / sorted(steps)[len(steps) // 2] if steps else 30.0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        last = -1.0
        for index, frame in enumerate(frames):
            t = float(frame["t"])
            if t <= last:  # a repeated camera timestamp: keep the order, nudge it (as the video reader does)
                t = last + 0.001
            last = t
            poses = frame.get("poses") or []
            if not poses:
                out.writerow([0, index, f"{t:.6f}", "", "", "", "", "", "", "", "", "", width, height, f"{fps:.4f}"])
            for k, pose in enumerate(poses):
                for j, name in enumerate(lm.NAMES):
                    x, y = pose["xy"][j]
                    wx, wy, wz = pose["world"][j] if len(pose.get("world") or []) == lm.COUNT else ("", "", "")
                    out.writerow([0, index, f"{t:.6f}", k + 1, "", name, f"{x * width:.3f}", f"{y * height:.3f}",
                                  f"{pose['vis'][j]:.4f}", wx, wy, wz, width, height, f"{fps:.4f}"])
    return path


def shared_video(value: dict, folder: Path) -> Path | None:
    """The clip recorded in the page, when the patient chose to send it."""
    clip = value.get("video")
    if not clip:
        return None
    suffix = ".mp4" if "mp4" in (clip.get("type") or "") else ".webm"
    raw = folder / f"recorded{suffix}"
    raw.write_bytes(base64.b64decode(clip["data"]))
    path = folder / f"camera{suffix}"
    try:
        _remux(raw, path)  # MediaRecorder's WebM states no duration, so players cannot seek in it
        raw.unlink()
    except Exception:  # noqa: BLE001 - an odd recording is kept as it came
        raw.replace(path)
    return path


def _remux(source: Path, target: Path) -> None:
    """Copy the video packets into a new container of the same kind: it gets its duration and index written."""
    import av

    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream = src.streams.video[0]
        copy = out.add_stream_from_template(stream)
        for packet in src.demux(stream):
            if packet.dts is None:
                continue
            packet.stream = copy
            out.mux(packet)
