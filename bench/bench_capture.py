"""At-home capture: the pose model in the page against the server-side camera, on this machine.

    python bench/bench_capture.py [VIDEO]

Starts the app (local mode) and headless Chromium with VIDEO (default: a shared side-view squat, after 1.5 s of an
empty room) looped as the camera. For each path it records one pass of the loop and scores it, and prints:
the frames/s processed live (in the page by MediaPipe's web landmarker; on the server by the Tasks landmarker
over WebRTC) and the server's CPU seconds for the whole session (camera on, recording, scoring), read from
/proc for the app's process. The in-page path sends landmarks only, so the server's share is the scoring.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
DEFAULT = ROOT.parent / "shared" / "videos" / "lnewco_ohs_7032_side.mov"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its finished children (clock ticks from /proc)."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def camera_file(video: Path, folder: Path) -> Path:
    path = folder / "camera.mjpeg"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=360x640:d=1.5:r=30",
                    "-i", str(video), "-filter_complex",
                    "[1:v]scale=360:640,fps=30,setsar=1[b];[0:v]setsar=1[a];[a][b]concat=n=2:v=1[out]",
                    "-map", "[out]", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", str(path)], check=True)
    return path


def session(page, app, engine: str) -> tuple[float, float]:
    """One session on the Webcam page with ``engine``: (live frames/s, server CPU seconds)."""
    from playwright.sync_api import expect

    page.goto(app.url)
    page.get_by_text("Webcam", exact=True).click()
    expect(page.get_by_text("Where the pose model runs")).to_be_visible(timeout=60_000)
    page.get_by_role("radiogroup", name="Screen").last.get_by_text("Deep squat", exact=True).click()
    before = cpu_seconds(app.proc.pid)
    if engine == "browser":
        frame = page.frame_locator("iframe[title*='browser_pose']").first
        frame.get_by_role("button", name="Start camera").click(timeout=120_000)
        status = frame.locator("#status")
        expect(status).to_contain_text("Step into the picture", timeout=180_000)
        frame.get_by_role("button", name="Start recording").click()
        expect(status).to_contain_text("Good set-up", timeout=60_000)
        expect(status).to_contain_text("Step into the picture", timeout=60_000)
        text = status.inner_text()
        frame.get_by_role("button", name="Stop and score").click()
    else:
        page.get_by_text("On the server (the video is sent to it)").click()
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']").first
        frame.get_by_role("button", name="START").click(timeout=120_000)
        page.get_by_text("Frames processed:").wait_for(timeout=120_000)
        page.wait_for_function("() => /Set-up: Step into the picture/.test(document.body.innerText)",
                               timeout=120_000)
        page.get_by_role("button", name="Start recording").click()
        page.wait_for_function("() => /Set-up: Good set-up/.test(document.body.innerText)", timeout=60_000)
        page.wait_for_function("() => /Set-up: Step into the picture/.test(document.body.innerText)",
                               timeout=60_000)
        text = page.get_by_text("Frames processed:").first.inner_text()
        page.get_by_role("button", name="Stop and score").click()
    expect(page.get_by_text("Results: Deep squat")).to_be_visible(timeout=300_000)
    used = cpu_seconds(app.proc.pid) - before
    rate = float(re.search(r"\(([\d.]+) per second\)", text).group(1))
    return rate, used


def main() -> None:
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_FLAGS, AppServer, chromium

    video = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    folder = Path(tempfile.mkdtemp(prefix="ms-capture-"))
    camera = camera_file(video, folder)
    flags = CHROMIUM_FLAGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={camera}"]
    print(f"camera: {video.name} after 1.5 s of an empty room, looped; one pass recorded and scored")
    print("| path | live frames/s | server CPU s per session |")
    print("|---|---|---|")
    for engine, label in (("browser", "pose model in the page (landmarks sent)"),
                          ("server", "server-side camera (WebRTC video sent)")):
        (folder / engine).mkdir()
        app = AppServer(folder / engine)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium(), args=flags)
                page = browser.new_page(viewport={"width": 1280, "height": 1800})
                session(page, app, engine)  # warm: the model and the page's files are loaded once per server
                rate, used = session(page, app, engine)
                browser.close()
        finally:
            app.stop()
        print(f"| {label} | {rate:.1f} | {used:.1f} |", flush=True)
    time.sleep(0.1)


if __name__ == "__main__":
    main()
