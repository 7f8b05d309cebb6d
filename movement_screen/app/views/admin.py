"""The admin's page: the analysis queue, accounts, patient reassignment (ids and owners only) and the audit."""

from __future__ import annotations

import streamlit as st

from movement_screen.app import access
from movement_screen.app.access import Visitor


def admin_page(visitor: Visitor) -> None:
    if not (visitor.user and visitor.user.is_admin):
        return
    st.header("Analysis queue, accounts and audit")
    queue_view(visitor)
    with access.open_clinic() as clinic:
        st.subheader("Therapists")
        st.dataframe(clinic.users(), hide_index=True)
        st.caption("Add or remove accounts and set passwords on the server: `movement-screen users add NAME "
                   "--display-name 'Name patients see'`, `users remove NAME`, `users password NAME`.")
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


def queue_view(visitor: Visitor) -> None:
    """The jobs waiting and running, and those finished in the last day with the reason of each failure (the same
    rows as `movement-screen queue`); a job that has not started can be cancelled."""
    from movement_screen.app import analyses
    from movement_screen.jobs import records

    st.subheader("Analysis queue")
    days = 1.0
    db = analyses._db()
    try:
        waiting, finished = records.overview(db, days)
    finally:
        db.close()
    st.markdown(records.summary(waiting, finished, days))
    if waiting or finished:
        st.dataframe([records.row(j) for j in waiting + finished], hide_index=True, key="queue_table")
    queued = [j for j in waiting if j.state == records.QUEUED]
    if queued:
        left, go = st.columns([4, 1])
        chosen = left.selectbox("Waiting job", [j.id for j in queued], key="queue_cancel_job",
                                format_func=lambda i: f"job {i}")
        if go.button("Cancel it", key="queue_cancel"):
            job = next(j for j in queued if j.id == chosen)
            if analyses.cancel(visitor, job):
                st.success(f"Job {job.id} cancelled; its files were removed.")
            else:
                st.warning(f"Job {job.id} has started meanwhile: it can no longer be cancelled.")
    st.caption("The same on the server: `movement-screen queue` (and `queue cancel JOB`). Add a machine's cores to "
               "the queue with `movement-screen worker tcp://SCHEDULER:8786` (see the README's clinic recipes).")
