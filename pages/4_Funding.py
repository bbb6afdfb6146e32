"""Funding: each network's entitlements by stream, year by year, and the
practices' own payments. Every stream, rate and list comes from the rates file."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pcnmap import codes
from pcnmap.maps import elements, layerdata, selection
from pcnmap.maps.legend import SCALE, LegendEntry
from pcnmap.model import funding
from pcnmap.words import plain
from ui import data, display, frame, pickers, planning, uploading, urlstate

SORTS = {"total": "Total", "per_patient": "Per patient", "registered": "Patients",
         "network_name": "Name"}


def year_picker(snapshot: str) -> str:
    years = sorted(data.rates().years)
    urlstate.url_choice("year", years, data.default_year(snapshot))
    year = st.sidebar.selectbox("Financial year", years, key="year")
    st.query_params["year"] = year  # always shown, so a link names its year
    st.session_state["_url_year"] = year
    return year


def stacked_bars(table: pd.DataFrame, result: funding.NetworkFunding,
                 per_patient: bool) -> go.Figure:
    """One bar per network, a segment per stream in its declared colour;
    "up to" streams hatched."""
    figure = go.Figure()
    for stream in result.streams:
        values = table[stream.key] / table["registered"] if per_patient else table[stream.key]
        hatched = stream.key in result.up_to
        figure.add_bar(name=stream.label, x=table["network_name"], y=values,
                       marker={"color": stream.colour,
                               "pattern": {"shape": "/" if hatched else ""}},
                       hovertemplate="%{x}<br>" + stream.label
                       + (": £%{y:,.2f} per patient" if per_patient else ": £%{y:,.0f}")
                       + "<extra></extra>")
    figure.update_layout(barmode="stack", height=520, legend_title_text="Stream",
                         yaxis_title="£ per registered patient" if per_patient else "£",
                         yaxis_tickprefix="£", xaxis_title=None, margin={"t": 30})
    return figure


def weighted_upload(year: str, result_lists: funding.YearLists) -> pd.DataFrame | None:
    """For a year whose weighted lists are estimates: an NHS Payments file the
    user brings instead, through the one upload path (checked, read in a
    worker, every list size a number in range)."""
    if not result_lists.estimate_weighted:
        return None
    files = uploading.file_input(
        "Weighted lists for this year (an NHS Payments to General Practice CSV)",
        f"weighted-{year}", (".csv",), where=st.sidebar,
        help="Replaces the estimated weighted lists.")
    if not files:
        return None
    result = uploading.read(files, ("payments",), "weighted_result")
    with st.sidebar:
        planning.upload_report(result)
    if result.payments is None:
        return None
    return result.payments[["practice_code", "weighted"]].dropna()


def care_home_beds(snapshot: str) -> dict[str, float]:
    """Beds a person enters per network (not in the data), checked: the
    good rows, and each bad one said with its row and column."""
    st.sidebar.caption("Care home beds aligned to a network are not in the data: enter "
                       "them here (network code, beds) to add the care home premium.")
    entered = st.sidebar.data_editor(
        pd.DataFrame({"network_code": pd.Series(dtype=str), "care_home_beds": pd.Series(
            dtype=float)}), num_rows="dynamic", key="beds", column_config={
            "care_home_beds": st.column_config.NumberColumn(
                min_value=0, max_value=funding.MAX_BEDS, step=1, format="%d")})
    beds, problems = funding.care_home_beds(entered, data.networks(snapshot)["network_code"])
    for problem in problems:
        st.sidebar.error(plain(problem))
    return beds


def network_detail(result: funding.NetworkFunding, before: funding.NetworkFunding | None,
                   network_code: str) -> None:
    """One network's streams: amount, per patient, up to, estimated, change."""
    table = result.networks.set_index("network_code")
    row = table.loc[network_code]
    change = (funding.year_on_year(result, before).set_index("network_code").loc[network_code]
              if before is not None else None)
    rows = []
    for stream in result.streams:
        rows.append({
            "Stream": stream.label, "£": row[stream.key],
            "£ per patient": row[stream.key] / row["registered"] if row["registered"] else None,
            "Up to": "up to" if stream.key in result.up_to else "",
            f"Change from {before.year} (£)" if before is not None else "Change (£)":
                change[stream.key] if change is not None else None})
    marks = funding.per_patient_benchmarks(result, network_code)
    figures = st.columns(4)
    figures[0].metric("Total", f"£{row['total']:,.0f}",
                      delta=f"£{change['total']:+,.0f} on {before.year}" if change is not None
                      else None, delta_color="off")
    figures[1].metric("Due (not 'up to')", f"£{row['due']:,.0f}")
    figures[2].metric("Per registered patient", f"£{marks.network:,.2f}")
    figures[3].metric("Median per patient", f"£{marks.commissioner_median:,.2f}",
                      help=f"Its commissioner's networks; England's median is "
                           f"£{marks.england_median:,.2f}.")
    st.caption(f"England's median per patient £{marks.england_median:,.2f}; its "
               f"commissioner's £{marks.commissioner_median:,.2f}."
               + (" Weighted and adjusted lists are estimated." if row["estimated"] else ""))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        "£": st.column_config.NumberColumn(format="£%,.0f"),
        "£ per patient": st.column_config.NumberColumn(format="£%.2f"),
        **{name: st.column_config.NumberColumn(format="£%+,.0f")
           for name in rows[0] if name.startswith("Change")}} if rows else None)


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    method = pickers.method_picker()
    year = year_picker(snapshot)
    book = data.rates()
    chosen = book.years[year]
    st.title(f"Network funding {year}")
    st.caption(f"Members of the {data.snapshot(snapshot).label} snapshot's networks, with "
               f"the lists of {year}: {chosen.list_note} Streams marked 'up to' are earned "
               "by achievement or are ceilings the network may claim (additional roles), "
               "not money due.")
    if chosen.note:
        st.caption(chosen.note)
    rates = book.for_year(year) + book.for_year(year, "practice")
    unverified = [rate for rate in rates if rate.status != "sourced"]
    if unverified:
        st.warning(f"{len(unverified)} of this year's {len(rates)} rates are found only in "
                   "secondary sources (BMA or LMC summaries, the press) or carried forward: "
                   "see Rates and their sources below.")

    beds = care_home_beds(snapshot)
    weighted = weighted_upload(year, chosen)
    result = data.entitlements(snapshot, year)
    if beds or weighted is not None:
        result = funding.network_funding(data.practices(snapshot), data.funding_lists(), book,
                                         year, beds, weighted)
    if result.estimated:
        st.info("Estimated: no weighted list of this year is published in the data, so each "
                "practice's weighted (and adjusted) list is its registered list times its "
                "2022-23 weighted-to-registered ratio. Every stream paid by weighted or "
                "adjusted patients is an estimate; upload an NHS Payments file in the "
                "sidebar to replace it.")
    previous = book.previous_year(year)
    before = data.entitlements(snapshot, previous) if previous else None
    table = result.networks
    if commissioner:
        table = table[table["commissioner_code"] == commissioner]
    views = {"total": "Total", "per_patient": "Per patient"}
    urlstate.url_choice("view", list(views), "total")
    view = views[st.radio("View", list(views), format_func=views.get, horizontal=True,
                          key="view")]
    urlstate.url_store("view", st.session_state["view"], "total")
    urlstate.url_choice("sort", list(SORTS), "total")
    order = st.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key="sort")
    urlstate.url_store("sort", order, "total")
    shown = table.sort_values(order, ascending=order == "network_name")
    if not commissioner:
        st.info("Showing England's 60 largest by the chosen order; choose a commissioner to "
                "see all of its networks.")
        shown = shown.head(60)
    st.plotly_chart(stacked_bars(shown, result, view == "Per patient"), width="stretch",
                    config={"toImageButtonOptions": {"format": "svg"}})
    labels = {s.key: s.label + (" (£)") for s in result.streams}
    columns = {"network_code": "Network", "network_name": "Name", "members": "Practices",
               "registered": f"Patients ({year} funding list)", "total": "Total (£)",
               "due": "Due, not 'up to' (£)", "per_patient": "£ per patient",
               "estimated": "Estimated lists", **labels}
    out = shown[list(columns)].rename(columns=columns)
    st.dataframe(out, hide_index=True, width="stretch", column_config={
        **{name: st.column_config.NumberColumn(format="£%,.0f") for name in out.columns
           if name.endswith("(£)")},
        "£ per patient": st.column_config.NumberColumn(format="£%.2f"),
        f"Patients ({year} funding list)": st.column_config.NumberColumn(format="%,.0f")})
    display.csv_download(out, f"pcnmap-funding-{snapshot}-{year.replace('/', '-')}"
                          f"{'-' + commissioner if commissioner else ''}.csv")

    names = dict(zip(table["network_code"], table["network_name"], strict=True))
    codes_shown = sorted(names, key=names.get)
    if codes_shown:
        urlstate.url_choice("network", codes_shown, codes_shown[0])
        network = st.selectbox("A network's streams", codes_shown,
                               format_func=lambda c: f"{names[c]} ({c})", key="network")
        urlstate.url_store("network", network)
        network_detail(result, before, network)

    if commissioner:
        funding_map(snapshot, commissioner, year, method, shown)
    practice_payments(snapshot, year, commissioner)
    with st.expander("Rates and their sources"):
        st.dataframe([{"stream": book.streams[r.stream].label, "part": r.role,
                       "amount": r.amount, "basis": r.basis, "from": r.start, "to": r.end,
                       "for the period": r.per_period, "up to": r.up_to, "status": r.status,
                       "source": book.source_text(r), "note": r.note}
                      for r in book.for_year(year) + book.for_year(year, "practice")],
                     hide_index=True, width="stretch")
    frame.about_the_data(snapshot)


