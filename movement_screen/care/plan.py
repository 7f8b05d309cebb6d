"""Findings -> a short exercise plan with a re-test date and benchmarks (clinical-spec E.2, E.4, H.7).

Deterministic and explainable:

1. Red flags (or pain during the test) withhold the plan; the reason is kept.
2. The ``always`` exercise (bracing) opens every plan; it does not count as covering a finding, so trunk
   findings still get their own exercise.
3. Exercises are then picked greedily: each time, the one that covers the most still-uncovered findings
   (a failed criterion weighs 2, a borderline one 1; ties go to catalogue order). Every exercise records the
   findings that put it there.
4. With no findings, the core basics are given. With findings, at least one core exercise beyond bracing is
   kept when there is room.
5. Exercises a precaution rules out (``avoid_with``) are left out, and the plan says so.
6. Core exercises are listed first, then correctives; at most ``MAX_EXERCISES``.
"""

from __future__ import annotations

from datetime import date, timedelta

from movement_screen.care.catalogue import Exercise, load_catalogue
from movement_screen.care.safety import Screening, load_questions
from movement_screen.contract.result import is_scored

MAX_EXERCISES = 6
RETEST_WEEKS = 3  # re-test in 2-4 weeks
REVIEW_WEEKS = (6, 12)  # benchmarks not met after this window -> escalation note
WEIGHT = {"moderate": 2, "mild": 1, "info": 0}
PROGRESSION = ("Progress to the harder version when two sessions in a row are pain-free with good form; "
               "go back to the easier version if anything hurts.")
EVIDENCE_NOTE = ("Exercise helps low back pain modestly and no single type is clearly best (Hayden 2021; Owen 2020). "
                 "Linking a screen finding to a specific exercise is mostly convention (NASM/FMS): treat this as "
                 "training, not as the correction of a proven weakness.")


def plan_findings(result: dict) -> list[dict]:
    """The findings a plan answers: the result's findings, plus a low FMS score (1) as its own finding."""
    found = [{"id": f["id"], "title": f["title"], "severity": f["severity"]} for f in result.get("findings", [])]
    score = result.get("score") or {}
    if score.get("name", "").startswith("FMS") and score.get("value") == 1:
        found.append({"id": "fms_score_low", "title": "FMS deep squat score 1", "severity": "moderate"})
    return found


