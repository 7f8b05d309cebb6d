"""The live camera: set-up coaching, movement cues and recording, frame by frame (no Streamlit code here).

:func:`setup_messages` and the movement cues (:class:`SquatCues`, :class:`PostureCues`, :class:`SingleLegCues`,
:class:`SitToStandCues`, one per screen, chosen by :class:`LiveCues`) are pure and tested on built landmarks.
:class:`LiveSession` runs the pose model on each received frame (from the browser's camera, on the WebRTC thread),
draws the skeleton and the current message, and records the frames with their own timestamps into an MP4 that the
library then scores exactly like an upload.
"""

from __future__ import annotations

import math
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
STILL, STILL_SAY = COACH["posture"], COACH["posture"]["messages"]
ONE_LEG, ONE_LEG_SAY = COACH["single_leg_squat"], COACH["single_leg_squat"]["messages"]
STS, STS_SAY = COACH["sit_to_stand"], COACH["sit_to_stand"]["messages"]
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

    def update(self, xy: np.ndarray, time_s: float = 0.0) -> list[str]:  # time_s: the same call as the others
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


def _distance(dx: float, dy: float) -> float:
    return math.sqrt(dx * dx + dy * dy)  # written out as in coach.js, so both round alike


def _mid(xy: np.ndarray, left: int, right: int) -> tuple[float, float]:
    return (xy[left, 0] + xy[right, 0]) / 2, (xy[left, 1] + xy[right, 1]) / 2


@dataclass
class PostureCues:
    """Standing posture: counts the seconds the hips and shoulders have stayed still, up to ``hold_s``.

    Movement is the faster of mid-hip and mid-shoulder over the last ``window_s`` (picture fractions per second,
    the distance from the frame at or just before ``window_s`` ago, divided by at least ``window_s``): moving
    restarts the count. Once ``hold_s`` is reached the screen's quiet standing is done and stays done."""

    down: bool = False  # never crouched: the set-up's distance check always applies
    history: list = field(default_factory=list)  # (time, mid-hip x, y, mid-shoulder x, y)
    still_since: float | None = None
    done: bool = False

    def update(self, xy: np.ndarray, time_s: float = 0.0) -> list[str]:
        hx, hy = _mid(xy, lm.L_HIP, lm.R_HIP)
        sx, sy = _mid(xy, lm.L_SHOULDER, lm.R_SHOULDER)
        if self.history and time_s < self.history[-1][0]:
            self.history = []  # the clock went back (a new camera): start again
        if self.history and time_s == self.history[-1][0]:
            self.history.pop()  # the same moment again: the newer landmarks replace it
        self.history.append((time_s, hx, hy, sx, sy))
        window = STILL["window_s"]
        while len(self.history) > 1 and self.history[1][0] <= time_s - window:
            self.history.pop(0)
        then = self.history[0]
        span = max(time_s - then[0], window)
        hip = _distance(hx - then[1], hy - then[2]) / span
        shoulder = _distance(sx - then[3], sy - then[4]) / span
        hold = STILL["hold_s"]
        if self.done:
            return [STILL_SAY["done"].format(hold=hold)]
        if max(hip, shoulder) >= STILL["still_speed"]:
            self.still_since = None
            return [STILL_SAY["hold_still"]]
        if self.still_since is None:
            self.still_since = time_s
        held = time_s - self.still_since + 1e-6  # a whole second shows as that second despite the clock's rounding
        if held >= hold:
            self.done = True
            return [STILL_SAY["done"].format(hold=hold)]
        return [STILL_SAY["counting"].format(held=math.floor(held)),
                STILL_SAY["more"].format(left=math.ceil(hold - held))]


