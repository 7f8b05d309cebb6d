"""Awkward and broken inputs, as a person would hand them over: each gets a one-line reason that says what to do
(or, where the input is merely unusual, a correct result), and a batch records each failure and carries on."""

import csv
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from clips import clip, need_ffmpeg

pytestmark = pytest.mark.pipeline
NOISE = ("W0000", "I0000", "INFO:")


def run(*args, cwd=None, env=None, prefix=()):
    return subprocess.run([*prefix, sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=900, env=env)


def reason(done, code=3):
    """The one 'movement-screen:' line of a failed run (and no traceback)."""
    assert done.returncode == code, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    # Only the project's own line: no native log lines of the pose libraries around it.
    assert len(lines) == 1 and lines[0].startswith("movement-screen:"), done.stderr
    return lines[0]


def ffmpeg(*args):
    subprocess.run([need_ffmpeg(), "-v", "error", "-y", *map(str, args)], check=True)


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """One folder of awkward inputs, made once from the shared clips."""
    folder = tmp_path_factory.mktemp("bad")
    side = clip("lnewco_ohs_7032_side.mov")
    other = clip("lnewco_ohs_7026_side.mov")
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("this is not a video\n" * 50)
    (folder / "truncated.mov").write_bytes(side.read_bytes()[:300_000])  # index (moov) at the end, cut off
    ffmpeg("-i", side, "-frames:v", "1", folder / "still.png")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", folder / "sound_only.m4a")
    ffmpeg("-i", folder / "sound_only.m4a", "-c", "copy", "-f", "mp4", "-brand", "isom", folder / "sound_only.mp4")
    ffmpeg("-i", side, "-frames:v", "1", "-c:v", "libx264", folder / "one_frame.mp4")
    ffmpeg("-i", side, "-vf", "crop=iw:ih*0.5:0:0", "-c:v", "libx264", "-preset", "ultrafast", folder / "top_half.mp4")
    ffmpeg("-i", side, "-i", other, "-filter_complex",
           "[0:v]scale=540:960[a];[1:v]scale=540:960[b];[a][b]hstack=inputs=2:shortest=1",
           "-c:v", "libx264", "-preset", "ultrafast", "-an", folder / "two_people.mp4")
    ffmpeg("-i", side, "-vf", "scale=2160:3840", "-c:v", "libx264", "-preset", "ultrafast", "-an",
           folder / "uhd_4k.mp4")
    _variable_rate(side, folder / "variable_rate.mp4")
    _empty_room(folder / "empty_room.mp4")
    (folder / "squat – Ærø 日本.mov").write_bytes(other.read_bytes())
    return folder


def _empty_room(path: Path) -> None:
    """1.5 s of a grey, slightly noisy room with nobody in it."""
    import av

    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for _ in range(45):
            image = np.full((240, 320, 3), 90, np.uint8) + rng.integers(0, 20, (240, 320, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def _variable_rate(source: Path, path: Path) -> None:
    """Re-encode with frame gaps alternating 20 and 46 ms (mean 33 ms), as phones do when light is low."""
    import av

    with av.open(str(source)) as src, av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        t = 0
        for i, frame in enumerate(src.decode(video=0)):
            image = frame.to_ndarray(format="rgb24")[::2, ::2]
            if i == 0:
                stream.height, stream.width = image.shape[:2]
            new = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            new.pts, new.time_base = t, Fraction(1, 1000)
            t += 20 if i % 2 else 46
            for packet in stream.encode(new):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


@pytest.mark.parametrize("name, words", [
    ("empty.mp4", ["empty", "0 bytes"]),
    ("notes.mp4", ["not a readable video"]),
    ("truncated.mov", ["damaged or incomplete", "copy it again"]),
    ("still.png", ["still image", "record the movement as a video"]),
    ("sound_only.m4a", ["no video stream"]),
    ("sound_only.mp4", ["no video stream"]),
    ("one_frame.mp4", ["only 1 frame", "a few seconds"]),
    ("top_half.mp4", ["cut off at the bottom edge", "move the camera back"]),
    ("empty_room.mp4", ["no person found", "45 frames", "film the whole body"]),
])
def test_unusable_input_gets_one_line_saying_what_to_do(bad, tmp_path, name, words):
    line = reason(run("analyze", bad / name, "--out", tmp_path / "out", "--no-video"))
    for word in words:
        assert word in line
    assert not (tmp_path / "out").exists() or name == "top_half.mp4"  # nothing left behind, save pose evidence


def test_missing_path_and_unwritable_output(bad, tmp_path):
    assert "does not exist" in reason(run("analyze", tmp_path / "nope.mp4", "--out", tmp_path / "o"))
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    line = reason(run("analyze", bad / "two_people.mp4", "--out", blocker / "out"))
    assert "cannot write into the output folder" in line and "choose another --out" in line


def result_of(done, out: Path) -> dict:
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert not done.stderr.strip(), done.stderr  # a good clip: nothing on stderr but the project's own lines
    return json.loads((out / "result.json").read_text())


def test_two_people_of_similar_size_warns_and_person_picks_the_other(bad, tmp_path):
    first = result_of(run("analyze", bad / "two_people.mp4", "--out", tmp_path / "a", "--no-video"), tmp_path / "a")
    second = result_of(run("analyze", bad / "two_people.mp4", "--out", tmp_path / "b", "--no-video", "--person", "2"),
                       tmp_path / "b")
    warning = [i for i in first["quality"]["issues"] if i["code"] == "similar_people"]
    assert warning and "--person 2" in warning[0]["message"] and "left" in warning[0]["message"]
    depth = [next(c["value"] for c in r["criteria"] if c["id"] == "thigh_below_horizontal") for r in (first, second)]
    assert depth[0] < -0.3 < depth[1]  # left: 7032 (far from depth); right: 7026 (near it), as in their own clips


def test_4k_portrait_and_non_ascii_name_are_scored(bad, tmp_path):
    big = result_of(run("analyze", bad / "uhd_4k.mp4", "--out", tmp_path / "big"), tmp_path / "big")
    assert big["screen"] == "squat" and big["sources"][0]["width"] == 2160 and big["sources"][0]["height"] == 3840
    assert (tmp_path / "big" / "annotated.mp4").stat().st_size > 10_000
    named = result_of(run("analyze", bad / "squat – Ærø 日本.mov", "--out", tmp_path / "ü"), tmp_path / "ü")
    assert named["screen"] == "squat" and named["sources"][0]["path"].endswith("Ærø 日本.mov")


def test_variable_frame_rate_keeps_real_time(bad, tmp_path):
    result = result_of(run("analyze", bad / "variable_rate.mp4", "--out", tmp_path / "v", "--screen", "squat",
                           "--no-video"), tmp_path / "v")
    source = result["sources"][0]
    assert source["variable_frame_rate"]
    assert "variable_frame_rate" in {i["code"] for i in result["quality"]["issues"]}
    assert source["duration_s"] == pytest.approx(87 * 0.033, abs=0.15)  # container time, not frames / nominal fps
    assert result["repetitions"]


def test_batch_records_every_bad_file_and_goes_on(bad, tmp_path):
    out = tmp_path / "batch"
    done = run("batch", bad, "--out", out, "--no-video", "--workers", "2", "--quiet")
    assert done.returncode == 3 and "Traceback" not in done.stderr
    rows = {r["path"]: r for r in csv.DictReader(open(out / "summary.csv", encoding="utf-8"))}
    errors = {r["path"]: r for r in csv.DictReader(open(out / "errors.csv", encoding="utf-8"))}
    assert "still.png" not in rows and "sound_only.m4a" not in rows
    assert "ignored 1 audio, 1 image" in done.stdout  # a picture or a sound file is not a video: not failed
    for name in ("empty.mp4", "notes.mp4", "truncated.mov", "one_frame.mp4", "top_half.mp4", "sound_only.mp4",
                 "empty_room.mp4"):
        assert rows[name]["status"] in ("failed", "unscorable") and errors[name]["error"], name
    for name in ("two_people.mp4", "uhd_4k.mp4", "variable_rate.mp4", "squat – Ærø 日本.mov"):
        assert rows[name]["status"] == "ok", rows[name]
    assert "no person found" in errors["empty_room.mp4"]["error"]
    assert len(rows) == 11


def test_folder_without_videos(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    line = reason(run("batch", tmp_path / "in", "--out", tmp_path / "out"))
    assert "no videos found" in line and "1 image" in line


GUARD = '''
import socket
def _blocked(*args, **kwargs):
    with open(%r, "a") as log:
        log.write(repr(args[:2]) + "\\n")
    raise OSError("network blocked by the test")
socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.create_connection = _blocked
socket.getaddrinfo = _blocked
'''


def test_analysis_makes_no_network_connection(bad, tmp_path, model):
    """With every Python socket connection refused (and, where the kernel allows, no network namespace at all),
    the analysis still runs: nothing is fetched once the model is present."""
    guard = tmp_path / "guard"
    guard.mkdir()
    attempts = tmp_path / "attempts.log"
    (guard / "sitecustomize.py").write_text(GUARD % str(attempts))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard), os.environ.get("PYTHONPATH", "")])}
    prefix = ()
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        prefix = ("unshare", "-n")
    result = result_of(run("analyze", bad / "squat – Ærø 日本.mov", "--out", tmp_path / "o", "--report", env=env,
                           prefix=prefix), tmp_path / "o")
    assert result["screen"] == "squat" and (tmp_path / "o" / "report.pdf").exists()
    assert not attempts.exists(), attempts.read_text()
