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


BACKGROUND_NICE = 10  # how much lower a background thread's priority is than the thread that started it


def behind_the_main_thread() -> None:
    """Lower the calling thread's priority (Linux: each thread has its own nice value, inherited by the threads it
    starts, such as FFmpeg's decoding threads and x264's).

    An analysis has one critical path, the main thread running the pose networks; the frame decoder and the
    encoders work ahead of it or behind it through queues. At equal priority on 2 cores the scheduler shared the
    cores evenly and the main thread waited: a region cut took 2 ms instead of 0.2 ms. Behind it, they use the
    moments it leaves: the one-person squat's analysis 19.4 s instead of 22.0 s, the same CPU (alternating runs;
    bench/RESULTS.md). Nothing happens where priorities cannot be set."""
    try:
        import threading

        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE))
    except (AttributeError, OSError):
        pass
