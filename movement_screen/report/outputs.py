"""Every output file of an analysis in one folder; shared by the CLI and later front ends."""

from __future__ import annotations

from pathlib import Path

from movement_screen.report.files import write_angles_csv, write_json, write_landmarks_csv
from movement_screen.report.plots import plot_angles
from movement_screen.stages import stage


def write_outputs(analysis, out_dir: Path, video: bool = True, export=(), privacy: str = "none",
                  height_cm: float | None = None, full_size_video: bool = False) -> list[Path]:
    """Write every output file of an analysis into ``out_dir``; ``export`` adds OpenSim files ("trc", "mot"),
    ``privacy`` de-identifies the pictures (video/privacy.py).

    The annotated videos are made on a second thread while the tables and the plot are written: decoding and
    encoding run in FFmpeg without the GIL, so the two overlap on a second core.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    videos = None
    if video:
        from concurrent.futures import ThreadPoolExecutor

        from movement_screen.video.annotate import write_annotated

        def write_videos() -> list[Path]:  # none for a landmark series: there are no pictures to draw on
            return [write_annotated(analysis, i, out_dir / ("annotated.mp4" if i == 0 else f"annotated_{i + 1}.mp4"),
                                    privacy, full_size_video)
                    for i, src in enumerate(analysis.sources) if not src.from_landmarks]

        pool = ThreadPoolExecutor(1, thread_name_prefix="annotate")
        videos = pool.submit(write_videos)
        pool.shutdown(wait=False)
    with stage("tables and plot"):
        written = [
            write_json(analysis.result.to_dict(), out_dir / "result.json"),
            write_landmarks_csv(analysis, out_dir / "landmarks.csv"),
            write_angles_csv(analysis, out_dir / "angles.csv"),
            plot_angles(analysis, out_dir / "angles.png"),
        ]
    if export:
        from movement_screen.report.opensim import write_opensim

        written += write_opensim(analysis, out_dir, set(export), height_cm)
    if videos is not None:
        with stage("waiting for the annotated video"):
            written += videos.result()
    return written
