"""Funding: the place's networks' entitlements by stream, year by year, and
the practices' own payments (pcnmap.views.funding works them out)."""

from __future__ import annotations

import streamlit as st

from pcnmap.views.funding import SORTS, VIEWS
from pcnmap.words import plain
from ui import data, display, frame, pickers, presentation, urlstate
from ui import funding as parts


def page() -> None:
    snapshot, place = frame.page_start()
    method = pickers.method_picker()
    year = parts.year_picker(snapshot)
    beds = parts.care_home_beds(snapshot)
    weighted = parts.weighted_upload(year)
    view = data.funding_page_with(place.key, year, method, beds, weighted)
    st.title(view.title)
    presenting = presentation.presenting()
    # On a projector the figures and the chart come first: how they were
    # made (lists, estimates, sources) folds under one line above them.
    about = st.expander("About these figures: their lists, estimates and sources"
                        + (" (some rates not yet confirmed)" if view.unverified else "")) \
        if presenting else st.container()
    with about:
        for note in view.notes:
            st.caption(plain(note))
        if view.unverified:
            st.warning(view.unverified)  # the view's own words and counts
        if view.compared:
            st.info(plain(view.compared))
        if view.estimated:
            st.info(view.estimated)
    display.figures(view.figures)
    if view.shared:
        st.caption(plain(view.shared))
    left, right = st.columns(2)
    with left:
        shown = urlstate.url_pick("view", "View", VIEWS,
                                  lambda *a, **k: st.radio(*a, horizontal=True, **k))
    with right:
        order = urlstate.url_pick("sort", "Sort by", SORTS, st.selectbox)
    chart = view.bars(order, shown == "per_patient")
    st.plotly_chart(chart.figure(height=400 if presenting else 520), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    if chart.note:
        st.caption(chart.note)
    display.table(view.ordered(order))
    parts.network_detail(view)
    parts.funding_map(view, snapshot)
    if view.practices is not None:
        st.header("Paid to practices")
        display.figures(view.practices.figures)
        display.table(view.practices.averages, download=False)
        display.table(view.practices.table, label="Download practice payments (CSV)")
    with st.expander("Rates and their sources"):
        display.table(view.rates, label="Download the rates (CSV)")
    frame.about_the_data(snapshot)


page()
