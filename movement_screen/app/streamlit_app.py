"""movement-screen in the browser: the pages. Started by `streamlit run app.py` or `movement-screen app`.

A thin front end: choosing a screen, filming guidance, upload, red-flag questions, results, the exercise plan,
downloads and a therapist's patient history. All analysis is done by the library (movement_screen.session).
Who may see what is decided in :mod:`access` (local mode, therapist log-in, patient link); the clinic pages
(a therapist's own patients, their links, the admin's accounts and audit) are in :mod:`clinic_pages`.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import date
from pathlib import Path

import streamlit as st

from movement_screen.app import MAX_UPLOAD_MB, access
from movement_screen.app.access import Visitor
from movement_screen.app.guide import GUIDES, setup_diagram
from movement_screen.app.results import STATE_WORDS, criteria_table, evidence_frames, plain_summary, score_text
from movement_screen.errors import ScreenError

SCREEN_LABELS = {"auto": "Detect it for me", "squat": "Deep squat", "forward_bend": "Forward bend (toe touch)",
                 "gait": "Walking (gait)"}


def work_root() -> Path:
    """Where uploads and results are kept (a patient's session records its folder in the history)."""
    base = os.environ.get("MOVEMENT_SCREEN_APP_DIR") or Path.home() / ".local" / "share" / "movement-screen" / "app"
    return Path(base)


@st.cache_resource(show_spinner="Loading the pose model (first time only)...")
def pose_model():
    """Resolve (and, the first time, build) the model once per server process; the landmarker graph itself is
    kept by the library and reused between analyses."""
    from movement_screen.pose import models

    return models.resolve("full")


@st.cache_data
def diagram(screen: str) -> bytes:
    return setup_diagram(screen)


def questions():
    from movement_screen.care.safety import load_questions

    return load_questions()


def sidebar(visitor: Visitor) -> tuple[str, str | None]:
    st.sidebar.title("movement-screen")
    pages = ["Screen", "Webcam", "Results", "Patients"]
    if visitor.user and visitor.user.is_admin:
        pages.append("Admin")
    page = st.sidebar.radio("Page", pages, key="page")
    patient = None
    if visitor.kind == "therapist":
        from movement_screen.app.clinic_pages import patient_picker

        st.sidebar.caption(f"Logged in as {visitor.name}")
        patient = patient_picker(visitor)
        if st.sidebar.button("Log out", key="logout"):
            access.audit(visitor, "logout")
            access.log_out("You are logged out.")
            st.rerun()
    elif st.sidebar.toggle("Therapist mode", key="therapist"):
        from movement_screen.store.history import Store

        with Store() as store:
            known = [p["id"] for p in store.patients()]
        choice = st.sidebar.selectbox("Patient", ["(new patient)", *known], key="patient_choice")
        if choice == "(new patient)":
            patient = st.sidebar.text_input("New patient id", key="new_patient").strip() or None
        else:
            patient = choice
    st.sidebar.checkbox("De-identify the outputs", key="deidentify",
                        help="Blur every face and everything around the screened person in the annotated video and "
                             "key frames, name the clips by the patient id, and keep sound and metadata out of "
                             "written videos (sessions from patient links are always de-identified).")
    st.sidebar.caption("A movement screen, not a diagnosis. Stop if a movement hurts.")
    return page, patient


def screen_page(visitor: Visitor, patient: str | None, fixed_screen: str | None = None) -> None:
    if fixed_screen:
        screen = fixed_screen
    else:
        st.header("1. Choose a screen")
        screen = st.radio("Screen", list(SCREEN_LABELS), format_func=SCREEN_LABELS.get, key="screen",
                          horizontal=True)
    guide = GUIDES[screen]
    st.subheader(f"How to film: {guide.title}")
    st.image(diagram(screen), caption="Set-up seen from above and from the side")
    left, right = st.columns(2)
    left.markdown("**Camera and room**\n" + "\n".join(f"- {s}" for s in guide.steps))
    right.markdown("**The movement**\n" + "\n".join(f"- {s}" for s in guide.movement))

    st.header("2. Your video")
    st.caption("One clip, or two clips of the same movement (side and front), recorded on a phone or camera "
               "as shown above.")
    uploads = st.file_uploader("Upload video", accept_multiple_files=True, key="uploads")
    path_text = ""
    if visitor.kind == "local":  # a served app never reads the server's own files for a visitor
        path_text = st.text_input("...or the path of a video on this computer (two paths: separate with ;)",
                                  key="video_paths")
    height = st.number_input("Height in cm (optional: gives step length and walking speed)", min_value=0,
                             max_value=250, value=0, key="height")

    st.header("3. Before you start: safety questions")
    st.caption("Tick every statement that is true for you. Some answers mean you should see a clinician before "
               "exercising; the app then gives no exercise plan.")
    with st.form("questions"):
        answers = question_boxes("q")
        submitted = st.form_submit_button("Analyse my movement", type="primary")
    if submitted:
        videos = save_inputs(uploads, path_text)
        if videos:
            analyse(visitor, videos, screen, answers, height or None, patient, own=bool(uploads))


def question_boxes(prefix: str) -> dict[str, bool]:
    """Every red-flag question as a tick box; unticked means no."""
    return {q.id: st.checkbox(q.question, key=f"{prefix}_{q.id}") for q in questions()}


ENGINES = {"browser": "In this browser (the video stays on this device)",
           "server": "On the server (the video is sent to it)"}


def webcam_page(visitor: Visitor, patient: str | None, fixed_screen: str | None = None) -> None:
    """Live camera: the pose model in the browser (landmarks travel, the video stays) or on the server."""
    st.header("Live camera")
    screen = fixed_screen or st.radio("Screen", list(SCREEN_LABELS), format_func=SCREEN_LABELS.get,
                                      key="live_screen", horizontal=True)
    if st.session_state.get("engine_forced"):
        st.warning(st.session_state["engine_forced"])
        if st.session_state.pop("engine_switch", False):
            st.session_state["engine"] = "server"  # before the radio exists in this run: Streamlit allows it here
    engine = st.radio("Where the pose model runs", list(ENGINES), format_func=ENGINES.get, key="engine",
                      horizontal=True)
    with st.expander("Safety questions (asked before any exercise plan)"):
        answers = question_boxes("live_q")
    if engine == "browser":
        browser_camera(visitor, patient, screen, answers)
    else:
        server_camera(visitor, patient, screen, answers)


def browser_camera(visitor: Visitor, patient: str | None, screen: str, answers: dict) -> None:
    """MediaPipe's web pose landmarker in the page (app/in_page.py): only the landmarks come to the server."""
    from movement_screen.app.in_page import landmarks_table, shared_video
    from movement_screen.app.live import COACH
    from movement_screen.errors import InputError
    from movement_screen.pose import web_runtime

    st.caption("Set up as on the Screen page (phone or laptop camera at hip height, 2.5-4 m away, whole body in "
               "view). Start camera, follow the messages until the set-up is good, then Start recording, do the "
               "movement, and Stop and score. The pose model runs on this device: only the body's landmark points "
               "are sent to be scored, unless you tick the box below.")
    send = st.checkbox("Also send the video to my therapist" if visitor.kind == "patient" else
                       "Also keep the video with the result", key="send_video")
    try:
        component = camera_component()
    except InputError as exc:
        fall_back(f"The in-browser camera is not available on this server ({exc}): the server's camera is used "
                  "instead.")
    value = component(screen=screen, coach=COACH, send_video=send, runtime_version=web_runtime.VERSION,
                      key="browser_pose", default=None)
    if not value:
        return
    if value.get("unsupported"):
        fall_back(f"The pose model cannot run in this browser ({value['unsupported']}): the server's camera is "
                  "used instead.")
    if value.get("capture") and value["capture"] != st.session_state.get("scored_capture"):
        st.session_state["scored_capture"] = value["capture"]
        folder = work_root() / uuid.uuid4().hex[:12] / "camera"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            table = landmarks_table(value, folder / "landmarks.csv")
        except ValueError as exc:
            st.error(f"Nothing to score yet: {exc}.")
            return
        video = shared_video(value, folder) if send else None
        analyse(visitor, [table], screen, answers, None, patient, keep=[video] if video else [])


def fall_back(message: str) -> None:
    """Switch this visitor to the server-side camera and say why."""
    st.session_state["engine_forced"] = message
    st.session_state["engine_switch"] = True
    st.rerun()


@st.cache_resource(show_spinner="Preparing the in-browser camera (first time only)...")
def camera_component():
    from streamlit.components.v1 import declare_component

    from movement_screen.app.in_page import assemble

    return declare_component("browser_pose", path=str(assemble(pose_model().path)))


def server_camera(visitor: Visitor, patient: str | None, screen: str, answers: dict) -> None:
    """The server-side camera (WebRTC): the fallback for browsers that cannot run the model."""
    import time

    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    from movement_screen.app.live import LiveSession

    st.caption("Set up as on the Screen page (tripod at hip height, 2.5-4 m away, whole body in view). Press "
               "START to turn the camera on; follow the message on the video until it says the set-up is good, "
               "then Start recording, do the movement, and Stop and score. The camera works on this computer; "
               "from another device the app needs HTTPS (and often a TURN server): there, record on the phone "
               "and upload instead.")
    live = st.session_state.get("live")
    if live is None:
        live = LiveSession(screen, pose_model(), work_root() / uuid.uuid4().hex[:12] / "webcam")
        st.session_state["live"] = live
    live.set_screen(screen)  # the camera keeps running when the screen changes

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        when = frame.time if frame.time is not None else time.perf_counter()
        return av.VideoFrame.from_ndarray(live.process(frame.to_ndarray(format="rgb24"), when), format="rgb24")

    ctx = webrtc_streamer(key="camera", mode=WebRtcMode.SENDRECV, video_frame_callback=on_frame,
                          rtc_configuration={"iceServers": []}, async_processing=True,
                          media_stream_constraints={"video": True, "audio": False})
    start, stop = st.columns(2)
    if start.button("Start recording", key="rec_start", disabled=not ctx.state.playing):
        live.start_recording()
    if stop.button("Stop and score", key="rec_stop"):
        path = live.stop_recording()
        if path is None:
            st.error("Nothing was recorded yet: press START, then Start recording, then do the movement.")
        else:
            analyse(visitor, [path], screen, answers, None, patient, own=True)
            return
    board = st.empty()
    while ctx.state.playing:
        now = live.status()
        board.markdown(
            f"**Set-up:** {' / '.join(now['messages'])}  \n**Cues:** {' / '.join(now['cues']) or '-'}  \n"
            f"**Set-up messages so far:** {' → '.join(live.history)}  \n"
            f"Frames processed: {now['processed']} ({live.fps():.1f} per second)"
            + (f"  \n● Recording: {now['recorded']} frames" if now["recording"] else ""))
        time.sleep(0.5)


def save_inputs(uploads, path_text: str) -> list[Path]:
    """The chosen videos on disk (uploads are saved into a new session folder), or [] after a clear message."""
    paths = [Path(p.strip()).expanduser() for p in path_text.split(";") if p.strip()]
    if uploads and paths:
        st.error("Give the videos one way: upload them, or type their paths, not both.")
        return []
    if not uploads and not paths:
        st.error("Add a video first: upload one (or a side and a front clip), or type its path.")
        return []
    if len(uploads or paths) > 2:
        st.error("Give at most two clips of the same movement (one from the side, one from the front).")
        return []
    if paths:
        return paths
    folder = work_root() / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for upload in uploads:
        if upload.size > MAX_UPLOAD_MB * 2**20:
            st.error(f"'{upload.name}' is {upload.size / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB: trim the "
                     "clip to the movement, or record at 1080p instead of 4K.")
            return []
        target = folder / Path(upload.name).name
        target.write_bytes(upload.getbuffer())
        saved.append(target)
    return saved


def analyse(visitor: Visitor, videos: list[Path], screen: str, answers: dict, height: float | None,
            patient: str | None, own: bool = True, keep: list[Path] = ()) -> None:
    """Run the session; every question was shown, so unticked ones are answered no (pain included). ``own``:
    the inputs are the app's own copies (uploads, camera), erased with the patient; ``keep``: files to store with
    the result (a video the patient chose to send)."""
    from movement_screen.session import run_session

    model = pose_model()
    out_dir = work_root() / uuid.uuid4().hex[:12] / "results"
    bar = st.progress(0.0, text="Finding the body in each frame...")

    def progress(done: int, expected: int) -> None:
        bar.progress(min(done / max(expected, 1), 1.0), text=f"Finding the body: frame {done} of ~{expected}")

    try:
        done = run_session(videos, out_dir, screen=screen, report=True, patient=patient, on=date.today(),
                           model=model.variant, answers=answers, height_cm=height, progress=progress,
                           origin="home link" if visitor.kind == "patient" else None, own_inputs=own, keep=keep,
                           privacy="deidentify" if visitor.kind == "patient" or st.session_state.get("deidentify")
                           else "none")
    except ScreenError as exc:
        bar.empty()
        st.error(f"This video could not be analysed: {exc}")
        if own:  # the app's own copies of a clip it could not use are not kept
            for path in [*videos, *keep]:
                Path(path).unlink(missing_ok=True)
        return
    bar.empty()
    st.session_state["result_dir"] = str(done.out_dir)
    st.session_state["trend"] = done.trend
    st.session_state["saved_for"] = patient
    if done.unscorable_reason:
        st.warning(done.unscorable_reason)
    if patient:
        access.audit(visitor, "session_recorded", patient)
    st.success("Done: see the results below." + ("" if visitor.kind == "patient" else " (also on the Results page)"))
    results_page(visitor)


def results_page(visitor: Visitor) -> None:
    folder = st.session_state.get("result_dir")
    if not folder:
        st.info("No results yet: choose a screen and give a video on the Screen page.")
        return
    folder = Path(folder)
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    flags = result.get("red_flags") or {}
    if flags.get("level") in ("emergency", "urgent", "review"):
        st.error(flags["message"])
    st.header(f"Results: {SCREEN_LABELS.get(result['screen'], result['screen'])}")
    st.metric("Score", score_text(result))
    if st.session_state.get("saved_for") and visitor.kind != "patient":
        st.caption(f"Saved in the history of patient {st.session_state['saved_for']}.")
    elif st.session_state.get("saved_for"):
        st.caption("Saved for your therapist.")
    for line in plain_summary(result):
        st.markdown(line)
    for issue in result["quality"]["issues"]:
        (st.warning if issue["severity"] != "info" else st.info)(issue["message"])

    plan_section(result)
    with st.expander("Details for therapists: every criterion, evidence frames, plots, video"):
        st.dataframe(criteria_table(result), hide_index=True)
        frames = evidence_frames(result, folder)
        if frames:
            st.markdown("**Evidence frames** (the frame each judgement was made on)")
            cols = st.columns(min(3, len(frames)))
            for i, (path, caption) in enumerate(frames):
                cols[i % len(cols)].image(str(path), caption=caption)
        if (folder / "angles.png").exists():
            st.image(str(folder / "angles.png"), caption="Joint angles over time")
        if (folder / "annotated.mp4").exists():
            st.video(str(folder / "annotated.mp4"))
        for shared in sorted(folder.glob("camera.*")):
            st.markdown("**The video the patient sent**")
            st.video(str(shared))
    reassessment = result.get("reassessment")
    if reassessment:
        st.subheader("Re-test against the last plan")
        for note in reassessment["notes"]:
            st.warning(note)
    trend = st.session_state.get("trend")
    if trend:
        st.subheader("Progress since the first session")
        st.dataframe(trend_table(trend), hide_index=True)
    downloads(visitor, folder)


def plan_section(result: dict) -> None:
    plan = result.get("plan") or {}
    st.subheader("Your exercise plan")
    if plan.get("status") != "given":
        st.info(f"No exercise plan: {plan.get('reason', 'nothing was scored')}")
        return
    st.caption(f"Re-test on {plan['retest_on']}. Stop any exercise that hurts.")
    for n, ex in enumerate(plan["exercises"], 1):
        with st.expander(f"{n}. {ex['name']} - {ex['dose_text']}"):
            st.markdown(f"*Why:* {ex['why']}")
            st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(ex["steps"], 1)))
            st.markdown(f"*Easier:* {ex['easier']}  \n*Harder:* {ex['harder']}")
            for caution in ex["cautions"]:
                st.warning(caution)
    for note in plan["notes"]:
        st.caption(note)


