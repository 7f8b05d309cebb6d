"""Start the browser app: `streamlit run app.py` (or `movement-screen app`)."""

from movement_screen.app.streamlit_app import main

main()
