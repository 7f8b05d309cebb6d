"""Streaming video reading with container timestamps and rotation metadata honoured.

Frames are decoded one at a time (constant memory). Times come from each frame's presentation timestamp, so
variable-frame-rate phone video keeps its real timing and a wrong frame count in the header does no harm.
Frames come out upright (the display rotation phones store is applied), and a downscaled copy can be produced
for inference while all geometry stays in the upright original's pixel units.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from movement_screen.cores import behind_the_main_thread, share
from movement_screen.errors import InputError
from movement_screen.stages import stage
from movement_screen.video.sniff import sniff

VIDEO_SUFFIX_HINT = "a video file (.mp4, .mov, .avi, .mkv, .webm)"
# swscale's threads for a picture's scaling and colour conversion: its own choice (as many as the cores) gives the
# same pixels for 1.8x the CPU (on 2 cores, a 1080x1920 frame to the 640-px copy: 4.5 ms of CPU against 2.5 ms on
# one thread, and no faster), CPU the network and the decoder need (bench/RESULTS.md, the CPU table).
CONVERT_THREADS = 1
MIN_FRAMES = 10  # fewer frames than this cannot show a movement (a third of a second at 30 frames/s)


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip, in upright (displayed) orientation."""

    path: str
    width: int
    height: int
    fps: float
    frames: int  # from the header: may be wrong, the reader never relies on it
    duration_s: float
    rotation: int  # degrees the stored frames are turned to display upright (0, 90, 180, 270)
    codec: str
    turned: int = 0  # of ``rotation``, the clockwise degrees added because the picture was sideways (see turned())

    @property
    def portrait(self) -> bool:
        return self.height > self.width


@dataclass(frozen=True)
class Frame:
    index: int
    time_s: float
    image: np.ndarray | None  # upright RGB at full size, when asked for
    small: np.ndarray | None  # upright RGB downscaled for inference, when asked for


def _open(path: Path):
    import av

    if not path.exists():
        raise InputError(f"'{path}' does not exist: check the path")
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, not {VIDEO_SUFFIX_HINT}")
    if path.stat().st_size == 0:
        raise InputError(f"'{path}' is empty (0 bytes): copy the recording again from the camera or phone")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        if sniff(path):
            raise InputError(f"'{path}' is a damaged or incomplete video (its index cannot be read; the recording "
                             "may have been cut off before it was saved): copy it again from the camera or phone, "
                             "or record again and stop the recording normally") from exc
        raise InputError(f"'{path}' is not a readable video ({exc.__class__.__name__}): give {VIDEO_SUFFIX_HINT}") from exc
    if not container.streams.video:
        container.close()
        raise InputError(f"'{path}' has no video stream (sound only?): give {VIDEO_SUFFIX_HINT}")
    if container.format.name.endswith("_pipe") or container.format.name == "image2":
        kind = container.streams.video[0].codec_context.name
        container.close()
        raise InputError(f"'{path}' is a still image ({kind}), not a video: record the movement as a video of a "
                         "few seconds")
    return container


def _rotation_of(frame) -> int:
    """Clockwise degrees needed to show the stored frame upright."""
    angle = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    # PyAV reports the display matrix angle counter-clockwise; showing upright turns it back.
    return (-angle) % 360 if angle in (90, 180, 270) else 0


def _upright(image: np.ndarray, rotation: int) -> np.ndarray:
    if rotation == 0:
        return image
    # np.rot90 turns counter-clockwise for positive k.
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90)))


