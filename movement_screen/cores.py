"""How many threads one analysis takes: its share of the machine's cores.

The pose networks (LiteRT), the video decoder and the x264 encoder each take this many threads. Alone, an analysis
takes every core; the batch runner gives each of its N worker processes cores / N (set in the worker through
$MOVEMENT_SCREEN_THREADS, which a user can also set).
"""

from __future__ import annotations

import os

THREADS_ENV = "MOVEMENT_SCREEN_THREADS"


def share() -> int:
    """$MOVEMENT_SCREEN_THREADS when set to a positive number, else the cores this process may use."""
    given = os.environ.get(THREADS_ENV, "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        return max(1, len(os.sched_getaffinity(0)))  # a pinned process (taskset, a container's cpuset) counts its own
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
