"""A result in the words and tables the app shows: plain language for the person, details for the therapist."""

from __future__ import annotations

from pathlib import Path

from movement_screen.report.headline import short

STATE_WORDS = {"pass": "✅ looks fine", "borderline": "🟡 borderline", "fail": "🔴 needs work",
               "not_assessed": "⚪ not assessed"}


def score_text(result: dict) -> str:
    score = result.get("score")
    if not score:  # the test's own outcome on one line (report/headline.py)
        return short(result)
    if score["value"] is not None:
        return f"{score['value']} / {score['max']}"
    if score.get("range"):
        return f"{score['range'][0]}-{score['range'][1]} / {score['max']}"
    return "not scored"


def criteria_table(result: dict) -> list[dict]:
    return [{"criterion": c["title"], "state": c["state"], "value": c["value"], "unit": c["unit"],
             "rule": c["threshold"], "margin": c["margin"], "time s": c["time_s"], "view": c["view"],
             "evidence": c["evidence"], "why": c["reason"]} for c in result["criteria"]]


def evidence_frames(result: dict, folder: Path) -> list[tuple[Path, str]]:
    """The key frames written with the report, each captioned with the criteria judged on it."""
    frames = []
    for image in sorted((folder / "keyframes").glob("source*_frame*.jpg")):
        source, frame = image.stem.removeprefix("source").split("_frame")
        judged = [c for c in result["criteria"] if c.get("frame") == int(frame) and c.get("source") == int(source) - 1
                  and c["state"] != "not_assessed"]
        words = ", ".join(f"{c['id'].replace('_', ' ')}: {c['state']}" for c in judged) or "key moment"
        frames.append((image, f"clip {source}, frame {frame}: {words}"))
    return frames