def make_plan(result: dict, screening: Screening, catalogue: list[Exercise] | None = None,
              on: date | None = None) -> dict:
    """The plan for a result (a ``ScreenResult.to_dict()``), given the red-flag screening."""
    on = on or date.today()
    base = {"created": on.isoformat(), "exercises": [], "left_out": [], "uncovered_findings": [],
            "benchmarks": [], "retest_on": None, "review_window_weeks": list(REVIEW_WEEKS),
            "progression": PROGRESSION, "evidence_note": EVIDENCE_NOTE, "notes": []}
    if screening.blocks_plan:
        return {**base, "status": "withheld", "reason": screening.message}
    if not is_scored(result):
        return {**base, "status": "not_made", "reason": "the screen could not be scored, so there is nothing to "
                "base a plan on: record the movement again"}
    catalogue = catalogue if catalogue is not None else load_catalogue()
    findings = plan_findings(result)
    severity = {f["id"]: f["severity"] for f in findings}
    titles = {f["id"]: f["title"] for f in findings}

    allowed, left_out = [], []
    for ex in catalogue:
        clash = [p for p in ex.avoid_with if p in screening.precautions]
        if clash:
            left_out.append({"id": ex.id, "name": ex.name, "because": ", ".join(clash)})
        else:
            allowed.append(ex)
    chosen: dict[str, list[str]] = {}  # exercise id -> findings it was chosen for
    for ex in allowed:
        if ex.always:
            chosen[ex.id] = [f for f in ex.addresses if f in severity]
    uncovered = {f for f in severity if any(f in ex.addresses for ex in allowed)}
    by_id = {ex.id: ex for ex in allowed}

    def has_core() -> bool:
        return any(by_id[i].category == "core" and not by_id[i].always for i in chosen)

    def pick(cap: int) -> None:
        while uncovered and len(chosen) < cap:
            gains = [(sum(WEIGHT[severity[f]] + 0.5 for f in ex.addresses if f in uncovered), -n, ex)
                     for n, ex in enumerate(allowed) if ex.id not in chosen]
            gain, _, best = max(gains, default=(0, 0, None), key=lambda g: g[:2])
            if not gain:
                return
            chosen[best.id] = [f for f in best.addresses if f in uncovered]
            uncovered.difference_update(chosen[best.id])

    pick(MAX_EXERCISES if has_core() else MAX_EXERCISES - 1)  # keep a slot for a core exercise
    basics = [ex for ex in allowed if ex.basic and ex.id not in chosen]
    wanted = len(basics) if not findings else (0 if has_core() else 1)
    for ex in basics[:wanted]:
        if len(chosen) < MAX_EXERCISES:
            chosen[ex.id] = []
    pick(MAX_EXERCISES)
    position = {ex.id: n for n, ex in enumerate(allowed)}
    order = sorted(chosen, key=lambda i: (by_id[i].category != "core", position[i]))
    precautions = {q.id: q for q in load_questions() if q.level == "precaution"}
    exercises = []
    for ex_id in order:
        ex, why = by_id[ex_id], chosen[ex_id]
        if why:
            why_text = "for: " + "; ".join(titles[f].lower() for f in why)
        elif ex.always:
            why_text = "the foundation: used during every other exercise and daily lifting"
        else:
            why_text = "core stabilisation basic (given to everyone)"
        extra = [ex.keep_in_mind[p] for p in screening.precautions if p in ex.keep_in_mind]
        exercises.append({
            "id": ex.id, "name": ex.name, "category": ex.category, "findings": why, "why": why_text,
            "steps": list(ex.steps), "dose": dict(ex.dose), "dose_text": ex.dose_text, "easier": ex.easier,
            "harder": ex.harder, "cautions": [*ex.cautions, *extra], "evidence": ex.evidence, "source": ex.source,
        })
    notes = []
    unmatched = [f for f in severity if not any(f in ex.addresses for ex in allowed)]
    missing = sorted({*uncovered, *unmatched})
    if missing:
        notes.append("Not covered by this plan (no room, or no catalogue exercise): "
                     + ", ".join(titles[f] for f in missing) + ".")
    for p in screening.precautions:
        if precautions[p].effect:
            notes.append(precautions[p].effect)
    if not screening.asked:
        notes.append(screening.message)
    if not findings:
        notes.append("No movement findings: the core basics keep the trunk trained.")
    return {**base, "status": "given", "reason": "no red flags reported" if screening.asked else
            "red-flag questions not asked", "exercises": exercises, "left_out": left_out,
            "uncovered_findings": missing, "benchmarks": benchmarks(result),
            "retest_on": (on + timedelta(weeks=RETEST_WEEKS)).isoformat(), "notes": notes}


def benchmarks(result: dict) -> list[dict]:
    """What should improve by the re-test: each failed or borderline criterion with a measured value."""
    out = []
    found = {f["id"] for f in result.get("findings", [])}  # one benchmark per finding (aliases reported once)
    for c in result.get("criteria", []):
        if c["id"] in found and c["state"] in ("fail", "borderline") and c.get("value") is not None and c.get("margin") is not None:
            out.append({"criterion": c["id"], "title": c["title"], "unit": c.get("unit"), "view": c.get("view"),
                        "baseline": c["value"], "baseline_margin": c["margin"], "baseline_state": c["state"],
                        "target": f"passes ({c['threshold']})" if c.get("threshold") else "passes"})
    score = result.get("score") or {}
    if score.get("value") is not None and score.get("value") < score.get("max", 0):
        out.append({"criterion": "score", "title": score["name"], "unit": "points", "view": None,
                    "baseline": score["value"], "baseline_margin": None, "baseline_state": "below_max",
                    "target": f"score above {score['value']}"})
    return out
