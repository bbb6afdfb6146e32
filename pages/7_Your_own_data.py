"""Your own data: upload this month's official files (or a configuration) and
see them beside the shipped snapshot, for the place chosen. Files stay in
this session's own folder."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pcnmap import store, uploads, worker
from pcnmap.views.own_data import title
from pcnmap.words import plain
from ui import data, display, frame, pickers, planning, uploading

# What this page reads: newer official files, or a configuration.
KINDS = ("epraccur", "epcn", "registered", "configuration")


def beside(digest: str, result: uploads.Uploaded, snapshot: str, method: str,
           as_of: dt.date) -> uploads.Beside | str:
    """The uploads in place of the snapshot's own files, the problems found
    doing so and the networks that change (or why that was stopped),
    worked out in a worker once per set of files, snapshot, method and
    date, so a rerun neither repeats the work (seconds, for a whole
    country's files) nor counts a problem again."""
    key = (digest, snapshot, method, as_of)
    cached = st.session_state.get("own_files_beside")
    if cached and cached[0] == key:
        return cached[1]
    outcome = worker.beside_snapshot(result, store.DATA_DIR, snapshot, method,
                                     pd.Timestamp(as_of))
    st.session_state["own_files_beside"] = (key, outcome)
    return outcome


def page() -> None:
    snapshot, place = frame.page_start()
    method = pickers.method_picker()
    st.title(title(place))
    st.markdown(
        "Upload newer official files: an ODS **epraccur.csv**, an NHS Digital **ePCN.xlsx**, "
        "a **gp-reg-pat-prac-all.csv**, or a network **configuration** CSV "
        "(practice_code, network_code, network_name). CSV or XLSX only, at most "
        f"{uploads.MAX_UPLOAD_MB} MB ({uploads.MAX_UPLOAD_BYTES:,} bytes) each, "
        f"{uploads.MAX_FILES} files at once. Every file is checked before any of it is used; "
        "rows with problems are listed and left out. Files are kept only in this browser "
        "session's own folder.")
    files = uploading.file_input("Files", "own_files", (".csv", ".xlsx"), multiple=True)
    as_of = st.date_input("Memberships current on", value=dt.date.today(),
                          help="An ePCN workbook's memberships that hold on this date count.")
    if not files:
        st.info("Nothing uploaded: the app shows the shipped snapshot "
                f"({plain(data.snapshot(snapshot).label)}).")
        frame.about_the_data(snapshot)
        return
    with st.spinner("Checking and reading the files…"):
        result = uploading.read(files, KINDS, "own_files_result")
        digest = uploading.digest_of("own_files_result")
    # Each file's verdict at once; the comparison takes seconds more.
    planning.upload_verdicts(result)
    found = None
    if result.files:  # when every file was refused there is nothing to compare
        with st.spinner("Setting your files beside the snapshot…"):
            found = beside(digest, result, snapshot, method, as_of)
    if isinstance(found, str):
        st.error(found)
    planning.upload_problems(result, found.log if isinstance(found, uploads.Beside) else None)
    if not isinstance(found, uploads.Beside):
        frame.about_the_data(snapshot)
        return
    view = data.own_data(place.key, found.after, found.table, str(as_of))
    st.header(view.heading)
    planning.comparison(view.comparison)
    display.csv_download(view.configuration, view.configuration_file,
                         "Download your files' configuration of these practices (CSV)")
    frame.about_the_data(snapshot)


page()
