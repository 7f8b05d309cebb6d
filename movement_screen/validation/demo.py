"""What ``movement-screen demo --screen X`` scores for the screens without a published clip of a real person: the
validation harness's built figure doing that screen, with one fault of known size, filmed by its cameras and
written as a landmarks table (``landmarks.csv`` format), which the analysis scores like any other (no pose model
runs on a built figure). The walk's demo is a real clip (:mod:`movement_screen.samples`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from movement_screen.pose.landmarks_file import COLUMNS
from movement_screen.pose.sequence import PoseSequence

SIDE_M, FRONT_M = 3.0, 3.0  # camera distance, lens at 1 m (the filming guide's hip height)

# screen -> (what the figure does, in words; the clips' names and views)
DESCRIPTIONS = {
    "squat": "three deep squats with the knees moving 6 cm inward at the bottom, filmed from the side and the front",
    "forward_bend": "a standing forward bend (straight knees), filmed from the side",
    "posture": "quiet standing with the head carried 12 cm ahead of the shoulders and the right shoulder 6 degrees "
               "low, filmed from the front and the side",
    "single_leg_squat": "three single-leg squats on each leg, the left knee moving 8 cm inward at the bottom, "
                        "filmed from the front",
    "sit_to_stand": "standing up from a chair and sitting down for about 30 s at a steady pace, arms crossed, "
                    "filmed from the side (age 72, female, for the norms)",
}
SETTINGS = {"sit_to_stand": {"age": 72.0, "sex": "female"}}


def built_clips(screen: str) -> list[tuple[str, PoseSequence]]:
    """The built figure's clips of ``screen``: (name, sequence) each."""
    from movement_screen.validation.figure import Camera, Noise, Squat, film, squat_clip

    side, front, noise = Camera(90, 1.0, SIDE_M), Camera(0, 1.0, FRONT_M), Noise(seed=1)
    if screen == "squat":
        shape = Squat(knee_in_cm=6.0)
        return [("squat_side", squat_clip(shape, side, noise, reps=3)), ("squat_front", squat_clip(shape, front,
                                                                                                  noise, reps=3))]
    if screen == "forward_bend":
        from movement_screen.validation.bend import side_bend

        return [("forward_bend_side", side_bend())]
    if screen == "posture":
        from movement_screen.validation.standing import Posture, stand

        t, points = stand(Posture(head_forward_cm=12.0, shoulder_tilt_deg=6.0))
        return [("posture_front", film(points, t, front, noise)), ("posture_side", film(points, t, side, noise))]
    if screen == "single_leg_squat":
        from movement_screen.validation.single_leg import SingleLegSquat, single_leg_squats

        t, points = single_leg_squats(SingleLegSquat(knee_in_cm=8.0))
        return [("single_leg_squat_front", film(points, t, front, noise))]
    if screen == "sit_to_stand":
        from movement_screen.validation.chair import Chair, sit

        t, points = sit(Chair(stands=13, seated_after_s=1.5))
        return [("sit_to_stand_side", film(points, t, side, noise))]
    raise ValueError(f"no built figure for {screen}")


def write_clips(screen: str, folder: Path) -> list[Path]:
    """Each built clip of ``screen`` as a landmarks table in ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, seq in built_clips(screen):
        path = folder / f"{name}.csv"
        write_sequence(seq, path)
        paths.append(path)
    return paths


def write_sequence(seq: PoseSequence, path: Path) -> Path:
    """One person's landmark sequence as a landmarks table (one source, the person the subject)."""
    from movement_screen.report.files import landmark_rows

    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        size = (seq.width, seq.height, f"{seq.fps:.4f}")
        for i in range(len(seq.t)):
            out.writerows(landmark_rows(0, int(seq.frame[i]), seq.t[i], 0, True, seq.xy[i], seq.visibility[i],
                                        seq.world[i], size))
    return path
