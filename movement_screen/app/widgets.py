"""What every page of the app uses: where files live, the pose model, the filming guide, the safety questions,
and a result shown to a therapist (with the detail) or to a patient (in patient words,
:mod:`patient_words`). Pages import from here; nothing here imports a page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import streamlit as st

from movement_screen.app import access
from movement_screen.app import patient_words as pw
from movement_screen.app.access import Visitor
from movement_screen.app.guide import GUIDES, setup_diagram
from movement_screen.report.headline import headline
from movement_screen.app.results import STATE_WORDS, criteria_table, evidence_frames, score_text

SCREEN_LABELS = {"auto": "Detect it for me", "squat": "Deep squat", "forward_bend": "Forward bend (toe touch)",
                 "gait": "Walking (gait)", "posture": "Standing posture",
                 "single_leg_squat": "Single-leg squat", "sit_to_stand": "Sit-to-stand (chair)"}
RESULT_KEYS = ("result_dir", "trend", "saved_for", "session_id", "followed_job")  # the result on screen (or the
# analysis it will come from), in the session state


def work_root() -> Path:
    """Where uploads and results are kept (a patient's session records its folder in the history)."""
    from movement_screen.app import app_folder

    return app_folder()


def new_folder() -> Path:
    """A new session folder under :func:`work_root` (not created yet; pages take one through
    :func:`movement_screen.app.analyses.reserve`, which records it first)."""
    return work_root() / uuid.uuid4().hex[:12]


@st.cache_resource(show_spinner="Loading the pose model (first time only)...")
def pose_model():
    """Resolve (and, the first time, build) the model once per server process; the landmarker graph itself is
    kept by the library and reused between analyses."""
    from movement_screen.pose import models

    return models.resolve("full")


@st.cache_data
def diagram(screen: str) -> bytes:
    return setup_diagram(screen)


def filming_guide(screen: str) -> None:
    guide = GUIDES[screen]
    st.subheader(f"How to film: {guide.title}")
    st.image(diagram(screen), caption="Set-up seen from above and from the side")
    left, right = st.columns(2)
    left.markdown("**Camera and room**\n" + "\n".join(f"- {s}" for s in guide.steps))
    right.markdown("**The movement**\n" + "\n".join(f"- {s}" for s in guide.movement))


@dataclass(frozen=True)
class Answers:
    """The red-flag answers as given (question id -> yes) and when they were last changed (UTC, ISO 8601)."""

    given: dict[str, bool]
    at: str


def safety_questions(prefix: str) -> Answers | None:
    """The red-flag questions, every one shown, answered explicitly: ticked statements, or "none of these apply
    to me". Returns the answers, or None (with a message) while they are not answered; no analysis runs, and so
    no plan is given, before they are. ``prefix`` names the boxes: it carries the patient, so another patient
    starts with unanswered questions."""
    from movement_screen.care.safety import load_questions

    text = pw.words()["questions"]
    st.header(text["heading"])
    st.caption(text["intro"])
    given = {q.id: st.checkbox(q.question, key=f"{prefix}_{q.id}") for q in load_questions()}
    none = st.checkbox(text["none_apply"], key=f"{prefix}_none")
    stamp = f"{prefix}_answered"
    if any(given.values()) == none:  # both, or neither: not an answer
        st.session_state.pop(stamp, None)
        (st.warning if none else st.info)(text["both" if none else "not_answered"])
        return None
    answer = tuple(sorted(q for q, yes in given.items() if yes))
    if st.session_state.get(stamp, (None,))[0] != answer:  # answered now, or changed: this is when
        st.session_state[stamp] = (answer, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return Answers(given, st.session_state[stamp][1])


def clear_result() -> None:
    for key in RESULT_KEYS:
        st.session_state.pop(key, None)


def result_folder(files: list[str]) -> Path | None:
    """The folder of a stored session's result.json, when it is still on disk."""
    for f in files:
        if Path(f).name == "result.json" and Path(f).is_file():
            return Path(f).parent
    return None


def show_result(visitor: Visitor, result: dict, folder: Path | None, *, trend: list[dict] | None = None,
                saved_for: str | None = None, key: str = "now") -> None:
    """A result: in patient words for a patient, with every detail for a therapist. ``key`` keeps the widgets
    of several results on one page apart."""
    if visitor.kind == "patient":
        patient_result(visitor, result, trend, key)
    else:
        therapist_result(visitor, result, folder, trend, saved_for, key)


def red_flag_message(result: dict) -> None:
    flags = result.get("red_flags") or {}
    if flags.get("level") in ("emergency", "urgent", "review"):
        st.error(flags["message"])  # data/redflags.toml: already in plain words


def patient_result(visitor: Visitor, result: dict, trend, key: str) -> None:
    red_flag_message(result)
    st.header(f"Your result: {pw.screen_name(result.get('screen'))}")
    unscored = pw.unscored_text(result)
    if unscored:
        st.warning(f"{pw.words()['unscored']['kept_apart']} {unscored}")
    else:
        lines = headline(result, "patient") if not result.get("score") else []  # the test's own outcome
        st.markdown("\n\n".join(f"**{line}**" for line in lines) or f"**{pw.score_sentence(result)}**")
        scale = pw.score_scale(result)
        if scale:
            st.caption(scale)
        for line in pw.summary_lines(result):
            st.markdown(f"- {line}")
    for line in pw.quality_lines(result):
        st.info(line)
    plan_section(result, patient=True, key=key)
    retest = pw.retest_lines(result.get("reassessment"))
    if retest and not unscored:
        st.subheader(pw.words()["retest"]["heading"])
        for line in retest:
            st.markdown(f"- {line}")
    if trend and not unscored:
        st.subheader(pw.words()["progress"]["heading"])
        for line in pw.progress_lines(trend):
            st.markdown(f"- {line}")
    from movement_screen.app.patient_report import pdf_bytes

    # made on each showing, in memory: no copy kept on disk or in a cache to outlive an erasure
    st.download_button(pw.words()["plan"]["report"], pdf_bytes(result, trend),
                       file_name="my-movement-check.pdf", mime="application/pdf", key=f"dl_{key}_report",
                       on_click=access.audit,
                       args=(visitor, "download", f"{visitor.link.patient_id if visitor.link else '-'} patient report"))


def therapist_result(visitor: Visitor, result: dict, folder: Path | None, trend, saved_for: str | None,
                     key: str) -> None:
    red_flag_message(result)
    st.header(f"Results: {SCREEN_LABELS.get(result['screen'], result['screen'])}")
    unscored = pw.unscored_text(result)
    if unscored:
        st.warning(f"Not scored: {result.get('unscored_reason') or unscored}. Kept apart from the scored sessions "
                   "and never compared with them.")
    else:
        if result.get("score"):
            st.metric(result["score"]["name"], score_text(result))  # the headline: "FMS deep squat 1-2 / 3"
            st.caption(pw.score_sentence(result) + (" " + pw.score_scale(result) if pw.score_scale(result) else ""))
        else:  # the test's own outcome in its own terms (report/headline.py)
            st.markdown("\n".join(f"- **{line}**" for line in headline(result)))
    if saved_for:
        st.caption(f"Saved in the history of patient {saved_for}.")
    for line in pw.summary_lines(result):
        st.markdown(f"- {line}")
    for left_out in result.get("excluded") or []:
        st.warning(f"Left out: {Path(left_out['path']).name} shows {left_out['looks_like']}. Nothing was measured "
                   "from it.")
    for issue in result["quality"]["issues"]:
        if issue["code"] != "clip_excluded":
            (st.warning if issue["severity"] != "info" else st.info)(issue["message"])
    answered = (result.get("red_flags") or {}).get("answered_at")
    if answered:
        st.caption(f"Safety questions answered at {answered.replace('T', ' ')[:16]} UTC.")
    plan_section(result, patient=False, key=key)
    with st.expander("Details for therapists: every criterion, evidence frames, plots, video"):
        st.dataframe(criteria_table(result), hide_index=True)
        frames = evidence_frames(result, folder) if folder else []
        if frames:
            st.markdown("**Evidence frames** (the frame each judgement was made on)")
            cols = st.columns(min(3, len(frames)))
            for i, (path, caption) in enumerate(frames):
                cols[i % len(cols)].image(str(path), caption=caption)
        if folder and (folder / "angles.png").exists():
            st.image(str(folder / "angles.png"), caption="Joint angles over time")
        videos = sorted(folder.glob("annotated*.mp4")) if folder else []
        shared = sorted(folder.glob("camera.*")) if folder else []
        if videos or shared:
            cols = st.columns(3)  # a portrait video at full width would be about 2,000 px tall
            for i, video in enumerate([*videos, *shared]):
                cols[i % 3].caption("The video the patient sent" if video in shared else f"Annotated clip {i + 1}")
                cols[i % 3].video(str(video))
    reassessment = result.get("reassessment")
    if reassessment and not unscored:
        st.subheader("Re-test against the last plan")
        for note in reassessment["notes"]:
            st.warning(note)
    if trend and not unscored:
        st.subheader("Progress since the first session")
        st.dataframe(trend_table(trend), hide_index=True)
    if folder is not None:
        downloads(visitor, folder, ("result.json", "angles.csv", "landmarks.csv", "report.pdf"), key, saved_for)


def plan_section(result: dict, *, patient: bool, key: str) -> None:
    plan = result.get("plan") or {}
    text = pw.words()["plan"]
    st.subheader(text["heading"])
    if plan.get("status") != "given":
        st.info(pw.plan_text(result) if patient else f"No exercise plan: {plan.get('reason', 'nothing was scored')}")
        return
    st.caption(f"{pw.retest_date(result)} {text['stop']}")
    for n, ex in enumerate(plan["exercises"], 1):
        with st.expander(f"{n}. {ex['name']} - {ex['dose_text']}"):
            why = pw.exercise_why(ex) if patient else ex["why"]
            if why:
                st.markdown(f"*{text['why']}:* {why}")
            st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(ex["steps"], 1)))
            st.markdown(f"*{text['easier']}:* {ex['easier']}  \n*{text['harder']}:* {ex['harder']}")
            for caution in ex["cautions"]:
                st.warning(caution)
    if not patient:
        for note in plan["notes"]:
            st.caption(note)


