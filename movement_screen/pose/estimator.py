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
from movement_screen.pose.sequence import Detections
from movement_screen.video.reader import VideoInfo, iter_frames, prefetched

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DEFAULT_MAX_PEOPLE = 3
DEFAULT_INFERENCE_SIDE = 640


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
    """A VIDEO-mode landmarker; use as a context manager so the native graph is closed."""

    def __init__(self, model: ModelFile, max_people: int = DEFAULT_MAX_PEOPLE, min_confidence: float = 0.5):
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model.path)),
            running_mode=vision.RunningMode.VIDEO,
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

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def detect(self, rgb: np.ndarray, time_ms: int):
        """Landmarks of every pose in one upright RGB frame: (xy_norm[K,33,2], vis[K,33], world[K,33,3])."""
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, time_ms)
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


def estimate_video(
    path: str | Path,
    info: VideoInfo,
    model: ModelFile,
    *,
    max_people: int = DEFAULT_MAX_PEOPLE,
    inference_side: int = DEFAULT_INFERENCE_SIDE,
    progress: bool | None = None,
) -> Detections:
    """Every pose in every frame of ``path``, in upright original pixels (inference runs on a downscaled copy).

    ``progress``: None shows a bar only on a terminal, True always, False never.
    """
    from tqdm import tqdm

    xs, viss, worlds, times, frames = [], [], [], [], []
    scale = np.array([info.width, info.height], np.float32)
    bar = tqdm(total=info.frames or None, unit="frame", desc=f"pose {Path(path).name}", leave=False,
               disable=(not progress) if progress is not None else None, file=sys.stderr)
    last_ms = -1
    with PoseEstimator(model, max_people=max_people) as estimator, bar:
        for frame in prefetched(iter_frames(path, max_side=inference_side)):
            time_ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = time_ms
            xy_norm, vis, world = estimator.detect(frame.small, time_ms)
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
    if not times:
        shape = (0, max_people, lm.COUNT)
        return Detections(np.empty(shape + (2,)), np.empty(shape), np.empty(shape + (3,)), np.empty(0),
                          np.empty(0, int), info.width, info.height, info.fps)
    return Detections(np.stack(xs), np.stack(viss), np.stack(worlds), np.asarray(times), np.asarray(frames),
                      info.width, info.height, info.fps)
