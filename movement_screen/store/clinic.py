"""The clinic server's records, kept in the history store: therapist accounts, patient links, the audit table.

- Passwords are stored only as Argon2id hashes (argon2-cffi, the reference implementation's maintained binding;
  its defaults follow RFC 9106's recommended parameters and it re-hashes when they change).
- Patient links are tokens signed with itsdangerous (HMAC-SHA1 over a key derived from the store's secret) that
  carry a random 128-bit link id. The store keeps only a SHA-256 of that id, the patient, the screen, the expiry
  and whether it was revoked: a copy of the store file holds no usable token. Rotating the secret ends every link.
- Wrong passwords are slowed (a growing pause) and, after ``max_failures`` in a row for one account or from one
  client, locked for ``lock_minutes``; the lock is audited.
- Every log-in, failed log-in, lock, link creation/use/refusal/revocation, patient view, download and erasure is
  written to ``audit`` (when, who, what, which target, from which client).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from movement_screen.errors import UsageError

SCREENS = ("squat", "forward_bend", "gait", "posture", "single_leg_squat", "sit_to_stand")
LINK_SALT = "movement-screen patient link"


@dataclass(frozen=True)
class Policy:
    """Log-in rules, from the environment where set (MOVEMENT_SCREEN_MAX_FAILURES, _LOCK_MINUTES,
    _IDLE_MINUTES, _LINK_DAYS)."""

    max_failures: int = 5
    lock_minutes: float = 15.0
    idle_minutes: float = 30.0
    link_days: float = 14.0

    @classmethod
    def from_env(cls) -> Policy:
        def number(name: str, default: float) -> float:
            text = os.environ.get(f"MOVEMENT_SCREEN_{name}")
            try:
                return float(text) if text else default
            except ValueError:
                raise UsageError(f"MOVEMENT_SCREEN_{name} must be a number, not '{text}'") from None
        return cls(int(number("MAX_FAILURES", cls.max_failures)), number("LOCK_MINUTES", cls.lock_minutes),
                   number("IDLE_MINUTES", cls.idle_minutes), number("LINK_DAYS", cls.link_days))


@dataclass(frozen=True)
class User:
    name: str
    is_admin: bool


@dataclass(frozen=True)
class Link:
    patient_id: str
    screen: str
    created_by: str
    expires_at: str
    label: str  # the first characters of the id, to tell links apart on screen (not enough to use one)
    therapist: str | None = None  # the display name shown to the patient (never the log-in name)
    key: str | None = None  # the stored hash of the link's id: the analyses sent through this link carry it


class LoginRefused(Exception):
    """Wrong name or password, or locked: the message is safe to show (it never says which)."""


class LinkRefused(Exception):
    """A tampered, expired, revoked or unknown link: the message is plain and holds no data."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _hash_id(link_id: str) -> str:
    return hashlib.sha256(link_id.encode()).hexdigest()


