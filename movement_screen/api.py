"""The public entry point every front end (CLI, batch runner, app) calls."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from movement_screen.errors import NoPersonError, UsageError
from movement_screen.kinematics.quality import check as check_quality
from movement_screen.kinematics.series import Kinematics, prepare
from movement_screen.pose import models
from movement_screen.pose.sequence import Detections, PoseSequence
from movement_screen.pose.tracking import Track, choose_subject, link_tracks, people_seen, subject_sequence
from movement_screen.screens import squat
from movement_screen.screens.result import QualityIssue, ScreenResult, SourceInfo
from movement_screen.video.reader import VideoInfo, probe

SCREENS = ("squat",)
NO_MOVEMENT = "no_movement"
SQUAT_CUTOFF_HZ = 6.0  # spec §0.3: 3-6 Hz for slow movements  [C]


@dataclass(frozen=True)
class SourceAnalysis:
    """Everything computed from one clip, kept for the presenters (CSV, annotated video, plots)."""

    info: VideoInfo
    detections: Detections
    tracks: list[Track]
    subject: Track
    sequence: PoseSequence
    kinematics: Kinematics
    people_seen: int


@dataclass(frozen=True)
class Analysis:
    result: ScreenResult
    sources: list[SourceAnalysis]
    view_screens: list[squat.ViewScreen]

    @property
    def unscorable_reason(self) -> str | None:
        """Why the screen could not be scored (the movement was not found), or None."""
        for issue in self.result.quality_issues:
            if issue.code == NO_MOVEMENT:
                return issue.message
        return None


def analyse_source(path: str | Path, model: models.ModelFile, *, person: int | None = None,
                   max_people: int = 3, progress: bool | None = None) -> SourceAnalysis:
    """Pose, subject and kinematics for one clip."""
    from movement_screen.pose.estimator import estimate_video

    info = probe(path)
    detections = estimate_video(path, info, model, max_people=max_people, progress=progress)
    tracks = link_tracks(detections)
    subject = choose_subject(detections, tracks, person, str(path))
    seq = subject_sequence(detections, subject)
    if seq.found.sum() < 5:
        raise NoPersonError(
            f"a person was found in only {int(seq.found.sum())} of {len(seq)} frames of '{path}': film the whole "
            "body, 2-4 m from the camera, in good light"
        )
    kin = prepare(seq, cutoff_hz=SQUAT_CUTOFF_HZ)
    return SourceAnalysis(info, detections, tracks, subject, seq, kin, people_seen(tracks, len(detections.t)))


def analyze(
    paths: str | Path | Sequence[str | Path],
    screen: str = "squat",
    *,
    model: str = models.DEFAULT_VARIANT,
    person: int | None = None,
    pain: str = "not_asked",
    sex: str | None = None,
    heel_board: bool = False,
    max_people: int = 3,
    progress: bool | None = None,
) -> Analysis:
    """Analyse one clip, or several clips of the same movement from different views, and score the screen.

    ``person`` picks the screened person by rank (1 = the person filling most of the video) in every clip.
    ``pain`` is the person's answer ("yes", "no") or "not_asked". ``sex`` ("male"/"female") selects the FPPA
    norm. ``heel_board`` says the clip was filmed with the heels raised on a board (FMS score 2 trial).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise UsageError("give at least one video")
    if screen not in SCREENS:
        raise UsageError(f"unknown screen '{screen}': choose one of {', '.join(SCREENS)}")
    if pain not in ("yes", "no", "not_asked"):
        raise UsageError("pain must be 'yes', 'no' or 'not_asked'")
    model_file = models.resolve(model)
    sources = [analyse_source(p, model_file, person=person, max_people=max_people, progress=progress)
               for p in paths]
    return score_sources(sources, [str(p) for p in paths], model_file, pain=pain, sex=sex, heel_board=heel_board)


def score_sources(sources: list[SourceAnalysis], paths: list[str], model_file: models.ModelFile, *,
                  pain: str = "not_asked", sex: str | None = None, heel_board: bool = False) -> Analysis:
    """Squat screen from already-estimated sources (pure: no model, no files)."""
    views = [squat.judge_view(src.kinematics, i, sex) for i, src in enumerate(sources)]
    issues: list[QualityIssue] = []
    found_any = any(v.repetitions for v in views)
    if not found_any:
        rep_cfg = squat.repetition_rules()
        issues.append(QualityIssue(
            NO_MOVEMENT,
            f"no squat found in {', '.join(repr(Path(p).name) for p in paths)}: the hips never dropped "
            f"{rep_cfg['min_hip_drop_leg']:.0%} of leg length or more for at least {rep_cfg['min_duration_s']:g} s. "
            "Film the whole squat, standing tall before and after it", "error", None))
    for i, src in enumerate(sources):
        issues += check_quality(src.sequence, src.kinematics, i, paths[i], src.people_seen)
        name = Path(paths[i]).name
        if not views[i].repetitions and len(sources) > 1:
            issues.append(QualityIssue("no_repetition", f"{name}: no squat repetition found in this clip", "warning",
                                       i))
        elif views[i].hold_short:
            rep = views[i].repetitions[views[i].best]
            issues.append(QualityIssue(
                "short_hold", f"{name}: the bottom position was held {rep.hold_s:.1f} s (FMS asks about one count, "
                "~1 s): pause at the bottom", "info", i))
    kinds = [src.kinematics.view.kind for src in sources]
    both_views = {"frontal"} & set(kinds) and {"sagittal", "oblique"} & set(kinds)
    if found_any and not both_views:
        missing = "front" if "frontal" not in kinds else "side"
        issues.append(QualityIssue(
            "view_missing", f"only {' and '.join(sorted(set(kinds)))} view(s) given: add a {missing} view clip of the "
            f"same squat (`analyze side.mov front.mov`) to judge every criterion", "info", None))

    criteria = squat.merge_views(views)
    score = squat.fms_score(criteria, pain, heel_board)
    metrics: dict[str, float] = {}
    for kind_first in (("sagittal", "oblique"), ("frontal",)):
        for view in views:
            if view.view_kind in kind_first:
                for key, value in view.metrics.items():
                    metrics.setdefault(key, value)
    for view in views:
        for key, value in view.metrics.items():
            metrics.setdefault(key, value)
    reps = [r for v in views for r in v.repetitions]
    best_view = next((v for v in views if v.best is not None), None)
    infos = [
        SourceInfo(
            path=str(paths[i]), fps=src.info.fps, frames=len(src.detections.t), width=src.info.width,
            height=src.info.height, duration_s=float(src.detections.t[-1] - src.detections.t[0]) if len(
                src.detections.t) > 1 else 0.0,
            view=src.kinematics.view.kind, rotation=src.info.rotation, facing=src.kinematics.view.describe(),
            people_seen=src.people_seen, subject=src.subject.id, variable_frame_rate=src.kinematics.variable_rate,
        )
        for i, src in enumerate(sources)
    ]
    notes = []
    if pain == "not_asked":
        notes.append("Ask about pain: any pain during the squat makes the FMS score 0 and calls for a clinician.")
    result = ScreenResult(
        screen="squat",
        sources=infos,
        view="+".join(dict.fromkeys(kinds)),
        people_seen=max(src.people_seen for src in sources),
        quality_issues=issues,
        repetitions=reps,
        criteria=criteria,
        score=score,
        metrics=metrics,
        findings=squat.findings_from(criteria),
        model=f"pose_landmarker_{model_file.variant} ({model_file.origin})",
        pain=pain,
        best_repetition=(best_view.repetitions[best_view.best].index if best_view else None),
        notes=notes,
    )
    return Analysis(result, sources, views)
