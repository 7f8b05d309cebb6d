"""Score one video into its own result folder; the unit of work on local processes and on Dask workers.

Results are written into a staging folder and moved into place with one rename, so a result folder is either
complete (it holds ``batch.json``) or absent; a worker killed half-way leaves only staging debris, which the
next run clears.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import traceback
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from movement_screen import SCHEMA_VERSION, __version__
from movement_screen.report.files import atomic_path

MARKER = "batch.json"
STAGING = ".partial"
OK, UNSCORABLE, FAILED, ERROR = "ok", "unscorable", "failed", "error"


@dataclass(frozen=True)
class Settings:
    """What changes a result: a result made with other settings is redone."""

    screen: str = "auto"
    model: str = "full"
    max_people: int = 3
    video: bool = True
    export: tuple[str, ...] = ()  # "trc", "mot": OpenSim files
    privacy: str = "none"  # "none", "deidentify" (faces blurred) or "stick_figure" (no picture at all)
    age: float | None = None  # the person's age and sex, for the sit-to-stand's norms (one person's clips)
    sex: str | None = None
    pose_backend: str = "direct"  # "direct" or "tasks" (pose/estimator.py BACKENDS)

    @property
    def key(self) -> str:
        return json.dumps({**asdict(self), "schema": SCHEMA_VERSION, "version": __version__}, sort_keys=True)


@dataclass(frozen=True)
class Job:
    path: str  # the video, as found
    relative: str  # its path under the batch folder (shown in the tables)
    name: str  # its result folder's name
    content_hash: str


def read_marker(folder: Path) -> dict | None:
    """The record of a finished video, or None when the folder is missing, partial or unreadable."""
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(record: dict | None, job: Job, settings: Settings) -> bool:
    return bool(record) and record.get("content_hash") == job.content_hash and record.get("settings") == settings.key


def _write_marker(folder: Path, record: dict) -> None:
    with atomic_path(folder / MARKER, sync=True) as temp:
        temp.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")


def _publish(staging: Path, final: Path, job: Job, settings: Settings) -> dict:
    """Move the staged folder into place; if another run of the same job got there first, keep theirs."""
    existing = read_marker(final)
    if is_current(existing, job, settings):
        shutil.rmtree(staging, ignore_errors=True)
        return existing
    if final.exists():  # stale (other settings or content) or partial: moved aside, then removed
        aside = staging.parent / f"{final.name}.old.{uuid.uuid4().hex[:8]}"
        try:
            final.rename(aside)
        except FileNotFoundError:
            pass
        shutil.rmtree(aside, ignore_errors=True)
    try:
        staging.rename(final)
    except OSError:  # a concurrent copy landed between the check and the rename
        shutil.rmtree(staging, ignore_errors=True)
        landed = read_marker(final)
        if landed is None:
            raise
        return landed
    return read_marker(final)


def score_video(job: Job, settings: Settings, out: str) -> dict:
    """Analyse ``job``'s video and write its result folder under ``out``; return its record (never raises for a
    bad video: the record says what failed and why)."""
    from movement_screen.batch.summary import criteria_rows, summary_row
    from movement_screen.errors import ScreenError
    from movement_screen.session import run_session

    out_dir = Path(out)
    staging = out_dir / STAGING / f"{job.name}.{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    started = time.perf_counter()
    record = {"path": job.path, "relative": job.relative, "output": job.name, "content_hash": job.content_hash,
              "settings": settings.key, "worker": f"{os.uname().nodename}:{os.getpid()}"}
    try:
        done = run_session([job.path], staging, screen=settings.screen, video=settings.video, model=settings.model,
                           max_people=settings.max_people, progress=False, export=settings.export,
                           privacy=settings.privacy, age=settings.age, sex=settings.sex,
                           pose_backend=settings.pose_backend)
        reason = done.unscorable_reason
        record.update(status=UNSCORABLE if reason else OK, error=reason or "",
                      row=summary_row(done.result), criteria=criteria_rows(done.result))
    except ScreenError as exc:
        record.update(status=FAILED, error=str(exc), kind=type(exc).__name__)
    except Exception as exc:  # a bug or a library crash on this file: recorded, the batch goes on
        record.update(status=ERROR, error=f"{type(exc).__name__}: {exc}", kind=type(exc).__name__)
        (staging / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
    record["seconds"] = round(time.perf_counter() - started, 3)
    _write_marker(staging, record)
    return _publish(staging, out_dir / job.name, job, settings)
