"""The live camera: set-up coaching, movement cues and recording, frame by frame (no Streamlit code here).

:func:`setup_messages` and :class:`SquatCues` are pure and tested on built landmarks. :class:`LiveSession` runs
the pose model on each received frame (from the browser's camera, on the WebRTC thread), draws the skeleton and
the current message, and records the frames with their own timestamps into an MP4 that the library then scores
exactly like an upload.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from movement_screen.pose import landmarks as lm
from movement_screen.contract.config import load

FEET = (lm.L_ANKLE, lm.R_ANKLE, lm.L_HEEL, lm.R_HEEL)
COACH = load("live_coach")  # the numbers and words, shared with the in-page camera (browser_pose/coach.js)
SETUP, SAY = COACH["setup"], COACH["setup"]["messages"]
CUE, CUE_SAY = COACH["squat"], COACH["squat"]["messages"]
EDGE = SETUP["edge"]
MIN_BODY = SETUP["min_body"]
GOOD = SAY["good"]


def _view(xy: np.ndarray) -> str:
    shoulders = abs(xy[lm.L_SHOULDER, 0] - xy[lm.R_SHOULDER, 0])
    trunk = abs((xy[lm.L_HIP, 1] + xy[lm.R_HIP, 1]) / 2 - (xy[lm.L_SHOULDER, 1] + xy[lm.R_SHOULDER, 1]) / 2)
    ratio = shoulders / max(trunk, 1e-6)
    return "side" if ratio < SETUP["side_ratio"] else "front" if ratio > SETUP["front_ratio"] else "oblique"


def setup_messages(people: int, xy: np.ndarray | None, visibility: np.ndarray | None, screen: str) -> list[str]:
    """What is wrong with the set-up right now, most important first (``[GOOD]`` when nothing is).

    ``xy`` are the main person's landmarks in picture fractions (0-1), ``visibility`` their visibility.
    """
    if people == 0 or xy is None:
        return [SAY["nobody"]]
    messages = []
    if people > 1:
        messages.append(SAY["several"])
    seen = SETUP["min_visibility"]
    feet_out = (visibility[list(FEET)] < seen).any() or (xy[list(FEET), 1] > 1 - EDGE).any()
    if feet_out:
        messages.append(SAY["feet"])
    if xy[lm.NOSE, 1] < EDGE or visibility[lm.NOSE] < seen:
        messages.append(SAY["head"])
    ankles = (xy[lm.L_ANKLE, 1] + xy[lm.R_ANKLE, 1]) / 2
    if not feet_out and ankles - xy[lm.NOSE, 1] < MIN_BODY:
        messages.append(SAY["small"])
    if screen in SETUP["sideways_screens"]:
        view = _view(xy)
        if view == "front":
            messages.append(SAY["sideways"])
        elif view == "oblique":  # part-way round: the side-view measures need the side square to the camera
            messages.append(SAY["turn_more"])
    return messages or [GOOD]


@dataclass
class SquatCues:
    """Repetition counter and depth cue from the hips' drop, in leg lengths, against standing."""

    reps: int = 0
    down: bool = False
    standing_hip: float | None = None
    deepest: float = 0.0
    depth_reached: bool = False

    def update(self, xy: np.ndarray) -> list[str]:
        hip = (xy[lm.L_HIP, 1] + xy[lm.R_HIP, 1]) / 2
        knee = (xy[lm.L_KNEE, 1] + xy[lm.R_KNEE, 1]) / 2
        ankle = (xy[lm.L_ANKLE, 1] + xy[lm.R_ANKLE, 1]) / 2
        leg = max(ankle - hip, 1e-6)
        if self.standing_hip is None or (not self.down and hip < self.standing_hip):
            self.standing_hip = hip  # the highest the hips have been while standing
        drop = (hip - self.standing_hip) / max(ankle - self.standing_hip, 1e-6)
        if not self.down and drop > CUE["down_drop"]:
            self.down, self.deepest, self.depth_reached = True, drop, False
        if self.down:
            self.deepest = max(self.deepest, drop)
            self.depth_reached |= hip >= knee - CUE["depth_margin"] * leg  # thigh at or below horizontal
            if drop < CUE["up_drop"]:
                self.down = False
                self.reps += 1
        cues = [CUE_SAY["repetitions"].format(reps=self.reps)]
        if self.down:
            cues.append(CUE_SAY["depth"] if self.depth_reached else CUE_SAY["not_yet"])
        if _view(xy) == "front":
            knees = abs(xy[lm.L_KNEE, 0] - xy[lm.R_KNEE, 0])
            ankles = abs(xy[lm.L_ANKLE, 0] - xy[lm.R_ANKLE, 0])
            cues.append(CUE_SAY["knees_in"] if knees < CUE["knees_in_ratio"] * ankles else CUE_SAY["knees_ok"])
        return cues


POSITIVE = {GOOD, CUE_SAY["depth"], CUE_SAY["knees_ok"]}  # shown in green
REPS_PREFIX = CUE_SAY["repetitions"].split("{")[0]