def downloads(visitor: Visitor, folder: Path, names: tuple[str, ...], key: str, saved_for: str | None) -> None:
    mime = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf"}
    present = [name for name in names if (folder / name).exists()]
    if not present:
        return
    st.subheader("Download")
    for col, name in zip(st.columns(len(present)), present):
        col.download_button(name, (folder / name).read_bytes(), file_name=name, mime=mime[name.rsplit(".", 1)[1]],
                            key=f"dl_{key}_{name}", on_click=access.audit,
                            args=(visitor, "download", f"{saved_for or '-'} {name}"))


def trend_table(rows: list[dict]) -> list[dict]:
    """Progress rows for a therapist: values with their unit, and the change said in words."""
    out = []
    for row in rows:
        since = row["since_first"] or {}
        verdict = {"cannot_tell": "no known measurement error: cannot tell"}.get(
            since.get("verdict"), since.get("verdict", "").replace("_", " "))
        unit = f" {row['unit']}" if row.get("unit") else ""
        out.append({"measure": row["title"],
                    "values": ", then ".join(f"{v['value']:.2f}" for v in row["values"]) + unit,
                    "change": verdict or "measured once"})
    return out


def legend() -> None:
    st.caption(" | ".join(f"{k.replace('_', ' ')}: {v}" for k, v in STATE_WORDS.items()))
