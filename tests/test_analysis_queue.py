"""The analysis queue: jobs kept in the store, run by Dask worker processes, never lost, nothing left on disk."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clips import clip
from movement_screen.jobs import records
from movement_screen.jobs.pool import AnalysisPool, QueueSettings
from movement_screen.jobs.sweep import sweep
from movement_screen.store.db import Database
from movement_screen.store.history import Store

ANSWERS = {"answers": {}, "answered_at": "2026-12-06T10:00:00+00:00"}


def queued(db, root: Path, video: Path | None, patient: str | None = "P1", screen: str = "squat",
           copy: bool = True, limit: int = 50) -> tuple[int, Path]:
    """A job as a page makes it: reserved, its upload saved into its folder, then put in line."""
    folder = root / f"job{len(list(root.iterdir())) if root.exists() else 0}"
    job_id = records.create(db, created_by="ann", visitor="therapist", patient=patient, link_key=None,
                            screen=screen, folder=str(folder))
    folder.mkdir(parents=True)
    saved = folder / (video.name if video else "clip.mp4")
    if video is None:
        saved.write_text("not a video")
    elif copy:
        shutil.copy(video, saved)
    request = {"videos": [str(saved)], "own": True, "screen": screen, "model": "full", **ANSWERS,
               "privacy": "none", "on": "2026-12-06"}
    records.enqueue(db, job_id, request, limit)
    return job_id, folder


def wait_for(db, job_id: int, timeout: float = 300) -> records.Job:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = records.get(db, job_id)
        if job is None or job.finished:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture
def pool(tmp_path, model):
    root = tmp_path / "app"
    root.mkdir()
    location = str(tmp_path / "history.sqlite")
    Database(location).close()
    pool = AnalysisPool(location, root, QueueSettings(workers=1), interval_s=0.2)
    yield pool
    pool.close()


@pytest.mark.pipeline
def test_an_analysis_runs_in_a_worker_and_is_recorded_with_its_files(pool):
    """The page's part ends with the job in line: a worker process claims it, reports progress, records the
    session with the uploaded clip, and a refused clip in the same queue leaves nothing behind."""
    root = Path(pool.root)
    db = Database(pool.location)
    good, good_folder = queued(db, root, clip("lnewco_ohs_7026_side.mov"))
    bad, bad_folder = queued(db, root, None)
    seen_progress = set()
    end = time.monotonic() + 300
    while time.monotonic() < end and not records.get(db, good).finished:
        job = records.get(db, good)
        if job.state == records.RUNNING and job.expected:
            seen_progress.add(job.done)
        time.sleep(0.2)
    job = wait_for(db, good)
    assert job.state == records.DONE, job.error
    assert job.worker and job.worker.rsplit(":", 1)[1] != str(os.getpid())  # another process ran it
    assert len(seen_progress) >= 2  # the page could show it moving
    with Store(pool.location) as store:
        (session,) = store.sessions("P1")
    assert session.id == job.session_id and job.outcome["result_dir"] == str(good_folder / "results")
    assert str((good_folder / "lnewco_ohs_7026_side.mov").resolve()) in session.files  # erased with the patient
    refused = wait_for(db, bad)
    assert refused.state == records.FAILED and refused.error_kind == "InputError"
    assert "not a readable video" in refused.error or "cannot" in refused.error
    assert not bad_folder.exists()
    assert sweep(db, root) == []  # everything left on disk is recorded
    db.close()


def test_jobs_wait_in_order_and_the_bound_refuses_more(store_location, tmp_path):
    db = Database(store_location)
    first, _ = queued(db, tmp_path / "app", tmp_path / "a.mp4", copy=False, limit=2)
    second, _ = queued(db, tmp_path / "app", tmp_path / "b.mp4", copy=False, limit=2)
    with pytest.raises(records.QueueFull, match="waiting already"):
        queued(db, tmp_path / "app", tmp_path / "c.mp4", copy=False, limit=2)
    assert [records.ahead(db, records.get(db, i)) for i in (first, second)] == [0, 1]
    assert records.next_queued(db, 5) == [first, second]
    assert records.claim(db, first, "host:1") and not records.claim(db, first, "host:2")  # once only
    assert records.next_queued(db, 5) == [second]
    assert records.cancel(db, second) and not records.cancel(db, first)  # a running job is not cancelled
    db.close()


def test_a_job_whose_worker_died_runs_again_then_fails_with_its_reason(store_location, tmp_path):
    """A server or worker killed mid-analysis: its job goes back in line, and after a second loss it is failed with
    the reason; none vanishes."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    here = records.worker_id().rsplit(":", 1)[0]
    db = Database(store_location)
    job_id, _ = queued(db, tmp_path / "app", tmp_path / "a.mp4", copy=False)
    assert records.claim(db, job_id, f"{here}:{dead.pid}")
    assert records.recover(db) == [(job_id, "put back in line: its worker stopped")]
    assert records.get(db, job_id).state == records.QUEUED
    assert records.claim(db, job_id, f"{here}:{dead.pid}")
    assert records.recover(db) == [(job_id, "failed: its worker stopped twice")]
    job = records.get(db, job_id)
    assert job.state == records.FAILED and "stopped twice" in job.error
    alive_elsewhere, _ = queued(db, tmp_path / "app", tmp_path / "b.mp4", copy=False)
    records.claim(db, alive_elsewhere, "another-host:1")  # beating recently on another machine: left alone
    assert records.recover(db) == []
    db.close()


