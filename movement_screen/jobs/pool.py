"""The pool that runs the app's analyses: Dask distributed, as the batch runner's cluster engine is.

By default the app server starts an embedded Dask cluster: a scheduler in its own process and
``MOVEMENT_SCREEN_ANALYSIS_WORKERS`` worker processes (default 1) of their own, each analysis taking
``MOVEMENT_SCREEN_ANALYSIS_THREADS`` threads (default: every core) at nice ``MOVEMENT_SCREEN_ANALYSIS_NICE``
(default 10), so the page server, at nice 0, is served first whenever it has work. With
``MOVEMENT_SCREEN_SCHEDULER=tcp://host:8786`` the server uses that scheduler instead, and `movement-screen worker`
adds a machine's cores to it.

The store, not Dask, holds the queue: a dispatcher thread hands the oldest queued jobs (of every server on the
store) to free workers, and the worker claims each in the store before running it, so a job runs once however
many servers see it. The same thread puts back in line the jobs whose worker stopped, and sweeps the app folder.
``MOVEMENT_SCREEN_QUEUE_LIMIT`` (default 50) bounds the analyses waiting or running at once.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from movement_screen.jobs import records
from movement_screen.store.db import Database

log = logging.getLogger("movement_screen.jobs")


def _number(name: str, default: int) -> int:
    text = os.environ.get(f"MOVEMENT_SCREEN_{name}", "").strip()
    if not text:
        return default
    if not text.lstrip("-").isdigit():
        from movement_screen.errors import UsageError

        raise UsageError(f"MOVEMENT_SCREEN_{name} must be a whole number, not '{text}'")
    return int(text)


@dataclass(frozen=True)
class QueueSettings:
    workers: int = 1  # analysis processes of the embedded pool
    threads: int = 0  # threads per analysis (0: every core this server may use)
    nice: int = 10  # the workers' priority below the page server
    limit: int = 50  # analyses waiting or running at once
    memory: str = "3GiB"  # a worker above this is restarted (its job goes back in line once)
    scheduler: str | None = None  # a Dask scheduler's address instead of the embedded pool

    @classmethod
    def from_env(cls) -> QueueSettings:
        return cls(workers=max(1, _number("ANALYSIS_WORKERS", cls.workers)),
                   threads=max(0, _number("ANALYSIS_THREADS", cls.threads)),
                   nice=min(19, max(0, _number("ANALYSIS_NICE", cls.nice))),
                   limit=max(1, _number("QUEUE_LIMIT", cls.limit)),
                   memory=os.environ.get("MOVEMENT_SCREEN_WORKER_MEMORY", cls.memory),
                   scheduler=os.environ.get("MOVEMENT_SCREEN_SCHEDULER") or None)

    def threads_per_analysis(self) -> int:
        from movement_screen.cores import share

        return self.threads or max(1, share() // self.workers)


def dask_config() -> dict:
    """A worker that dies takes its task with it at once (the store puts the job back in line, not Dask), and
    Dask's own memory spilling never touches the pictures of a clip."""
    return {"distributed.scheduler.allowed-failures": 0, "distributed.worker.memory.spill": False,
            "distributed.worker.memory.target": False, "distributed.logging.distributed": "warning",
            "distributed.admin.system-monitor.gil.enabled": False}


class AnalysisPool:
    """The app server's link to its workers: starts (or connects to) the Dask cluster and dispatches jobs."""

    def __init__(self, location: str, root: str | Path, settings: QueueSettings | None = None,
                 interval_s: float = 1.0):
        import dask
        from distributed import Client, LocalCluster

        self.location = str(location)
        self.root = str(root)
        self.settings = settings or QueueSettings.from_env()
        self.interval_s = interval_s
        self.running: dict[int, object] = {}  # job id -> future, for the jobs this server handed out
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.cluster = None
        with dask.config.set(dask_config()):
            if self.settings.scheduler:
                self.client = Client(self.settings.scheduler, timeout="20s")
            else:
                self.cluster = LocalCluster(n_workers=self.settings.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, memory_limit=self.settings.memory,
                                            silence_logs=logging.WARNING, host="127.0.0.1")
                self.client = Client(self.cluster)
        self.swept = self.tidy()  # what a server stopped mid-work left: said once at start
        self._thread = threading.Thread(target=self._loop, name="analysis-dispatcher", daemon=True)
        self._thread.start()

    # -- the dispatcher ------------------------------------------------------------------------------------------
    def capacity(self) -> int:
        try:
            return max(1, sum(self.client.nthreads().values()))  # one analysis per worker thread
        except Exception:
            return self.settings.workers

    def tidy(self) -> dict:
        """Put back in line the jobs whose worker stopped, and remove files no session or job records."""
        from movement_screen.jobs.sweep import sweep

        db = Database(self.location)
        try:
            recovered = records.recover(db)
            removed = sweep(db, self.root)
        finally:
            db.close()
        for job_id, what in recovered:
            print(f"movement-screen queue: job {job_id} {what}", file=sys.stderr)
        if removed:
            print(f"movement-screen queue: removed {len(removed)} folder(s) that no session or analysis records: "
                  + ", ".join(Path(f).name for f in removed), file=sys.stderr)
        return {"recovered": recovered, "removed": removed}

    def dispatch(self) -> list[int]:
        """Hand the oldest queued jobs to free workers; returns the ids handed out."""
        from movement_screen.jobs.run import run_job

        with self._lock:
            self.running = {i: f for i, f in self.running.items() if not f.done()}
            free = self.capacity() - len(self.running)
            if free <= 0:
                return []
            db = Database(self.location)
            try:
                ids = records.next_queued(db, free, skip=set(self.running))
            finally:
                db.close()
            for job_id in ids:
                future = self.client.submit(run_job, self.location, job_id, self.settings.threads_per_analysis(),
                                            self.settings.nice, self.root, pure=False, key=f"analysis-{job_id}")
                future.add_done_callback(lambda f, job_id=job_id: self._ended(job_id, f))
                self.running[job_id] = future
            return ids

    def _ended(self, job_id: int, future) -> None:
        """A task that did not return (its worker died, or it was cancelled): the job goes back in line or fails
        with the reason, at once, instead of after the heartbeat's silence."""
        if future.status != "error":
            return
        try:
            reason = repr(future.exception())
        except Exception as exc:
            reason = repr(exc)
        db = Database(self.location)
        try:
            job = records.get(db, job_id)
            if job is None or job.finished:
                return
            if job.state == records.RUNNING and job.attempts < records.ATTEMPTS:
                db.execute("UPDATE jobs SET state = ?, worker = NULL WHERE id = ? AND state = ?",
                           (records.QUEUED, job_id, records.RUNNING))
            elif job.state == records.RUNNING:
                records.fail(db, job_id, "The analysis stopped twice without finishing (its worker process ended: "
                             f"{reason}): try again, or try a shorter clip.", "WorkerLost")
        finally:
            db.close()

    def _loop(self) -> None:
        ticks = 0
        while not self._stop.wait(self.interval_s):
            ticks += 1
            try:
                self.dispatch()
                if ticks % 30 == 0:
                    self.tidy()
            except Exception as exc:  # the store or the cluster is briefly unreachable: try again next tick
                log.warning("analysis dispatcher: %s", exc)

    def wake(self) -> None:
        """A job was just queued: hand it out now rather than at the next tick."""
        try:
            self.dispatch()
        except Exception as exc:
            log.warning("analysis dispatcher: %s", exc)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
