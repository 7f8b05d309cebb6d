"""Pieces every screen shares: the per-view result, windowed values, banded verdicts, merging views, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from movement_screen.contract.result import Criterion, Finding, Repetition


@dataclass
class ViewScreen:
    """What one camera view shows: repetitions, per-repetition criteria, the best repetition, metrics.

    ``best`` is the repetition the screen reports on (FMS: the best trial; forward bend: the deepest bend);
    ``bottom_samples`` are the kinematics samples of each repetition's key moment (squat bottom, lowest bend).
    """

    source: int
    view_kind: str
    repetitions: list[Repetition]
    criteria_by_rep: list[list[Criterion]]
    best: int | None
    metrics: dict[str, float] = field(default_factory=dict)
    bottom_samples: list[int] = field(default_factory=list)
    hold_short: bool = False
    criteria_any: list[Criterion] = field(default_factory=list)  # criteria judged on the whole clip (gait)
    events: list = field(default_factory=list)  # gait: GaitEvent list
    passes: list = field(default_factory=list)  # gait: WalkPass list
    steps: list = field(default_factory=list)  # gait: steps used for timing

    @property
    def criteria(self) -> list[Criterion]:
        if self.criteria_any:
            return self.criteria_any
        return self.criteria_by_rep[self.best] if self.best is not None else []


def window_mean(series: np.ndarray, sample: int, half: int) -> float:
    """Mean of the finite values of ``series`` within ``half`` samples of ``sample`` (NaN when none)."""
    part = series[max(0, sample - half): sample + half + 1]
    part = part[np.isfinite(part)]
    return float(part.mean()) if len(part) else np.nan


def banded(value: float, pass_max: float, fail_above: float) -> str:
    """pass up to ``pass_max``, borderline up to ``fail_above``, fail beyond; not_assessed for NaN."""
    if value is None or not np.isfinite(value):
        return "not_assessed"
    return "pass" if value <= pass_max else ("borderline" if value <= fail_above else "fail")


def in_range(value: float, low: float, high: float, band: float) -> str:
    """pass inside [low, high], borderline within ``band`` outside it, fail further out."""
    if value is None or not np.isfinite(value):
        return "not_assessed"
    if low <= value <= high:
        return "pass"
    return "borderline" if low - band <= value <= high + band else "fail"


def merge_views(views: list[ViewScreen], empty: Callable[[], list[Criterion]],
                prefer: Callable[[Criterion, Criterion], Criterion] | None = None) -> list[Criterion]:
    """One list of criteria: each from the first view that assessed it (``empty()`` when no view did).

    ``prefer(held, other)`` picks between two views that both assessed a criterion (default: the first).
    """
    merged: dict[str, Criterion] = {}
    order: list[str] = []
    for view in views:
        for c in view.criteria:
            if c.id not in merged:
                order.append(c.id)
                merged[c.id] = c
            elif merged[c.id].state == "not_assessed" and c.state != "not_assessed":
                merged[c.id] = c
            elif prefer is not None and c.state != "not_assessed":
                merged[c.id] = prefer(merged[c.id], c)
    if not order:
        return empty()
    return [merged[cid] for cid in order]


def findings_from(criteria: list[Criterion], aliases: dict[str, str] | None = None) -> list[Finding]:
    """A finding per failed or borderline criterion, with the evidence in words.

    ``aliases`` maps a criterion to another that says the same thing (reported once).
    """
    aliases = aliases or {}
    out = []
    seen = set()
    for c in criteria:
        if c.state not in ("fail", "borderline"):
            continue
        key = aliases.get(c.id, c.id)
        if key in seen:
            continue
        seen.add(key)
        severity = "moderate" if c.state == "fail" else "mild"
        when = f" at {c.time_s:.2f} s" if c.time_s is not None else ""
        view = f"{c.view} view" if c.view else "all views"
        out.append(Finding(c.id, c.title, severity, f"{c.reason} ({view}{when})"))
    return out


def outside_views(view_range, yaw: float) -> str | None:
    """Why a criterion measured only with the body at ``view_range`` (low, high) deg of yaw cannot be measured at
    ``yaw`` (with how to turn the camera), or None when it can."""
    low, high = view_range
    if not np.isfinite(yaw):
        return "the 3-D landmarks needed to tell the camera's angle are missing"
    if low <= yaw <= high:
        return None
    need = "a side view" if low > 0 else "a front or back view"
    return (f"{need} is needed: this clip sees the body {yaw:.0f} deg from facing the camera, and this criterion is "
            f"measured only between {low:g} and {high:g} deg; {camera_turn(yaw, low, high)}")


def camera_turn(yaw: float, low: float, high: float, margin: float = 5.0) -> str:
    """How to move the camera so the body is seen between ``low`` and ``high`` deg of yaw (0 = facing the camera,
    90 = side-on), in words: the turn, rounded up to 5 deg, with ``margin`` to land inside the range."""
    if yaw < low:
        turn = int(np.ceil((low + margin - yaw) / 5.0) * 5)
        return (f"move the camera about {turn} deg further round toward the person's side (or have them turn that "
                "much), so that they are seen side-on")
    turn = int(np.ceil((yaw - high + margin) / 5.0) * 5)
    return (f"move the camera about {turn} deg round toward the person's front (or have them turn that much to "
            "face it)")
