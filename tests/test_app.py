"""The Streamlit app's pages through streamlit.testing (no browser): choosing a screen, its filming guide, the
analysis of real clips, results and plan, the red-flag path, errors, and a therapist's patient history."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from clips import clip

pytest.importorskip("streamlit")
from streamlit import config  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVEMENT_SCREEN_STORE", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("MOVEMENT_SCREEN_APP_DIR", str(tmp_path / "app"))
    monkeypatch.setenv("MOVEMENT_SCREEN_APP_MODE", "local")  # the therapist's own computer: no log-in
    # the analysis pool, as `movement-screen app` starts it beside the page server
    workers = subprocess.Popen([sys.executable, "-m", "movement_screen", "queue", "serve"])
    monkeypatch.setenv("MOVEMENT_SCREEN_DISPATCHER", str(workers.pid))
    config.set_option("server.address", "127.0.0.1")
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    assert not at.exception
    yield at
    config.set_option("server.address", None)
    workers.terminate()
    workers.wait(timeout=60)


def wait_for_the_analysis(at, timeout: float = 300) -> None:
    """The page follows its analysis in the queue: rerun it (as its one-second refresh does in a browser) until
    the job has finished, then once more to show the result."""
    from movement_screen.jobs import records
    from movement_screen.store.db import Database

    job_id = at.session_state["followed_job"] if "followed_job" in at.session_state else None
    if job_id is None:
        return
    end = time.monotonic() + timeout
    db = Database()
    try:
        while not records.get(db, job_id).finished:
            assert time.monotonic() < end, f"the analysis did not finish in {timeout} s"
            time.sleep(0.5)
    finally:
        db.close()
    at.run()


def texts(at) -> str:
    return "\n".join(str(e.value) for group in (at.markdown, at.caption, at.subheader, at.error, at.warning, at.info,
                                                          at.success)
                     for e in group)


def analyse(at, *paths, patient="-", none_apply=True):
    """Type the clips' paths for ``patient`` (the inputs belong to the patient chosen), say none of the safety
    questions apply unless some box was ticked, and press Analyse."""
    if none_apply:
        at.checkbox(key=f"q_{patient}_none").check()
    at.run()  # the Analyse button is enabled once the questions are answered
    at.text_input(key=f"video_paths_{patient}").input("; ".join(str(p) for p in paths))
    next(b for b in at.button if b.label == "Analyse my movement").click()
    at.run()
    assert not at.exception, at.exception
    wait_for_the_analysis(at)
    assert not at.exception, at.exception


def test_choosing_a_screen_shows_how_to_film_it(app):
    app.radio(key="screen").set_value("gait").run()
    words = texts(app)
    assert "Walking (gait)" in words and "6-10 m" in words and "hip height" in words
    assert len(app.get("image")) == 1  # the set-up diagram
    app.radio(key="screen").set_value("squat").run()
    assert "arms straight up overhead" in texts(app)
    app.radio(key="screen").set_value("posture").run()
    assert "Standing posture" in texts(app) and "about five seconds" in texts(app)
    assert not [n for n in app.number_input if n.key == "age"]  # the age box belongs to the sit-to-stand only
    app.radio(key="screen").set_value("sit_to_stand").run()
    assert "chair without arms" in texts(app) and "arms crossed on your chest" in texts(app)
    assert [n for n in app.number_input if n.key == "age"] and app.radio(key="sex").value == "not given"
    assert not [n for n in app.number_input if n.key == "height"]  # no height box where it changes nothing
    app.radio(key="screen").set_value("single_leg_squat").run()
    assert "knee to hip height" in texts(app) and not [n for n in app.number_input if n.key == "height"]
    app.radio(key="screen").set_value("gait").run()
    assert "step length and walking speed" in next(n for n in app.number_input if n.key == "height").label


def test_each_guide_says_one_distance_and_one_camera_height_and_its_drawing_the_same():
    """The words and the drawing take the distance and the lens height from one place; no step of a guide names
    another distance or height (the single-leg squat's once said 2-3 m at knee height beside 2.5-4 m at hip
    height)."""
    import re

    from movement_screen.app.guide import GUIDES, setup_diagram

    for screen, guide in GUIDES.items():
        words = " ".join(guide.steps + guide.movement)
        distances = set(re.findall(r"\d+(?:\.\d+)?-\d+(?:\.\d+)? m\b", words)) - {"6-10 m"}  # the walkway's length
        assert distances == {guide.distance}, (screen, distances)
        heights = set(re.findall(r"(?:knee to hip|knee|hip|chest|waist) height", words))
        assert heights == {guide.camera}, (screen, heights)
        assert "degrees" not in words, screen  # nothing a patient cannot judge for themselves
        assert setup_diagram(screen)[:4] == b"\x89PNG"


def test_no_video_is_a_clear_message(app):
    app.checkbox(key="q_-_none").check().run()
    next(b for b in app.button if b.label == "Analyse my movement").click()
    app.run()
    assert any("Add a video first" in e.value for e in app.error)


def test_nothing_is_analysed_before_the_safety_questions_are_answered(app, tmp_path):
    """An unticked box is not an answer: Analyse stays off until a statement or "none of these apply" is ticked,
    and ticking both asks to untick one."""
    analyse_button = next(b for b in app.button if b.label == "Analyse my movement")
    assert analyse_button.disabled
    assert any("None of these apply to me" in i.value for i in app.info)
    app.checkbox(key="q_-_none").check().run()
    assert not next(b for b in app.button if b.label == "Analyse my movement").disabled
    app.checkbox(key="q_-_saddle_numbness").check().run()
    assert any("untick one" in w.value for w in app.warning)
    assert next(b for b in app.button if b.label == "Analyse my movement").disabled
    app.radio(key="page").set_value("Webcam").run()
    assert any("safety questions" in i.value for i in app.info)  # no camera before the questions
    assert not app.get("iframe")


def test_a_text_file_gets_the_library_message(app, tmp_path):
    fake = tmp_path / "notes.mp4"
    fake.write_text("not a video")
    analyse(app, fake)
    assert any("could not be analysed" in e.value and "not a readable video" in e.value for e in app.error)


@pytest.mark.pipeline
def test_squat_clips_give_score_criteria_plan_and_downloads(app):
    app.radio(key="screen").set_value("squat").run()
    analyse(app, clip("lnewco_ohs_7032_side.mov"), clip("lnewco_ohs_7033_front.mov"))
    assert app.metric[0].value == "1-2 / 3"
    words = texts(app)
    assert "Thighs go below level: needs work" in words  # plain-language criteria, worst first
    assert "Your exercise plan" in [h.value for h in app.subheader]
    assert any("Bracing" in e.label or "bracing" in e.label.lower() for e in app.expander)
    assert {b.label for b in app.get("download_button")} >= {"result.json", "report.pdf", "angles.csv"}
    table = app.dataframe[0].value
    assert "Femur below horizontal" in list(table["Criterion"])
    assert set(table["Result"]) >= {"🔴 needs work", "✅ looks fine"}  # states in words, as the legend gives them
    cells = [str(v) for column in table.columns for v in table[column]]
    assert not [v for v in cells if v in ("None", "nan", "not_assessed")], cells  # an empty cell, not "None"


@pytest.mark.pipeline
def test_a_red_flag_withholds_the_plan(app):
    app.checkbox(key="q_-_saddle_numbness").check()
    analyse(app, clip("lnewco_ohs_7033_front.mov"), none_apply=False)
    assert any("emergency" in e.value.lower() or "urgent" in e.value.lower() or "today" in e.value.lower()
               for e in app.error), [e.value for e in app.error]
    assert any("No exercise plan" in e.value for e in app.info)


@pytest.mark.pipeline
def test_therapist_keeps_a_patient_history(app):
    app.toggle(key="therapist").set_value(True).run()
    app.text_input(key="new_patient").input("T-1").run()
    analyse(app, clip("lnewco_ohs_7033_front.mov"), patient="T-1")
    assert any("T-1" in c.value for c in app.caption)
    app.radio(key="page").set_value("Patients").run()
    assert not app.exception
    assert "T-1" in list(app.dataframe[0].value["Patient"])
    assert any("squat" in m.value.lower() for m in app.markdown)


def test_a_patient_without_sessions_reads_none_yet_not_none():
    from movement_screen.app.views.patients import patient_rows

    rows = patient_rows([{"id": "T-1", "name": None, "created_at": "2026-12-01", "sessions": 2, "last": "2026-12-05"},
                         {"id": "T-2", "name": None, "created_at": "2026-12-06", "sessions": 0, "last": None}])
    assert rows[1] == {"Patient": "T-2", "Sessions": 0, "Last session": "none yet"}
    assert all(value is not None for row in rows for value in row.values())


def test_local_mode_is_refused_on_a_network_address(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVEMENT_SCREEN_STORE", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("MOVEMENT_SCREEN_APP_MODE", "local")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
    finally:
        config.set_option("server.address", None)
    assert any("serves only this computer" in e.value for e in at.error)
    assert not at.sidebar.radio and not at.text_input  # no page, no patient box


def test_the_clinic_server_shows_only_the_log_in_form(tmp_path, monkeypatch):
    monkeypatch.setenv("MOVEMENT_SCREEN_STORE", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("MOVEMENT_SCREEN_APP_MODE", "clinic")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Name", "Password"] and not at.sidebar.radio
    assert any("No therapist accounts yet" in w.value for w in at.warning)


def logged_in(tmp_path, monkeypatch, **env):
    """The clinic server's app with therapist ann logged in."""
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    monkeypatch.setenv("MOVEMENT_SCREEN_STORE", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("MOVEMENT_SCREEN_APP_MODE", "clinic")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with Clinic(Store()) as clinic:
        clinic.add_user("ann", "a long password")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="login_name").input("ann")
    at.text_input(key="login_password").input("a long password")
    next(b for b in at.button if b.label == "Log in").click()
    at.run()
    assert any("Logged in as ann" in c.value for c in at.sidebar.caption)
    return at


