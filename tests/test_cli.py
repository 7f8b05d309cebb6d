"""The command line as a person uses it: exit codes, one-line reasons, the output files."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from movement_screen.video.reader import probe
from clips import clip

pytestmark = pytest.mark.pipeline


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def assert_one_line_reason(done, *words):
    assert done.returncode == 3, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("movement-screen:")]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0]


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert_one_line_reason(run("analyze", empty, "--out", tmp_path / "o"), "empty")


def test_text_file_named_mp4(tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("this is not a video\n" * 50)
    assert_one_line_reason(run("analyze", fake, "--out", tmp_path / "o"), "not a readable video")


def test_missing_file(tmp_path):
    assert_one_line_reason(run("analyze", tmp_path / "nope.mp4"), "does not exist")


def test_video_without_a_person(tmp_path):
    import av

    path = tmp_path / "empty_room.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        rng = np.random.default_rng(1)
        for i in range(45):
            image = np.full((240, 320, 3), 90, np.uint8) + rng.integers(0, 20, (240, 320, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    assert_one_line_reason(run("analyze", path, "--out", tmp_path / "o"), "no person", "45 frames")


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
