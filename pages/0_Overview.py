"""Overview: the headline figures of the place chosen for a snapshot, and a
picture of its commissioners. The start page; this file only describes the
screen."""

from __future__ import annotations

import streamlit as st

from pcnmap.words import plain
from ui import data, display, frame


def overview() -> None:
    snapshot, place = frame.page_start()
    view = data.overview_view(place.key)
    st.title(view.title)
    display.figures(view.figures[:3])
    display.figures(view.figures[3:])
    frame.list_note(snapshot)
    st.caption(plain(view.summary))
    if view.shared:
        st.caption(plain(view.shared))
    # A picture, not a control: drawn at once, with no map library or frame;
    # the Network map page is the map to explore. Markdown keeps inline SVG
    # (st.html strips it); every name in it is escaped (pcnmap.maps.picture).
    st.markdown(f'<div class="pcnmap-picture">{view.picture}</div>', unsafe_allow_html=True)
    st.caption("Commissioner boundaries (ONS); hover over one for its name. "
               "Open **Network map** to explore networks and practices.")
    frame.about_the_data(snapshot)


overview()
