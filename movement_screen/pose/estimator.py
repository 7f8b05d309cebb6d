"""Run the MediaPipe Tasks ``PoseLandmarker`` over a video, several people allowed, streaming."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from movement_screen.errors import ModelError
from movement_screen.pose import landmarks as lm
from movement_screen.pose.models import ModelFile
from movement_screen.stages import stage
from movement_screen.pose.sequence import Detections
from movement_screen.video.reader import VideoInfo, iter_frames, prefetched

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DEFAULT_MAX_PEOPLE = 3
DEFAULT_INFERENCE_SIDE = 640
# "direct" (the default): MediaPipe's two pose networks run by LiteRT with the graph's steps in Python
# (pose/direct.py, ai-edge-litert), 1.8x the Tasks landmarker's rate for one person; "tasks": MediaPipe's Tasks
# PoseLandmarker, the reference it was proven against (bench/pose_equivalence.py, bench/RESULTS.md section 8).
# $MOVEMENT_SCREEN_POSE_BACKEND sets the default for a whole run (e.g. the test suite on the Tasks backend).
BACKENDS = ("direct", "tasks")
DEFAULT_BACKEND = os.environ.get("MOVEMENT_SCREEN_POSE_BACKEND") or "direct"


def check_backend(backend: str | None) -> str:
    from movement_screen.errors import UsageError

    backend = backend or DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise UsageError(f"unknown pose backend '{backend}': choose one of {', '.join(BACKENDS)}")
    return backend


def open_estimator(model: ModelFile, max_people: int = DEFAULT_MAX_PEOPLE, *, image_mode: bool = False,
                   backend: str | None = None, most_people: int | None = None):
    """A pose estimator of the chosen backend (both have ``detect``, ``count`` and ``close``), tracking
    ``max_people`` poses. ``most_people``: the direct backend's watch may track up to that many when it finds
    someone nobody follows (pose/direct.py, step 5); the Tasks landmarker's count is fixed when it opens."""
    if check_backend(backend) == "direct":
        from movement_screen.pose.direct import DirectPoseEstimator

        return DirectPoseEstimator(model, max_people, image_mode=image_mode, most_people=most_people)
    return PoseEstimator(model, max_people, image_mode=image_mode)


@contextlib.contextmanager
def _quiet_native_stderr():
    """Hold back what the C++ runtime prints while the model loads; show it only if loading fails."""
    try:
        saved = os.dup(2)
    except OSError:
        yield lambda: ""
        return
    with tempfile.TemporaryFile(mode="w+b") as sink:
        sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield lambda: (sink.seek(0), sink.read().decode(errors="replace"))[1]
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


class PoseEstimator:
    """A VIDEO-mode (or IMAGE-mode) landmarker; use as a context manager so the native graph is closed.

    Each clip gets a new video landmarker: once mediapipe is loaded in the process, one costs under 0.1 s, and a
    reused one carried its landmark smoothing over from the last clip (a one-pose landmarker, up to 4 px for a
    second), so a clip's landmarks would depend on what was analysed before it.
    """

    def __init__(self, model: ModelFile, max_people: int = DEFAULT_MAX_PEOPLE, min_confidence: float = 0.5,
                 image_mode: bool = False):
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model.path)),
            running_mode=vision.RunningMode.IMAGE if image_mode else vision.RunningMode.VIDEO,
            num_poses=max_people,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        with _quiet_native_stderr() as captured:
            try:
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
            except Exception as exc:  # the runtime raises plain RuntimeError/ValueError on a bad bundle
                detail = captured().strip().splitlines()[-1:] or [str(exc)]
                raise ModelError(
                    f"the pose model '{model.path}' could not be loaded ({detail[0]}): delete it and run "
                    "`movement-screen models build` (or fetch) again"
                ) from exc
        self.max_people = max_people
        self._last_ms = -1

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def count(self, rgb: np.ndarray) -> int:
        """People in one still frame (an image-mode landmarker)."""
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        return len(self._landmarker.detect(image).pose_landmarks)

    def detect(self, rgb: np.ndarray, time_ms: int):
        """Landmarks of every pose in one upright RGB frame: (xy_norm[K,33,2], vis[K,33], world[K,33,3])."""
        self._last_ms = max(time_ms, self._last_ms + 1)  # the landmarker's clock must only go forward
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, self._last_ms)
        k = len(result.pose_landmarks)
        xy = np.empty((k, lm.COUNT, 2), np.float32)
        vis = np.empty((k, lm.COUNT), np.float32)
        world = np.full((k, lm.COUNT, 3), np.nan, np.float32)
        for p, pose in enumerate(result.pose_landmarks):
            xy[p] = [(q.x, q.y) for q in pose]
            vis[p] = [q.visibility if q.visibility is not None else 1.0 for q in pose]
            if p < len(result.pose_world_landmarks):
                world[p] = [(q.x, q.y, q.z) for q in result.pose_world_landmarks[p]]
        return xy, vis, world


PEOPLE_SAMPLES = 6  # frames spread over the clip for the first look at how many people are in it