@dataclass
class SingleLegCues:
    """Single-leg squat (front view): repetitions per stance leg (the person's own left and right, from the
    landmark names), the knee against the hip-to-ankle line at depth, and the lifted foot touching down."""

    left: int = 0
    right: int = 0
    down: bool = False
    stance: str | None = None  # "left" or "right" during a repetition
    standing_hip: float | None = None
    lost: bool = False

    def update(self, xy: np.ndarray, time_s: float = 0.0) -> list[str]:
        hip = (xy[lm.L_HIP, 1] + xy[lm.R_HIP, 1]) / 2
        if self.standing_hip is None or (not self.down and hip < self.standing_hip):
            self.standing_hip = hip
        lower = "left" if xy[lm.L_ANKLE, 1] >= xy[lm.R_ANKLE, 1] else "right"  # the foot on the floor
        stance = self.stance if self.down else lower
        ankle, other = (lm.L_ANKLE, lm.R_ANKLE) if stance == "left" else (lm.R_ANKLE, lm.L_ANKLE)
        leg = max(xy[ankle, 1] - self.standing_hip, 1e-6)
        lift = (xy[ankle, 1] - xy[other, 1]) / leg  # how far the other foot is up, in legs
        drop = (hip - self.standing_hip) / leg
        lifted = lift > ONE_LEG["lift"]
        if self.down and lift < ONE_LEG["touch"]:  # the lifted foot came down mid-repetition: not counted
            self.down, self.lost = False, True
        elif not self.down and not self.lost and lifted and drop > ONE_LEG["down_drop"]:
            self.down, self.stance = True, stance  # after a touch-down, only once back up on one leg
        elif self.down and drop < ONE_LEG["up_drop"]:
            self.down = False
            if stance == "left":
                self.left += 1
            else:
                self.right += 1
        if self.lost and lifted and drop < ONE_LEG["up_drop"]:
            self.lost = False  # back up on one leg: ready for the next one
        cues = [ONE_LEG_SAY["repetitions"].format(left=self.left, right=self.right)]
        if self.lost:
            cues.append(ONE_LEG_SAY["foot_down"])
        if not self.down and not lifted:
            cues.append(ONE_LEG_SAY["lift"])
        if self.down and _view(xy) == "front":
            hip_j, knee_j, other_hip = ((lm.L_HIP, lm.L_KNEE, lm.R_HIP) if self.stance == "left"
                                        else (lm.R_HIP, lm.R_KNEE, lm.L_HIP))
            along = (xy[knee_j, 1] - xy[hip_j, 1]) / max(xy[ankle, 1] - xy[hip_j, 1], 1e-6)
            line = xy[hip_j, 0] + along * (xy[ankle, 0] - xy[hip_j, 0])  # the hip-to-ankle line at the knee
            inward = 1.0 if xy[other_hip, 0] > xy[hip_j, 0] else -1.0  # toward the other hip: the midline
            inside = (xy[knee_j, 0] - line) * inward / leg
            cues.append(ONE_LEG_SAY["knee_in"] if inside > ONE_LEG["knee_in"] else ONE_LEG_SAY["knee_ok"])
        return cues


@dataclass
class SitToStandCues:
    """Sit-to-stand (side view): full stands from the hips at knee height back up to standing, and the time of
    the first ``stands`` from the first rise (the last moment seated before the first stand)."""

    stands: int = 0
    seated: bool = False
    down: bool = False  # not standing: the set-up's distance check waits for standing
    tallest: float = 0.0  # the largest hip-to-ankle height seen
    seat_time: float | None = None  # the last time seated
    first_rise: float | None = None
    elapsed: float | None = None

    def update(self, xy: np.ndarray, time_s: float = 0.0) -> list[str]:
        hip = (xy[lm.L_HIP, 1] + xy[lm.R_HIP, 1]) / 2
        knee = (xy[lm.L_KNEE, 1] + xy[lm.R_KNEE, 1]) / 2
        ankle = (xy[lm.L_ANKLE, 1] + xy[lm.R_ANKLE, 1]) / 2
        self.tallest = max(self.tallest, ankle - hip)
        standing = max(self.tallest, STS["shin_ratio"] * (ankle - knee), 1e-6)
        on_seat = hip >= knee - STS["seated"] * standing
        if on_seat:
            self.seated, self.seat_time = True, time_s
        up = ankle - hip >= STS["standing"] * standing
        rising = self.seated and not on_seat and not up  # off the seat, not yet standing
        if self.seated and up:
            self.seated = False
            self.stands += 1
            if self.first_rise is None:
                self.first_rise = self.seat_time
            if self.stands == STS["stands"]:
                self.elapsed = time_s - self.first_rise
        self.down = not up
        cues = [STS_SAY["stands"].format(stands=self.stands)]
        if self.elapsed is not None:
            tenths = math.floor(self.elapsed * 10 + 0.5)
            cues += [STS_SAY["done"], STS_SAY["time"].format(seconds=f"{tenths // 10}.{tenths % 10}")]
        wrist = min(xy[lm.L_WRIST, 1], xy[lm.R_WRIST, 1])  # the higher wrist
        if rising and hip - wrist < STS["arms_above_hips"] * standing:
            cues.append(STS_SAY["arms"])
        return cues


