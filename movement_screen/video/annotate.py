"""annotated.mp4: the clip with the screened person's skeleton, key angles, and the verdicts at the bottom frame.

Drawn on the pictures the pose pass kept (video/kept.py: the inference copies, at most 640 px on the long side),
so the source is decoded once; without them (a full-size video asked for, or nothing kept) it is a second
streaming pass over the source. Frames are never held in a list. Encoded as H.264 (yuv420p) so browsers and
phones play it. The bottom frame of the best repetition is held for a moment with the verdicts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.contract.result import short_number
from movement_screen.stages import stage
from movement_screen.video.encode import BackgroundEncoder
from movement_screen.video.privacy import blur_faces, blur_outside, body_box, check, plain
from movement_screen.video.reader import Frame, iter_frames, prefetched, small_size

# The annotated video is for viewing: at most this long side (the pose pass's own pictures, kept) unless full size is
# asked for.
MAX_SIDE = 640
HOLD_S = 2.0
STATE_COLOURS = {"pass": (40, 170, 60), "borderline": (240, 170, 0), "fail": (220, 40, 40),
                 "not_assessed": (150, 150, 150)}
SUBJECT_COLOUR = (0, 200, 255)
OTHER_COLOUR = (170, 170, 170)


FACE_POINTS = 11  # landmarks 0-10: nose, eyes, ears, mouth


def draw_pose(cv2, image, xy, scale, colour, thickness, face: bool = True):
    """The skeleton of one pose (pixel landmarks ``xy`` times ``scale``) drawn onto ``image`` in place; without
    ``face`` the head's points and lines are left out (a de-identified picture keeps the blurred face plain)."""
    for a, b in lm.SKELETON:
        if not face and min(a, b) < FACE_POINTS:
            continue
        pa, pb = xy[a], xy[b]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            cv2.line(image, tuple(int(v) for v in pa * scale), tuple(int(v) for v in pb * scale), colour, thickness,
                     cv2.LINE_AA)
    for p in xy[0 if face else FACE_POINTS:]:
        if np.isfinite(p).all():
            cv2.circle(image, tuple(int(v) for v in p * scale), thickness + 1, colour, -1, cv2.LINE_AA)


def draw_text(cv2, image, text, origin, size, colour=(255, 255, 255)):
    """``text`` at ``origin`` in ``colour`` with a dark outline, readable on any background."""
    x, y = origin
    thickness = max(1, int(size * 2))
    # The outline is the same text, same stroke, shifted around it: a thicker stroke would also widen every glyph's
    # advance, so the dark copy would run longer than the text and show as a second, offset copy.
    ring = max(1, int(round(size * 1.5)))
    for dx, dy in ((-ring, 0), (ring, 0), (0, -ring), (0, ring), (-ring, -ring), (ring, ring), (-ring, ring),
                   (ring, -ring)):
        cv2.putText(image, text, (x + dx, y + dy), cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), thickness, cv2.LINE_AA)
    cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, size, colour, thickness, cv2.LINE_AA)


def _verdict_panel(cv2, image, criteria, size):
    lines = [c for c in criteria if c.state != "not_assessed" or c.group == "fms"]
    height = int(34 * size * (len(lines) + 1.5))
    overlay = image.copy()
    cv2.rectangle(overlay, (0, 0), (image.shape[1], height), (0, 0, 0), -1)
    cv2.addWeighted(overlay, 0.55, image, 0.45, 0, dst=image)
    draw_text(cv2, image, "Bottom of the squat", (10, int(30 * size)), size)
    column = cv2.getTextSize("BORDERLINE ", cv2.FONT_HERSHEY_SIMPLEX, size * 0.8, 2)[0][0] + 16
    for i, c in enumerate(lines):
        value = "" if c.value is None else f" {short_number(c.value)}"
        unit = f" {c.unit}" if c.unit and c.value is not None else ""
        y = int(30 * size * (i + 2.1))
        state = "N/A" if c.state == "not_assessed" else c.state.upper()
        draw_text(cv2, image, state, (10, y), size * 0.8, STATE_COLOURS[c.state])
        draw_text(cv2, image, f"{c.id.replace('_', ' ')}{value}{unit}", (column, y), size * 0.8)


EVENT_SHOW_S = 0.2  # a gait event's label stays on screen this long
FACE_CARRY_S = 1.0  # de-identified: a face stays blurred this long after the model last found its person


def _faces_to_blur(det, tracks, row, time_s: float, seen: dict) -> list:
    """Every person found in this frame, and every person found in the last FACE_CARRY_S whom the model missed
    now (each tracked person on their own), so a face stays blurred through a missed frame."""
    if row is not None:
        owner = {track.slot[row]: track.id for track in tracks if track.slot[row] >= 0}
        for k in range(det.xy.shape[1]):
            if np.isfinite(det.xy[row, k]).any():
                seen[owner.get(k, ("untracked", k))] = (det.xy[row, k], time_s)
    return [xy for xy, when in seen.values() if 0 <= time_s - when <= FACE_CARRY_S]


def _subject_box(subject, det, row, time_s: float, scale: float, last: list):
    """The box kept sharp in a de-identified frame: around the screened person now, or where they were last found
    within FACE_CARRY_S; None when they have not been seen for longer."""
    if row is not None and subject is not None and subject.slot[row] >= 0:
        box = body_box(det.xy[row, subject.slot[row]], scale)
        if box is not None:
            last[:] = [box, time_s]
    if last and 0 <= time_s - last[1] <= FACE_CARRY_S:
        return last[0]
    return None


