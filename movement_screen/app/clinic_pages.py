"""The clinic server's own pages: a therapist's patients and their links, the admin's accounts and audit, and
the page a patient's link opens. Every read goes through :class:`~movement_screen.store.clinic.Clinic`'s
ownership checks; nothing here lists a patient to anyone but their therapist."""

from __future__ import annotations

import streamlit as st

from movement_screen.app import access
from movement_screen.app.access import Visitor
from movement_screen.errors import UsageError
from movement_screen.store.clinic import SCREENS

LINK_SCREENS = {"squat": "Deep squat", "forward_bend": "Forward bend (toe touch)", "gait": "Walking (gait)"}


def patient_picker(visitor: Visitor) -> str | None:
    """The sidebar's patient choice: only this therapist's patients, or a new one they create."""
    with access.open_clinic() as clinic:
        mine = [p["id"] for p in clinic.patients_of(visitor.user)]
    choice = st.sidebar.selectbox("Patient", ["(none: not saved)", *mine, "(new patient)"], key="patient_choice")
    if choice == "(new patient)":
        new = st.sidebar.text_input("New patient id", key="new_patient").strip()
        if st.sidebar.button("Add patient", key="add_patient") and new:
            with access.open_clinic() as clinic:
                try:
                    clinic.add_patient(new, visitor.name)
                except UsageError as exc:
                    st.sidebar.error(str(exc))
                    return None
            st.sidebar.success(f"Patient {new} added: choose them above.")
        return None
    return None if choice.startswith("(none") else choice


def therapist_patients(visitor: Visitor) -> None:
    from movement_screen.app.streamlit_app import session_history

    st.header("Your patients")
    with access.open_clinic() as clinic:
        patients = clinic.patients_of(visitor.user)
    if not patients:
        st.info("No patients yet: add one in the sidebar (Patient → new patient), then screen them or send a link.")
        return
    st.dataframe([{k: p[k] for k in ("id", "sessions", "last")} for p in patients], hide_index=True)
    chosen = st.selectbox("Patient", [p["id"] for p in patients], key="history_patient")
    with access.open_clinic() as clinic:
        if not clinic.can_see(visitor.user, chosen):
            return
        sessions = clinic.store.sessions(chosen)
        links = clinic.links_of(visitor.user, chosen)
    if st.session_state.get("viewed") != chosen:
        st.session_state["viewed"] = chosen
        access.audit(visitor, "patient_viewed", chosen)
    session_history(chosen, sessions)
    link_section(visitor, chosen, links)
    erase_section(visitor, chosen)


def link_section(visitor: Visitor, patient: str, links: list[dict]) -> None:
    st.subheader("Links for checks at home")
    st.caption("A link lets this patient film one screen at home, see their results and plan, and add the "
               "session to this history, and nothing else. Send it privately; revoke it when it is no longer needed.")
    left, mid, right = st.columns([2, 1, 1])
    screen = left.selectbox("Screen", list(SCREENS), format_func=LINK_SCREENS.get, key="link_screen")
    days = mid.number_input("Valid for (days)", min_value=1, max_value=90, value=14, key="link_days")
    if right.button("Create link", key="create_link"):
        with access.open_clinic() as clinic:
            token = clinic.create_link(visitor.user, patient, screen, days=float(days))  # audited there
        st.session_state["new_link"] = (patient, token)
    shown = st.session_state.pop("new_link", None)  # shown once, and only under the patient it was made for
    if shown and shown[0] == patient:
        st.success(f"New link for {patient} (shown once: copy it now)")
        st.code(f"{base_url()}/?link={shown[1]}", language=None)
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
            with access.open_clinic() as clinic:
                if clinic.can_see(visitor.user, patient):
                    done = clinic.store.delete_patient(patient)
                    clinic.audit(visitor.name, "patient_erased", f"{patient}: {done['sessions']} session(s)",
                                 access.client())
            st.session_state.pop("history_patient", None)
            st.rerun()


def base_url() -> str:
    """The address patients use: MOVEMENT_SCREEN_PUBLIC_URL (behind a proxy), else the one this page came from."""
    import os

    public = os.environ.get("MOVEMENT_SCREEN_PUBLIC_URL")
    if public:
        return public.rstrip("/")
    host = st.context.headers.get("Host") or "localhost:8501"
    scheme = st.context.headers.get("X-Forwarded-Proto") or "http"
    return f"{scheme}://{host}"


def admin_page(visitor: Visitor) -> None:
    if not (visitor.user and visitor.user.is_admin):
        return
    st.header("Accounts and audit")
    with access.open_clinic() as clinic:
        st.subheader("Therapists")
        st.dataframe(clinic.users(), hide_index=True)
        st.caption("Add or remove accounts and set passwords on the server: `movement-screen users add NAME`, "
                   "`users remove NAME`, `users password NAME`.")
        st.subheader("Reassign a patient")
        patients = clinic.all_patients()
        names = [u["name"] for u in clinic.users()]
        if patients:
            owners = {p["id"]: p["owner"] for p in patients}
            left, right, go = st.columns([2, 2, 1])
            patient = left.selectbox("Patient", list(owners), key="reassign_patient",
                                     format_func=lambda pid: f"{pid} ({owners[pid]})")
            owner = right.selectbox("New therapist", names, key="reassign_owner")
            if go.button("Reassign", key="reassign"):
                clinic.reassign(patient, owner, by=visitor.name)
                st.success(f"{patient} now belongs to {owner}.")
        rows = clinic.audit_rows()
        table = clinic.audit_csv()
    st.subheader(f"Audit ({len(rows)} events)")
    st.dataframe(list(reversed(rows)), hide_index=True)
    st.download_button("audit.csv", table, file_name="audit.csv", mime="text/csv", key="dl_audit",
                       on_click=access.audit, args=(visitor, "download", "audit.csv"))


def patient_link_page(visitor: Visitor) -> None:
    """What a patient's link opens: their screen's guide, the questions, the capture, their results and plan,
    and their earlier sessions from links. Nothing about anyone else, and nothing to choose a patient with."""
    from movement_screen.app.streamlit_app import results_page, screen_page, webcam_page

    link = visitor.link
    st.title(f"Your movement check: {LINK_SCREENS[link.screen]}")
    st.caption(f"From your therapist ({link.created_by}). This link works until {link.expires_at[:10]}. "
               "A movement screen, not a diagnosis: stop if a movement hurts.")
    how = st.radio("How will you film?", ["Upload a video", "Use this device's camera"], key="capture",
                   horizontal=True)
    if st.session_state.get("result_dir"):
        results_page(visitor)
        if st.button("Do the check again", key="again"):
            st.session_state.pop("result_dir", None)
            st.rerun()
    elif how == "Upload a video":
        screen_page(visitor, link.patient_id, fixed_screen=link.screen)
    else:
        webcam_page(visitor, link.patient_id, fixed_screen=link.screen)
    earlier_sessions(link.patient_id)


def earlier_sessions(patient: str) -> None:
    from movement_screen.app.results import score_text
    from movement_screen.store.history import Store

    with Store() as store:
        mine = [s for s in store.sessions(patient) if s.origin == "home link"]
    if not mine:
        return
    st.subheader("Your earlier checks")
    for s in reversed(mine):
        plan = (s.plan or {}).get("status") == "given"
        st.markdown(f"- **{s.recorded_on}** {LINK_SCREENS.get(s.screen, s.screen)}: {score_text(s.result)}"
                    + (" (exercise plan given)" if plan else ""))
