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


def test_a_slow_device_measuring_the_body_8_times_a_second_gives_the_same_squat(tmp_path, model):
    """The in-page camera on a slow phone: empty-room frames at the camera's rate, then the person measured only
    every 3rd or 4th frame (8-9 times a second, unevenly) while the page's frame clock says 25."""
    import csv

    video = api.analyze(clip("lnewco_ohs_7032_side.mov"), "squat", pain="no")
    with write_landmarks_csv(video, tmp_path / "full.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_frame = {}
    for row in rows:
        by_frame.setdefault(int(row["frame"]), []).append(row)
    kept, k = [], 0
    while k < len(by_frame):
        kept.append(k)
        k += 3 if len(kept) % 2 else 4
    slow, frame = [], 0
    empty = {**rows[0], **{c: "" for c in ("person", "subject", "landmark", "x_px", "y_px", "visibility",
                                           "world_x_m", "world_y_m", "world_z_m")}, "fps": "25"}
    for i in range(30):  # 1 s of the empty room before and after
        slow.append({**empty, "frame": str(frame), "time_s": f"{i / 30:.6f}"})
        frame += 1
    for k in kept:
        for row in by_frame[k]:
            slow.append({**row, "frame": str(frame), "time_s": f"{1 + float(row['time_s']):.6f}", "fps": "25"})
        frame += 1
    end = 1 + float(by_frame[kept[-1]][0]["time_s"])
    for i in range(1, 31):
        slow.append({**empty, "frame": str(frame), "time_s": f"{end + i / 30:.6f}"})
        frame += 1
    table = tmp_path / "slow.csv"
    with table.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(slow)
    scored = api.analyze(table, "squat", pain="no").result
    assert len(scored.repetitions) == len(video.result.repetitions) == 1
    for criterion in ("thigh_below_horizontal", "heels_down"):
        assert scored.criterion(criterion).state == video.result.criterion(criterion).state, criterion
    assert scored.quality_ok  # the empty room before and after is not the model losing the person
    slow_rate = next(i.message for i in scored.quality_issues if i.code == "slow_measurement")
    assert "measured only 8 times a second" in slow_rate or "measured only 9 times a second" in slow_rate
    depth = scored.criterion("thigh_below_horizontal")
    assert depth.value == pytest.approx(video.result.criterion("thigh_below_horizontal").value, abs=0.05)  # thighs