def _pictures(src, max_side: int):
    """(width, height, frames) to draw on: the pose pass's kept pictures when they were kept and are no larger
    than asked, else the source decoded again at ``max_side``."""
    kept, det = src.kept, src.detections
    if kept is not None and kept.usable and kept.count == len(det.t) and max(kept.size) <= max_side:
        frames = (Frame(int(index), float(time_s), None, picture)
                  for index, time_s, picture in zip(det.frame, det.t, kept.pictures()))
        return (*kept.size, prefetched(frames))
    width, height = small_size(src.info.width, src.info.height, max_side)
    return width, height, prefetched(iter_frames(src.info.path, max_side=max_side, rotation=src.info.rotation))


def write_annotated(analysis, source_index: int, path: Path, privacy: str = "none", full_size: bool = False) -> Path:
    """Write the annotated clip of source ``source_index`` to ``path``, at most :data:`MAX_SIDE` pixels on its long
    side (the source's own size with ``full_size``). ``privacy`` "deidentify" blurs every face and all around the
    screened person, "stick_figure" draws on a plain background (video/privacy.py); the file has no sound and no
    metadata."""
    import cv2

    check(privacy)
    src = analysis.sources[source_index]
    view_screen = analysis.view_screens[source_index]
    kin = src.kinematics
    det = src.detections
    max_side = max(src.info.width, src.info.height) if full_size else MAX_SIDE
    out_w, out_h, pictures = _pictures(src, max_side)
    scale = out_w / src.info.width
    text_size = max(0.45, out_h / 1400)
    fps = max(1, int(round(src.info.fps or 30)))
    criteria = [c for c in analysis.result.criteria if c.source == source_index and c.state != "not_assessed"]
    criteria += [c for c in view_screen.criteria if c.group in ("fms", "bend") and c.state == "not_assessed"]
    events = [(e.time_s, f"{e.side} {e.type.replace('_', ' ')}" + (" (left out)" if e.rejected else ""))
              for e in view_screen.events]
    bottom_frame = None
    if view_screen.best is not None:
        bottom_frame = view_screen.repetitions[view_screen.best].bottom_frame
    frame_to_row = {int(f): i for i, f in enumerate(det.frame)}
    frame_to_sample = {}
    for i, f in enumerate(kin.frame):
        frame_to_sample.setdefault(int(f), i)
    near = kin.view.near_side if kin.view.sagittal_like else None

    # x264 on its own thread (video/encode.py), the pictures decoded ahead on another: drawing overlaps both
    encoder = BackgroundEncoder(str(path), fps, "superfast", 23, faststart=True, name="video-encoder")
    seen: dict = {}  # person -> (landmarks, time last found), for de-identification
    last_body: list = []  # [box, time] of the screened person's body last found, for de-identification
    try:
        while True:
            with stage("waiting for pictures"):
                frame = next(pictures, None)
            if frame is None:
                break
            with stage("draw"):
                image = frame.small
                row = frame_to_row.get(frame.index)
                if privacy == "stick_figure":
                    image = plain(image)
                elif privacy == "deidentify":  # before the skeleton, so its lines stay sharp on the blurred room
                    # None when the screened person was not found now or in the last second: the whole picture
                    blur_outside(cv2, image, _subject_box(src.subject, det, row, frame.time_s, scale, last_body))
                if row is not None:
                    for track in src.tracks:
                        k = track.slot[row]
                        if k >= 0 and track.id != src.subject.id:
                            draw_pose(cv2, image, det.xy[row, k], scale, OTHER_COLOUR, 1, face=privacy != "deidentify")
                    k = src.subject.slot[row]
                    if k >= 0:
                        draw_pose(cv2, image, det.xy[row, k], scale, SUBJECT_COLOUR, 2, face=privacy != "deidentify")
                if privacy == "deidentify":  # after the skeleton, so no line keeps a sharp edge across a face
                    blur_faces(cv2, image, _faces_to_blur(det, src.tracks, row, frame.time_s, seen), scale)
                sample = frame_to_sample.get(frame.index)
                if sample is not None:
                    parts = [f"t {frame.time_s:5.2f}s"]
                    if near:
                        parts.append(f"knee {kin.angles[f'knee_flexion_{near}_deg'][sample]:.0f}")
                        parts.append(f"trunk {kin.angles['trunk_inclination_deg'][sample]:.0f}")
                    else:
                        parts.append(f"knees L {kin.angles['knee_flexion_left_deg'][sample]:.0f}"
                                     f" R {kin.angles['knee_flexion_right_deg'][sample]:.0f}")
                    draw_text(cv2, image, "  ".join(parts) + " deg", (10, out_h - 15), text_size * 0.9)
                recent = [label for when, label in events if 0 <= frame.time_s - when < EVENT_SHOW_S]
                if recent:
                    draw_text(cv2, image, recent[-1], (10, int(40 * text_size) + 10), text_size * 1.2, (255, 220, 0))
                hold = 1
                if frame.index == bottom_frame:
                    _verdict_panel(cv2, image, criteria, text_size)
                    hold = int(HOLD_S * fps)
                # A held frame is one frame that lasts ``hold`` frame times (the next one's stamp jumps), not copies:
                # the encoder has nothing more to do for it.
            with stage("handing to the encoder"):
                encoder.add(image, hold)
    except BaseException:
        encoder.close(quiet=True)  # an error while drawing is the one raised
        raise
    encoder.close()
    return path
