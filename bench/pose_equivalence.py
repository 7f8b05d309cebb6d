"""Do the two pose backends give the same landmarks? And how fast is each against the bare landmark network?

    python bench/pose_equivalence.py [--update bench/RESULTS.md] [--speed-clip NAME]

For every shared clip (``../shared/videos/*.mp4|*.mov`` or $MOVEMENT_SCREEN_CLIPS), both backends run the whole
pose pass (``estimate_video``: the first look that counts the people, then every frame at the 640-pixel side),
then the project's own tracking picks the subject from each backend's detections (``link_tracks``,
``choose_subject``). Per clip: the poses each backend tracked, the people each one's tracking saw, whether the
subject is the same person (torso centres within 10 % of body height in the median frame), the frames where
both found the subject, and the distance between the two backends' 33 landmarks in those frames as a fraction of
the subject's body height (the Tasks landmarks' height in that frame): median and 95th percentile over every
landmark of every such frame.

Speed, on one clip, in this same run: frames/s of each backend's ``detect`` over the pre-decoded, pre-scaled
frames (model loads excluded; each backend tracking as many poses as its first look decides), beside the bare
landmark network's
inferences/s (``bench_all.landmark_model_rate``: one 256x256 LiteRT inference per frame, 2 threads); the three
are measured in turn three times and the best of each kept (the machine's load changes between runs).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CLIPS = Path(os.environ.get("MOVEMENT_SCREEN_CLIPS", ROOT.parent / "shared" / "videos"))
SPEED_CLIPS = ("lnewco_ohs_7032_side.mov", "sports2d_demo_gait_sagittal.mp4")
SAME_SUBJECT_FRACTION = 0.10
ROUNDS = 3


def compare(path: Path, model) -> dict:
    from movement_screen.errors import NoPersonError
    from movement_screen.pose.estimator import estimate_video
    from movement_screen.pose.tracking import choose_subject, link_tracks, people_seen, torso_centre
    from movement_screen.video.reader import probe

    info = probe(path)
    out = {"clip": path.name}
    runs = {}
    for backend in ("tasks", "direct"):
        det = estimate_video(path, info, model, progress=False, backend=backend)
        tracks = link_tracks(det)
        try:
            subject = choose_subject(det, tracks, None, str(path))
        except NoPersonError:
            subject = None
        runs[backend] = (det, tracks, subject)
        out[f"{backend}_poses"] = det.poses_tracked
        out[f"{backend}_people"] = people_seen(tracks, len(det.t))
    (dt, _, st), (dd, _, sd) = runs["tasks"], runs["direct"]
    out["frames"] = len(dt.t)
    if st is None or sd is None:
        out.update(both=0, median=np.nan, p95=np.nan, same=False)
        return out
    both = (st.slot >= 0) & (sd.slot >= 0)
    frames = np.flatnonzero(both)
    a = dt.xy[frames, st.slot[frames]]  # [F, 33, 2] Tasks
    b = dd.xy[frames, sd.slot[frames]]
    height = np.nanmax(a[:, :, 1], axis=1) - np.nanmin(a[:, :, 1], axis=1)
    error = np.linalg.norm(a - b, axis=2) / height[:, None]
    centres = np.linalg.norm(np.array([torso_centre(p) - torso_centre(q) for p, q in zip(a, b)]), axis=1) / height
    out.update(both=len(frames), tasks_found=int((st.slot >= 0).sum()), direct_found=int((sd.slot >= 0).sum()),
               median=float(np.nanmedian(error)) if len(frames) else np.nan,
               p95=float(np.nanpercentile(error, 95)) if len(frames) else np.nan,
               same=bool(len(frames) and np.nanmedian(centres) < SAME_SUBJECT_FRACTION))
    return out


def backend_rate(path: Path, model, backend: str) -> tuple[float, int]:
    """Frames/s of one backend's detect over the pre-decoded frames, and the poses it tracked."""
    from movement_screen.pose.estimator import DEFAULT_MAX_PEOPLE, count_people, open_estimator
    from movement_screen.video.reader import iter_frames

    frames = [(f.time_s, f.small) for f in iter_frames(path)]
    # as estimate_video does: both backends track the first look's count
    poses = count_people(path, model, DEFAULT_MAX_PEOPLE, backend=backend)
    with open_estimator(model, poses, backend=backend) as estimator:
        estimator.detect(frames[0][1], 0)  # warm-up: the first inference allocates
        start = time.perf_counter()
        for time_s, image in frames:
            estimator.detect(image, int(time_s * 1000))
        return len(frames) / (time.perf_counter() - start), poses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", type=Path, help="also write the tables into this markdown file (between the "
                        "pose-equivalence markers)")
    parser.add_argument("--speed-clip", action="append", help=f"clip(s) timed (default: {', '.join(SPEED_CLIPS)})")
    args = parser.parse_args()
    from bench_all import landmark_model_rate, machine

    from movement_screen.pose import models

    model = models.resolve("full")
    clips = sorted(p for p in CLIPS.iterdir() if p.suffix.lower() in (".mp4", ".mov"))
    if not clips:
        sys.exit(f"no shared clips in {CLIPS}")
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"Machine: {machine()}")
    say(f"Command: `python bench/pose_equivalence.py{' --update ' + str(args.update) if args.update else ''}`")
    say()
    say("Landmark distance between the backends (direct against Tasks) in the frames where both found the subject, "
        "as a fraction of body height; poses = how many the first look decided to track; people = people the "
        "project's tracking saw.")
    say()
    say("| clip | frames | subject found: tasks / direct / both | median | 95th pct | poses tasks / direct "
        "| people tasks / direct | same subject |")
    say("|---|---|---|---|---|---|---|---|")
    rows = []
    for path in clips:
        r = compare(path, model)
        rows.append(r)
        say(f"| {r['clip']} | {r['frames']} | {r.get('tasks_found', 0)} / {r.get('direct_found', 0)} / {r['both']} "
            f"| {r['median'] * 100:.2f} % | {r['p95'] * 100:.2f} % | {r['tasks_poses']} / {r['direct_poses']} "
            f"| {r['tasks_people']} / {r['direct_people']} | {'yes' if r['same'] else 'NO'} |")
    medians = [r["median"] for r in rows if r["both"]]
    say()
    say(f"Over the {len(rows)} clips: median of the medians {np.median(medians) * 100:.2f} %, worst median "
        f"{max(medians) * 100:.2f} %, worst 95th percentile {max(r['p95'] for r in rows if r['both']) * 100:.2f} %; "
        f"same subject in {sum(r['same'] for r in rows)} of {len(rows)}; same people count in "
        f"{sum(r['tasks_people'] == r['direct_people'] for r in rows)} of {len(rows)}.")
    say()
    say(f"Speed in the same run (pre-decoded frames at the 640-pixel side, model loads excluded; the Tasks landmarker "
        "and the direct backend each tracking their first look's count; ratio to the bare landmark network, one "
        f"256x256 LiteRT inference per frame with 2 threads; best of {ROUNDS} rounds taken in turn):")
    say()
    say("| clip | Tasks poses | landmark network inf/s | Tasks f/s | ratio | direct f/s | ratio | direct / Tasks |")
    say("|---|---|---|---|---|---|---|---|")
    for name in args.speed_clip or SPEED_CLIPS:
        path = CLIPS / name
        # the three in turn, ROUNDS times, the best of each: the machine's load changes between runs
        limit = tasks = mine = 0.0
        for _ in range(ROUNDS):
            limit = max(limit, landmark_model_rate(path))
            rate, poses = backend_rate(path, model, "tasks")
            tasks = max(tasks, rate)
            mine = max(mine, backend_rate(path, model, "direct")[0])
        say(f"| {name} | {poses} | {limit:.1f} | {tasks:.1f} | {tasks / limit:.2f} | {mine:.1f} | "
            f"{mine / limit:.2f} | {mine / tasks:.2f} |")
    if args.update:
        from movement_screen.cli import replace_section

        replace_section(args.update, "pose-equivalence", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
