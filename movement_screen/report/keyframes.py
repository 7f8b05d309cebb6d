"""Key frames for the report: still images of the moments the scores come from, with the skeleton drawn.

Built from what an analysis folder holds (result.json, landmarks.csv) and the source video, so a report can be
made later from a result file alone. Squat: the bottom of the reported repetition in each clip. Forward bend:
the lowest point of the first bend. Gait: a heel strike of each foot in the middle of the walk. Sit-to-stand: seat-off
of the slowest rise and the fifth full stand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.video.annotate import SUBJECT_COLOUR, draw_pose
from movement_screen.video.privacy import BACKGROUND, blur_faces, blur_outside, body_box, check
from movement_screen.video.reader import iter_frames, small_size

MAX_SIDE = 720


def key_moments(result: dict) -> list[tuple[int, int, str]]:
    """``(source, frame, caption)`` of the frames worth showing, at most three."""
    moments = []
    if result["screen"] == "gait":
        strikes = [e for e in result.get("events", []) if e["type"] == "heel_strike"]
        for side in ("left", "right"):
            mine = [e for e in strikes if e["side"] == side]
            if mine:
                e = mine[len(mine) // 2]
                moments.append((e["source"], e["frame"], f"{side} heel strike at {e['time_s']:.2f} s"))
        return moments
    if result["screen"] == "posture":  # the middle of each clip's quiet standing, where the medians were taken
        for source in range(len(result["sources"])):
            judged = [c for c in result.get("criteria", []) if c.get("source") == source and c.get("frame") is not None]
            if judged:
                view = result["sources"][source]["view"]
                moments.append((source, judged[0]["frame"],
                                f"quiet standing, {view} view, {judged[0]['time_s']:.2f} s"))
        return moments[:3]
    if result["screen"] == "single_leg_squat":  # the bottoms the findings were judged at, else one per leg
        frames = set()
        for c in sorted(result.get("criteria", []), key=lambda c: c["state"] != "fail"):
            if c["state"] in ("fail", "borderline") and c.get("frame") is not None and c["frame"] not in frames:
                frames.add(c["frame"])
                moments.append((c["source"], c["frame"], f"{c['title'].lower()}: {c['state']}, {c['time_s']:.2f} s"))
        for leg, stance in (("left", 1.0), ("right", 0.0)):
            rep = next((r for r in result.get("repetitions", []) if r.get("measures", {}).get("stance_left") == stance
                        and r.get("bottom_frame") is not None), None)
            if rep and rep["bottom_frame"] not in frames:
                frames.add(rep["bottom_frame"])
                moments.append((rep["source"], rep["bottom_frame"], f"bottom of a squat on the {leg} leg, "
                                                                    f"{rep['bottom_s']:.2f} s"))
        return moments[:3]
    if result["screen"] == "sit_to_stand":  # seat-off of the slowest rise, and the fifth full stand (the 5xSTS end)
        reps = [r for r in result.get("repetitions", []) if r.get("bottom_frame") is not None]
        if reps:
            slowest = max(reps, key=lambda r: r["bottom_s"] - r["start_s"])
            fps = result["sources"][slowest["source"]]["fps"] or 30.0
            seat_off = slowest["bottom_frame"] - int(round((slowest["bottom_s"] - slowest["start_s"]) * fps))
            moments.append((slowest["source"], max(seat_off, 0), f"seat-off of the slowest rise (stand "
                                                                 f"{slowest['index']}), {slowest['start_s']:.2f} s"))
        timed = next((c for c in result.get("criteria", []) if c["id"] == "five_times_sit_to_stand"
                      and c.get("frame") is not None), None)
        if timed:
            moments.append((timed["source"], timed["frame"], f"fifth full stand, {timed['time_s']:.2f} s"))
        return moments[:3]
    reps = result.get("repetitions", [])
    best = result.get("best_repetition")
    for source in sorted({r["source"] for r in reps}):
        mine = [r for r in reps if r["source"] == source and r.get("bottom_frame") is not None]
        if not mine:
            continue
        chosen = next((r for r in mine if r["index"] == best), mine[0])
        what = "bottom of squat" if result["screen"] == "squat" else "lowest point of bend"
        view = result["sources"][source]["view"]
        moments.append((source, chosen["bottom_frame"], f"{what} {chosen['index']}, {view} view, "
                                                         f"{chosen['bottom_s']:.2f} s"))
    return moments[:3]


def _points(landmarks_csv: Path, wanted: set[tuple[int, int]]
            ) -> tuple[dict[tuple[int, int], np.ndarray], dict[tuple[int, int], list[np.ndarray]]]:
    """The subject's landmarks, and every person's, at the wanted (source, frame) keys."""
    everyone: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    subject: dict[tuple[int, int], str] = {}
    index = {name: i for i, name in enumerate(lm.NAMES)}
    with landmarks_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (int(row["source"]), int(row["frame"]))
            if key not in wanted or not row["person"]:
                continue
            xy = everyone.setdefault(key, {}).setdefault(row["person"], np.full((len(lm.NAMES), 2), np.nan))
            xy[index[row["landmark"]]] = (float(row["x_px"]), float(row["y_px"]))
            if row["subject"] == "1":
                subject[key] = row["person"]
    return ({key: everyone[key][person] for key, person in subject.items()},
            {key: list(people.values()) for key, people in everyone.items()})


def write_keyframes(result: dict, out_dir: Path, privacy: str = "none", videos: list[str] | None = None
                    ) -> list[tuple[Path, str]]:
    """Write ``keyframes/*.jpg`` into ``out_dir``; returns ``(path, caption)``. Missing video: skipped.
    ``privacy`` blurs every face and all around the screened person, or draws the skeleton alone
    (video/privacy.py); ``videos`` are the source files when the result's own paths were de-identified."""
    import cv2

    check(privacy)
    moments = key_moments(result)
    landmarks_csv = out_dir / "landmarks.csv"
    if not moments or not landmarks_csv.is_file():
        return []
    points, people = _points(landmarks_csv, {(s, f) for s, f, _ in moments})
    folder = out_dir / "keyframes"
    folder.mkdir(exist_ok=True)
    written = []
    for source in sorted({s for s, _, _ in moments}):
        info = result["sources"][source]
        wanted = {f: c for s, f, c in moments if s == source}
        if info.get("input") == "landmarks" or privacy == "stick_figure":  # the skeleton on a blank picture
            written += _blank_keyframes(cv2, info, source, wanted, points, folder)
            continue
        video = Path(videos[source] if videos and source < len(videos) else info["path"])
        if not video.is_file():
            continue
        for frame in iter_frames(video, full=True, max_side=None, rotation=info.get("rotation")):
            if frame.index not in wanted:
                if frame.index > max(wanted):
                    break
                continue
            height, width = frame.image.shape[:2]
            w, h = small_size(width, height, MAX_SIDE)
            scale = w / width
            image = cv2.resize(frame.image, (w, h), interpolation=cv2.INTER_AREA)
            xy = points.get((source, frame.index))
            if privacy == "deidentify":  # the room and bystanders the model did not find, before the skeleton
                blur_outside(cv2, image, body_box(xy, scale) if xy is not None else None)
            if xy is not None:
                draw_pose(cv2, image, xy, scale, SUBJECT_COLOUR, 3, face=privacy != "deidentify")
            if privacy == "deidentify":  # every person seen, after the skeleton so no line stays sharp on a face
                blur_faces(cv2, image, people.get((source, frame.index), []), scale)
            written.append((_save(cv2, image, folder, source, frame.index), wanted[frame.index]))
    return written


def _blank_keyframes(cv2, info: dict, source: int, wanted: dict, points: dict, folder: Path
                     ) -> list[tuple[Path, str]]:
    w, h = small_size(info["width"], info["height"], MAX_SIDE)
    scale = w / info["width"]
    written = []
    for frame, caption in wanted.items():
        xy = points.get((source, frame))
        if xy is None:
            continue
        image = np.full((h, w, 3), BACKGROUND, np.uint8)  # the stick figure's background, as in the video
        draw_pose(cv2, image, xy, scale, SUBJECT_COLOUR, 3)
        why = "no video was given" if info.get("input") == "landmarks" else "stick figure chosen for privacy"
        written.append((_save(cv2, image, folder, source, frame), f"{caption} (skeleton only: {why})"))
    return written


def _save(cv2, image: np.ndarray, folder: Path, source: int, frame: int) -> Path:
    path = folder / f"source{source + 1}_frame{frame}.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return path
