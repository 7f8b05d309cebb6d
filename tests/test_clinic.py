"""Clinic records without a browser: accounts, lock-out, ownership, patient links, audit, backups."""

from datetime import timedelta

import pytest

from movement_screen.errors import UsageError
from movement_screen.store import clinic as clinic_module
from movement_screen.store.clinic import Clinic, LinkRefused, LoginRefused, Policy
from movement_screen.store.history import Store


@pytest.fixture
def clinic(store_location):
    store = Store(store_location)
    yield Clinic(store, Policy(max_failures=3, lock_minutes=10))
    store.close()


def test_wrong_passwords_lock_the_account_until_the_lock_ends(clinic, monkeypatch):
    clinic.add_user("ann", "correct horse battery")
    for _ in range(3):
        with pytest.raises(LoginRefused, match="Wrong name or password"):
            clinic.log_in("ann", "wrong", "10.0.0.9")
    with pytest.raises(LoginRefused, match="locked for up to 10 minutes"):  # the right password, during the lock
        clinic.log_in("ann", "correct horse battery", "10.0.0.8")
    later = clinic_module.now() + timedelta(minutes=11)
    monkeypatch.setattr(clinic_module, "now", lambda: later)
    assert clinic.log_in("ann", "correct horse battery", "10.0.0.8").name == "ann"
    actions = [r["action"] for r in clinic.audit_rows()]
    assert actions.count("login_failed") == 3 and "login_locked" in actions and "login_refused_locked" in actions
    assert actions[-1] == "login"


def test_one_client_guessing_many_names_is_locked_too(clinic):
    clinic.add_user("ann", "correct horse battery")
    for name in ("bob", "cat", "dan"):
        with pytest.raises(LoginRefused):
            clinic.log_in(name, "guess", "10.0.0.7")
    with pytest.raises(LoginRefused, match="locked"):
        clinic.log_in("ann", "correct horse battery", "10.0.0.7")
    assert clinic.log_in("ann", "correct horse battery", "10.0.0.6").name == "ann"  # another client is not


def test_the_store_holds_no_password_or_token_in_clear(clinic, tmp_path):
    if clinic.db.dialect != "sqlite":
        pytest.skip("reads the SQLite file's bytes")
    password = "correct horse battery"
    clinic.add_user("ann", password)
    user = clinic.log_in("ann", password, "c")
    clinic.add_patient("P-1", "ann")
    token = clinic.create_link(user, "P-1", "squat")
    payload = token.split(".")[0]  # the signed payload (the random id, base64)
    link_id = clinic._serializer().loads(token)
    raw = (tmp_path / "history.sqlite").read_bytes()
    for secret in (password, token, payload, link_id):
        assert secret.encode() not in raw
    assert b"$argon2id$" in raw


def test_links_open_only_while_valid(clinic, monkeypatch):
    clinic.add_user("ann", "correct horse battery")
    ann = clinic.log_in("ann", "correct horse battery", "c")
    clinic.add_patient("P-1", "ann")
    token = clinic.create_link(ann, "P-1", "gait", days=14)
    assert clinic.open_link(token).patient_id == "P-1" and clinic.open_link(token).screen == "gait"
    payload, signature = token.rsplit(".", 1)
    # A character inside the signature: the last one also carries base64 padding bits, and some changes to it
    # decode to the same bytes (a valid token), so changing it made this test fail now and then.
    tampered = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    with pytest.raises(LinkRefused, match="does not work"):
        clinic.open_link(tampered)
    later = clinic_module.now() + timedelta(days=15)
    monkeypatch.setattr(clinic_module, "now", lambda: later)
    with pytest.raises(LinkRefused):
        clinic.open_link(token)
    monkeypatch.undo()
    key = clinic.links_of(ann, "P-1")[0]["key"]
    clinic.revoke_link(ann, "P-1", key)
    with pytest.raises(LinkRefused):
        clinic.open_link(token)
    assert clinic.links_of(ann, "P-1")[0]["state"] == "revoked"
    fresh = clinic.create_link(ann, "P-1", "squat")
    assert clinic.rotate_secret() == 1
    with pytest.raises(LinkRefused):  # rotating the secret ends every link
        clinic.open_link(fresh)
    assert {link["state"] for link in clinic.links_of(ann, "P-1")} == {"revoked"}


def test_only_the_canonical_link_opens_and_the_patient_sees_a_display_name(clinic):
    """Every other spelling of a token is refused, including a last character whose spare base64 bits decode to
    the same bytes; the link shows the therapist's display name, never their log-in name."""
    clinic.add_user("ann", "correct horse battery", display_name="Dr A. Smith")
    clinic.add_user("bob", "another long secret")
    ann, bob = clinic.log_in("ann", "correct horse battery", "c"), clinic.log_in("bob", "another long secret", "c")
    clinic.add_patient("P-1", "ann")
    clinic.add_patient("P-2", "bob")
    token = clinic.create_link(ann, "P-1", "squat")
    assert clinic.open_link(token).therapist == "Dr A. Smith"
    assert clinic.open_link(clinic.create_link(bob, "P-2", "gait")).therapist is None
    clinic.reassign("P-1", "bob")  # the patient's therapist now, not who made the link
    assert clinic.open_link(token).therapist is None
    clinic.set_display_name("bob", "B. Jones")
    assert clinic.open_link(token).therapist == "B. Jones"
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for variant in (token[:-1] + c for c in alphabet if c != token[-1]):
        with pytest.raises(LinkRefused):
            clinic.open_link(variant)


