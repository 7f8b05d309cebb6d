"""The red-flag pre-screen (clinical-spec E.4): questions, answers, and what they allow.

Any emergency, urgent or review answer withholds the exercise plan and says where to seek care (emergency
wording for possible cauda equina syndrome). Precautions keep the plan but leave exercises out or add cautions.
Answers come from CLI flags, an answers file (JSON or TOML: ``{question_id = true/false}``) or the app.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from movement_screen.errors import InputError, UsageError
from movement_screen.contract.config import load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LEVELS = ("emergency", "urgent", "review", "precaution")  # most serious first
BLOCKING = ("emergency", "urgent", "review")


@dataclass(frozen=True)
class Question:
    id: str
    level: str
    question: str
    effect: str = ""


@dataclass(frozen=True)
class Screening:
    """The answers and what follows from them."""

    asked: bool
    answers: dict[str, bool] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)  # question ids answered yes at a blocking level
    precautions: list[str] = field(default_factory=list)  # question ids answered yes at precaution level
    level: str | None = None  # the most serious level answered yes
    message: str = ""
    answered_at: str | None = None  # when the answers were given (UTC, ISO 8601); None when not asked

    @property
    def blocks_plan(self) -> bool:
        return self.level in BLOCKING

    def to_dict(self) -> dict:
        return asdict(self)


def load_questions() -> list[Question]:
    table = load("redflags")
    return [Question(qid, q["level"], q["question"], q.get("effect", "")) for qid, q in table["question"].items()]


def read_answers(path: str | Path) -> dict[str, bool]:
    """An answers file: JSON or TOML mapping question id to true/false (or "yes"/"no")."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"answers file {path} not found")
    text = path.read_text(encoding="utf-8")
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"answers file {path} cannot be read ({exc}); write question = true/false per line") \
            from None
    if not isinstance(raw, dict):
        raise InputError(f"answers file {path} must map question ids to true/false")
    return {str(k): _yes(v, f"answers file {path}, question '{k}'") for k, v in raw.items()}


def _yes(value, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "y", "true", "no", "n", "false"):
        return value.strip().lower() in ("yes", "y", "true")
    raise InputError(f"{where}: answer must be true/false or yes/no (got {value!r})")


def evaluate(answers: dict[str, bool] | None, pain: str = "not_asked", answered_at: str | None = None
             ) -> Screening:
    """What the answers allow. ``None`` means the questions were not asked.

    ``pain`` is the analysis's pain answer; "yes" counts as the pain_during_test flag (spec E.4 stop rule).
    Unknown question ids raise a UsageError listing the known ones. Unanswered questions count as "no"
    once any answer is given (a form submits every box, and the app asks for "none of these apply" when none is
    ticked). ``answered_at`` records when they were answered (now when not given).
    """
    from datetime import datetime, timezone

    questions = {q.id: q for q in load_questions()}
    answered = answers is not None
    if answers is None and pain != "yes":
        return Screening(asked=False, message="Red-flag questions were not asked: go through them (movement-screen "
                         "analyze --answers FILE or --flag ID) before starting the exercises.")
    answers = dict(answers or {})
    unknown = [k for k in answers if k not in questions]
    if unknown:
        raise UsageError(f"unknown red-flag question(s) {', '.join(unknown)}; known: {', '.join(questions)}")
    if pain == "yes":
        answers["pain_during_test"] = True
    answers = {qid: bool(answers.get(qid, False)) for qid in questions}
    yes = [qid for qid, a in answers.items() if a]
    flags = [qid for qid in yes if questions[qid].level in BLOCKING]
    precautions = [qid for qid in yes if questions[qid].level == "precaution"]
    level = next((lv for lv in LEVELS if any(questions[q].level == lv for q in yes)), None)
    messages = load("redflags")["messages"]
    message = messages[level] if level else "No red flags reported."
    if level == "precaution":
        message += " " + " ".join(questions[q].effect for q in precautions if questions[q].effect)
    if answered:  # pain reported without the questions is not an answer to them
        answered_at = answered_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    else:
        answered_at = None
    return Screening(asked=True, answers=answers, flags=flags, precautions=precautions, level=level,
                     message=message, answered_at=answered_at)
