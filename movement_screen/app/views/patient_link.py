"""What a patient's link opens: the safety questions first, their screen's filming guide, the upload or this
device's camera, their result and plan in plain words, and their own earlier checks to reopen. Nothing about
anyone else, and nothing to choose a patient with."""

from __future__ import annotations

import streamlit as st

from movement_screen.app import patient_words as pw
from movement_screen.app.access import Visitor
from movement_screen.app.analyses import FOLLOWED, dismiss, follow, follow_latest_of_link
from movement_screen.app.views.results import results_page
from movement_screen.app.views.screen import upload_section
from movement_screen.app.views.webcam import camera_section
from movement_screen.app.widgets import clear_result, filming_guide, result_folder, safety_questions, show_result


def patient_link_page(visitor: Visitor) -> None:
    link = visitor.link
    text = pw.words()["link"]
    st.title(text["title"].format(screen=pw.screen_name(link.screen)))
    st.caption(text["from"].format(therapist=link.therapist or text["your_therapist"],
                                   until=pw.day_words(link.expires_at[:10])))
    follow_latest_of_link(visitor)  # coming back to the link: the check last sent through it
    if st.session_state.get(FOLLOWED) is not None:
        follow(visitor)  # waiting, running, or its result
    following = st.session_state.get(FOLLOWED) is not None  # (follow() lets go of a check erased meanwhile)
    if not following and st.session_state.get("result_dir"):
        results_page(visitor)
    elif not following:
        answers = safety_questions(f"q_{link.patient_id}")
        filming_guide(link.screen)
        how = st.radio(text["how"], [text["upload"], text["camera"]], key="capture", horizontal=True)
        if how == text["upload"]:
            upload_section(visitor, link.patient_id, link.screen, answers)
        else:
            camera_section(visitor, link.patient_id, link.screen, answers)
    if (following or st.session_state.get("result_dir")) and st.button(text["again"], key="again"):  # also right after a check
        dismiss()
        clear_result()
        st.session_state["input_round"] = st.session_state.get("input_round", 0) + 1  # new, empty upload boxes
        st.rerun()
    earlier_checks(visitor, link.patient_id, st.session_state.get("session_id"))


def earlier_checks(visitor: Visitor, patient: str, current: int | None) -> None:
    """The patient's own checks from links, without the one just done: scored ones to reopen, the others
    listed apart."""
    from movement_screen.store.history import Store

    text = pw.words()["link"]
    with Store() as store:
        mine = [s for s in store.sessions(patient) if s.origin == "home link" and s.id != current]
    if not mine:
        return
    scored = [s for s in reversed(mine) if s.scored]
    st.subheader(text["earlier"])
    labels = {s.id: f"{pw.day_words(s.recorded_on)}: {pw.screen_name(s.screen)}" for s in scored}
    if scored:
        chosen = st.selectbox(text["open"], [None, *labels], key="open_check",
                              format_func=lambda i: text["choose"] if i is None else labels[i])
        if chosen is not None:
            s = next(x for x in scored if x.id == chosen)
            with st.container(border=True):
                show_result(visitor, s.result, result_folder(s.files), key=f"s{s.id}")
    unscored = [s for s in reversed(mine) if not s.scored]
    if unscored:
        st.caption(text["unscored"].format(count=len(unscored)))
