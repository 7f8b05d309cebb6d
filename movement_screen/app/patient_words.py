"""What a patient reads, from one messages file (``data/patient_words.toml``): plain words, never the tool's
internals.

Pure Python (no Streamlit), so the app, the report and the tests share it. Every function takes the plain dicts
the analysis writes (``result.json``, progress rows, the re-test) and returns text with no file names, paths,
options, spec codes, ids, raw numbers or error class names; :func:`leaks` finds any that slipped in.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from movement_screen.contract.config import load
from movement_screen.contract.result import is_scored
from movement_screen.report.headline import headline

JUDGED = ("fail", "borderline", "pass")  # worst first
MAX_LISTED = 4  # not-checked criteria named before "and N more"

FORBIDDEN = {
    "file name": r"\b[\w-]+\.(?:mov|mp4|m4v|avi|mkv|webm|csv|json|toml|pdf|html|txt|py|md|parquet|task|jpg|png)\b",
    "option flag": r"(?<![\w-])--[a-z][\w-]*",
    "spec code": r"\bspec\b",
    "evidence label": r"\[[WCVN]\]",
    "severity label": r"\[(?:info|warning|error)\]",
    "docs path": r"\bdocs/",
    "error class": r"\b[A-Z]\w*(?:Error|Exception)\b|\bTraceback\b",
    "path": r"(?<![\w/])/[\w.-]+(?:/[\w.-]+)+|\b[\w.-]+/[\w.-]+/[\w.-]*|\b[\w-]+/[\w-]+\.\w{2,4}\b|\b[A-Za-z]:\\",
    "id with underscores": r"\b\w+_\w+\b",
    "raw number": r"\d+\.\d{3,}",
    "arrow": r"->|→",
    "placeholder": r"\{\w*\}",
    "missing value": r"\b(?:nan|null|NaN)\b",
}
_FORBIDDEN = [(what, re.compile(rx)) for what, rx in FORBIDDEN.items()]


def leaks(text: str, also: tuple[str, ...] | list[str] = ()) -> list[str]:
    """What in ``text`` must never reach a patient (``"kind: found text"`` each); ``also``: strings known to be
    private here, e.g. the patient id or the clip's name."""
    found = [f"{what}: {m.group(0)}" for what, rx in _FORBIDDEN for m in rx.finditer(text)]
    found += [f"private: {s}" for s in also if s and s.lower() in text.lower()]
    return found


def words() -> dict:
    """The messages file (loaded once)."""
    return load("patient_words")


def screen_name(screen: str | None) -> str:
    table = words()["screens"]
    return table.get(screen or "", table["other"])


def criterion_name(criterion_id: str) -> str:
    entry = words()["criteria"].get(criterion_id)
    return entry["name"] if entry else words()["summary"]["other"]


def criterion_line(criterion: dict) -> str:
    """One criterion as a plain finding: "Knees moving inward: not seen", "Heels stay on the floor: yes"."""
    entry = words()["criteria"].get(criterion["id"], {"name": words()["summary"]["other"], "fault": False})
    states = words()["states"]["fault" if entry["fault"] else "quality"]
    return f"{entry['name']}: {states.get(criterion['state'], states['not_assessed'])}"


def _shown(items: list[dict], key: str = "id") -> list[dict]:
    """The items without the second of a pair of criteria that measure the same thing (same_as)."""
    ids = {item[key] for item in items}
    table = words()["criteria"]
    return [item for item in items if table.get(item[key], {}).get("same_as") not in ids]


def summary_lines(result: dict) -> list[str]:
    """One line per judged criterion, worst first, then one line naming what could not be checked (nothing when
    the session has no result: :func:`unscored_text` says why)."""
    if unscored_text(result) is not None:
        return []
    criteria = _shown(result.get("criteria", []))
    judged = sorted((c for c in criteria if c["state"] in JUDGED), key=lambda c: JUDGED.index(c["state"]))
    lines = [criterion_line(c) for c in judged]
    skipped = [criterion_name(c["id"]) for c in criteria if c["state"] not in JUDGED]
    if skipped:
        lines.append(words()["summary"]["not_checked"].format(names=_listing(skipped)))
    return lines


