"""Analyses from the app go to the analysis queue (:mod:`movement_screen.jobs`), not into the page's thread.

A page reserves a job (its folder is recorded before the first file is written), saves the inputs there and puts
the job in line. The page then follows the job: its place in line, the pose pass's progress, then the result, with
nothing for the visitor to do; closing the tab or logging out changes nothing for the job. A therapist finds their
analyses again on the Screen page (and the sessions on the Patients page); a patient who opens their link again
sees the check they last sent through it.

The workers run in the process that `movement-screen app` starts beside the page server; a page server started
another way (`streamlit run app.py`) starts the pool in its own process on the first page shown.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import streamlit as st

from movement_screen.app import access
from movement_screen.app import patient_words as pw
from movement_screen.app.access import Visitor
from movement_screen.jobs import records
from movement_screen.store.db import Database, default_location

DISPATCHER_ENV = "MOVEMENT_SCREEN_DISPATCHER"  # the pid of the process running the pool (set by `movement-screen app`)
FOLLOWED = "followed_job"


@dataclass(frozen=True)
class Reservation:
    job_id: int
    folder: Path


def _db() -> Database:
    return Database(default_location())


def _dispatcher_alive() -> bool:
    pid = os.environ.get(DISPATCHER_ENV, "")
    return pid.isdigit() and records.pid_alive(int(pid))


@st.cache_resource(show_spinner="Starting the analysis workers (first time only)...")
def _own_pool():
    from movement_screen.app.widgets import work_root
    from movement_screen.jobs.pool import AnalysisPool

    return AnalysisPool(str(default_location()), work_root())


def ensure_workers() -> None:
    """Make sure something runs the queue: the process `movement-screen app` started, or a pool in this one."""
    if not _dispatcher_alive():
        _own_pool()


def reserve(visitor: Visitor, patient: str | None, screen: str) -> Reservation:
    """A new analysis folder, recorded as a job before anything is saved into it."""
    from movement_screen.app.widgets import new_folder

    folder = new_folder()
    db = _db()
    try:
        job_id = records.create(db, created_by=visitor.name, visitor=visitor.kind, patient=patient,
                                link_key=getattr(visitor.link, "key", None), screen=screen, folder=str(folder))
    finally:
        db.close()
    return Reservation(job_id, folder)


def release(reservation: Reservation) -> None:
    """A reservation not used (nothing to analyse): its job cancelled and its folder removed."""
    db = _db()
    try:
        records.cancel(db, reservation.job_id)
    finally:
        db.close()
    shutil.rmtree(reservation.folder, ignore_errors=True)


def submit(visitor: Visitor, reservation: Reservation, videos: list[Path], screen: str, answers, height: float | None,
           patient: str | None, own: bool = True, keep: list[Path] = (), age: float | None = None,
           sex: str | None = None) -> bool:
    """Put the saved inputs in line for analysis and follow the job on this page; False (after a message) when
    the queue is full."""
    from movement_screen.app.widgets import clear_result, pose_model
    from movement_screen.jobs.pool import QueueSettings

    clear_result()
    request = {"videos": [str(v) for v in videos], "keep": [str(k) for k in keep], "own": own, "screen": screen,
               "model": pose_model().variant, "answers": answers.given, "answered_at": answers.at,
               "height_cm": height, "age": age, "sex": sex, "on": date.today().isoformat(),
               "origin": "home link" if visitor.kind == "patient" else None,
               "privacy": "deidentify" if visitor.kind == "patient" or st.session_state.get("deidentify") else "none"}
    db = _db()
    try:
        records.enqueue(db, reservation.job_id, request, QueueSettings.from_env().limit)
    except records.QueueFull as exc:
        db.close()
        release(reservation)
        st.error(_words(visitor)["busy"] if visitor.kind == "patient" else f"{_words(visitor)['busy']} ({exc})")
        return False
    db.close()
    ensure_workers()
    st.session_state[FOLLOWED] = reservation.job_id
    if patient:
        access.audit(visitor, "analysis_queued", f"{patient} job {reservation.job_id}")
    return True


def _words(visitor: Visitor) -> dict:
    return pw.words()["queue"]["patient" if visitor.kind == "patient" else "therapist"]


def _job(job_id: int) -> records.Job | None:
    db = _db()
    try:
        return records.get(db, job_id)
    finally:
        db.close()


def follow(visitor: Visitor) -> None:
    """The job this page follows: where it is while it waits or runs, then its result or why it failed. Nothing
    when no job is followed. A page whose job has others ahead of it in line asks every few seconds; one whose job
    is next or running, every second (so a busy queue's waiting pages do not slow every page down)."""
    job_id = st.session_state.get(FOLLOWED)
    if job_id is None:
        return
    job = _job(job_id)
    if job is None or not _may_see(visitor, job):  # erased with its patient meanwhile
        st.session_state.pop(FOLLOWED, None)
        return
    if not job.finished:
        ensure_workers()
        if _place(job):
            _waiting_in_line(visitor, job_id)
        else:
            _waiting(visitor, job_id)
        return
    _finished(visitor, job)


def _place(job: records.Job) -> int:
    """How many analyses run or wait before this one in line; 0 while it is being saved or is running."""
    if job.state != records.QUEUED:
        return 0
    db = _db()
    try:
        return records.ahead(db, job)
    finally:
        db.close()


@st.fragment(run_every=1.0)
def _waiting(visitor: Visitor, job_id: int) -> None:
    _news(visitor, job_id, in_line=False)


@st.fragment(run_every=3.0)
def _waiting_in_line(visitor: Visitor, job_id: int) -> None:
    _news(visitor, job_id, in_line=True)


def _news(visitor: Visitor, job_id: int, in_line: bool) -> None:
    """One look at the job: the whole page again when it has finished (to show the result or why not) or when it
    should now be followed at the other pace; otherwise where it is."""
    job = _job(job_id)
    before = _place(job) if job is not None else 0
    if job is None or job.finished or bool(before) != in_line:
        st.rerun(scope="app")
    text = _words(visitor)
    if job.state == records.SAVING:
        st.info(text["saving"])
    elif job.state == records.QUEUED:
        st.info(text["waiting"].format(ahead=before) if before else text["waiting_next"])
        if st.button(text["cancel"], key=f"cancel_{job.id}"):
            cancel(visitor, job)
            st.rerun(scope="app")
    elif job.stage == "pose" and job.expected:
        share = min(job.done / max(job.expected, 1), 1.0)
        st.progress(share, text=text["running"].format(percent=round(100 * share), done=job.done,
                                                       expected=job.expected))
    else:
        st.progress(1.0 if job.done else 0.0, text=text["scoring"] if job.done else text["saving"])


def cancel(visitor: Visitor, job: records.Job) -> bool:
    db = _db()
    try:
        cancelled = records.cancel(db, job.id)
    finally:
        db.close()
    if cancelled:
        shutil.rmtree(job.folder, ignore_errors=True)
        if job.patient_id:
            access.audit(visitor, "analysis_cancelled", f"{job.patient_id} job {job.id}")
    return cancelled


def _finished(visitor: Visitor, job: records.Job) -> None:
    from movement_screen.app.widgets import show_result
    from movement_screen.errors import InputError
    from movement_screen.report.clinic import read_result

    text = _words(visitor)
    if job.state in (records.CANCELLED, records.FAILED):  # said once; the page offers the upload again below
        st.session_state.pop(FOLLOWED, None)
        st.session_state["dismissed_job"] = job.id
    if job.state == records.CANCELLED:
        st.info(text["cancelled"])
        return
    if job.state == records.FAILED:
        if visitor.kind == "patient":
            st.error(pw.error_text(job.error_kind or "") if job.error_kind not in ("Crash", "WorkerLost")
                     else text["lost"])
        else:
            st.error(f"This video could not be analysed: {job.error}")
        return
    outcome = job.outcome or {}
    folder = Path(outcome.get("result_dir", ""))
    try:
        result, _ = read_result(folder)
    except InputError:
        st.info("This result is no longer available: it was erased with the patient's records, or was not saved "
                "for a patient and has been removed.")
        return
    st.session_state.update(result_dir=str(folder), trend=outcome.get("trend"), saved_for=job.patient_id,
                            session_id=job.session_id)
    if st.session_state.get("announced") != job.id:
        st.session_state["announced"] = job.id
        if job.patient_id:
            access.audit(visitor, "session_recorded", job.patient_id)
    if result.get("scored"):
        st.success(pw.words()["done"]["patient" if visitor.kind == "patient" else "therapist"])
    show_result(visitor, result, folder, trend=outcome.get("trend"), saved_for=job.patient_id)


def _may_see(visitor: Visitor, job: records.Job) -> bool:
    if visitor.kind == "patient":
        return visitor.link is not None and job.link_key == visitor.link.key
    if visitor.kind == "therapist":
        return job.created_by == visitor.name
    return True


def mine(visitor: Visitor, days: float = 1.0) -> list[records.Job]:
    """This visitor's analyses of the last ``days`` (a therapist's, or those sent through this patient link),
    newest first, without the reservations never used."""
    db = _db()
    try:
        since = records.now() - timedelta(days=days)
        if visitor.kind == "patient":
            jobs = records.listing(db, link_key=visitor.link.key, since=since)
        elif visitor.kind == "therapist":
            jobs = records.listing(db, created_by=visitor.name, since=since)
        else:
            jobs = records.listing(db, since=since)
    finally:
        db.close()
    return [j for j in jobs if j.state != records.SAVING and not j.unused]


def follow_latest_of_link(visitor: Visitor) -> None:
    """A patient opening their link again follows the last check they sent through it (still waiting, or done),
    unless they chose to do the check again in this visit."""
    if FOLLOWED in st.session_state or st.session_state.get("result_dir"):
        return
    latest = next((j for j in mine(visitor, days=90) if j.state != records.CANCELLED), None)
    if latest is not None and latest.id != st.session_state.get("dismissed_job"):
        st.session_state[FOLLOWED] = latest.id


def dismiss() -> None:
    """"Do the check again": the followed job is left (it stays recorded)."""
    job_id = st.session_state.pop(FOLLOWED, None)
    if job_id is not None:
        st.session_state["dismissed_job"] = job_id


def my_analyses(visitor: Visitor) -> None:
    """A therapist's analyses of the last day, to follow any of them again (after a reload or a new log-in)."""
    jobs = [j for j in mine(visitor) if j.id != st.session_state.get(FOLLOWED)]
    if not jobs:
        return
    st.subheader("Your analyses today")
    for job in jobs:
        left, right = st.columns([4, 1])
        what = {records.QUEUED: "waiting", records.RUNNING: "running", records.DONE: "done",
                records.FAILED: f"failed: {job.error}", records.CANCELLED: "cancelled"}[job.state]
        left.markdown(f"- {job.created_at[11:16]} UTC, {job.screen.replace('_', ' ')}, patient "
                      f"{job.patient_id or '(not saved)'}: **{what}**")
        if job.state in (records.QUEUED, records.RUNNING, records.DONE) and right.button("Show", key=f"show_{job.id}"):
            st.session_state[FOLLOWED] = job.id
            st.rerun()
