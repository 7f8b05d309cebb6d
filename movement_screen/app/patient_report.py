"""The report a patient downloads: the same result in patient words (:mod:`patient_words`), laid out by the
clinic report's PDF writer. The therapist's report.pdf keeps the detail (clip names, rules, evidence labels)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from movement_screen.app import patient_words as pw


def blocks(result: dict, trend: list[dict] | None = None) -> list[tuple]:
    """The report's blocks (see :func:`movement_screen.report.pdf.write_pdf`), every text from the words file
    or the exercise catalogue."""
    words = pw.words()
    out: list[tuple] = [("title", words["report"]["title"].format(screen=pw.screen_name(result.get("screen"))))]
    flags = result.get("red_flags") or {}
    if flags.get("level") in ("emergency", "urgent", "review"):
        out.append(("alert", "danger", flags["message"]))
    unscored = pw.unscored_text(result)
    if unscored:
        out.append(("alert", "warn", f"{words['unscored']['kept_apart']} {unscored}"))
    else:
        out.append(("text", " ".join(filter(None, [pw.score_sentence(result), pw.score_scale(result)]))))
        out.append(("bullets", pw.summary_lines(result)))
    tips = pw.quality_lines(result)
    if tips:
        out += [("heading", words["report"]["next_time"]), ("bullets", tips)]
    out.append(("heading", words["plan"]["heading"]))
    plan = result.get("plan") or {}
    if plan.get("status") != "given":
        out.append(("text", pw.plan_text(result)))
    else:
        out.append(("text", f"{pw.retest_date(result)} {words['plan']['stop']}"))
        for n, ex in enumerate(plan["exercises"], 1):
            out.append(("heading", f"{n}. {ex['name']} - {ex['dose_text']}"))
            out.append(("text", pw.exercise_why(ex)))
            out.append(("bullets", list(ex["steps"])))
            out.append(("text", f"{words['plan']['easier']}: {ex['easier']}  {words['plan']['harder']}: "
                                f"{ex['harder']}"))
            if ex["cautions"]:
                out.append(("bullets", list(ex["cautions"])))
    if not unscored:
        retest = pw.retest_lines(result.get("reassessment"))
        if retest:
            out += [("heading", words["retest"]["heading"]), ("bullets", retest)]
        if trend:
            out += [("heading", words["progress"]["heading"]), ("bullets", pw.progress_lines(trend))]
    out.append(("text", words["report"]["not_a_diagnosis"]))
    return out


def pdf_bytes(result: dict, trend: list[dict] | None = None) -> bytes:
    from movement_screen.report.pdf import write_pdf

    with tempfile.TemporaryDirectory() as tmp:  # nothing of the patient's is left on disk
        path = write_pdf(blocks(result, trend), Path(tmp) / "report.pdf")
        return path.read_bytes()
