"""The stage timings bench/bench_all.py's stage table reads: recorded only when asked, per thread, adding up."""

import json
import os
import subprocess
import sys

import pytest

from clips import clip

pytestmark = pytest.mark.pipeline


def test_an_analysis_records_its_stages_when_asked_and_they_add_up(tmp_path):
    record = tmp_path / "stages.json"
    env = {**os.environ, "MOVEMENT_SCREEN_STAGES": str(record)}
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip("lnewco_ohs_7026_side.mov")),
                           "--screen", "squat", "--out", str(tmp_path / "out"), "--quiet", "--no-red-flags"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(record.read_text())
    main = data["threads"]["MainThread"]
    frames = len(json.loads((tmp_path / "out" / "result.json").read_text())["sources"]) and \
        main["waiting for decoded frames"]["calls"] - 1  # one last wait finds the end
    assert frames > 50
    assert main["landmark network"]["calls"] >= frames and main["crop"]["calls"] == main["landmark network"]["calls"]
    assert sum(s["seconds"] for s in main.values()) <= data["wall_s"] + 0.01  # the main thread's stages never overlap
    assert data["threads"]["frame-decoder"]["decode"]["calls"] >= frames
    assert data["threads"]["kept-copy-writer"]["write"]["calls"] == frames  # a short clip: every picture kept raw
    assert "kept-copy-encoder" not in data["threads"]
    assert data["threads"]["video-encoder"]["encode"]["calls"] >= 1 and "draw" in data["threads"]["annotate"]


def test_nothing_is_recorded_unless_asked(tmp_path):
    from movement_screen import stages

    assert not stages.on() or os.environ.get("MOVEMENT_SCREEN_STAGES")
    with stages.stage("anything"):
        pass
    stages.add("anything", 1.0)
    assert not stages._totals or os.environ.get("MOVEMENT_SCREEN_STAGES")
