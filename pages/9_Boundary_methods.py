"""Boundary methods: the three ways pcnmap derives network areas, compared."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pcnmap.model import methods
from ui import data, display, frame


def page() -> None:
    snapshot, _ = frame.page_start(place=False)
    st.title("How network areas are derived")
    st.caption(methods.INDICATIVE_NOTE)
    st.markdown(
        "- **Practice catchments** (the default): each practice grows a catchment over the "
        "LSOA map from its own LSOA, nearest LSOAs first, each touching what it holds, "
        "until it holds its share of England's LSOAs by registered list. LSOAs hold "
        "roughly equal numbers of residents, so larger lists reach further, and each "
        "catchment is one connected area. A network's area is its practices' catchments.\n"
        "- **Nearest practice by LSOA**: each LSOA goes to the network of its nearest "
        "practice, preferring its own commissioner's.\n"
        "- **Voronoi cells**: each practice site's nearest-point cell, clipped to England.")
    st.caption(methods.CATCHMENT_NOTE + " LSOAs range from about 1,000 to 3,000 residents; "
               "registered lists exceed resident populations in places.")
    rows = []
    for summary in data.method_summaries(snapshot):
        row = {"Method": methods.METHODS[summary.method], "Networks": summary.networks,
               "Flagged non-contiguous": summary.flagged,
               "Boundary in several parts": summary.in_several_parts,
               "Patients per km² (middle half)":
                   f"{summary.density_iqr[0]:,.0f} to {summary.density_iqr[1]:,.0f}",
               "A practice's area follows its list (correlation)":
                   "" if summary.practice_area_correlation is None
                   else f"{summary.practice_area_correlation:.2f}"}
        for other, share in summary.shared_with.items():
            row[f"Area shared with {methods.METHODS[other].split(' ')[0]} (median)"] = \
                f"{share:.0%}"
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Flagged non-contiguous: by the LSOA-based methods, networks whose practices' "
               "areas do not connect; by Voronoi, boundaries with more than one part of "
               f"{methods.SIGNIFICANT_PART_KM2} km² or more. Area shared: the median share of a "
               "network's area the other method also gives it.")

    comparison = data.method_comparison(snapshot)
    networks = data.networks(snapshot).set_index("network_code")
    figure = go.Figure()
    for method, table in comparison.groupby("method", sort=False):
        figure.add_scatter(
            x=table["network_code"].map(networks["registered"]), y=table["patients_per_km2"],
            mode="markers", name=methods.METHODS[method], marker={"size": 5, "opacity": 0.6},
            text=table["network_code"].map(networks["network_name"]),
            hovertemplate="%{text}<br>%{x:,.0f} patients<br>%{y:,.0f} per km²<extra></extra>")
    figure.update_layout(height=480, xaxis_title="Registered patients",
                         yaxis_title="Patients per km² (log scale)", yaxis_type="log",
                         margin={"t": 30}, legend_title_text="Method")
    st.subheader("Patients per km² against list size")
    st.plotly_chart(figure, width="stretch", config={"toImageButtonOptions": {"format": "svg"}})
    columns = {"method": "Method", "network_code": "Network", "area_km2": "Area (km²)",
               "patients_per_km2": "Patients per km²", "shared_lsoa": "Shared with LSOA",
               "shared_voronoi": "Shared with Voronoi",
               "shared_catchment": "Shared with catchments"}
    shown = comparison.rename(columns=columns).round(3)
    display.csv_download(shown, f"pcnmap-boundary-methods-{snapshot}.csv",
                          "Download every network by method (CSV)")
    frame.about_the_data(snapshot)


page()
