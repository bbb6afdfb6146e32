"""Overview: England's headline figures for a snapshot, and a picture of its
commissioners. The start page; this file only describes the screen."""

from __future__ import annotations

import streamlit as st

from pcnmap.model import coverage
from ui import data, frame


def overview() -> None:
    snapshot, _ = frame.page_start(place=False)
    st.title("England's Primary Care Networks")
    figures = data.headline(snapshot)
    crossing = data.cross_commissioner(snapshot)
    gaps = coverage.practices_in_no_network(data.practices(snapshot))
    year = data.default_year(snapshot)
    uplift = data.entitlements(snapshot, year).networks["total"].sum()

    first = st.columns(3)
    first[0].metric("GP practices", f"{figures.practices:,}")
    first[1].metric("Networks", f"{figures.networks:,}")
    first[2].metric("Patients in a network", f"{figures.share_in_network:.1%}")
    second = st.columns(3)
    second[0].metric("Practices with patients in no network", f"{len(gaps):,}",
                     help=f"{gaps['registered'].sum():,.0f} registered patients")
    second[1].metric("Networks crossing commissioners",
                     f"{int(crossing['crosses_commissioners'].sum()):,}")
    second[2].metric(f"Network entitlements {year}", f"£{uplift / 1e6:,.1f}m",
                     help="All streams, the additional roles ceiling included; see Funding.")
    frame.list_note(snapshot)
    st.caption(f"{figures.registered:,.0f} registered patients. "
               f"{figures.practices_without_list:,} practices have no list size in the "
               "source files (see Data quality).")

    # A picture, not a control: drawn at once, with no map library or frame;
    # the Network map page is the map to explore. Markdown keeps inline SVG
    # (st.html strips it); every name in it is escaped.
    st.markdown(f'<div class="pcnmap-picture">{data.commissioner_picture(snapshot)}</div>',
                unsafe_allow_html=True)
    st.caption("Commissioner boundaries (ONS); hover over one for its name. "
               "Open **Network map** to explore networks and practices.")
    frame.about_the_data(snapshot)


overview()
