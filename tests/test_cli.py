"""The command line as a person uses it: exit codes, one-line reasons, the output files."""

import csv
import json
import subprocess
import sys

import pytest

from movement_screen.video.reader import probe
from clips import clip

pytestmark = pytest.mark.pipeline


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


# Broken and awkward inputs (empty, not a video, missing, no person, ...) are in test_bad_input.py.


def test_usage_error_exit_code(tmp_path):
    done = run("analyze")
    assert done.returncode == 2


def test_analyze_writes_every_output(tmp_path):
    out = tmp_path / "squat"
    done = run("analyze", clip("lnewco_ohs_7032_side.mov"), "--out", out, "--pain", "no", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "thigh_below_horizontal" in done.stdout and "FAIL" in done.stdout
    result = json.loads((out / "result.json").read_text())
    assert result["screen"] == "squat" and result["pain"] == "no"
    assert result["score"]["range"] == [1, 2]
    with (out / "landmarks.csv").open() as handle:
        rows = csv.DictReader(handle)
        assert {"frame", "time_s", "person", "landmark", "x_px", "y_px", "visibility"} <= set(rows.fieldnames)
        first = next(rows)
        assert 0 <= float(first["x_px"]) <= 1080 and first["landmark"] == "nose"
    assert (out / "angles.png").stat().st_size > 10_000
    video = probe(out / "annotated.mp4")
    assert video.portrait and video.codec == "h264"  # upright, plays in browsers
    assert max(video.width, video.height) == 640  # for viewing: the 1080x1920 clip is written at 640 px, the
    # pose pass's own pictures (decoded once)
    assert video.frames >= 87  # every frame of the clip (and the held bottom frame)
    assert video.duration_s > 2.5  # the clip plus the held bottom frame


def test_json_flag_prints_the_result(tmp_path):
    done = run("analyze", clip("lnewco_ohs_7027_front.mov"), "--out", tmp_path / "o", "--json", "--no-video",
               "--quiet")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["view"] == "frontal"
    assert not (tmp_path / "o" / "annotated.mp4").exists()


def test_models_lists_the_resolved_model():
    done = run("models")
    assert done.returncode == 0
    assert "full" in done.stdout


def test_a_walking_clip_given_with_a_squat_is_left_out_and_alone_is_refused(tmp_path):
    """One session, one movement: the walk is not measured as the squat's front view, and cannot be a squat."""
    out = tmp_path / "pair"
    done = run("analyze", clip("lnewco_ohs_7051_side.mov"), clip("sports2d_demo_gait_sagittal.mp4"), "--screen",
               "squat", "--out", out, "--no-video", "--quiet")
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "result.json").read_text())
    assert [e["path"] for e in result["excluded"]] == [str(clip("sports2d_demo_gait_sagittal.mp4"))]
    assert result["excluded"][0]["looks_like"].startswith("walking")
    assert [s["path"] for s in result["sources"]] == [str(clip("lnewco_ohs_7051_side.mov"))]
    by_id = {c["id"]: c for c in result["criteria"]}
    assert by_id["asymmetric_weight_shift"]["state"] == "not_assessed"  # a front-view criterion: no front view
    assert any(i["code"] == "clip_excluded" for i in result["quality"]["issues"])
    assert "sports2d_demo_gait_sagittal.mp4 was left out" in done.stdout

    done = run("analyze", clip("sports2d_demo_gait_sagittal.mp4"), "--screen", "squat", "--out", tmp_path / "walk",
               "--no-video", "--quiet")
    assert done.returncode == 3
    assert "sports2d_demo_gait_sagittal.mp4 shows walking" in done.stderr and "not a squat" in done.stderr
    assert not (tmp_path / "walk").exists()


@pytest.mark.parametrize("screen, headline", [
    ("single-leg-squat", "Result: Left leg, 3 squat(s); worst: Knee over the foot"),
    ("sit-to-stand", "Result: Five-times sit-to-stand "),
    ("posture", "Result: Deviations: Shoulders level (fail)"),
    ("squat", "FMS deep squat: 1-2 / 3"),
    ("forward-bend", "Result: Greatest trunk inclination"),
])
def test_the_demo_shows_every_screen_on_the_built_figure_and_says_so(tmp_path, screen, headline):
    done = run("demo", "--screen", screen, "--out", tmp_path / screen)
    assert done.returncode == 0, done.stderr
    assert "Built figure, not a real person" in done.stderr
    assert headline in done.stdout
    result = json.loads((tmp_path / screen / "result.json").read_text())
    assert result["screen"] == screen.replace("-", "_") and result["scored"]
    assert (tmp_path / screen / "report.pdf").stat().st_size > 10_000
