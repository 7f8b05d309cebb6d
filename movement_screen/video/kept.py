"""The pose pass's pictures kept for the annotated video, so the source is decoded once.

The annotated video can only be drawn once the whole clip is analysed (who the screened person is, the verdicts at
the bottom frame, the gait events), and holding the frames in memory would grow with the clip's length. So while
the pose pass runs, the inference copies it decoded anyway (at most 640 px on the long side) are encoded on a
background thread into a temporary, near-lossless H.264 file (x264 ``ultrafast``, CRF 16), about 17 KB a frame.
Drawing the annotated video then decodes that small file instead of the full-size source: on a 1080x1920 phone
clip the source's decode and downscale cost about 12 ms of CPU per frame, the small file's encode and decode about
3 (``python bench/bench_all.py``, bench/RESULTS.md).

The file is private to the process (``tempfile.mkstemp``, mode 0600) and deleted when :meth:`KeptFrames.discard`
is called or the object is garbage-collected, whichever comes first.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import weakref
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import numpy as np

DEPTH = 8  # pictures waiting for the encoder at most (bounded memory)
_DONE = object()


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class KeptFrames:
    """Pictures of one size added in order (:meth:`add`), encoded on a background thread; after :meth:`close`,
    :meth:`pictures` gives them back in the same order."""

    def __init__(self, fps: float = 30.0):
        handle, self.path = tempfile.mkstemp(prefix="movement-screen-frames-", suffix=".mp4")
        os.close(handle)
        self._finalizer = weakref.finalize(self, _unlink, self.path)
        self.fps = max(1, int(round(fps or 30)))
        self.count = 0
        self.size: tuple[int, int] | None = None  # (width, height)
        self._queue: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, image: np.ndarray) -> None:
        """One RGB picture (all the same size); encoded on the background thread. Never raises: if encoding
        failed (a full disk), the pictures are not kept and the annotated video decodes the source instead."""
        if self._closed or self._error is not None:
            return
        if self._thread is None:
            self.size = (image.shape[1], image.shape[0])
            self._thread = threading.Thread(target=self._encode, name="kept-frames", daemon=True)
            self._thread.start()
        self._queue.put(image)
        self.count += 1

    def _encode(self) -> None:
        import av

        done = False
        container = None
        try:
            container = av.open(self.path, mode="w")
            stream = container.add_stream("libx264", rate=self.fps)
            stream.width, stream.height = self.size
            stream.pix_fmt = "yuv420p"
            stream.options = {"preset": "ultrafast", "crf": "16"}
            written = 0
            while True:
                image = self._queue.get()
                if image is _DONE:
                    done = True
                    break
                frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
                frame.pts, frame.time_base = written, Fraction(1, self.fps)
                written += 1
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        except Exception as exc:  # e.g. the disk is full: the pictures are not kept
            self._error = exc
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception as exc:
                    self._error = self._error or exc
            while not done:  # take what the producer still adds, so it never waits on a full queue
                done = self._queue.get() is _DONE

    def close(self) -> "KeptFrames":
        """Wait for the encoder to finish."""
        if not self._closed:
            self._closed = True
            if self._thread is not None:
                self._queue.put(_DONE)
                self._thread.join()
        return self

    @property
    def usable(self) -> bool:
        """Closed, every picture encoded, and the file still there."""
        return self._closed and self._error is None and self.count > 0 and Path(self.path).exists()

    def pictures(self) -> Iterator[np.ndarray]:
        """The pictures in the order they were added (RGB)."""
        import av

        if not self.usable:
            raise ValueError("the kept frames are not closed, or were not kept")
        with av.open(self.path) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                yield frame.to_ndarray(format="rgb24")

    def discard(self) -> None:
        """Delete the file now (also done when the object is garbage-collected)."""
        self.close()
        self._finalizer()
