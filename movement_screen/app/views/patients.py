"""The Patients page and the sidebar's patient choice: a therapist's own patients (or, in local mode, every
patient in the store), their sessions (scored ones compared, the others kept apart), any session reopened in
full, the patient's links for checks at home, and erasure."""

from __future__ import annotations

import os

import streamlit as st

from movement_screen.app import access
from movement_screen.app.access import Visitor
from movement_screen.app.results import score_text
from movement_screen.app.widgets import SCREEN_LABELS, clear_result, result_folder, show_result, trend_table
from movement_screen.errors import UsageError
from movement_screen.store.clinic import SCREENS

LINK_SCREENS = {s: SCREEN_LABELS[s] for s in SCREENS}
NEW, NONE = "(new patient)", "(none: not saved)"


def patient_picker(visitor: Visitor) -> str | None:
    """The sidebar's patient choice for a logged-in therapist: only their own patients, or a new one they add
    (chosen at once)."""
    pending = st.session_state.pop("pending_patient", None)
    if pending:  # set before the select box exists in this run, as Streamlit requires
        st.session_state["patient_choice"] = pending
    with access.open_clinic() as clinic:
        mine = [p["id"] for p in clinic.patients_of(visitor.user)]
    choice = st.sidebar.selectbox("Patient", [NONE, *mine, NEW], key="patient_choice")
    if choice == NEW:
        new = st.sidebar.text_input("New patient id", key="new_patient").strip()
        if st.sidebar.button("Add patient", key="add_patient") and new:
            with access.open_clinic() as clinic:
                try:
                    clinic.add_patient(new, visitor.name)
                except UsageError as exc:
                    st.sidebar.error(str(exc))
                    return None
            st.session_state["pending_patient"] = new
            st.session_state["patient_added"] = new
            st.rerun()
        return None
    added = st.session_state.pop("patient_added", None)
    if added and added == choice:
        st.sidebar.success(f"Patient {added} added and chosen.")
    return None if choice == NONE else choice


def local_patient_picker() -> str | None:
    """Therapist mode on one's own computer: any patient in the store, or a new id."""
    from movement_screen.store.history import Store

    with Store() as store:
        known = [p["id"] for p in store.patients()]
    choice = st.sidebar.selectbox("Patient", [NEW, *known], key="patient_choice")
    if choice == NEW:
        return st.sidebar.text_input("New patient id", key="new_patient").strip() or None
    return choice


def patient_rows(patients: list[dict]) -> list[dict]:
    """The patients table as a therapist reads it: plain headings, and words where a value is missing."""
    return [{"Patient": p["id"], **({"Name": p["name"] or ""} if any(q.get("name") for q in patients) else {}),
             "Sessions": p["sessions"], "Last session": p["last"] or "none yet"} for p in patients]


def patients_page(visitor: Visitor) -> None:
    if visitor.kind == "therapist":
        therapist_patients(visitor)
        return
    from movement_screen.store.history import Store

    st.header("Patients")
    with Store() as store:
        patients = store.patients()
        if not patients:
            st.info("No patients yet: turn on Therapist mode, enter a patient id, and analyse a screen.")
            return
        st.dataframe(patient_rows(patients), hide_index=True)
        chosen = st.selectbox("Patient", [p["id"] for p in patients], key="history_patient")
        sessions = store.sessions(chosen)
    session_history(visitor, chosen, sessions)
    erase_section(visitor, chosen)


def therapist_patients(visitor: Visitor) -> None:
    st.header("Your patients")
    with access.open_clinic() as clinic:
        patients = clinic.patients_of(visitor.user)
    if not patients:
        st.info("No patients yet: add one in the sidebar (Patient → new patient), then screen them or send a link.")
        return
    st.dataframe(patient_rows(patients), hide_index=True)
    chosen = st.selectbox("Patient", [p["id"] for p in patients], key="history_patient")
    with access.open_clinic() as clinic:
        if not clinic.can_see(visitor.user, chosen):
            return
        sessions = clinic.store.sessions(chosen)
    if st.session_state.get("viewed") != chosen:
        st.session_state["viewed"] = chosen
        access.audit(visitor, "patient_viewed", chosen)
    session_history(visitor, chosen, sessions)
    link_section(visitor, chosen)
    erase_section(visitor, chosen)


def session_label(s) -> str:
    home = " (recorded at home)" if s.origin == "home link" else ""
    what = score_text(s.result) if s.scored else "not scored"
    plan = (s.plan or {}).get("status", "-").replace("_", " ")
    return f"{s.recorded_on} {SCREEN_LABELS.get(s.screen, s.screen)}{home}: {what}, plan {plan}"


