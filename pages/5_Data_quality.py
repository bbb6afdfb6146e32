"""Data quality: the build's report of every record it could not place, for
the place chosen, and the manifest."""

from __future__ import annotations

import streamlit as st

from pcnmap import columns as c
from pcnmap.problems import CHECKS
from pcnmap.views.data_quality import manifest_view
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
    if view.clean:
        # Words, not two empty tables and a picker with nothing to pick.
        st.success(plain(view.clean))
    else:
        display.table(view.checks, download=False)
        chosen = st.multiselect("Checks", list(view.checks.frame[c.CHECK]), key="checks",
                                placeholder="All checks",
                                format_func=lambda code: CHECKS.get(code, code))
        display.table(view.of(chosen))

    st.header("Manifest")
    manifest = manifest_view(data.manifest()["snapshots"][snapshot])
    st.markdown(plain(manifest.built))
    display.table(manifest.outputs, download=False)
    display.table(manifest.sources, download=False)


page()
