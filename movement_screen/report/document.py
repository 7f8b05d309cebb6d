"""The clinic report's content as plain blocks, rendered to PDF (:mod:`pdf`) and HTML (:mod:`html`).

One builder, two renderers: the PDF and its HTML twin always say the same thing. Blocks are tuples:
``("title", text)``, ``("meta", [(label, value)])``, ``("alert", level, text)`` with level danger/warn/info,
``("heading", text)``, ``("text", text)``, ``("bullets", [text])``,
``("table", headers, rows, widths, state_column)``, ``("images", [(path, caption)])``,
``("exercise", exercise_dict)``.
"""

from __future__ import annotations

from pathlib import Path

from movement_screen import __version__
from movement_screen.contract.config import load
from movement_screen.contract.result import short_number
from movement_screen.report.headline import headline, score_value

STATE_WORDS = {"pass": "pass", "borderline": "borderline", "fail": "fail", "not_assessed": "n/a"}
SCREEN_NAMES = {"squat": "Deep / overhead squat", "forward_bend": "Standing forward bend and return",
                "gait": "Gait (walking)", "posture": "Standing posture", "single_leg_squat": "Single-leg squat",
                "sit_to_stand": "Sit-to-stand (chair)"}
KEY_MEASURES = {
    "squat": (),
    "forward_bend": ("max_trunk_inclination_deg", "max_knee_flexion_deg", "descent_time_s", "return_time_s",
                     "fingertip_floor_cm"),
    "gait": ("cadence_steps_per_min", "step_time_left_s", "step_time_right_s", "stance_pct", "double_support_pct",
             "walking_speed_m_s", "step_length_m"),
    "posture": ("quiet_standing_s", "shoulder_level_deg", "pelvis_level_deg", "head_forward_trunk_lengths",
                "hips_forward_deg"),
    "single_leg_squat": ("repetitions_left", "repetitions_right", "left_knee_fppa_deg", "right_knee_fppa_deg",
                         "left_knee_flexion_deg", "right_knee_flexion_deg"),
    "sit_to_stand": ("five_times_sit_to_stand_s", "chair_stands_30s", "rise_time_s", "sit_time_s",
                     "trunk_lean_seat_off_deg"),
}
VERDICT_WORDS = {"better": "real improvement", "worse": "real decline", "no_real_change": "within MDC",
                 "cannot_tell": "no MDC known", "not_measured": "not measured"}
DISCLAIMER = ("This is a movement screen, not a diagnosis. Scores come from a single-camera pose model; thresholds "
              "are indicative and mostly conventions (evidence labels: V validated, N normative, C convention, "
              "W weak). Discuss the results with a qualified clinician before acting on them.")


def _number(value, unit=None) -> str:
    if value is None:
        return "-"
    text = short_number(value)
    return f"{text} {unit}" if unit else text


def build(result: dict, out_dir: Path | None = None, patient: dict | None = None,
          images: list[tuple[Path, str]] | None = None, trend: list[dict] | None = None) -> list[tuple]:
    """The report blocks for a result (``ScreenResult.to_dict()``)."""
    blocks: list[tuple] = [("title", f"Movement screen report: {SCREEN_NAMES.get(result['screen'], result['screen'])}")]
    patient = patient or {}
    clips = "; ".join(f"{Path(s['path']).name} ({s['view']}, {s['fps']:.0f} fps, {s['duration_s']:.1f} s)"
                      for s in result["sources"])
    meta = [("Patient", " ".join(x for x in (patient.get("id"), patient.get("name") and f"({patient['name']})")
                                  if x) or "not recorded"),
            ("Session", patient.get("date") or (result.get("plan") or {}).get("created") or "-"),
            ("Clips", clips), ("Pose model", f"{result['model']}; movement-screen {__version__}")]
    for note in result.get("notes", []):
        if note.startswith("De-identified"):
            meta.append(("Privacy", note))
    if any(s.get("input") == "landmarks" for s in result["sources"]):
        meta.append(("Video", "not shared: scored from body landmarks (recorded on the patient's own device, or a "
                              "stored landmarks table); the key frames show the skeleton only"))
    detection = result.get("detection")
    if detection:
        meta.append(("Screen chosen", f"automatically, confidence {detection['confidence']:.2f}"))
    flags = result.get("red_flags") or {}
    if flags:
        meta.append(("Red flags", "not asked" if not flags.get("asked") else
                     f"{flags['level']}: {', '.join(flags['flags'] + flags['precautions'])}" if flags.get("level")
                     else "asked; none reported"))
    blocks.append(("meta", meta))

    plan = result.get("plan") or {}
    if flags.get("level") in ("emergency", "urgent", "review"):
        blocks.append(("alert", "danger", flags["message"] + _flag_list(flags)))
    elif flags.get("level") == "precaution":
        blocks.append(("alert", "warn", flags["message"]))
    elif flags and not flags.get("asked"):
        blocks.append(("alert", "warn", flags["message"]))
    if result.get("pain") == "yes":
        blocks.append(("alert", "danger", "Pain was reported during the movement: the FMS score is 0 and the "
                                          "movement needs a clinical assessment."))
    reassessment = result.get("reassessment")
    if reassessment:
        blocks += _reassessment(reassessment)

    blocks.append(("heading", "Result"))
    summary = []
    score = result.get("score")
    value = score_value(score)
    if value:
        summary.append(f"{score['name']}: {value}. {score['explanation']}")
    if not score:
        summary += headline(result)  # the test's own outcome in its own terms
    metrics = result.get("metrics", {})
    shown = [k for k in KEY_MEASURES.get(result["screen"], ()) if metrics.get(k) is not None]
    if shown:
        summary.append("Measures: " + "; ".join(measure_text(k, metrics[k]) for k in shown) + ".")
    if result["screen"] == "gait":
        counts = (f"{len(result.get('passes', []))} pass(es), "
                  f"{sum(e['type'] == 'heel_strike' for e in result.get('events', []))} heel strikes")
    elif result["screen"] == "posture":
        counts = f"{result.get('metrics', {}).get('quiet_standing_s') or 0:.1f} s of quiet standing"
    elif result["screen"] == "sit_to_stand":
        counts = f"{len(result.get('repetitions', []))} full stand(s) up from the seat"
    elif result["screen"] == "single_leg_squat":
        metrics = result.get("metrics", {})
        counts = (f"{metrics.get('repetitions_left') or 0:.0f} squat(s) on the left leg, "
                  f"{metrics.get('repetitions_right') or 0:.0f} on the right")
    else:
        counts = f"{len(result.get('repetitions', []))} repetition(s)"
    summary.append(f"Analysed: {counts}; {result['people_seen']} person(s) in view.")
    blocks.append(("bullets", summary))

    assessed = [c for c in result["criteria"] if c["state"] != "not_assessed"]
    if assessed:
        rows = [[STATE_WORDS[c["state"]], c["title"], _number(c["value"], c["unit"]), c.get("threshold") or "",
                 c.get("view") or "", c.get("evidence") or ""] for c in assessed]
        blocks.append(("table", ["State", "Criterion", "Value", "Rule", "View", "Ev."], rows,
                       [15, 62, 25, 48, 16, 9], 0))
    pictures = list(images or [])
    plot = out_dir / "angles.png" if out_dir else None
    if plot and plot.is_file():
        pictures.append((plot, "Angles over time (angles.csv); shaded: the analysed repetitions or passes"))
    if pictures:
        blocks.append(("images", pictures))
    if trend:
        blocks += _trend(trend)

    blocks += _plan(plan)

    unassessed = [c for c in result["criteria"] if c["state"] == "not_assessed"]
    if unassessed:
        blocks.append(("heading", "Not assessed, and why"))
        blocks.append(("bullets", [f"{c['title']}: {c['reason']}" for c in unassessed]))
    issues = result.get("quality", {}).get("issues", [])
    if issues:
        blocks.append(("heading", "Recording quality"))
        blocks.append(("bullets", [f"[{i['severity']}] {i['message']}" for i in issues]))
    blocks.append(("text", DISCLAIMER))
    return blocks