def session_history(visitor: Visitor, patient: str, sessions) -> None:
    """The scored sessions and their change since the first, the sessions without a score apart, and any session
    reopened with its result, key frames, video, report and comparison."""
    from movement_screen.care.progress import trend
    from movement_screen.session import progress_rows

    scored = [s for s in sessions if s.scored]
    unscored = [s for s in sessions if not s.scored]
    st.subheader(f"{patient}: {len(scored)} scored session(s)")
    for s in scored:
        st.markdown(f"- {session_label(s)}")
        for note in (s.reassessment or {}).get("notes", []):
            st.warning(note)
    if unscored:
        st.markdown(f"**Sessions without a score** ({len(unscored)}: kept apart, never compared)")
        for s in unscored:
            reason = s.result.get("unscored_reason") or "nothing could be judged"
            st.markdown(f"- {s.recorded_on} {SCREEN_LABELS.get(s.screen, s.screen)}: {reason}")
    for screen in dict.fromkeys(s.screen for s in scored):
        mine = [{"date": s.recorded_on, "result": s.result} for s in scored if s.screen == screen]
        if len(mine) > 1:
            st.markdown(f"**{SCREEN_LABELS.get(screen, screen)}: change from the first session** (real only "
                        "beyond the measure's minimal detectable change)")
            st.dataframe(trend_table(trend(mine)), hide_index=True)
    if not sessions:
        return
    by_id = {s.id: s for s in sessions}
    chosen = st.selectbox("Open a session", [None, *reversed(by_id)], key=f"open_session_{patient}",
                          format_func=lambda i: "(choose a session)" if i is None else session_label(by_id[i]))
    if chosen is None:
        return
    s = by_id[chosen]
    folder = result_folder(s.files)
    earlier = [x for x in sessions if x.screen == s.screen and (x.recorded_on, x.id) < (s.recorded_on, s.id)]
    rows = progress_rows(earlier, s.result, s.recorded_on)  # as it was compared when recorded: scored ones only
    with st.container(border=True):
        show_result(visitor, s.result, folder, trend=rows, saved_for=patient, key=f"s{s.id}")
        if folder is None:
            st.caption("This session's files are not on disk (recorded from the command line, or moved): the "
                       "result above is the one kept in the history.")


def link_section(visitor: Visitor, patient: str) -> None:
    st.subheader("Links for checks at home")
    st.caption("A link lets this patient film one screen at home, see their results and plan, and add the "
               "session to this history, and nothing else. Send it privately; revoke it when it is no longer needed.")
    left, mid, right = st.columns([2, 1, 1])
    screen = left.selectbox("Screen", list(SCREENS), format_func=LINK_SCREENS.get, key="link_screen")
    days = mid.number_input("Valid for (days)", min_value=1, max_value=90, value=14, key="link_days")
    if right.button("Create link", key="create_link"):
        with access.open_clinic() as clinic:
            token = clinic.create_link(visitor.user, patient, screen, days=float(days))  # audited there
        st.success(f"New link for {patient} (shown once: copy it now)")
        st.code(f"{base_url()}/?link={token}", language=None)
    with access.open_clinic() as clinic:  # read after a new link is made, so it is listed at once
        links = clinic.links_of(visitor.user, patient)
    for i, link in enumerate(links):
        cols = st.columns([3, 1])
        cols[0].markdown(f"`{link['link']}` {LINK_SCREENS.get(link['screen'], link['screen'])}, created "
                         f"{link['created'][:10]}, expires {link['expires'][:10]}: **{link['state']}**")
        if link["state"] == "open" and cols[1].button("Revoke", key=f"revoke_{i}"):
            with access.open_clinic() as clinic:
                clinic.revoke_link(visitor.user, patient, link["key"])
            st.rerun()


def erase_section(visitor: Visitor, patient: str) -> None:
    with st.expander("Erase this patient"):
        st.caption("Deletes every session, link and file of this patient. It cannot be undone.")
        sure = st.text_input(f"Type {patient} to confirm", key="erase_confirm")
        if st.button("Erase", key="erase", disabled=sure != patient):
            if visitor.kind == "local":
                from movement_screen.store.history import Store

                with Store() as store:
                    store.delete_patient(patient)
            else:
                with access.open_clinic() as clinic:
                    if clinic.can_see(visitor.user, patient):
                        done = clinic.store.delete_patient(patient)
                        clinic.audit(visitor.name, "patient_erased", f"{patient}: {done['sessions']} session(s)",
                                     access.client())
            if st.session_state.get("saved_for") == patient:  # the result on screen is gone with them
                clear_result()
            for key in ("history_patient", f"open_session_{patient}", "patient_choice"):
                st.session_state.pop(key, None)
            st.rerun()


def base_url() -> str:
    """The address patients use: MOVEMENT_SCREEN_PUBLIC_URL (behind a proxy), else the one this page came from."""
    public = os.environ.get("MOVEMENT_SCREEN_PUBLIC_URL")
    if public:
        return public.rstrip("/")
    host = st.context.headers.get("Host") or "localhost:8501"
    scheme = st.context.headers.get("X-Forwarded-Proto") or "http"
    return f"{scheme}://{host}"