def downloads(visitor: Visitor, folder: Path) -> None:
    st.subheader("Download")
    files = [("result.json", "application/json"), ("angles.csv", "text/csv"), ("landmarks.csv", "text/csv"),
             ("report.pdf", "application/pdf")]
    for col, (name, mime) in zip(st.columns(len(files)), files):
        path = folder / name
        if path.exists():
            col.download_button(name, path.read_bytes(), file_name=name, mime=mime, key=f"dl_{name}",
                                on_click=access.audit, args=(visitor, "download",
                                                             f"{st.session_state.get('saved_for') or '-'} {name}"))


def trend_table(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        since = row["since_first"] or {}
        verdict = since.get("verdict", "").replace("_", " ")
        out.append({"measure": row["title"], "values": " -> ".join(f"{v['value']:.3g}" for v in row["values"]),
                    "change": verdict or "one value"})
    return out


def patients_page(visitor: Visitor) -> None:
    from movement_screen.store.history import Store

    if visitor.kind == "therapist":
        from movement_screen.app.clinic_pages import therapist_patients

        therapist_patients(visitor)
        return
    st.header("Patients")
    with Store() as store:
        patients = store.patients()
        if not patients:
            st.info("No patients yet: turn on Therapist mode, enter a patient id, and analyse a screen.")
            return
        st.dataframe(patients, hide_index=True)
        chosen = st.selectbox("Patient", [p["id"] for p in patients], key="history_patient")
        sessions = store.sessions(chosen)
    session_history(chosen, sessions)


def session_history(chosen: str, sessions) -> None:
    """A patient's sessions (those recorded at home marked so), re-test notes and change since the first."""
    from movement_screen.care.progress import trend

    st.subheader(f"{chosen}: {len(sessions)} session(s)")
    for s in sessions:
        plan = (s.plan or {}).get("status", "-")
        home = " (recorded at home)" if s.origin == "home link" else ""
        st.markdown(f"- **{s.recorded_on}** {SCREEN_LABELS.get(s.screen, s.screen)}{home}: plan {plan}")
        for note in (s.reassessment or {}).get("notes", []):
            st.warning(note)
    for screen in dict.fromkeys(s.screen for s in sessions):
        mine = [{"date": s.recorded_on, "result": s.result} for s in sessions if s.screen == screen]
        if len(mine) > 1:
            st.markdown(f"**{SCREEN_LABELS.get(screen, screen)}: change from the first session** (real only "
                        "beyond the measure's minimal detectable change)")
            st.dataframe(trend_table(trend(mine)), hide_index=True)


def main() -> None:
    st.set_page_config(page_title="movement-screen", layout="wide")
    visitor = access.who()
    if visitor is None:  # the log-in form or a plain refusal is on the page: nothing else is shown
        return
    if visitor.kind == "patient":
        from movement_screen.app.clinic_pages import patient_link_page

        patient_link_page(visitor)
        return
    page, patient = sidebar(visitor)
    if page == "Screen":
        screen_page(visitor, patient)
    elif page == "Webcam":
        webcam_page(visitor, patient)
    elif page == "Results":
        results_page(visitor)
    elif page == "Admin":
        from movement_screen.app.clinic_pages import admin_page

        admin_page(visitor)
    else:
        patients_page(visitor)
    st.caption(" | ".join(f"{k.replace('_', ' ')}: {v}" for k, v in STATE_WORDS.items()))
