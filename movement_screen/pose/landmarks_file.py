"""A landmark series as input: the project's own ``landmarks.csv`` read back into what the pose pass gives.

The file is the tidy table :func:`report.files.write_landmarks_csv` writes (one row per source, frame, person and
landmark, picture and world coordinates, timestamps, the frame size and rate; a frame where nobody was tracked has one
row with the person left empty). Scoring it runs the same tracking, kinematics, screens, plan and report as a
video, without the pose model: re-scoring a stored result, or landmarks computed on the patient's own device.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from movement_screen.errors import InputError
from movement_screen.pose import landmarks as lm
from movement_screen.pose.sequence import Detections

COLUMNS = ("source", "frame", "time_s", "person", "subject", "landmark", "x_px", "y_px", "visibility",
           "world_x_m", "world_y_m", "world_z_m", "frame_width", "frame_height", "fps")
# Not needed to score: the subject is chosen again, and the rate can come from the timestamps.
REQUIRED = tuple(c for c in COLUMNS if c not in ("subject", "fps"))


@dataclass(frozen=True)
class LandmarkSource:
    """One clip's landmarks: what a video's probe and pose pass would have given."""

    path: str  # "landmarks.csv" or "landmarks.csv#2" for the third source of a two-view file
    detections: Detections
    width: int
    height: int
    fps: float

    @property
    def duration_s(self) -> float:
        t = self.detections.t
        return float(t[-1] - t[0]) if len(t) > 1 else 0.0


# The precision landmarks.csv keeps (picture pixels, visibility, world metres, seconds, frames/s). A video's
# landmarks are rounded to it before anything is computed from them, so scoring the stored table gives exactly the
# numbers scoring the video gave; each is far below the model's own scatter.
DECIMALS = {"xy": 3, "visibility": 4, "world": 5, "t": 6, "fps": 4}


def quantized(det: Detections) -> Detections:
    """``det`` at the precision landmarks.csv keeps."""
    from dataclasses import replace

    def rounded(values, key):  # in float64: the model's float32 values would not land on the decimals
        return np.round(np.asarray(values, np.float64), DECIMALS[key])

    return replace(det, xy=rounded(det.xy, "xy"), world=rounded(det.world, "world"), t=rounded(det.t, "t"),
                   visibility=rounded(det.visibility, "visibility"), fps=round(float(det.fps), DECIMALS["fps"]))


def is_landmarks_file(path: str | Path) -> bool:
    """A CSV whose first line is the landmarks table's header (not a video named .csv)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return False
    return first.startswith("source,frame,time_s,person")


def read_landmarks(path: str | Path) -> list[LandmarkSource]:
    """Every source in ``path``; a malformed or truncated file raises :class:`InputError` naming the row and
    column."""
    path = Path(path)
    index = {name: i for i, name in enumerate(lm.NAMES)}
    frames: dict[int, dict[int, dict]] = {}  # source -> frame -> {"t", "poses": {person: arrays}}
    sizes: dict[int, tuple[int, int]] = {}
    rates: dict[int, float] = {}  # the video's frame rate when the table gives it (else from the timestamps)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"'{path}' is not a movement-screen landmarks table: column(s) {', '.join(missing)} "
                             "missing from its header (write one with `movement-screen analyze VIDEO`)")
        for row_number, row in enumerate(reader, start=2):
            def number(column: str, kind=float, blank_ok: bool = False):
                text = (row.get(column) or "").strip()
                if text == "" and blank_ok:
                    return np.nan
                try:
                    value = kind(text)
                except ValueError:
                    raise InputError(f"'{path}' row {row_number}, column {column}: '{text}' is not a number "
                                     "(the file may be truncated or edited)") from None
                if kind is float and not np.isfinite(value) and not blank_ok:
                    raise InputError(f"'{path}' row {row_number}, column {column}: '{text}' is not a finite number")
                return value

            if None in row.values() or row.get(None):
                raise InputError(f"'{path}' row {row_number}: {len([v for v in row.values() if v is not None])} "
                                 f"of {len(reader.fieldnames)} columns (the file may be truncated)")
            source, frame = number("source", int), number("frame", int)
            time_s = number("time_s")
            size = (number("frame_width", int), number("frame_height", int))
            if size[0] <= 0 or size[1] <= 0:
                raise InputError(f"'{path}' row {row_number}, column frame_width/frame_height: the frame size "
                                 f"{size[0]}x{size[1]} is not a picture's size")
            if sizes.setdefault(source, size) != size:
                raise InputError(f"'{path}' row {row_number}, column frame_width: the frame size changes within "
                                 f"source {source}")
            if (row.get("fps") or "").strip():
                rates.setdefault(source, number("fps"))
            entry = frames.setdefault(source, {}).setdefault(frame, {"t": time_s, "poses": {}})
            person_text = (row["person"] or "").strip()
            if person_text == "":
                continue  # a frame where nobody was tracked
            person = number("person", int)
            name = row["landmark"]
            if name not in index:
                raise InputError(f"'{path}' row {row_number}, column landmark: '{name}' is not one of the 33 "
                                 "landmark names")
            pose = entry["poses"].setdefault(person, {"xy": np.full((33, 2), np.nan), "vis": np.zeros(33),
                                                      "world": np.full((33, 3), np.nan)})
            j = index[name]
            pose["xy"][j] = (number("x_px"), number("y_px"))
            pose["vis"][j] = number("visibility")
            pose["world"][j] = (number("world_x_m", blank_ok=True), number("world_y_m", blank_ok=True),
                                number("world_z_m", blank_ok=True))
    if not frames:
        raise InputError(f"'{path}' holds a header but no landmarks (the file may be truncated)")
    out = []
    for source in sorted(frames):
        by_frame = frames[source]
        order = sorted(by_frame)
        people = sorted({p for f in order for p in by_frame[f]["poses"]})
        slots = max(1, len(people))
        t = np.array([by_frame[f]["t"] for f in order], float)
        xy = np.full((len(order), slots, 33, 2), np.nan)
        vis = np.zeros((len(order), slots, 33))
        world = np.full((len(order), slots, 33, 3), np.nan)
        for i, f in enumerate(order):
            for k, person in enumerate(people):
                pose = by_frame[f]["poses"].get(person)
                if pose is not None:
                    if np.isnan(pose["xy"]).any():
                        raise InputError(f"'{path}' source {source} frame {f} person {person}: only some of the 33 "
                                         "landmarks are given (the file may be truncated)")
                    xy[i, k], vis[i, k], world[i, k] = pose["xy"], pose["vis"], pose["world"]
        steps = np.diff(t)
        if (steps <= 0).any():
            raise InputError(f"'{path}' source {source}: the time_s values do not increase frame after frame")
        fps = rates.get(source) or (float(len(steps) / (t[-1] - t[0])) if len(steps) else 30.0)
        width, height = sizes[source]
        # The same rounding as the video's landmarks got: parsed decimals land on exactly the same numbers.
        det = quantized(Detections(xy, vis, world, t, np.array(order), width, height, fps, poses_tracked=len(people)))
        name = str(path) if len(frames) == 1 else f"{path}#{source}"
        out.append(LandmarkSource(name, det, width, height, fps))
    return out