def _duration_of(container, stream) -> float:
    """Seconds of video from the stream's header, else the container's, else 0."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return container.duration / 1_000_000 if container.duration else 0.0


def _small_upright(frame, max_side: int, rotation: int | None = None) -> np.ndarray:
    """The frame as the inference copy: RGB, longest side ``max_side``, upright (turned ``rotation`` degrees
    clockwise; None: as the file says)."""
    stored_w, stored_h = small_size(frame.width, frame.height, max_side)
    small = frame.reformat(width=stored_w, height=stored_h, format="rgb24", threads=CONVERT_THREADS)
    return _upright(small.to_ndarray(),
                    _rotation_of(frame) if rotation is None else rotation)


def turned(info: VideoInfo, degrees: int) -> VideoInfo:
    """``info`` for the picture turned ``degrees`` clockwise beyond the file's own rotation setting (a video whose
    setting was lost shows the person lying on their side). Read it with ``rotation=info.rotation``."""
    degrees %= 360
    width, height = (info.height, info.width) if degrees in (90, 270) else (info.width, info.height)
    return VideoInfo(info.path, width, height, info.fps, info.frames, info.duration_s,
                     (info.rotation + degrees) % 360, info.codec, (info.turned + degrees) % 360)


def probe(path: str | Path) -> VideoInfo:
    """Read the header and the first frame; raise :class:`InputError` with an actionable message otherwise."""
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        first = None
        try:
            for first in container.decode(stream):
                break
        except av.error.FFmpegError as exc:
            raise InputError(f"'{path}' could not be decoded ({exc}): the file may be damaged; export it again") from exc
        if first is None:
            raise InputError(f"'{path}' holds no decodable video frames: the file may be truncated; export it again")
        rotation = _rotation_of(first)
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        duration = _duration_of(container, stream)
        frames = int(stream.frames or round(duration * fps))
        if frames < MIN_FRAMES:  # the header says the clip is tiny: count for real before any model is loaded
            count = 1
            try:
                for _ in container.decode(stream):
                    count += 1
                    if count >= MIN_FRAMES:
                        break
            except av.error.FFmpegError:
                pass
            if count < MIN_FRAMES:
                raise InputError(f"'{path}' holds only {count} frame(s) ({duration:.2f} s): record the whole "
                                 "movement, a few seconds of video")
        return VideoInfo(str(path), width, height, fps, frames, duration, rotation, stream.codec_context.name)
    finally:
        container.close()


def small_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Size of the inference copy: longest side ``max_side`` (never upscaled), even dimensions."""
    scale = min(1.0, max_side / max(width, height))
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def iter_frames(
    path: str | Path, *, full: bool = False, max_side: int | None = 640, rotation: int | None = None
) -> Iterator[Frame]:
    """Yield upright frames with container times in seconds, strictly increasing.

    ``full`` yields the full-size RGB image too; ``max_side`` (None = no small copy) the downscaled one.
    ``rotation``: clockwise degrees that show the stored frames upright (``VideoInfo.rotation``, which includes a
    turn the analysis added); None: the file's own rotation setting.
    """
    import av

    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = share() + 1  # FFmpeg's own choice for all the cores is their count + 1 (frame threads wait
        # on each other): a batch worker's share, not all of them
        last_time = -np.inf
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        index = 0
        decoded = container.decode(stream)
        try:
            while True:
                with stage("decode"):
                    frame = next(decoded, None)
                if frame is None:
                    break
                upright = _rotation_of(frame) if rotation is None else rotation
                time_s = float(frame.time) if frame.time is not None else index / fps
                if time_s <= last_time:  # repeated or missing stamps: keep order, nudge by 1 ms
                    time_s = last_time + 0.001
                last_time = time_s
                with stage("scale and colour"):
                    image = (_upright(frame.to_ndarray(format="rgb24", threads=CONVERT_THREADS), upright) if full
                             else None)
                    small = _small_upright(frame, max_side, upright) if max_side is not None else None
                yield Frame(index, time_s, image, small)
                index += 1
        except av.error.FFmpegError as exc:
            if index == 0:
                raise InputError(f"'{path}' could not be decoded ({exc}): the file may be damaged") from exc
            # A damaged tail: keep what was decoded, the caller records the truncation.
            return
    finally:
        container.close()


def sample_frames(path: str | Path, count: int, max_side: int = 640, rotation: int | None = None
                  ) -> list[np.ndarray]:
    """Up to ``count`` small upright RGB frames spread evenly over the clip (seeking, not decoding it all);
    ``rotation`` as in :func:`iter_frames`."""
    import av

    path = Path(path)
    container = _open(path)
    out: list[np.ndarray] = []
    try:
        stream = container.streams.video[0]
        duration = _duration_of(container, stream)
        for k in range(count):
            at = duration * (k + 0.5) / count
            try:
                container.seek(int(at / stream.time_base) if stream.time_base else 0, stream=stream,
                               any_frame=False, backward=True)
                frame = next(container.decode(stream), None)
            except (av.error.FFmpegError, StopIteration):
                continue
            if frame is None:
                continue
            out.append(_small_upright(frame, max_side, rotation))
    finally:
        container.close()
    return out


_DONE = object()


def prefetched(frames: Iterator[Frame], depth: int = 8) -> Iterator[Frame]:
    """The same frames, decoded by a background thread up to ``depth`` ahead.

    Decoding and resizing (PyAV/FFmpeg) release the GIL, so they overlap with model inference in the caller.
    An error while decoding is raised in the caller at the frame where it happened; closing the generator early
    stops the thread.
    """
    import queue
    import threading

    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        behind_the_main_thread()
        try:
            for frame in frames:
                if not put(frame):
                    break
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        finally:
            if stop.is_set():
                frames.close()
        put(_DONE)

    thread = threading.Thread(target=work, name="frame-decoder", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
