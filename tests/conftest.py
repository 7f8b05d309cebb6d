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