def funding_map(snapshot: str, commissioner: str, year: str, method: str,
                shown: pd.DataFrame) -> None:
    """The commissioner's networks coloured by their uplift per patient."""
    derived = data.network_boundaries(snapshot)
    derived = derived[(derived["method"] == method)
                      & codes.one_of(derived["network_code"], shown["network_code"])]
    drawn = selection.per_patient_map(derived, shown.set_index("network_code")["per_patient"])
    if drawn is None:
        return
    fmap = display.new_map(snapshot, drawn.bounds)
    name = "Uplift per patient (indicative boundaries)"
    elements.area_layer(drawn.shapes, name,
                        [("network_name", "Network"), ("per_patient", "£ per patient")],
                        legend=(LegendEntry(name, "£ per registered patient", SCALE,
                                            drawn.scale,
                                            note=f"£{drawn.low:,.2f} to £{drawn.high:,.2f}"),)
                        ).add_to(fmap)
    elements.place_labels(layerdata.place_label_rows(data.place_shapes(), drawn.bounds)
                          ).add_to(fmap)
    display.finish_map(fmap)
    st.caption(f"Colour: £ per registered patient, from £{drawn.low:,.2f} "
               f"(dark purple) to £{drawn.high:,.2f} (yellow), viridis scale.")
    display.show_map(fmap, height=460, use_container_width=True, returned_objects=[],
              key=f"funding-map-{snapshot}-{commissioner}-{year}-{method}")


