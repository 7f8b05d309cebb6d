"""Command line: ``movement-screen analyze | models | samples | demo``. A thin front end over :mod:`api`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from movement_screen import __version__
from movement_screen.errors import ScreenError

EXIT_OK, EXIT_USAGE, EXIT_INPUT = 0, 2, 3
SYMBOLS = {"pass": "PASS", "borderline": "BORDER", "fail": "FAIL", "not_assessed": "n/a"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="movement-screen",
        description="Score functional movement screens from video (a screen, not a diagnosis).",
    )
    parser.add_argument("--version", action="version", version=f"movement-screen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="analyse one clip, or a side and a front clip of the same movement")
    analyze.add_argument("videos", nargs="+", metavar="VIDEO", help="video file(s) of the same movement")
    analyze.add_argument("--screen", default="auto", choices=["auto", "squat", "forward-bend", "gait"],
                         help="which screen (default: auto, decided from the movement)")
    analyze.add_argument("--out", type=Path, help="folder for result.json, landmarks.csv, angles.csv, "
                         "annotated.mp4, angles.png (default: ./out/<first video name>)")
    analyze.add_argument("--json", action="store_true", help="print the result as JSON instead of a summary")
    analyze.add_argument("--model", default="full", choices=["lite", "full", "heavy"],
                         help="pose model variant (default: full; heavy is more accurate when you have it)")
    analyze.add_argument("--person", type=int, help="screen the N-th person (1 = the one filling most of the "
                         "video, 2 = the next, ...)")
    analyze.add_argument("--pain", choices=["yes", "no"], help="did the movement hurt? (pain makes the FMS score 0)")
    analyze.add_argument("--sex", choices=["male", "female"], help="selects the knee-valgus (FPPA) norm")
    analyze.add_argument("--heel-board", action="store_true", help="the clip was filmed with heels on a ~5 cm "
                         "board (the FMS score-2 trial)")
    analyze.add_argument("--height-cm", type=float, help="the person's height: gives fingertip-to-floor in cm and "
                         "gait step length and speed")
    analyze.add_argument("--max-people", type=int, default=3, help="people tracked per frame (default 3)")
    analyze.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")

    models_cmd = sub.add_parser("models", help="list, fetch or build pose models")
    models_sub = models_cmd.add_subparsers(dest="models_command")
    fetch = models_sub.add_parser("fetch", help="download an official model (needs access to Google storage)")
    fetch.add_argument("variant", nargs="?", default="full", choices=["lite", "full", "heavy"])
    ensure = models_sub.add_parser("ensure", help="make a model available: local file, else download, else build")
    ensure.add_argument("variant", nargs="?", default="full", choices=["lite", "full", "heavy"])
    build = models_sub.add_parser("build", help="build the full model from the mediapipe 0.10.21 wheel")
    build.add_argument("--wheel", type=Path, help="a mediapipe-0.10.21 wheel you already have (else fetched "
                       "from PyPI)")
    build.add_argument("--out", type=Path, help="folder to write into (default: the user cache)")

    samples = sub.add_parser("samples", help="fetch the sample clip into sample_videos/")
    samples.add_argument("--dest", type=Path, default=Path("sample_videos"))

    demo = sub.add_parser("demo", help="fetch the sample clip (first time) and analyse it")
    demo.add_argument("--out", type=Path, default=Path("out/demo"))
    return parser


GROUP_HEADERS = {
    "fms": "Criteria (FMS deep squat):",
    "nasm": "Compensations (NASM overhead squat):",
    "bend": "Criteria (forward bend):",
    "aberrant": "Aberrant movement signs (spec B.3 proxies):",
    "limits": "Not measurable from 2-D video:",
    "gait": "Criteria (gait, against normative ranges):",
}
KEY_METRICS = {
    "forward_bend": ("max_trunk_inclination_deg", "max_hip_flexion_deg", "max_knee_flexion_deg", "descent_time_s",
                     "return_time_s", "fingertip_floor_stature", "fingertip_floor_cm"),
    "gait": ("cadence_steps_per_min", "step_count", "step_time_left_s", "step_time_right_s",
             "step_time_symmetry_index_pct", "stance_pct", "double_support_pct", "walking_speed_m_s",
             "step_length_m", "trunk_forward_lean_deg", "arm_swing_left_deg", "arm_swing_right_deg"),
}


def _criterion_line(c: dict) -> str:
    if c["state"] == "not_assessed":
        detail = c["reason"]
    else:
        value = f"{c['value']:.2f}" if abs(c["value"]) < 10 else f"{c['value']:.0f}"
        when = f" at {c['time_s']:.2f} s" if c["time_s"] is not None else ""
        detail = f"{value} {c['unit'] or ''} (rule: {c['threshold']}){when}, {c['view']} view"
    return f"  {SYMBOLS[c['state']]:<7} {c['id']:<24} {detail}"


def _summary(result: dict, out_dir: Path | None) -> str:
    lines = []
    views = ", ".join(f"{Path(s['path']).name} ({s['facing']})" for s in result["sources"])
    lines.append(f"Screen: {result['screen']}   clips: {views}")
    if result.get("detection"):
        found = result["detection"]
        lines.append(f"  chosen automatically (confidence {found['confidence']:.2f}): {found['reason']}")
    counts = f"People seen: {result['people_seen']}"
    if result["screen"] == "gait":
        strikes = [e for e in result["events"] if e["type"] == "heel_strike"]
        directions = ", ".join(p["label"].replace("_", " ") for p in result["passes"]) or "none"
        counts += f"   passes: {len(result['passes'])} ({directions})   heel strikes: {len(strikes)}"
    else:
        counts += f"   repetitions: {len(result['repetitions'])}"
        if result["best_repetition"]:
            counts += f"   reported: {result['best_repetition']}"
    lines.append(counts)
    score = result["score"]
    if score:
        if score["value"] is not None:
            value = f"{score['value']} / {score['max']}"
        elif score["range"]:
            value = f"{score['range'][0]}-{score['range'][1]} / {score['max']}"
        else:
            value = "not scored"
        lines.append(f"{score['name']}: {value}")
        lines.append("  " + score["explanation"])
    shown = [k for k in KEY_METRICS.get(result["screen"], ()) if result["metrics"].get(k) is not None]
    if shown:
        lines.append("Measures: " + ", ".join(f"{k} {result['metrics'][k]:.3g}" for k in shown))
    for group, header in GROUP_HEADERS.items():
        rows = [c for c in result["criteria"] if c["group"] == group]
        if rows:
            lines.append(header)
            lines += [_criterion_line(c) for c in rows]
    if result["quality"]["issues"]:
        lines.append("Recording quality:")
        for issue in result["quality"]["issues"]:
            lines.append(f"  [{issue['severity']}] {issue['message']}")
    lines += result["notes"]
    lines.append(result["disclaimer"])
    if out_dir:
        lines.append(f"Files: {out_dir}/ (result.json, landmarks.csv, angles.csv, angles.png, annotated.mp4)")
    return "\n".join(lines)


def _analyze(args) -> int:
    from movement_screen.api import analyze
    from movement_screen.report.outputs import write_outputs

    analysis = analyze(
        args.videos, args.screen, model=args.model, person=args.person, pain=args.pain or "not_asked",
        sex=args.sex, heel_board=args.heel_board, height_cm=args.height_cm, max_people=args.max_people,
        progress=False if args.quiet else None,
    )
    out_dir = args.out or Path("out") / Path(args.videos[0]).stem
    write_outputs(analysis, out_dir, video=not args.no_video)
    result = analysis.result.to_dict()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_summary(result, out_dir))
    if analysis.unscorable_reason:
        # The pose evidence is kept in out_dir; the screen itself could not be scored.
        print(f"movement-screen: {analysis.unscorable_reason}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _models(args) -> int:
    from movement_screen.pose import models

    if args.models_command == "ensure":
        found = models.resolve(args.variant)
        print(f"{found.variant} ({found.origin}): {found.path}")
    elif args.models_command == "fetch":
        found = models.download(args.variant)
        print(f"downloaded {found.variant}: {found.path}")
    elif args.models_command == "build":
        print("building the full pose model from the mediapipe 0.10.21 wheel...", file=sys.stderr)
        found = models.build(args.wheel, args.out)
        print(f"built full: {found.path}")
    else:
        available = models.list_models()
        print("Pose models found:" if available else "No pose model found yet.")
        for m in available:
            print(f"  {m.variant:<6} {m.origin:<9} {m.path}")
        print("Searched: " + ", ".join(str(d) for d in models.search_dirs()))
        missing = [v for v in models.VARIANTS if v not in {m.variant for m in available}]
        for variant in missing:
            print(f"  {variant}: {models.how_to_get(variant)}")
    return EXIT_OK


def _samples(args) -> int:
    from movement_screen.samples import fetch_sample

    print(fetch_sample(args.dest))
    return EXIT_OK


def _demo(args) -> int:
    from movement_screen.samples import fetch_sample

    clip = fetch_sample(Path("sample_videos"))
    print(f"Sample clip: {clip}", file=sys.stderr)
    code = _analyze(argparse.Namespace(
        videos=[str(clip)], screen="auto", out=args.out, json=False, model="full", person=None, pain=None,
        sex=None, heel_board=False, height_cm=None, max_people=3, no_video=False, quiet=False,
    ))
    if code == EXIT_OK:
        print("\nScreen your own clip with: movement-screen analyze CLIP (squat, forward bend or walking; "
              "give a side and a front clip of a squat together)")
    return code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"analyze": _analyze, "models": _models, "samples": _samples, "demo": _demo}
    try:
        return handlers[args.command](args)
    except ScreenError as exc:
        print(f"movement-screen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("movement-screen: interrupted", file=sys.stderr)
        return 130
