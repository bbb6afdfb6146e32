"""Your own data: upload this month's official files (or a configuration) and
see them beside the shipped snapshot. Files stay in this session's own folder."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from pcnmap import uploads, worker
from pcnmap.model import whatif
from pcnmap.problems import QualityLog, SourceError
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
            uploads.kind_of(upload.name, upload.getvalue())
            paths.append(space.save(upload.name, upload.getvalue()))
        except SourceError as error:
            refused.append(error)
    result = worker.read_uploads(paths)
    result.errors[:0] = refused
    st.session_state["own_files_result"] = (digest, result)
    return digest, result


def beside(digest: str, result: uploads.Uploaded, snapshot: str, method: str,
           as_of: dt.date):
    """The uploads in place of the snapshot's own files, the problems found
    doing so and the networks that change: worked out once per set of
    files, snapshot and date, so a rerun neither repeats the work (seconds,
    for a whole workbook) nor counts a problem again."""
    key = (digest, snapshot, method, as_of)
    cached = st.session_state.get("own_files_beside")
    if cached and cached[0] == key:
        return cached[1]
    log = QualityLog()
    practices, networks = data.practices(snapshot), data.networks(snapshot)
    if {"epraccur", "epcn", "registered"} & set(result.files):
        practices, networks = uploads.own_snapshot(result, practices, networks,
                                                   pd.Timestamp(as_of), log)
    after = whatif.current_scenario(practices, networks)
    if result.configuration is not None:
        proposal = whatif.proposal_from_configuration(
            result.configuration, practices, networks, result.files["configuration"], log)
        after = whatif.apply(practices, networks, proposal)
    table = whatif.compare(data.current_scenario(snapshot), after, lists=data.funding_lists(),
                           book=data.rates(), year=data.default_year(snapshot),
                           lsoa_networks=data.lsoa_networks(snapshot),
                           graph=data.lsoa_graph(snapshot),
                           method=method if method in whatif.AREA_COLUMNS else "catchment")
    st.session_state["own_files_beside"] = (key, (after, log, table))
    return after, log, table


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
    after, log, table = beside(digest, result, snapshot, method, as_of)
    planning.upload_report(result, log)
    if len(result.files):
        st.subheader(f"Your files beside the shipped {snapshot} snapshot")
        planning.comparison(data.current_scenario(snapshot), after, snapshot, method,
                            commissioner, "your files", table)
        controls.csv_download(whatif.configuration_table(after),
                              f"pcnmap-configuration-own-{as_of}.csv",
                              "Download your files' configuration (CSV)")
    controls.about_the_data(snapshot)


page()
