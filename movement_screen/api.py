"""The public entry point every front end (CLI, batch runner, app) calls."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Sequence

import numpy as np

from movement_screen.care.catalogue import Exercise, load_catalogue
from movement_screen.care.plan import make_plan
from movement_screen.care.progress import reassess
from movement_screen.care.safety import Screening
from movement_screen.care.safety import evaluate as evaluate_answers
from movement_screen.errors import InputError, NoPersonError, UnknownMovementError, UsageError, WrongMovementError
from movement_screen.kinematics.quality import check as check_quality
from movement_screen.kinematics.quality import framing_advice
from movement_screen.kinematics.series import Kinematics, prepare
from movement_screen.pose import models
from movement_screen.pose.sequence import Detections, PoseSequence
from movement_screen.pose.tracking import (Track, choose_subject, link_tracks, people_seen, present,
                                           subject_sequence)
from movement_screen.stages import stage
from movement_screen.screens import bend, detect, gait, posture, single_leg, sit_to_stand, squat
from movement_screen.screens.common import ViewScreen, camera_turn
from movement_screen.contract.config import load
from movement_screen.screens.detect import Detection
from movement_screen.contract.result import QualityIssue, ScreenResult, SourceInfo
from movement_screen.store.history import Store
from movement_screen.video.reader import MIN_FRAMES, VideoInfo, probe

SCREENS = ("auto", "squat", "forward_bend", "gait", "posture", "single_leg_squat", "sit_to_stand")
NO_MOVEMENT = "no_movement"
CUTOFF_HZ = 6.0  # spec §0.3: 3-6 Hz for squat and bend, 4-6 Hz for gait  [C]
MAIN_PERSON_FRACTION = 0.5  # a walker counts as a main person when their size x time is half the top person's
SIMILAR_FRACTION = 0.7  # another person this close to the subject's size x time makes the pick uncertain
CANDIDATE_FRACTION = 0.3  # people below this share of the top person's size x time are not considered
WALKER_FRACTION = 0.1  # ... except as the walker of a gait clip: a small walker far off among nearer bystanders


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
    screen: str | None = None  # the screen this clip was analysed for
    detection: Detection | None = None  # how --screen auto decided, when it did
    kept: object = field(default=None, compare=False, repr=False)  # video.kept.KeptFrames: the pose pass's pictures

    @property
    def from_landmarks(self) -> bool:
        """The source was a landmark series (landmarks.csv, or landmarks from the patient's browser): no video."""
        return self.info.codec == LANDMARKS_CODEC


@dataclass(frozen=True)
class Analysis:
    result: ScreenResult
    sources: list[SourceAnalysis]
    view_screens: list[ViewScreen]

    @property
    def unscorable_reason(self) -> str | None:
        """Why the screen could not be scored (the movement was not found), or None."""
        issues = {issue.code: issue.message for issue in self.result.quality_issues}
        if NO_MOVEMENT not in issues:
            return self.result.unscored_reason
        if "body_out_of_frame" in issues:  # the likely cause, said with it
            return f"{issues[NO_MOVEMENT]} (likely because {issues['body_out_of_frame']})"
        return issues[NO_MOVEMENT]


def screen_name(screen: str) -> str:
    """Accept the CLI spelling (forward-bend) as well as the result's (forward_bend)."""
    name = screen.replace("-", "_")
    if name not in SCREENS:
        raise UsageError(f"unknown screen '{screen}': choose auto, {detect.CHOICES}")
    return name


def _kinematics(det: Detections, track: Track) -> tuple[PoseSequence, Kinematics] | None:
    seq = subject_sequence(det, track)
    if seq.found.sum() < 5:
        return None
    return seq, prepare(seq, cutoff_hz=CUTOFF_HZ)


def _candidates(det: Detections, tracks: list[Track], fraction: float = CANDIDATE_FRACTION
                ) -> list[tuple[Track, PoseSequence, Kinematics]]:
    """People worth considering as the subject: the top person and anyone filling ``fraction`` of the top
    person's size x time, seen for a second or more."""
    out = []
    top = tracks[0].score if tracks else 0.0
    for track in tracks:
        if track.score < fraction * top:
            break
        prepared = _kinematics(det, track)
        if prepared is not None and track.frames_present / max(det.fps, 1) >= 1.0:
            out.append((track, *prepared))
    return out


Prepared = tuple[PoseSequence, Kinematics]


def _pick(screen: str, det: Detections, tracks: list[Track]) -> tuple[Track, Prepared | None, Detection | None]:
    """The person a screen looks at (when --person is not given), their kinematics when already prepared, and for
    auto the screen itself.

    Squat and forward bend: the person filling most of the video. Gait: the person who walks (the most walking
    evidence among everyone seen for a second or more, however small: a walker far off among nearer people
    sitting or standing). Auto: a main person who walks makes it a gait clip; else the top person's movement
    decides, unless they only stand or sit there while someone else walks: then it is that walker's gait clip.
    """
    if screen not in ("gait", "auto"):
        return tracks[0], None, None
    candidates = _candidates(det, tracks, WALKER_FRACTION)
    if not candidates:
        return tracks[0], None, (Detection(None, 0.0, {}, "nobody was seen long enough to tell the movement") if
                                 screen == "auto" else None)
    top = candidates[0][0].score
    decided = [(track, (seq, kin), detect.decide(kin, track.id)) for track, seq, kin in candidates]
    main = [d for d in decided if d[0].score >= MAIN_PERSON_FRACTION * top]
    # Of several people who walk, the one who walks longest (a passer-by crosses quickly, and a track that
    # picked up the walker from someone standing has only part of the walk).
    def walks(d) -> tuple:
        return d[2].screen == "gait", d[2].values.get("walking_s", 0.0), d[2].scores["gait"]

    walker = max(decided, key=walks)
    if screen == "gait":
        return (walker[0], walker[1], None) if walker[2].scores["gait"] > 0 else (tracks[0], None, None)
    main_walker = max(main, key=walks)
    if main_walker[2].screen == "gait":
        return main_walker
    # Standing there (a posture score) is not a movement of its own beside someone walking.
    still = max((v for k, v in main[0][2].scores.items() if k != "posture"), default=0.0) < load(
        "detect")["decision"]["still_below"]
    if still and walker[2].screen == "gait":
        return walker
    return main[0]  # the top person (always a main person)


LANDMARKS_CODEC = "landmarks"  # VideoInfo.codec of a source that was a landmark series, not a video


def analyse_source(path: str | Path, model: models.ModelFile, *, screen: str = "squat", person: int | None = None,
                   max_people: int = 3, progress=None, pose_backend: str | None = None,
                   keep_frames: bool = False) -> SourceAnalysis:
    """Pose, subject and kinematics for one clip; ``screen`` "auto" also decides the screen.

    When the person lies across the picture in most frames where they are found (a phone video whose rotation
    setting was lost), the pose pass runs again on the picture turned upright, the side the head is on deciding
    the way. The turned analysis is kept when the person stands upright in it (its sequence records the turn: the
    quality issue turned_upright); otherwise the first one is (the quality issue sideways says so plainly). An
    upright clip costs nothing more.

    ``keep_frames`` keeps the pose pass's pictures (``SourceAnalysis.kept``, video/kept.py), so that the annotated
    video is drawn without decoding the source a second time.
    """
    from movement_screen.kinematics.orientation import upright_turn
    from movement_screen.pose.estimator import estimate_video
    from movement_screen.pose.landmarks_file import quantized
    from movement_screen.video.kept import KeptFrames
    from movement_screen.video.reader import turned

    def analysed(info: VideoInfo) -> tuple[SourceAnalysis | None, Detections, NoPersonError | None]:
        kept = KeptFrames(info.fps) if keep_frames else None
        detections = quantized(estimate_video(path, info, model, max_people=max_people, progress=progress,
                                              backend=pose_backend, keep=kept))
        try:
            with stage("tracking, kinematics and the recogniser"):
                found = _from_detections(info, detections, path, screen, person)
            return replace(found, kept=kept), detections, None
        except NoPersonError as exc:  # a person lying across the picture may be found too seldom
            if kept is not None:
                kept.discard()
            return None, detections, exc

    with stage("probe"):
        info = probe(path)
    first, detections, error = analysed(info)
    poses = first.sequence.xy if first is not None else detections.xy.reshape(-1, *detections.xy.shape[2:])
    turn = upright_turn(poses)
    if turn:
        again, _, _ = analysed(turned(info, turn))
        if again is not None and upright_turn(again.sequence.xy) == 0 and (
                first is None or again.sequence.found.sum() >= 0.5 * first.sequence.found.sum()):
            if first is not None and first.kept is not None:
                first.kept.discard()
            return again
        if again is not None and again.kept is not None:
            again.kept.discard()
    if error is not None:
        raise error
    return first


def analyse_landmarks(source, *, screen: str = "squat", person: int | None = None) -> SourceAnalysis:
    """Subject and kinematics for one source of a landmark series (:mod:`pose.landmarks_file`): the same
    tracking and kinematics as a video's, without the pose model."""
    info = VideoInfo(source.path, source.width, source.height, source.fps, len(source.detections.t),
                     source.duration_s, 0, LANDMARKS_CODEC)
    return _from_detections(info, source.detections, source.path, screen, person)


def _from_detections(info: VideoInfo, detections: Detections, path, screen: str, person: int | None
                     ) -> SourceAnalysis:
    if len(detections.t) < MIN_FRAMES:
        raise InputError(f"'{path}' holds only {len(detections.t)} frame(s) ({info.duration_s:.2f} s): record the "
                         "whole movement, a few seconds of video")
    tracks = link_tracks(detections)
    subject = choose_subject(detections, tracks, person, str(path))  # raises when nobody was found
    prepared, found = None, None
    if person is None:
        subject, prepared, found = _pick(screen, detections, tracks)
    if prepared is None:
        prepared = _kinematics(detections, subject)
    if prepared is None:
        seq = subject_sequence(detections, subject)
        raise NoPersonError(
            f"a person was found in only {int(seq.found.sum())} of {len(seq)} frames of '{path}': film the whole "
            "body, 2-4 m from the camera, in good light"
        )
    seq, kin = prepared
    if screen == "auto" and found is None:
        found = detect.decide(kin, subject.id)
    chosen = found.screen if screen == "auto" else screen
    return SourceAnalysis(info, detections, tracks, subject, seq, kin, people_seen(tracks, len(detections.t)),
                          chosen, found)


def analyze(
    paths: str | Path | Sequence[str | Path],
    screen: str = "auto",
    *,
    model: str = models.DEFAULT_VARIANT,
    person: int | None = None,
    pain: str = "not_asked",
    heel_board: bool = False,
    height_cm: float | None = None,
    max_people: int = 3,
    progress=None,
    answers: dict[str, bool] | None = None,
    answered_at: str | None = None,
    catalogue: str | Path | None = None,
    on: date | None = None,
    age: float | None = None,
    sex: str | None = None,
    pose_backend: str | None = None,
    keep_frames: bool = False,
) -> Analysis:
    """Analyse one clip, or several clips of the same movement from different views, and score the screen.

    ``screen`` is "auto" (decide from the movement), "squat", "forward_bend" (or "forward-bend"), "gait", "posture",
    "single_leg_squat" (or "single-leg-squat") or "sit_to_stand" (or "sit-to-stand").
    ``person`` picks the screened person by rank (1 = the person filling most of the video) in every clip.
    ``pain`` is the person's answer ("yes", "no") or "not_asked". ``heel_board`` says the clip was filmed with
    the heels raised on a board (FMS score 2 trial).
    ``height_cm`` gives a scale: fingertip-to-floor in cm, gait step length and speed.
    ``age`` (years) and ``sex`` ("female" or "male") compare the sit-to-stand's timed tests with their norms; without
    them the time and count are still given, their verdicts not_assessed saying what is missing.
    ``answers`` are the red-flag pre-screen answers (question id -> yes; None = not asked), given at
    ``answered_at`` (ISO time; now when None); with ``catalogue``
    (None = the packaged one) and ``on`` (the session date) they decide the exercise plan (see :func:`advise`).
    ``pose_backend`` runs the pose model through MediaPipe's Tasks landmarker ("tasks") or directly ("direct",
    pose/direct.py); None: the default (:data:`pose.estimator.DEFAULT_BACKEND`).
    ``keep_frames`` keeps each clip's pictures from the pose pass for the annotated video (:func:`analyse_source`).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise UsageError("give at least one video")
    screen = screen_name(screen)
    if pain not in ("yes", "no", "not_asked"):
        raise UsageError("pain must be 'yes', 'no' or 'not_asked'")
    if answers is not None and (pain == "not_asked" or answers.get("pain_during_test")):
        pain = "yes" if answers.get("pain_during_test") else "no"  # the questionnaire asks about pain too
    if pose_backend is not None:
        from movement_screen.pose.estimator import check_backend

        check_backend(pose_backend)
    screening = evaluate_answers(answers, pain, answered_at)  # unknown question ids fail before the slow part
    plan_catalogue = load_catalogue(catalogue)
    if height_cm is not None and not 50 <= height_cm <= 250:
        raise UsageError(f"--height-cm {height_cm:g} is not a person's height in centimetres (50-250)")
    if age is not None and not 5 <= age <= 120:
        raise UsageError(f"--age {age:g} is not a person's age in years (5-120)")
    if sex is not None and sex not in sit_to_stand.SEXES:
        raise UsageError(f"--sex must be one of {', '.join(sit_to_stand.SEXES)}, not '{sex}'")
    from movement_screen.pose.landmarks_file import is_landmarks_file, read_landmarks

    tables = [is_landmarks_file(p) for p in paths]
    with stage("model file"):
        model_file = None if all(tables) else models.resolve(model)
    sources, names = [], []
    for p, table in zip(paths, tables):
        if table:  # a landmark series: no pose model, the rest is the same
            for source in read_landmarks(p):
                sources.append(analyse_landmarks(source, screen=screen, person=person))
                names.append(source.path)
        else:
            sources.append(analyse_source(p, model_file, screen=screen, person=person, max_people=max_people,
                                          progress=progress, pose_backend=pose_backend, keep_frames=keep_frames))
            names.append(str(p))
    if screen == "auto":
        screen = _agree(sources, names)
    sources, names, excluded = keep_matching(sources, names, screen, person)
    with stage("screens"):
        analysis = score_sources(sources, names, model_file, screen=screen, pain=pain, heel_board=heel_board,
                                 height_cm=height_cm, age=age, sex=sex)
    if excluded:
        result = analysis.result
        analysis = replace(analysis, result=replace(
            result, excluded=excluded,
            quality_issues=[*result.quality_issues, *(QualityIssue(
                "clip_excluded", f"{Path(e['path']).name} was left out: it shows {e['looks_like']}, not "
                f"{detect.ARTICLE_NAMES[screen]}. Nothing was measured from it", "warning", None) for e in excluded)]))
    settings = {"heel_board": heel_board, "person": person, "height_cm": height_cm,
                "catalogue": str(catalogue) if catalogue else None, "on": on.isoformat() if on else None,
                "age": age, "sex": sex}
    analysis = replace(analysis, result=replace(analysis.result, settings=settings))
    with stage("red flags and plan"):
        return advise(analysis, screening, plan_catalogue, on)


def advise(analysis: Analysis, screening: Screening, catalogue: list[Exercise] | None = None,
           on: date | None = None) -> Analysis:
    """Attach the red-flag outcome and the exercise plan (withheld on a red flag or pain) to the result."""
    plan = make_plan(analysis.result.to_dict(), screening, catalogue, on)
    result = replace(analysis.result, red_flags=screening.to_dict(), plan=plan, exercises=plan["exercises"])
    return replace(analysis, result=result)


def follow_up(analysis: Analysis, store: Store, patient: str, on: date | None = None) -> Analysis:
    """Re-test against the patient's last plan for this screen (if any) and attach the reassessment."""
    on = on or date.today()
    previous = store.last_plan(patient, analysis.result.screen, on)
    if previous is None or analysis.result.unscored_reason:  # a session without a score is never compared
        return analysis
    result = analysis.result.to_dict()
    done = reassess(previous.plan, previous.recorded_on, result, on)
    return replace(analysis, result=replace(analysis.result, reassessment=done))


def clip_movement(src: SourceAnalysis, screen: str, person: int | None = None) -> str | None:
    """What ``src`` shows when it is clearly not ``screen`` (in words, with the evidence), else None.

    A clip whose screened person shows ``screen``'s own signature (``detect.toml`` [decision] present_above) fits, even when another movement is there too (a rise then a walk, the knee bend inside a sit-to-stand): the
    result notes the other one (quality issue ``also_seen``). Otherwise:

    The screened person doing the chosen movement makes the clip fit, whoever else walks past. Otherwise the clip
    is read the way ``--screen auto`` reads it: a main person who walks across the picture makes it a walking
    clip whoever was screened, else the screened person's movement decides. A squat chosen for hips
    that drop in a lunge, a step, a lift or onto a seat does not fit either, nor a sit-to-stand chosen for a lunge,
    a step or a lift. A clip whose movement cannot be told
    (too little movement) is not refused here: it is scored, and says it found no movement.
    """
    own = detect.decide(src.kinematics, src.subject.id)  # its scores come after the look-alike checks
    if own.scores[screen] >= load("detect")["decision"]["present_above"]:
        return None  # the chosen movement's signature is there: scored, whatever else the clip shows (also_seen)
    found = src.detection
    if found is None or src.screen != screen:
        found = own  # the screened person doing the movement fits,
        if found.screen != screen and person is None:  # whoever walks past; else the clip as auto reads it
            found = _pick("auto", src.detections, src.tracks)[2]
    if found is not None and found.screen == "posture" and screen != "posture":
        return None  # standing still is no other movement: the attempt is scored and says it found no movement
    if found is not None and found.screen is not None and found.screen != screen:
        return f"{detect.ARTICLE_NAMES[found.screen]} ({found.reason})"
    if screen == "squat":
        drop = squat.hip_drop(src.kinematics)
        deep = np.isfinite(drop).any() and np.nanmax(drop) >= squat.repetition_rules()["min_hip_drop_leg"]
        return squat.look_alike(src.kinematics) if deep else None
    if screen == "sit_to_stand":  # not recognised as one (too few stands): hips dropping in a lunge, a step or a
        other = squat.look_alike(src.kinematics)  # lift are not a sit-to-stand either; a single sit is scored
        return other if other and not other.startswith("sitting") else None
    return None


def keep_matching(sources: list[SourceAnalysis], names: list[str], screen: str, person: int | None = None
                  ) -> tuple[list[SourceAnalysis], list[str], list[dict]]:
    """The clips that show ``screen``, their names, and the ones left out (``path``, ``looks_like``).

    One session holds one movement: a clip of another movement is left out when other clips still make the
    session, and nothing is measured from it; when every clip shows another movement the session is refused.
    """
    kept, kept_names, excluded = [], [], []
    for src, name in zip(sources, names):
        other = clip_movement(src, screen, person)
        if other is None:
            kept.append(src)
            kept_names.append(name)
        else:
            excluded.append({"path": str(name), "looks_like": other})
    if not kept:
        listing = "; ".join(f"{Path(e['path']).name} shows {e['looks_like']}" for e in excluded)
        raise WrongMovementError(f"{listing}: not {detect.ARTICLE_NAMES[screen]}. Film "
                                 f"{detect.ARTICLE_NAMES[screen]} as the filming guide shows, or choose the screen "
                                 "the clip holds")
    return kept, kept_names, excluded


def _agree(sources: list[SourceAnalysis], paths: list[str]) -> str:
    """The one screen all clips show (auto), or a clear error."""
    decided = {src.screen for src in sources if src.screen}
    if not decided:
        framing = framing_advice(sources[0].sequence)
        if framing:  # the likely cause comes first
            raise UnknownMovementError(f"{Path(paths[0]).name}: {framing}; the movement could not be told")
        raise UnknownMovementError(f"{Path(paths[0]).name}: {sources[0].detection.reason}")
    if len(decided) > 1:
        listing = ", ".join(f"{Path(p).name}: {src.screen or 'unclear'}" for p, src in zip(paths, sources))
        raise UsageError(f"the clips show different movements ({listing}): analyse them separately or choose "
                         "the screen yourself")
    return decided.pop()


def score_sources(sources: list[SourceAnalysis], paths: list[str], model_file: models.ModelFile | None, *,
                  screen: str = "squat", pain: str = "not_asked", heel_board: bool = False,
                  height_cm: float | None = None, age: float | None = None, sex: str | None = None) -> Analysis:
    """Score a screen from already-estimated sources (pure: no model, no files)."""
    screen = screen_name(screen)
    if screen == "squat":
        return _score_squat(sources, paths, model_file, pain=pain, heel_board=heel_board)
    if screen == "forward_bend":
        return _score_bend(sources, paths, model_file, pain=pain, height_cm=height_cm)
    if screen == "gait":
        return _score_gait(sources, paths, model_file, pain=pain, height_cm=height_cm)
    if screen == "posture":
        return _score_posture(sources, paths, model_file, pain=pain)
    if screen == "sit_to_stand":
        return _score_sit_to_stand(sources, paths, model_file, pain=pain, age=age, sex=sex)
    if screen == "single_leg_squat":
        return _score_single_leg(sources, paths, model_file, pain=pain)
    raise UsageError(f"score_sources needs a decided screen ({detect.CHOICES}), not auto")


def _round_yaw(yaw: float) -> float | None:
    return round(float(yaw), 1) if np.isfinite(yaw) else None


def _source_infos(sources: list[SourceAnalysis], paths: list[str]) -> list[SourceInfo]:
    return [
        SourceInfo(
            path=str(paths[i]), fps=src.info.fps, frames=len(src.detections.t), width=src.info.width,
            height=src.info.height, duration_s=float(src.detections.t[-1] - src.detections.t[0]) if len(
                src.detections.t) > 1 else 0.0,
            view=src.kinematics.view.kind, rotation=src.info.rotation, facing=src.kinematics.view.describe(),
            people_seen=src.people_seen, subject=src.subject.id, variable_frame_rate=src.kinematics.variable_rate,
            body_yaw_deg=_round_yaw(src.kinematics.view.yaw_deg),
            input="landmarks" if src.from_landmarks else "video",
        )
        for i, src in enumerate(sources)
    ]


def _detection(sources: list[SourceAnalysis]) -> dict | None:
    found = [src.detection for src in sources if src.detection is not None]
    if not found:
        return None
    best = max(found, key=lambda d: d.confidence)
    return best.to_dict()


def _result(screen: str, sources, paths, model_file, *, issues, views, criteria, metrics, findings, pain,
            score=None, repetitions=(), best_repetition=None, notes=(), events=(), passes=()) -> Analysis:
    kinds = [src.kinematics.view.kind for src in sources]
    result = ScreenResult(
        screen=screen,
        sources=_source_infos(sources, paths),
        view="+".join(dict.fromkeys(kinds)),
        people_seen=max(src.people_seen for src in sources),
        quality_issues=issues,
        repetitions=list(repetitions),
        criteria=criteria,
        score=score,
        metrics=metrics,
        findings=findings,
        model=(f"pose_landmarker_{model_file.variant} ({model_file.origin})" if model_file is not None else
               "none: scored from landmarks given as input"),
        pose_backend="+".join(dict.fromkeys(src.detections.backend for src in sources if src.detections.backend)),
        pain=pain,
        best_repetition=best_repetition,
        notes=list(notes) + (["Scored from body landmarks given as input: no video was analysed or kept here; the "
                              "key frames show the skeleton only."] if any(src.from_landmarks for src in sources)
                             else []),
        events=list(events),
        passes=list(passes),
        detection=_detection(sources),
    )
    return Analysis(result, sources, views)


def _merged_metrics(views: list[ViewScreen], first_kinds: tuple[str, ...]) -> dict[str, float]:
    """Metrics of all views, a view of ``first_kinds`` winning where two views report the same metric."""
    metrics: dict[str, float] = {}
    for view in sorted(views, key=lambda v: v.view_kind not in first_kinds):
        for key, value in view.metrics.items():
            metrics.setdefault(key, value)
    return metrics


def _quality(sources, paths, screen: str) -> list[QualityIssue]:
    issues = []
    for i, src in enumerate(sources):
        feet_down = single_leg.both_feet_down(src.kinematics) if screen == "single_leg_squat" else None
        found = check_quality(src.sequence, src.kinematics, i, paths[i], src.people_seen, screen=screen,
                              feet_down=feet_down)
        look_alike = _look_alike(src, i, paths[i])
        if look_alike:  # says more than the plain "several people" warning, which it replaces
            found = [issue for issue in found if issue.code != "several_people"] + look_alike
        issues += found + _also_seen(src, i, paths[i], screen)
    return issues


def _also_seen(src: SourceAnalysis, index: int, path: str, screen: str) -> list[QualityIssue]:
    """A note naming another movement whose signature is clearly in the clip beside the screened one."""
    scores = detect.decide(src.kinematics, src.subject.id).scores
    clear = load("detect")["decision"]["clear_above"]
    others = [detect.ARTICLE_NAMES[k] for k, v in sorted(scores.items(), key=lambda kv: -kv[1])
              if k not in (screen, "posture") and v >= clear]
    if not others:
        return []
    return [QualityIssue("also_seen", f"{Path(path).name}: the clip also shows {' and '.join(others)}; only "
                         f"{detect.ARTICLE_NAMES[screen]} was scored", "info", index)]


def _look_alike(src: SourceAnalysis, index: int, path: str) -> list[QualityIssue]:
    """A warning when someone else fills the video about as much as the screened person: the pick may be wrong."""
    rivals = [(rank, t) for rank, t in enumerate(src.tracks, 1) if t.id != src.subject.id
              and present(t, len(src.detections.t)) and t.score >= SIMILAR_FRACTION * src.subject.score]
    if not rivals:
        return []
    rank, other = rivals[0]
    side = "left" if src.subject.mean_x_px < other.mean_x_px else "right"
    return [QualityIssue(
        "similar_people", f"{Path(path).name}: two people of similar size are in view; the one on the {side} was "
        f"screened. Better, film one person alone (on the command line, --person {rank} screens the other)",
        "warning", index)]


def _pain_note(pain: str, what: str) -> list[str]:
    if pain == "yes":
        return [f"Pain was reported during the {what}: stop this test and have it assessed by a clinician."]
    if pain == "not_asked":
        return [f"Ask about pain: pain during the {what} (or part-way through it) calls for a clinician."]
    return []


def _no_movement(what: str, paths: list[str], how: str) -> QualityIssue:
    names = ", ".join(repr(Path(p).name) for p in paths)
    return QualityIssue(NO_MOVEMENT, f"no {what} found in {names}: {how}", "error", None)


def _score_squat(sources, paths, model_file, *, pain, heel_board) -> Analysis:
    views = [squat.judge_view(src.kinematics, i) for i, src in enumerate(sources)]
    issues: list[QualityIssue] = []
    found_any = any(v.repetitions for v in views)
    if not found_any:
        rep_cfg = squat.repetition_rules()
        issues.append(_no_movement("squat", paths, f"the hips never dropped {rep_cfg['min_hip_drop_leg']:.0%} of "
                                   f"leg length or more for at least {rep_cfg['min_duration_s']:g} s. Film the whole "
                                   "squat, standing tall before and after it"))
    issues += _quality(sources, paths, "squat")
    for i, src in enumerate(sources):
        gap = squat.between_views(src.kinematics.view.yaw_deg) if views[i].repetitions else None
        if gap:  # neither a front nor a side view: say how to turn the camera before the next recording
            yaw = src.kinematics.view.yaw_deg
            issues.append(QualityIssue(
                "turn_camera", f"{Path(paths[i]).name}: the person is turned {yaw:.0f} deg from the camera, too far "
                f"round for the front-view criteria (up to {gap[0]:g} deg) and not far enough for the side-view ones "
                f"(from {gap[1]:g} deg): for a side view, {camera_turn(yaw, gap[1], 90.0)}; for a front view, "
                f"{camera_turn(yaw, 0.0, gap[0])}", "warning", i))
    for i, view in enumerate(views):
        name = Path(paths[i]).name
        if not view.repetitions and len(sources) > 1:
            issues.append(QualityIssue("no_repetition", f"{name}: no squat repetition found in this clip", "warning",
                                       i))
        elif view.hold_short:
            rep = view.repetitions[view.best]
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
    best_view = next((v for v in views if v.best is not None), None)
    notes = []
    if pain == "not_asked":
        notes.append("Ask about pain: any pain during the squat makes the FMS score 0 and calls for a clinician.")
    return _result("squat", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=_merged_metrics(views, ("sagittal", "oblique")), findings=squat.findings_from(criteria),
                   pain=pain, score=squat.fms_score(criteria, pain, heel_board),
                   repetitions=[r for v in views for r in v.repetitions],
                   best_repetition=(best_view.repetitions[best_view.best].index if best_view else None), notes=notes)


def _score_bend(sources, paths, model_file, *, pain, height_cm) -> Analysis:
    views = [bend.judge_view(src.kinematics, i, height_cm) for i, src in enumerate(sources)]
    issues: list[QualityIssue] = []
    cfg = load("bend")["segmentation"]
    if not any(v.repetitions for v in views):
        issues.append(_no_movement("forward bend", paths, f"the trunk never tipped {cfg['min_peak_deg']:g} deg or "
                                   "more from vertical. Film the whole bend from the side, standing tall before "
                                   "and after it"))
    issues += _quality(sources, paths, "forward_bend")
    kinds = {src.kinematics.view.kind for src in sources}
    if any(v.repetitions for v in views):
        if "frontal" not in kinds:
            issues.append(QualityIssue("view_missing", "no front or back view: add one to check for a sideways "
                                       "shift during the bend", "info", None))
        if not kinds & {"sagittal", "oblique"}:
            issues.append(QualityIssue("view_missing", "no side view: the trunk, hip and knee angles and the return "
                                       "pattern need a side view", "warning", None))
    for i, view in enumerate(views):
        for rep in view.repetitions:
            if rep.started_upright is False:
                issues.append(QualityIssue("partial_bend", f"{Path(paths[i]).name}: bend {rep.index} was already "
                                           "under way when the clip starts: its descent is not timed", "info", i))
    criteria = bend.merge_views(views)
    best_view = next((v for v in views if v.best is not None), None)
    return _result("forward_bend", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=_merged_metrics(views, ("sagittal", "oblique")), findings=bend.findings_from(criteria),
                   pain=pain, repetitions=[r for v in views for r in v.repetitions],
                   best_repetition=(best_view.repetitions[best_view.best].index if best_view else None),
                   notes=_pain_note(pain, "bend"))


def _score_posture(sources, paths, model_file, *, pain) -> Analysis:
    views = [posture.judge_view(src.kinematics, i) for i, src in enumerate(sources)]
    cfg = load("posture")["quiet"]
    issues: list[QualityIssue] = []
    if not any(v.metrics.get("quiet_standing_s", 0.0) >= cfg["min_seconds"] for v in views):
        issues.append(_no_movement("quiet standing", paths, "the person did not stand still for "
                                   f"{cfg['min_seconds']:g} s. Stand relaxed, arms at the sides, looking ahead, for "
                                   "about 5 s, once facing the camera and once side-on"))
    issues += _quality(sources, paths, "posture")
    kinds = {src.kinematics.view.kind for src in sources}
    if "frontal" not in kinds:
        issues.append(QualityIssue("view_missing", "no front or back view: shoulders and pelvis level, head tilt and "
                                   "sideways shift need one", "info", None))
    if "sagittal" not in kinds:
        issues.append(QualityIssue("view_missing", "no true side view: head, trunk, hips and knees from the side "
                                   "need one", "info", None))
    criteria = posture.merge_views(views)
    notes = _pain_note(pain, "quiet standing") + [
        "Posture cut-offs are conventions, not diagnostic values (no validated cut-offs exist for posture angles "
        "from photographs): the findings describe alignment, they do not explain pain."]
    return _result("posture", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=_merged_metrics(views, ("frontal", "sagittal")), findings=posture.findings_from(criteria),
                   pain=pain, notes=notes)


def _score_single_leg(sources, paths, model_file, *, pain) -> Analysis:
    views = [single_leg.judge_view(src.kinematics, i) for i, src in enumerate(sources)]
    cfg = single_leg.rules()
    issues: list[QualityIssue] = []
    if not any(v.repetitions for v in views):
        issues.append(_no_movement("single-leg squat", paths, "no stretch of standing on one leg with the hips going "
                                   f"down and up was found (one foot lifted for {cfg['stance']['min_seconds']:g} s or "
                                   "more). Face the camera, lift one foot in front, squat down and up 3-5 times, then "
                                   "change legs"))
    issues += _quality(sources, paths, "single_leg_squat")
    front = cfg["views"]["knee_inside_foot"]
    for i, (src, view) in enumerate(zip(sources, views)):
        yaw = src.kinematics.view.yaw_deg
        if view.repetitions and np.isfinite(yaw) and yaw > front[1]:
            issues.append(QualityIssue(
                "face_camera", f"{Path(paths[i]).name}: the person is turned {yaw:.0f} deg from the camera: the knee, "
                f"pelvis and trunk are judged from the front (up to {front[1]:g} deg): {camera_turn(yaw, *front)}",
                "warning", i))
    metrics = single_leg.leg_metrics(views)
    least = cfg["repetition"]["min_reps_per_leg"]
    for side in ("left", "right"):
        count = int(metrics[f"repetitions_{side}"])
        if any(v.repetitions for v in views) and count < least:
            issues.append(QualityIssue(
                "few_repetitions", f"{count} single-leg squat(s) on the {side} leg: {least}-5 per leg make the "
                "values steadier" + (" and let the two legs be compared" if count == 0 else ""),
                "warning" if count == 0 else "info", None))
    criteria = single_leg.judge_views(views, [src.kinematics for src in sources])
    notes = _pain_note(pain, "single-leg squat") + [
        "The knee's frontal-plane projection angle (FPPA) is reported, not judged: a camera a few degrees off square "
        "changes it by as much as the fault it would flag (docs/validation.md). The knee is judged by its place over "
        "the toes."]
    return _result("single_leg_squat", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=metrics, findings=single_leg.findings_from(criteria), pain=pain,
                   repetitions=[r for v in views for r in v.repetitions], notes=notes)


def _score_sit_to_stand(sources, paths, model_file, *, pain, age, sex) -> Analysis:
    views = [sit_to_stand.judge_view(src.kinematics, i, age, sex) for i, src in enumerate(sources)]
    issues: list[QualityIssue] = []
    if not any(v.repetitions for v in views):
        issues.append(_no_movement("sit-to-stand", paths, "the hips never rose from a seat to full standing. Sit on a "
                                   "chair without arms, arms crossed on the chest, and stand up fully and sit down "
                                   "again 5 times, filmed from the side"))
    issues += _quality(sources, paths, "sit_to_stand")
    views_cfg = load("sit_to_stand")["views"]
    yaws = [src.kinematics.view.yaw_deg for src in sources]
    if any(v.repetitions for v in views):
        if not any(views_cfg["trunk_lean_seat_off"][0] <= y <= views_cfg["trunk_lean_seat_off"][1] for y in yaws):
            issues.append(QualityIssue("view_missing", "no side view: the trunk's lean at seat-off needs one",
                                       "info", None))
        if not any(views_cfg["knees_inward_rise"][0] <= y <= views_cfg["knees_inward_rise"][1] for y in yaws):
            issues.append(QualityIssue("view_missing", "no front view: the knees moving inward while rising need "
                                       "one (a second clip facing the camera)", "info", None))
    missing = [word for word, given in (("age", age is not None), ("sex", sex is not None))
               if not given]
    if missing and any(v.repetitions for v in views):
        issues.append(QualityIssue("norms_need_input", f"no {' or '.join(missing)} given: the times are measured "
                                   "but not compared with the age (and, for the 30-s count, sex) norms", "info",
                                   None))
    criteria = sit_to_stand.merge_views(views)
    issues += _timed_tests_short(criteria, views)
    notes = _pain_note(pain, "sit-to-stand") + [
        "Timed tests are standardised: a chair without arms about 43-45 cm high against a wall, arms crossed on the "
        "chest, as quickly as safely possible; their norms are for people aged 60 and over (sources in "
        "sit_to_stand.toml). Stop if the person is unsteady."]
    return _result("sit_to_stand", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=_merged_metrics(views, ("sagittal", "oblique")),
                   findings=sit_to_stand.findings_from(criteria), pain=pain,
                   repetitions=[r for v in views for r in v.repetitions], notes=notes)


def _timed_tests_short(criteria: list, views: list) -> list[QualityIssue]:
    """What a sit-to-stand too short for its timed tests lacked, and what to do: the five-times test needs five
    full stands, the 30-second count 30 s from the first rise."""
    unmeasured = {c.id for c in criteria if c.id in sit_to_stand.TIMED_IDS and c.value is None}
    if not unmeasured or not any(v.repetitions for v in views):
        return []
    stands = max(len(v.repetitions) for v in views)
    need = int(load("sit_to_stand")["five_times_sit_to_stand"]["stands"])
    lacks = []
    if "five_times_sit_to_stand" in unmeasured:
        lacks.append(f"the five-times test needs {need}")
    if "chair_stand_30s" in unmeasured:
        lacks.append("the 30-second test needs 30 s of standing up and sitting down")
    return [QualityIssue("too_few_stands", f"{stands} full stand(s) seen: {' and '.join(lacks)}. Stand up fully "
                         f"and sit down {need} times without stopping, or keep going for 30 seconds", "warning",
                         None)]


def _score_gait(sources, paths, model_file, *, pain, height_cm) -> Analysis:
    views = [gait.judge_view(src.kinematics, i, height_cm) for i, src in enumerate(sources)]
    cfg = load("gait")
    issues: list[QualityIssue] = []
    if not any(v.steps for v in views):
        issues.append(_no_movement("walking", paths, "no alternating steps were found. Film the person walking "
                                   "across the camera's view (side view), or toward or away from it down a "
                                   "corridor, at least 4 steps per pass"))
    issues += _quality(sources, paths, "gait")
    for i, view in enumerate(views):
        name = Path(paths[i]).name
        if view.steps and len(view.steps) < 4:
            issues.append(QualityIssue("few_steps", f"{name}: only {len(view.steps)} steps could be timed: at least "
                                       "4 steady steps per pass are needed for reliable timing (van Bloemendaal "
                                       "2019); walk a longer path or film more passes", "warning", i))
        fps = sources[i].info.fps
        if fps and fps < 59:
            issues.append(QualityIssue("gait_frame_rate", f"{name}: {fps:.0f} frames/s: gait events are accurate to "
                                       f"about one frame ({1000 / fps:.0f} ms); film at 60 frames/s for gait",
                                       "info", i))
    if not height_cm and any(v.steps for v in views):
        issues.append(QualityIssue("no_scale", "no scale given: step length and walking speed need the person's "
                                   "height", "info", None))
    criteria = gait.merge_views(views)
    notes = _pain_note(pain, "walk")
    notes.append(f"Events: {cfg['events']['source']}.")
    return _result("gait", sources, paths, model_file, issues=issues, views=views, criteria=criteria,
                   metrics=_merged_metrics(views, ("sagittal", "oblique")), findings=gait.findings_from(criteria),
                   pain=pain, notes=notes, events=[e for v in views for e in v.events],
                   passes=[p for v in views for p in v.passes])
