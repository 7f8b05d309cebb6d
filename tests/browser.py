"""A real app server on localhost and headless Debian Chromium driven by Playwright, for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = Path(os.environ.get("MOVEMENT_SCREEN_TEST_OUTPUT", ROOT / "test-output")) / "browser"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-features=WebRtcHideLocalIpsWithMdns"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Debian chromium is not installed (apt-get install chromium; .ci/run does it)")
    pytest.importorskip("playwright.sync_api")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree(pid: int) -> list:
    """A process and every process under it (psutil processes; none when it has ended)."""
    import psutil

    try:
        top = psutil.Process(pid)
        return [top, *top.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def stop_process(proc: subprocess.Popen, log, timeout: float) -> None:
    """SIGTERM, SIGKILL after ``timeout`` seconds, then close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


class AppServer:
    """`streamlit run app.py` on a free port, with its own history store and work folder; ``mode`` "local" (no
    log-in, as `movement-screen app --local`) or "clinic" (log-in and patient links); ``env`` adds settings.
    ``cli``: started as a person starts it, `movement-screen app` (its analysis pool in a process of its own);
    otherwise the page server starts the pool in its own process on the first page. Started again on the same
    folder, it serves the same store and files."""

    def __init__(self, tmp: Path, mode: str = "local", env: dict | None = None, cli: bool = False):
        self.port = free_port()
        self.root = tmp
        self.app_dir = tmp / "app"
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = tmp / "history.sqlite"
        env = {**os.environ, "MOVEMENT_SCREEN_STORE": str(self.store), "MOVEMENT_SCREEN_APP_DIR": str(self.app_dir),
               "MOVEMENT_SCREEN_APP_MODE": mode, **(env or {})}
        if cli:
            command = [sys.executable, "-m", "movement_screen", "app", "--port", str(self.port), "--host",
                       "127.0.0.1", "--headless", *(["--local"] if mode == "local" else [])]
        else:
            command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                       str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
                       "--browser.gatherUsageStats", "false",
                       "--server.fileWatcherType", "none"]  # an edit in the checkout during a run must not stop it
        self.log = open(tmp / "streamlit.log", "a")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app did not start: see {tmp / 'streamlit.log'}")

    def processes(self) -> list[int]:
        """The server's process and every process under it (the analysis pool, its Dask workers)."""
        return [p.pid for p in process_tree(self.proc.pid)]

    def stop(self) -> None:
        stop_process(self.proc, self.log, timeout=20)

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a power cut would stop it."""
        self.proc.kill()
        self.proc.wait(timeout=20)
        self.log.close()


# What a page says while its analysis waits or runs in the queue (therapist's words and patient's words)
QUEUE_WORDS = re.compile(r"^(Saved and|Analysing: frame|Scoring the movement|Saving the upload|Your video is saved|"
                         r"Looking at your movement|Nearly done|Saving your video)")
NONE_APPLY = "None of these apply to me"
UPLOAD_BOXES = ("Video", "Second view of the same movement (optional)")  # the Screen page's upload boxes


def answer_questions(page) -> None:
    """Tick "None of these apply to me" (unless it is ticked): nothing is analysed before the safety questions are
    answered."""
    from playwright.sync_api import expect

    box = page.get_by_role("checkbox", name=NONE_APPLY)
    running = page.get_by_test_id("stStatusWidget")
    for _ in range(3):  # a tick landing on the previous page's questions, while the page changes, is lost
        expect(running).to_be_hidden(timeout=120_000)
        expect(box).to_have_count(1, timeout=60_000)
        if not box.is_checked():
            page.get_by_text(NONE_APPLY, exact=True).click()
            expect(box).to_be_checked(timeout=30_000)
        page.wait_for_timeout(1000)
        expect(running).to_be_hidden(timeout=120_000)
        if box.count() == 1 and box.is_checked():
            return
    raise AssertionError("the safety questions could not be answered")


def settle(page) -> None:
    """Wait until the app has been idle for a second: a rerun can start a moment after the click that caused it."""
    from playwright.sync_api import expect

    running = page.get_by_test_id("stStatusWidget")
    for _ in range(3):
        expect(running).to_be_hidden(timeout=120_000)
        page.wait_for_timeout(1000)
        if not running.is_visible():
            return


def upload(page, *videos: Path) -> None:
    """Put ``videos`` in the upload boxes (the first box, then the second view's) and wait until each is in."""
    from playwright.sync_api import expect

    for box, video in zip(UPLOAD_BOXES, videos):
        chip = page.locator(f'[data-testid="stFileChipName"][title="{Path(video).name}"]')
        for attempt in range(3):  # a file given while the page reruns (a patient just chosen) lands in a box that goes
            region = page.get_by_role("region", name=box, exact=True)
            expect(region).to_be_visible(timeout=120_000)
            settle(page)
            if attempt == 0:
                region.locator("input[type=file]").set_input_files(str(video))
            else:  # as a person does it: press Upload and choose the file
                with page.expect_file_chooser() as chooser:
                    region.get_by_role("button", name="Upload", exact=True).click()
                chooser.value.set_files(str(video))
            try:
                expect(chip).to_be_attached(timeout=60_000)
                break
            except AssertionError:
                continue
        else:
            shot(page, f"upload-failed-{Path(video).stem}")  # what the page showed instead
        expect(chip).to_be_attached(timeout=30_000)


def analyse_upload(page) -> None:
    """Answer the safety questions, then press "Analyse my movement" once the app is idle, and again only if, 30 s
    later, no analysis has started and nothing is running: under load a press that lands while the upload's own
    rerun is still running can be dropped by Streamlit, and a person would simply press again. Returns when the
    analysis has started (or finished)."""
    from playwright.sync_api import expect

    answer_questions(page)
    started = page.get_by_text("Finding the body").or_(page.get_by_text("Done: see the results below")).or_(
        page.get_by_text(QUEUE_WORDS)).or_(
        page.get_by_text("finding the body")).or_(page.get_by_text("No result this time")).or_(
        page.get_by_text("Not scored:")).or_(page.locator('[data-testid="stAlertContentError"]'))
    running = page.get_by_test_id("stStatusWidget")
    for _ in range(3):
        expect(running).to_be_hidden(timeout=120_000)  # no rerun in progress
        page.get_by_role("button", name="Analyse my movement").click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if started.first.is_visible():
                return
            if running.is_visible():  # the press is being handled: wait for it, do not press twice
                deadline = time.monotonic() + 30
            page.wait_for_timeout(500)
    raise AssertionError("no analysis started after pressing Analyse my movement three times")


def shot(page, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fake_camera(video: Path, folder: Path) -> Path:
    """An MJPEG file for Chromium's fake camera: 1.5 s of an empty grey room, then ``video`` (portrait 360x640);
    Chromium loops it."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    path = folder / "camera.mjpeg"
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=360x640:d=1.5:r=30",
                    "-i", str(video), "-filter_complex",
                    "[1:v]scale=360:640,fps=30,setsar=1[b];[0:v]setsar=1[a];[a][b]concat=n=2:v=1[out]",
                    "-map", "[out]", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", str(path)], check=True)
    return path


def camera_flags(camera: Path) -> list[str]:
    """Chromium's flags with ``camera`` (from :func:`fake_camera`) as the webcam, allowed without asking."""
    return CHROMIUM_FLAGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-video-capture={camera}"]


def open_webcam_page(page, url: str) -> None:
    """The app's Webcam page with the deep squat chosen."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_text("Webcam", exact=True).click()
    expect(page.get_by_text("Live camera")).to_be_visible(timeout=60_000)
    answer_questions(page)
    expect(page.get_by_text("Where the pose model runs")).to_be_visible(timeout=60_000)
    page.get_by_role("radiogroup", name="Screen").last.get_by_text("Deep squat", exact=True).click()


def start_in_page_camera(page):
    """Press the in-page camera's Start camera; returns the component's frame and its status line."""
    from playwright.sync_api import expect

    frame = page.frame_locator("iframe[title*='browser_pose']").first
    frame.get_by_role("button", name="Start camera").click(timeout=120_000)
    status = frame.locator("#status")
    expect(status).to_contain_text("Frames processed", timeout=180_000)
    return frame, status


# Watches the in-page camera's status line from inside the page: at the first empty-room frame after the person
# (the start of the fake camera's 1.5 s empty room) it presses Start recording, and after the person has come and
# gone again (3 empty frames in a row) it presses Stop and score. Pressing from the test instead raced the camera:
# under load a click could land after the person had stepped in (the start of the squat lost, 0 repetitions) or a
# polled status could catch a single missed detection mid-squat.
ONE_PASS_JS = """(status) => {
  const press = (id) => document.getElementById(id).click();
  const empty = () => status.innerText.includes("Step into the picture");
  let seen = false, person = false, run = 0;
  status.dataset.pass = "waiting";
  new MutationObserver((_, watcher) => {
    if (status.dataset.pass === "waiting") {
      if (!empty()) seen = true;
      else if (seen && !document.getElementById("record").disabled) {
        press("record");
        status.dataset.pass = "recording";
      }
    } else if (!empty()) {
      person = true;
      run = 0;
    } else if (person && ++run >= 3) {
      status.dataset.text = status.innerText;
      status.dataset.pass = "done";
      watcher.disconnect();
      press("stop");
    }
  }).observe(status, { childList: true, subtree: true, characterData: true });
}"""


def record_one_pass(frame, status) -> str:
    """Record exactly one pass of the looped fake camera in the page (from the empty room, through the movement, to
    the empty room again) and press Stop and score; returns the status text at the end of the pass."""
    from playwright.sync_api import expect

    expect(frame.get_by_role("button", name="Start recording")).to_be_enabled(timeout=60_000)
    status.evaluate(ONE_PASS_JS)
    expect(status).to_have_attribute("data-pass", "recording", timeout=60_000)
    expect(status).to_have_attribute("data-pass", "done", timeout=60_000)
    return status.get_attribute("data-text")
