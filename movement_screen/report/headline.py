"""Each screen's headline result in its own clinical terms, for the therapist and in plain words for the patient.

* squat: the FMS deep-squat score (its own words, :mod:`screens.squat`);
* sit-to-stand: the five-times time against the mean for the age decade and the 15 s fall-risk cut-off, and the
  30-second count against the lower end of normal for the age band and sex (the norms in sit_to_stand.toml);
* single-leg squat: each leg, its number of squats and its worst finding;
* posture: the list of deviations;
* gait and forward bend: the lead measures, then what to work on.

The words are in data/headline.toml (patient criterion names in patient_words.toml). Every front end shows the
same lines: the app's page and history, report.pdf and the patient's PDF.
"""

from __future__ import annotations

import re

from movement_screen.contract.config import load
from movement_screen.contract.result import short_number

SEVERITY = ("fail", "borderline")
LEAD_MEASURES = {"gait": ("cadence_steps_per_min", "walking_speed_m_s", "step_length_m"),
                 "forward_bend": ("fingertip_floor_cm", "max_trunk_inclination_deg")}


def headline(result: dict, reader: str = "therapist") -> list[str]:
    """The headline lines of a scored result (``reader``: "therapist" or "patient"); [] when it was not scored."""
    if result.get("scored") is False or result.get("unscored_reason"):
        return []
    words = load("headline")[reader]
    screen = result.get("screen")
    criteria = {c["id"]: c for c in result.get("criteria", [])}
    if screen == "squat":
        score = result.get("score") or {}
        shown = score_value(score)
        if reader == "patient" or shown is None:
            return []  # the patient's squat sentence is patient_words' score_sentence
        return [f"{score['name']}: {shown}"]
    if screen == "sit_to_stand":
        return [_five_times(result, criteria.get("five_times_sit_to_stand"), words),
                _thirty(result, criteria.get("chair_stand_30s"), words)]
    if screen == "single_leg_squat":
        return _legs(result, words, reader)
    worst = _worst([c for c in criteria.values() if c.get("group") != "limits"])
    names = [_name(c, reader) for c in worst]
    if screen == "posture":
        return [words["deviations"].format(list=_join(names)) if names else words["no_deviations"]]
    lines = []
    measures = [m for m in LEAD_MEASURES.get(screen, ()) if (result.get("metrics") or {}).get(m) is not None]
    if measures and reader == "therapist":
        from movement_screen.report.document import measure_text

        lines.append("; ".join(measure_text(m, result["metrics"][m]) for m in measures))
    lines.append(words["to_work_on"].format(list=_join(names)) if names else words["nothing_to_work_on"])
    return lines


def score_value(score: dict | None) -> str | None:
    """A single score as people read it: "2 / 3", or its range "1-2 / 3"; None when it was not scored."""
    if not score:
        return None
    if score.get("value") is not None:
        return f"{score['value']} / {score['max']}"
    if score.get("range"):
        return f"{score['range'][0]}-{score['range'][1]} / {score['max']}"
    return None


def short(result: dict) -> str:
    """The therapist's headline on one line (the history table)."""
    return "; ".join(headline(result, "therapist"))


def _worst(criteria: list[dict]) -> list[dict]:
    judged = [c for c in criteria if c["state"] in SEVERITY]
    return sorted(judged, key=lambda c: (SEVERITY.index(c["state"]), c.get("margin") or 0.0))


def _name(criterion: dict, reader: str) -> str:
    if reader == "therapist":
        return f"{criterion['title']} ({criterion['state']})"
    entry = load("patient_words")["criteria"].get(criterion["id"])
    name = entry["name"] if entry else criterion["title"]
    return name[0].lower() + name[1:]


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _five_times(result: dict, criterion: dict | None, words: dict) -> str:
    cfg = load("sit_to_stand")["five_times_sit_to_stand"]
    metrics = result.get("metrics") or {}
    if criterion is None or criterion.get("value") is None:
        return words["five_times_missing"].format(stands=metrics.get("full_stands") or 0, need=int(cfg["stands"]))
    seconds, fall = float(criterion["value"]), cfg["fall_risk_s"]
    if criterion["state"] == "not_assessed":  # measured, no norm: the criterion says why (no age, age outside)
        age = (result.get("settings") or {}).get("age")
        why = words.get("no_age", "") if age is None else words.get("no_band", "").format(age=age)
        verdict = words["five_times_no_norm"].format(why=why, fall=fall)
    else:  # judged: its margin is the norm minus the time, so the norm (and its age band) is the criterion's own
        norm = seconds + float(criterion["margin"])
        ages = min(cfg["norm_s"], key=lambda band: abs(cfg["norm_s"][band] - norm))
        verdict = words[f"five_times_{criterion['state']}"].format(ages=ages, norm=cfg["norm_s"][ages], fall=fall,
                                                                    decade=f"{ages.split('-')[0]}s")
    return words["five_times"].format(seconds=seconds, verdict=verdict)


def _thirty(result: dict, criterion: dict | None, words: dict) -> str:
    if criterion is None or criterion.get("value") is None:
        metrics = result.get("metrics") or {}
        start = metrics.get("first_rise_start_s")
        end = max((s.get("duration_s") or 0.0 for s in result.get("sources", [])), default=0.0)
        covered = max(0.0, end - start) if start is not None else 0.0
        return words["thirty_missing"].format(covered=covered)
    count = float(criterion["value"])
    if criterion["state"] == "not_assessed":  # counted, no norm: no age or sex given, or an age outside
        settings = result.get("settings") or {}
        why = "; ".join(w for w, missing in ((words.get("no_age", ""), settings.get("age") is None),
                                             (words.get("no_sex", ""), settings.get("sex") is None)) if missing) or \
            words.get("no_band", "").format(age=settings.get("age") or 0)
        verdict = words["thirty_no_norm"].format(why=why)
    else:  # judged: the rule names the group and ages, the margin is the count minus the lowest normal count
        group, ages = re.search(r"\((women|men) (\d+-\d+)\)", criterion["threshold"]).groups()
        lowest = round(count - float(criterion["margin"]))
        verdict = words[f"thirty_{criterion['state']}"].format(group=group, ages=ages, lowest=lowest)
    return words["thirty"].format(count=count, verdict=verdict)


def _legs(result: dict, words: dict, reader: str) -> list[str]:
    """Each leg's squats and its worst finding, judged on that leg's means with the screen's own bands."""
    from movement_screen.screens.single_leg import leg_states

    metrics = result.get("metrics") or {}
    titles = {c["id"]: c["title"] for c in result.get("criteria", []) if c["state"] != "not_assessed"}  # the
    # criteria this session's views measure
    lines = []
    for side in ("left", "right"):
        count = metrics.get(f"repetitions_{side}") or 0
        if not count:
            lines.append(words["leg_none"].format(Side=side.capitalize()))
            continue
        states = {cid: s for cid, s in leg_states(metrics, side).items() if cid in titles}  # (state, value, unit,
        # margin)
        judged = sorted(((cid, s) for cid, s in states.items() if s[0] in SEVERITY),
                        key=lambda x: (SEVERITY.index(x[1][0]), x[1][3]))
        if not judged:
            worst = words["leg_fine"]
        else:
            cid, (state, value, unit, _) = judged[0]
            title = titles[cid]
            if reader == "therapist":
                worst = words["worst"].format(title=title, value=f"{short_number(value)} {unit}", state=state)
            else:
                worst = words["worst"].format(name=_name({"id": cid, "title": title}, "patient"))
        lines.append(words["leg"].format(Side=side.capitalize(), count=count, worst=worst))
    return lines
