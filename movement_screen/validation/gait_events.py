"""Gait events against known ones: hand-labelled heel strikes on real clips, and the walker's true ones.

Labels file (TOML): one ``[[clip]]`` per clip with ``file``, ``fps``, ``heel_strikes`` (frames), and
``labelled_from`` / ``labelled_to`` (the frames that were checked: a detected heel strike between them that
matches no label is an extra one).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from movement_screen.contract.result import GaitEvent

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOLERANCE_FRAMES = 2  # a detected heel strike within this many frames of a label matches it
NEAR_FRAMES = 3  # a missed label with an extra strike this close was found, only late or early (a near miss)


@dataclass(frozen=True)
class LabelledClip:
    file: str
    fps: float
    heel_strikes: tuple[float, ...]  # frames (may be fractional for built walks)
    labelled_from: float
    labelled_to: float
    note: str = ""


@dataclass
class Agreement:
    name: str
    matched: list[tuple[float, float]] = field(default_factory=list)  # (label frame, detected frame)
    missed: list[float] = field(default_factory=list)
    extra: list[float] = field(default_factory=list)
    fps: float = 30.0
    cadence_label: float = np.nan
    cadence_found: float = np.nan

    @property
    def errors(self) -> np.ndarray:
        return np.array([d - lab for lab, d in self.matched])

    @property
    def mae_frames(self) -> float:
        return float(np.mean(np.abs(self.errors))) if self.matched else np.nan

    @property
    def lost(self) -> list[float]:
        """Missed labels with no extra strike within NEAR_FRAMES: steps the tool did not find at all."""
        return [m for m in self.missed if not any(abs(e - m) <= NEAR_FRAMES for e in self.extra)]

    @property
    def invented(self) -> list[float]:
        """Extra strikes with no missed label within NEAR_FRAMES: steps the tool made up."""
        return [e for e in self.extra if not any(abs(e - m) <= NEAR_FRAMES for m in self.missed)]

    @property
    def share_matched(self) -> float:
        total = len(self.matched) + len(self.missed)
        return len(self.matched) / total if total else np.nan

    def row(self) -> str:
        bias = float(np.mean(self.errors)) if self.matched else np.nan
        return (f"| {self.name} | {len(self.matched) + len(self.missed)} | {len(self.matched)} | {len(self.missed)} | "
                f"{len(self.extra)} | {self.mae_frames:.2f} | {1000 * self.mae_frames / self.fps:.0f} | {bias:+.2f} | "
                f"{self.cadence_label:.1f} | {self.cadence_found:.1f} | {self.cadence_found - self.cadence_label:+.1f} |")


HEADER = ("| clip | labelled heel strikes | matched (within 2 frames) | missed | extra | mean abs. error (frames) | "
          "(ms) | mean error (frames, + = late) | cadence by the labels | cadence found | cadence error (steps/min) |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def read_labels(path: str | Path) -> list[LabelledClip]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [LabelledClip(c["file"], float(c["fps"]), tuple(float(f) for f in c["heel_strikes"]),
                         float(c["labelled_from"]), float(c["labelled_to"]), c.get("note", ""))
            for c in data["clip"]]


def cadence_of(frames: list[float], fps: float) -> float:
    """Steps per minute from heel-strike frames of one pass (the median step, as the screen counts it)."""
    steps = np.diff(sorted(frames)) / fps
    return float(60.0 / np.median(steps)) if len(steps) else np.nan


def agreement(name: str, clip: LabelledClip, events: list[GaitEvent], cadence_found: float,
              tolerance: float = TOLERANCE_FRAMES) -> Agreement:
    """Match the tool's heel strikes (those it uses) to the labels, nearest first."""
    found = sorted(e.time_s * clip.fps for e in events if e.type == "heel_strike" and e.rejected is None)
    out = Agreement(name, fps=clip.fps, cadence_label=cadence_of(list(clip.heel_strikes), clip.fps),
                    cadence_found=cadence_found)
    free = list(found)
    for label in clip.heel_strikes:
        if free:
            nearest = min(free, key=lambda f: abs(f - label))
            if abs(nearest - label) <= tolerance:
                out.matched.append((label, nearest))
                free.remove(nearest)
                continue
        out.missed.append(label)
    out.extra = [f for f in free if clip.labelled_from <= f <= clip.labelled_to]
    return out


def synthetic_cases() -> list[tuple[str, object, object]]:
    """Built walks filmed from the side, the front (toward), the back (away) and obliquely: (name, walk, camera,
    picture size) — see :mod:`walker`."""
    from movement_screen.validation.figure import Camera
    from movement_screen.validation.walker import Walk

    landscape, portrait = (1920, 1080), (1080, 1920)
    out = []
    for cadence in (100.0, 120.0):
        out += [(f"built, side view, {cadence:g} steps/min", Walk(cadence=cadence), Camera(90, 1.0, 6.0), landscape),
                (f"built, 45 deg oblique, {cadence:g} steps/min", Walk(cadence=cadence), Camera(45, 1.0, 6.0),
                 landscape),
                (f"built, toward the camera, {cadence:g} steps/min", Walk(cadence=cadence), Camera(0, 1.0, 6.0),
                 portrait),
                (f"built, away from the camera, {cadence:g} steps/min", Walk(cadence=cadence), Camera(180, 1.0, 6.0),
                 portrait)]
    out += [("built, side view, limp (right steps 1.25x)", Walk(cadence=105, limp=1.25), Camera(90, 1.0, 6.0),
             landscape),
            ("built, toward the camera, limp (right steps 1.25x)", Walk(cadence=105, limp=1.25), Camera(0, 1.0, 6.0),
             portrait),
            ("built, side view, step-to limp, flat landings", Walk(cadence=100, limp=1.25, right_step_m=0.0,
                                                                   contact_pitch_deg=0.0), Camera(90, 1.0, 6.0),
             landscape),
            ("built, side view, last contact 0.2 s late", Walk(cadence=110, late_last_s=0.2), Camera(90, 1.0, 6.0),
             landscape),
            ("built, side view, brisk (130 steps/min, 0.85 m steps)", Walk(cadence=130, step_m=0.85),
             Camera(90, 1.0, 6.0), landscape),
            ("built, 45 deg oblique, brisk (130 steps/min, 0.85 m steps)", Walk(cadence=130, step_m=0.85),
             Camera(45, 1.0, 6.0), landscape),
            ("built, side view, 3 shuffling steps at the end", Walk(cadence=110, shuffle_steps=3),
             Camera(90, 1.0, 6.0), landscape)]
    return out


def run_synthetic(name, walk, camera, size, seed: int = 1):
    """Film one built walk, judge it, and compare with its true heel strikes (cadence: the steady steps')."""
    from movement_screen.kinematics.series import prepare
    from movement_screen.screens import gait
    from movement_screen.validation.figure import Noise, film
    from movement_screen.validation.walker import FPS
    from movement_screen.validation.walker import walk as build

    t, points, strikes = build(walk)
    kin = prepare(film(points, t, camera, Noise(seed=seed), size=size))
    view = gait.judge_view(kin)
    # The steady contacts are the labels; shuffling steps at the end should be left out, so any of them the
    # screen uses counts as an extra contact.
    frames = [s[0] * FPS for s in strikes[:walk.steps]]
    clip = LabelledClip(name, FPS, tuple(frames), t[0] * FPS, t[-1] * FPS)
    found = agreement(name, clip, view.events, view.metrics.get("cadence_steps_per_min", np.nan))
    found.cadence_label = walk.cadence  # the steady rhythm, not the shuffle or the late step
    return found, view
