"""A phone video whose rotation setting was lost shows the person lying on their side: it is analysed turned
upright, says so, and finds what the upright video finds (real model, a shared squat clip turned with ffmpeg)."""

import csv
import subprocess

import pytest

from clips import clip, need_ffmpeg
from movement_screen import api
from movement_screen.pose import estimator
from movement_screen.report.files import write_landmarks_csv

pytestmark = pytest.mark.pipeline

SQUAT = "lnewco_ohs_7032_side.mov"


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    """The squat clip small and upright, and the same frames stored sideways (turned a quarter clockwise) with no
    rotation setting, as a phone clip that lost it."""
    ffmpeg = need_ffmpeg()
    source = clip(SQUAT)
    folder = tmp_path_factory.mktemp("sideways")
    upright, sideways = folder / "upright.mp4", folder / "sideways.mp4"
    for out, turn in ((upright, "scale=-2:480"), (sideways, "transpose=1,scale=480:-2")):
        subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(source), "-vf", turn, "-metadata:s:v:0", "rotate=0",
                        "-an", str(out)], check=True)
    return upright, sideways


@pytest.fixture(scope="module")
def scored(videos, model):
    """Each clip's analysis and how many pose passes it took."""
    passes = []
    real = estimator.estimate_video

    def counted(*args, **kwargs):
        passes.append(args[0])
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(estimator, "estimate_video", counted)
        done = {name: api.analyze(path, "squat", pain="no", progress=False)
                for name, path in zip(("upright", "sideways"), videos)}
    return done, {name: passes.count(path) for name, path in zip(("upright", "sideways"), videos)}


def codes(result):
    return {issue.code: issue for issue in result.quality_issues}


def test_a_sideways_video_is_analysed_turned_upright_and_finds_the_squat(scored):
    done, passes = scored
    upright, sideways = done["upright"].result, done["sideways"].result
    assert passes == {"upright": 1, "sideways": 2}  # an upright clip costs no second pass
    assert len(upright.repetitions) == len(sideways.repetitions) == 1
    assert sideways.repetitions[0].bottom_s == pytest.approx(upright.repetitions[0].bottom_s, abs=0.2)
    assert sideways.sources[0].view == upright.sources[0].view
    assert sideways.criterion("thigh_below_horizontal").state == upright.criterion("thigh_below_horizontal").state
    source = sideways.sources[0]
    assert (source.width, source.height, source.rotation) == (upright.sources[0].width, upright.sources[0].height,
                                                              270)
    turned = codes(sideways)["turned_upright"]
    assert turned.severity == "info" and "quarter-turn anticlockwise" in turned.message
    assert "sideways" not in codes(sideways) and not {"turned_upright", "sideways"} & set(codes(upright))
    assert not {"camera_tilt", "subject_small"} & set(codes(sideways))  # measured along the right axis


def test_its_landmarks_score_again_and_a_sideways_landmark_series_says_so(scored, tmp_path):
    sideways = scored[0]["sideways"]
    table = write_landmarks_csv(sideways, tmp_path / "landmarks.csv")
    again = api.analyze(table, "squat", pain="no").result
    assert len(again.repetitions) == 1 and "sideways" not in codes(again)
    # The same series as the sideways picture showed it (x, y turned back a quarter clockwise): a landmark series
    # cannot be turned, so it says plainly that the video is sideways.
    with table.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        width, height = row["frame_width"], row["frame_height"]
        row["frame_width"], row["frame_height"] = height, width
        if row["x_px"]:
            row["x_px"], row["y_px"] = f"{float(height) - float(row['y_px']):.3f}", row["x_px"]
    lying = tmp_path / "lying.csv"
    with lying.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    plain = codes(api.analyze(lying, "squat", pain="no").result)
    assert plain["sideways"].severity == "warning" and "video is sideways" in plain["sideways"].message
    assert "turned_upright" not in plain
