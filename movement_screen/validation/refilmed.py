"""The labelled real clips filmed again, as other people's cameras would have filmed them: does the recogniser
still name the same movement?

A clip that did not set the recogniser's margins tests them once; the same movement seen through another camera
tests them again without anyone choosing new footage. Each change is one a patient's or a clinic's recording
really has, and none changes the movement:

- mirrored: the person filmed from their other side (or a phone's selfie camera, which mirrors);
- dim: a room with the lights low (darker, flatter picture);
- sent by phone: scaled to 480 px on its long side and compressed hard, as messaging apps send videos;
- camera not level: the picture turned 5 degrees.

Each re-filmed clip is made with FFmpeg in a temporary folder (never kept), run through the pose model under
``--screen auto``, and its answer compared with the clip's label (``movement``; "other" clips should be declined).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from movement_screen.screens.detect import SCREEN_NAMES

FILMINGS = {  # name -> (what it stands for, FFmpeg video filter, extra encoder options)
    "mirrored": ("filmed from the other side", "hflip", ()),
    "dim": ("a dim room", "eq=brightness=-0.12:contrast=0.75:saturation=0.8", ()),
    "sent by phone": ("480 px, compressed hard", "scale='if(gt(iw,ih),480,-2)':'if(gt(iw,ih),-2,480)'",
                      ("-crf", "34")),
    "camera not level": ("turned 5 deg", "rotate=5*PI/180:fillcolor=black", ()),
}


@dataclass(frozen=True)
class Refilmed:
    name: str  # the labelled clip
    movement: str  # its label: a screen, or "other"
    filming: str  # a key of FILMINGS, or "as filmed"
    auto: str | None  # what auto chose (None: declined)
    note: str = ""  # why it declined, or what went wrong

    @property
    def right(self) -> bool:
        return self.auto == (None if self.movement == "other" else self.movement) and not self.note.startswith(
            "not analysed")


def refilm(source: Path, filming: str, folder: Path) -> Path:
    """``source`` filmed again as FILMINGS[filming] says, into ``folder``; the picture upright (FFmpeg applies a
    rotation tag before the filter), no sound."""
    _, video_filter, extra = FILMINGS[filming]
    out = folder / f"{source.stem} ({filming}).mp4"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), "-vf", video_filter,
               "-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", *(extra or ("-crf", "18")),
               str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"ffmpeg could not re-film {source.name} ({filming}): {done.stderr.strip()[:300]}")
    return out


def run(labels_file: str | Path, videos: str | Path, filmings: list[str] | None = None, model: str = "full",
        pose_backend: str | None = None, progress=None) -> list[Refilmed]:
    """Every labelled clip as filmed and re-filmed each way; a clip that cannot be read is recorded and the rest
    go on. ``progress(done, total, name)`` is called before each."""
    from movement_screen import api
    from movement_screen.errors import ScreenError
    from movement_screen.pose import models
    from movement_screen.validation.movements import read_labels, why_declined

    if shutil.which("ffmpeg") is None:
        from movement_screen.errors import InputError

        raise InputError("re-filming the clips needs FFmpeg on the PATH (apt install ffmpeg)")
    filmings = list(FILMINGS) if filmings is None else filmings
    model_file = models.resolve(model)
    labels = [label for label in read_labels(labels_file) if (Path(videos) / label["file"]).is_file()]
    total, done = len(labels) * (1 + len(filmings)), 0
    out = []
    with tempfile.TemporaryDirectory(prefix="movement-screen-refilmed-") as tmp:
        for label in labels:
            source = Path(videos) / label["file"]
            for filming in ["as filmed", *filmings]:
                if progress:
                    progress(done, total, f"{label['file']} ({filming})")
                done += 1
                made = None
                try:
                    path = source if filming == "as filmed" else (made := refilm(source, filming, Path(tmp)))
                    found = api.analyse_source(path, model_file, screen="auto", progress=False,
                                               pose_backend=pose_backend)
                    out.append(Refilmed(label["file"], label["movement"], filming, found.screen, why_declined(found)))
                except (ScreenError, RuntimeError) as exc:
                    out.append(Refilmed(label["file"], label["movement"], filming, None,
                                        f"not analysed: {str(exc)[:160]}"))
                finally:
                    if made is not None:
                        made.unlink(missing_ok=True)
    return out


def table(readings: list[Refilmed]) -> str:
    """Markdown: a line per clip, a column per filming (a tick, or what auto said instead), and the totals."""
    filmings = list(dict.fromkeys(r.filming for r in readings))
    clips = list(dict.fromkeys(r.name for r in readings))
    by = {(r.name, r.filming): r for r in readings}

    def cell(r: Refilmed | None) -> str:
        if r is None:
            return "-"
        if r.right:
            return "right"
        said = SCREEN_NAMES.get(r.auto, r.auto) if r.auto else "declined"
        return f"**{said}**" + (f" ({r.note})" if r.note and not r.auto else "")

    right = {f: sum(by[c, f].right for c in clips if (c, f) in by) for f in filmings}
    counted = {f: sum((c, f) in by for c in clips) for f in filmings}
    lines = [f"Re-filmed real clips: auto right on {sum(right.values())} of {sum(counted.values())} "
             f"({', '.join(f'{f} {right[f]}/{counted[f]}' for f in filmings)}).", "",
             "| clip | movement | " + " | ".join(filmings) + " |", "|---|---|" + "---|" * len(filmings)]
    for c in clips:
        movement = next(r.movement for r in readings if r.name == c)
        lines.append(f"| {c} | {SCREEN_NAMES.get(movement, movement)} | "
                     + " | ".join(cell(by.get((c, f))) for f in filmings) + " |")
    return "\n".join(lines)
