"""The server-side live camera (the fallback when the page cannot run the model) in a real browser, with a shared
clip as the camera: the skeleton overlay runs, the set-up coach changes its message when the person leaves the
picture, record-and-score gives a result, and the frames processed per second are printed. Screenshots in
test-output/browser/."""

import re

import pytest

from browser import AppServer, answer_questions, camera_flags, chromium, fake_camera, shot
from clips import clip

pytestmark = pytest.mark.pipeline


@pytest.fixture
def camera_file(tmp_path):
    """1.5 s of an empty grey room, then a real side-view squat; Chromium loops it as its camera."""
    return fake_camera(clip("lnewco_ohs_7032_side.mov"), tmp_path)


@pytest.fixture
def server(tmp_path):
    app = AppServer(tmp_path)
    yield app
    app.stop()


def start_camera(page, frame, tries: int = 3) -> None:
    """Press the component's START until the stream runs: under load a click can land before the component's
    script is ready, and is then lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        frame.get_by_role("button", name="START").click(timeout=60_000)
        try:
            page.get_by_text("Frames processed:").wait_for(timeout=40_000)
            return
        except PlaywrightTimeout:
            shot(page, f"webcam-0-start-attempt-{attempt + 1}")
            if frame.get_by_role("button", name="STOP").count():
                frame.get_by_role("button", name="STOP").click()
    raise AssertionError(f"the camera stream did not start after {tries} presses of START")


def board(page) -> str:
    return page.get_by_text("Frames processed:").first.inner_text()


def test_live_camera_coaches_records_and_scores(server, camera_file):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=camera_flags(camera_file))
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(server.url)
        page.get_by_text("Webcam", exact=True).click()
        expect(page.get_by_text("Live camera")).to_be_visible(timeout=60_000)
        squat = page.get_by_text("Deep squat", exact=True)
        expect(squat).to_have_count(1, timeout=30_000)  # the Screen page's radio has gone
        squat.click()
        expect(page.get_by_role("radio", name="Deep squat")).to_be_checked(timeout=30_000)
        answer_questions(page)  # the camera comes after the safety questions
        page.get_by_text("On the server (the video is sent to it)").click()  # the fallback to the in-page model
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
        start_camera(page, frame)
        page.wait_for_function("() => /Frames processed: ([1-9][0-9]{2,})/.test(document.body.innerText)",
                               timeout=120_000)  # 100+ frames: the loop has shown empty room and person
        text = board(page)
        history = text.split("Set-up messages so far:")[1].split("\n")[0]
        assert "Step into the picture" in history and len(history.split("→")) >= 2, text
        page.wait_for_function("() => /Set-up: Good set-up/.test(document.body.innerText)", timeout=60_000)
        shot(page, "webcam-1-live-overlay-and-coach")  # the person in view, skeleton drawn

        page.get_by_role("button", name="Start recording").click()
        page.wait_for_function("() => /Recording: ([1-9][0-9]{2,}) frames/.test(document.body.innerText)",
                               timeout=120_000)  # 100+ frames: a whole squat and the empty room
        shot(page, "webcam-2-recording")
        fps = float(re.search(r"\(([\d.]+) per second\)", board(page)).group(1))
        print(f"\nlive frames processed per second in the browser test: {fps:.1f}")
        page.get_by_role("button", name="Stop and score").click()
        expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
        expect(page.get_by_text("Your exercise plan")).to_be_visible()
        page.get_by_text("Results: Deep squat").scroll_into_view_if_needed()
        shot(page, "webcam-3-scored")
        assert fps > 0  # the page reports a live rate; how high depends on the machine's load (bench/, not here)
        browser.close()