def count_people(path: str | Path, model: ModelFile, max_people: int, samples: int = PEOPLE_SAMPLES,
                 inference_side: int = DEFAULT_INFERENCE_SIDE, rotation: int | None = None,
                 backend: str | None = None) -> int:
    """How many poses to track: the most people an image-mode look finds in frames spread over the clip (1 at
    least, ``max_people`` at most).

    Told to track N poses, the video landmarker runs its person detector on every frame where it follows fewer
    than N; so a one-person clip tracked as three runs the detector on every frame. With the right count the
    detector runs only when tracking is lost.
    """
    from movement_screen.video.reader import sample_frames

    if max_people <= 1:
        return 1
    frames = sample_frames(path, samples, inference_side, rotation)
    if not frames:
        return max_people
    # the looker is closed before the video landmarker loads
    with open_estimator(model, max_people, image_mode=True, backend=backend) as looker:
        found = max(looker.count(image) for image in frames)
    # Each pose tracked beyond the people present makes the detector run on every frame (the Tasks landmarker on
    # the two-person walking clip: 25.3 frames/s tracking 3 poses, 31.4 tracking 2; `python
    # bench/bench_pipeline.py ../shared/videos/sports2d_demo_gait_sagittal.mp4 --max-people 3`, then 2), so the
    # count is taken as it is.
    return int(min(max_people, max(1, found)))


def estimate_video(
    path: str | Path,
    info: VideoInfo,
    model: ModelFile,
    *,
    max_people: int = DEFAULT_MAX_PEOPLE,
    inference_side: int = DEFAULT_INFERENCE_SIDE,
    progress=None,
    backend: str | None = None,
    keep=None,
) -> Detections:
    """Every pose in every frame of ``path``, in upright original pixels (inference runs on a downscaled copy).
    The picture is turned as ``info`` says (:func:`video.reader.turned` turns a sideways one upright).

    ``progress``: None shows a bar only on a terminal, True always, False never; a function is called as
    ``progress(frames_done, frames_expected)`` instead (the app's progress bar).
    ``backend``: "tasks" (MediaPipe's Tasks landmarker) or "direct" (pose/direct.py); None: DEFAULT_BACKEND.
    ``keep``: a :class:`video.kept.KeptFrames` that gets every inference copy, for the annotated video (closed
    here when the pass ends; deleted if it fails).
    """
    from tqdm import tqdm

    xs, viss, worlds, times, frames = [], [], [], [], []
    report = progress if callable(progress) else None
    show = False if report else progress
    from movement_screen.kinematics.filters import warm_imports

    warm_imports()  # scipy.signal loads while the model runs, instead of before it
    backend = check_backend(backend)
    # both backends track the first look's count, running the person detector on every frame with fewer tracked
    with stage("first look (counting people)"):
        tracked = count_people(path, model, max_people, inference_side=inference_side, rotation=info.rotation,
                               backend=backend)
    bar = tqdm(total=info.frames or None, unit="frame", desc=f"pose {Path(path).name}", leave=False,
               disable=(not show) if show is not None else None, file=sys.stderr)
    try:
        with stage("model load"):
            estimator = open_estimator(model, tracked, backend=backend, most_people=max_people)
        with estimator, bar:
            _pose_pass(path, info, estimator, inference_side, max_people, (xs, viss, worlds, times, frames), bar,
                       report, keep)
            tracked = estimator.max_people  # the direct backend's watch may have found more
    except BaseException:
        if keep is not None:
            keep.discard()
        raise
    if keep is not None:
        with stage("waiting for the kept copy's writer"):
            keep.close()
    if not times:
        shape = (0, max_people, lm.COUNT)
        return Detections(np.empty(shape + (2,)), np.empty(shape), np.empty(shape + (3,)), np.empty(0),
                          np.empty(0, int), info.width, info.height, info.fps, tracked, info.turned, backend)
    return Detections(np.stack(xs), np.stack(viss), np.stack(worlds), np.asarray(times), np.asarray(frames),
                      info.width, info.height, info.fps, tracked, info.turned, backend)


def _pose_pass(path, info: VideoInfo, estimator, inference_side: int, max_people: int, into: tuple, bar, report,
               keep) -> None:
    """Every frame through ``estimator``, its poses appended to the five lists ``into`` (NaN-padded to
    ``max_people``); the inference copies handed to ``keep`` as well."""
    xs, viss, worlds, times, frames = into
    scale = np.array([info.width, info.height], np.float32)
    frames_in = prefetched(iter_frames(path, max_side=inference_side, rotation=info.rotation))
    while True:
        with stage("waiting for decoded frames"):
            frame = next(frames_in, None)
        if frame is None:
            break
        xy_norm, vis, world = estimator.detect(frame.small, int(round(frame.time_s * 1000)))
        if keep is not None:
            with stage("kept copy (handing over)"):
                keep.add(frame.small)
        slot_xy = np.full((max_people, lm.COUNT, 2), np.nan, np.float32)
        slot_vis = np.zeros((max_people, lm.COUNT), np.float32)
        slot_world = np.full((max_people, lm.COUNT, 3), np.nan, np.float32)
        k = min(len(xy_norm), max_people)
        slot_xy[:k] = xy_norm[:k] * scale
        slot_vis[:k] = vis[:k]
        slot_world[:k] = world[:k]
        xs.append(slot_xy)
        viss.append(slot_vis)
        worlds.append(slot_world)
        times.append(frame.time_s)
        frames.append(frame.index)
        bar.update(1)
        if report and len(times) % 10 == 0:
            report(len(times), info.frames)