def test_a_therapist_sees_only_their_own_patients(clinic):
    clinic.add_user("ann", "correct horse battery")
    clinic.add_user("bob", "another long secret")
    ann, bob = clinic.log_in("ann", "correct horse battery", "c"), clinic.log_in("bob", "another long secret", "c")
    clinic.add_patient("P-1", "ann")
    assert [p["id"] for p in clinic.patients_of(ann)] == ["P-1"] and clinic.patients_of(bob) == []
    assert not clinic.can_see(bob, "P-1") and clinic.links_of(bob, "P-1") == []
    with pytest.raises(UsageError, match="no such patient"):
        clinic.create_link(bob, "P-1", "squat")
    with pytest.raises(UsageError, match="cannot be used"):  # same words as for any taken id
        clinic.add_patient("P-1", "bob")
    with pytest.raises(UsageError, match="reassign"):
        clinic.remove_user("ann")
    clinic.reassign("P-1", "bob")
    assert clinic.can_see(bob, "P-1") and not clinic.can_see(ann, "P-1")


def test_backup_is_a_readable_copy(clinic, tmp_path):
    if clinic.db.dialect != "sqlite":
        with pytest.raises(UsageError, match="pg_dump"):
            clinic.store.backup(tmp_path / "backup.sqlite")
        return
    clinic.add_user("ann", "correct horse battery")
    clinic.add_patient("P-1", "ann")
    copy = clinic.store.backup(tmp_path / "backup.sqlite")
    with Store(copy) as restored:
        assert [p["id"] for p in restored.patients()] == ["P-1"]


def cli(*args, stdin=""):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "movement_screen", *map(str, args)], input=stdin,
                          capture_output=True, text=True)


def test_account_and_backup_commands(tmp_path):
    store = tmp_path / "clinic.sqlite"
    assert cli("users", "add", "ann", "--admin", "--store", store, stdin="a long password\n").returncode == 0
    short = cli("users", "add", "bob", "--store", store, stdin="short\n")
    assert short.returncode != 0 and "at least 8 characters" in short.stderr and "Traceback" not in short.stderr
    listed = cli("users", "list", "--store", store).stdout
    assert "ann" in listed and "admin" in listed and "bob" not in listed
    assert cli("users", "password", "ann", "--store", store, stdin="another long one\n").returncode == 0
    copy = tmp_path / "backups" / "copy.sqlite"
    assert cli("store", "backup", copy, "--store", store).returncode == 0
    with Store(copy) as restored:
        assert [u["name"] for u in Clinic(restored).users()] == ["ann"]
    audit = cli("users", "audit", "--store", store).stdout.splitlines()
    assert audit[0] == "at,who,action,target,client" and any("password_changed" in line for line in audit)
    assert cli("users", "remove", "ann", "--store", store).returncode == 0


def test_local_mode_without_log_in_is_refused_on_a_network_address():
    done = cli("app", "--local", "--host", "0.0.0.0")
    assert done.returncode != 0 and "serves only this computer" in done.stderr


def test_wrong_passwords_sent_at_once_all_count(store_location):
    """Several servers' checks at the same moment: each wrong password counts once (one atomic statement), on
    SQLite and PostgreSQL alike."""
    from concurrent.futures import ThreadPoolExecutor

    with Clinic(Store(store_location), Policy(max_failures=100)) as clinic:
        clinic.add_user("ann", "correct horse battery")

    def wrong(n: int) -> None:
        with Clinic(Store(store_location), Policy(max_failures=100)) as clinic:
            with pytest.raises(LoginRefused):
                clinic.log_in("ann", f"wrong {n}", "")

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(wrong, range(12)))
    with Clinic(Store(store_location)) as clinic:
        assert clinic.failures("ann", "") == 12


def test_an_older_store_is_brought_up_to_date(tmp_path):
    """A store file written before schema versions were kept (no origin, no display names) opens, gains the
    columns and the queue's table, and keeps its sessions."""
    import sqlite3

    from movement_screen.store.db import SCHEMA_VERSION

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE patients (id TEXT PRIMARY KEY, name TEXT, created_at TEXT NOT NULL);
        CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, patient_id TEXT NOT NULL, recorded_on TEXT
            NOT NULL, created_at TEXT NOT NULL, screen TEXT NOT NULL, result TEXT NOT NULL, red_flags TEXT, plan TEXT,
            reassessment TEXT, sources TEXT NOT NULL, files TEXT NOT NULL);
        CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL);
        INSERT INTO patients VALUES ('P1', 'Ann', '2026-01-01');
        INSERT INTO sessions VALUES (1, 'P1', '2026-01-02', '2026-01-02', 'squat', '{"screen": "squat"}', NULL, NULL,
            NULL, '[]', '[]');
    """)
    db.close()
    with Store(path) as store:
        assert store.db.version() == SCHEMA_VERSION
        assert [(s.id, s.origin) for s in store.sessions("P1")] == [(1, None)]
        assert {"origin"} <= store.db.columns("sessions") and {"display_name"} <= store.db.columns("users")
        assert "state" in store.db.columns("jobs")
