"""The Screen page: choose a screen, answer the safety questions, read the filming guide, upload and analyse."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from movement_screen.app import MAX_UPLOAD_MB
from movement_screen.app.access import Visitor
from movement_screen.app.analyses import follow, my_analyses, release, reserve, submit
from movement_screen.app.guide import HEIGHT_USE
from movement_screen.app.widgets import SCREEN_LABELS, Answers, filming_guide, safety_questions


def screen_page(visitor: Visitor, patient: str | None) -> None:
    st.header("1. Choose a screen")
    screen = st.radio("Screen", list(SCREEN_LABELS), format_func=SCREEN_LABELS.get, key="screen", horizontal=True)
    answers = safety_questions(f"q_{patient or '-'}")
    filming_guide(screen)
    upload_section(visitor, patient, screen, answers)
    follow(visitor)
    my_analyses(visitor)


def upload_section(visitor: Visitor, patient: str | None, screen: str, answers: Answers | None) -> None:
    """The clips and the Analyse button. The uploaders belong to the patient chosen (another patient gets empty
    ones), and a new upload replaces the clip in its box."""
    st.header("Your video")
    st.caption("One clip, or two clips of the same movement (side and front), recorded on a phone or camera "
               "as shown above.")
    owner = patient or "-"
    if st.session_state.get("input_round"):  # "do the check again" starts with empty boxes
        owner += f"_{st.session_state['input_round']}"
    first = st.file_uploader("Video", key=f"upload_1_{owner}")
    second = st.file_uploader("Second view of the same movement (optional)", key=f"upload_2_{owner}")
    uploads = [u for u in (first, second) if u is not None]
    path_text = ""
    if visitor.kind == "local":  # a served app never reads the server's own files for a visitor
        path_text = st.text_input("...or the path of a video on this computer (two paths: separate with ;)",
                                  key=f"video_paths_{owner}")
    height = None
    if screen in HEIGHT_USE:  # only where the height changes the result
        height = st.number_input(f"Height in cm (optional: gives {HEIGHT_USE[screen]})", min_value=0,
                                 max_value=250, value=0, key="height")
    age, sex = None, None
    if screen == "sit_to_stand":  # the timed tests' norms are by age, and the 30-s count's by sex too
        age = st.number_input("Age in years (optional: compares the times with the norms for the age)", min_value=0,
                              max_value=120, value=0, key="age") or None
        sex = st.radio("Sex (optional: the 30-second norms differ for women and men)", ["not given", "female",
                       "male"], key="sex", horizontal=True)
        sex = None if sex == "not given" else sex
    if st.button("Analyse my movement", type="primary", key="analyse", disabled=answers is None):
        reservation = reserve(visitor, patient, screen)  # the folder is recorded before anything is saved in it
        videos = save_inputs(uploads, path_text, reservation.folder)
        if not videos:
            release(reservation)
        elif submit(visitor, reservation, videos, screen, answers, height or None, patient, own=bool(uploads),
                    age=age, sex=sex):
            st.rerun()  # the page now follows the analysis
    if answers is None:
        st.caption("Answer the safety questions above first.")


def save_inputs(uploads, path_text: str, folder: Path) -> list[Path]:
    """The chosen videos on disk (uploads are saved into ``folder``), or [] after a clear message."""
    paths = [Path(p.strip()).expanduser() for p in path_text.split(";") if p.strip()]
    if uploads and paths:
        st.error("Give the videos one way: upload them, or type their paths, not both.")
        return []
    if not uploads and not paths:
        st.error("Add a video first: upload one (or a side and a front clip).")
        return []
    if len(paths) > 2:
        st.error("Give at most two clips of the same movement (one from the side, one from the front).")
        return []
    if paths:
        return paths
    for upload in uploads:
        if upload.size > MAX_UPLOAD_MB * 2**20:
            st.error(f"This video is {upload.size / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB: trim the clip "
                     "to the movement, or record at 1080p instead of 4K.")
            return []
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for n, upload in enumerate(uploads, 1):
        target = folder / Path(upload.name).name
        if target in saved:  # the same name twice
            target = folder / f"{target.stem}_{n}{target.suffix}"
        target.write_bytes(upload.getbuffer())
        saved.append(target)
    return saved
