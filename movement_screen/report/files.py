"""Writers for the machine-readable outputs: result.json, landmarks.csv, angles.csv."""

from __future__ import annotations

import contextlib
import csv
import json
import os
from pathlib import Path

import numpy as np

from movement_screen.errors import InputError
from movement_screen.pose import landmarks as lm
from movement_screen.pose.landmarks_file import COLUMNS


@contextlib.contextmanager
def atomic_path(path: Path, sync: bool = False):
    """A temporary path beside ``path`` to write to; it replaces ``path`` (after an fsync with ``sync``) only when
    the block ends without error, so a reader, or a process killed mid-write, sees the old file or the whole
    new one, never a part."""
    temp = path.with_name(f".{path.name}.part")
    try:
        yield temp
        if sync:
            with open(temp, "rb") as f:
                os.fsync(f.fileno())
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)


def writable_folder(folder: Path) -> Path:
    """Make ``folder`` and check a file can be written there, before any slow work; else a clear error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write into the output folder '{folder}' ({exc.strerror or exc}): choose another "
                         "--out, or fix its permissions") from exc
    return folder


def write_json(result_dict: dict, path: Path) -> Path:
    path.write_text(json.dumps(result_dict, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path


def write_landmarks_csv(analysis, path: Path) -> Path:
    """Tidy table: one row per source, frame, person and landmark (every tracked person, subject flagged), with
    the frame size; a frame where nobody was tracked gets one row with the person left empty, so the table holds
    every frame's time and can be scored again on its own (``movement-screen analyze landmarks.csv``)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for s_index, src in enumerate(analysis.sources):
            det = src.detections
            size = (det.width, det.height, f"{det.fps:.4f}")
            for t in range(len(det.t)):
                here = [(track, track.slot[t]) for track in src.tracks if track.slot[t] >= 0]
                if not here:
                    out.writerow([s_index, int(det.frame[t]), f"{det.t[t]:.6f}", "", "", "", "", "", "", "", "", "",
                                  *size])
                for track, k in here:
                    out.writerows(landmark_rows(s_index, int(det.frame[t]), det.t[t], track.id,
                                                track.id == src.subject.id, det.xy[t, k], det.visibility[t, k],
                                                det.world[t, k], size))
    return path


def landmark_rows(source: int, frame: int, time_s: float, person: int, subject: bool, xy: np.ndarray,
                  visibility: np.ndarray, world: np.ndarray, size: tuple) -> list[list]:
    """One person's 33 landmarks in one frame as landmarks.csv rows (``size``: width, height and fps text)."""
    return [[source, frame, f"{time_s:.6f}", person, int(subject), name, f"{xy[j, 0]:.3f}", f"{xy[j, 1]:.3f}",
             f"{visibility[j]:.4f}", *(f"{v:.5f}" if np.isfinite(v) else "" for v in world[j]), *size]
            for j, name in enumerate(lm.NAMES)]


def write_angles_csv(analysis, path: Path) -> Path:
    """The subject's cleaned angle series, one row per sample and source (wide: one column per angle)."""
    names = sorted({name for src in analysis.sources for name in src.kinematics.angles})
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["source", "frame", "time_s", *names])
        for s_index, src in enumerate(analysis.sources):
            kin = src.kinematics
            for i in range(len(kin.t)):
                values = [kin.angles[n][i] if n in kin.angles else np.nan for n in names]
                out.writerow([s_index, int(kin.frame[i]), f"{kin.t[i]:.4f}",
                              *(f"{v:.2f}" if np.isfinite(v) else "" for v in values)])
    return path
