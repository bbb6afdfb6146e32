"""Your own data: upload this month's official files (or a configuration) and
see them beside the shipped snapshot. Files stay in this session's own folder."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from pcnmap import uploads
from pcnmap.model import whatif
from pcnmap.problems import SourceError
from ui import controls, data, planning


def read_files(files: list) -> uploads.Uploaded:
    """Check and read the uploads once per set of files (kept for this session only)."""
    digest = hashlib.sha256(b"".join(f.name.encode() + f.getvalue() for f in files)).hexdigest()
    cached = st.session_state.get("own_files_result")
    if cached and cached[0] == digest:
        return cached[1]
    old = st.session_state.pop("upload_space", None)
    if old is not None:
        old.clear()
    space = st.session_state["upload_space"] = uploads.SessionSpace()
    result = uploads.Uploaded()
    paths = []
    for upload in files:
        try:
            uploads.kind_of(upload.name, upload.getvalue())
            paths.append(space.save(upload.name, upload.getvalue()))
        except SourceError as error:
            result.errors.append(error)
    uploads.read_uploads(paths, result)
    st.session_state["own_files_result"] = (digest, result)
    return result


def page() -> None:
    snapshot, commissioner = controls.page_start()
    st.title("Your own data")
    st.markdown(
        "Upload newer official files: an ODS **epraccur.csv**, an NHS Digital **ePCN.xlsx**, "
        "a **gp-reg-pat-prac-all.csv**, or a network **configuration** CSV "
        "(practice_code, network_code, network_name). CSV or XLSX only, at most "
        f"{uploads.MAX_UPLOAD_BYTES // 1024 // 1024} MB each. Every file is checked before "
        "any of it is used; rows with problems are listed and left out. Files are kept only "
        "in this browser session's own folder.")
    files = st.file_uploader("Files", type=["csv", "xlsx"], accept_multiple_files=True,
                             key="own_files")
    as_of = st.date_input("Memberships current on", value=dt.date.today(),
                          help="An ePCN workbook's memberships that hold on this date count.")
    if not files:
        st.info(f"Nothing uploaded: the app shows the shipped snapshot "
                f"({data.snapshot(snapshot).label}).")
        controls.about_the_data(snapshot)
        return
    result = read_files(files)
    planning.upload_report(result)
    practices, networks = data.practices(snapshot), data.networks(snapshot)
    before = data.current_scenario(snapshot)
    mine_practices, mine_networks = practices, networks
    if {"epraccur", "epcn", "registered"} & set(result.files):
        mine_practices, mine_networks = uploads.own_snapshot(
            result, practices, networks, pd.Timestamp(as_of))
    after = whatif.current_scenario(mine_practices, mine_networks)
    if result.configuration is not None:
        proposal = uploads.configuration_proposal(
            result.configuration, mine_practices, mine_networks,
            result.files["configuration"], result.log)
        after = whatif.apply(mine_practices, mine_networks, proposal)
    if len(result.files):
        st.subheader(f"Your files beside the shipped {snapshot} snapshot")
        planning.comparison(before, after, snapshot, controls.method_picker(), commissioner,
                            "your files")
        controls.csv_download(whatif.configuration_table(after),
                              f"pcnmap-configuration-own-{as_of}.csv",
                              "Download your files' configuration (CSV)")
    controls.about_the_data(snapshot)


page()
