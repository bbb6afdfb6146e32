"""What changed: practices that moved, networks that opened, closed, merged,
split or were renamed, and codes that vanished, since another snapshot."""

from __future__ import annotations

import streamlit as st

from pcnmap.model import changes, lookup
from ui import data, display, frame, urlstate

NETWORK_COLUMNS = {
    "network_code": "Network", "status": "Change", "network_name_before": "Name before",
    "network_name_after": "Name now", "members_before": "Practices before",
    "members_after": "Practices now", "joined": "Joined", "left": "Left",
    "went_to": "Its practices went to", "came_from": "Its practices came from"}
PRACTICE_COLUMNS = {
    "practice_code": "Practice", "practice_name": "Name", "commissioner_code": "Commissioner",
    "change": "Change", "network_code_before": "Network before",
    "network_name_before": "Network name before", "network_code_after": "Network now",
    "network_name_after": "Network name now"}
COMMISSIONER_COLUMNS = {
    "commissioner_code": "Code", "commissioner_name": "Name", "status": "In this snapshot",
    "practices": "Practices", "explanation": "Where its practices are"}


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    keys = data.snapshot_keys()
    earlier = keys[:keys.index(snapshot)]
    st.title("What changed")
    if not earlier:
        st.info(f"{data.snapshot(snapshot).label} is the first snapshot: choose a later one "
                "in the sidebar to see what changed since.")
        frame.about_the_data(snapshot)
        return
    labels = {key: data.snapshot(key).label for key in earlier}
    urlstate.url_choice("since", earlier, changes.previous_snapshot(keys, snapshot))
    since = st.selectbox("Since", earlier, format_func=labels.get, key="since")
    urlstate.url_store("since", since, changes.previous_snapshot(keys, snapshot))
    found = data.changes_between(since, snapshot)
    networks, practices, codes = found.networks, found.practices, found.commissioners
    if commissioner:
        mine = set(lookup.serving(data.practices(snapshot), commissioner)["practice_code"]) | \
            set(lookup.serving(data.practices(since), commissioner)["practice_code"])
        practices = practices[practices["practice_code"].isin(mine)]
        involved = set(practices["network_code_before"].dropna()) | set(
            practices["network_code_after"].dropna()) | set(
            data.practices(snapshot).loc[lambda p: p["practice_code"].isin(mine),
                                         "network_code"].dropna())
        networks = networks[networks["network_code"].isin(involved)]
        codes = codes[codes["commissioner_code"] == commissioner] if \
            commissioner in set(codes["commissioner_code"]) else codes.iloc[0:0]
    st.caption(f"From {labels[since]} to {data.snapshot(snapshot).label}. A code found in "
               "only one of the two snapshots is listed with where its practices went or "
               "came from; nothing is left out.")
    figures = st.columns(4)
    counts = networks["status"].value_counts()
    figures[0].metric("Networks opened", f"{counts.get(changes.OPENED, 0):,}")
    ended = sum(counts.get(status, 0) for status in (changes.CLOSED, changes.MERGED,
                                                      changes.SPLIT))
    figures[1].metric("Networks closed, merged or split", f"{ended:,}")
    figures[2].metric("Networks renamed", f"{counts.get(changes.RENAMED, 0):,}")
    figures[3].metric("Practices that moved", f"{(practices['change'] == changes.MOVED).sum():,}")
    tabs = st.tabs(["Networks", "Practices", "Codes in one snapshot only"])
    for tab, table, columns, name in (
            (tabs[0], networks, NETWORK_COLUMNS, "networks"),
            (tabs[1], practices, PRACTICE_COLUMNS, "practices"),
            (tabs[2], codes, COMMISSIONER_COLUMNS, "commissioners")):
        with tab:
            shown = table[list(columns)].rename(columns=columns)
            st.dataframe(shown, hide_index=True, width="stretch")
            display.csv_download(shown, f"pcnmap-changes-{name}-{since}-to-{snapshot}"
                                  f"{'-' + commissioner if commissioner else ''}.csv")
    frame.about_the_data(snapshot)


page()
