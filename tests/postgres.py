"""A real PostgreSQL server for the store's tests, started by the tests themselves.

$MOVEMENT_SCREEN_TEST_POSTGRES (a postgresql:// URL of a server the tests may create databases on) is used when
set; otherwise Debian's PostgreSQL binaries (package ``postgresql``) start a throw-away server on a free loopback
port in a temporary folder, run as the ``postgres`` account when the tests run as root (initdb refuses root).
Each test gets a database of its own.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A PostgreSQL server for the session: :meth:`new_database` gives a URL of a fresh, empty database."""

    def __init__(self):
        self.url = os.environ.get("MOVEMENT_SCREEN_TEST_POSTGRES")
        self.folder = None
        self.why_not = None
        if self.url:
            return
        try:
            import psycopg  # noqa: F401
            import psycopg_pool  # noqa: F401
        except ImportError:
            self.why_not = "psycopg is not installed (pip install -e '.[postgres]')"
            return
        bindir = _bindir()
        if bindir is None:
            self.why_not = "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
            return
        self.folder = Path(tempfile.mkdtemp(prefix="ms-pg-"))
        as_user = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        data, port = self.folder / "data", _free_port()
        run = lambda *cmd: subprocess.run([*as_user, *map(str, cmd)], check=True, capture_output=True)  # noqa: E731
        run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
        run(bindir / "pg_ctl", "-D", data, "-l", self.folder / "log", "-w", "-o",
            f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            "start")
        self._stop = lambda: run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        if self.folder is not None:
            try:
                self._stop()
            finally:
                shutil.rmtree(self.folder, ignore_errors=True)
