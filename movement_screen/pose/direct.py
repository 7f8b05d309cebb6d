"""A pose backend that runs MediaPipe's two BlazePose networks directly with LiteRT (``ai-edge-litert``).

The same ``.task`` bundle as the Tasks backend (``models.resolve``) holds ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``. This module does in numpy and OpenCV what MediaPipe's Tasks graph does around
them, step for step:

1. the detector (224x224, letterboxed, input in [-1, 1]): SSD anchors, box and keypoint decoding, sigmoid scores,
   weighted non-maximum suppression (:mod:`pose.anchors`);
2. a region of interest per person: centred on the detector's keypoint 0 (the mid-hip centre), turned so that
   keypoint 1 (the point above the head) is straight up, a square whose side is 2.5x the distance between the two
   points (the circle through them, 1.25x for margin);
3. the landmark network (256x256, input in [0, 1]) on that square cut out with ``cv2.warpAffine``: 39 landmarks
   x (x, y, z, visibility logit, presence logit), the 64x64 heatmap that refines x and y, the world landmarks
   (turned back by the region's rotation) and the pose-presence score (below 0.5: the person is lost);
4. tracking: the next frame's region comes from the auxiliary landmarks 33 (centre) and 34 (alignment point) as
   in step 2; a detected region replaces the tracked one it overlaps most (IoU > 0.5), and two poses with
   nearly the same landmarks are one person found twice. As in the Tasks landmarker, the detector runs on every
   frame where fewer than ``max_people`` are tracked (``detect_every`` > 1 runs it less often, but then a person
   the detector sees for only a frame or two, such as a walker entering at the picture's edge, is missed), so
   :func:`pose.estimator.estimate_video` gives both backends the first look's people count;
5. the watch: with every pose it was given tracked, the detector still looks twice a second (``WATCH_MS``) for a
   person nobody follows, up to ``most_people``. A first look that counted too few (a walker who enters after
   its frames, a detector at its threshold in them) would otherwise follow a bystander for the whole clip and
   never see the person being screened. A detected region becomes a new pose only if it overlaps no tracked
   region, passes the presence score and is not one of the tracked people found again; the tracked poses are
   never replaced, so a clip with nobody new gives the same landmarks as without the watch.

No smoothing: the project filters the landmark series later. ``detect`` returns what
:meth:`pose.estimator.PoseEstimator.detect` returns, so :func:`pose.estimator.estimate_video` builds the same
``Detections`` from either backend.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass

import numpy as np

from movement_screen.cores import share
from movement_screen.errors import ModelError
from movement_screen.pose import anchors as ssd
from movement_screen.pose import landmarks as lm
from movement_screen.pose.bundle import BUNDLE_DETECTOR, BUNDLE_LANDMARKER
from movement_screen.pose.models import ModelFile
from movement_screen.stages import stage

LANDMARK_SIDE = 256
ALL_LANDMARKS = 39  # 33 pose landmarks, then 2 alignment points (33 centre, 34 scale and rotation) and 4 more
ROI_SCALE = 1.25
HEATMAP_KERNEL = 7
HEATMAP_MIN_CONFIDENCE = 0.5
ASSOCIATION_IOU = 0.5
DUPLICATE_FRACTION = 0.05  # two poses whose landmarks lie this close (of the region's side) are one person
DETECT_EVERY = 1  # frames between detector runs while fewer than max_people are tracked (1: every frame, as the
# Tasks landmarker; 10 missed the shared walking clip's walker in the frames where the detector saw them)
WATCH_MS = 500  # between the watch's detector looks while every given pose is tracked (step 5 above). Two a
# second cost a one-person clip 0.3-1.0 ms of CPU a frame (2-5 % of the pose pass: the 7032 squat, the 35 s pistol
# clip); the shared walking clip's walker is detected in most frames of their first half second in the picture


def default_threads() -> int:
    """LiteRT threads per network: this analysis's share of the cores (cores.share: a batch's workers split
    them), at most 4."""
    return min(4, share())


@dataclass(frozen=True)
class Roi:
    """A square region in image pixels: centre, side, rotation (radians; positive turns the crop's up towards the
    image's right, as MediaPipe's NormalizedRect rotation does in pixel coordinates)."""

    cx: float
    cy: float
    side: float
    angle: float

    def bounds(self) -> np.ndarray:
        """Axis-aligned (xmin, ymin, xmax, ymax) of the unrotated square, as MediaPipe's association compares."""
        h = self.side / 2
        return np.array([self.cx - h, self.cy - h, self.cx + h, self.cy + h])


