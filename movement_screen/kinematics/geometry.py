"""2-D geometry in pixel units (spec §0.3). Image y grows downward. All functions broadcast over leading axes."""

from __future__ import annotations

import numpy as np


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle A-B-C at B in degrees (0..180): atan2(|u x v|, u . v) with u = A - B, v = C - B."""
    u = np.asarray(a, float) - np.asarray(b, float)
    v = np.asarray(c, float) - np.asarray(b, float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(np.abs(cross), dot))


def flexion(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Flexion at B: 180 - angle(A, B, C); 0 when the three points are in line."""
    return 180.0 - joint_angle(a, b, c)


def inclination(lower: np.ndarray, upper: np.ndarray, facing: float) -> np.ndarray:
    """Segment inclination to vertical in degrees, positive = leaning toward where the subject faces.

    ``facing`` is +1 when the subject faces image right (+x), -1 when facing left.
    """
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    return np.degrees(np.arctan2(facing * (upper[..., 0] - lower[..., 0]), lower[..., 1] - upper[..., 1]))


def inclination_off_side(lower: np.ndarray, upper: np.ndarray, facing: float, yaw_deg: float) -> np.ndarray:
    """:func:`inclination` seen by a camera turned off the side: the segment's forward part shrinks in the picture
    with the sine of the body's yaw (90 = side-on), its height does not, so the forward part is stretched back."""
    return inclination(lower, upper, facing / np.sin(np.radians(yaw_deg)))


def lateral_inclination(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Frontal-plane segment angle to vertical in degrees, positive = upper end toward image right."""
    lower = np.asarray(lower, float)
    upper = np.asarray(upper, float)
    return np.degrees(np.arctan2(upper[..., 0] - lower[..., 0], lower[..., 1] - upper[..., 1]))


def line_tilt(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the line A-B to image horizontal in degrees (-90..90], positive = B higher than A when B is right."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    dx = b[..., 0] - a[..., 0]
    dy = a[..., 1] - b[..., 1]
    angle = np.degrees(np.arctan2(dy, dx))
    return (angle + 90.0) % 180.0 - 90.0


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(np.asarray(a, float) - np.asarray(b, float), axis=-1)


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.asarray(a, float) + np.asarray(b, float)) / 2.0


def fppa(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, midline_x: np.ndarray) -> np.ndarray:
    """Frontal-plane projection angle of the knee in degrees, positive = valgus (knee medial to hip-ankle line).

    Medial means toward the body midline ``midline_x`` (mid-hip x).
    """
    hip = np.asarray(hip, float)
    knee = np.asarray(knee, float)
    ankle = np.asarray(ankle, float)
    magnitude = flexion(hip, knee, ankle)
    sign = np.where(medial_offset(hip, knee, ankle, midline_x) > 0, 1.0, -1.0)
    return sign * magnitude


FPPA_MIN_THIGH_SEEN = 0.5  # of the thigh's standing length in the picture: below it the FPPA is not measured.
# The FPPA is defined for shallow single-leg tasks (45-60 deg of knee bend, the thigh about half turned towards the
# camera). Deeper, the thigh points at the lens and its picture shrinks to a few pixels, whose direction is noise:
# the shared pistol squats (thigh seen at 0.04-0.20 of its length at the bottoms) read 39-122 deg, the shared
# single-leg squats to moderate depth (0.74-0.78) read -3 and 2 deg.


def fppa_where_seen(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, midline_x: np.ndarray,
                    thigh_length: float, min_seen: float = FPPA_MIN_THIGH_SEEN) -> np.ndarray:
    """:func:`fppa`, NaN in the frames where the thigh's picture is shorter than ``min_seen`` of
    ``thigh_length`` (its standing length in pixels): the knee bent so far towards the camera that the angle
    says nothing."""
    angle = fppa(hip, knee, ankle, midline_x)
    seen = distance(hip, knee) >= min_seen * thigh_length
    return np.where(seen, angle, np.nan)


def medial_offset(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, midline_x: np.ndarray) -> np.ndarray:
    """Horizontal offset of the knee from the hip-ankle line at the knee's height, in pixels, positive toward the
    body midline ``midline_x`` (the knee medial to the line, as in valgus)."""
    hip = np.asarray(hip, float)
    knee = np.asarray(knee, float)
    ankle = np.asarray(ankle, float)
    span = ankle[..., 1] - hip[..., 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(np.abs(span) > 1e-9, (knee[..., 1] - hip[..., 1]) / span, 0.5)
    line_x = hip[..., 0] + fraction * (ankle[..., 0] - hip[..., 0])
    return (knee[..., 0] - line_x) * np.sign(np.asarray(midline_x, float) - line_x)