def _listing(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    shown = [names[0]] + [n[0].lower() + n[1:] for n in names[1:MAX_LISTED]]
    if len(names) > MAX_LISTED:
        return ", ".join(shown) + ", " + words()["summary"]["and_more"].format(count=len(names) - MAX_LISTED)
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def score_sentence(result: dict) -> str:
    """The score in a sentence: a single FMS value with its meaning, a range and why, or for the screens without
    a single score the count of points to work on."""
    table = words()["score"]
    score = result.get("score")
    if not score:
        states = [c["state"] for c in _shown(result.get("criteria", []))]
        if not any(s in JUDGED for s in states):
            return unscored_text(result) or words()["unscored"]["any"]
        return " ".join(headline(result, "patient"))  # the test's own outcome (report/headline.py)
    if score.get("value") is not None:
        return table["value"].format(value=score["value"], meaning=table["meaning"][str(score["value"])])
    if score.get("range"):
        low, high = score["range"]
        parts = [table["range"].format(low=low, high=high)]
        fms = {c["state"] for c in result.get("criteria", []) if c.get("group") == "fms"}
        if "fail" in fms:  # only the heel-raised trial tells 1 from 2
            if not (result.get("settings") or {}).get("heel_board"):
                parts.append(table["range_heel_board"])
        else:
            if "not_assessed" in fms:
                parts.append(table["range_views"])
            if "borderline" in fms:
                parts.append(table["range_borderline"])
        return " ".join(parts)
    return unscored_text(result) or words()["unscored"]["any"]


def score_scale(result: dict) -> str | None:
    """What the score's scale means, in a sentence (None for the screens without a single score)."""
    return words()["score"]["scale"] if result.get("score") else None


def _codes(result: dict) -> list[str]:
    return list(dict.fromkeys(i["code"] for i in (result.get("quality") or {}).get("issues", [])))


def quality_lines(result: dict) -> list[str]:
    """What to do better next time, one line per kind of problem (the movement not found is said by
    :func:`unscored_text` instead; issues a patient cannot change are left out)."""
    table = words()["quality"]
    lines = []
    for code in _codes(result):
        entry = table.get(code)
        if code == "no_movement" or (entry and not entry.get("show", True)):
            continue
        text = entry["text"] if entry else None
        if text and text not in lines:
            lines.append(text)
    return lines


def unscored_text(result: dict) -> str | None:
    """Why there is no result (what went wrong, what to film instead), or None when the screen was scored."""
    codes = _codes(result)
    if is_scored(result):
        return None
    table = words()["unscored"]
    parts = [table.get(result.get("screen"), table["any"])]
    if "body_out_of_frame" in codes:
        parts.append(table["out_of_frame"])
    elif "person_lost" in codes:
        parts.append(table["person_lost"])
    return " ".join(parts)


def error_text(exc: BaseException | type | str) -> str:
    """A failed analysis in plain words, from the error's class (never its message, which names files and
    options)."""
    table = words()["errors"]
    if isinstance(exc, str):
        return table.get(exc, table["generic"])
    kind = exc if isinstance(exc, type) else type(exc)
    for cls in kind.__mro__:
        if cls.__name__ in table:
            return table[cls.__name__]
    return table["generic"]


def _progress_name(measure: str) -> str:
    if measure == "score":
        return words()["progress"]["score"]
    entry = words()["criteria"].get(measure)
    return entry.get("progress", entry["name"]) if entry else words()["summary"]["other"]


def progress_lines(trend_rows: list[dict]) -> list[str]:
    """Change since the first check, in words ("Squat depth: better"), only where a change was measured or there
    clearly was none; never the numbers."""
    table = words()["progress"]
    lines = []
    for row in _shown(trend_rows, "measure"):
        verdict = (row.get("since_first") or {}).get("verdict")
        if verdict not in ("better", "worse", "no_real_change"):
            continue
        fault = words()["criteria"].get(row["measure"], {}).get("fault", False)
        said = {"better": "less", "worse": "more"}.get(verdict, verdict) if fault else verdict
        lines.append(f"{_progress_name(row['measure'])}: {table[said]}")
    if lines or not trend_rows:
        return lines
    compared = any(len(row.get("values", [])) > 1 for row in trend_rows)
    return [table["too_small" if compared else "first"]]


def day_words(iso: str) -> str:
    """A date as a patient reads it: "2 December 2026"."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def exercise_why(exercise: dict) -> str:
    """Why an exercise is in the plan, from the findings it answers, in their plain names."""
    table = words()["plan"]
    names = [criterion_name(f) for f in exercise.get("findings", []) if f in words()["criteria"]]
    if not names:
        return table["for_everyone"]
    return table["helps_with"].format(names=_listing([n[0].lower() + n[1:] for n in names]))


def retest_lines(reassessment: dict | None) -> list[str]:
    """The re-test against the last plan: one line per goal, then what to do (a same-day re-test says it is too
    early, not "not there yet")."""
    if not reassessment:
        return []
    table = words()["retest"]
    lines = [table[b["status"]].format(name=_progress_name(b["criterion"]))
             for b in _shown(reassessment.get("benchmarks", []), "criterion") if b.get("status") in table]
    start = date.fromisoformat(reassessment["plan_date"])
    days = (date.fromisoformat(reassessment["on"]) - start).days
    low, high = reassessment.get("window_weeks") or [6, 12]
    statuses = [b.get("status") for b in reassessment.get("benchmarks", [])]
    measured = [s for s in statuses if s != "not_measured"]
    if statuses and not measured:
        lines.append(table["none_measured"])
    elif days <= 0:
        lines.append(table["same_day"])
    elif "not_met" in measured and days / 7 >= low:
        lines.append(table["talk"])
    elif "not_met" in measured:
        lines.append(table["keep_going"].format(date=day_words((start + timedelta(weeks=low)).isoformat())))
    elif measured:
        lines.append(table["all_good"])
    if days / 7 > high:
        lines.append(table["plan_old"].format(weeks=round(days / 7)))
    return lines


def plan_text(result: dict) -> str | None:
    """Why there is no exercise plan, in plain words (None when a plan was given). A red flag's own message
    (data/redflags.toml, already plain) is shown by the page above everything else."""
    status = (result.get("plan") or {}).get("status")
    if status == "given":
        return None
    return words()["plan"]["withheld" if status == "withheld" else "not_made"]


def retest_date(result: dict) -> str | None:
    """When to check again, as a sentence."""
    on = (result.get("plan") or {}).get("retest_on")
    return words()["plan"]["retest"].format(date=day_words(on)) if on else None
