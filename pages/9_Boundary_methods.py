"""Boundary methods: the three ways pcnmap derives network areas, compared on
the place chosen, and why one is the default."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from pcnmap.columns import METHOD, NETWORK_NAME, PATIENTS_PER_KM2, REGISTERED
from pcnmap.model import methods
from pcnmap.words import plain
from ui import data, display, frame

SYMBOLS = {methods.CATCHMENT: "circle", methods.LSOA: "square", methods.VORONOI: "diamond"}


def page() -> None:
    snapshot, place = frame.page_start()
    view = data.methods_view(place.key)
    st.title(view.title)
    st.caption(methods.INDICATIVE_NOTE)
    st.markdown(
        "- **Nearest practice by LSOA**: each LSOA goes to the network of its nearest "
        "practice, preferring its own commissioner's.\n"
        "- **Voronoi cells**: each practice site's nearest-point cell, clipped to England.\n"
        "- **Practice catchments**: each practice grows a catchment over the LSOA map from "
        "its own LSOA, nearest LSOAs first, each touching what it holds, until it holds its "
        "share of England's LSOAs by registered list.")
    st.info(plain(view.default))
    display.table(view.measures, download=False)
    st.caption("Flagged non-contiguous: networks whose practices stand in areas that do not "
               "touch. Nearest-practice areas kept: of each practice's LSOAs by the "
               "nearest-practice rule, the share the method gives the practice's own network, "
               "weighted by patients (the LSOA method keeps all by its construction, bar the "
               "areas it reassigns). Area shared: the median share of a network's area the "
               f"other method also gives it. {methods.CATCHMENT_NOTE}")
    st.header("Patients per km² against list size")
    st.plotly_chart(scatter(view.chart), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    display.table(view.networks, label="Download every network by method (CSV)")
    frame.about_the_data(snapshot)


def scatter(comparison) -> go.Figure:
    """Each network's density against its list, one marker shape per method."""
    figure = go.Figure()
    for method, table in comparison.groupby(METHOD, sort=False):
        figure.add_scatter(
            x=table[REGISTERED], y=table[PATIENTS_PER_KM2], mode="markers",
            name=methods.METHODS[method],
            marker={"size": 6, "opacity": 0.6, "symbol": SYMBOLS.get(method, "circle")},
            text=table[NETWORK_NAME],
            hovertemplate="%{text}<br>%{x:,.0f} patients<br>%{y:,.0f} per km²<extra></extra>")
    figure.update_layout(height=480, xaxis_title="Registered patients",
                         yaxis_title="Patients per km² (log scale)", yaxis_type="log",
                         margin={"t": 30}, legend_title_text="Method")
    return figure


page()
