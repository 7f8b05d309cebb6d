"""The Results page: the last analysis of this browser session, while it still exists."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from movement_screen.app.access import Visitor
from movement_screen.app.widgets import clear_result, show_result
from movement_screen.errors import InputError
from movement_screen.report.clinic import read_result


def results_page(visitor: Visitor) -> None:
    folder = st.session_state.get("result_dir")
    if not folder:
        st.info("No results yet: choose a screen and give a video on the Screen page.")
        return
    try:
        result, _ = read_result(Path(folder))
    except InputError:  # erased since (the patient's records were deleted): nothing left to show
        clear_result()
        st.info("This result is no longer available: it was erased with the patient's records.")
        return
    show_result(visitor, result, Path(folder), trend=st.session_state.get("trend"),
                saved_for=st.session_state.get("saved_for"))
