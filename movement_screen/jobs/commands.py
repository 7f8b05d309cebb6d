"""`movement-screen queue` (the analyses waiting, running, failed; cancel one; run the pool) and
`movement-screen worker` (add this machine's cores to a clinic's Dask scheduler)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from movement_screen.errors import UsageError
from movement_screen.store.db import location_arg


def add_parsers(sub) -> None:
    queue = sub.add_parser("queue", help="the clinic server's analysis queue: jobs waiting, running and failed",
                           description="Without a subcommand: the jobs waiting and running, and those that failed "
                           "or finished in the last day.")
    queue.add_argument("--store", type=location_arg, help="the app's store (a file or a postgresql:// URL)")
    queue.add_argument("--days", type=float, default=1.0, help="finished jobs of this many days (default 1)")
    queue_sub = queue.add_subparsers(dest="queue_command")
    cancel = queue_sub.add_parser("cancel", help="cancel a job that has not started (its files are removed)")
    cancel.add_argument("job", type=int)
    serve = queue_sub.add_parser("serve", help="run the analysis pool (what `movement-screen app` starts beside the "
                                 "page server; run it alone for a page server started another way)")
    serve.add_argument("--app-dir", type=Path, help="the app's folder (default: $MOVEMENT_SCREEN_APP_DIR or "
                       "~/.local/share/movement-screen/app)")
    for each in queue_sub.choices.values():
        each.add_argument("--store", type=location_arg, default=argparse.SUPPRESS,
                          help="the app's store (a file or a postgresql:// URL)")

    worker = sub.add_parser("worker", help="add this machine's cores to a clinic's analysis queue (a Dask worker)",
                            description="Connects to the Dask scheduler the clinic's app servers use "
                            "(MOVEMENT_SCREEN_SCHEDULER) and runs analyses from their queue. The store must be "
                            "reachable from here (PostgreSQL), and the app's folder mounted at the same path.")
    worker.add_argument("scheduler", help="the scheduler's address, e.g. tcp://10.0.0.5:8786")
    worker.add_argument("--workers", type=int, default=1, help="analyses at once on this machine (default 1)")
    worker.add_argument("--nice", type=int, default=10, help="priority below other work (default 10)")


def _store(args):
    from movement_screen.store.db import Database

    return Database(getattr(args, "store", None))


def queue(args) -> int:
    if args.queue_command == "serve":
        return serve(args)
    from movement_screen.jobs import records

    db = _store(args)
    try:
        if args.queue_command == "cancel":
            job = records.get(db, args.job)
            if job is None:
                raise UsageError(f"no job {args.job} in the queue")
            if not records.cancel(db, args.job):
                raise UsageError(f"job {args.job} is {job.state}: only a job that has not started can be cancelled")
            import shutil

            shutil.rmtree(job.folder, ignore_errors=True)
            print(f"Cancelled job {args.job}; its files were removed.")
            return 0
        waiting, finished = records.overview(db, args.days)
    finally:
        db.close()
    print(records.summary(waiting, finished, args.days))
    for job in waiting + finished:
        r = records.row(job)
        print(f"  job {r['job']} {r['state']:9} {r['asked at (UTC)']} {r['screen']:17} patient {r['patient']} by "
              f"{r['by']}: {r['details']}")
    return 0


def serve(args) -> int:
    """Run the pool until stopped (SIGTERM, SIGINT, or the page server that started it ending)."""
    from movement_screen.jobs.pool import AnalysisPool
    from movement_screen.store.db import default_location

    from movement_screen.app import app_folder

    root = args.app_dir or app_folder()
    location = getattr(args, "store", None) or default_location()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    pool = AnalysisPool(str(location), root)
    print(f"movement-screen queue: {pool.capacity()} analysis worker(s) on {pool.settings.scheduler or 'this machine'}"
          f", {pool.settings.threads_per_analysis()} thread(s) each at nice {pool.settings.nice}", file=sys.stderr)
    try:
        stop.wait()
    finally:
        pool.close()
    return 0


def worker(args) -> int:
    """A Dask worker (with its nanny, which restarts it if it dies) for the clinic's scheduler."""
    import asyncio

    import dask

    from movement_screen.jobs.pool import dask_config

    if args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    os.nice(max(0, args.nice - os.nice(0)))  # this process and every worker it starts

    async def run() -> None:
        from distributed import Nanny

        nannies = [Nanny(args.scheduler, nthreads=1) for _ in range(args.workers)]
        await asyncio.gather(*nannies)
        print(f"movement-screen worker: {args.workers} worker(s) joined {args.scheduler}", file=sys.stderr)
        await asyncio.gather(*(n.finished() for n in nannies))

    with dask.config.set(dask_config()):
        try:
            asyncio.run(run())
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {args.scheduler} ({exc})") from None
    return 0


def start_beside(argv_store: str | Path | None = None):
    """Start `movement-screen queue serve` as a child that ends when this process ends, even by SIGKILL (Linux's
    parent-death signal); returns it. `movement-screen app` calls this, then becomes the page server."""
    import subprocess

    def end_with_parent() -> None:
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    command = [sys.executable, "-m", "movement_screen", "queue", "serve"]
    if argv_store:
        command += ["--store", str(argv_store)]
    return subprocess.Popen(command, preexec_fn=end_with_parent if sys.platform.startswith("linux") else None)
