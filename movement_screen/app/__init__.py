"""Pieces of the Streamlit app (``app.py``) that hold no Streamlit code: filming guidance and its diagrams,
the live set-up coach. The app itself only lays out pages and calls the library."""

MAX_UPLOAD_MB = 500  # larger uploads get a message saying how to make the clip smaller
