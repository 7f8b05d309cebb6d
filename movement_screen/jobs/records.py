"""The analysis queue's records: one row per analysis asked for in the app, kept in the store beside the sessions.

A job's life: ``saving`` (its folder exists and the inputs are being written) -> ``queued`` -> ``running`` (a
worker claimed it; it beats every few seconds) -> ``done`` (the session is recorded, or for an analysis without a
patient the result folder is kept) or ``failed`` (with the reason) or ``cancelled``. Nothing is ever dropped: a
job whose worker stopped beating goes back to ``queued`` (at most :data:`ATTEMPTS` runs), then ``failed`` with
that reason. Every change of state is one statement, so several servers and workers may share one store.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from movement_screen.errors import UsageError

SAVING, QUEUED, RUNNING, DONE, FAILED, CANCELLED = "saving", "queued", "running", "done", "failed", "cancelled"
WAITING = (SAVING, QUEUED, RUNNING)
ATTEMPTS = 2  # runs of one job before it is failed (a worker killed twice on the same clip)
COLUMNS = ("id, state, created_at, created_by, visitor, patient_id, link_key, screen, folder, request, attempts, "
           "worker, started_at, heartbeat_at, finished_at, done, expected, stage, error, error_kind, outcome, "
           "session_id")


class QueueFull(UsageError):
    """More analyses are waiting than the queue's bound allows."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def worker_id() -> str:
    """This process, as host:pid (a job's worker; on the same host a dead pid tells a crash at once)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Job:
    id: int
    state: str
    created_at: str
    created_by: str  # the therapist's name, "patient link" or "local"
    visitor: str  # "therapist", "patient" or "local"
    patient_id: str | None
    link_key: str | None  # the patient link it came through
    screen: str
    folder: str  # the app folder of its inputs and outputs
    request: dict  # what run_session is given
    attempts: int
    worker: str | None
    started_at: str | None
    heartbeat_at: str | None
    finished_at: str | None
    done: int  # frames through the pose pass so far
    expected: int
    stage: str | None
    error: str | None
    error_kind: str | None  # the ScreenError class name: patient words are chosen by it
    outcome: dict | None  # result_dir, trend, scored, session_id
    session_id: int | None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED, CANCELLED)

    @property
    def unused(self) -> bool:
        """A reservation never put in line (the page had nothing to analyse): not an analysis anyone asked for."""
        return self.state == CANCELLED and not self.request


def _job(row) -> Job:
    values = list(row)
    values[9] = json.loads(values[9])
    values[20] = json.loads(values[20]) if values[20] else None
    return Job(*values)


def create(db, *, created_by: str, visitor: str, patient: str | None, link_key: str | None, screen: str,
           folder: str, request: dict | None = None) -> int:
    """A job in ``saving``: its folder is recorded before any file is written into it."""
    return db.insert("INSERT INTO jobs (state, created_at, created_by, visitor, patient_id, link_key, screen, folder, "
                     "request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (SAVING, _iso(now()), created_by, visitor, patient, link_key, screen, folder,
                      json.dumps(request or {})))


def enqueue(db, job_id: int, request: dict, limit: int) -> None:
    """Put a saved job in line; :class:`QueueFull` when ``limit`` analyses are already waiting or running."""
    def put(db) -> None:
        waiting = db.execute("SELECT COUNT(*) FROM jobs WHERE state IN (?, ?)", (QUEUED, RUNNING)).fetchone()[0]
        if waiting >= limit:
            raise QueueFull(f"{waiting} analyses are waiting already, the most this server takes at once: try again "
                            "in a few minutes.")
        db.execute("UPDATE jobs SET state = ?, request = ? WHERE id = ? AND state = ?",
                   (QUEUED, json.dumps(request), job_id, SAVING))

    db.transaction(put)


def get(db, job_id: int) -> Job | None:
    row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def listing(db, states: tuple[str, ...] = (), *, created_by: str | None = None, link_key: str | None = None,
            patient: str | None = None, since: datetime | None = None, limit: int = 200) -> list[Job]:
    """Jobs, newest first, filtered by state, by who asked, by link, by patient and by age."""
    where, params = [], []
    if states:
        where.append(f"state IN ({', '.join('?' * len(states))})")
        params += states
    for column, value in (("created_by", created_by), ("link_key", link_key), ("patient_id", patient)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("created_at >= ?")
        params.append(_iso(since))
    query = f"SELECT {COLUMNS} FROM jobs" + (f" WHERE {' AND '.join(where)}" if where else "")
    return [_job(r) for r in db.execute(query + f" ORDER BY id DESC LIMIT {int(limit)}", params).fetchall()]


def ahead(db, job: Job) -> int:
    """How many analyses run or wait before this one."""
    return db.execute("SELECT COUNT(*) FROM jobs WHERE id < ? AND state IN (?, ?)",
                      (job.id, QUEUED, RUNNING)).fetchone()[0]


def next_queued(db, limit: int, skip: set[int] = frozenset()) -> list[int]:
    """The oldest queued jobs (whoever asked, on whichever server)."""
    rows = db.execute("SELECT id FROM jobs WHERE state = ? ORDER BY id LIMIT ?", (QUEUED, limit + len(skip)))
    return [r[0] for r in rows.fetchall() if r[0] not in skip][:limit]


def claim(db, job_id: int, worker: str) -> bool:
    """Take a queued job to run it; False when another worker has it or it was cancelled."""
    stamp = _iso(now())
    return db.execute("UPDATE jobs SET state = ?, worker = ?, started_at = ?, heartbeat_at = ?, attempts = attempts "
                      "+ 1, done = 0, stage = NULL WHERE id = ? AND state = ?",
                      (RUNNING, worker, stamp, stamp, job_id, QUEUED)).rowcount == 1


def beat(db, job_id: int, worker: str, done: int | None = None, expected: int | None = None,
         stage: str | None = None) -> bool:
    """The worker is alive (and how far it is); False when the job is no longer its own (erased, requeued)."""
    sets, params = ["heartbeat_at = ?"], [_iso(now())]
    for column, value in (("done", done), ("expected", expected), ("stage", stage)):
        if value is not None:
            sets.append(f"{column} = ?")
            params.append(value)
    return db.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ? AND state = ? AND worker = ?",
                      (*params, job_id, RUNNING, worker)).rowcount == 1


def still_mine(db, job_id: int, worker: str) -> bool:
    return db.execute("SELECT 1 FROM jobs WHERE id = ? AND state = ? AND worker = ?",
                      (job_id, RUNNING, worker)).fetchone() is not None


def finish(db, job_id: int, worker: str, outcome: dict, session_id: int | None) -> bool:
    return db.execute("UPDATE jobs SET state = ?, finished_at = ?, outcome = ?, session_id = ?, stage = NULL WHERE "
                      "id = ? AND state = ? AND worker = ?",
                      (DONE, _iso(now()), json.dumps(outcome), session_id, job_id, RUNNING, worker)).rowcount == 1


def fail(db, job_id: int, error: str, kind: str | None = None, worker: str | None = None) -> bool:
    """Record why a job failed (only while it is not finished; ``worker``: only while it is this worker's)."""
    query = "UPDATE jobs SET state = ?, finished_at = ?, error = ?, error_kind = ?, stage = NULL WHERE id = ? AND " \
            "state IN (?, ?, ?)"
    params = [FAILED, _iso(now()), error, kind, job_id, *WAITING]
    if worker is not None:
        query += " AND worker = ?"
        params.append(worker)
    return db.execute(query, params).rowcount == 1


def cancel(db, job_id: int) -> bool:
    """Cancel a job that has not started; False when it is already running or finished."""
    return db.execute("UPDATE jobs SET state = ?, finished_at = ? WHERE id = ? AND state IN (?, ?)",
                      (CANCELLED, _iso(now()), job_id, SAVING, QUEUED)).rowcount == 1


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive_here(worker: str | None) -> bool | None:
    """Whether a worker on this host is still running (None: another host, cannot tell)."""
    if not worker or ":" not in worker:
        return None
    host, pid = worker.rsplit(":", 1)
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return pid_alive(int(pid))


def recover(db, silent_after_s: float = 60.0, saving_after_s: float = 3600.0) -> list[tuple[int, str]]:
    """Jobs whose worker has gone: a running job whose worker stopped beating (or, on this host, whose process is
    gone) is put back in line, or failed after :data:`ATTEMPTS` runs; a job still ``saving`` long after its
    upload began is failed. Returns (job id, what was done) for each."""
    done = []
    stale = _iso(now() - timedelta(seconds=silent_after_s))
    for job in listing(db, (RUNNING,), limit=10_000):
        alive = _alive_here(job.worker)
        if alive is True or (alive is None and (job.heartbeat_at or "") > stale):
            continue
        if job.attempts < ATTEMPTS:
            if db.execute("UPDATE jobs SET state = ?, worker = NULL WHERE id = ? AND state = ? AND worker = ?",
                          (QUEUED, job.id, RUNNING, job.worker)).rowcount:
                done.append((job.id, "put back in line: its worker stopped"))
        elif fail(db, job.id, "The analysis stopped twice without finishing (the server or its worker was stopped, "
                  "or ran out of memory): try again, or try a shorter clip.", "WorkerLost", worker=job.worker):
            done.append((job.id, "failed: its worker stopped twice"))
    old = _iso(now() - timedelta(seconds=saving_after_s))
    for job in listing(db, (SAVING,), limit=10_000):
        if job.created_at < old and fail(db, job.id, "The upload did not finish.", "InputError"):
            done.append((job.id, "failed: its upload did not finish"))
    return done


def overview(db, days: float = 1.0) -> tuple[list[Job], list[Job]]:
    """What an admin looks at: the jobs waiting or running (oldest first), and those finished in the last
    ``days`` (newest first)."""
    waiting = list(reversed(listing(db, (QUEUED, RUNNING), limit=10_000)))
    finished = listing(db, (DONE, FAILED, CANCELLED), since=now() - timedelta(days=days), limit=10_000)
    return waiting, [j for j in finished if not j.unused]


def summary(waiting: list[Job], finished: list[Job], days: float) -> str:
    count = {state: sum(j.state == state for j in waiting + finished) for state in (RUNNING, QUEUED, FAILED, DONE)}
    return (f"{count[RUNNING]} running, {count[QUEUED]} waiting, {count[FAILED]} failed and {count[DONE]} done in the "
            f"last {days:g} day(s)")


def row(job: Job) -> dict:
    """One job as a person reads it (the admin page's table; `movement-screen queue` prints the same)."""
    if job.state == RUNNING:
        where = f"frame {job.done} of ~{job.expected}" if job.expected else "starting"
        what = f"{where} on {job.worker}"
    elif job.state == QUEUED:
        what = "waiting" + (f" (run {job.attempts + 1}: the last run's worker stopped)" if job.attempts else "")
    elif job.state == FAILED:
        what = job.error or "failed"
    elif job.state == DONE:
        what = f"session {job.session_id}" if job.session_id else "result not saved for a patient"
    else:
        what = "cancelled"
    return {"job": job.id, "state": job.state, "asked at (UTC)": job.created_at[:19].replace("T", " "),
            "screen": job.screen.replace("_", " "), "patient": job.patient_id or "-", "by": job.created_by,
            "details": what}


def forget_patient(db, patient: str) -> list[str]:
    """Delete a patient's jobs (with erasure); returns their folders for the caller to remove."""
    folders = [r[0] for r in db.execute("SELECT folder FROM jobs WHERE patient_id = ?", (patient,)).fetchall()]
    db.execute("DELETE FROM jobs WHERE patient_id = ?", (patient,))
    return folders
