"""The Webcam page: the live camera with the set-up coach, the pose model in the browser (only landmarks travel)
or, as the fallback, on the server (WebRTC). The safety questions come first: no camera before they are answered."""

from __future__ import annotations

import streamlit as st

from movement_screen.app.access import Visitor
from movement_screen.app import patient_words as pw
from movement_screen.app.analyses import follow, release, reserve, submit
from movement_screen.app.guide import GUIDES
from movement_screen.app.widgets import SCREEN_LABELS, Answers, new_folder, pose_model, safety_questions

ENGINES = {"browser": "In this browser (the video stays on this device)",
           "server": "On the server (the video is sent to it)"}


def webcam_page(visitor: Visitor, patient: str | None) -> None:
    st.header("Live camera")
    screen = st.radio("Screen", list(SCREEN_LABELS), format_func=SCREEN_LABELS.get, key="live_screen",
                      horizontal=True)
    answers = safety_questions(f"live_q_{patient or '-'}")
    camera_section(visitor, patient, screen, answers)


def camera_section(visitor: Visitor, patient: str | None, screen: str, answers: Answers | None) -> None:
    """Where the pose model runs, then the camera: only once the safety questions are answered."""
    words = pw.words()["camera"]
    if answers is None:
        st.info(words["waits"])
        return
    if st.session_state.get("engine_forced"):
        st.warning(st.session_state["engine_forced"])
        if st.session_state.pop("engine_switch", False):
            st.session_state["engine"] = "server"  # before the radio exists in this run: Streamlit allows it here
    labels = words["engines"] if visitor.kind == "patient" else ENGINES
    engine = st.radio(words["where"] if visitor.kind == "patient" else "Where the pose model runs", list(ENGINES),
                      format_func=labels.get, key="engine", horizontal=True)
    if engine == "browser":
        browser_camera(visitor, patient, screen, answers)
        if visitor.kind != "patient":  # (a patient's link page follows the check itself)
            follow(visitor)
    else:
        server_camera(visitor, patient, screen, answers)


def browser_camera(visitor: Visitor, patient: str | None, screen: str, answers: Answers) -> None:
    """MediaPipe's web pose landmarker in the page (app/in_page.py): only the landmarks come to the server."""
    from movement_screen.app.in_page import landmarks_table, shared_video
    from movement_screen.app.live import COACH
    from movement_screen.errors import InputError
    from movement_screen.pose import web_runtime

    patient_view = visitor.kind == "patient"
    words = pw.words()["camera"]
    st.caption(f"{words['browser_intro']} {words['browser_private']}" if patient_view else
               f"Set up as the filming guide shows (phone or laptop camera at {GUIDES[screen].camera}, "
               f"{GUIDES[screen].distance} away, whole body in view). Start camera, follow the messages until "
               "the set-up is good, then Start recording, do the movement, and Stop and score. The pose model runs on this device: only the body's landmark points "
               "are sent to be scored, unless you tick the box below.")
    send = st.checkbox(words["send_video"] if patient_view else "Also keep the video with the result",
                       key="send_video")
    try:
        component = camera_component()
    except InputError as exc:
        fall_back(f"The in-browser camera is not available on this server ({exc}): the server's camera is used "
                  "instead." if not patient_view else words["fallback"])
    value = component(screen=screen, coach=COACH, send_video=send, runtime_version=web_runtime.VERSION,
                      key=f"browser_pose_{patient or '-'}", default=None)  # a recording belongs to its patient
    if not value:
        return
    if value.get("unsupported"):
        fall_back(f"The pose model cannot run in this browser ({value['unsupported']}): the server's camera is "
                  "used instead." if not patient_view else words["fallback"])
    if value.get("capture") and value["capture"] != st.session_state.get("scored_capture"):
        st.session_state["scored_capture"] = value["capture"]
        reservation = reserve(visitor, patient, screen)  # the folder is recorded before anything is saved in it
        folder = reservation.folder
        (folder / "camera").mkdir(parents=True, exist_ok=True)
        try:
            table = landmarks_table(value, folder / "camera" / "landmarks.csv")
        except ValueError as exc:
            release(reservation)
            st.error(f"Nothing to score yet: {exc}." if not patient_view else words["nothing_seen"])
            return
        video = shared_video(value, folder / "camera") if send else None
        if submit(visitor, reservation, [table], screen, answers, None, patient, keep=[video] if video else []):
            st.rerun()  # the page now follows the analysis


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


