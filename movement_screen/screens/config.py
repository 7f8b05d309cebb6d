"""Threshold tables (data files with evidence labels and sources) read at run time."""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The ``movement_screen/data/<name>.toml`` table."""
    text = resources.files("movement_screen.data").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
