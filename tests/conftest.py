import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def model():
    """The default pose model (found, downloaded or built once)."""
    from movement_screen.pose import models

    return models.resolve("full")


@pytest.fixture(scope="session")
def analysed(model):
    """``analysed(name, screen)``: pose, subject and kinematics of a shared clip, computed once per session."""
    from clips import clip
    from movement_screen.api import analyse_source

    cache = {}

    def get(name: str, screen: str):
        if (name, screen) not in cache:
            cache[name, screen] = analyse_source(clip(name), model, screen=screen, progress=False)
        return cache[name, screen]

    return get


@pytest.fixture(scope="session")
def postgres_server():
    from postgres import Server

    server = Server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path):
    """Where a test's store lives: an SQLite file, then a fresh database on a real PostgreSQL server (the store's
    behaviour must be the same on both)."""
    if request.param == "sqlite":
        return tmp_path / "history.sqlite"
    server = request.getfixturevalue("postgres_server")
    if server.why_not:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the store's tests on PostgreSQL too, but {server.why_not}")
        pytest.skip(server.why_not)
    return server.new_database()
