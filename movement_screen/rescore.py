"""Re-scoring stored results: every criterion, score, plan and table again from the stored landmarks, without the
pose model, optionally with changed thresholds; the new files go beside the old ones with what changed.

``movement-screen rescore OUT [--thresholds FILE]``: OUT is one result folder (result.json + landmarks.csv) or any
folder holding many (a batch output). Each folder gets ``rescored/`` (result.json, angles.csv, changes.csv); a
folder with several also gets ``rescored_summary.csv`` and ``rescored_changes.csv`` at its top.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from movement_screen.errors import ScreenError, UsageError
from movement_screen.report.files import atomic_path
from movement_screen.contract.config import overriding, read_overrides

CHANGE_FIELDS = ["folder", "criterion", "before_state", "after_state", "before_value", "after_value"]


@dataclass
class Rescored:
    folder: Path
    status: str  # "ok" or "failed"
    error: str = ""
    changes: list[dict] = field(default_factory=list)
    score_before: str = ""
    score_after: str = ""


def result_folders(root: Path) -> list[Path]:
    """Folders under ``root`` (itself included) that hold a result and its landmarks."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"'{root}' is not a folder: give a result folder or a batch output folder")
    found = [p.parent for p in sorted(root.rglob("result.json"))
             if (p.parent / "landmarks.csv").is_file() and "rescored" not in p.parent.parts
             and ".partial" not in p.parent.parts]
    if not found:
        raise UsageError(f"no result.json with its landmarks.csv under '{root}': re-scoring needs the landmarks "
                         "an earlier analysis wrote")
    return found


def _score_text(result: dict) -> str:
    score = result.get("score")
    if not score:
        return ""
    low, high = score.get("range", [None, None])
    return f"{low}" if low == high else f"{low}-{high}"


def rescore_folder(folder: Path, height_cm: float | None = None) -> Rescored:
    """Score one stored result again from its landmarks.csv (with whatever thresholds are in force)."""
    from movement_screen import api
    from movement_screen.report.clinic import read_result
    from movement_screen.report.files import write_angles_csv, write_json

    try:
        before, _ = read_result(folder)  # a damaged result.json fails this folder, the others go on
    except ScreenError as exc:
        return Rescored(folder, "failed", str(exc))
    flags = before.get("red_flags") or {}
    answers = flags.get("answers") if flags.get("asked") else None
    used = before.get("settings") or {}  # the first scoring's choices (results before schema 1.4 hold none)
    try:
        analysis = api.analyze(folder / "landmarks.csv", before["screen"], pain=before.get("pain") or "not_asked",
                               answers=answers, height_cm=height_cm or used.get("height_cm"),
                               heel_board=bool(used.get("heel_board")), person=used.get("person"),
                               age=used.get("age"), sex=used.get("sex"),
                               catalogue=used.get("catalogue"),
                               on=date.fromisoformat(used["on"]) if used.get("on") else None)
    except ScreenError as exc:
        return Rescored(folder, "failed", str(exc))
    after = analysis.result.to_dict()
    out = folder / "rescored"
    out.mkdir(exist_ok=True)
    write_json(after, out / "result.json")
    write_angles_csv(analysis, out / "angles.csv")
    old = {c["id"]: c for c in before.get("criteria", [])}
    changes = []
    for c in after["criteria"]:
        was = old.get(c["id"], {})
        if was.get("state") != c["state"] or _differs(was.get("value"), c.get("value")):
            changes.append({"folder": str(folder), "criterion": c["id"], "before_state": was.get("state", ""),
                            "after_state": c["state"], "before_value": was.get("value", ""),
                            "after_value": c.get("value", "")})
    _write_csv(out / "changes.csv", CHANGE_FIELDS, changes)
    return Rescored(folder, "ok", changes=changes, score_before=_score_text(before), score_after=_score_text(after))


def _differs(a, b) -> bool:
    if a is None or b is None:
        return a != b
    return abs(float(a) - float(b)) > 1e-9 * max(1.0, abs(float(a)))


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with atomic_path(path) as temp, temp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def rescore(root: Path, thresholds: Path | None = None, height_cm: float | None = None, progress=None
            ) -> list[Rescored]:
    """Re-score every result under ``root``; with ``thresholds`` (a TOML of data tables, e.g. ``[squat.heels_down]
    pass_max = 0.03``) in force. Writes the per-folder files and, for several folders, the two tables at the top."""
    folders = result_folders(root)
    tables = read_overrides(thresholds) if thresholds else {}
    done = []
    with overriding(tables):
        for i, folder in enumerate(folders):
            done.append(rescore_folder(folder, height_cm))
            if progress:
                progress(i + 1, len(folders))
    if len(folders) > 1:
        root = Path(root)
        _write_csv(root / "rescored_summary.csv", ["folder", "status", "error", "score_before", "score_after",
                                                    "criteria_changed"],
                   [{"folder": str(r.folder.relative_to(root)), "status": r.status, "error": r.error,
                     "score_before": r.score_before, "score_after": r.score_after,
                     "criteria_changed": " ".join(sorted({c["criterion"] for c in r.changes}))} for r in done])
        _write_csv(root / "rescored_changes.csv", CHANGE_FIELDS,
                   [{**c, "folder": str(Path(c["folder"]).relative_to(root))} for r in done for c in r.changes])
    return done


def main_summary(done: list[Rescored], seconds: float) -> str:
    ok = [r for r in done if r.status == "ok"]
    changed = [r for r in ok if r.changes]
    lines = [f"Re-scored {len(ok)} of {len(done)} result(s) in {seconds:.1f} s "
             f"({60 * len(done) / max(seconds, 1e-6):.0f} per minute), without the pose model; "
             f"{len(changed)} changed."]
    for r in changed[:20]:
        what = ", ".join(f"{c['criterion']} {c['before_state']}->{c['after_state']}" for c in r.changes
                         if c["before_state"] != c["after_state"]) or "values only"
        lines.append(f"  {r.folder}: {what}")
    lines += [f"  failed: {r.folder}: {r.error}" for r in done if r.status != "ok"]
    return "\n".join(lines)
