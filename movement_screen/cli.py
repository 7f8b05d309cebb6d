"""Command line: ``movement-screen analyze | batch | report | history | models | demo ...``.

A thin front end over :mod:`api` and :mod:`batch`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from movement_screen import __version__
from movement_screen.errors import ScreenError, UsageError
from movement_screen.quiet import VERBOSE_ENV, silence_native_logs
from movement_screen.jobs.commands import add_parsers as add_queue_parsers
from movement_screen.jobs.commands import queue as queue_command
from movement_screen.jobs.commands import worker as worker_command
from movement_screen.store.db import location_arg
from movement_screen.contract.result import short_number

EXIT_OK, EXIT_USAGE, EXIT_INPUT = 0, 2, 3
SYMBOLS = {"pass": "PASS", "borderline": "BORDER", "fail": "FAIL", "not_assessed": "n/a"}
POSE_BACKEND_HELP = ("how the pose model runs: direct (MediaPipe's two pose networks run by LiteRT, the default "
                     "unless $MOVEMENT_SCREEN_POSE_BACKEND says otherwise) or tasks (MediaPipe's Tasks landmarker, "
                     "the reference: about half the speed; bench/RESULTS.md section 8 compares them)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="movement-screen",
        description="Score functional movement screens from video (a screen, not a diagnosis).",
    )
    parser.add_argument("--version", action="version", version=f"movement-screen {__version__}")
    parser.add_argument("--verbose", action="store_true",
                        help="also show the pose libraries' own log lines (hidden by default)")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="analyse one clip, or a side and a front clip of the same movement")
    analyze.add_argument("videos", nargs="+", metavar="VIDEO",
                         help="video file(s) of the same movement, or a landmarks.csv written by an earlier analysis "
                         "(scored again without the pose model)")
    analyze.add_argument("--screen", default="auto",
                         choices=["auto", "squat", "forward-bend", "gait", "posture", "single-leg-squat",
                                  "sit-to-stand"],
                         help="which screen (default: auto, decided from the movement)")
    analyze.add_argument("--out", type=Path, help="folder for result.json, landmarks.csv, angles.csv, "
                         "annotated.mp4, angles.png (default: ./out/<first video name>)")
    analyze.add_argument("--json", action="store_true", help="print the result as JSON instead of a summary")
    analyze.add_argument("--model", default="full", choices=["lite", "full", "heavy"],
                         help="pose model variant (default: full; heavy is more accurate when you have it)")
    analyze.add_argument("--person", type=int, help="screen the N-th person (1 = the one filling most of the "
                         "video, 2 = the next, ...)")
    analyze.add_argument("--pain", choices=["yes", "no"], help="did the movement hurt? (pain makes the FMS score 0)")
    analyze.add_argument("--heel-board", action="store_true", help="the clip was filmed with heels on a ~5 cm "
                         "board (the FMS score-2 trial)")
    analyze.add_argument("--height-cm", type=float, help="the person's height: gives fingertip-to-floor in cm and "
                         "gait step length and speed")
    _norm_options(analyze)
    analyze.add_argument("--max-people", type=int, default=3,
                         help="most people tracked per frame (default 3; a first look tracks only as many as "
                              "there are)")
    analyze.add_argument("--pose-backend", choices=["tasks", "direct"], default=None,
                       help=POSE_BACKEND_HELP)
    analyze.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster)")
    analyze.add_argument("--full-size-video", action="store_true",
                         help="annotated.mp4 at the clip's own size, decoding it a second time (default: at most "
                              "640 px on its long side, drawn on the pictures the pose pass decoded: quicker, and "
                              "enough to watch)")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")
    _output_options(analyze)
    care = analyze.add_argument_group("red flags, exercise plan, report and history")
    care.add_argument("--answers", type=Path, help="red-flag answers file (TOML or JSON: question = true/false; "
                      "see movement-screen questions)")
    care.add_argument("--flag", action="append", default=[], metavar="QUESTION",
                      help="a red-flag question answered yes (repeatable; every other question counts as no)")
    care.add_argument("--no-red-flags", action="store_true", help="every red-flag question was asked and "
                      "answered no")
    care.add_argument("--plan", action="store_true", help="print the exercise plan with how-to steps")
    care.add_argument("--catalogue", type=Path, help="your own exercise catalogue (TOML, same fields as the "
                      "packaged one)")
    care.add_argument("--report", action="store_true", help="write report.pdf and report.html into the out folder")
    care.add_argument("--patient", help="patient id: record this session in the history store and compare with "
                      "the last plan")
    care.add_argument("--patient-name", help="name stored with a new patient id")
    care.add_argument("--date", type=_date, help="session date YYYY-MM-DD (default: today)")
    care.add_argument("--store", type=location_arg, help="history store: a file, or a postgresql:// URL (default: $MOVEMENT_SCREEN_STORE or "
                      "~/.local/share/movement-screen/history.sqlite)")

    batch = sub.add_parser("batch", help="score every video under a folder into one table (resumable)")
    batch.add_argument("folder", type=Path, help="folder searched recursively for videos (by content and name)")
    batch.add_argument("--out", type=Path, required=True, help="folder for one result folder per video, "
                       "summary.csv, criteria.csv, errors.csv (and summary.parquet with pyarrow)")
    batch.add_argument("--screen", default="auto",
                       choices=["auto", "squat", "forward-bend", "gait", "posture", "single-leg-squat",
                                "sit-to-stand"],
                       help="which screen (default: auto, decided per video)")
    _norm_options(batch, " (every video of the batch: one person's clips)")
    batch.add_argument("--workers", type=int, default=None, help="local worker processes (default: one per core, "
                       "at most one per video; the workers share the cores, see bench/RESULTS.md)")
    batch.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://host:8786 (needs "
                       "pip install 'movement-screen[cluster]'; --out must be visible to the workers)")
    batch.add_argument("--force", action="store_true", help="score every video again, even finished ones")
    batch.add_argument("--retry-failed", action="store_true", help="try the videos that failed or could not be scored last time again")
    batch.add_argument("--model", default="full", choices=["lite", "full", "heavy"])
    batch.add_argument("--max-people", type=int, default=3,
                       help="most people tracked per frame (default 3; a first look tracks only as many as "
                            "there are)")
    batch.add_argument("--pose-backend", choices=["tasks", "direct"], default=None,
                       help=POSE_BACKEND_HELP)
    batch.add_argument("--no-video", action="store_true", help="skip annotated.mp4 (faster, smaller)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    _output_options(batch)

    rescore = sub.add_parser("rescore", help="score stored results again from their landmarks (no pose model)",
                             description="Recompute every criterion, score, plan and table of one result folder or "
                             "of every result under a folder (a batch output) from the stored landmarks.csv, "
                             "without the pose model; the new files go into each folder's rescored/ with "
                             "changes.csv, and a folder of several gets rescored_summary.csv and "
                             "rescored_changes.csv.")
    rescore.add_argument("folder", type=Path, help="a result folder, or a folder holding many (batch output)")
    rescore.add_argument("--thresholds", type=Path, metavar="FILE", help="TOML of changed thresholds, named as in "
                         "the data files, e.g. [squat.heels_down] pass_max = 0.03")
    rescore.add_argument("--height-cm", type=float, help="the person's height (gait step length and speed)")
    rescore.add_argument("--quiet", action="store_true", help="no progress line")

    models_cmd = sub.add_parser("models", help="list, fetch or build pose models")
    models_sub = models_cmd.add_subparsers(dest="models_command")
    fetch = models_sub.add_parser("fetch", help="download an official model (needs access to Google storage)")
    fetch.add_argument("variant", nargs="?", default="full", choices=["lite", "full", "heavy"])
    models_sub.add_parser("ensure-web", help="fetch the web pose runtime for the in-browser camera (npm, once)")
    ensure = models_sub.add_parser("ensure", help="make a model available: local file, else download, else build")
    ensure.add_argument("variant", nargs="?", default="full", choices=["lite", "full", "heavy"])
    build = models_sub.add_parser("build", help="build the full model from the mediapipe 0.10.21 wheel")
    build.add_argument("--wheel", type=Path, help="a mediapipe-0.10.21 wheel you already have (else fetched "
                       "from PyPI)")
    build.add_argument("--out", type=Path, help="folder to write into (default: the user cache)")

    report = sub.add_parser("report", help="write the clinic report (PDF and HTML) from a result.json")
    report.add_argument("result", type=Path, help="result.json, or the analysis folder holding it")
    report.add_argument("--out", type=Path, help="PDF path (default: report.pdf beside the result); the HTML twin "
                        "is written beside it")
    report.add_argument("--patient", help="patient id shown on the report (adds their progress from the store)")
    report.add_argument("--store", type=location_arg, help="history file")

    history = sub.add_parser("history", help="a patient's sessions and whether each change is real")
    history.add_argument("patient", help="patient id")
    history.add_argument("--screen", choices=["squat", "forward-bend", "gait", "posture", "single-leg-squat",
                                              "sit-to-stand"],
                         help="only this screen")
    history.add_argument("--store", type=location_arg, help="history file")

    patient = sub.add_parser("patient", help="list patients, or erase one")
    patient_sub = patient.add_subparsers(dest="patient_command", required=True)
    patient_sub.add_parser("list", help="patients in the store").add_argument("--store", type=location_arg)
    delete = patient_sub.add_parser("delete", help="erase a patient's sessions and the files they recorded")
    delete.add_argument("id", help="patient id")
    delete.add_argument("--store", type=location_arg, help="history file")

    app = sub.add_parser("app", help="start the browser app (Streamlit): a clinic server with log-in, or --local",
                         description="Without --local the app is a clinic server: therapists log in (accounts: "
                         "`movement-screen users`), patients open links. --local is one therapist on their own "
                         "computer: no log-in, and only on 127.0.0.1. README: serving it over HTTPS.")
    app.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for "
                     "every interface, normally behind an HTTPS reverse proxy)")
    app.add_argument("--port", type=int, default=8501)
    app.add_argument("--local", action="store_true", help="single-user mode without log-in (127.0.0.1 only)")
    app.add_argument("--headless", action="store_true", help="do not open a browser window")
    app.add_argument("--store", type=location_arg, help="history store: a file, or a postgresql:// URL (default: $MOVEMENT_SCREEN_STORE or "
                     "~/.local/share/movement-screen/history.sqlite)")

    users = sub.add_parser("users", help="therapist accounts of the clinic server")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add an account (password prompted, or read from standard input)")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="may manage accounts, reassign patients, read the audit")
    add.add_argument("--display-name", help="the name patients see on their link page, e.g. 'Dr A. Smith' (the "
                     "log-in name is never shown to them; without it they see 'your therapist')")
    users_sub.add_parser("list", help="accounts and how many patients each has")
    remove = users_sub.add_parser("remove", help="remove an account (its patients must be reassigned first)")
    remove.add_argument("name")
    shown = users_sub.add_parser("display-name", help="set the name patients see on their link page")
    shown.add_argument("name")
    shown.add_argument("display_name", help="e.g. 'Dr A. Smith'; '' to show 'your therapist'")
    password = users_sub.add_parser("password", help="set a new password (prompted, or from standard input)")
    password.add_argument("name")
    reassign = users_sub.add_parser("reassign", help="give a patient to another therapist")
    reassign.add_argument("patient")
    reassign.add_argument("name")
    users_sub.add_parser("rotate-secret", help="new link-signing secret: every patient link made so far stops")
    audit = users_sub.add_parser("audit", help="print the audit table as CSV")
    audit.add_argument("--out", type=Path, help="write it to this file instead")
    for each in users_sub.choices.values():
        each.add_argument("--store", type=location_arg, help="history file (the app's store)")

    store = sub.add_parser("store", help="the history store: a consistent backup copy")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    backup = store_sub.add_parser("backup", help="copy the whole store to FILE (safe while the app runs)")
    backup.add_argument("file", type=Path)
    backup.add_argument("--store", type=location_arg, help="history file")

    add_queue_parsers(sub)

    sub.add_parser("questions", help="print the red-flag questions as an answers-file template")

    validate = sub.add_parser("validate", help="agreement with labelled clips (LABELS.csv), or the synthetic harness")
    validate.add_argument("labels", nargs="?", type=Path, help="labels CSV: clips,screen,criterion,expected,source")
    validate.add_argument("--videos", type=Path, help="folder the labelled clips are in (default: beside the CSV)")
    validate.add_argument("--synthetic", action="store_true",
                          help="run the squat harness: a stick figure with known faults seen from many cameras")
    validate.add_argument("--update", type=Path, metavar="MARKDOWN",
                          help="also write the tables into this file (e.g. docs/validation.md), between its markers")
    validate.add_argument("--plot", type=Path, metavar="PNG", help="with --synthetic: also draw accuracy against yaw "
                          "(the other figures go beside it, named PNG-posture, PNG-single-leg-squat, "
                          "PNG-sit-to-stand)")
    validate.add_argument("--synthetic-screens", default="squat,posture,single_leg_squat,sit_to_stand", metavar="LIST",
                          help="with --synthetic: which figures to run (squat, posture, single_leg_squat, "
                          "sit_to_stand; default all)")
    validate.add_argument("--movements", type=Path, metavar="TOML",
                          help="which movement each real clip holds (e.g. tests/labels/movements.toml): the confusion "
                          "matrix of true movement x screen chosen, under auto and with the clip's own screen, on "
                          "those clips (--videos) and on built figures of each screen and its look-alikes")
    validate.add_argument("--refilmed", action="store_true",
                          help="with --movements: also film each real clip again as other cameras would (mirrored, "
                          "a dim room, sent by phone, a camera not level; FFmpeg) and read each under auto")
    validate.add_argument("--model", default="full", help="pose model for the labelled clips (default: full)")
    validate.add_argument("--pose-backend", choices=["tasks", "direct"], default=None,
                       help=POSE_BACKEND_HELP)


    samples = sub.add_parser("samples", help="fetch published clips of real people (the demo's by default)",
                             description="Fetch published clips (licence and SHA-256 checked) into a folder: the "
                             "demo's walking clip by default, or the named ones, or --all (e.g. the labelled squats "
                             "for `movement-screen validate tests/labels/lnewco_squats.csv --videos FOLDER`).")
    samples.add_argument("names", nargs="*", metavar="NAME", help="clip names (see --list)")
    samples.add_argument("--all", action="store_true", help="every published clip (about 40 MB)")
    samples.add_argument("--list", action="store_true", help="list the clips with their licence and origin")
    samples.add_argument("--dest", type=Path, default=Path("sample_videos"))

    demo = sub.add_parser("demo", help="fetch the sample clip (first time) and analyse it; --screen X shows any "
                          "screen's result",
                          description="Analyse a sample of a screen and write its result and clinic report. Walking "
                          "(the default) is a real person's clip fetched from the sports2d wheel on PyPI; the other "
                          "screens have no published clip here, so they are shown on the validation harness's built "
                          "figure (landmarks of a stick figure with one fault of known size, no pose model).")
    demo.add_argument("--screen", choices=["gait", "squat", "forward-bend", "posture", "single-leg-squat",
                                           "sit-to-stand"], default="gait")
    demo.add_argument("--out", type=Path, default=None, help="where to write (default out/demo, or "
                      "out/demo-SCREEN for a built figure)")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-22") from None


GROUP_HEADERS = {
    "fms": "Criteria (FMS deep squat):",
    "nasm": "Compensations (NASM overhead squat):",
    "bend": "Criteria (forward bend):",
    "aberrant": "Aberrant movement signs (video proxies of the clinical signs):",
    "limits": "Not measurable from 2-D video:",
    "gait": "Criteria (gait, against normative ranges):",
    "posture": "Criteria (standing posture; conventions, not diagnoses):",
    "sit_to_stand": "Criteria (sit-to-stand: timed tests against age norms, then how the person rises):",
    "single_leg": "Criteria (single-leg squat, the worse leg of each; both legs in the reason):",
}
KEY_METRICS = {
    "forward_bend": ("max_trunk_inclination_deg", "max_hip_flexion_deg", "max_knee_flexion_deg", "descent_time_s",
                     "return_time_s", "fingertip_floor_stature", "fingertip_floor_cm"),
    "gait": ("cadence_steps_per_min", "step_count", "step_time_left_s", "step_time_right_s",
             "step_time_symmetry_index_pct", "stance_pct", "double_support_pct", "walking_speed_m_s",
             "step_length_m", "trunk_forward_lean_deg", "arm_swing_left_deg", "arm_swing_right_deg"),
    "posture": ("quiet_standing_s", "shoulder_level_deg", "pelvis_level_deg", "head_tilt_deg",
                "trunk_lateral_shift_shoulder_widths", "side_lean_deg", "head_forward_trunk_lengths",
                "ear_shoulder_angle_deg", "trunk_lean_standing_deg", "hips_forward_deg",
                "knee_angle_from_straight_deg"),
    "single_leg_squat": ("repetitions_left", "repetitions_right", "left_knee_fppa_deg", "right_knee_fppa_deg",
                         "left_knee_inside_toe_shank", "right_knee_inside_toe_shank", "left_pelvic_drop_deg",
                         "right_pelvic_drop_deg", "left_trunk_lean_deg", "right_trunk_lean_deg",
                         "left_knee_flexion_deg", "right_knee_flexion_deg"),
    "sit_to_stand": ("full_stands", "five_times_sit_to_stand_s", "chair_stands_30s", "rise_time_s", "sit_time_s",
                     "slowest_rise_s", "hands_drop_share", "trunk_lean_seat_off_deg", "knees_inward_rise_shank"),
}


def _criterion_line(c: dict) -> str:
    if c["state"] == "not_assessed":
        detail = c["reason"]
    else:
        value = short_number(c["value"])
        when = f" at {c['time_s']:.2f} s" if c["time_s"] is not None else ""
        detail = f"{value} {c['unit'] or ''} (rule: {c['threshold']}){when}, {c['view']} view"
    return f"  {SYMBOLS[c['state']]:<7} {c['id']:<24} {detail}"


def _facing(source: dict) -> str:
    yaw = source.get("body_yaw_deg")
    words = source["facing"] + ("" if yaw is None else f", body turned {yaw:.0f} deg from the camera")
    return words + ("; scored from landmarks, no video" if source.get("input") == "landmarks" else "")


def _summary(result: dict, out_dir: Path | None, written: list[Path] = ()) -> str:
    lines = []
    views = ", ".join(f"{Path(s['path']).name} ({_facing(s)})" for s in result["sources"])
    lines.append(f"Screen: {result['screen']}   clips: {views}")
    if result.get("detection"):
        found = result["detection"]
        lines.append(f"  chosen automatically (confidence {found['confidence']:.2f}): {found['reason']}")
    counts = f"People seen: {result['people_seen']}"
    if result["screen"] == "gait":
        strikes = [e for e in result["events"] if e["type"] == "heel_strike"]
        directions = ", ".join(p["label"].replace("_", " ") for p in result["passes"]) or "none"
        left_out = sum(1 for e in strikes if e.get("rejected"))
        counts += f"   passes: {len(result['passes'])} ({directions})   heel strikes: {len(strikes)}" + (
            f" ({left_out} left out of the timing)" if left_out else "")
    elif result["screen"] != "posture":
        counts += f"   repetitions: {len(result['repetitions'])}"
        if result["best_repetition"]:
            counts += f"   reported: {result['best_repetition']}"
    lines.append(counts)
    score = result["score"]
    from movement_screen.report.headline import headline, score_value

    if score:
        lines.append(f"{score['name']}: {score_value(score) or 'not scored'}")
        lines.append("  " + score["explanation"])
    else:  # the test's own outcome in its own terms, as the app and the reports give it
        lines += [f"Result: {line}" for line in headline(result)]
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
        names = sorted({Path(p).name for p in written if Path(p).parent == Path(out_dir)
                        and Path(p).name not in ("report.pdf", "report.html")},  # the report has a line of its own
                       key=lambda name: (FILE_ORDER.get(Path(name).suffix, 9), name))
        lines.append(f"Files: {out_dir}/ ({', '.join(names)})")
    return "\n".join(lines)


FILE_ORDER = {".json": 0, ".csv": 1, ".png": 2, ".mp4": 3, ".trc": 4, ".mot": 5}


def _answers(args) -> dict[str, bool] | None:
    from movement_screen.care.safety import read_answers

    given = sum(bool(x) for x in (args.answers, args.flag, args.no_red_flags))
    if given > 1:
        raise UsageError("give red-flag answers one way: --answers FILE, --flag QUESTION or --no-red-flags")
    if args.answers:
        return read_answers(args.answers)
    if args.flag:
        return {q: True for q in args.flag}
    return {} if args.no_red_flags else None


def _norm_options(command, which: str = "") -> None:
    group = command.add_argument_group("the person, for norms")
    group.add_argument("--age", type=float, help="the person's age in years: the sit-to-stand's timed tests are "
                       f"compared with the norms for the age{which}")
    group.add_argument("--sex", choices=["female", "male"], help="the person's sex: the 30-s chair-stand norms "
                       f"differ for women and men{which}")


def _output_options(command) -> None:
    group = command.add_argument_group("exports and privacy")
    group.add_argument("--export", type=_export_kinds, default=(), metavar="trc,mot",
                       help="also write OpenSim files: markers.trc (the landmarks as markers, metres, Y up) and/or "
                            "angles.mot (the angle series)")
    privacy = group.add_mutually_exclusive_group()
    privacy.add_argument("--deidentify", action="store_const", const="deidentify", dest="privacy",
                         help="blur every face and everything around the screened person in the annotated video and "
                              "key frames, name the clips by the patient id, no sound or metadata in written videos")
    privacy.add_argument("--stick-figure", action="store_const", const="stick_figure", dest="privacy",
                         help="draw the skeleton on a plain background instead of the video")
    command.set_defaults(privacy="none")


def _export_kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ("trc", "mot")]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"--export takes trc, mot or trc,mot (not {', '.join(unknown) or text!r})")
    return kinds


def _rescore(args) -> int:
    import time as clock

    from movement_screen.rescore import main_summary, rescore

    started = clock.perf_counter()
    progress = None if args.quiet else (lambda i, n: print(f"\rre-scored {i}/{n}", end="", file=sys.stderr,
                                                           flush=True))
    done = rescore(args.folder, args.thresholds, args.height_cm, progress)
    if progress:
        print(file=sys.stderr)
    print(main_summary(done, clock.perf_counter() - started))
    return EXIT_OK if all(r.status == "ok" for r in done) else EXIT_INPUT


def _analyze(args) -> int:
    from movement_screen.session import run_session

    if args.patient_name and not args.patient:
        raise UsageError("--patient-name needs --patient (the id the history is kept under)")
    answers = _answers(args)
    out_dir = args.out or Path("out") / Path(args.videos[0]).stem
    done = run_session(
        args.videos, out_dir, screen=args.screen, video=not args.no_video, report=args.report,
        patient=args.patient, patient_name=args.patient_name, store=args.store, on=args.date,
        model=args.model, person=args.person, pain=args.pain or "not_asked",
        heel_board=args.heel_board, height_cm=args.height_cm, max_people=args.max_people,
        pose_backend=args.pose_backend,
        progress=False if args.quiet else None, answers=answers, catalogue=args.catalogue, export=args.export,
        privacy=args.privacy, age=args.age, sex=args.sex, full_size_video=args.full_size_video,
    )
    result = done.result
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_summary(result, out_dir, done.written))
        print(_plan_text(result, full=args.plan))
        if args.report:
            print(f"Report: {out_dir / 'report.pdf'} (and report.html)")
        if args.patient:
            print(f"Recorded as session {done.session_id} of patient {args.patient} in {done.store_path}; see: "
                  f"movement-screen history {args.patient}")
    if done.unscorable_reason:
        # The pose evidence is kept in out_dir; the screen itself could not be scored.
        print(f"movement-screen: {done.unscorable_reason}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _batch(args) -> int:
    from movement_screen.batch.runner import run_batch
    from movement_screen.batch.worker import Settings
    from movement_screen.pose.estimator import check_backend

    settings = Settings(args.screen, args.model, args.max_people, not args.no_video, tuple(args.export), args.privacy,
                        args.age, args.sex, check_backend(args.pose_backend))
    report = run_batch(args.folder, args.out, settings, workers=args.workers, dask=args.dask, force=args.force,
                       retry_failed=args.retry_failed, progress=False if args.quiet else None)
    failed = report.failed
    ignored = ", ".join(f"{n} {kind}" for kind, n in sorted(report.ignored.items()))
    print(f"{len(report.records)} video(s): {report.scored} scored now, {report.skipped} already done"
          + (f"; ignored {ignored} file(s) that are not videos" if ignored else ""))
    print(f"Summary: {report.out / 'summary.csv'} (and criteria.csv" +
          (", summary.parquet)" if any(p.suffix == ".parquet" for p in report.tables) else ")"))
    if failed:
        print(f"{len(failed)} video(s) not scored, reasons in {report.out / 'errors.csv'}:", file=sys.stderr)
        for r in failed[:10]:
            print(f"  {r['relative']}: {r['error']}", file=sys.stderr)
        if len(failed) > 10:
            print(f"  ... and {len(failed) - 10} more", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_OK


def _plan_text(result: dict, full: bool) -> str:
    """The red-flag outcome and the plan: names and reasons, or (``full``) every how-to step."""
    lines = []
    flags = result.get("red_flags") or {}
    if flags.get("level") in ("emergency", "urgent", "review"):
        bar = "!" * 72
        lines += [bar, flags["message"], bar]
    plan = result.get("plan") or {}
    reassessment = result.get("reassessment")
    if reassessment:
        lines.append(f"Re-test against the plan of {reassessment['plan_date']} ({reassessment['weeks']:.1f} weeks):")
        for b in reassessment["benchmarks"]:
            lines.append(f"  {b['status'].replace('_', ' '):<13} {b['title']}")
        lines += [f"  {n}" for n in reassessment["notes"]]
    if plan.get("status") != "given":
        if plan:
            lines.append(f"No exercise plan: {plan['reason']}")
        return "\n".join(lines)
    lines.append(f"Exercise plan (re-test on {plan['retest_on']}):")
    for n, ex in enumerate(plan["exercises"], 1):
        lines.append(f"  {n}. {ex['name']} [{ex['category']}] - {ex['dose_text']}")
        lines.append(f"     {ex['why']} (evidence {ex['evidence']})")
        if full:
            lines += [f"       - {step}" for step in ex["steps"]]
            lines.append(f"       Easier: {ex['easier']}  Harder: {ex['harder']}")
            lines += [f"       Caution: {c}" for c in ex["cautions"]]
    lines += [f"  Note: {note}" for note in plan["notes"]]
    if not full:
        lines.append("  (--plan prints the how-to steps; --report writes them into report.pdf)")
    return "\n".join(lines)


def _report(args) -> int:
    from movement_screen.report.clinic import read_result, write_report
    from movement_screen.session import progress_rows
    from movement_screen.store.history import Store

    result, folder = read_result(args.result)
    patient, rows = None, None
    if args.patient:
        with Store(args.store) as store:
            sessions = store.sessions(args.patient, result["screen"])
        this = [x for x in sessions if x.result == result]  # the stored session of this result, if any
        when = this[-1].recorded_on if this else date.today().isoformat()
        patient = {"id": args.patient, "date": when}
        rows = progress_rows([x for x in sessions if not this or x.id < this[-1].id], result, when)
    pdf, html = write_report(result, folder, args.out, patient=patient, trend=rows)[:2]
    print(f"{pdf}\n{html}")
    return EXIT_OK


def _history(args) -> int:
    from movement_screen.api import screen_name
    from movement_screen.care.progress import trend
    from movement_screen.store.history import Store

    with Store(args.store) as store:
        if not store.has_patient(args.patient):
            raise UsageError(f"no patient '{args.patient}' in {store.shown} (movement-screen patient list)")
        sessions = store.sessions(args.patient, screen_name(args.screen) if args.screen else None)
    print(f"Patient {args.patient}: {len(sessions)} session(s)")
    for x in sessions:
        plan = (x.plan or {}).get("status", "-")
        flags = (x.red_flags or {}).get("level") or ("none" if (x.red_flags or {}).get("asked") else "not asked")
        print(f"  #{x.id} {x.recorded_on} {x.screen:<13} plan: {plan:<9} red flags: {flags}"
              + ("" if x.scored else f"  NOT SCORED (kept apart, never compared): "
                 f"{x.result.get('unscored_reason') or 'nothing could be judged'}"))
        for note in (x.reassessment or {}).get("notes", []):
            print(f"      {note}")
    for screen in dict.fromkeys(x.screen for x in sessions):
        mine = [{"date": x.recorded_on, "result": x.result} for x in sessions if x.screen == screen and x.scored]
        if len(mine) < 2:
            continue
        print(f"{screen}: change from first to last session (real only beyond the MDC)")
        for row in trend(mine):
            values = " -> ".join(f"{v['value']:.3g}" for v in row["values"])
            since = row["since_first"]
            if since is None:
                verdict = "one value"
            elif since["verdict"] == "cannot_tell":
                verdict = "cannot tell if real (no MDC known)"
            else:
                verdict = f"{since['verdict'].replace('_', ' ')} (MDC {since['mdc']:g} {row['unit'] or ''})"
            print(f"  {row['title'][:44]:<44} {values:<28} {verdict}")
    return EXIT_OK


def _patient(args) -> int:
    from movement_screen.store.history import Store

    with Store(args.store) as store:
        if args.patient_command == "list":
            rows = store.patients()
            print(f"{len(rows)} patient(s) in {store.shown}")
            for r in rows:
                print(f"  {r['id']:<16} {r['name'] or '':<20} sessions: {r['sessions']}  last: {r['last'] or '-'}")
            return EXIT_OK
        done = store.delete_patient(args.id)
    print(f"Erased patient {done['patient']}: {done['sessions']} session(s) deleted from {store.shown}")
    print(f"  files removed: {len(done['files_removed'])}")
    for f in done["files_removed"]:
        print(f"    {f}")
    if done["files_already_gone"]:
        print(f"  files already gone: {len(done['files_already_gone'])}")
    for folder in done["folders_removed"]:
        print(f"  empty folder removed: {folder}")
    return EXIT_OK


def _app(args) -> int:
    import movement_screen.app as app_package  # not the pages: they only run inside Streamlit
    from movement_screen.app.access import LOOPBACK

    if args.local and args.host not in LOOPBACK:
        raise UsageError(f"--local has no log-in, so it serves only this computer: it cannot listen on {args.host}. "
                         "Leave out --local to serve a clinic (therapists log in, patients use links).")
    os.environ["MOVEMENT_SCREEN_APP_MODE"] = "local" if args.local else "clinic"
    if args.store:
        os.environ["MOVEMENT_SCREEN_STORE"] = str(args.store if isinstance(args.store, str) else args.store.resolve())
    script = Path(app_package.__file__).with_name("run.py")
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(args.port),
               "--server.address", args.host, "--browser.gatherUsageStats", "false",
               "--server.maxUploadSize", str(app_package.MAX_UPLOAD_MB), "--client.toolbarMode", "viewer",
               # no full garbage collection after every script run: each page following an analysis reruns every
               # second, and those collections stalled other visitors' page loads (bench/bench_clinic.py)
               "--runner.postScriptGC", "false"]
    if args.headless:
        command += ["--server.headless", "true"]
    if not args.local:  # a visitor never sees a traceback with the server's paths
        command += ["--client.showErrorDetails", "none"]
    from movement_screen.app.analyses import DISPATCHER_ENV
    from movement_screen.jobs.commands import start_beside

    sys.stdout.flush()
    # The analyses run in their own processes, started now (so a queue left by a stopped server runs again at
    # once) and ended with the server; the page server only puts jobs in line and reads how they are doing.
    os.environ[DISPATCHER_ENV] = str(start_beside().pid)
    os.execv(sys.executable, command)  # becomes the server: Ctrl-C and kill reach Streamlit itself
    return EXIT_OK


def _read_password(prompt: str) -> str:
    """Prompted twice on a terminal; else the first line of standard input (for scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def _users(args) -> int:
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    with Clinic(Store(args.store)) as clinic:
        command = args.users_command
        if command == "add":
            clinic.add_user(args.name, _read_password(f"Password for {args.name}: "), admin=args.admin,
                            display_name=args.display_name)
            print(f"added {'admin ' if args.admin else ''}{args.name}")
        elif command == "display-name":
            clinic.set_display_name(args.name, args.display_name)
            print(f"patients now see {args.display_name or 'your therapist'} for {args.name}")
        elif command == "password":
            clinic.set_password(args.name, _read_password(f"New password for {args.name}: "))
            print(f"password changed for {args.name}")
        elif command == "remove":
            clinic.remove_user(args.name)
            print(f"removed {args.name}")
        elif command == "reassign":
            clinic.reassign(args.patient, args.name)
            print(f"{args.patient} now belongs to {args.name}")
        elif command == "rotate-secret":
            print(f"new link secret: {clinic.rotate_secret()} open link(s) no longer work")
        elif command == "audit":
            text = clinic.audit_csv()
            if args.out:
                args.out.write_text(text, encoding="utf-8")
                print(args.out)
            else:
                sys.stdout.write(text)
        else:
            rows = clinic.users()
            print(f"{len(rows)} account(s) in {clinic.store.shown}")
            for r in rows:
                print(f"  {r['name']:<20} {'admin' if r['admin'] else '':<6} patients: {r['patients']}")
    return EXIT_OK


def _store(args) -> int:
    from movement_screen.store.history import Store

    with Store(args.store) as store:
        print(store.backup(args.file))
    return EXIT_OK


def _questions(args) -> int:
    from movement_screen.care.safety import load_questions

    print("# Red-flag questions. Answer each true or false; save as answers.toml and pass")
    print("# it with: movement-screen analyze CLIP --answers answers.toml")
    for q in load_questions():
        print(f"\n# [{q.level}] {q.question}")
        print(f"{q.id} = false")
    return EXIT_OK


def _models(args) -> int:
    from movement_screen.pose import models

    if args.models_command == "ensure-web":
        from movement_screen.pose import web_runtime

        print(f"{web_runtime.PACKAGE} {web_runtime.VERSION} ({web_runtime.LICENCE}): {web_runtime.ensure()}")
    elif args.models_command == "ensure":
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
    from movement_screen.samples import CLIPS, SAMPLE_NAME, fetch_clip

    if args.list:
        for clip in CLIPS.values():
            print(f"{clip.name:<34} {clip.licence:<24} {clip.origin}")
        return EXIT_OK
    for name in sorted(CLIPS) if args.all else (args.names or [SAMPLE_NAME]):
        print(fetch_clip(name, args.dest))
    return EXIT_OK


def _demo(args) -> int:
    screen = args.screen.replace("-", "_")
    settings = {}
    if screen == "gait":
        from movement_screen.samples import fetch_sample

        clips = [fetch_sample(Path("sample_videos"))]
        out = args.out or Path("out/demo")
        print(f"Sample clip: {clips[0]}", file=sys.stderr)
    else:
        from movement_screen.validation import demo

        out = args.out or Path(f"out/demo-{args.screen}")
        clips = demo.write_clips(screen, out / "built")
        settings = demo.SETTINGS.get(screen, {})
        print(f"Built figure, not a real person: {demo.DESCRIPTIONS[screen]}. Its landmarks are in {out / 'built'}; "
              "no pose model runs on them. Film a real one with the app's filming guide.", file=sys.stderr)
    code = _analyze(argparse.Namespace(
        videos=[str(c) for c in clips], screen=screen if screen != "gait" else "auto", out=out, json=False,
        model="full", person=None, pain=None, heel_board=False, height_cm=None, max_people=3, pose_backend=None,
        no_video=False, full_size_video=False, quiet=False, answers=None, flag=[], no_red_flags=False, plan=False,
        catalogue=None, report=True, patient=None, patient_name=None, export=(), privacy="none",
        age=settings.get("age"), sex=settings.get("sex"), date=None, store=None,
    ))
    if code == EXIT_OK:
        print("\nScreen your own clip with: movement-screen analyze CLIP (squat, forward bend, walking, standing "
              "posture, single-leg squat or sit-to-stand; give a side and a front clip together), or open the "
              "browser app: movement-screen app. Other screens' samples: movement-screen demo --screen X",
              file=sys.stderr)
    return code


def _validate(args) -> int:
    from tqdm import tqdm

    from movement_screen.api import screen_name

    if not args.synthetic and args.labels is None and args.movements is None:
        raise UsageError("give a labels CSV, --movements TOML, or --synthetic for the harness")
    if args.movements is not None:
        from movement_screen.validation import movements

        count = len(movements.read_labels(args.movements))
        with tqdm(total=count, desc="real clips", unit="clip", disable=None) as bar:
            real = movements.run_real(args.movements, args.videos or args.movements.parent, args.model,
                                      args.pose_backend, progress=lambda i, total, name: bar.update(1 if i else 0))
            bar.update(count - bar.n)
        text = movements.tables(real, movements.run_built())
        print(text)
        if args.update:
            replace_section(args.update, "movements", text)
        if args.refilmed:
            from movement_screen.validation import refilmed

            total = count * (1 + len(refilmed.FILMINGS))
            with tqdm(total=total, desc="re-filmed clips", unit="clip", disable=None) as bar:
                readings = refilmed.run(args.movements, args.videos or args.movements.parent, None, args.model,
                                        args.pose_backend, progress=lambda done, total, name: bar.update(
                                            done - bar.n))
                bar.update(total - bar.n)
            text = refilmed.table(readings)
            print("\n" + text)
            if args.update:
                replace_section(args.update, "refilmed", text)
    elif args.refilmed:
        raise UsageError("--refilmed re-films the clips of --movements TOML: give that too")
    if args.synthetic:
        from movement_screen.validation import harness

        figures = {"squat": (harness.cases, "synthetic", "synthetic squats", "Synthetic squats"),
                   "posture": (harness.posture_cases, "synthetic-posture", "synthetic standing",
                               "Synthetic standing posture"),
                   "single_leg_squat": (harness.single_leg_cases, "synthetic-single-leg-squat",
                                        "synthetic single-leg squats", "Synthetic single-leg squats"),
                   "sit_to_stand": (harness.chair_cases, "synthetic-sit-to-stand", "synthetic sit-to-stand",
                                    "Synthetic sit-to-stand")}
        chosen = [screen_name(screen) for screen in args.synthetic_screens.split(",")]
        unknown = [screen for screen in chosen if screen not in figures]
        if unknown:
            raise UsageError(f"--synthetic-screens: no synthetic figure for {', '.join(unknown)} (choose from "
                             f"{', '.join(figures)})")
        for screen in chosen:
            make, section, desc, title = figures[screen]
            all_cases = make()
            with tqdm(total=len(all_cases), desc=desc, unit="clip", disable=None) as bar:
                outcomes = harness.run(all_cases, progress=lambda done, total: bar.update(1))
            text = harness.table(outcomes) + "\n\n" + harness.summary_table(outcomes)
            if screen == "sit_to_stand":  # the timed test measured against the built time
                text += "\n\n" + harness.timing_table(outcomes)
            print(text)
            if args.update:
                replace_section(args.update, section, text)
            if args.plot:
                plot = args.plot if screen == "squat" else args.plot.with_name(
                    f"{args.plot.stem}-{screen.replace('_', '-')}{args.plot.suffix}")
                harness.plot(outcomes, plot, title)
    if args.labels is not None:
        from movement_screen.validation import agreement

        labels = agreement.read_labels(args.labels)
        groups = len({(lab.clips, lab.screen) for lab in labels})
        with tqdm(total=groups, desc="labelled clips", unit="group", disable=None) as bar:
            verdicts = agreement.run(args.labels, args.videos, args.model, pose_backend=args.pose_backend,
                                     progress=lambda i, total, name: bar.update(1 if i else 0))
            bar.update(groups - bar.n)
        text = agreement.tables(verdicts)
        print(text)
        if args.update:
            replace_section(args.update, "labels", text)
    return 0


def replace_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path`` (at the end if absent)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{text}\n{end}"
    if start in old and end in old:
        new = old[:old.index(start)] + block + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + block + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verbose:
        os.environ[VERBOSE_ENV] = "1"  # batch workers and the app server inherit it
    if args.command != "app":  # the app server silences itself (quiet.py), after exec
        silence_native_logs()
    handlers = {"analyze": _analyze, "batch": _batch, "validate": _validate, "models": _models, "samples": _samples,
                "demo": _demo, "report": _report, "app": _app, "history": _history, "patient": _patient,
                "questions": _questions, "users": _users, "store": _store, "rescore": _rescore,
                "queue": queue_command, "worker": worker_command}
    try:
        return handlers[args.command](args)
    except ScreenError as exc:
        print(f"movement-screen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("movement-screen: interrupted", file=sys.stderr)
        return 130
