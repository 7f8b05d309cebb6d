"""De-identified outputs: every face seen, and everything around the screened person (the room, bystanders the pose
model never finds), loses its fine detail in the annotated video and the key frames (a measured sharpness ratio
against the source), written videos carry no sound or place, and names stay out of the outputs."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from clips import clip, need_ffmpeg
from movement_screen.pose import landmarks as lm
from movement_screen.video.annotate import MAX_SIDE
from movement_screen.video.privacy import body_box, face_box
from movement_screen.video.reader import iter_frames, small_size

pytestmark = pytest.mark.pipeline
WALK = "sports2d_demo_gait_sagittal.mp4"  # the walker and a person on a box behind
LAB = "pose2sim_multi_cam01.mp4"  # 1088x1920: a person on a platform, one beside it, one at the back of the room
# Hand-labelled boxes in LAB's source pixels (x0, y0, x1, y1); both stay still through the clip.
BYSTANDER_HEAD = (40, 280, 115, 385)  # the woman at the back of the room, whom the pose model finds in no frame
CEILING_CAMERA = (300, 130, 410, 230)  # a motion-capture camera on the ceiling: the room itself


def sharpness(image, box) -> float:
    """Laplacian variance in the middle of a face box."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    return whole_sharpness(image, (x0 + w // 4, y0 + h // 4, x1 - w // 4, y1 - h // 4))


def whole_sharpness(image, box) -> float:
    import cv2

    x0, y0, x1, y1 = box
    return float(cv2.Laplacian(cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


def people_by_frame(landmarks_csv, subject_only: bool = False):
    """{frame: {person: landmarks in source pixels}} for every tracked person, or the screened one alone."""
    out = {}
    index = {name: i for i, name in enumerate(lm.NAMES)}
    with landmarks_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["person"] and (row["subject"] == "1" or not subject_only):
                xy = out.setdefault(int(row["frame"]), {}).setdefault(row["person"], np.full((33, 2), np.nan))
                xy[index[row["landmark"]]] = (float(row["x_px"]), float(row["y_px"]))
    return out


@pytest.fixture(scope="module")
def deidentified(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deid")
    source = tmp / "Jane Roe walking.mp4"  # a file name with a person's name in it, a sound track and a place
    subprocess.run([need_ffmpeg(), "-v", "error", "-y", "-i", str(clip(WALK)), "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=8", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac",
                    "-shortest", "-metadata", "location=+45.1885+005.7245/", "-metadata", "title=Jane Roe",
                    str(source)], check=True)
    out = tmp / "out"
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(source), "--out", str(out),
                           "--deidentify", "--report", "--quiet", "--patient", "P-17", "--patient-name", "Jane Roe",
                           "--store", str(tmp / "history.sqlite")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return source, out


def test_every_face_in_the_annotated_video_loses_its_detail(deidentified):
    source, out = deidentified
    people = people_by_frame(out / "landmarks.csv")
    original = {f.index: f.small for f in iter_frames(source, max_side=MAX_SIDE) if f.index % 15 == 0}
    blurred = {f.index: f.small for f in iter_frames(out / "annotated.mp4", max_side=MAX_SIDE) if f.index in original}
    first = next(iter(original.values()))
    scale = first.shape[1] / 1768  # the clip is 1768 px wide
    text_top = first.shape[0] - 40  # the angle line at the bottom stays sharp, drawn over everything
    ratios, persons = [], set()
    for index, picture in original.items():
        for person, xy in people.get(index, {}).items():
            box = face_box(xy, scale)
            if box is None or box[0] < 0 or box[1] < 0 or box[3] > text_top or box[2] > picture.shape[1]:
                continue
            before = sharpness(picture, box)
            if before < 5:  # a face with nothing sharp to lose (far, dark or in motion blur)
                continue
            ratios.append(sharpness(blurred[index], box) / before)
            persons.add(person)
    assert len(persons) >= 2, "the walker and the person behind were both measured"
    assert len(ratios) >= 10 and max(ratios) < 0.35, sorted(ratios)[-5:]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab") / "out"
    for privacy, folder in ((["--deidentify"], out), ([], out.with_name("plain"))):
        done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip(LAB)), "--out",
                               str(folder), "--screen", "squat", *privacy, "--quiet"], capture_output=True, text=True)
        assert done.returncode == 3 and "no squat found" in done.stderr  # nobody squats there: said, and
        assert (folder / "annotated.mp4").is_file()  # the annotated video is written all the same
    return out


