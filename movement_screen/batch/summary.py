"""The batch's tables: summary.csv (one row per video), criteria.csv (one row per video and criterion),
errors.csv (the videos that failed, with the reason), and summary.parquet when pyarrow is installed.

Each table is rewritten whole from the finished videos' records and replaced atomically, so a batch killed at
any moment leaves tables that list every finished video exactly once.
"""

from __future__ import annotations

import csv
from pathlib import Path

from movement_screen.report.files import atomic_path

SUMMARY_COLUMNS = ["path", "output", "status", "error", "screen", "detected_confidence", "score", "score_low",
                   "score_high", "score_out_of", "views", "people_seen", "repetitions", "gait_passes", "n_pass",
                   "n_borderline", "n_fail", "n_not_assessed", "failed", "borderline", "quality_flags", "frames",
                   "duration_s", "fps", "width", "height", "rotation", "variable_frame_rate", "seconds",
                   "content_hash"]
CRITERIA_COLUMNS = ["path", "output", "screen", "source", "view", "criterion", "group", "state", "value", "unit",
                    "threshold", "margin", "time_s", "frame", "evidence"]
ERROR_COLUMNS = ["path", "output", "status", "kind", "error"]


def summary_row(result: dict) -> dict:
    """The per-video columns that come from its result (the batch adds path, status and timing)."""
    score = result.get("score") or {}
    states = [c["state"] for c in result["criteria"]]
    sources = result["sources"]
    low, high = (score.get("range") or [None, None]) if score.get("value") is None else [score["value"]] * 2
    row = {
        "screen": result["screen"],
        "detected_confidence": (result.get("detection") or {}).get("confidence"),
        "score": score.get("value"),
        "score_low": low,
        "score_high": high,
        "score_out_of": score.get("max"),
        "views": ";".join(s["view"] for s in sources),
        "people_seen": result["people_seen"],
        "repetitions": len(result["repetitions"]),
        "gait_passes": len(result["passes"]),
        "n_pass": states.count("pass"),
        "n_borderline": states.count("borderline"),
        "n_fail": states.count("fail"),
        "n_not_assessed": states.count("not_assessed"),
        "failed": ";".join(c["id"] for c in result["criteria"] if c["state"] == "fail"),
        "borderline": ";".join(c["id"] for c in result["criteria"] if c["state"] == "borderline"),
        "quality_flags": ";".join(dict.fromkeys(i["code"] for i in result["quality"]["issues"])),
        "frames": sum(s["frames"] for s in sources),
        "duration_s": sum(s["duration_s"] for s in sources),
        "fps": sources[0]["fps"],
        "width": sources[0]["width"],
        "height": sources[0]["height"],
        "rotation": sources[0]["rotation"],
        "variable_frame_rate": any(s["variable_frame_rate"] for s in sources),
    }
    for name, value in result["metrics"].items():
        if value is None or isinstance(value, (int, float)):
            row[f"metric.{name}"] = value
    return row


def criteria_rows(result: dict) -> list[dict]:
    return [{"screen": result["screen"], "criterion": c["id"], **{k: c.get(k) for k in CRITERIA_COLUMNS
             if k not in ("path", "output", "screen", "criterion")}} for c in result["criteria"]]


def _atomic_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with atomic_path(path, sync=True) as temp, open(temp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    return path


def flat_summary(records: list[dict]) -> tuple[list[str], list[dict]]:
    """Columns and rows of summary.csv: the fixed columns, then every metric any video has."""
    rows, metrics = [], {}
    for r in records:
        row = {"path": r["relative"], "output": r["output"], "status": r["status"], "error": r.get("error", ""),
               "seconds": r.get("seconds"), "content_hash": r["content_hash"], **(r.get("row") or {})}
        metrics.update(dict.fromkeys(k for k in row if k.startswith("metric.")))
        rows.append(row)
    return SUMMARY_COLUMNS + list(metrics), rows


def write_tables(out: Path, records: list[dict]) -> list[Path]:
    """Rewrite every table from ``records`` (the finished videos, in a stable order)."""
    columns, rows = flat_summary(records)
    written = [_atomic_csv(out / "summary.csv", columns, rows)]
    criteria = [{"path": r["relative"], "output": r["output"], **c} for r in records for c in r.get("criteria") or []]
    written.append(_atomic_csv(out / "criteria.csv", CRITERIA_COLUMNS, criteria))
    failed = [{"path": r["relative"], "output": r["output"], "status": r["status"], "kind": r.get("kind", ""),
               "error": r.get("error", "")} for r in records if r["status"] != "ok"]
    written.append(_atomic_csv(out / "errors.csv", ERROR_COLUMNS, failed))
    parquet = _write_parquet(out / "summary.parquet", columns, rows)
    return written + ([parquet] if parquet else [])


def _write_parquet(path: Path, columns: list[str], rows: list[dict]) -> Path | None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    table = pa.table({c: _column(pa, [row.get(c) for row in rows]) for c in columns})
    with atomic_path(path) as temp:
        pq.write_table(table, temp)
    return path


def _column(pa, values: list):
    """One typed column: numbers stay numbers (empty = null), anything mixed becomes text."""
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return pa.array([v if isinstance(v, bool) else None for v in values], pa.bool_())
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        kind = pa.int64() if all(isinstance(v, int) for v in present) else pa.float64()
        return pa.array([v if v != "" else None for v in values], kind)
    return pa.array(["" if v is None else str(v) for v in values], pa.string())
