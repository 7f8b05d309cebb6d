"""The result contract every screen returns (documented in docs/result-schema.md)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

from movement_screen import SCHEMA_VERSION

STATES = ("pass", "borderline", "fail", "not_assessed")


def short_number(value: float) -> str:
    """A criterion value as people read it: two decimals below 10, whole numbers above."""
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    state: str
    value: float | None = None
    threshold: str | None = None  # human-readable rule, e.g. "<= 10 pass, > 20 fail"
    unit: str | None = None
    time_s: float | None = None
    view: str | None = None
    reason: str = ""
    group: str = "fms"  # "fms" criteria feed the score; "nasm" compensations do not
    margin: float | None = None  # distance to the pass limit in the value's unit, positive = inside
    evidence: str | None = None  # evidence label of the threshold: V, N, C, W
    source: int | None = None  # index into ScreenResult.sources the criterion was judged from
    frame: int | None = None  # source frame index of the evidence

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"unknown criterion state {self.state!r}")


@dataclass(frozen=True)
class Repetition:
    index: int
    start_s: float
    bottom_s: float
    end_s: float
    source: int = 0
    bottom_frame: int | None = None
    depth_leg_fraction: float | None = None
    hold_s: float | None = None
    started_upright: bool | None = None  # forward bend: False when the clip starts part-way down
    ended_upright: bool | None = None  # forward bend: False when the clip ends before the return is complete
    measures: dict[str, float] = field(default_factory=dict)  # per-repetition metrics (forward bend)

    def with_measures(self, measures: dict[str, float]) -> Repetition:
        return replace(self, measures={k: float(v) for k, v in measures.items()})


@dataclass(frozen=True)
class GaitEvent:
    type: str  # "heel_strike" | "toe_off"
    side: str  # "left" | "right"
    time_s: float
    frame: int
    pass_index: int = 1
    source: int = 0
    confidence: float = 1.0  # 0-1: how clearly the foot point was seen and its peak stood out
    rejected: str | None = None  # why the event is not used for timing (None: used)


@dataclass(frozen=True)
class WalkPass:
    """A stretch of walking in one direction."""

    index: int
    start_s: float
    end_s: float
    direction: int  # side view: +1 toward image right, -1 toward image left; front view: +1 toward the camera
    axis: str = "x"  # "x" walking across the image, "y" toward or away from the camera
    source: int = 0

    @property
    def label(self) -> str:
        if self.axis == "x":
            return "left_to_right" if self.direction > 0 else "right_to_left"
        return "toward_camera" if self.direction > 0 else "away_from_camera"


@dataclass(frozen=True)
class Finding:
    id: str
    title: str
    severity: str  # "info" | "mild" | "moderate"
    evidence: str


@dataclass(frozen=True)
class QualityIssue:
    code: str
    message: str
    severity: str = "warning"  # "warning" lowers confidence; "error" means results are unreliable
    source: int | None = None


@dataclass(frozen=True)
class Score:
    name: str
    value: int | None
    max: int
    explanation: str
    range: tuple[int, int] | None = None


@dataclass(frozen=True)
class SourceInfo:
    path: str
    fps: float
    frames: int
    width: int
    height: int
    duration_s: float
    view: str
    rotation: int = 0
    facing: str | None = None
    people_seen: int = 1
    subject: int = 1
    variable_frame_rate: bool = False
    body_yaw_deg: float | None = None  # the person's turn from facing the camera (0) to true profile (90)
    input: str = "video"  # "video", or "landmarks" when a landmark series was scored (no pose model, no video)


@dataclass(frozen=True)
class ScreenResult:
    screen: str
    sources: list[SourceInfo]
    view: str
    people_seen: int
    quality_issues: list[QualityIssue]
    repetitions: list[Repetition]
    criteria: list[Criterion]
    score: Score | None
    metrics: dict[str, float]
    findings: list[Finding]
    events: list[GaitEvent] = field(default_factory=list)
    passes: list[WalkPass] = field(default_factory=list)
    detection: dict | None = None  # how --screen auto chose the screen
    exercises: list[dict] = field(default_factory=list)  # the plan's exercises (the same as plan["exercises"])
    red_flags: dict | None = None  # the pre-screen answers and what they allow (care.safety.Screening)
    plan: dict | None = None  # exercise plan, re-test date and benchmarks, or why it was withheld
    reassessment: dict | None = None  # re-test against the previous plan's benchmarks (patient history)
    model: str = ""
    pose_backend: str = ""  # how the pose model ran ("direct", "tasks"); "" when landmarks were given as input
    pain: str = "not_asked"
    best_repetition: int | None = None
    notes: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)  # the choices the scoring used (re-scoring repeats them)
    excluded: list[dict] = field(default_factory=list)  # clips left out: another movement (path, looks_like)

    @property
    def quality_ok(self) -> bool:
        return not any(issue.severity == "error" for issue in self.quality_issues)

    @property
    def unscored_reason(self) -> str | None:
        """Why nothing was scored (the movement was not found, or no criterion could be judged), else None."""
        return _why_unscored([(i.code, i.message) for i in self.quality_issues], [c.state for c in self.criteria])

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict: NaN and inf become null."""
        data = {
            "schema_version": SCHEMA_VERSION,
            "screen": self.screen,
            "sources": [asdict(s) for s in self.sources],
            "view": self.view,
            "people_seen": self.people_seen,
            "scored": self.unscored_reason is None,
            "unscored_reason": self.unscored_reason,
            "excluded": [dict(e) for e in self.excluded],
            "quality": {"ok": self.quality_ok, "issues": [asdict(i) for i in self.quality_issues]},
            "repetitions": [asdict(r) for r in self.repetitions],
            "best_repetition": self.best_repetition,
            "criteria": [asdict(c) for c in self.criteria],
            "score": asdict(self.score) if self.score else None,
            "metrics": dict(self.metrics),
            "findings": [asdict(f) for f in self.findings],
            "events": [asdict(e) for e in self.events],
            "passes": [{**asdict(p), "label": p.label} for p in self.passes],
            "detection": self.detection,
            "exercises": list(self.exercises),
            "red_flags": self.red_flags,
            "plan": self.plan,
            "reassessment": self.reassessment,
            "model": self.model,
            "pose_backend": self.pose_backend,
            "pain": self.pain,
            "notes": list(self.notes),
            "settings": dict(self.settings),
            "disclaimer": "A movement screen, not a diagnosis. Thresholds are indicative conventions unless "
            "labelled otherwise.",
        }
        return _clean(data)


def _why_unscored(issues: list[tuple[str, str]], states: list[str]) -> str | None:
    """The one rule for a session without a score: the movement was not found (the no_movement issue's message),
    or no criterion could be judged. None when scored."""
    for code, message in issues:
        if code == "no_movement":
            return message
    if not any(state != "not_assessed" for state in states):
        return "no criterion could be judged from these clips"
    return None


def is_scored(result: dict) -> bool:
    """Whether a result dict holds a score: only scored sessions are compared. Results before schema 1.5 carry
    no ``scored`` key: the same rule is applied to what they hold."""
    if "scored" in result:
        return bool(result["scored"])
    issues = [(i.get("code"), i.get("message")) for i in (result.get("quality") or {}).get("issues", [])]
    return _why_unscored(issues, [c.get("state") for c in result.get("criteria", [])]) is None


def _clean(value):
    if isinstance(value, float):
        return None if not math.isfinite(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value
