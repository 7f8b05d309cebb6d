"""movement-screen batch on real clips: the tables, resuming, a kill -9 mid-batch, and a Dask cluster that loses
a worker."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clips import clip

pytestmark = pytest.mark.pipeline


def start(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "movement_screen", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def run(*args):
    return subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], capture_output=True, text=True,
                          timeout=900)


def table(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def finished(out: Path) -> dict[str, float]:
    """Result folders that are complete, with their marker's modification time."""
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/batch.json")}


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "videos"
    copy(clip("lnewco_ohs_7032_side.mov"), root / "visit 1" / "squat.mov")
    copy(clip("lnewco_ohs_7033_front.mov"), root / "visit ü" / "squat.mov")  # same name, other folder
    copy(clip("sports2d_demo_gait_sagittal.mp4"), root / "walk recording.dat")  # a video only by its content
    (root / "notes.mp4").write_text("not a video\n")
    (root / "empty.mp4").write_bytes(b"")
    (root / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def test_batch_writes_tidy_tables_and_resumes(folder, tmp_path):
    out = tmp_path / "out"
    done = run("batch", folder, "--out", out, "--workers", "2", "--no-video", "--quiet")
    assert done.returncode == 3, done.stderr  # some videos failed, and the exit code says so
    assert "Traceback" not in done.stderr and "errors.csv" in done.stderr
    assert "5 video(s): 5 scored now, 0 already done; ignored 1 image" in done.stdout

    rows = {r["path"]: r for r in table(out / "summary.csv")}
    assert sorted(rows) == ["empty.mp4", "notes.mp4", "visit 1/squat.mov", "visit ü/squat.mov", "walk recording.dat"]
    assert rows["visit 1/squat.mov"]["screen"] == rows["visit ü/squat.mov"]["screen"] == "squat"
    assert rows["visit 1/squat.mov"]["views"] == "oblique" and rows["visit ü/squat.mov"]["views"] == "frontal"
    assert "thigh_below_horizontal" in rows["visit 1/squat.mov"]["failed"]
    assert float(rows["visit 1/squat.mov"]["metric.depth_margin_thigh_lengths"]) < -0.3
    assert rows["walk recording.dat"]["screen"] == "gait"
    assert rows["visit 1/squat.mov"]["output"] != rows["visit ü/squat.mov"]["output"]
    errors = {r["path"]: r["error"] for r in table(out / "errors.csv")}
    assert "empty (0 bytes)" in errors["empty.mp4"] and "not a readable video" in errors["notes.mp4"]
    assert {r["status"] for r in rows.values()} == {"ok", "failed"}

    ok = [r for r in rows.values() if r["status"] == "ok"]
    for row in ok:
        result = json.loads((out / row["output"] / "result.json").read_text())
        assert result["screen"] == row["screen"]
        assert not (out / row["output"] / "annotated.mp4").exists()  # --no-video
    criteria = table(out / "criteria.csv")
    assert {r["path"] for r in criteria} == {r["path"] for r in ok}
    assert any(r["criterion"] == "thigh_below_horizontal" and r["state"] == "fail" for r in criteria)
    import pyarrow.parquet as pq
    parquet = pq.read_table(out / "summary.parquet").to_pylist()
    assert sorted(r["path"] for r in parquet) == sorted(rows)
    assert not (out / ".partial").exists()

    before = finished(out)
    again = run("batch", folder, "--out", out, "--workers", "2", "--no-video", "--quiet")
    assert "0 scored now, 5 already done" in again.stdout and again.returncode == 3
    assert finished(out) == before  # nothing redone
    assert len(table(out / "summary.csv")) == 5

    copy(clip("lnewco_ohs_7026_side.mov"), folder / "walk recording.dat")  # new content under the same name
    third = run("batch", folder, "--out", out, "--no-video", "--quiet")
    assert "1 scored now, 4 already done" in third.stdout
    rows = {r["path"]: r for r in table(out / "summary.csv")}
    assert rows["walk recording.dat"]["screen"] == "squat" and len(rows) == 5

    retry = run("batch", folder, "--out", out, "--no-video", "--quiet", "--retry-failed")
    assert "2 scored now, 3 already done" in retry.stdout


def test_kill_9_mid_batch_loses_nothing_finished(tmp_path):
    root = tmp_path / "videos"
    for i in range(4):
        copy(clip("lnewco_ohs_7032_side.mov" if i % 2 else "lnewco_ohs_7033_front.mov"), root / f"clip{i}.mp4")
    out = tmp_path / "out"
    proc = start("batch", root, "--out", out, "--quiet")
    deadline = time.time() + 300
    while not finished(out) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its worker processes
    proc.wait()
    done_before = finished(out)
    assert 1 <= len(done_before) <= 4
    for name in done_before:  # a result folder is complete or absent
        assert (out / name / "result.json").exists()
    if (out / "summary.csv").exists():
        rows = table(out / "summary.csv")
        assert len({r["output"] for r in rows}) == len(rows) and {r["output"] for r in rows} <= set(done_before)

    resumed = run("batch", root, "--out", out, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{4 - len(done_before)} scored now, {len(done_before)} already done" in resumed.stdout
    after = finished(out)
    assert all(after[name] == done_before[name] for name in done_before)  # finished work was kept, not redone
    rows = table(out / "summary.csv")
    assert len(rows) == 4 and len({r["output"] for r in rows}) == 4 and {r["status"] for r in rows} == {"ok"}
    assert not (out / ".partial").exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        [*after, "summary.csv", "criteria.csv", "errors.csv", "summary.parquet"])


def dask_process(*args, log: Path):
    exe = shutil.which("dask")
    if exe is None:
        pytest.skip("dask is not installed (pip install 'movement-screen[cluster]')")
    return subprocess.Popen([exe, *args], stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)


def test_dask_cluster_losing_a_worker_scores_every_video_once(tmp_path):
    distributed = pytest.importorskip("distributed")
    root = tmp_path / "videos"
    names = ["lnewco_ohs_7026_side.mov", "lnewco_ohs_7033_front.mov", "lnewco_ohs_7032_side.mov"]
    for i in range(6):
        copy(clip(names[i % 3]), root / f"subject {i}" / "screen.mp4")
    scheduler_file = tmp_path / "scheduler.json"
    procs = [dask_process("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file",
                          scheduler_file, log=tmp_path / "scheduler.log")]
    try:
        deadline = time.time() + 60
        while not scheduler_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        workers = [dask_process("worker", "--scheduler-file", scheduler_file, "--nthreads", "1", "--no-nanny",
                                "--no-dashboard", "--name", f"w{i}", log=tmp_path / f"worker{i}.log") for i in range(2)]
        procs += workers
        with distributed.Client(scheduler_file=str(scheduler_file), timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address

        out = tmp_path / "out"
        batch = start("batch", root, "--out", out, "--dask", address, "--no-video", "--quiet")
        deadline = time.time() + 600
        while not finished(out) and time.time() < deadline and batch.poll() is None:
            time.sleep(0.05)
        assert len(finished(out)) < 6, "the batch ended before a worker could be killed"
        os.killpg(workers[0].pid, signal.SIGKILL)  # one worker dies mid-run, with its task
        stdout, stderr = batch.communicate(timeout=600)
        assert batch.returncode == 0, stderr[-3000:]
        assert "6 scored now" in stdout

        rows = table(out / "summary.csv")
        assert len(rows) == 6 and {r["status"] for r in rows} == {"ok"}
        assert len({r["output"] for r in rows}) == 6
        outputs = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
        assert len(outputs) == 6 and all(len(list(p.glob("result.json"))) == 1 for p in outputs)
        records = [json.loads((p / "batch.json").read_text()) for p in outputs]
        assert {r["worker"].split(":")[1] for r in records} <= {str(workers[1].pid), str(workers[0].pid)}
        assert any(r["worker"].endswith(f":{workers[1].pid}") for r in records)
        assert not (out / ".partial").exists()  # the killed worker's half-written folder is cleared
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
