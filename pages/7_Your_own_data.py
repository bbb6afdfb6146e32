"""Your own data: upload this month's official files (or a configuration) and
see them beside the shipped snapshot. Files stay in this session's own folder."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from pcnmap import store, uploads, worker
from pcnmap.model import whatif
from pcnmap.problems import SourceError
from ui import controls, data, planning


def read_files(files: list) -> tuple[str, uploads.Uploaded]:
    """Check and read the uploads once per set of files, each in a worker
    process (kept for this session only); their digest names the set."""
    digest = hashlib.sha256()
    for upload in files:  # file by file: no joined copy of ten-megabyte files
        digest.update(upload.name.encode() + b"\0")
        digest.update(upload.getbuffer())
    digest = digest.hexdigest()
    cached = st.session_state.get("own_files_result")
    if cached and cached[0] == digest:
        return cached
    old = st.session_state.pop("upload_space", None)
    if old is not None:
        old.clear()
    space = st.session_state["upload_space"] = uploads.SessionSpace()
    refused, paths = [], []
    for number, upload in enumerate(files, start=1):
        try:
            if number > uploads.MAX_FILES:
                raise SourceError(upload.name, "was not read: more files than the app reads "
                                  "at once", expected=f"at most {uploads.MAX_FILES} files")
            with upload.getbuffer() as content:  # a view: no copy of the file
                uploads.kind_of(upload.name, content)
                paths.append(space.save(upload.name, content))
        except SourceError as error:
            refused.append(error)
    result = worker.read_uploads(paths)
    result.errors[:0] = refused
    st.session_state["own_files_result"] = (digest, result)
    return digest, result


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
    snapshot, commissioner = controls.page_start()
    method = controls.method_picker()
    st.title("Your own data")
    st.markdown(
        "Upload newer official files: an ODS **epraccur.csv**, an NHS Digital **ePCN.xlsx**, "
        "a **gp-reg-pat-prac-all.csv**, or a network **configuration** CSV "
        "(practice_code, network_code, network_name). CSV or XLSX only, at most "
        f"{uploads.MAX_UPLOAD_MB} MB ({uploads.MAX_UPLOAD_BYTES:,} bytes) each, "
        f"{uploads.MAX_FILES} files at once. Every file is checked before any of it is used; "
        "rows with problems are listed and left out. Files are kept only in this browser "
        "session's own folder.")
    files = st.file_uploader("Files", type=["csv", "xlsx"], accept_multiple_files=True,
                             key="own_files", max_upload_size=uploads.MAX_UPLOAD_MB)
    as_of = st.date_input("Memberships current on", value=dt.date.today(),
                          help="An ePCN workbook's memberships that hold on this date count.")
    if not files:
        st.info("Nothing uploaded: the app shows the shipped snapshot "
                f"({controls.plain(data.snapshot(snapshot).label)}).")
        controls.about_the_data(snapshot)
        return
    with st.spinner("Checking and reading the files…"):
        digest, result = read_files(files)
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
        controls.about_the_data(snapshot)
        return
    st.subheader(f"Your files beside the shipped {snapshot} snapshot")
    planning.comparison(data.current_scenario(snapshot), found.after, snapshot, method,
                        commissioner, "your files", found.table)
    controls.csv_download(lambda: whatif.configuration_table(found.after),
                          f"pcnmap-configuration-own-{as_of}.csv",
                          "Download your files' configuration (CSV)")
    controls.about_the_data(snapshot)


page()
