"""Data quality: the build's report of every record it could not place, for
the place chosen, and the manifest."""

from __future__ import annotations

import streamlit as st

from pcnmap.problems import CHECKS
from pcnmap.views.data_quality import manifest_outputs
from pcnmap.words import plain
from ui import data, display, frame


def page() -> None:
    snapshot, place = frame.page_start()
    view = data.data_quality_view(place.key)
    st.title(view.title)
    st.caption("Every record the build could not place is listed with its file, row and "
               "column; nothing was dropped silently.")
    display.figures([view.figure])
    if view.unplaced:
        st.caption(plain(view.unplaced))
    display.table(view.checks, download=False)
    present = list(view.checks.frame["check"])
    chosen = st.multiselect("Checks", present, key="checks",
                            format_func=lambda code: CHECKS.get(code, code))
    display.table(view.of(chosen))

    st.header("Manifest")
    record = data.manifest()["snapshots"][snapshot]
    st.markdown(plain(f"Built {record['built_at']} in {record['build_seconds']} s."))
    st.dataframe(manifest_outputs(record), hide_index=True)
    st.dataframe(record["sources"], hide_index=True, width="stretch")


page()
