"""H.264 encoding on a background thread, so drawing (or the pose pass) and x264 overlap on two cores.

x264 and FFmpeg's conversions run without the GIL; the caller hands over RGB pictures through a short queue
(bounded memory) and goes on with the next one.
"""

from __future__ import annotations

import queue
import threading
from fractions import Fraction

import numpy as np

from movement_screen.cores import behind_the_main_thread, share
from movement_screen.stages import stage
from movement_screen.video.reader import CONVERT_THREADS

DEPTH = 8  # pictures waiting for the encoder at most
_DONE = object()


class BackgroundEncoder:
    """An H.264 (yuv420p) file written from RGB pictures of one size on a background thread.

    ``add(picture, duration)`` queues one picture lasting ``duration`` frame times (a held frame is one picture
    lasting longer, not copies). An error while encoding is kept in :attr:`error`: later pictures are dropped, and
    :meth:`close` raises it unless ``quiet``. The file has no metadata (nothing of a source is carried over).
    """

    def __init__(self, path: str, fps: float, preset: str, crf: int, *, faststart: bool = False,
                 name: str = "encoder"):
        self.path = path
        self.name = name  # the thread's (the stage table's rows)
        self.fps = max(1, int(round(fps or 30)))
        self.options = {"preset": preset, "crf": str(crf), **({"movflags": "+faststart"} if faststart else {})}
        self.count = 0
        self.size: tuple[int, int] | None = None  # (width, height) of the first picture
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, picture: np.ndarray, duration: int = 1) -> None:
        if self._closed or self.error is not None:
            return
        if self._thread is None:
            self.size = (picture.shape[1], picture.shape[0])
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        self._queue.put((picture, duration))
        self.count += 1

    def _run(self) -> None:
        import av

        behind_the_main_thread()

        done = False
        container = None
        try:
            container = av.open(self.path, mode="w")
            container.metadata.clear()
            stream = container.add_stream("libx264", rate=self.fps)
            stream.width, stream.height = self.size
            stream.pix_fmt = "yuv420p"
            stream.options = dict(self.options)
            stream.codec_context.thread_count = share()  # x264's own threads
            stream.codec_context.thread_type = "FRAME"  # 1.3x over its default on 2 cores at 640 px
            pts = 0
            while True:
                item = self._queue.get()
                if item is _DONE:
                    done = True
                    break
                picture, duration = item
                with stage("encode"):
                    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(picture), format="rgb24").reformat(
                        format="yuv420p", threads=CONVERT_THREADS)  # (the encoder's own conversion: every core)
                    frame.pts, frame.time_base = pts, Fraction(1, self.fps)
                    pts += duration
                    for packet in stream.encode(frame):
                        container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        except Exception as exc:  # e.g. a full disk, a size x264 cannot take
            self.error = exc
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception as exc:
                    self.error = self.error or exc
            while not done:  # take what the producer still adds, so it never waits on a full queue
                done = self._queue.get() is _DONE

    def close(self, quiet: bool = False) -> None:
        """Wait for the last picture to be written; raise the encoding error unless ``quiet``."""
        if not self._closed:
            self._closed = True
            if self._thread is not None:
                self._queue.put(_DONE)
                self._thread.join()
        if self.error is not None and not quiet:
            raise self.error