def test_people_the_model_never_finds_and_the_room_are_blurred(lab):
    x0, y0, x1, y1 = BYSTANDER_HEAD
    people = people_by_frame(lab / "landmarks.csv")
    for found in people.values():
        for xy in found.values():  # nobody's head is found where she stands: face blurring alone would miss her
            assert not (x0 <= xy[lm.NOSE, 0] <= x1 and y0 <= xy[lm.NOSE, 1] <= y1)
    original = {f.index: f.small for f in iter_frames(clip(LAB), max_side=MAX_SIDE) if f.index % 10 == 0}
    blurred = {f.index: f.small for f in iter_frames(lab / "annotated.mp4", max_side=MAX_SIDE) if f.index in original}
    scale = MAX_SIDE / 1920
    assert len(blurred) == len(original) >= 9
    for box in (BYSTANDER_HEAD, CEILING_CAMERA):
        scaled = tuple(int(v * scale) for v in box)
        ratios = [whole_sharpness(blurred[i], scaled) / whole_sharpness(original[i], scaled) for i in original]
        assert max(ratios) < 0.2, (box, ratios)
    # ...while the screened person's body keeps its detail: their legs, below the hips, as sharp as in the plain
    # annotated video (both have the skeleton drawn on them), in every checked frame
    plain = {f.index: f.small for f in iter_frames(lab.with_name("plain") / "annotated.mp4", max_side=MAX_SIDE)
             if f.index in original}
    kept = []
    for i, subject in people_by_frame(lab / "landmarks.csv", subject_only=True).items():
        (xy,) = subject.values()
        if i not in original:
            continue
        legs = xy[[lm.L_HIP, lm.R_HIP, lm.L_KNEE, lm.R_KNEE, lm.L_ANKLE, lm.R_ANKLE]] * scale
        box = (int(np.nanmin(legs[:, 0])), int(np.nanmin(legs[:, 1])), int(np.nanmax(legs[:, 0])),
               int(np.nanmax(legs[:, 1])))
        lines = [pose * scale for pose in people.get(i, {}).values()]
        kept.append(off_skeleton_sharpness(blurred[i], box, lines) / off_skeleton_sharpness(plain[i], box, lines))
    # x264 alone moves one frame's figure by about 0.2 either way (0.79-1.11 over these frames, the same legs by
    # eye); a blurred region is below 0.2 (above)
    assert len(kept) >= 9 and min(kept) > 0.7 and np.median(kept) > 0.9, kept


def off_skeleton_sharpness(image, box, poses) -> float:
    """Laplacian variance inside ``box`` away from the drawn skeletons (``poses`` in the picture's pixels), so the
    lines, sharp in every version, do not hide whether the picture under them was kept or blurred."""
    import cv2

    x0, y0, x1, y1 = box
    mask = np.zeros(image.shape[:2], np.uint8)
    for xy in poses:
        for a, b in lm.SKELETON:
            if np.isfinite(xy[[a, b]]).all():
                cv2.line(mask, tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b]), 255, 12)
    detail = cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.CV_64F)[y0:y1, x0:x1]
    return float(detail[mask[y0:y1, x0:x1] == 0].var())




def test_key_frames_are_blurred_too(deidentified):
    source, out = deidentified
    people = people_by_frame(out / "landmarks.csv")
    checked = room = 0
    import cv2

    for image_path in sorted((out / "keyframes").glob("source1_frame*.jpg")):
        index = int(image_path.stem.split("frame")[1])
        key = cv2.cvtColor(cv2.imread(str(image_path)), cv2.COLOR_BGR2RGB)
        frame = next(f for f in iter_frames(source, full=True, max_side=None) if f.index == index)
        w, h = small_size(frame.image.shape[1], frame.image.shape[0], key.shape[1] if key.shape[1] > key.shape[0]
                          else key.shape[0])
        picture = cv2.resize(frame.image, (w, h), interpolation=cv2.INTER_AREA)
        scale = w / frame.image.shape[1]
        for xy in people.get(index, {}).values():
            box = face_box(xy, scale)
            if box is None or min(box) < 0 or box[3] > h or box[2] > w or sharpness(picture, box) < 5:
                continue
            assert sharpness(key, box) / sharpness(picture, box) < 0.35
            checked += 1
        bodies = [b for b in (body_box(xy, scale) for xy in people.get(index, {}).values()) if b is not None]
        for x0, y0 in ((0, 0), (w - 80, 0), (0, h - 80), (w - 80, h - 80)):  # the picture's corners, 80 px
            corner = (x0, y0, x0 + 80, y0 + 80)
            if any(overlaps(corner, b) for b in bodies) or whole_sharpness(picture, corner) < 5:
                continue
            assert whole_sharpness(key, corner) / whole_sharpness(picture, corner) < 0.35
            room += 1
    assert checked >= 2 and room >= 1


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_no_sound_no_place_no_name(deidentified):
    source, out = deidentified
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type:format_tags",
                            "-of", "json", str(out / "annotated.mp4")], capture_output=True, text=True)
    info = json.loads(probe.stdout)
    assert [s["codec_type"] for s in info["streams"]] == ["video"]
    tags = json.dumps(info.get("format", {}).get("tags", {})).lower()
    assert "location" not in tags and "jane" not in tags and "45.1885" not in tags
    result = (out / "result.json").read_text()
    assert "Jane" not in result and "P-17_1.mp4" in result and "De-identified" in result
    assert "Jane" not in (out / "report.html").read_text() and not any("Jane" in p.name for p in out.rglob("*"))