def test_erasing_a_patient_removes_their_waiting_jobs_and_files(store_location, tmp_path):
    root = tmp_path / "app"
    db = Database(store_location)
    job_id, folder = queued(db, root, tmp_path / "a.mp4", copy=False, patient="E1")
    (folder / "upload.mp4").write_bytes(b"video")
    kept, kept_folder = queued(db, root, tmp_path / "b.mp4", copy=False, patient="E2")
    db.close()
    with Store(store_location) as store:
        store.add_patient("E1")
        store.add_patient("E2")
        done = store.delete_patient("E1")
        assert str(folder / "upload.mp4") in done["files_removed"]
        assert records.get(store.db, job_id) is None and records.get(store.db, kept) is not None
    assert not folder.exists() and kept_folder.exists()


def test_the_sweep_removes_only_what_nothing_records(store_location, tmp_path):
    root = tmp_path / "app"
    db = Database(store_location)
    waiting, waiting_folder = queued(db, root, tmp_path / "a.mp4", copy=False)
    orphan = root / "left-by-a-killed-server"
    (orphan / "results").mkdir(parents=True)
    (orphan / "upload.mov").write_bytes(b"video")
    saved = root / "a-session"
    saved.mkdir()
    (saved / "result.json").write_text("{}")
    db.close()
    with Store(store_location) as store:
        store.add_session("P1", {"screen": "squat", "sources": []}, files=[saved / "result.json"])
        assert sweep(store.db, root) == [str(orphan)]
        records.cancel(store.db, waiting)
        assert sweep(store.db, root) == [str(waiting_folder)]  # a cancelled job holds nothing
    assert saved.exists() and not orphan.exists()


def test_queue_command_lists_and_cancels(tmp_path):
    location = tmp_path / "history.sqlite"
    db = Database(location)
    job_id, folder = queued(db, tmp_path / "app", tmp_path / "a.mp4", copy=False, patient="Q1")
    failed, _ = queued(db, tmp_path / "app", tmp_path / "b.mp4", copy=False, patient="Q2")
    records.fail(db, failed, "No person was found in the video.", "NoPersonError")
    db.close()
    run = lambda *a: subprocess.run([sys.executable, "-m", "movement_screen", "queue", *a, "--store", str(location)],  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    listed = run()
    assert listed.returncode == 0, listed.stderr
    assert "0 running, 1 waiting, 1 failed" in listed.stdout
    assert f"job {failed} failed" in listed.stdout and "No person was found" in listed.stdout
    done = run("cancel", str(job_id))
    assert done.returncode == 0 and not folder.exists()
    again = run("cancel", str(job_id))
    assert again.returncode == 2 and "only a job that has not started" in again.stderr
