"""SSD anchors and box decoding for MediaPipe's BlazePose person detector (``pose_detector.tflite``).

The detector sees a 224x224 letterboxed picture and predicts, for each of 2254 anchors, a box and four keypoints
(12 numbers, offsets in input pixels relative to the anchor's centre) and one score logit. The anchors follow
MediaPipe's SSD anchor options for this model: 5 layers, scales 0.1484375-0.75, strides 8, 16, 32, 32, 32, one
aspect ratio (1.0) plus one interpolated scale per layer, fixed anchor size, centres offset by half a cell. Layers
sharing a stride share one feature map, so the map of stride 32 carries 3 layers x 2 anchors per cell.
"""

from __future__ import annotations

import numpy as np

INPUT_SIDE = 224
STRIDES = (8, 16, 32, 32, 32)
ANCHORS_PER_LAYER = 2  # aspect ratio 1.0 and the interpolated scale
SCORE_CLIP = 100.0
MIN_SUPPRESSION_IOU = 0.5  # the Tasks pose detector graph's default (PoseDetectorGraphOptions; the legacy graph had 0.3)


def ssd_anchors(input_side: int = INPUT_SIDE, strides=STRIDES) -> np.ndarray:
    """Anchor centres ``[N, 2]`` (x, y in 0-1 of the detector's input), in the order the model's outputs use.

    Fixed-size anchors: width and height are 1, so only the centres matter for decoding.
    """
    centres = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = 0
        while layer < len(strides) and strides[layer] == stride:
            same += 1
            layer += 1
        per_cell = same * ANCHORS_PER_LAYER
        side = int(np.ceil(input_side / stride))
        ys, xs = np.meshgrid((np.arange(side) + 0.5) / side, (np.arange(side) + 0.5) / side, indexing="ij")
        cells = np.stack([xs.ravel(), ys.ravel()], axis=1)
        centres.append(np.repeat(cells, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -80.0, 80.0)))


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float = 0.5,
           input_side: int = INPUT_SIDE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes ``[M, 4]`` (xmin, ymin, xmax, ymax), keypoints ``[M, 4, 2]`` and scores ``[M]`` (0-1 of the input)
    of the anchors scoring at least ``min_score``. ``raw_boxes[N, 12]`` is (cx, cy, w, h, kx0, ky0, ...)."""
    scores = sigmoid(np.clip(raw_scores.reshape(-1), -SCORE_CLIP, SCORE_CLIP))
    keep = np.flatnonzero(scores >= min_score)
    raw = raw_boxes.reshape(len(anchors), -1)[keep] / input_side
    centre = anchors[keep]
    cx, cy = raw[:, 0] + centre[:, 0], raw[:, 1] + centre[:, 1]
    half_w, half_h = raw[:, 2] / 2, raw[:, 3] / 2
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    keypoints = raw[:, 4:].reshape(len(keep), (raw.shape[1] - 4) // 2, 2) + centre[:, None, :]
    return boxes, keypoints, scores[keep]


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one box (xmin, ymin, xmax, ymax) with each of ``boxes``."""
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = w * h
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def weighted_nms(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                 threshold: float = MIN_SUPPRESSION_IOU) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted non-maximum suppression: the best-scoring box absorbs every box overlapping it by more than
    ``threshold`` (IoU); the kept box and keypoints are the score-weighted mean of the group, the score the
    best one's. Highest score first."""
    order = np.argsort(-scores, kind="stable")
    out_boxes, out_points, out_scores = [], [], []
    while len(order):
        top = order[0]
        overlap = iou(boxes[top], boxes[order])
        group = order[overlap > threshold]
        group = group if top in group else np.concatenate([[top], group])
        w = scores[group][:, None]
        out_boxes.append((boxes[group] * w).sum(0) / w.sum())
        out_points.append((keypoints[group] * w[:, :, None]).sum(0) / w.sum())
        out_scores.append(scores[top])
        order = order[~np.isin(order, group)]
    if not out_scores:
        return np.empty((0, 4), np.float32), np.empty((0,) + keypoints.shape[1:], np.float32), np.empty(0)
    return np.array(out_boxes), np.array(out_points), np.array(out_scores)
