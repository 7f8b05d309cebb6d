"""One screening session end to end: check, analyse, re-test against the last plan, write the files, report,
and record it in a patient's history. The CLI's ``analyze`` and the app both run sessions through here."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from movement_screen.stages import stage
from movement_screen.errors import ScreenError


@dataclass
class Session:
    analysis: Any  # api.Analysis
    result: dict
    out_dir: Path
    written: list[Path] = field(default_factory=list)
    session_id: int | None = None  # the history row, when recorded for a patient
    store_path: str | None = None  # where it was recorded, for messages
    trend: list[dict] | None = None  # progress since the patient's first session of this screen

    @property
    def unscorable_reason(self) -> str | None:
        return self.analysis.unscorable_reason


def progress_rows(sessions, result: dict, when: str) -> list[dict] | None:
    """Trend of the earlier ``sessions`` (store rows) followed by ``result``; None without earlier sessions."""
    from movement_screen.care.progress import trend

    from movement_screen.contract.result import is_scored

    earlier = [{"date": x.recorded_on, "result": x.result} for x in sessions if is_scored(x.result)]
    if not earlier or not is_scored(result):  # only scored sessions are compared
        return None
    return trend([*earlier, {"date": when, "result": result}])


PRIVACY_NOTES = {
    "deidentify": "De-identified: every face and everything around the screened person are blurred in the annotated "
                  "video and the key frames, the clips are named by the patient id, and the written videos carry "
                  "no sound or metadata.",
    "stick_figure": "De-identified: the annotated video and the key frames show the skeleton on a plain "
                    "background, the clips are named by the patient id, and the written videos carry no sound or "
                    "metadata.",
}


def deidentified(analysis, patient: str | None, privacy: str):
    """The analysis with the clips' names replaced by the patient id everywhere in the result (file names often
    carry a person's name, and messages quote them) and a note saying which de-identification was used."""
    from dataclasses import replace

    result = analysis.result
    who = patient or "clip"
    names = {}
    given = [source.path for source in result.sources] + [left_out["path"] for left_out in result.excluded]
    for i, path in enumerate(given):  # the clips left out (another movement) carry their names too
        anonymous = f"{who}_{i + 1}{Path(path).suffix}"
        names[str(path)] = anonymous
        names[Path(path).name] = anonymous
    scrubbed = _scrub(result, sorted(names.items(), key=lambda item: -len(item[0])))  # full paths first
    return replace(analysis, result=replace(scrubbed, notes=[*scrubbed.notes, PRIVACY_NOTES[privacy]]))


def _scrub(value, names: list[tuple[str, str]]):
    """``value`` with every name replaced, through dataclasses, lists, tuples and dicts."""
    from dataclasses import fields, is_dataclass, replace

    if isinstance(value, str):
        for name, anonymous in names:
            value = value.replace(name, anonymous)
        return value
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _scrub(getattr(value, f.name), names) for f in fields(value) if f.init})
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub(v, names) for v in value)
    if isinstance(value, dict):
        return {k: _scrub(v, names) for k, v in value.items()}
    return value


def run_session(videos: Sequence[str | Path], out_dir: Path, *, screen: str = "auto", video: bool = True,
                report: bool = False, patient: str | None = None, patient_name: str | None = None,
                store: str | Path | None = None, on: date | None = None, origin: str | None = None,
                own_inputs: bool = False, keep: Sequence[Path] = (), export: Sequence[str] = (),
                privacy: str = "none", full_size_video: bool = False, record_if=None, **analyze_options) -> Session:
    """Analyse ``videos`` into ``out_dir`` (result.json, CSVs, plot, annotated video unless ``video`` is False,
    report.pdf/html with ``report``); with ``patient``, re-test against their last plan and record the session
    in the history ``store`` (``origin`` says how it came, e.g. "home link"). Quick checks (store, inputs, output
    folder) run before the slow pose pass, and a clip that cannot be analysed leaves no empty folder behind.
    ``keep`` files are moved into ``out_dir``; with ``own_inputs`` the inputs themselves (the app's uploads and
    camera captures) are recorded with the session, so erasing the patient removes them too.
    ``export`` adds OpenSim files ("trc", "mot"); ``privacy`` "deidentify" blurs every face and all around the
    screened person in the pictures and keeps names out of the outputs, "stick_figure" draws the skeleton on a
    plain background instead of the video.
    ``record_if(db)``: asked in the transaction that records the session; False refuses it (the analysis queue's
    job is no longer this worker's). ``analyze_options`` go to :func:`api.analyze`.
    """
    from movement_screen.api import analyze, follow_up
    from movement_screen.pose.landmarks_file import is_landmarks_file
    from movement_screen.report.clinic import write_report
    from movement_screen.report.files import writable_folder
    from movement_screen.report.outputs import write_outputs
    from movement_screen.store.history import Store
    from movement_screen.video.reader import probe

    made = not out_dir.exists()
    history = Store(store) if patient else None
    try:
        for path in videos:  # an unreadable input is said before anything is created
            if not is_landmarks_file(path):
                probe(path)
        writable_folder(out_dir)
        try:
            # the pose pass keeps its pictures for the annotated video (decoded once); a full-size one decodes again
            analysis = analyze(list(videos), screen, on=on, keep_frames=video and not full_size_video,
                               **analyze_options)
        except ScreenError:
            if made and out_dir.is_dir() and not any(out_dir.iterdir()):
                out_dir.rmdir()
            raise
        if history:
            analysis = follow_up(analysis, history, patient, on)
        if privacy != "none":
            analysis = deidentified(analysis, patient, privacy)
        try:
            written = write_outputs(analysis, out_dir, video=video, export=export, privacy=privacy,
                                    height_cm=analyze_options.get("height_cm"), full_size_video=full_size_video)
        finally:
            for src in analysis.sources:  # the kept pictures are a temporary copy of the patient's video
                if src.kept is not None:
                    src.kept.discard()
        for extra in keep:  # moved, not copied: the session's record then holds the only copy, erased with it
            written.append(Path(shutil.move(str(extra), out_dir / Path(extra).name)))
        done = Session(analysis, analysis.result.to_dict(), out_dir, written)
        if history:
            when = (on or date.today()).isoformat()
            done.trend = progress_rows(history.sessions(patient, done.result["screen"]), done.result, when)
        if report:
            name = None if privacy != "none" else patient_name  # de-identified: the id, never the name
            who = {"id": patient, "name": name, "date": (on or date.today()).isoformat()} if patient else None
            with stage("clinic report"):
                done.written += write_report(done.result, out_dir, patient=who, trend=done.trend, privacy=privacy,
                                             videos=[str(src.info.path) for src in analysis.sources])
        if history:
            files = [*done.written, *(Path(v) for v in videos if own_inputs)]
            done.session_id = history.add_session(patient, done.result, on=on, name=patient_name, files=files,
                                                  origin=origin, guard=record_if)
            done.store_path = history.shown
        return done
    finally:
        if history:
            history.close()
