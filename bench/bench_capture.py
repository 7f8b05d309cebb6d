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


def session(page, app, engine: str) -> tuple[float, float]:
    """One session on the Webcam page with ``engine``: (live frames/s, server CPU seconds)."""
    from playwright.sync_api import expect

    from browser import open_webcam_page, record_one_pass, start_in_page_camera

    open_webcam_page(page, app.url)
    before = cpu_seconds(app.proc.pid)
    if engine == "browser":
        frame, status = start_in_page_camera(page)
        text = record_one_pass(frame, status)
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

    from browser import AppServer, camera_flags, chromium, fake_camera

    video = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    folder = Path(tempfile.mkdtemp(prefix="ms-capture-"))
    flags = camera_flags(fake_camera(video, folder))
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
