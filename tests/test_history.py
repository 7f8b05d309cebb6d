"""Patient history: trends against the MDC, re-test and escalation, erasure, and crash-safe writes."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date

import pytest

from movement_screen.care.plan import make_plan
from movement_screen.care.progress import reassess, trend
from movement_screen.care.safety import evaluate
from movement_screen.errors import InputError, UsageError
from movement_screen.store.history import Store


def squat_result(knee_in: float, depth: float = -0.3, score: int | None = None) -> dict:
    """A squat result with knees inside the toes (shank lengths, MDC 0.08) and depth (no MDC known)."""
    def criterion(cid, value, limit, unit, state):
        return {"id": cid, "title": cid.replace("_", " ").capitalize(), "state": state, "value": value,
                "margin": limit - value if cid == "knees_move_inward" else value - limit, "unit": unit,
                "threshold": "rule", "view": "frontal"}
    valgus_state = "pass" if knee_in <= 0.05 else "fail"
    depth_state = "pass" if depth >= 0.05 else "fail"
    criteria = [criterion("knees_move_inward", knee_in, 0.05, "shank lengths", valgus_state),
                criterion("thigh_below_horizontal", depth, 0.05, "thigh lengths", depth_state)]
    findings = [{"id": c["id"], "title": c["title"], "severity": "moderate", "evidence": ""}
                for c in criteria if c["state"] == "fail"]
    return {"screen": "squat", "criteria": criteria, "findings": findings, "sources": [{"path": "clip.mp4"}],
            "score": {"name": "FMS deep squat", "value": score, "max": 3} if score is not None else None}


def row(rows, measure):
    return next(r for r in rows if r["measure"] == measure)


def test_change_below_and_above_the_mdc():
    small = trend([{"date": "2026-01-01", "result": squat_result(0.20)},
                   {"date": "2026-02-01", "result": squat_result(0.15)}])
    assert row(small, "knees_move_inward")["since_first"]["verdict"] == "no_real_change"
    assert row(small, "knees_move_inward")["since_first"]["mdc"] == pytest.approx(0.08)
    big = trend([{"date": "2026-01-01", "result": squat_result(0.20)},
                 {"date": "2026-02-01", "result": squat_result(0.05)}])
    assert row(big, "knees_move_inward")["since_first"]["verdict"] == "better"
    assert row(big, "knees_move_inward")["since_first"]["delta"] == pytest.approx(-0.15)
    worse = trend([{"date": "2026-01-01", "result": squat_result(0.05)},
                   {"date": "2026-02-01", "result": squat_result(0.20)}])
    assert row(worse, "knees_move_inward")["since_first"]["verdict"] == "worse"
    # depth has no published MDC: the tool will not call it real
    assert row(big, "thigh_below_horizontal")["since_first"]["verdict"] == "cannot_tell"


def plan_for(result, on):
    return make_plan(result, evaluate({}), on=on)


def test_escalation_after_the_review_window():
    baseline = squat_result(0.20)
    plan = plan_for(baseline, date(2026, 1, 5))
    assert {b["criterion"] for b in plan["benchmarks"]} == {"knees_move_inward", "thigh_below_horizontal"}
    stalled = reassess(plan, "2026-01-05", squat_result(0.18), date(2026, 3, 9))  # 9 weeks, change < MDC
    assert stalled["escalate"]
    assert any("Discuss with your clinician: no improvement in knees move inward since 2026-01-05" in n
               for n in stalled["notes"])
    early = reassess(plan, "2026-01-05", squat_result(0.18), date(2026, 1, 26))  # 3 weeks: keep going
    assert not early["escalate"] and "keep going" in early["notes"][0]
    better = reassess(plan, "2026-01-05", squat_result(0.05, depth=0.1), date(2026, 3, 9))
    assert not better["escalate"]
    assert {b["status"] for b in better["benchmarks"]} == {"met"}
    improving = reassess(plan, "2026-01-05", squat_result(0.08, depth=0.1), date(2026, 3, 9))
    assert next(b for b in improving["benchmarks"] if b["criterion"] == "knees_move_inward")["status"] == \
        "improving"
    assert not improving["escalate"]


def unscored_result() -> dict:
    """A squat session where no squat was found: every criterion not assessed, the no-movement error."""
    return {"screen": "squat", "criteria": [{"id": "knees_move_inward", "title": "Knees move inward",
                                             "state": "not_assessed", "value": None, "margin": None}],
            "findings": [], "sources": [{"path": "clip.mp4"}], "score": None,
            "quality": {"issues": [{"code": "no_movement", "message": "no squat found", "severity": "error"}]}}


def test_a_session_without_a_score_is_never_called_improving_nor_compared():
    plan = plan_for(squat_result(0.20), date(2026, 1, 5))
    nothing = reassess(plan, "2026-01-05", unscored_result(), date(2026, 1, 5))
    assert {b["status"] for b in nothing["benchmarks"]} == {"not_measured"}
    assert not any("met or improving" in n for n in nothing["notes"])
    assert any("could be measured" in n for n in nothing["notes"])
    # the same day reads as the same day, not "after 0.0 weeks"
    same_day = reassess(plan, "2026-01-05", squat_result(0.18), date(2026, 1, 5))
    assert "the same day" in same_day["notes"][0] and "0.0 weeks" not in same_day["notes"][0]
    rows = trend([{"date": "2026-01-01", "result": squat_result(0.20)},
                  {"date": "2026-01-08", "result": unscored_result()},
                  {"date": "2026-02-01", "result": squat_result(0.05)}])
    assert [v["date"] for v in row(rows, "knees_move_inward")["values"]] == ["2026-01-01", "2026-02-01"]
    assert make_plan(unscored_result(), evaluate({}))["status"] == "not_made"


def test_only_scored_sessions_are_retested_and_trended(store_location):
    from movement_screen.session import progress_rows

    with Store(store_location) as store:
        first = squat_result(0.20)
        store.add_session("p1", {**first, "plan": plan_for(first, date(2026, 1, 5))}, on=date(2026, 1, 5))
        store.add_session("p1", unscored_result(), on=date(2026, 1, 12))
        sessions = store.sessions("p1", "squat")
        assert [s.scored for s in sessions] == [True, False]
        assert store.last_plan("p1", "squat", date(2026, 2, 1)).recorded_on == "2026-01-05"
        assert progress_rows(sessions, unscored_result(), "2026-02-01") is None
        rows = progress_rows(sessions, squat_result(0.05), "2026-02-01")
        assert len(row(rows, "knees_move_inward")["values"]) == 2


def test_store_sessions_plan_lookup_and_erasure(tmp_path, store_location):
    out = tmp_path / "out" / "s1"
    out.mkdir(parents=True)
    files = [out / "result.json", out / "report.pdf"]
    for f in files:
        f.write_text("x")
    first = squat_result(0.20)
    first["plan"] = plan_for(first, date(2026, 1, 5))
    with Store(store_location) as store:
        store.add_session("P7", first, on=date(2026, 1, 5), name="Ann", files=files)
        store.add_session("P7", squat_result(0.15), on=date(2026, 2, 5))
        store.add_session("P8", squat_result(0.25), on=date(2026, 2, 5))
        assert [s.recorded_on for s in store.sessions("P7")] == ["2026-01-05", "2026-02-05"]
        assert store.last_plan("P7", "squat", date(2026, 3, 1)).recorded_on == "2026-01-05"
        assert store.last_plan("P7", "squat", date(2026, 1, 1)) is None
        assert [p["id"] for p in store.patients()] == ["P7", "P8"]
        done = store.delete_patient("P7")
        assert done["sessions"] == 2 and sorted(done["files_removed"]) == sorted(str(f) for f in files)
        assert not out.exists()  # the emptied folder goes too
        assert store.sessions("P7") == [] and not store.has_patient("P7")
        assert [s.patient_id for s in store.sessions("P8")] == ["P8"]
        with pytest.raises(UsageError, match="no patient"):
            store.delete_patient("P7")
    if isinstance(store_location, str):
        return  # PostgreSQL: the vacuum above marks the rows' space for reuse; no file of ours to read
    raw = store_location.read_bytes()
    assert b"Ann" not in raw  # secure delete + vacuum: the name is gone from the file


def test_not_a_store(tmp_path):
    bad = tmp_path / "h.sqlite"
    bad.write_text("this is not a database" * 100)
    with pytest.raises(InputError, match="cannot be opened"):
        Store(bad)


WRITER = """
import sys
from datetime import date
from movement_screen.store.history import Store
store = Store(sys.argv[1])
result = {"screen": "squat", "criteria": [], "findings": [], "sources": [{"path": "x"}], "pad": "p" * 400000}
n = 0
while True:
    store.add_session("P1", dict(result, n=n), on=date(2026, 1, 1))
    n += 1
    print(n, flush=True)