def measure_text(key: str, value: float) -> str:
    """A measure as a therapist reads it (data/measure_names.toml): "Cadence 112 steps/min"."""
    entry = load("measure_names")["measures"][key]
    number = f"{value:.{entry['digits']}f}"
    return f"{entry['name']} {number}{' ' + entry['unit'] if entry['unit'] else ''}"


def _flag_list(flags: dict) -> str:
    from movement_screen.care.safety import load_questions

    asked = {q.id: q.question for q in load_questions()}
    yes = flags.get("flags", [])
    return (" Reported: " + " ".join(asked[f] for f in yes if f in asked)) if yes else ""


def _reassessment(done: dict) -> list[tuple]:
    level = "danger" if done["escalate"] else "info"
    head = (f"Re-test {done['weeks']:.1f} weeks after the plan of {done['plan_date']} "
            f"(review window {done['window_weeks'][0]}-{done['window_weeks'][1]} weeks).")
    out = [("alert", level, head + " " + " ".join(done["notes"]))]
    rows = []
    for b in done["benchmarks"]:
        change = b.get("change") or {}
        rows.append([b["status"].replace("_", " "), b["title"], _number(b["baseline"], b.get("unit")),
                     _number(b.get("now"), b.get("unit")), VERDICT_WORDS.get(change.get("verdict"), "-")])
    if rows:
        out.append(("table", ["Benchmark", "Measure", "At plan", "Now", "Change"], rows, [22, 70, 30, 30, 28], None))
    return out


def _trend(trend: list[dict]) -> list[tuple]:
    rows = []
    for t in trend:
        values = " -> ".join(_number(v["value"]) for v in t["values"])
        since = t.get("since_first") or {}
        rows.append([t["title"], f"{values} {t['unit'] or ''}", VERDICT_WORDS.get(since.get("verdict"), "-"),
                     _number(since.get("mdc"), t["unit"]) if since.get("mdc") is not None else "none known"])
    return [("heading", "Progress since the first session"),
            ("table", ["Measure", "Values (oldest first)", "Change", "MDC"], rows, [70, 50, 30, 30], None)]


def _plan(plan: dict) -> list[tuple]:
    if not plan:
        return []
    out: list[tuple] = [("heading", "Exercise plan")]
    if plan["status"] != "given":
        out.append(("alert", "warn" if plan["status"] == "not_made" else "danger",
                    f"No exercise plan: {plan['reason']}"))
        return out
    out.append(("text", f"Re-test on {plan['retest_on']}. {plan['progression']}"))
    for ex in plan["exercises"]:
        out.append(("exercise", ex))
    if plan.get("benchmarks"):
        out.append(("text", "What should improve by the re-test: " + "; ".join(
            f"{b['title'].lower()} ({_number(b['baseline'], b['unit'])} now; target {b['target']})"
            for b in plan["benchmarks"])))
    notes = list(plan.get("notes", []))
    if plan.get("left_out"):
        notes.append("Left out: " + ", ".join(f"{x['name']} ({x['because']})" for x in plan["left_out"]))
    if notes:
        out.append(("bullets", notes))
    out.append(("text", plan["evidence_note"]))
    return out
