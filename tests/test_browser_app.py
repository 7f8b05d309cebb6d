"""The app in a real browser: a person uploads a squat clip and reads the score, criteria and plan.
Screenshots of each step are saved in test-output/browser/."""

from pathlib import Path

import pytest

from browser import CHROMIUM_FLAGS, AppServer, analyse_upload, chromium, shot
from clips import clip

pytestmark = pytest.mark.pipeline


@pytest.fixture
def server(tmp_path):
    app = AppServer(tmp_path)
    yield app
    app.stop()


def test_upload_a_squat_clip_and_read_the_results(server):
    from playwright.sync_api import expect, sync_playwright

    video = clip("lnewco_ohs_7032_side.mov")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(server.url)
        expect(page.get_by_text("1. Choose a screen")).to_be_visible(timeout=60_000)
        page.get_by_text("Deep squat", exact=True).click()
        expect(page.get_by_text("How to film: Deep squat (arms overhead)")).to_be_visible(timeout=30_000)
        shot(page, "upload-1-choose-screen")

        page.locator("input[type=file]").first.set_input_files(str(video))
        chosen = page.locator('[data-testid="stFileChipName"][title="lnewco_ohs_7032_side.mov"]')
        expect(chosen).to_be_attached(timeout=60_000)
        chosen.scroll_into_view_if_needed()
        shot(page, "upload-2-file-chosen")

        analyse_upload(page)
        expect(page.get_by_text("Done: see the results below")).to_be_visible(timeout=300_000)
        expect(page.get_by_text("Results: Deep squat")).to_be_visible()
        expect(page.get_by_text("1-2 / 3")).to_be_visible()
        expect(page.get_by_text("Score between 1 and 2 out of 3").first).to_be_visible()  # the range in words
        expect(page.get_by_text("Thighs go below level: needs work").first).to_be_visible()
        expect(page.get_by_text("Your exercise plan")).to_be_visible()
        page.get_by_text("Results: Deep squat").scroll_into_view_if_needed()
        shot(page, "upload-3-results")
        page.get_by_text("Your exercise plan").scroll_into_view_if_needed()
        shot(page, "upload-4-plan")
        page.get_by_text("Details for therapists").click()
        evidence = page.get_by_text("Evidence frames", exact=True)
        expect(evidence).to_be_visible(timeout=30_000)
        evidence.scroll_into_view_if_needed()
        shot(page, "upload-5-therapist-details")
        browser.close()


def test_app_command_serves_the_app(tmp_path):
    """`movement-screen app` starts the same app (from the installed package, not the checkout's app.py)."""
    import subprocess
    import sys
    import time
    import urllib.request

    from browser import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "movement_screen", "app", "--headless", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
    try:
        deadline, healthy = time.time() + 60, False
        while time.time() < deadline and not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                    healthy = reply.status == 200
            except OSError:
                time.sleep(0.3)
        assert healthy
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "Traceback" not in output
    # A folder named pages beside the script Streamlit runs (app/run.py) would add Streamlit's own page menu, a
    # blank page per module, for every visitor, patients and the log-in form included.
    import movement_screen.app as app_package

    assert not (Path(app_package.__file__).parent / "pages").exists()
