"""The admin's page: accounts, patient reassignment (ids and owners only) and the audit."""

from __future__ import annotations

import streamlit as st

from movement_screen.app import access
from movement_screen.app.access import Visitor


def admin_page(visitor: Visitor) -> None:
    if not (visitor.user and visitor.user.is_admin):
        return
    st.header("Accounts and audit")
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
