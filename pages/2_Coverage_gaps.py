"""Coverage gaps: practices and areas no network covers, networks outside the
usual size, non-contiguous networks, and coverage by commissioner, for the
place chosen."""

from __future__ import annotations

import streamlit as st

from pcnmap import columns as c
from pcnmap.maps import colours, elements, selection
from pcnmap.views.coverage_gaps import BANDS, TABS
from pcnmap.words import plain
from ui import data, display, frame, pickers, urlstate


def page() -> None:
    snapshot, place = frame.page_start()
    method = pickers.method_picker()
    view = data.coverage_gaps(place.key, method)
    words = data.snapshot(snapshot)
    st.title(view.title)
    frame.list_note(snapshot)
    display.figures(view.figures)
    if view.shared:
        st.caption(plain(view.shared))

    layers = view.layers
    fmap = display.new_map(snapshot, layers.bounds, f"Map of the coverage gaps: {place.name}")
    elements.commissioner_layer(layers.commissioners,
                                f"{words.commissioner_word} boundaries").add_to(fmap)
    if layers.uncovered:
        elements.area_layer(layers.uncovered, "Areas nearest a practice in no network",
                            [(c.PRACTICE_CODE, "Nearest practice (in no network)"),
                             ("area_km2", "Area (km²)")], colours.GAP_COLOUR).add_to(fmap)
    # Small networks filled, non-contiguous ones outlined (dashed): a network
    # that is both shows both, where two fills blended to grey.
    if layers.under:
        elements.network_layer(layers.under, {}, "Networks under 30,000 patients",
                               label="Networks under 30,000 patients (filled orange)",
                               swatch=(selection.UNDER_COLOUR,)).add_to(fmap)
    if layers.split_shapes:
        elements.network_layer(layers.split_shapes, {}, "Non-contiguous networks (indicative)",
                               dashed=selection.SPLIT_COLOUR,
                               label="Non-contiguous networks (indicative; dashed blue outline)"
                               ).add_to(fmap)
    elements.practice_layer(layers.practices, {}, "Practices in no network").add_to(fmap)
    elements.place_labels(layers.place_labels).add_to(fmap)
    display.finish_map(fmap)
    display.show_map(fmap, height=480, use_container_width=True, returned_objects=[],
                   key=view.map_key)

    tabs = urlstate.url_tabs({**TABS, "commissioners": f"By {words.commissioner_word}"}, "tab")
    with tabs[0]:
        display.table(view.tables["unaligned"])
    with tabs[1]:
        display.table(view.tables["areas"])
    with tabs[2]:
        urlstate.url_choice("band", list(BANDS), "under")
        band = st.radio("Show", list(BANDS), horizontal=True, key="band")
        urlstate.url_store("band", band, "under")
        display.table(view.sizes(band))
    with tabs[3]:
        st.caption(plain(view.split_caption))
        display.table(view.tables["split"])
    with tabs[4]:
        display.table(view.tables["commissioners"])
    frame.about_the_data(snapshot)


page()