def roi_from_points(centre, other, scale: float = ROI_SCALE) -> Roi:
    """The region through two alignment points in pixels: ``centre`` at its middle, ``other`` straight above it
    once the crop is turned upright; side ``2 * scale * |other - centre|``."""
    dx, dy = float(other[0] - centre[0]), float(other[1] - centre[1])
    angle = math.pi / 2 - math.atan2(-dy, dx)
    angle = (angle + math.pi) % (2 * math.pi) - math.pi
    return Roi(float(centre[0]), float(centre[1]), 2.0 * math.hypot(dx, dy) * scale, angle)


def crop_to_image(roi: Roi, side: int = LANDMARK_SIDE) -> np.ndarray:
    """2x3 affine taking crop coordinates (0..side, continuous) to image pixels (continuous)."""
    c, s = math.cos(roi.angle), math.sin(roi.angle)
    k = roi.side / side
    a = np.array([[c * k, -s * k], [s * k, c * k]])
    b = np.array([roi.cx, roi.cy]) - a @ np.array([side / 2, side / 2])
    return np.hstack([a, b[:, None]])


def to_image(roi: Roi, unit_xy: np.ndarray) -> np.ndarray:
    """Points in 0-1 of the crop -> image pixels."""
    m = crop_to_image(roi, 1)
    return unit_xy @ m[:, :2].T + m[:, 2]


def to_crop(roi: Roi, xy: np.ndarray) -> np.ndarray:
    """Image pixels -> 0-1 of the crop (the inverse of :func:`to_image`)."""
    m = crop_to_image(roi, 1)
    return (np.asarray(xy) - m[:, 2]) @ np.linalg.inv(m[:, :2]).T