def practice_payments(snapshot: str, year: str, commissioner: str | None) -> None:
    book = data.rates()
    streams = book.streams_of(year, "practice")
    if not streams:
        return
    st.subheader("Paid to practices")
    payments = data.practice_payments(snapshot, year)
    averages = data.participation_averages(snapshot, year)
    england = averages.iloc[0]
    for stream in streams:
        reported = stream.reported_average
        st.metric(f"{stream.label}: average per practice, England", f"£{england['average']:,.0f}",
                  delta=(f"£{england['average'] - reported:+,.0f} against the reported "
                         f"£{reported:,.0f}") if reported else None, delta_color="off",
                  help=stream.reported_source or None)
    if commissioner:
        payments = payments[payments["commissioner_code"] == commissioner]
        averages = averages[averages["commissioner_code"].isin(["England", commissioner])]
    st.dataframe(averages, hide_index=True, width="stretch", column_config={
        "average": st.column_config.NumberColumn("Average per practice", format="£%,.0f")})
    shown = payments[["practice_code", "practice_name", "commissioner_code", "network_code",
                      "weighted", "estimated", *(s.key for s in streams), "total"]]
    shown = display.frame_table(shown.rename(columns={s.key: f"{s.label} (£)" for s in streams}
                                            | {"total": "Total (£)"}),
                           first=("practice_name", "Total (£)"))
    display.csv_download(shown, f"pcnmap-practice-payments-{snapshot}-"
                          f"{year.replace('/', '-')}.csv",
                          label="Download practice payments (CSV)")


page()
