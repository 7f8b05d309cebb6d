"""The camera with the pose model in the page, in a real browser with a shared squat clip as the camera: the model
loads from the app's own address, the skeleton and coach run, and recording one pass of the clip gives the same
repetitions and depth verdict as uploading it, with no picture or video bytes sent. Screenshots in
test-output/browser/."""

import csv
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import (AppServer, camera_flags, chromium, fake_camera, open_webcam_page, record_one_pass, shot,
                     start_in_page_camera)
from clips import clip

pytestmark = pytest.mark.pipeline
CLIP = "lnewco_ohs_7032_side.mov"
PICTURE_MAGIC = (b"\x1a\x45\xdf\xa3", b"\xff\xd8\xff", b"ftypisom", b"ftypmp4", b"\x89PNG", b"data:image",
                 b"data:video")


@pytest.fixture
def camera_file(tmp_path):
    return fake_camera(clip(CLIP), tmp_path)


@pytest.fixture
def server(tmp_path):
    app = AppServer(tmp_path)
    yield app
    app.stop()


def test_the_pose_model_runs_in_the_page_and_only_landmarks_are_sent(server, camera_file, model):
    from playwright.sync_api import expect, sync_playwright

    from movement_screen import api

    uploaded = api.analyze(clip(CLIP), "squat", pain="no").result
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=camera_flags(camera_file))
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        hosts, sent = set(), []
        page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(
            payload if isinstance(payload, bytes) else payload.encode())))
        open_webcam_page(page, server.url)
        frame, status = start_in_page_camera(page)
        expect(frame.locator("#engine")).to_contain_text("running in this browser")
        expect(status).to_contain_text("Good set-up", timeout=60_000)  # the person is in the picture
        shot(page, "in-page-1-live-coach")
        text = record_one_pass(frame, status)
        rate = float(re.search(r"\(([\d.]+) per second\)", text).group(1))
        print(f"\nin-page frames processed per second: {rate:.1f}")
        expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
        page.get_by_text("Results: Deep squat").scroll_into_view_if_needed()
        shot(page, "in-page-2-scored")
        browser.close()

    assert hosts == {"127.0.0.1"}  # the model, the runtime and the page all come from the app itself
    assert not any(magic in payload for payload in sent for magic in PICTURE_MAGIC)
    assert sum(len(p) for p in sent) < 5_000_000  # landmarks, not a video
    results = sorted(Path(server.store).parent.joinpath("app").glob("*/results/result.json"))
    scored = json.loads(results[-1].read_text())
    assert scored["sources"][0]["input"] == "landmarks"
    recorded = Path(scored["sources"][0]["path"])
    assert len(scored["repetitions"]) == len(uploaded.repetitions), presence(recorded)
    depth = next(c for c in scored["criteria"] if c["id"] == "thigh_below_horizontal")
    assert depth["state"] == uploaded.criterion("thigh_below_horizontal").state


def presence(landmarks_csv: Path) -> str:
    """The recorded frames as a line of X (a person) and . (nobody), with times: what a failure needs to show."""
    frames = {}
    with landmarks_csv.open() as f:
        for row in csv.DictReader(f):
            frames.setdefault(int(row["frame"]), [float(row["time_s"]), False])[1] |= bool(row["landmark"])
    marks = "".join("X" if frames[k][1] else "." for k in sorted(frames))
    times = [t for t, _ in frames.values()]
    return f"recorded {len(frames)} frames over {min(times):.2f}-{max(times):.2f} s: {marks}"


def test_the_video_is_sent_only_when_ticked(server, camera_file):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=camera_flags(camera_file))
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        open_webcam_page(page, server.url)
        page.get_by_text("Also keep the video with the result").click()
        frame, status = start_in_page_camera(page)
        record_one_pass(frame, status)
        expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
        browser.close()
    sent = sorted(Path(server.store).parent.joinpath("app").glob("*/results/camera.*"))
    assert sent and sent[-1].stat().st_size > 20_000  # the clip recorded in the page, kept with the result
    from movement_screen.video.reader import probe

    assert probe(sent[-1]).duration_s > 1.0  # seconds of video, with its duration written so players can seek