def test_a_therapist_is_logged_out_after_the_idle_time(tmp_path, monkeypatch):
    at = logged_in(tmp_path, monkeypatch, MOVEMENT_SCREEN_IDLE_MINUTES="5")
    at.session_state["last_active"] -= 6 * 60  # six minutes without a click
    at.run()
    assert any("logged out after 5 minutes" in i.value for i in at.info)
    assert [t.label for t in at.text_input] == ["Name", "Password"] and not at.sidebar.radio


def test_removing_an_account_ends_its_open_session(tmp_path, monkeypatch):
    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    at = logged_in(tmp_path, monkeypatch)
    with Clinic(Store()) as clinic:
        clinic.set_password("ann", "another long password")  # e.g. after a lost laptop
    at.run()
    assert any("changed or removed" in i.value for i in at.info) and not at.sidebar.radio


def test_answers_and_clips_belong_to_the_patient_chosen(app):
    """Another patient starts with unanswered questions and an empty path box: nothing given for one patient can
    be analysed under another."""
    app.toggle(key="therapist").set_value(True).run()
    app.text_input(key="new_patient").input("A-1").run()
    app.checkbox(key="q_A-1_none").check().run()
    app.text_input(key="video_paths_A-1").input("/somewhere/a.mov").run()
    assert not next(b for b in app.button if b.label == "Analyse my movement").disabled
    app.text_input(key="new_patient").input("B-2").run()
    assert next(b for b in app.button if b.label == "Analyse my movement").disabled
    assert not app.checkbox(key="q_B-2_none").value
    assert app.text_input(key="video_paths_B-2").value == ""


@pytest.mark.pipeline
def test_a_result_erased_with_its_patient_leaves_a_plain_note(app, tmp_path):
    from movement_screen.store.history import Store

    app.toggle(key="therapist").set_value(True).run()
    app.text_input(key="new_patient").input("E-1").run()
    analyse(app, clip("lnewco_ohs_7033_front.mov"), patient="E-1")
    with Store(tmp_path / "history.sqlite") as store:
        store.delete_patient("E-1")  # e.g. from another browser, while this one still shows the result
    app.radio(key="page").set_value("Results").run()
    assert not app.exception
    assert any("no longer available" in i.value for i in app.info)
