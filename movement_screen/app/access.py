"""Who is using the app: the local single-user mode, a therapist's log-in, or a patient's link.

``movement-screen app --local`` (environment MOVEMENT_SCREEN_APP_MODE=local) is the therapist's own computer:
no log-in, and refused unless the server listens on the loopback address only. Any other start is the clinic
server: nothing but the log-in form until a therapist logs in, or a patient opens a link (``?link=TOKEN``).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import streamlit as st

from movement_screen.store.clinic import Clinic, LinkRefused, LoginRefused, Policy, User

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CHECKS = threading.BoundedSemaphore(2)  # password checks at once, for the whole server (Argon2 uses ~64 MiB each)


@dataclass(frozen=True)
class Visitor:
    kind: str  # "local" | "therapist" | "patient"
    user: User | None = None
    link: object | None = None  # store.clinic.Link for a patient

    @property
    def name(self) -> str:
        return self.user.name if self.user else ("patient link" if self.kind == "patient" else "local")


def local_mode() -> bool:
    return os.environ.get("MOVEMENT_SCREEN_APP_MODE", "").strip().lower() == "local"


def server_address() -> str:
    return str(st.get_option("server.address") or "")


def client() -> str:
    """The browser's address. Behind a reverse proxy the server sees only the proxy: with
    MOVEMENT_SCREEN_TRUSTED_PROXY=1 the address the proxy adds to X-Forwarded-For is used instead (set it only
    when every request comes through that proxy, or the header could be forged)."""
    if os.environ.get("MOVEMENT_SCREEN_TRUSTED_PROXY", "").strip() in ("1", "true", "yes"):
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")
        if forwarded[-1].strip():
            return forwarded[-1].strip()
    try:
        return str(st.context.ip_address or "unknown")
    except AttributeError:
        return "unknown"


def open_clinic() -> Clinic:
    from movement_screen.store.history import Store

    return Clinic(Store(), Policy.from_env())


def who() -> Visitor | None:
    """The visitor of this browser session, after the log-in form or the link check when needed; None means
    the page has already shown what to do (log-in form, plain refusal) and must show nothing else."""
    if local_mode():
        if server_address() not in LOOPBACK:
            st.error("Local mode (no log-in) serves only this computer: start it with `movement-screen app --local`, "
                     "which listens on 127.0.0.1. To serve a clinic network, start it without --local and log in.")
            return None
        return Visitor("local")
    token = st.query_params.get("link")
    if token:
        return _patient(token)
    return _therapist()


def _patient(token: str) -> Visitor | None:
    clinic = open_clinic()
    try:
        link = clinic.open_link(token, client())
    except LinkRefused as exc:
        st.error(str(exc))
        return None
    finally:
        clinic.store.close()
    if st.session_state.get("link_seen") != token:
        st.session_state["link_seen"] = token
        with open_clinic() as clinic:
            clinic.audit("patient link", "link_used", f"{link.patient_id} {link.screen} {link.label}", client())
    return Visitor("patient", link=link)


def _therapist() -> Visitor | None:
    policy = Policy.from_env()
    user = st.session_state.get("user")
    if user is not None:
        idle = time.time() - st.session_state.get("last_active", 0.0)
        with open_clinic() as clinic:
            unchanged = clinic.fingerprint(user.name) == st.session_state.get("account")
        if idle > policy.idle_minutes * 60:
            log_out(f"You were logged out after {policy.idle_minutes:g} minutes without activity. Log in again.")
        elif not unchanged:
            log_out("Your account was changed or removed: log in again.")
        else:
            st.session_state["last_active"] = time.time()
            return user
    login_form()
    return None


def login_form() -> None:
    st.title("movement-screen")
    note = st.session_state.pop("logout_note", None)
    if note:
        st.info(note)
    with open_clinic() as clinic:
        if not clinic.has_users():
            st.warning("No therapist accounts yet. On the server, create one with "
                       "`movement-screen users add NAME --admin`, then log in here.")
    with st.form("login"):
        st.subheader("Therapist log-in")
        name = st.text_input("Name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        sent = st.form_submit_button("Log in", type="primary")
    st.caption("Patients: open the link your therapist sent you; you do not need an account.")
    if not sent:
        return
    with open_clinic() as clinic, CHECKS:  # a few password checks at a time: each one is slow and large by design
        here = client()
        time.sleep(min(0.5 * clinic.failures(name, here), 4.0))  # each wrong try makes the next one slower
        try:
            user = clinic.log_in(name.strip(), password, here)
        except LoginRefused as exc:
            st.error(str(exc))
            return
        account = clinic.fingerprint(user.name)
    st.session_state["user"] = Visitor("therapist", user=user)
    st.session_state["account"] = account
    st.session_state["last_active"] = time.time()
    st.rerun()


def log_out(note: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if note:
        st.session_state["logout_note"] = note


def audit(visitor: Visitor, action: str, target: str | None = None) -> None:
    """Record what this visitor did (nothing is recorded in local mode: one person, their own computer)."""
    if visitor.kind == "local":
        return
    with open_clinic() as clinic:
        clinic.audit(visitor.name, action, target, client())
