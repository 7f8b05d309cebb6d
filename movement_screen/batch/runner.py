"""Run a folder of videos through :func:`score_video` on local worker processes or a Dask cluster."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterator

from movement_screen.batch.discover import content_hash, find_videos, safe_name
from movement_screen.batch.summary import write_tables
from movement_screen.batch.worker import ERROR, OK, STAGING, Job, Settings, is_current, read_marker, \
    score_video
from movement_screen.errors import InputError, UsageError
from movement_screen.report.files import writable_folder
from movement_screen.video.reader import VIDEO_SUFFIX_HINT

CRASHES_ALLOWED = 2  # a video whose worker process died this many times is recorded as an error


@dataclass
class BatchReport:
    out: Path
    records: list[dict]  # one per video found, in path order
    scored: int = 0  # analysed in this run
    skipped: int = 0  # already complete from an earlier run
    ignored: dict = field(default_factory=dict)  # files that are not videos, by kind
    tables: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.records if r["status"] != OK]


class _Lock:
    """One batch at a time per output folder (a second one would clear the first one's staging area)."""

    def __init__(self, out: Path):
        self.file = open(out / ".lock", "w")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.file.close()
            raise UsageError(f"another batch is writing into '{out}': wait for it, or give another --out") from None

    def release(self) -> None:
        self.file.close()


def _jobs(root: Path, videos: list[Path], progress: bool | None, anonymous: bool = False) -> list[Job]:
    """One job per video; ``anonymous`` (de-identified outputs) names each result folder by its content hash,
    not by the file name, which often carries the person's name (summary.csv keeps the link: keep it private)."""
    from tqdm import tqdm

    base = root if root.is_dir() else root.parent
    jobs, taken = [], set()
    for path in tqdm(videos, desc="hashing", unit="video", leave=False, disable=(not progress) if progress
                     is not None else None, file=sys.stderr):
        relative = path.relative_to(base)
        try:
            digest = content_hash(path)
        except OSError as exc:
            digest = f"unreadable:{exc.strerror}"
        name = f"video-{digest[:16]}" if anonymous and ":" not in digest else safe_name(relative)
        if name in taken:  # the same clip twice under de-identified names
            name = next(f"{name}-{n}" for n in range(1, len(jobs) + 2) if f"{name}-{n}" not in taken)
        taken.add(name)
        jobs.append(Job(str(path.resolve()), relative.as_posix(), name, digest))
    return jobs


WORKER_MEMORY_GB = 1.0  # a worker's peak stays under this (0.4-0.5 GB measured, bench/RESULTS.md section 4)


def auto_workers(videos: int) -> int:
    """Worker processes for ``videos`` to score on this machine: one per core (each then runs its pose network,
    decoder and encoder on one thread, which scales best: no thread waits on another), no more than the videos,
    and no more than the memory holds at WORKER_MEMORY_GB each."""
    from movement_screen.cores import share

    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gb = WORKER_MEMORY_GB
    return max(1, min(share(), videos, int(memory_gb // WORKER_MEMORY_GB)))


def run_batch(root: str | Path, out: str | Path, settings: Settings = Settings(), *, workers: int | None = None,
              dask: str | None = None, force: bool = False, retry_failed: bool = False,
              progress: bool | None = None) -> BatchReport:
    """Score every video under ``root`` into ``out``; finished videos (same content, same settings) are skipped
    unless ``force``; failed and unscorable ones are retried with ``retry_failed``; crashed ones always.
    ``workers``: local worker processes; None chooses them from the cores (:func:`auto_workers`)."""
    from movement_screen.api import screen_name
    from movement_screen.pose import models

    root, out = Path(root), Path(out).resolve()
    if workers is not None and workers < 1:
        raise UsageError("--workers must be 1 or more")
    settings = replace(settings, screen=screen_name(settings.screen))
    found = find_videos(root, exclude=out)
    if not found.videos:
        others = ", ".join(f"{n} {kind}" for kind, n in sorted(found.ignored.items())) or "nothing"
        raise InputError(f"no videos found under '{root}' (found {others}): give the folder that holds the "
                         f"recordings, each {VIDEO_SUFFIX_HINT}; still pictures cannot be scored")
    writable_folder(out)
    lock = _Lock(out)
    try:
        shutil.rmtree(out / STAGING, ignore_errors=True)  # debris of a killed run
        models.resolve(settings.model)  # once here, so workers never race to build it
        jobs = _jobs(root, found.videos, progress, anonymous=settings.privacy != "none")
        records: dict[str, dict | None] = {}
        todo = []
        for job in jobs:
            record = read_marker(out / job.name)
            keep = is_current(record, job, settings) and not force and record["status"] != ERROR and not (
                retry_failed and record["status"] != OK)
            records[job.name] = record if keep else None
            if not keep:
                todo.append(job)
        report = BatchReport(out, [], skipped=len(jobs) - len(todo), ignored=dict(found.ignored))

        def finished() -> list[dict]:
            return [r for r in records.values() if r is not None]

        report.tables = write_tables(out, finished())
        engine = _dask_engine(dask) if dask else _local_engine(workers or auto_workers(len(todo)))
        with _bar(len(jobs), report.skipped, progress) as bar:
            for record in engine(todo, settings, out):
                records[record["output"]] = record
                report.scored += 1
                report.tables = write_tables(out, finished())
                bar.update(1)
                if record["status"] != OK:
                    bar.set_postfix(failed=sum(r["status"] != OK for r in finished()))
        report.records = finished()
        shutil.rmtree(out / STAGING, ignore_errors=True)  # what a killed worker left half-written
        return report
    finally:
        lock.release()


def _bar(total: int, done: int, progress: bool | None):
    from tqdm import tqdm

    return tqdm(total=total, initial=done, desc="scoring", unit="video", dynamic_ncols=True, file=sys.stderr,
                disable=(not progress) if progress is not None else None)


def _crash_record(job: Job, settings: Settings, message: str) -> dict:
    return {"path": job.path, "relative": job.relative, "output": job.name, "content_hash": job.content_hash,
            "settings": settings.key, "status": ERROR, "kind": "WorkerDied", "error": message}


Engine = Callable[[list[Job], Settings, Path], Iterator[dict]]


def _share_cores(threads: int) -> None:
    """In a batch worker: the threads its pose networks, decoder and encoder take, unless the user set them."""
    from movement_screen.cores import THREADS_ENV

    os.environ.setdefault(THREADS_ENV, str(threads))


def _local_engine(workers: int) -> Engine:
    from movement_screen.cores import share

    threads = max(1, share() // workers)  # N workers share the cores instead of each taking them all

    def run(todo: list[Job], settings: Settings, out: Path) -> Iterator[dict]:
        queue = list(reversed(todo))
        crashes: dict[str, int] = {}
        while queue:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_share_cores,
                                       initargs=(threads,))
            running = {}
            try:
                while queue or running:
                    while queue and len(running) < workers:
                        job = queue.pop()
                        running[pool.submit(score_video, job, settings, str(out))] = job
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        job = running.pop(future)
                        try:
                            record = future.result()
                        except BrokenProcessPool:
                            running[future] = job
                            raise
                        except Exception as exc:  # e.g. the output disk is full: recorded, retried next run
                            record = _crash_record(job, settings, f"{type(exc).__name__}: {exc}")
                        yield record
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in native code): the videos it may have held are retried,
                # and recorded as errors once they have been in CRASHES_ALLOWED crashes.
                for job in running.values():
                    crashes[job.name] = crashes.get(job.name, 0) + 1
                    if crashes[job.name] >= CRASHES_ALLOWED:
                        yield _crash_record(job, settings, "the worker process died while scoring this video (out of "
                                            "memory, or a crash while decoding it): try it alone with analyze")
                    else:
                        queue.append(job)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return run


def _dask_engine(address: str) -> Engine:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--dask needs the cluster extra: pip install 'movement-screen[cluster]'") from None

    def run(todo: list[Job], settings: Settings, out: Path) -> Iterator[dict]:
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address} ({exc}): start it with `dask scheduler`, "
                             "or check the address") from None
        try:
            futures = {client.submit(score_video, job, settings, str(out), pure=False,
                                     key=f"score-{job.name}-{job.content_hash[:12]}"): job for job in todo}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # e.g. KilledWorker: the video took down several workers
                    yield _crash_record(job, settings, f"{type(exc).__name__} on the cluster: {exc}")
        finally:
            client.close()
    return run
