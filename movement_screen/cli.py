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
    analyze.add_argument("--screen", default="squat", choices=["squat"], help="which screen (default: squat)")
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


def _summary(result: dict, out_dir: Path | None) -> str:
    lines = []
    views = ", ".join(f"{Path(s['path']).name} ({s['facing']})" for s in result["sources"])
    lines.append(f"Screen: {result['screen']}   clips: {views}")
    lines.append(f"People seen: {result['people_seen']}   repetitions: {len(result['repetitions'])}"
                 + (f"   best: {result['best_repetition']}" if result["best_repetition"] else ""))
    score = result["score"]
    if score["value"] is not None:
        value = f"{score['value']} / {score['max']}"
    elif score["range"]:
        value = f"{score['range'][0]}-{score['range'][1]} / {score['max']}"
    else:
        value = "not scored"
    lines.append(f"{score['name']}: {value}")
    lines.append("  " + score["explanation"])
    lines.append("Criteria (FMS):")
    for group, header in (("fms", None), ("nasm", "Compensations (NASM overhead squat):")):
        if header:
            lines.append(header)
        for c in result["criteria"]:
            if c["group"] != group:
                continue
            if c["state"] == "not_assessed":
                detail = c["reason"]
            else:
                value = f"{c['value']:.2f}" if abs(c["value"]) < 10 else f"{c['value']:.0f}"
                detail = f"{value} {c['unit'] or ''} (rule: {c['threshold']}) at {c['time_s']:.2f} s, {c['view']} view"
            lines.append(f"  {SYMBOLS[c['state']]:<7} {c['id']:<24} {detail}")
    if result["quality"]["issues"]:
        lines.append("Recording quality:")
        for issue in result["quality"]["issues"]:
            lines.append(f"  [{issue['severity']}] {issue['message']}")
    lines.append(result["disclaimer"])
    if out_dir:
        lines.append(f"Files: {out_dir}/ (result.json, landmarks.csv, angles.csv, angles.png, annotated.mp4)")
    return "\n".join(lines)


def _analyze(args) -> int:
    from movement_screen.api import analyze
    from movement_screen.report.outputs import write_outputs

    analysis = analyze(
        args.videos, args.screen, model=args.model, person=args.person, pain=args.pain or "not_asked",
        sex=args.sex, heel_board=args.heel_board, max_people=args.max_people,
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
        videos=[str(clip)], screen="squat", out=args.out, json=False, model="full", person=None, pain=None,
        sex=None, heel_board=False, max_people=3, no_video=False, quiet=False,
    ))
    if code == EXIT_INPUT:
        print(f"\nThe sample shows a person walking, not squatting: the pose, tracking and kinematics ran and their "
              f"evidence is in {args.out}/ (annotated.mp4, landmarks.csv, angles.png), but there is no squat to "
              "score. Score your own squat with: movement-screen analyze side.mp4 front.mp4")
        return EXIT_OK
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
