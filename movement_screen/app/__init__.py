"""The Streamlit app (``app.py``): ``streamlit_app`` picks the visitor's page, ``views/`` holds one module per page,
``widgets`` what pages share; ``patient_words``, ``guide``, ``results`` and ``live`` hold no page code (plain words
for patients, filming guidance and its diagrams, result tables, the live set-up coach). The app only lays out
pages and calls the library."""

MAX_UPLOAD_MB = 500  # larger uploads get a message saying how to make the clip smaller


def app_folder():
    """Where the app keeps uploads and results ($MOVEMENT_SCREEN_APP_DIR, else ~/.local/share/movement-screen/app):
    one folder per analysis, recorded by its job and then by its session."""
    import os
    from pathlib import Path

    base = os.environ.get("MOVEMENT_SCREEN_APP_DIR") or Path.home() / ".local" / "share" / "movement-screen" / "app"
    return Path(base)
