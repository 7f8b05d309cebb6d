"""Threshold tables (data files with evidence labels and sources) read at run time.

:func:`overriding` puts changed values in force for a while (``movement-screen rescore --thresholds FILE``): a
TOML file whose tables name the data file first, e.g. ``[squat.heels_down]`` ``pass_max = 0.03``.
"""

from __future__ import annotations

import copy
import sys
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from movement_screen.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_overrides: dict[str, dict] = {}


@lru_cache(maxsize=None)
def _packaged(name: str) -> dict:
    text = resources.files("movement_screen.data").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The ``movement_screen/data/<name>.toml`` table, with any overrides in force."""
    table = _packaged(name)
    if name not in _overrides:
        return table
    merged = copy.deepcopy(table)
    _merge(merged, _overrides[name], name)
    return merged


def _merge(into: dict, changes: dict, where: str) -> None:
    for key, value in changes.items():
        if key not in into:
            raise UsageError(f"threshold override '{where}.{key}' names nothing in the data file {where.split('.')[0]}"
                             ".toml (check the spelling)")
        if isinstance(value, dict):
            if not isinstance(into[key], dict):
                raise UsageError(f"threshold override '{where}.{key}' is a table, but {key} is a single value")
            _merge(into[key], value, f"{where}.{key}")
        else:
            into[key] = value


def read_overrides(path: str | Path) -> dict[str, dict]:
    """Overrides from a TOML file; every key must name an existing value (typos are errors, not no-ops)."""
    try:
        tables = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"the thresholds file '{path}' cannot be read ({exc})") from None
    for name, changes in tables.items():
        try:
            packaged = _packaged(name)
        except FileNotFoundError:
            raise UsageError(f"the thresholds file names '{name}', which is not a data table (squat, bend, gait, "
                             "...)") from None
        _merge(copy.deepcopy(packaged), changes, name)  # check only
    return tables


@contextmanager
def overriding(tables: dict[str, dict]):
    """Run with ``tables`` merged over the packaged data files, then restore them."""
    global _overrides
    before = _overrides
    _overrides = tables
    load.cache_clear()
    try:
        yield
    finally:
        _overrides = before
        load.cache_clear()
