"""Files nothing records: the app's folders that no session and no live analysis holds.

Each analysis has one folder directly under the app's folder (:func:`movement_screen.app.widgets.work_root`). It is
recorded by its job from before the first file is written, and by its session once recorded. What a killed server
or worker left (an upload whose job failed, a refused clip's copy, a result nobody saved) is removed here, at the
server's start and every half minute after; unsaved results (no patient chosen) are kept
``MOVEMENT_SCREEN_UNSAVED_HOURS`` (default 24) for the visitor to read, then removed.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

from movement_screen.jobs import records


def _top(path: str | Path, root: Path) -> Path | None:
    """The folder directly under ``root`` that holds ``path`` (None when outside it)."""
    try:
        relative = Path(path).resolve().relative_to(root)
    except ValueError:
        return None
    return root / relative.parts[0] if relative.parts else None


def recorded(db, root: Path) -> set[Path]:
    """The folders under ``root`` a session's files lie in, or a job still needs."""
    keep = set()
    for (files,) in db.execute("SELECT files FROM sessions").fetchall():
        for f in json.loads(files):
            top = _top(f, root)
            if top is not None:
                keep.add(top)
    hours = float(os.environ.get("MOVEMENT_SCREEN_UNSAVED_HOURS", "24") or 24)
    fresh = records._iso(records.now() - timedelta(hours=hours))
    rows = db.execute("SELECT folder, state, session_id, finished_at FROM jobs WHERE state IN (?, ?, ?, ?)",
                      (*records.WAITING, records.DONE)).fetchall()
    for folder, state, session_id, finished in rows:
        if state != records.DONE or session_id is not None or (finished or "") >= fresh:
            top = _top(folder, root)
            if top is not None:
                keep.add(top)
    return keep


def sweep(db, root: str | Path) -> list[str]:
    """Remove the folders under ``root`` that nothing records; returns them."""
    root = Path(root).resolve()
    if not root.is_dir():
        return []
    keep = recorded(db, root)
    removed = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed
