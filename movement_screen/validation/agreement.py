"""Agreement of the verdicts with labels on real clips (a labels CSV any researcher can write for their own clips).

Labels file columns: ``clips`` (one clip, or the clips of one movement from several views joined by ``;``, relative
to the labels file or to ``videos``), ``screen``, ``criterion``, ``expected`` (pass, borderline, fail, not pass,
not fail) and ``source`` (who said so). Each group of clips is analysed once with the real model.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from movement_screen.errors import InputError
from movement_screen.validation.harness import agrees

EXPECTED = ("pass", "borderline", "fail", "not pass", "not fail")
COLUMNS = ("clips", "screen", "criterion", "expected", "source")


@dataclass(frozen=True)
class Label:
    clips: tuple[str, ...]
    screen: str
    criterion: str
    expected: str
    source: str
    row: int


@dataclass(frozen=True)
class Verdict:
    label: Label
    state: str  # what the tool said (or "error: ...")
    value: float | None

    @property
    def agrees(self) -> bool:
        return agrees(self.state, self.label.expected)


def read_labels(path: str | Path) -> list[Label]:
    """The labels of ``path``, or an InputError naming the row that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"labels file '{path}' not found")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"'{path}': columns {', '.join(missing)} missing (need {', '.join(COLUMNS)})")
        out = []
        for row, rec in enumerate(reader, start=2):
            expected = rec["expected"].strip().lower()
            if expected not in EXPECTED:
                raise InputError(f"'{path}' row {row}: expected '{rec['expected']}' is not one of "
                                 f"{', '.join(EXPECTED)}")
            clips = tuple(c.strip() for c in rec["clips"].split(";") if c.strip())
            if not clips:
                raise InputError(f"'{path}' row {row}: no clip given")
            out.append(Label(clips, rec["screen"].strip(), rec["criterion"].strip(), expected,
                             rec["source"].strip(), row))
    return out


def _locate(clip: str, labels_file: Path, videos: Path | None) -> Path:
    for base in ([videos] if videos else []) + [labels_file.parent]:
        candidate = base / clip
        if candidate.exists():
            return candidate
    raise InputError(f"clip '{clip}' (labels file '{labels_file}') not found" +
                     (f" in '{videos}'" if videos else "") + ": pass --videos FOLDER")


def run(labels_file: str | Path, videos: str | Path | None = None, model: str = "full",
        progress=None, pose_backend: str | None = None) -> list[Verdict]:
    """Analyse every labelled group of clips once and pair each label with the verdict given."""
    from movement_screen.api import analyze

    labels_file = Path(labels_file)
    videos = Path(videos) if videos else None
    labels = read_labels(labels_file)
    groups: dict[tuple, list[Label]] = defaultdict(list)
    for label in labels:
        groups[(label.clips, label.screen)].append(label)
    out = []
    for i, ((clips, screen), group) in enumerate(groups.items()):
        if progress:
            progress(i, len(groups), " + ".join(clips))
        try:
            paths = [_locate(c, labels_file, videos) for c in clips]
            result = analyze(paths, screen, model=model, pain="no", pose_backend=pose_backend).result
            found = {c.id: c for c in result.criteria}
            for label in group:
                c = found.get(label.criterion)
                out.append(Verdict(label, c.state if c else "unknown criterion", c.value if c else None))
        except Exception as exc:  # a clip that cannot be scored is recorded, and the others go on
            out.extend(Verdict(label, f"error: {exc}", None) for label in group)
    return out


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of (label, verdict) pairs on the pass / fail scale; None when it cannot be computed."""
    pairs = [(a, b) for a, b in pairs if a in ("pass", "fail") and b in ("pass", "fail")]
    if len(pairs) < 4:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    chance = sum((sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in ("pass", "fail"))
    return None if chance == 1 else (observed - chance) / (1 - chance)


def tables(verdicts: list[Verdict]) -> str:
    """Markdown: every label with its verdict, then agreement per criterion."""
    lines = ["| clips | criterion | label | verdict | value | agrees | label source |", "|---|---|---|---|---|---|---|"]
    for v in verdicts:
        value = "" if v.value is None else f"{v.value:.2f}"
        lines.append(f"| {' + '.join(v.label.clips)} | {v.label.criterion} | {v.label.expected} | {v.state} | "
                     f"{value} | {'yes' if v.agrees else '**no**'} | {v.label.source} |")
    lines += ["", "| criterion | labels | agree | agreement | Cohen's kappa (pass/fail labels) |",
              "|---|---|---|---|---|"]
    by: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by[v.label.criterion].append(v)
    for criterion, group in by.items():
        right = sum(v.agrees for v in group)
        kappa = cohen_kappa([(v.label.expected, v.state) for v in group])
        lines.append(f"| {criterion} | {len(group)} | {right} | {100 * right / len(group):.0f} % | "
                     f"{'too few pass/fail labels' if kappa is None else f'{kappa:.2f}'} |")
    total = sum(v.agrees for v in verdicts)
    lines.append(f"| **all** | {len(verdicts)} | {total} | {100 * total / max(len(verdicts), 1):.0f} % | |")
    return "\n".join(lines)
