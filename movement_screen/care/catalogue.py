"""The exercise catalogue: a TOML file a clinician can read and edit, checked on load.

The packaged catalogue is ``movement_screen/data/exercises.toml``; a clinician can pass their own file. Every
mistake is reported with the entry and the field, e.g. ``exercise 'bird_dog': 'dose' needs 'reps' or 'hold'``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from movement_screen.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATEGORIES = ("core", "corrective")
EVIDENCE = ("V", "N", "C", "W")
REQUIRED_TEXT = ("name", "easier", "harder", "source")


class CatalogueError(InputError):
    """The exercise catalogue file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    category: str
    steps: tuple[str, ...]
    dose: dict[str, str]
    easier: str
    harder: str
    cautions: tuple[str, ...]
    addresses: tuple[str, ...]
    evidence: str
    source: str
    basic: bool = False
    always: bool = False
    avoid_with: tuple[str, ...] = ()
    keep_in_mind: dict[str, str] = field(default_factory=dict)

    @property
    def dose_text(self) -> str:
        """E.g. "2-3 sets of 10-15, 2-3 days a week" or "1 pyramid (8-10 s holds: 6, then 4, then 2), daily"."""
        d = self.dose
        amount = d.get("reps") or d.get("hold")
        sets = d["sets"].strip()
        if sets.replace("-", "").isdigit():
            return f"{sets} {'set' if sets == '1' else 'sets'} of {amount}, {d['frequency']}"
        return f"{sets} ({amount}), {d['frequency']}"


def known_findings() -> set[str]:
    """Every finding id the screens can produce (criterion ids, plus the FMS score finding)."""
    from movement_screen.screens import bend, gait, posture, single_leg, sit_to_stand, squat

    return {*squat.FMS_TITLES, *squat.NASM_TITLES, *bend.TITLES, *gait.TITLES, *posture.TITLES,
            *single_leg.TITLES, *sit_to_stand.TITLES, "fms_score_low"}


def load_catalogue(path: str | Path | None = None) -> list[Exercise]:
    """The packaged catalogue, or the clinician's file at ``path``; raises CatalogueError naming what is wrong."""
    if path is None:
        where = "the packaged catalogue (movement_screen/data/exercises.toml)"
        text = resources.files("movement_screen.data").joinpath("exercises.toml").read_text(encoding="utf-8")
    else:
        path = Path(path)
        where = str(path)
        if not path.is_file():
            raise CatalogueError(f"exercise catalogue {path} not found")
        text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where} is not valid TOML: {exc}") from None
    entries = data.get("exercise")
    if not isinstance(entries, dict) or not entries:
        raise CatalogueError(f"{where} has no [exercise.ID] entries")
    from movement_screen.care.safety import load_questions

    precautions = {q.id for q in load_questions() if q.level == "precaution"}
    findings = known_findings()
    out = [_entry(ex_id, raw, where, findings, precautions) for ex_id, raw in entries.items()]
    if not any(e.always or e.basic for e in out):
        raise CatalogueError(f"{where}: no exercise is marked basic = true or always = true, so a screen with no "
                             "findings would get an empty plan")
    return out


def _entry(ex_id: str, raw, where: str, findings: set[str], precautions: set[str]) -> Exercise:
    def fail(message: str):
        raise CatalogueError(f"{where}: exercise '{ex_id}': {message}")

    if not isinstance(raw, dict):
        fail("must be a table of fields")
    for key in REQUIRED_TEXT:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            fail(f"'{key}' is missing or empty (plain text needed)")
    if raw.get("category") not in CATEGORIES:
        fail(f"'category' must be one of {', '.join(CATEGORIES)} (got {raw.get('category')!r})")
    if raw.get("evidence") not in EVIDENCE:
        fail(f"'evidence' must be one of {', '.join(EVIDENCE)} (got {raw.get('evidence')!r})")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s.strip() for s in steps):
        fail("'steps' must be a non-empty list of instructions")
    dose = raw.get("dose")
    if not isinstance(dose, dict):
        fail("'dose' is missing (a table with sets, reps or hold, and frequency)")
    for key in ("sets", "frequency"):
        if not isinstance(dose.get(key), str) or not dose[key].strip():
            fail(f"'dose' needs '{key}' as text")
    if not (dose.get("reps") or dose.get("hold")):
        fail("'dose' needs 'reps' or 'hold'")
    cautions = raw.get("cautions", [])
    if not isinstance(cautions, list) or not all(isinstance(c, str) for c in cautions):
        fail("'cautions' must be a list of text (it may be empty)")
    addresses = raw.get("addresses", [])
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        fail("'addresses' must be a list of finding ids")
    unknown = [a for a in addresses if a not in findings]
    if unknown:
        fail(f"'addresses' names unknown finding(s) {', '.join(unknown)}; known: {', '.join(sorted(findings))}")
    if not addresses and not (raw.get("basic") or raw.get("always")):
        fail("addresses no finding and is not basic: the plan could never choose it")
    avoid = raw.get("avoid_with", [])
    keep = raw.get("keep_in_mind", {})
    if not isinstance(avoid, list) or not isinstance(keep, dict):
        fail("'avoid_with' must be a list and 'keep_in_mind' a table")
    bad = [p for p in [*avoid, *keep] if p not in precautions]
    if bad:
        fail(f"unknown precaution(s) {', '.join(bad)}; known: {', '.join(sorted(precautions))}")
    extra = set(raw) - {*REQUIRED_TEXT, "category", "evidence", "steps", "dose", "cautions", "addresses", "basic",
                        "always", "avoid_with", "keep_in_mind"}
    if extra:
        fail(f"unknown field(s) {', '.join(sorted(extra))}")
    return Exercise(
        id=ex_id, name=raw["name"].strip(), category=raw["category"], steps=tuple(steps),
        dose={k: str(v) for k, v in dose.items()}, easier=raw["easier"], harder=raw["harder"],
        cautions=tuple(cautions), addresses=tuple(addresses), evidence=raw["evidence"], source=raw["source"],
        basic=bool(raw.get("basic", False)), always=bool(raw.get("always", False)), avoid_with=tuple(avoid),
        keep_in_mind={k: str(v) for k, v in keep.items()},
    )
