"""Is a change real, and is the plan working? Trends against the minimal detectable change, and re-test.

A change counts as real only when it exceeds the measure's MDC (data file ``change.toml``, each with its source);
where none is known the change is reported as "cannot tell". Direction comes from the criterion's margin
(distance inside its pass limit), so "better" means the same thing for every measure; a measure whose pass limit
moves with the person (the sit-to-stand's age norms) says in ``change.toml`` which way is better (``better =
"lower"`` or ``"higher"``), and its change is taken from the value itself, measured even without a verdict.
"""

from __future__ import annotations

from datetime import date, timedelta

from movement_screen.contract.config import load
from movement_screen.contract.result import is_scored


def mdc_of(measure: str) -> dict:
    """``{"mdc": float | None, "unit", "source", "evidence"}`` for a criterion id or "score"."""
    entry = load("change")["measure"].get(measure, {})
    return {"mdc": entry.get("mdc"), "unit": entry.get("unit"), "evidence": entry.get("evidence"),
            "source": entry.get("source", "none known")}


def _better(measure: str) -> int | None:
    """+1 when a higher value is better, -1 when lower is, for a measure whose change is read from its value."""
    return {"higher": 1, "lower": -1}.get(load("change")["measure"].get(measure, {}).get("better"))


def change(measure: str, before: float | None, after: float | None) -> dict:
    """The change from ``before`` to ``after`` (numbers where larger is better: margins, scores), and whether
    it is real.

    ``verdict``: "better" / "worse" (beyond the MDC), "no_real_change" (within it), "cannot_tell" (no MDC
    known), or "not_measured".
    """
    info = mdc_of(measure)
    if before is None or after is None:
        return {"delta": None, "verdict": "not_measured", **info}
    delta = after - before
    if info["mdc"] is None:
        verdict = "cannot_tell"
    elif abs(delta) <= info["mdc"]:
        verdict = "no_real_change"
    else:
        verdict = "better" if delta > 0 else "worse"
    return {"delta": delta, "verdict": verdict, **info}


def measures(result: dict) -> dict[str, dict]:
    """The trend-able measures of a result: each assessed criterion's value and margin, and the score.

    Only criteria with a margin count: the margin is what says which way is better. A measure that says so in
    ``change.toml`` (``better``) counts by its value, with or without a verdict.
    """
    out = {}
    for c in result.get("criteria", []):
        if c.get("value") is None:
            continue
        direction = _better(c["id"])
        if direction is not None:
            out[c["id"]] = {"title": c["title"], "value": c["value"], "margin": direction * c["value"],
                            "state": None if c["state"] == "not_assessed" else c["state"], "unit": c.get("unit")}
        elif c["state"] != "not_assessed" and c.get("margin") is not None:
            out[c["id"]] = {"title": c["title"], "value": c["value"], "margin": c.get("margin"),
                            "state": c["state"], "unit": c.get("unit")}
    score = result.get("score") or {}
    if score.get("value") is not None:
        out["score"] = {"title": score["name"], "value": score["value"], "margin": score["value"],
                        "state": None, "unit": "points"}
    return out


def trend(sessions: list[dict]) -> list[dict]:
    """Per measure, its values over the sessions (oldest first) and the change from the first to the last.

    ``sessions``: ``{"date": "YYYY-MM-DD", "result": result_dict}``, same screen, oldest first.
    """
    sessions = [s for s in sessions if is_scored(s["result"])]  # a session without a score is never compared
    per_session = [measures(s["result"]) for s in sessions]
    names = []
    for m in per_session:
        names += [n for n in m if n not in names]
    rows = []
    for name in names:
        points = [(s["date"], m[name]) for s, m in zip(sessions, per_session) if name in m]
        if not points:
            continue
        first, last = points[0][1], points[-1][1]
        rows.append({
            "measure": name, "title": last["title"], "unit": last["unit"],
            "values": [{"date": d, "value": p["value"], "state": p["state"]} for d, p in points],
            "since_first": _margin_change(name, first, last) if len(points) > 1 else None,
        })
    return rows


def _margin_change(name: str, before: dict, after: dict) -> dict:
    # The margin grows when the value moves toward pass, whatever the criterion's direction; a measure read by its
    # value (its pass limit moves with the person's age) compares the values themselves.
    direction = _better(name)
    if direction is not None:
        verdict = change(name, direction * before["value"], direction * after["value"])
        verdict["delta"] = after["value"] - before["value"]
        return verdict
    verdict = change(name, before["margin"], after["margin"])
    verdict["delta"] = after["value"] - before["value"]
    return verdict


def reassess(plan: dict, plan_date: str, result: dict, on: date) -> dict:
    """Re-test against a plan's benchmarks; escalate when they are not met after the review window."""
    start = date.fromisoformat(plan_date)
    weeks = (on - start).days / 7
    low, high = plan.get("review_window_weeks") or [6, 12]
    now = measures(result)
    rows = []
    for b in plan.get("benchmarks", []):
        cur = now.get(b["criterion"])
        if cur is None:
            status = "not_measured"
            row = {"now": None, "change": None}
        elif b["criterion"] == "score":
            status = "met" if cur["value"] > b["baseline"] else "not_met"
            row = {"now": cur["value"], "change": change("score", b["baseline"], cur["value"])}
        else:
            ch = _margin_change(b["criterion"], {"value": b["baseline"], "margin": b["baseline_margin"]}, cur)
            status = "met" if cur["state"] == "pass" else ("improving" if ch["verdict"] == "better" else "not_met")
            row = {"now": cur["value"], "change": ch}
        rows.append({**b, **row, "status": status})
    stalled = [r for r in rows if r["status"] == "not_met"]
    measured = [r for r in rows if r["status"] != "not_measured"]
    escalate = bool(stalled) and weeks >= low
    notes = []
    if escalate:
        for r in stalled:
            notes.append(f"Discuss with your clinician: no improvement in {r['title'].lower()} since "
                         f"{start.isoformat()} ({weeks:.0f} weeks on the plan).")
    elif stalled:
        review = start + timedelta(weeks=low)
        since = "the same day" if (on - start).days == 0 else f"after {weeks:.1f} weeks"
        notes.append(f"Not there yet ({since}): keep going. If there is still no real change by "
                     f"{review.isoformat()}, discuss it with your clinician.")
    if rows and not measured:
        notes.append("None of the plan's benchmarks could be measured in this session: film the screen again as "
                     "the guide shows to compare.")
    elif measured and not stalled:
        unmeasured = len(rows) - len(measured)
        notes.append("Every benchmark measured is met or improving beyond measurement error"
                     + (f" ({unmeasured} could not be measured this time)." if unmeasured else "."))
    if weeks > high:
        notes.append(f"The plan is {weeks:.0f} weeks old (review window {low}-{high} weeks): review it with your "
                     "clinician.")
    return {"plan_date": start.isoformat(), "on": on.isoformat(), "weeks": round(weeks, 1),
            "window_weeks": [low, high], "benchmarks": rows, "escalate": escalate or weeks > high, "notes": notes}
