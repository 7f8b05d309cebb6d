"""The patient history: patients and their screening sessions, in an SQLite file or a PostgreSQL database
(:mod:`movement_screen.store.db` says where and how).

Each session is written in a single transaction (on SQLite with a full sync), so a crash or a kill part-way through
leaves the previous state intact and the store readable. Erasure deletes (on SQLite with ``secure_delete`` on) and
vacuums, so the removed rows do not linger in free pages.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from movement_screen.errors import UsageError
from movement_screen.jobs.records import forget_patient
from movement_screen.store.db import Database, default_location, shown

def default_path() -> str | Path:
    """The store's location when none is given (see :mod:`movement_screen.store.db`)."""
    return default_location()


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
        self.db = Database(path)
        self.path = self.db.location  # a Path (SQLite) or a URL (PostgreSQL)
        self._db = self.db  # the name the clinic records used

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def shown(self) -> str:
        """Where the store is, for messages (a PostgreSQL password hidden)."""
        return shown(self.path)

    def _write(self, statements):
        """Run ``statements`` (callable taking the database) in one transaction."""
        return self.db.transaction(statements)

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
        if self.db.dialect != "sqlite":
            raise UsageError("a PostgreSQL store is backed up with PostgreSQL's own tools: pg_dump "
                             f"'{self.shown}' > backup.sql (or the server's base backups)")
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise UsageError("the backup must go to another file than the store itself")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(dest) as copy:
            self.db._conn.backup(copy)
        copy.close()
        return dest

    def has_patient(self, patient_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone() is not None

    # sessions
    def add_session(self, patient_id: str, result: dict, *, on: date | None = None, name: str | None = None,
                    files: list[str | Path] = (), origin: str | None = None, guard=None) -> int:
        """Record a screening session (and the patient, first time); returns the session id. ``guard(db)``, when
        given, is asked inside the same transaction: False refuses the record (the analysis queue's job was
        erased with its patient, or taken over, while it ran)."""
        if not patient_id or not patient_id.strip():
            raise UsageError("a patient id is needed to keep a history")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        on = on or date.today()

        def write(db):
            if guard is not None and not guard(db):
                raise UsageError(f"the session of patient '{patient_id}' was not recorded: the analysis was "
                                 "cancelled, or the patient's records were erased, while it ran")
            db.execute("INSERT INTO patients (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                       "SET name = COALESCE(excluded.name, patients.name)", (patient_id, name, now))
            return db.insert(
                "INSERT INTO sessions (patient_id, recorded_on, created_at, screen, result, red_flags, plan, "
                "reassessment, sources, files, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (patient_id, on.isoformat(), now, result["screen"], json.dumps(result),
                 _dump(result.get("red_flags")), _dump(result.get("plan")), _dump(result.get("reassessment")),
                 json.dumps([s["path"] for s in result.get("sources", [])]),
                 json.dumps([str(Path(f).resolve()) for f in files]), origin))

        return self._write(write)

    def sessions(self, patient_id: str, screen: str | None = None) -> list[Session]:
        """The patient's sessions, oldest first (by date recorded, then by entry order)."""
        query = f"SELECT {SESSION_COLUMNS} FROM sessions WHERE patient_id = ?" + (" AND screen = ?" if screen else "")
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
            raise UsageError(f"no patient '{patient_id}' in {self.shown}")
        files = [f for s in self.sessions(patient_id) for f in s.files]

        def write(db):
            n = db.execute("DELETE FROM sessions WHERE patient_id = ?", (patient_id,)).rowcount
            job_folders = forget_patient(db, patient_id)  # waiting or running analyses go too
            db.execute("DELETE FROM patients WHERE id = ?", (patient_id,))
            return n, job_folders

        n_sessions, job_folders = self._write(write)
        self.db.vacuum("sessions", "patients", "links", "patient_owners", "jobs")
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
        for folder in job_folders:  # an analysis's own folder (the app made it for this job): all of it
            if Path(folder).is_dir():
                removed += [str(p) for p in Path(folder).rglob("*") if p.is_file()]
                shutil.rmtree(folder, ignore_errors=True)
                emptied.append(folder)
        return {"patient": patient_id, "sessions": n_sessions, "files_removed": removed,
                "files_already_gone": missing, "folders_removed": emptied}


SESSION_COLUMNS = ("id, patient_id, recorded_on, created_at, screen, result, red_flags, plan, reassessment, sources, "
                   "files, origin")  # named: the columns' order differs in stores made before 'origin' was kept


def _dump(value) -> str | None:
    return None if value is None else json.dumps(value)


def _session(row) -> Session:
    load = lambda text: None if text is None else json.loads(text)  # noqa: E731
    return Session(id=row[0], patient_id=row[1], recorded_on=row[2], screen=row[4], result=json.loads(row[5]),
                   red_flags=load(row[6]), plan=load(row[7]), reassessment=load(row[8]), sources=json.loads(row[9]),
                   files=json.loads(row[10]), origin=row[11])