CUES = {"squat": SquatCues, "auto": SquatCues, "posture": PostureCues, "single_leg_squat": SingleLegCues,
        "sit_to_stand": SitToStandCues}  # the screens with movement cues; the others get the set-up coach only


@dataclass
class LiveCues:
    """The movement cues of the screen being filmed: a fresh counter whenever the screen changes."""

    screen: str | None = None
    current: object = None  # one of CUES' classes, or None for a screen without movement cues

    def for_screen(self, screen: str):
        if screen != self.screen:
            self.screen = screen
            self.current = CUES[screen]() if screen in CUES else None
        return self.current

    @property
    def down(self) -> bool:
        return bool(self.current is not None and self.current.down)


POSITIVE = {GOOD, CUE_SAY["depth"], CUE_SAY["knees_ok"], ONE_LEG_SAY["knee_ok"], STS_SAY["done"],
            STILL_SAY["done"].format(hold=STILL["hold_s"])}  # shown in green, and every count:
COUNTS = tuple(words.split("{")[0] for words in (CUE_SAY["repetitions"], ONE_LEG_SAY["repetitions"],
                                                    STS_SAY["stands"], STS_SAY["time"], STILL_SAY["more"]))


def positive(text: str) -> bool:
    """A message shown in green (set-up good, a count, a cue met); the page's isPositive does the same."""
    return text in POSITIVE or text.startswith(COUNTS)


def coach(cues: LiveCues, xy, visibility, screen: str, time_s: float) -> tuple[int | None, list[str], list[str]]:
    """One frame's coaching from every pose found in it (``xy[k]`` picture fractions, ``visibility[k]``) at
    ``time_s`` (the frame's timestamp, seconds): the main person (tallest in the picture), the set-up messages
    and the screen's movement cues. The in-page camera runs the same steps (browser_pose/coach.js), checked
    against this in tests/test_live_coach.py."""
    main = int(np.argmax([np.ptp(p[:, 1]) for p in xy])) if len(xy) else None
    messages = setup_messages(len(xy), xy[main] if main is not None else None,
                              visibility[main] if main is not None else None, screen)
    tracker = cues.for_screen(screen)
    said = tracker.update(xy[main], time_s) if main is not None and tracker is not None else []
    if cues.down:  # crouching or seated makes anyone small: judge the distance standing
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
    _cues: LiveCues = field(default_factory=LiveCues)
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
        main, messages, cues = coach(self._cues, xy, vis, self.screen, time_s)
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
            colour = (60, 200, 60) if positive(text) else (255, 200, 0)
            draw_text(cv2, out, text, (10, int((i + 1) * 34 * size)), size, colour)
        if self._writer is not None:
            cv2.circle(out, (width - 30, 30), 12, (230, 30, 30), -1)
        return out

    def set_screen(self, screen: str) -> None:
        with self.lock:
            if screen != self.screen:
                self.screen, self._cues = screen, LiveCues()

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
