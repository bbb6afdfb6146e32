"""Funding: each network's entitlements by stream, and practices' participation payments."""

from __future__ import annotations

import branca.colormap
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import codes, funding, mapping
from ui import controls, data

st.set_page_config(page_title="Funding · pcnmap", layout="wide")
# Okabe and Ito's colour-blind-safe palette, one colour per stream.
STREAM_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442"]


def year_picker(snapshot: str) -> str:
    years = list(funding.FINANCIAL_YEARS)
    controls.url_choice("year", years, funding.SNAPSHOT_YEAR.get(snapshot, years[-1]))
    year = st.sidebar.selectbox("Financial year", years, key="year")
    st.query_params["year"] = year  # always shown, so a link names its year
    st.session_state["_url_year"] = year
    return year


def stacked_bars(table: pd.DataFrame, per_patient: bool) -> go.Figure:
    figure = go.Figure()
    streams = [s for s in funding.STREAMS if s in table.columns and table[s].any()]
    for colour, stream in zip(STREAM_COLOURS, streams, strict=False):
        values = table[stream] / table["registered"] if per_patient else table[stream]
        figure.add_bar(name=funding.STREAMS[stream], x=table["network_name"], y=values,
                       marker_color=colour)
    figure.update_layout(barmode="stack", height=520, legend_title_text="Stream",
                         yaxis_title="£ per registered patient" if per_patient else "£",
                         xaxis_title=None, margin={"t": 30})
    return figure


def page() -> None:
    snapshot, commissioner = controls.page_start()
    year = year_picker(snapshot)
    book = data.rates()
    st.title(f"Network funding {year}")
    st.caption(f"Members of the {snapshot} snapshot's networks, with the lists of {year}: "
               f"{book.years[year].list_note} Additional roles are a ceiling the network "
               "may claim, not money paid.")
    unverified = [r for r in book.for_year(year) + book.for_year(year, to_practice=True)
                  if r.status != "sourced"]
    if unverified:
        st.warning("Rates not confirmed against a public document: " + "; ".join(
            f"{funding.STREAMS[r.stream]} £{r.amount:,}" for r in unverified))

    table = data.entitlements(snapshot, year)
    st.sidebar.caption("Care home beds aligned to a network are not in the data: enter "
                       "them here (network code, beds) to add the £120-a-bed premium.")
    beds = st.sidebar.data_editor(
        pd.DataFrame({"network_code": pd.Series(dtype=str), "care_home_beds": pd.Series(
            dtype=float)}), num_rows="dynamic", key="beds")
    beds = beds.dropna()
    if len(beds):
        table = funding.network_entitlements(data.practices(snapshot), data.funding_lists(),
                                             book, year, dict(zip(beds["network_code"],
                                                                  beds["care_home_beds"],
                                                                  strict=True)))
    if commissioner:
        table = table[table["commissioner_code"] == commissioner]
    view = st.radio("View", ["Total", "Per patient"], horizontal=True, key="view")
    order = st.selectbox("Sort by", ["total", "per_patient", "registered", "network_name"],
                         key="sort")
    shown = table.sort_values(order, ascending=order == "network_name")
    if not commissioner:
        st.info("Showing England's 60 largest by the chosen order; choose a commissioner to "
                "see all of its networks.")
        shown = shown.head(60)
    st.plotly_chart(stacked_bars(shown, view == "Per patient"), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    st.dataframe(shown, hide_index=True, width="stretch")
    controls.csv_download(shown, f"pcnmap-funding-{snapshot}-{year.replace('/', '-')}.csv")

    if commissioner:
        derived = data.network_boundaries(snapshot)
        derived = derived[(derived["method"] == "lsoa")
                          & codes.one_of(derived["network_code"], shown["network_code"])]
        per_patient = shown.set_index("network_code")["per_patient"]
        scale = branca.colormap.linear.viridis.scale(per_patient.min(), per_patient.max())
        shapes = mapping.rounded(derived[["network_code", "network_name", "geometry"]])
        value = shapes["network_code"].map(per_patient)
        shapes["per_patient"] = value.map(lambda v: f"£{v:,.2f}")
        shapes["colour"] = value.map(lambda v: scale(v)[:7])  # the hex colour, no alpha
        shapes = mapping.escape_columns(shapes, ["network_code", "network_name"])
        fmap = controls.new_map(snapshot, derived.total_bounds)
        mapping.area_layer(mapping.geojson(shapes), "Uplift per patient (indicative boundaries)",
                           [("network_name", "Network"), ("per_patient", "£ per patient")]
                           ).add_to(fmap)
        st.caption(f"Colour: £ per registered patient, from £{per_patient.min():,.2f} "
                   f"(dark purple) to £{per_patient.max():,.2f} (yellow), viridis scale.")
        st_folium(fmap, height=460, use_container_width=True, returned_objects=[],
                  key=f"funding-map-{snapshot}-{commissioner}-{year}")

    st.subheader("Participation payment (paid to practices)")
    payments = data.participation(snapshot, year)
    averages = data.participation_averages(snapshot, year)
    england = averages.iloc[0]
    st.metric("Average per practice, England", f"£{england['average']:,.0f}",
              delta=f"£{england['average'] - funding.REPORTED_AVERAGE_PER_PRACTICE:,.0f} "
                    "against the reported £14,000", delta_color="off")
    if commissioner:
        payments = payments[payments["commissioner_code"] == commissioner]
        averages = averages[averages["commissioner_code"].isin(["England", commissioner])]
    st.dataframe(averages, hide_index=True, width="stretch")
    st.dataframe(payments, hide_index=True, width="stretch")
    controls.csv_download(payments, f"pcnmap-participation-{snapshot}.csv",
                          label="Download practice payments (CSV)")
    with st.expander("Rates and their sources"):
        st.dataframe([{"stream": funding.STREAMS[r.stream], "role": r.role,
                       "amount": r.amount, "basis": r.basis, "from": r.start, "to": r.end,
                       "status": r.status, "source": book.source_text(r), "note": r.note}
                      for r in book.for_year(year) + book.for_year(year, to_practice=True)],
                     hide_index=True, width="stretch")


controls.guarded(page)
