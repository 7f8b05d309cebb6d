"""The patient history: one SQLite file of patients and their screening sessions.

Where: ``--store PATH``, else ``$MOVEMENT_SCREEN_STORE``, else ``~/.local/share/movement-screen/history.sqlite``
(``$XDG_DATA_HOME`` respected). Each session is written in a single transaction with a full sync, so a crash or a
kill part-way through leaves the previous state intact and the file readable. Erasure deletes with
``secure_delete`` on and vacuums, so the removed rows do not linger in free pages.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from movement_screen.errors import InputError, UsageError

SCHEMA = """
CREATE TABLE IF NOT EXISTS patients (
    id TEXT PRIMARY KEY,
    name TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
    recorded_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    screen TEXT NOT NULL,
    result TEXT NOT NULL,
    red_flags TEXT,
    plan TEXT,
    reassessment TEXT,
    sources TEXT NOT NULL,
    files TEXT NOT NULL,
    origin TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_patient ON sessions(patient_id, screen, recorded_on);
"""


def default_path() -> Path:
    env = os.environ.get("MOVEMENT_SCREEN_STORE")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "movement-screen" / "history.sqlite"


@dataclass(frozen=True)
class Session:
    id: int
    patient_id: str
    recorded_on: str
    screen: str
    result: dict
    red_flags: dict | None
    plan: dict | None
    reassessment: dict | None
    sources: list[str]
    files: list[str]
    origin: str | None = None  # "home link" for a session a patient recorded through a link

    @property
    def scored(self) -> bool:
        """Whether the session holds a score; sessions without one are kept apart and never compared."""
        from movement_screen.contract.result import is_scored

        return is_scored(self.result)


class Store:
    """A patient-history file. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.executescript(SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(sessions)")}
            if "origin" not in columns:  # a store from before patient links
                self._db.execute("ALTER TABLE sessions ADD COLUMN origin TEXT")
        except (OSError, sqlite3.DatabaseError) as exc:
            raise InputError(f"the history store {self.path} cannot be opened ({exc}); is it a movement-screen "
                             "history file?") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _write(self, statements) -> int | None:
        """Run ``statements`` (callable taking the connection) in one immediate transaction."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            out = statements(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return out

    # patients
    def patients(self) -> list[dict]:
        rows = self._db.execute(
            "SELECT p.id, p.name, p.created_at, COUNT(s.id), MAX(s.recorded_on) FROM patients p "
            "LEFT JOIN sessions s ON s.patient_id = p.id GROUP BY p.id ORDER BY p.id").fetchall()
        return [{"id": r[0], "name": r[1], "created_at": r[2], "sessions": r[3], "last": r[4]} for r in rows]

    def add_patient(self, patient_id: str, name: str | None = None) -> None:
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._write(lambda db: db.execute("INSERT INTO patients (id, name, created_at) VALUES (?, ?, ?)",
                                          (patient_id, name, now)))

    def backup(self, dest: str | Path) -> Path:
        """A consistent copy of the whole store (SQLite's online backup: safe while the app is writing)."""
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise UsageError("the backup must go to another file than the store itself")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(dest) as copy:
            self._db.backup(copy)
        copy.close()
        return dest

    def has_patient(self, patient_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone() is not None

    # sessions
    def add_session(self, patient_id: str, result: dict, *, on: date | None = None, name: str | None = None,
                    files: list[str | Path] = (), origin: str | None = None) -> int:
        """Record a screening session (and the patient, first time); returns the session id."""
        if not patient_id or not patient_id.strip():
            raise UsageError("a patient id is needed to keep a history")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        on = on or date.today()

        def write(db):
            db.execute("INSERT INTO patients (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                       "SET name = COALESCE(excluded.name, patients.name)", (patient_id, name, now))
            cur = db.execute(
                "INSERT INTO sessions (patient_id, recorded_on, created_at, screen, result, red_flags, plan, "
                "reassessment, sources, files, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (patient_id, on.isoformat(), now, result["screen"], json.dumps(result),
                 _dump(result.get("red_flags")), _dump(result.get("plan")), _dump(result.get("reassessment")),
                 json.dumps([s["path"] for s in result.get("sources", [])]),
                 json.dumps([str(Path(f).resolve()) for f in files]), origin))
            return cur.lastrowid

        return self._write(write)

    def sessions(self, patient_id: str, screen: str | None = None) -> list[Session]:
        """The patient's sessions, oldest first (by date recorded, then by entry order)."""
        query = "SELECT * FROM sessions WHERE patient_id = ?" + (" AND screen = ?" if screen else "")
        query += " ORDER BY recorded_on, id"
        rows = self._db.execute(query, (patient_id, screen) if screen else (patient_id,)).fetchall()
        return [_session(r) for r in rows]

    def last_plan(self, patient_id: str, screen: str, before: date) -> Session | None:
        """The latest earlier session of this screen that gave an exercise plan."""
        for s in reversed(self.sessions(patient_id, screen)):
            if s.recorded_on <= before.isoformat() and s.scored and s.plan and s.plan.get("status") == "given":
                return s
        return None

    def delete_patient(self, patient_id: str) -> dict:
        """Erase a patient: their rows and the output files their sessions recorded. Says what it removed."""
        if not self.has_patient(patient_id):
            raise UsageError(f"no patient '{patient_id}' in {self.path}")
        files = [f for s in self.sessions(patient_id) for f in s.files]

        def write(db):
            n = db.execute("DELETE FROM sessions WHERE patient_id = ?", (patient_id,)).rowcount
            db.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            return n

        n_sessions = self._write(write)
        self._db.execute("VACUUM")
        removed, missing = [], []
        for f in files:
            path = Path(f)
            if path.is_file():
                path.unlink()
                removed.append(str(path))
            else:
                missing.append(str(path))
        folders = sorted({str(Path(f).parent) for f in files}, key=len, reverse=True)
        emptied = []
        for folder in folders:
            try:
                Path(folder).rmdir()  # only when now empty: never removes anything else
                emptied.append(folder)
            except OSError:
                pass
        return {"patient": patient_id, "sessions": n_sessions, "files_removed": removed,
                "files_already_gone": missing, "folders_removed": emptied}


def _dump(value) -> str | None:
    return None if value is None else json.dumps(value)


def _session(row) -> Session:
    load = lambda text: None if text is None else json.loads(text)  # noqa: E731
    return Session(id=row[0], patient_id=row[1], recorded_on=row[2], screen=row[4], result=json.loads(row[5]),
                   red_flags=load(row[6]), plan=load(row[7]), reassessment=load(row[8]), sources=json.loads(row[9]),
                   files=json.loads(row[10]), origin=row[11])
