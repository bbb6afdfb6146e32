"""Network map: practices coloured by network, indicative network boundaries,
commissioner boundaries; filter, search, and a panel for the chosen network."""

from __future__ import annotations

import folium
import streamlit as st

from pcnmap import columns as c
from pcnmap.model import methods
from ui import data, display, frame, pickers, presentation, search, urlstate
from ui import network_map as parts


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    method = pickers.method_picker()
    outlines_name = f"{data.snapshot(snapshot).commissioner_word} boundaries"
    offered = parts.layer_choices(outlines_name)
    layers = [offered[code] for code in urlstate.url_multi("Layers", "layers", offered)]
    st.title(f"Network map: {place.name}")
    st.caption(methods.INDICATIVE_NOTE)
    layers_data = data.network_map_layers(snapshot, method, commissioner, place.region,
                                          place.area)

    # The map first: the search and the network's panel beside it, so a
    # search's answer is in view at 768 px; below it when the window is
    # narrow (Streamlit stacks columns) or on a projector, where the map
    # takes the screen's width.
    on_map, beside = (st.container(), st.container()) if presentation.presenting() else \
        st.columns([3, 2], gap="medium")
    with beside:
        picked = search.search_box(snapshot, commissioner)
    # The search's network is chosen when its pick changes, not on every
    # run: a network picked afterwards stays picked (as a map click is).
    pick = (picked.match.kind, picked.match.code, picked.network) if picked.match else None
    if picked.network and pick != st.session_state.get("_search_pick"):
        parts.select_network(picked.network)
    st.session_state["_search_pick"] = pick

    def draw() -> folium.Map:
        return parts.draw(snapshot, method, layers_data, layers, outlines_name, picked,
                          f"Map of networks and practices: {place.name}")

    with on_map:
        clicked = display.show_map(draw(), height=620, use_container_width=True,
                                   returned_objects=["last_active_drawing"],
                                   key=f"network-map-{snapshot}-{commissioner}-{method}")
    properties = ((clicked or {}).get("last_active_drawing") or {}).get("properties") or {}
    code = properties.get(c.NETWORK_CODE)
    # The map returns its last click on every rerun; only a new click selects,
    # so the picker and the back button are not overridden by an old one.
    click = repr(sorted(properties.items())) if properties else None
    if code and code != methods.NO_NETWORK and click != st.session_state.get("_map_click"):
        parts.select_network(code)
    st.session_state["_map_click"] = click

    title = (f"Network map: {place.name}, "
             f"{data.snapshot(snapshot).label} ({methods.METHODS[method]})")
    parts.downloads(on_map, snapshot, method, layers_data, title, draw)
    with beside:
        search.details(snapshot, picked)
        parts.chooser(snapshot, place.key, method)
    with st.expander("The map as tables: its networks and practices"):
        listed = data.map_as_tables(place.key)
        display.table(listed.networks)
        display.table(listed.practices)
    frame.about_the_data(snapshot)


page()