def server_camera(visitor: Visitor, patient: str | None, screen: str, answers: Answers) -> None:
    """The server-side camera (WebRTC): the fallback for browsers that cannot run the model. Its recorder belongs
    to the patient chosen: another patient gets a new one."""
    import time

    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    from movement_screen.app.live import LiveSession

    patient_view = visitor.kind == "patient"
    words = pw.words()["camera"]
    st.caption(f"{words['server_intro']} {words['server_fallback']}" if patient_view else
               f"Set up as the filming guide shows (tripod at {GUIDES[screen].camera}, {GUIDES[screen].distance} away, "
               "whole body in view). Press "
               "START to turn the camera on; follow the message on the video until it says the set-up is good, "
               "then Start recording, do the movement, and Stop and score. The camera works on this computer; "
               "from another device the app needs HTTPS (and often a TURN server): there, record on the phone "
               "and upload instead.")
    key = f"live_{patient or '-'}"
    live = st.session_state.get(key)
    if live is None:
        live = LiveSession(screen, pose_model(), new_folder() / "webcam")
        st.session_state[key] = live
    live.set_screen(screen)  # the camera keeps running when the screen changes

    def on_frame(frame: av.VideoFrame) -> av.VideoFrame:
        when = frame.time if frame.time is not None else time.perf_counter()
        return av.VideoFrame.from_ndarray(live.process(frame.to_ndarray(format="rgb24"), when), format="rgb24")

    ctx = webrtc_streamer(key="camera", mode=WebRtcMode.SENDRECV, video_frame_callback=on_frame,
                          rtc_configuration={"iceServers": []}, async_processing=True,
                          media_stream_constraints={"video": True, "audio": False})
    start, stop = st.columns(2)
    if start.button("Start recording", key="rec_start", disabled=not ctx.state.playing):
        reservation = reserve(visitor, patient, screen)  # the recording's folder is recorded before it is written
        st.session_state[f"{key}_reservation"] = reservation
        live.folder = reservation.folder / "webcam"
        live.start_recording()
    if stop.button("Stop and score", key="rec_stop"):
        path = live.stop_recording()
        reservation = st.session_state.pop(f"{key}_reservation", None)
        if path is None or reservation is None:
            if reservation is not None:
                release(reservation)
            st.error(words["nothing_recorded"])
        elif submit(visitor, reservation, [path], screen, answers, None, patient, own=True):
            st.rerun()
    if not patient_view:
        follow(visitor)
    if st.session_state.get("followed_job") is not None:
        return  # the live board's loop would hold the page: the analysis's progress refreshes instead
    board = st.empty()
    while ctx.state.playing:
        now = live.status()
        if patient_view:  # the coach's words only
            board.markdown(f"**{words['setup']}:** {' / '.join(now['messages'])}  \n"
                           f"**{words['cues']}:** {' / '.join(now['cues']) or '-'}"
                           + (f"  \n● {words['recording']}" if now["recording"] else ""))
            time.sleep(0.5)
            continue
        board.markdown(
            f"**Set-up:** {' / '.join(now['messages'])}  \n**Cues:** {' / '.join(now['cues']) or '-'}  \n"
            f"**Set-up messages so far:** {' → '.join(live.history)}  \n"
            f"Frames processed: {now['processed']} ({live.fps():.1f} per second)"
            + (f"  \n● Recording: {now['recorded']} frames" if now["recording"] else ""))
        time.sleep(0.5)
