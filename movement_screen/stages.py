"""Where an analysis spends its time: wall seconds per stage, per thread, for ``bench/bench_all.py``'s stage table.

Recorded only when the environment variable ``MOVEMENT_SCREEN_STAGES`` names a file: the totals are written
there as JSON when the process exits. Otherwise :func:`stage` returns one shared do-nothing context and
:func:`add` returns at once, so the hooks cost nothing in normal use.

Each thread's stages are its own wall time, nested stages counted once (in the innermost): the main thread's add
up to the analysis less what no stage covers (start-up, imports), and the background threads (frame decoding,
the encoders) run beside it.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time

_FILE = os.environ.get("MOVEMENT_SCREEN_STAGES")
_START = time.perf_counter()
_totals: dict[str, dict[str, list[float]]] = {}  # thread -> stage -> [seconds, calls]
_lock = threading.Lock()


_open = threading.local()  # per thread: the stages open now, innermost last


class _Stage:
    """A stage's own time: a stage opened inside another (the first look runs the networks) is taken out of the
    outer one, so a thread's stages never count a moment twice and add up to its wall time."""

    __slots__ = ("name", "start", "inner")

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        stack = getattr(_open, "stack", None)
        if stack is None:
            stack = _open.stack = []
        stack.append(self)
        self.inner = 0.0
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        spent = time.perf_counter() - self.start
        stack = _open.stack
        stack.pop()
        if stack:
            stack[-1].inner += spent
        add(self.name, spent - self.inner)


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


_NOTHING = _Nothing()


def on() -> bool:
    return bool(_FILE)


def stage(name: str):
    """``with stage("decode"): ...``: the block's wall time added to ``name`` in this thread."""
    return _Stage(name) if _FILE else _NOTHING


def add(name: str, seconds: float, calls: int = 1) -> None:
    if not _FILE:
        return
    thread = re.sub(r"_\d+$", "", threading.current_thread().name)  # annotate_0 -> annotate
    with _lock:
        entry = _totals.setdefault(thread, {}).setdefault(name, [0.0, 0])
        entry[0] += seconds
        entry[1] += calls


def write() -> None:
    """The totals so far, and the process's wall time since this module was imported, to the file."""
    if not _FILE:
        return
    with _lock:
        data = {"wall_s": time.perf_counter() - _START,
                "threads": {t: {s: {"seconds": v[0], "calls": v[1]} for s, v in stages.items()}
                            for t, stages in _totals.items()}}
    with open(_FILE, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


if _FILE:
    import atexit

    atexit.register(write)
