"""The camera with the pose model in the page, in a real browser with a shared squat clip as the camera: the model
loads from the app's own address, the skeleton and coach run, and recording one pass of the clip gives the same
repetitions and depth verdict as uploading it, with no picture or video bytes sent. Screenshots in
test-output/browser/."""

import re
import subprocess
from urllib.parse import urlparse

import pytest

from browser import CHROMIUM_FLAGS, AppServer, chromium, shot
from clips import clip, need_ffmpeg

pytestmark = pytest.mark.pipeline
CLIP = "lnewco_ohs_7032_side.mov"
PICTURE_MAGIC = (b"\x1a\x45\xdf\xa3", b"\xff\xd8\xff", b"ftypisom", b"ftypmp4", b"\x89PNG", b"data:image",
                 b"data:video")


@pytest.fixture
def camera_file(tmp_path):
    """1.5 s of an empty grey room, then the real side-view squat; Chromium loops it as its camera."""
    path = tmp_path / "camera.mjpeg"
    subprocess.run([need_ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=360x640:d=1.5:r=30",
                    "-i", str(clip(CLIP)), "-filter_complex",
                    "[1:v]scale=360:640,fps=30,setsar=1[b];[0:v]setsar=1[a];[a][b]concat=n=2:v=1[out]",
                    "-map", "[out]", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", str(path)], check=True)
    return path


@pytest.fixture
def server(tmp_path):
    app = AppServer(tmp_path)
    yield app
    app.stop()


def test_the_pose_model_runs_in_the_page_and_only_landmarks_are_sent(server, camera_file, model):
    from playwright.sync_api import expect, sync_playwright

    from movement_screen import api

    uploaded = api.analyze(clip(CLIP), "squat", pain="no").result
    flags = CHROMIUM_FLAGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={camera_file}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=flags)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        hosts, sent = set(), []
        page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(
            payload if isinstance(payload, bytes) else payload.encode())))
        page.goto(server.url)
        page.get_by_text("Webcam", exact=True).click()
        expect(page.get_by_text("Live camera")).to_be_visible(timeout=60_000)
        squat = page.get_by_text("Deep squat", exact=True)
        expect(squat).to_have_count(1, timeout=30_000)  # the Screen page's radio has gone
        squat.click()
        frame = page.frame_locator("iframe[title*='browser_pose']").first
        frame.get_by_role("button", name="Start camera").click(timeout=120_000)
        status = frame.locator("#status")
        expect(status).to_contain_text("Frames processed", timeout=180_000)
        expect(frame.locator("#engine")).to_contain_text("running in this browser")
        expect(status).to_contain_text("Good set-up", timeout=60_000)  # the person is in the picture
        shot(page, "in-page-1-live-coach")

        # One pass of the looped camera: from the empty room, through the squat, to the empty room again.
        expect(status).to_contain_text("Step into the picture", timeout=60_000)
        frame.get_by_role("button", name="Start recording").click()
        expect(status).to_contain_text("Good set-up", timeout=60_000)
        expect(status).to_contain_text("Step into the picture", timeout=60_000)
        rate = float(re.search(r"\(([\d.]+) per second\)", status.inner_text()).group(1))
        print(f"\nin-page frames processed per second: {rate:.1f}")
        frame.get_by_role("button", name="Stop and score").click()
        expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
        page.get_by_text("Results: Deep squat").scroll_into_view_if_needed()
        shot(page, "in-page-2-scored")
        browser.close()

    assert hosts == {"127.0.0.1"}  # the model, the runtime and the page all come from the app itself
    assert not any(magic in payload for payload in sent for magic in PICTURE_MAGIC)
    assert sum(len(p) for p in sent) < 5_000_000  # landmarks, not a video
    import json
    from pathlib import Path

    results = sorted(Path(server.store).parent.joinpath("app").glob("*/results/result.json"))
    scored = json.loads(results[-1].read_text())
    assert scored["sources"][0]["input"] == "landmarks"
    assert len(scored["repetitions"]) == len(uploaded.repetitions)
    depth = next(c for c in scored["criteria"] if c["id"] == "thigh_below_horizontal")
    assert depth["state"] == uploaded.criterion("thigh_below_horizontal").state


def test_the_video_is_sent_only_when_ticked(server, camera_file):
    from pathlib import Path

    from playwright.sync_api import expect, sync_playwright

    flags = CHROMIUM_FLAGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={camera_file}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=flags)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(server.url)
        page.get_by_text("Webcam", exact=True).click()
        expect(page.get_by_text("Where the pose model runs")).to_be_visible(timeout=60_000)
        page.get_by_role("radiogroup", name="Screen").last.get_by_text("Deep squat", exact=True).click()
        page.get_by_text("Also keep the video with the result").click()
        frame = page.frame_locator("iframe[title*='browser_pose']").first
        frame.get_by_role("button", name="Start camera").click(timeout=120_000)
        status = frame.locator("#status")
        expect(status).to_contain_text("Step into the picture", timeout=180_000)
        frame.get_by_role("button", name="Start recording").click()
        expect(status).to_contain_text("Good set-up", timeout=60_000)
        expect(status).to_contain_text("Step into the picture", timeout=60_000)
        frame.get_by_role("button", name="Stop and score").click()
        expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
        browser.close()
    sent = sorted(Path(server.store).parent.joinpath("app").glob("*/results/camera.*"))
    assert sent and sent[-1].stat().st_size > 20_000  # the clip recorded in the page, kept with the result
    from movement_screen.video.reader import iter_frames

    assert sum(1 for _ in iter_frames(sent[-1])) > 30  # seconds of video (MediaRecorder's WebM states no duration)
