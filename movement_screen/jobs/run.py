"""One queued analysis, run in a worker process (a Dask worker of the app's pool, or of `movement-screen worker`).

The worker claims the job in the store, runs :func:`movement_screen.session.run_session` with the request the page
saved, writes its progress and a heartbeat into the job row, and records the outcome: the session (for a patient),
or the reason it failed. The files it was given are recorded with the session or removed: a refused or failed
clip leaves nothing behind, and neither does a job whose patient was erased while it ran.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import traceback
from datetime import date
from pathlib import Path

from movement_screen.jobs import records
from movement_screen.store.db import Database

BEAT_S = 5.0  # the heartbeat while a job runs (recover() waits 60 s of silence before calling a worker lost)


def lower_priority(nice: int) -> None:
    """Every thread of this process below the page server (Linux keeps a nice value per thread; threads started
    later inherit it from the thread that starts them)."""
    tasks = Path("/proc/self/task")
    ids = [int(t) for t in os.listdir(tasks)] if tasks.is_dir() else [0]
    for tid in ids:
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                os.setpriority(os.PRIO_PROCESS, tid, nice)
        except OSError:
            pass


def remove_folder(folder: str | Path, root: str | Path | None) -> None:
    """Remove an app folder, only inside ``root`` (the app's folder), never anything else."""
    folder = Path(folder)
    if root is not None and folder.resolve().is_relative_to(Path(root).resolve()) and folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def run_job(location: str, job_id: int, threads: int = 0, nice: int = 10, root: str | None = None) -> str:
    """Run job ``job_id`` of the store at ``location``; returns its final state ("taken" when another worker had
    it). Never raises for a bad clip or a bug in the analysis: the job row says what happened."""
    from movement_screen.cores import THREADS_ENV

    lower_priority(nice)
    if threads:
        os.environ[THREADS_ENV] = str(threads)
    me = records.worker_id()
    db = Database(location)
    try:
        if not records.claim(db, job_id, me):
            return "taken"
        job = records.get(db, job_id)
        return _run(db, job, me, location, root)
    finally:
        db.close()


def _run(db: Database, job: records.Job, me: str, location: str, root: str | None) -> str:
    from movement_screen.errors import ScreenError
    from movement_screen.session import run_session

    request = dict(job.request)
    folder = Path(job.folder)
    stop = threading.Event()
    seen = {"done": 0, "expected": 0, "at": 0.0}

    def beating() -> None:  # its own connection: the analysis thread keeps the other
        beat_db = Database(location)
        try:
            while not stop.wait(BEAT_S):
                records.beat(beat_db, job.id, me)
        finally:
            beat_db.close()

    def progress(done: int, expected: int) -> None:
        seen.update(done=done, expected=expected)
        if time.monotonic() - seen["at"] >= 0.5:
            seen["at"] = time.monotonic()
            records.beat(db, job.id, me, done=done, expected=expected, stage="pose")

    beater = threading.Thread(target=beating, name=f"job-{job.id}-heartbeat", daemon=True)
    beater.start()
    videos = [Path(v) for v in request.pop("videos")]
    keep = [Path(k) for k in request.pop("keep", [])]
    own = request.pop("own", True)
    on = request.pop("on", None)
    on = date.fromisoformat(on) if on else None
    try:
        done = run_session(videos, folder / "results", report=True, patient=job.patient_id, on=on,
                           store=location, own_inputs=own, keep=keep, progress=progress,
                           record_if=lambda db_: records.still_mine(db_, job.id, me), **request)
    except ScreenError as exc:
        _discard(folder, videos, keep, own, root)
        records.fail(db, job.id, str(exc), type(exc).__name__, worker=me)
        return records.FAILED
    except Exception as exc:  # a bug or a library crash on this clip: said, kept out of the patient's history
        _discard(folder, videos, keep, own, root)
        records.fail(db, job.id, f"The analysis failed ({type(exc).__name__}: {exc}).", "Crash", worker=me)
        traceback.print_exc()
        return records.FAILED
    finally:
        stop.set()
        beater.join(timeout=BEAT_S + 1)
    outcome = {"result_dir": str(done.out_dir), "trend": done.trend, "scored": bool(done.result.get("scored")),
               "session_id": done.session_id}
    if not records.finish(db, job.id, me, outcome, done.session_id):  # erased or cancelled meanwhile
        _discard(folder, videos, keep, own, root)
        return "gone"
    return records.DONE


def _discard(folder: Path, videos: list[Path], keep: list[Path], own: bool, root: str | None) -> None:
    """The app's own copies of a clip that gave no session, and its folder."""
    if own:
        for path in [*videos, *keep]:
            path.unlink(missing_ok=True)
    remove_folder(folder, root)
