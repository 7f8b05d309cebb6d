"""The pose pass's pictures kept for the annotated video, so the source is decoded once.

The annotated video can only be drawn once the whole clip is analysed (who the screened person is, the verdicts at
the bottom frame, the gait events), and holding the frames in memory would grow with the clip's length. So while
the pose pass runs, the inference copies it decoded anyway (at most 640 px on the long side) go to a temporary file
on a background thread, and drawing the annotated video reads them back instead of decoding the full-size source.

They are kept as they are (raw RGB, 0.7 MB a 360x640 picture) up to :data:`RAW_BUDGET` bytes a clip, and never more
than a quarter of the temporary folder's free space: about 50 s of a 30 frames/s phone clip. Only the pictures
beyond that are encoded, into a near-lossless H.264 file (x264 ``ultrafast``, CRF 16, about 17 KB a frame), so a
10-minute clip still takes about 300 MB of disk, not 12 GB. Writing and reading a raw picture costs about 0.3 ms of
CPU (the CPU table of ``python bench/bench_all.py``, bench/RESULTS.md section 1); encoding and decoding it cost
3.1 ms (2.2 + 0.9, the same table when every picture was encoded). So for a screening clip the annotated video is
the analysis's one x264 pass, drawn on the very pictures the pose pass used.

The files are private to the process (``tempfile.mkstemp``, mode 0600) and deleted when :meth:`KeptFrames.discard`
is called or the object is garbage-collected, whichever comes first. A process killed outright (``kill -9``, out of
memory) cannot delete its own: their names carry the process id, and the next analysis on the machine deletes the
files of processes that no longer run (:func:`sweep`), so no copy of a patient's video is left behind for long.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Iterator

import numpy as np

from movement_screen.cores import behind_the_main_thread
from movement_screen.stages import stage
from movement_screen.video.reader import CONVERT_THREADS
from movement_screen.video.encode import BackgroundEncoder


PREFIX = "movement-screen-frames-"
SUFFIXES = (".rgb", ".mp4")  # the raw pictures, and the encoded ones beyond the budget
RAW_BUDGET = 1 << 30  # bytes of raw pictures a clip keeps at most (1 GiB: 1553 pictures of 360x640)
RAW_SHARE_OF_FREE = 0.25  # and at most this share of the temporary folder's free space
DEPTH = 8  # pictures waiting for the writer at most
_DONE = object()


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
        if not (name.startswith(PREFIX) and name.endswith(SUFFIXES)):
            continue
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            _unlink(os.path.join(folder, name))
            gone.append(os.path.join(folder, name))
    return gone


def _private_file(suffix: str) -> str:
    handle, path = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=suffix)
    os.close(handle)
    return path


class KeptFrames:
    """Pictures of one size added in order (:meth:`add`), written on a background thread (raw up to the budget,
    encoded beyond it); after :meth:`close`, :meth:`pictures` gives them back in the same order."""

    def __init__(self, fps: float = 30.0):
        sweep()
        self.fps = fps
        self.path = _private_file(SUFFIXES[0])  # the raw pictures
        self.encoded_path: str | None = None  # the pictures beyond the budget, once there are any
        self._finalizer = weakref.finalize(self, _unlink, self.path)
        self._encoded_finalizer = None
        self._encoder: BackgroundEncoder | None = None
        self.count = 0
        self.raw_count = 0  # of them, kept raw
        self.size: tuple[int, int] | None = None  # (width, height) of the pictures
        self.error: BaseException | None = None
        self._raw_limit = 0
        self._queue: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, image: np.ndarray) -> None:
        """One RGB picture (all the same size). Never raises: if writing failed (a full disk), the pictures are
        not kept and the annotated video decodes the source instead."""
        if self._closed or self.error is not None:
            return
        if self._thread is None:
            self.size = (image.shape[1], image.shape[0])
            try:
                free = shutil.disk_usage(os.path.dirname(self.path)).free
            except OSError:
                free = 0
            self._raw_limit = int(min(RAW_BUDGET, free * RAW_SHARE_OF_FREE) // max(1, image.nbytes))
            self._thread = threading.Thread(target=self._run, name="kept-copy-writer", daemon=True)
            self._thread.start()
        self._queue.put(image)
        self.count += 1

    def _run(self) -> None:
        behind_the_main_thread()
        done = False
        try:
            with open(self.path, "wb", buffering=0) as raw:
                while True:
                    image = self._queue.get()
                    if image is _DONE:
                        done = True
                        break
                    with stage("write"):
                        if image.shape[:2] != (self.size[1], self.size[0]):
                            raise ValueError(f"a picture of {image.shape[1]}x{image.shape[0]} among {self.size}")
                        if self.raw_count < self._raw_limit:
                            picture = memoryview(np.ascontiguousarray(image, np.uint8)).cast("B")
                            if raw.write(picture) != picture.nbytes:
                                raise OSError(f"{self.path}: the disk took part of a picture (full?)")
                            self.raw_count += 1
                        else:
                            self._encoded().add(image)
        except Exception as exc:  # a full disk, an odd size
            self.error = exc
        finally:
            while not done:  # take what the producer still adds, so it never waits on a full queue
                done = self._queue.get() is _DONE
            if self._encoder is not None:
                self._encoder.close(quiet=True)
                self.error = self.error or self._encoder.error

    def _encoded(self) -> BackgroundEncoder:
        if self._encoder is None:
            self.encoded_path = _private_file(SUFFIXES[1])
            self._encoded_finalizer = weakref.finalize(self, _unlink, self.encoded_path)
            self._encoder = BackgroundEncoder(self.encoded_path, self.fps, "ultrafast", 16, name="kept-copy-encoder")
        return self._encoder

    def close(self) -> "KeptFrames":
        """Wait for the writer (and the encoder) to finish."""
        if not self._closed:
            self._closed = True
            if self._thread is not None:
                self._queue.put(_DONE)
                self._thread.join()
        return self

    @property
    def usable(self) -> bool:
        """Closed, every picture written, and the files still there."""
        return (self._closed and self.error is None and self.count > 0 and Path(self.path).exists()
                and (self.encoded_path is None or Path(self.encoded_path).exists()))

    def pictures(self) -> Iterator[np.ndarray]:
        """The pictures in the order they were added (RGB)."""
        if not self.usable:
            raise ValueError("the kept frames are not closed, or were not kept")
        width, height = self.size
        with open(self.path, "rb", buffering=0) as raw:
            for _ in range(self.raw_count):
                with stage("read kept copy"):
                    picture = np.empty((height, width, 3), np.uint8)
                    if raw.readinto(memoryview(picture).cast("B")) != picture.nbytes:
                        raise ValueError(f"the kept pictures in {self.path} end early")
                yield picture
        if self.encoded_path is not None:
            yield from self._decoded()

    def _decoded(self) -> Iterator[np.ndarray]:
        import av

        with av.open(self.encoded_path) as container:
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
        """Delete the files now (also done when the object is garbage-collected)."""
        self.close()
        self._finalizer()
        if self._encoded_finalizer is not None:
            self._encoded_finalizer()