def coach(cues: SquatCues, xy, visibility, screen: str) -> tuple[int | None, list[str], list[str]]:
    """One frame's coaching from every pose found in it (``xy[k]`` picture fractions, ``visibility[k]``): the
    main person (tallest in the picture), the set-up messages and the squat cues. The in-page camera runs the
    same steps (browser_pose/coach.js), checked against this in tests/test_live_coach.py."""
    main = int(np.argmax([np.ptp(p[:, 1]) for p in xy])) if len(xy) else None
    messages = setup_messages(len(xy), xy[main] if main is not None else None,
                              visibility[main] if main is not None else None, screen)
    said = cues.update(xy[main]) if main is not None and screen in ("squat", "auto") else []
    if cues.down:  # crouching makes anyone small: judge the distance standing
        messages = [m for m in messages if m != SAY["small"]] or [GOOD]
    return main, messages, said


@dataclass
class LiveSession:
    """Everything the camera thread does; the page reads :meth:`status` and starts/stops recording."""

    screen: str
    model: object  # pose.models.ModelFile
    folder: Path
    max_side: int = 480
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[str] = field(default_factory=lambda: ["Waiting for the camera..."])
    cues: list[str] = field(default_factory=list)
    processed: int = 0
    started: float | None = None
    recording_path: Path | None = None
    recorded: int = 0
    _estimator: object = None
    _writer: object = None
    _squat: SquatCues = field(default_factory=SquatCues)
    history: list[str] = field(default_factory=list)  # every distinct set-up message, in order

    def process(self, image: np.ndarray, time_s: float) -> np.ndarray:
        """One camera frame (RGB) at ``time_s``: returns it with the skeleton and the current message drawn."""
        import cv2

        from movement_screen.pose.estimator import PoseEstimator
        from movement_screen.video.annotate import SUBJECT_COLOUR, draw_pose, draw_text
        from movement_screen.video.reader import small_size

        if self._estimator is None:
            self._estimator = PoseEstimator(self.model, max_people=2)
        height, width = image.shape[:2]
        w, h = small_size(width, height, self.max_side)
        small = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA) if (w, h) != (width, height) else image
        xy, vis, _ = self._estimator.detect(small, int(time_s * 1000))  # the estimator keeps its clock monotonic
        main, messages, cues = coach(self._squat, xy, vis, self.screen)
        with self.lock:
            self.processed += 1
            self.started = self.started or time.perf_counter()
            if messages[0] != (self.history[-1] if self.history else None):
                self.history.append(messages[0])
            self.messages, self.cues = messages, cues
            if self._writer is not None:
                self._write(image, time_s)
        out = np.ascontiguousarray(image).copy()
        if main is not None:
            draw_pose(cv2, out, xy[main] * [width, height], 1.0, SUBJECT_COLOUR, max(2, width // 320))
        size = max(0.5, width / 1100)
        lines = messages[:2] + cues
        for i, text in enumerate(lines):
            colour = (60, 200, 60) if text in POSITIVE or text.startswith(REPS_PREFIX) else (255, 200, 0)
            draw_text(cv2, out, text, (10, int((i + 1) * 34 * size)), size, colour)
        if self._writer is not None:
            cv2.circle(out, (width - 30, 30), 12, (230, 30, 30), -1)
        return out

    def set_screen(self, screen: str) -> None:
        with self.lock:
            if screen != self.screen:
                self.screen, self._squat = screen, SquatCues()

    def fps(self) -> float:
        with self.lock:
            if not self.started or self.processed < 2:
                return 0.0
            return (self.processed - 1) / max(time.perf_counter() - self.started, 1e-6)

    def status(self) -> dict:
        with self.lock:
            return {"messages": list(self.messages), "cues": list(self.cues), "processed": self.processed,
                    "recording": self._writer is not None, "recorded": self.recorded}

    # Recording: received frames with their own timestamps, in an MP4 (variable frame rate kept).
    def start_recording(self) -> Path:
        with self.lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.recording_path = self.folder / f"webcam_{time.strftime('%Y%m%d_%H%M%S')}.mp4"
            self.recorded = 0
            self._writer = {"container": None, "first": None}
            return self.recording_path

    def _write(self, image: np.ndarray, time_s: float) -> None:
        import av

        state = self._writer
        if state["container"] is None:
            container = av.open(str(self.recording_path), "w")
            stream = container.add_stream("libx264", rate=30)
            stream.height, stream.width = (image.shape[0] // 2) * 2, (image.shape[1] // 2) * 2
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = Fraction(1, 1000)
            stream.options = {"preset": "veryfast"}
            state.update(container=container, stream=stream, first=time_s, last=-1)
        pts = max(int(round((time_s - state["first"]) * 1000)), state["last"] + 1)
        state["last"] = pts
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image[: state["stream"].height,
                                                                       : state["stream"].width]), format="rgb24")
        frame.pts, frame.time_base = pts, Fraction(1, 1000)
        for packet in state["stream"].encode(frame):
            state["container"].mux(packet)
        self.recorded += 1

    def stop_recording(self) -> Path | None:
        """Close the recording; returns its path, or None when no frame was recorded."""
        with self.lock:
            state, self._writer = self._writer, None
            if not state or state["container"] is None:
                return None
            for packet in state["stream"].encode():
                state["container"].mux(packet)
            state["container"].close()
            return self.recording_path

    def close(self) -> None:
        self.stop_recording()
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
