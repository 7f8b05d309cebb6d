"""Start the browser app: `streamlit run app.py` (or `movement-screen app`)."""

from movement_screen.quiet import silence_native_logs

silence_native_logs()  # the pose libraries' log lines stay out of the server log (MOVEMENT_SCREEN_VERBOSE=1: kept)

from movement_screen.app.streamlit_app import main  # noqa: E402

main()