def cut(rgb: np.ndarray, roi: Roi, side: int = LANDMARK_SIDE) -> np.ndarray:
    """The region as a ``side`` x ``side`` RGB picture (edges replicated outside the image)."""
    import cv2

    # As MediaPipe's ImageToTensorCalculator (OpenCV converter) does: the region's corners go to the tensor's
    # corners (0 and ``side``) and the warp runs on pixel indices, with no half-pixel correction. The networks
    # were trained on pictures cut this way, and their scores are that sensitive: the half-pixel-centred warp
    # this used before (a shift of (1 - scale) / 2 pixels) left a walker entering at the picture's edge below the
    # detector's threshold for six frames where the Tasks landmarker already had them (the shared walking clip).
    m = crop_to_image(roi, side)
    return cv2.warpAffine(rgb, m, (side, side), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def refine_with_heatmap(unit_xy: np.ndarray, heatmap: np.ndarray, kernel: int = HEATMAP_KERNEL,
                        min_confidence: float = HEATMAP_MIN_CONFIDENCE) -> np.ndarray:
    """Each landmark moved to the sigmoid-weighted mean cell of the heatmap ``[H, W, 39]`` in the ``kernel`` x
    ``kernel`` window around it (cells outside the map weigh nothing), when the most confident cell there reaches
    ``min_confidence`` (MediaPipe's refinement step); landmarks outside the map are kept."""
    h, w, n = heatmap.shape
    out = np.array(unit_xy, np.float64, copy=True)
    cols = np.trunc(out[:n, 0] * w).astype(int)
    rows = np.trunc(out[:n, 1] * h).astype(int)
    inside = np.flatnonzero((cols >= 0) & (cols < w) & (rows >= 0) & (rows < h))
    if not len(inside):
        return out
    offsets = np.arange(kernel) - (kernel - 1) // 2
    r = rows[inside, None] + offsets  # [L, k]
    c = cols[inside, None] + offsets
    valid = ((r >= 0) & (r < h))[:, :, None] & ((c >= 0) & (c < w))[:, None, :]  # [L, k, k]
    values = heatmap[np.clip(r, 0, h - 1)[:, :, None], np.clip(c, 0, w - 1)[:, None, :], inside[:, None, None]]
    conf = np.where(valid, ssd.sigmoid(values), 0.0)
    total = conf.sum(axis=(1, 2))
    refine = (conf.max(axis=(1, 2)) >= min_confidence) & (total > 0)
    safe = np.where(total > 0, total, 1.0)
    x = (conf * c[:, None, :]).sum(axis=(1, 2)) / w / safe
    y = (conf * r[:, :, None]).sum(axis=(1, 2)) / h / safe
    out[inside[refine], 0] = x[refine]
    out[inside[refine], 1] = y[refine]
    return out


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame: ``xy[39, 2]`` image pixels, ``z[39]``, ``visibility[33]``,
    ``presence[33]``, ``world[33, 3]`` metres, the pose-presence score and the region it was found in."""

    xy: np.ndarray
    z: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    world: np.ndarray
    score: float
    roi: Roi

    def next_roi(self) -> Roi:
        """Where to look in the next frame: from the alignment points 33 and 34."""
        return roi_from_points(self.xy[33], self.xy[34])


def decode_landmarks(raw: np.ndarray, raw_world: np.ndarray, score: float, roi: Roi,
                     heatmap: np.ndarray | None = None, side: int = LANDMARK_SIDE) -> Pose:
    """The landmark network's outputs for one region -> a :class:`Pose` in image pixels."""
    values = np.asarray(raw, np.float64).reshape(ALL_LANDMARKS, -1)
    unit = values[:, :2] / side
    if heatmap is not None:
        unit = refine_with_heatmap(unit, heatmap)
    xy = to_image(roi, unit)
    z = values[:, 2] / side * roi.side
    visibility = ssd.sigmoid(values[:lm.COUNT, 3])
    presence = ssd.sigmoid(values[:lm.COUNT, 4])
    world = np.asarray(raw_world, np.float64).reshape(ALL_LANDMARKS, 3)[:lm.COUNT].copy()
    c, s = math.cos(roi.angle), math.sin(roi.angle)
    wx, wy = world[:, 0].copy(), world[:, 1].copy()
    world[:, 0], world[:, 1] = c * wx - s * wy, s * wx + c * wy
    return Pose(xy, z, visibility, presence, world, float(score), roi)


def _interpreter(content: bytes, threads: int):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as exc:
        raise ModelError("the direct pose backend needs the LiteRT runtime: pip install ai-edge-litert") from exc
    net = Interpreter(model_content=content, num_threads=threads)
    net.allocate_tensors()
    return net


class DirectPoseEstimator:
    """MediaPipe's pose detector and landmark network run by LiteRT, tracking like the Tasks VIDEO landmarker
    (or detecting in every frame with ``image_mode``). A context manager like :class:`PoseEstimator`."""

    def __init__(self, model: ModelFile, max_people: int = 3, min_confidence: float = 0.5, image_mode: bool = False,
                 num_threads: int | None = None, detect_every: int = DETECT_EVERY, most_people: int | None = None,
                 watch_ms: int = WATCH_MS):
        """``max_people``: poses to track (the first look's count); ``most_people``: how far the watch may raise
        it when it finds someone nobody follows (None: never)."""
        try:
            with zipfile.ZipFile(model.path) as bundle:
                detector, landmarker = bundle.read(BUNDLE_DETECTOR), bundle.read(BUNDLE_LANDMARKER)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelError(f"the pose model '{model.path}' could not be read ({exc}): delete it and run "
                             "`movement-screen models build` (or fetch) again") from exc
        threads = num_threads or default_threads()
        self._detector = _interpreter(detector, threads)
        self._landmarker = _interpreter(landmarker, threads)
        self._det_in = self._detector.get_input_details()[0]
        self.detector_side = int(self._det_in["shape"][1])
        out = sorted(self._detector.get_output_details(), key=lambda d: -int(d["shape"][-1]))
        self._det_boxes, self._det_scores = out[0]["index"], out[1]["index"]
        self._lm_in = self._landmarker.get_input_details()[0]
        self._lm_out = self._landmark_outputs(self._landmarker.get_output_details())
        self._anchors = ssd.ssd_anchors(self.detector_side)
        self.max_people = max_people
        self.min_confidence = min_confidence
        self.image_mode = image_mode
        self.detect_every = detect_every
        self.most_people = max(max_people, most_people or max_people)
        self.watch_ms = watch_ms
        self._watched_at: int | None = None
        self.watch_found = 0  # people the watch added
        self._tracked: list[Roi] = []
        self._since_detection = 0
        self._lost = False
        self.detector_runs = 0
        self.landmark_runs = 0

    @staticmethod
    def _landmark_outputs(details) -> dict[str, int]:
        """Output tensors by shape: landmarks [1, 195], presence [1, 1], heatmap [1, 64, 64, 39], world [1, 117]."""
        found = {}
        for d in details:
            shape = tuple(int(v) for v in d["shape"])
            if shape == (1, ALL_LANDMARKS * 5):
                found["landmarks"] = d["index"]
            elif shape == (1, 1):
                found["presence"] = d["index"]
            elif len(shape) == 4 and shape[-1] == ALL_LANDMARKS:
                found["heatmap"] = d["index"]
            elif shape == (1, ALL_LANDMARKS * 3):
                found["world"] = d["index"]
        missing = {"landmarks", "presence", "world"} - set(found)
        if missing:
            raise ModelError(f"the landmark network lacks the outputs {sorted(missing)}")
        return found

    def __enter__(self) -> "DirectPoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._detector = self._landmarker = None

    # -- the two networks ---------------------------------------------------------------------------------
    def detect_people(self, rgb: np.ndarray) -> list[tuple[Roi, float]]:
        """The detector on the whole (letterboxed) frame: a region and score per person, best first."""
        import cv2

        h, w = rgb.shape[:2]
        side = self.detector_side
        scale = side / max(w, h)
        ox, oy = (side - w * scale) / 2, (side - h * scale) / 2
        # pixel indices scaled straight onto the tensor (no half-pixel correction), as MediaPipe's letterbox does
        m = np.array([[scale, 0, ox], [0, scale, oy]])
        with stage("detector input"):
            boxed = cv2.warpAffine(rgb, m, (side, side), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                   borderValue=(0, 0, 0))
            tensor = (boxed.astype(np.float32) - 127.5) / 127.5
        with stage("detector network"):
            self._detector.set_tensor(self._det_in["index"], tensor[None])
            self._detector.invoke()
        self.detector_runs += 1
        with stage("detector outputs"):
            raw_boxes = self._detector.get_tensor(self._det_boxes)[0]
            raw_scores = self._detector.get_tensor(self._det_scores)[0]
            boxes, points, scores = ssd.decode(raw_boxes, raw_scores, self._anchors, self.min_confidence, side)
            boxes, points, scores = ssd.weighted_nms(boxes, points, scores)
        found = []
        for kp, score in zip(points, scores):
            px = (kp * side - [ox, oy]) / scale  # letterbox removed: image pixels
            found.append((roi_from_points(px[0], px[1]), float(score)))
        return found

    def landmarks(self, rgb: np.ndarray, roi: Roi) -> Pose:
        with stage("crop"):
            crop = cut(rgb, roi, LANDMARK_SIDE).astype(np.float32) / 255.0
        net = self._landmarker
        with stage("landmark network"):
            net.set_tensor(self._lm_in["index"], crop[None])
            net.invoke()
        self.landmark_runs += 1
        with stage("landmark outputs"):
            return self._decoded(net, roi)

    def _decoded(self, net, roi: Roi) -> Pose:
        heatmap = net.get_tensor(self._lm_out["heatmap"])[0] if "heatmap" in self._lm_out else None
        return decode_landmarks(net.get_tensor(self._lm_out["landmarks"])[0],
                                net.get_tensor(self._lm_out["world"])[0],
                                float(net.get_tensor(self._lm_out["presence"]).reshape(-1)[0]), roi, heatmap)

    # -- tracking -----------------------------------------------------------------------------------------
    def poses(self, rgb: np.ndarray, time_ms: int | None = None) -> list[Pose]:
        """Every person in one frame (tracked from the last frame unless ``image_mode``); ``time_ms``, the
        frame's time, paces the watch (step 5 of the module's description)."""
        rois = [] if self.image_mode else list(self._tracked)
        self._since_detection += 1
        detected = False
        if (not rois or self._lost
                or (len(rois) < self.max_people and self._since_detection >= max(1, self.detect_every))):
            rois = associate(rois, [roi for roi, _ in self.detect_people(rgb)])
            self._since_detection = 0
            detected = True
        found = []
        for roi in rois[:self.max_people]:
            pose = self.landmarks(rgb, roi)
            if pose.score >= self.min_confidence:
                found.append(pose)
        with stage("tracking"):
            self._lost = len(found) < min(len(rois), self.max_people)
            found = drop_duplicates(found)
        if time_ms is not None and not self.image_mode:
            if detected or self._watched_at is None:
                self._watched_at = time_ms  # the detector has just looked (or the clip starts): the watch waits
            elif self.max_people < self.most_people and time_ms - self._watched_at >= self.watch_ms:
                self._watched_at = time_ms
                found += self._watch(rgb, found)
        self._tracked = [p.next_roi() for p in found]
        return found

    def _watch(self, rgb: np.ndarray, tracked: list[Pose]) -> list[Pose]:
        """People the detector finds that no tracked pose follows: each gets a pose slot of its own (up to
        ``most_people``). Detected regions overlapping a tracked one are left alone (the tracked pose is kept
        as it is), as are poses that are a tracked person found again or fail the presence score."""
        with stage("watch (someone new?)"):
            new = []
            for roi, _ in self.detect_people(rgb):
                if self.max_people >= self.most_people:
                    break
                known = [p.roi for p in tracked + new]
                if known and ssd.iou(roi.bounds(), np.array([k.bounds() for k in known])).max() > ASSOCIATION_IOU:
                    continue
                pose = self.landmarks(rgb, roi)
                if pose.score < self.min_confidence or len(drop_duplicates(tracked + new + [pose])) <= len(
                        tracked) + len(new):
                    continue
                new.append(pose)
                self.max_people += 1
                self.watch_found += 1
            return new

    def count(self, rgb: np.ndarray) -> int:
        """Poses in one still frame, counted as the Tasks landmarker in image mode counts them (the first look):
        every detected region, up to ``max_people``, whose landmarks pass the presence score. One person found
        twice counts twice there too, and so makes the video pass run the detector until two are tracked."""
        rois = [roi for roi, _ in self.detect_people(rgb)][:self.max_people]
        return sum(self.landmarks(rgb, roi).score >= self.min_confidence for roi in rois)

    def detect(self, rgb: np.ndarray, time_ms: int):
        """Landmarks of every pose in one upright RGB frame: (xy_norm[K,33,2], vis[K,33], world[K,33,3]), as
        :meth:`PoseEstimator.detect` returns them (``time_ms`` paces the watch; there is no smoothing)."""
        found = self.poses(rgb, time_ms)
        h, w = rgb.shape[:2]
        k = len(found)
        xy = np.empty((k, lm.COUNT, 2), np.float32)
        vis = np.empty((k, lm.COUNT), np.float32)
        world = np.empty((k, lm.COUNT, 3), np.float32)
        for p, pose in enumerate(found):
            xy[p] = pose.xy[:lm.COUNT] / (w, h)
            vis[p] = pose.visibility
            world[p] = pose.world
        return xy, vis, world


def associate(tracked: list[Roi], detected: list[Roi], threshold: float = ASSOCIATION_IOU) -> list[Roi]:
    """Tracked regions, then the detected ones: each detected region replaces the tracked region it overlaps most
    if by more than ``threshold`` (IoU of the unrotated squares), as MediaPipe's rect association prefers the
    detector's. Only the best match is replaced, so that two people crossing stay two while one is detected."""
    kept = list(tracked)
    for roi in detected:
        if kept:
            overlap = ssd.iou(roi.bounds(), np.array([k.bounds() for k in kept]))
            best = int(np.argmax(overlap))
            if overlap[best] > threshold:
                del kept[best]
        kept.append(roi)
    return kept


def drop_duplicates(poses: list[Pose], fraction: float = DUPLICATE_FRACTION) -> list[Pose]:
    """One person found twice (two regions converged on them): poses whose 33 landmarks lie within ``fraction``
    of the region's side of another's (median distance) are one, the more certain kept. Two people crossing
    differ in their limbs, so both stay."""
    order = sorted(range(len(poses)), key=lambda i: -poses[i].score)
    kept: list[int] = []
    for i in order:
        a = poses[i]
        if all(np.median(np.linalg.norm(a.xy[:lm.COUNT] - poses[j].xy[:lm.COUNT], axis=1))
               >= fraction * min(a.roi.side, poses[j].roi.side) for j in kept):
            kept.append(i)
    return [poses[i] for i in sorted(kept)]
