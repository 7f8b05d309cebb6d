"""Keep the native libraries' log lines (MediaPipe, LiteRT, absl) off the terminal.

They write straight to the process's file descriptor 2 from C++ ("WARNING: Logging before InitGoogle()",
"W0000 ... inference_runner_litert.cc ...", "INFO: ... DestroyAccelerator" at exit), around the project's own
one-line messages. :func:`silence_native_logs` points descriptor 2 at /dev/null and gives Python's
``sys.stderr`` (errors, warnings, progress bars) a copy of the real one, so only the project's own lines show.
``MOVEMENT_SCREEN_VERBOSE=1`` (the CLI's ``--verbose``) keeps everything.
"""

from __future__ import annotations

import io
import logging
import os
import sys

VERBOSE_ENV = "MOVEMENT_SCREEN_VERBOSE"
_done = False


def silence_native_logs() -> None:
    """Send native writes to stderr to /dev/null, keeping Python's stderr on the terminal (once per process)."""
    global _done
    if _done or os.environ.get(VERBOSE_ENV) == "1":
        return
    try:
        sys.stderr.flush()
        kept = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no real descriptor 2 (some embedded interpreters): nothing to do
        return
    os.dup2(devnull, 2)
    os.close(devnull)
    old = sys.stderr
    encoding = getattr(old, "encoding", None) or "utf-8"
    sys.stderr = io.TextIOWrapper(os.fdopen(kept, "wb", buffering=0), encoding=encoding,
                                  errors="backslashreplace", line_buffering=True, write_through=True)
    # Log handlers made earlier (a server's own log) hold the old stream: move them along.
    loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream in (old, sys.__stderr__):
                handler.setStream(sys.stderr)
    _done = True
