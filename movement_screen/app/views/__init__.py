"""The app's pages, one module each, above the shared widgets (:mod:`movement_screen.app.widgets`). Named views:
a folder called ``pages`` beside ``run.py`` would switch on Streamlit's own page menu for every visitor."""