class Clinic:
    """Accounts, ownership, links and audit on an open :class:`~movement_screen.store.history.Store`."""

    def __init__(self, store, policy: Policy | None = None):
        self.store = store
        self.db = store.db  # the schema (store/db.py) holds the clinic's tables too
        self.policy = policy or Policy.from_env()

    def __enter__(self) -> Clinic:
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()

    # -- accounts ------------------------------------------------------------------------------------------------
    def _hasher(self):
        from argon2 import PasswordHasher

        return PasswordHasher()

    def add_user(self, name: str, password: str, admin: bool = False, display_name: str | None = None) -> None:
        """An account; ``display_name`` is what patients see on their link page (the log-in name never is)."""
        name = name.strip()
        if not name or len(password) < 8:
            raise UsageError("a user needs a name and a password of at least 8 characters")
        if self.db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UsageError(f"there is already a user '{name}'")
        self.db.execute("INSERT INTO users (name, password_hash, is_admin, created_at, display_name) VALUES "
                        "(?, ?, ?, ?, ?)", (name, self._hasher().hash(password), int(admin), _iso(now()),
                                            (display_name or "").strip() or None))
        self.audit("command line", "user_added", name)

    def set_display_name(self, name: str, display_name: str | None) -> None:
        """The name patients see for this therapist (None or empty: "your therapist")."""
        if not self.db.execute("UPDATE users SET display_name = ? WHERE name = ?",
                               ((display_name or "").strip() or None, name)).rowcount:
            raise UsageError(f"no user '{name}'")
        self.audit("command line", "display_name_changed", name)

    def set_password(self, name: str, password: str) -> None:
        if len(password) < 8:
            raise UsageError("a password needs at least 8 characters")
        if not self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                               (self._hasher().hash(password), name)).rowcount:
            raise UsageError(f"no user '{name}'")
        self.db.execute("DELETE FROM failures WHERE key = ?", (f"user:{name}",))
        self.audit("command line", "password_changed", name)

    def remove_user(self, name: str) -> None:
        owned = self.db.execute("SELECT COUNT(*) FROM patient_owners WHERE owner = ?", (name,)).fetchone()[0]
        if owned:
            raise UsageError(f"'{name}' still has {owned} patient(s): reassign them first "
                             f"(movement-screen users reassign PATIENT OTHER_USER)")
        if not self.db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
            raise UsageError(f"no user '{name}'")
        self.audit("command line", "user_removed", name)

    def users(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT u.name, u.is_admin, u.created_at, COUNT(o.patient_id), u.display_name FROM users u LEFT JOIN "
            "patient_owners o ON o.owner = u.name GROUP BY u.name ORDER BY u.name").fetchall()
        return [{"name": r[0], "display_name": r[4], "admin": bool(r[1]), "created_at": r[2], "patients": r[3]}
                for r in rows]

    def has_users(self) -> bool:
        return self.db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def log_in(self, name: str, password: str, client: str) -> User:
        """The user, or :class:`LoginRefused` (wrong, unknown or locked: one message for all)."""
        from argon2.exceptions import VerificationError

        # The client key needs a real address: an unknown one (behind a proxy that does not pass it on) would
        # make every visitor share one lock, so one person's wrong tries would lock everyone out.
        keys = (f"user:{name}",) + (() if client in ("", "unknown", None) else (f"client:{client}",))
        if any(self._locked(k) for k in keys):
            self.audit(name, "login_refused_locked", None, client)
            raise LoginRefused(f"Too many wrong passwords: log-in is locked for up to "
                               f"{self.policy.lock_minutes:g} minutes. Try again after that.")
        row = self.db.execute("SELECT password_hash, is_admin FROM users WHERE name = ?", (name,)).fetchone()
        try:
            if row is None:
                self._hasher().hash(password)  # the same work as a real check: timing does not tell names apart
                raise VerificationError
            self._hasher().verify(row[0], password)
        except VerificationError:
            locked = [self._failed(k) for k in keys]
            self.audit(name, "login_failed", None, client)
            if any(locked):
                self.audit(name, "login_locked", None, client)
            raise LoginRefused("Wrong name or password.") from None
        for key in keys:
            self.db.execute("DELETE FROM failures WHERE key = ?", (key,))
        if self._hasher().check_needs_rehash(row[0]):
            self.db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (self._hasher().hash(password), name))
        self.audit(name, "login", None, client)
        return User(name, bool(row[1]))

    def fingerprint(self, name: str) -> str | None:
        """A short digest of the account's password hash (None when the account is gone): a logged-in session
        stays valid only while it is unchanged, so removing an account or changing its password ends it."""
        row = self.db.execute("SELECT password_hash, is_admin FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else hashlib.sha256(f"{row[0]}|{row[1]}".encode()).hexdigest()[:16]

    def failures(self, name: str, client: str) -> int:
        """Wrong passwords in a row so far for this account or client (the caller slows the next try by it)."""
        rows = self.db.execute("SELECT MAX(count) FROM failures WHERE key IN (?, ?)",
                               (f"user:{name}", f"client:{client}")).fetchone()
        return int(rows[0] or 0)

    def _locked(self, key: str) -> bool:
        row = self.db.execute("SELECT locked_until FROM failures WHERE key = ?", (key,)).fetchone()
        if not row or not row[0]:
            return False
        if row[0] > _iso(now()):
            return True
        self.db.execute("DELETE FROM failures WHERE key = ?", (key,))  # the lock has ended: start again
        return False

    def _failed(self, key: str) -> bool:
        """Count one more wrong password for ``key`` (in one transaction: tries at the same moment all count)."""
        def count_one(db) -> bool:
            count = db.execute("INSERT INTO failures VALUES (?, 1, NULL) ON CONFLICT(key) DO UPDATE SET "
                               "count = failures.count + 1 RETURNING count", (key,)).fetchone()[0]
            if count < self.policy.max_failures:
                return False
            db.execute("UPDATE failures SET locked_until = ? WHERE key = ?",
                       (_iso(now() + timedelta(minutes=self.policy.lock_minutes)), key))
            return True

        return self.store._write(count_one)

    # -- who owns which patient -----------------------------------------------------------------------------------
    def add_patient(self, patient_id: str, owner: str, name: str | None = None) -> None:
        patient_id = patient_id.strip()
        if not patient_id:
            raise UsageError("a patient id is needed")
        if self.store.has_patient(patient_id):
            # The same words whoever owns it: the message must not tell one therapist about another's patients.
            raise UsageError(f"the id '{patient_id}' cannot be used: choose another")
        self.store.add_patient(patient_id, name)
        self.db.execute("INSERT INTO patient_owners VALUES (?, ?)", (patient_id, owner))
        self.audit(owner, "patient_created", patient_id)

    def owner(self, patient_id: str) -> str | None:
        row = self.db.execute("SELECT owner FROM patient_owners WHERE patient_id = ?", (patient_id,)).fetchone()
        return row[0] if row else None

    def patients_of(self, user: User) -> list[dict]:
        mine = {r[0] for r in self.db.execute("SELECT patient_id FROM patient_owners WHERE owner = ?", (user.name,))}
        return [p for p in self.store.patients() if p["id"] in mine]

    def can_see(self, user: User, patient_id: str) -> bool:
        return self.owner(patient_id) == user.name

    def reassign(self, patient_id: str, new_owner: str, by: str = "command line") -> None:
        if not self.db.execute("SELECT 1 FROM users WHERE name = ?", (new_owner,)).fetchone():
            raise UsageError(f"no user '{new_owner}'")
        if not self.store.has_patient(patient_id):
            raise UsageError(f"no patient '{patient_id}'")
        self.db.execute("INSERT INTO patient_owners VALUES (?, ?) ON CONFLICT(patient_id) DO UPDATE SET "
                        "owner = excluded.owner", (patient_id, new_owner))
        self.audit(by, "patient_reassigned", f"{patient_id} -> {new_owner}")

    def all_patients(self) -> list[dict]:
        """Patient ids and owners only (the admin's reassignment view: no sessions, no names)."""
        rows = self.db.execute("SELECT p.id, o.owner FROM patients p LEFT JOIN patient_owners o ON o.patient_id = p.id "
                               "ORDER BY p.id").fetchall()
        return [{"id": r[0], "owner": r[1] or "(none)"} for r in rows]

    # -- patient links --------------------------------------------------------------------------------------------
    def _serializer(self):
        from itsdangerous import URLSafeSerializer

        row = self.db.execute("SELECT value FROM settings WHERE key = 'link_secret'").fetchone()
        if row is None:
            secret = secrets.token_urlsafe(32)
            self.db.execute("INSERT INTO settings VALUES ('link_secret', ?) ON CONFLICT(key) DO NOTHING", (secret,))
            row = self.db.execute("SELECT value FROM settings WHERE key = 'link_secret'").fetchone()
        return URLSafeSerializer(row[0], salt=LINK_SALT)

    def rotate_secret(self) -> int:
        """A new signing secret: every link made so far stops working. Returns how many were still open."""
        open_links = self.db.execute("SELECT COUNT(*) FROM links WHERE revoked_at IS NULL AND expires_at > ?",
                                     (_iso(now()),)).fetchone()[0]
        self.db.execute("INSERT INTO settings VALUES ('link_secret', ?) ON CONFLICT(key) DO UPDATE SET "
                        "value = excluded.value", (secrets.token_urlsafe(32),))
        self.db.execute("UPDATE links SET revoked_at = ? WHERE revoked_at IS NULL", (_iso(now()),))  # all ended
        self.audit("command line", "secret_rotated", f"{open_links} open link(s) ended")
        return open_links

    def create_link(self, user: User, patient_id: str, screen: str, days: float | None = None) -> str:
        """A signed token for one patient and one screen; the store keeps only its hash."""
        if not self.can_see(user, patient_id):
            raise UsageError("no such patient")
        if screen not in SCREENS:
            raise UsageError(f"a link is for one screen: {', '.join(SCREENS)}")
        link_id = secrets.token_urlsafe(16)
        expires = now() + timedelta(days=self.policy.link_days if days is None else days)
        self.db.execute("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                        (_hash_id(link_id), patient_id, screen, user.name, _iso(now()), _iso(expires),
                         link_id[:4]))
        self.audit(user.name, "link_created", f"{patient_id} {screen} {link_id[:4]}")
        return self._serializer().dumps(link_id)

    def open_link(self, token: str, client: str | None = None) -> Link:
        """The link's patient and screen, or :class:`LinkRefused` with a plain message."""
        from itsdangerous import BadData

        plain = "This link does not work: it may have expired or been withdrawn. Ask your therapist for a new one."
        try:
            link_id = self._serializer().loads(token)
        except BadData:
            self.audit("patient link", "link_refused", "bad signature", client)
            raise LinkRefused(plain) from None
        if not isinstance(link_id, str) or self._serializer().dumps(link_id) != token:  # only the canonical form
            self.audit("patient link", "link_refused", "not canonical", client)
            raise LinkRefused(plain)
        row = self.db.execute("SELECT l.patient_id, l.screen, l.created_by, l.expires_at, l.revoked_at, l.label, "
                              "u.display_name FROM links l LEFT JOIN patient_owners o ON o.patient_id = l.patient_id "
                              "LEFT JOIN users u ON u.name = o.owner WHERE l.id_hash = ?",
                              (_hash_id(link_id),)).fetchone()  # the patient's therapist now, by display name
        if row is None or row[4] is not None or row[3] <= _iso(now()):
            why = "unknown" if row is None else ("revoked" if row[4] else "expired")
            self.audit("patient link", "link_refused", why + ("" if row is None else f" {row[0]} {row[5]}"), client)
            raise LinkRefused(plain)
        return Link(row[0], row[1], row[2], row[3], row[5], row[6], _hash_id(link_id))

    def links_of(self, user: User, patient_id: str) -> list[dict]:
        if not self.can_see(user, patient_id):
            return []
        rows = self.db.execute("SELECT label, screen, created_at, expires_at, revoked_at, id_hash FROM links WHERE "
                               "patient_id = ? ORDER BY created_at", (patient_id,)).fetchall()
        return [{"link": r[0] + "...", "screen": r[1], "created": r[2], "expires": r[3],
                 "state": "revoked" if r[4] else ("expired" if r[3] <= _iso(now()) else "open"), "key": r[5]}
                for r in rows]

    def revoke_link(self, user: User, patient_id: str, key: str) -> None:
        if not self.can_see(user, patient_id):
            raise UsageError("no such patient")
        done = self.db.execute("UPDATE links SET revoked_at = ? WHERE id_hash = ? AND patient_id = ? AND "
                               "revoked_at IS NULL", (_iso(now()), key, patient_id)).rowcount
        if done:
            label = self.db.execute("SELECT label FROM links WHERE id_hash = ?", (key,)).fetchone()[0]
            self.audit(user.name, "link_revoked", f"{patient_id} {label}")

    # -- audit ----------------------------------------------------------------------------------------------------
    def audit(self, who: str, action: str, target: str | None = None, client: str | None = None) -> None:
        self.db.execute("INSERT INTO audit (at, who, action, target, client) VALUES (?, ?, ?, ?, ?)",
                        (_iso(now()), who, action, target, client))

    def audit_rows(self) -> list[dict]:
        rows = self.db.execute("SELECT at, who, action, target, client FROM audit ORDER BY id").fetchall()
        return [{"at": r[0], "who": r[1], "action": r[2], "target": r[3] or "", "client": r[4] or ""} for r in rows]

    def audit_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, ["at", "who", "action", "target", "client"])
        writer.writeheader()
        writer.writerows(self.audit_rows())
        return out.getvalue()