"""


def test_killed_writer_leaves_the_store_intact(tmp_path):
    path = tmp_path / "h.sqlite"
    with Store(path) as store:
        store.add_session("P0", squat_result(0.20), on=date(2026, 1, 1), name="before")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    committed = 0
    try:
        while committed < 5:  # let a few sessions commit, then kill while the next is being written
            committed = int(writer.stdout.readline())
        time.sleep(0.05)
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with Store(path) as store:
        assert [s.result["criteria"][0]["value"] for s in store.sessions("P0")] == [0.20]
        rows = store.sessions("P1")
        assert len(rows) >= committed
        assert [s.result["n"] for s in rows] == list(range(len(rows)))  # whole sessions only, in order
        store.add_session("P0", squat_result(0.15), on=date(2026, 2, 1))  # still writable
        assert len(store.sessions("P0")) == 2
    assert json.loads(json.dumps(rows[-1].result))["pad"] == "p" * 400000


def test_cli_refuses_a_bad_store_before_analysing(tmp_path):
    bad = tmp_path / "h.sqlite"
    bad.write_text("this is not a database" * 100)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0" * 1000)
    done = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip), "--patient", "P1",
                           "--store", str(bad), "--out", str(tmp_path / "o")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "cannot be opened" in done.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "o").exists()  # nothing analysed yet, nothing half-written
    named = subprocess.run([sys.executable, "-m", "movement_screen", "analyze", str(clip), "--patient-name", "Ann"],
                           capture_output=True, text=True, timeout=120)
    assert named.returncode == 2 and "--patient-name needs --patient" in named.stderr
