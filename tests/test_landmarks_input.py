"""Scoring a landmark series (the project's landmarks.csv) instead of a video: the same numbers out."""

import subprocess
import sys

import numpy as np
import pytest

from clips import clip
from movement_screen import api
from movement_screen.errors import InputError
from movement_screen.report.files import write_landmarks_csv

pytestmark = pytest.mark.pipeline


def same_result(a, b):
    assert a.screen == b.screen
    assert len(a.repetitions) == len(b.repetitions)
    assert [(e.type, e.side, e.frame) for e in a.events] == [(e.type, e.side, e.frame) for e in b.events]
    for x, y in zip(a.criteria, b.criteria):
        assert (x.id, x.state) == (y.id, y.state), x.id
        if x.value is not None and y.value is not None:
            assert y.value == pytest.approx(x.value, rel=1e-9, abs=1e-9), x.id
    for name, value in a.metrics.items():
        other = b.metrics.get(name)
        if isinstance(value, float) and np.isfinite(value) and other is not None:
            assert other == pytest.approx(value, rel=1e-9, abs=1e-9), name


@pytest.mark.parametrize("names, screen", [
    (["lnewco_ohs_7032_side.mov", "lnewco_ohs_7033_front.mov"], "auto"),
    (["toe_touch_side.mp4"], "auto"),
    (["sports2d_demo_gait_sagittal.mp4"], "auto"),
])
def test_scoring_the_landmarks_gives_what_scoring_the_video_gave(names, screen, tmp_path, model):
    from_video = api.analyze([clip(n) for n in names], screen, pain="no")
    table = write_landmarks_csv(from_video, tmp_path / "landmarks.csv")
    from_landmarks = api.analyze(table, screen, pain="no")
    same_result(from_video.result, from_landmarks.result)
    assert [s.input for s in from_landmarks.result.sources] == ["landmarks"] * len(names)
    assert [s.input for s in from_video.result.sources] == ["video"] * len(names)


def test_a_damaged_landmarks_file_names_the_row_and_column(tmp_path, model):
    analysis = api.analyze(clip("lnewco_ohs_7032_side.mov"), "squat", pain="no")
    table = write_landmarks_csv(analysis, tmp_path / "landmarks.csv")
    lines = table.read_text().splitlines()
    broken = tmp_path / "broken.csv"
    fields = lines[40].split(",")
    fields[6] = "12,x"  # a damaged x_px value
    broken.write_text("\n".join(lines[:40] + [",".join(fields)] + lines[41:]) + "\n")
    with pytest.raises(InputError, match="row 41"):
        api.analyze(broken, "squat")
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(lines[:500]) + "\n" + lines[500][:25] + "\n")  # truncated mid-row
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(cut), "--screen", "squat",
                           "--out", str(tmp_path / "o"), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 3 and "row 501" in done.stderr and len(done.stderr.strip().splitlines()) == 1
