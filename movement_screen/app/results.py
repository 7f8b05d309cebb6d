"""A result in the words and tables the app shows: plain language for the person, details for the therapist."""

from __future__ import annotations

from pathlib import Path

from movement_screen.contract.result import short_number
from movement_screen.report.headline import score_value, short

STATE_WORDS = {"pass": "✅ looks fine", "borderline": "🟡 borderline", "fail": "🔴 needs work",
               "not_assessed": "⚪ not assessed"}


def score_text(result: dict) -> str:
    if not result.get("score"):  # the test's own outcome on one line (report/headline.py)
        return short(result)
    return score_value(result["score"]) or "not scored"


def criteria_table(result: dict) -> list[dict]:
    """Every criterion as a therapist reads it: titles, states in words, values rounded with their unit, and an
    empty cell (not "None") where a criterion has no value."""
    def number(value, unit=None) -> str:
        return "" if value is None else f"{short_number(value)}{' ' + unit if unit else ''}"

    return [{"Criterion": c["title"], "Result": STATE_WORDS[c["state"]], "Value": number(c["value"], c["unit"]),
             "Rule": c["threshold"] or "", "Margin": number(c["margin"]),
             "At (s)": "" if c["time_s"] is None else f"{c['time_s']:.2f}", "View": c["view"] or "",
             "Evidence": c["evidence"] or "", "Why": c["reason"] or ""} for c in result["criteria"]]


def evidence_frames(result: dict, folder: Path) -> list[tuple[Path, str]]:
    """The key frames written with the report, each captioned with the criteria judged on it."""
    frames = []
    for image in sorted((folder / "keyframes").glob("source*_frame*.jpg")):
        source, frame = image.stem.removeprefix("source").split("_frame")
        judged = [c for c in result["criteria"] if c.get("frame") == int(frame) and c.get("source") == int(source) - 1
                  and c["state"] != "not_assessed"]
        words = ", ".join(f"{c['title']}: {STATE_WORDS[c['state']]}" for c in judged) or "key moment"
        frames.append((image, f"clip {source}, frame {frame}: {words}"))
    return frames
