"""The pose pass's pictures kept for the annotated video, so the source is decoded once.

The annotated video can only be drawn once the whole clip is analysed (who the screened person is, the verdicts at
the bottom frame, the gait events), and holding the frames in memory would grow with the clip's length. So while
the pose pass runs, the inference copies it decoded anyway (at most 640 px on the long side) are encoded on a
background thread into a temporary, near-lossless H.264 file (x264 ``ultrafast``, CRF 16), about 17 KB a frame.
Drawing the annotated video then decodes that small file instead of the full-size source. On a 1080x1920 phone
clip the source's decode and downscale cost about 13 ms of CPU per frame (156 frames/s on both cores of the
2-core benchmark machine, ``python bench/bench_all.py``, bench/RESULTS.md section 1); the small file's encode and
decode about 3 ms (x264 ultrafast at about 530 frames/s and decoding at about 930, timed by hand, not in a
committed benchmark).

The file is private to the process (``tempfile.mkstemp``, mode 0600) and deleted when :meth:`KeptFrames.discard`
is called or the object is garbage-collected, whichever comes first. A process killed outright (``kill -9``, out of
memory) cannot delete its own: its name carries the process id, and the next analysis on the machine deletes the
files of processes that no longer run (:func:`sweep`), so no copy of a patient's video is left behind for long.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from pathlib import Path
from typing import Iterator

import numpy as np

from movement_screen.stages import stage
from movement_screen.video.reader import CONVERT_THREADS
from movement_screen.video.encode import BackgroundEncoder


PREFIX = "movement-screen-frames-"


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or a platform without signals: assume it runs
        return True
    return True


def sweep(folder: str | None = None) -> list[str]:
    """Delete the kept pictures of processes that no longer run (killed before they could); returns their paths."""
    folder = folder or tempfile.gettempdir()
    gone = []
    try:
        names = os.listdir(folder)
    except OSError:
        return gone
    for name in names:
        if not (name.startswith(PREFIX) and name.endswith(".mp4")):
            continue
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            _unlink(os.path.join(folder, name))
            gone.append(os.path.join(folder, name))
    return gone


class KeptFrames:
    """Pictures of one size added in order (:meth:`add`), encoded on a background thread; after :meth:`close`,
    :meth:`pictures` gives them back in the same order."""

    def __init__(self, fps: float = 30.0):
        sweep()
        handle, self.path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=".mp4")
        os.close(handle)
        self._finalizer = weakref.finalize(self, _unlink, self.path)
        self._encoder = BackgroundEncoder(self.path, fps, "ultrafast", 16, name="kept-copy-encoder")
        self._closed = False

    @property
    def count(self) -> int:
        return self._encoder.count

    @property
    def size(self) -> tuple[int, int] | None:
        """(width, height) of the pictures."""
        return self._encoder.size

    def add(self, image: np.ndarray) -> None:
        """One RGB picture (all the same size). Never raises: if encoding failed (a full disk), the pictures are
        not kept and the annotated video decodes the source instead."""
        self._encoder.add(image)

    def close(self) -> "KeptFrames":
        """Wait for the encoder to finish."""
        self._closed = True
        self._encoder.close(quiet=True)
        return self

    @property
    def usable(self) -> bool:
        """Closed, every picture encoded, and the file still there."""
        return (self._closed and self._encoder.error is None and self.count > 0
                and Path(self.path).exists())

    def pictures(self) -> Iterator[np.ndarray]:
        """The pictures in the order they were added (RGB)."""
        import av

        if not self.usable:
            raise ValueError("the kept frames are not closed, or were not kept")
        with av.open(self.path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            decoded = container.decode(stream)
            while True:
                with stage("decode kept copy"):
                    frame = next(decoded, None)
                    picture = frame.to_ndarray(format="rgb24", threads=CONVERT_THREADS) if frame is not None else None
                if picture is None:
                    return
                yield picture

    def discard(self) -> None:
        """Delete the file now (also done when the object is garbage-collected)."""
        self.close()
        self._finalizer()
