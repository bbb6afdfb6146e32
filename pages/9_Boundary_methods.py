"""Boundary methods: the three ways pcnmap derives network areas, compared on
the place chosen, and why one is the default."""

from __future__ import annotations

import streamlit as st

from pcnmap.model import methods
from pcnmap.views.methods import CHART_TITLE, HOW, MEASURES_NOTE
from pcnmap.words import plain
from ui import data, display, frame


def page() -> None:
    snapshot, place = frame.page_start()
    view = data.methods_view(place.key)
    st.title(view.title)
    st.caption(methods.INDICATIVE_NOTE)
    st.markdown("\n".join(f"- **{methods.title(method)}**: {how}"
                          for method, how in HOW.items()))
    st.info(plain(view.default))
    display.table(view.measures, download=False)
    st.caption(f"{MEASURES_NOTE} {methods.CATCHMENT_NOTE}")
    st.header(CHART_TITLE)
    st.plotly_chart(view.figure(), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    display.table(view.networks, label="Download every network by method (CSV)")
    frame.about_the_data(snapshot)


page()
