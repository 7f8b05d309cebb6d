"""movement-screen in the browser. Started by `streamlit run app.py` or `movement-screen app`.

A thin front end: who may see what is decided in :mod:`access` (local mode, therapist log-in, patient link);
this module picks the page and the patient; the pages (:mod:`movement_screen.app.views`) lay themselves out
from the shared widgets (:mod:`movement_screen.app.widgets`), and all analysis is done by the library
(:mod:`movement_screen.session`).
"""

from __future__ import annotations

import streamlit as st

from movement_screen.app import access
from movement_screen.app.access import Visitor
from movement_screen.app.analyses import ensure_workers
from movement_screen.app.widgets import clear_result, legend


def sidebar(visitor: Visitor) -> tuple[str, str | None]:
    from movement_screen.app.views.patients import local_patient_picker, patient_picker

    st.sidebar.title("movement-screen")
    pages = ["Screen", "Webcam", "Results", "Patients"]
    if visitor.user and visitor.user.is_admin:
        pages.append("Admin")
    page = st.sidebar.radio("Page", pages, key="page")
    patient = None
    if visitor.kind == "therapist":
        st.sidebar.caption(f"Logged in as {visitor.name}")
        patient = patient_picker(visitor)
        if st.sidebar.button("Log out", key="logout"):
            access.audit(visitor, "logout")
            access.log_out("You are logged out.")
            st.rerun()
    elif st.sidebar.toggle("Therapist mode", key="therapist"):
        patient = local_patient_picker()
    st.sidebar.checkbox("De-identify the outputs", key="deidentify",
                        help="Blur every face and everything around the screened person in the annotated video and "
                             "key frames, name the clips by the patient id, and keep sound and metadata out of "
                             "written videos (sessions from patient links are always de-identified).")
    st.sidebar.caption("A movement screen, not a diagnosis. Stop if a movement hurts.")
    return page, patient


def follow_patient(patient: str | None) -> None:
    """Inputs and results belong to a patient: choosing another one drops the result on screen (the upload boxes
    and the server camera's recorder are per patient already)."""
    if st.session_state.get("current_patient", patient) != patient and st.session_state.get("saved_for") != patient:
        clear_result()
    st.session_state["current_patient"] = patient


def main() -> None:
    st.set_page_config(page_title="movement-screen", layout="wide")
    visitor = access.who()
    if visitor is None:  # the log-in form or a plain refusal is on the page: nothing else is shown
        return
    ensure_workers()  # (started by `movement-screen app`; else, once, in this process)
    if visitor.kind == "patient":
        from movement_screen.app.views.patient_link import patient_link_page

        patient_link_page(visitor)
        return
    page, patient = sidebar(visitor)
    follow_patient(patient)
    if page == "Screen":
        from movement_screen.app.views.screen import screen_page

        screen_page(visitor, patient)
    elif page == "Webcam":
        from movement_screen.app.views.webcam import webcam_page

        webcam_page(visitor, patient)
    elif page == "Results":
        from movement_screen.app.views.results import results_page

        results_page(visitor)
    elif page == "Admin":
        from movement_screen.app.views.admin import admin_page

        admin_page(visitor)
    else:
        from movement_screen.app.views.patients import patients_page

        patients_page(visitor)
    legend()
