"""De-identified pictures: the screened person's body kept, everything around it and every face blurred; or the
skeleton alone on a plain background.

Used for the annotated video and the report's key frames when ``--deidentify`` or ``--stick-figure`` is given
(and by default for sessions recorded through a patient's link). Everything outside the box around the screened
person's landmarks is made too coarse to recognise: bystanders the pose model never finds (small, far, half
hidden: the woman at the back of the shared lab clip is found in no frame) and the room itself. A face is the box
around the pose model's eleven face landmarks (nose, eyes, ears, mouth), widened to cover the head and hair; it is
pixelated and then smoothed, for every person found in the frame, not only the one screened.
"""

from __future__ import annotations

import numpy as np

from movement_screen.pose import landmarks as lm

PRIVACY = ("none", "deidentify", "stick_figure")
FACE = list(range(11))  # nose, eyes (inner, centre, outer), ears, mouth corners
HEAD_MARGIN = 1.6  # the box's half-size as a multiple of the face landmarks' spread
BACKGROUND = (235, 235, 235)


def check(privacy: str) -> str:
    if privacy not in PRIVACY:
        raise ValueError(f"privacy must be one of {', '.join(PRIVACY)}, not '{privacy}'")
    return privacy


def face_box(xy: np.ndarray, scale: float = 1.0) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` in the drawn picture's pixels for one pose (``xy`` source pixels times ``scale``)."""
    face = xy[FACE] * scale
    face = face[np.isfinite(face).all(axis=1)]
    if len(face) < 2:
        return None
    centre = face.mean(axis=0)
    spread = float(np.ptp(face, axis=0).max())
    shoulders = xy[[lm.L_SHOULDER, lm.R_SHOULDER]] * scale
    width = float(np.abs(shoulders[0, 0] - shoulders[1, 0])) if np.isfinite(shoulders).all() else 0.0
    half = max(HEAD_MARGIN * spread, 0.4 * width, 6.0)
    cx, cy = centre[0], centre[1] - 0.25 * half  # the head reaches higher above the eyes than below the mouth
    return int(cx - half), int(cy - 1.2 * half), int(cx + half), int(cy + half)


def blur_faces(cv2, image: np.ndarray, poses, scale: float = 1.0) -> np.ndarray:
    """Pixelate and smooth each pose's face box in ``image`` (in place); ``poses`` are ``[33, 2]`` source pixels."""
    height, width = image.shape[:2]
    for xy in poses:
        box = face_box(np.asarray(xy, float), scale)
        if box is None:
            continue
        x0, y0, x1, y1 = _clipped(box, width, height)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        region = image[y0:y1, x0:x1]
        tiny = cv2.resize(region, (max(1, (x1 - x0) // 10), max(1, (y1 - y0) // 10)), interpolation=cv2.INTER_AREA)
        coarse = cv2.resize(tiny, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        k = max(3, ((x1 - x0) // 4) | 1)
        image[y0:y1, x0:x1] = cv2.GaussianBlur(coarse, (k, k), 0)
    return image


BODY_MARGIN = 0.12  # the kept box reaches this share of the body's height beyond its landmarks


def body_box(xy: np.ndarray, scale: float = 1.0) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` around one pose's landmarks (source pixels times ``scale``) with a margin for the hands,
    feet and hair the landmarks do not reach; None without landmarks."""
    points = np.asarray(xy, float) * scale
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < 2:
        return None
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    margin = BODY_MARGIN * max(y1 - y0, x1 - x0, 10.0)
    return int(x0 - margin), int(y0 - 1.5 * margin), int(x1 + margin), int(y1 + margin)


def _clipped(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    return max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3])


def blur_outside(cv2, image: np.ndarray, box: tuple[int, int, int, int] | None) -> np.ndarray:
    """Everything outside ``box`` too coarse to recognise anyone (in place); inside it the picture is kept. Without
    a box (the screened person not found) the whole picture is blurred."""
    if box is None:
        return blur_all(cv2, image)
    x0, y0, x1, y1 = _clipped(box, image.shape[1], image.shape[0])
    kept = image[y0:y1, x0:x1].copy() if x1 > x0 and y1 > y0 else None
    blur_all(cv2, image)
    if kept is not None:
        image[y0:y1, x0:x1] = kept
    return image


def blur_all(cv2, image: np.ndarray) -> np.ndarray:
    """The whole picture too coarse to recognise anyone (in place): for frames where the screened person has not
    been found for a while, and outside their box."""
    height, width = image.shape[:2]
    tiny = cv2.resize(image, (max(1, width // 24), max(1, height // 24)), interpolation=cv2.INTER_AREA)
    image[:] = cv2.resize(tiny, (width, height), interpolation=cv2.INTER_LINEAR)
    return image


def plain(image: np.ndarray) -> np.ndarray:
    """A blank picture of ``image``'s size for the stick figure."""
    return np.full_like(image, BACKGROUND)
