"""OpenSim exports on a shared clip, read back with a parser written from the formats' documentation:
TRC (PathFileType 4, tab-separated: header keys and values, marker names over X/Y/Z triplets, then one row per
frame) and MOT (a header ending in ``endheader``, then a tab-separated table with ``time`` first)."""

import csv
import re
import subprocess
import sys

import numpy as np
import pytest

from clips import clip
from movement_screen.pose import landmarks as lm

pytestmark = pytest.mark.pipeline


def read_trc(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["PathFileType", "4", "(X/Y/Z)"]
    keys, values = lines[1].split("\t"), lines[2].split("\t")
    header = dict(zip(keys, values))
    names = [n for n in lines[3].split("\t")[2:] if n]
    axes = lines[4].split("\t")[2:]
    rows = [line.split("\t") for line in lines[5:] if line.strip()]
    data = np.array([[float(v) if v else np.nan for v in row[2:]] for row in rows])
    return lines[0], header, names, axes, rows, data


def read_mot(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    end = lines.index("endheader")
    header = dict(line.split("=", 1) for line in lines[1:end] if "=" in line)
    columns = lines[end + 1].split("\t")
    data = np.array([[float(v) for v in line.split("\t")] for line in lines[end + 2:] if line.strip()])
    return header, columns, data


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("opensim")
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip("lnewco_ohs_7032_side.mov")),
                           "--out", str(out), "--no-video", "--quiet", "--export", "trc,mot"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def test_trc_header_frames_and_columns_agree_with_the_data(exported):
    first, header, names, axes, rows, data = read_trc(exported / "markers.trc")
    assert "ASSUMES a height of 1.70 m" in first  # no --height-cm: the assumption is stated
    assert int(header["NumMarkers"]) == 33 and header["Units"] == "m"
    assert int(header["NumFrames"]) == len(rows) == data.shape[0]
    assert names == list(lm.NAMES) and axes[:3] == ["X1", "Y1", "Z1"] and len(axes) == 3 * 33
    assert data.shape[1] == 3 * 33
    times = np.array([float(r[1]) for r in rows])
    rate = float(header["DataRate"])
    assert rate == pytest.approx(1 / np.median(np.diff(times)), rel=0.02)
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))


def test_trc_markers_are_the_landmarks_after_the_stated_transform(exported):
    first, header, names, axes, rows, data = read_trc(exported / "markers.trc")
    body_px = float(re.search(r"([\d.]+) px tall", first).group(1))
    scale = 1.70 / body_px
    with (exported / "landmarks.csv").open(newline="") as handle:
        subject = [r for r in csv.DictReader(handle) if r["subject"] == "1"]
    height = int(subject[0]["frame_height"])
    frames = sorted({int(r["frame"]) for r in subject})
    assert len(frames) == len(rows)  # one TRC row per frame of the subject
    by_key = {(int(r["frame"]), r["landmark"]): r for r in subject}
    for i, frame in enumerate(frames[:: max(1, len(frames) // 10)]):
        row = frames.index(frame)
        for j, name in enumerate(lm.NAMES):
            r = by_key[(frame, name)]
            x, y, z = data[row, 3 * j: 3 * j + 3]
            assert x == pytest.approx(float(r["x_px"]) * scale, abs=2e-5)
            assert y == pytest.approx((height - float(r["y_px"])) * scale, abs=2e-5)
            assert z == 0
    standing = np.nanmax(data[:, 3 * lm.NOSE + 1]) - np.nanmin(data[:, 3 * lm.L_HEEL + 1])
    assert 1.2 < standing < 1.8  # a standing person of about the assumed height, Y up


def test_mot_header_and_table_agree(exported):
    header, columns, data = read_mot(exported / "angles.mot")
    assert header["inDegrees"] == "yes" and columns[0] == "time"
    assert int(header["nRows"]) == data.shape[0] and int(header["nColumns"]) == len(columns) == data.shape[1]
    assert np.all(np.diff(data[:, 0]) > 0)
    with (exported / "angles.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == data.shape[0]
    knee = columns.index("knee_flexion_left")
    expected = np.array([float(r["knee_flexion_left_deg"]) if r["knee_flexion_left_deg"] else np.nan for r in table])
    assert np.allclose(data[:, knee], expected, atol=0.01, equal_nan=True)


def test_opensim_reads_the_files(exported):
    opensim = pytest.importorskip("opensim", reason="OpenSim's Python package (pip install opensim) is not installed "
                                                    "here: the files are checked with the parser above instead")
    _, header, names, _, rows, data = read_trc(exported / "markers.trc")
    markers = opensim.TimeSeriesTableVec3(str(exported / "markers.trc"))
    assert markers.getNumRows() == int(header["NumFrames"]) and markers.getNumColumns() == 33
    assert markers.getColumnLabel(0) == "nose"
    first = markers.getRowAtIndex(0)[0]
    assert [first.get(i) for i in range(3)] == pytest.approx(list(data[0, :3]), abs=1e-6)
    mot_header, columns, table = read_mot(exported / "angles.mot")
    motion = opensim.TimeSeriesTable(str(exported / "angles.mot"))
    assert motion.getNumRows() == table.shape[0] and motion.getNumColumns() == len(columns) - 1  # time is the index
