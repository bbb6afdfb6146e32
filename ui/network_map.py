"""The Network map page's parts: its map with the layers chosen, its
downloads, and the chosen network's panel (the facts its sheet prints)."""

from __future__ import annotations

from collections.abc import Callable

import folium
import streamlit as st

from pcnmap import columns as c
from pcnmap import store
from pcnmap.maps import elements, export, selection
from pcnmap.views.parts import Figure
from pcnmap.words import plain, whole
from ui import data, display, frame, search, urlstate

NETWORKS_LAYER = "Network boundaries"
PRACTICES_LAYER = "Practices"
CHOOSE = "Choose a network…"


def layer_choices(outlines_name: str) -> dict[str, str]:
    """The layers a user may switch, by their code in the address."""
    return {"practices": PRACTICES_LAYER, "networks": NETWORKS_LAYER,
            "outlines": outlines_name}


def draw(snapshot: str, method: str, layers_data: selection.NetworkMapLayers,
         layers: list[str], outlines_name: str, picked: search.Picked,
         name: str) -> folium.Map:
    """The map of one selection, with the layers chosen and the search's pick marked."""
    colours = data.network_colours(snapshot, method)
    fmap = display.new_map(snapshot, picked.bounds or layers_data.bounds, name)
    if outlines_name in layers:
        elements.commissioner_layer(layers_data.commissioners, outlines_name).add_to(fmap)
    if NETWORKS_LAYER in layers and layers_data.networks:
        elements.network_layer(layers_data.networks, colours,
                               f"{NETWORKS_LAYER} (indicative)").add_to(fmap)
    if PRACTICES_LAYER in layers:
        elements.practice_layer(layers_data.practices, colours, PRACTICES_LAYER).add_to(fmap)
    # Names last: drawn over the practices they name the place of.
    elements.place_labels(layers_data.place_labels).add_to(fmap)
    if NETWORKS_LAYER in layers and layers_data.network_labels:
        elements.network_labels(layers_data.network_labels).add_to(fmap)
    search.mark(fmap, picked)
    display.finish_map(fmap)
    return fmap


def downloads(where: st.delta_generator.DeltaGenerator, snapshot: str, method: str,
              layers_data: selection.NetworkMapLayers, title: str,
              draw_again: Callable[[], folium.Map]) -> None:
    """The boundaries as GeoJSON and the map as an offline HTML file."""
    left, right = where.columns(2)
    with left:
        # Callables: built only when clicked, not on every rerun.
        display.download("Download boundaries (GeoJSON)",
                         lambda: export.geojson_document(layers_data.derived.frame(), title,
                                                         store.ATTRIBUTION),
                         export.map_file_name(f"network-boundaries-{method}", snapshot,
                                              layers_data.place, "geojson"),
                         "application/geo+json")
    with right:
        display.download("Download this map (HTML, works offline)",
                         # Drawn again when clicked: a callable holding this
                         # run's map would keep its megabytes for the session.
                         lambda: export.saved_map_html(draw_again(), title, store.ATTRIBUTION),
                         export.map_file_name("network-map", snapshot, layers_data.place,
                                              "html"), "text/html")


def select_network(code: str) -> None:
    """Make ``code`` the chosen network (the picker shows it)."""
    urlstate.url_store("network", code)
    st.session_state["network"] = code


def chooser(snapshot: str, place_key: str, method: str) -> None:
    """The network picker (kept in the address) and the chosen network's panel."""
    choices = data.network_choices(place_key)
    urlstate.url_choice("network", list(choices), None)
    chosen = st.selectbox("Network", [None, *choices],
                          format_func=lambda code: CHOOSE if code is None else choices[code],
                          key="network", placeholder=CHOOSE)
    urlstate.url_store("network", chosen)
    if chosen:
        panel(snapshot, chosen, method)
    else:
        st.caption("Click a network or practice on the map, or search above, to see "
                   "the network here.")


def panel(snapshot: str, network_code: str, method: str) -> None:
    """The chosen network: the same facts its one-page sheet prints."""
    facts = data.network_facts(snapshot, network_code, method)
    if facts is None:
        st.info(f"No open network {plain(network_code)} in this snapshot.")
        return
    st.header(plain(facts.title))
    # Short labels (the panel is narrow); the list and its date said below.
    display.figures([Figure("Average patients" if facts.lists.average else "Patients",
                            whole(facts.registered), facts.registered,
                            help="The snapshot's list, as on every page but Funding (which "
                                 "uses its financial year's list)."),
                     Figure("Member practices", f"{len(facts.members):,}",
                            len(facts.members))])
    st.caption(plain(facts.summary))
    frame.list_note(snapshot)
    display.table(facts.member_table(), download=False)
    st.caption(plain(f"{facts.changes.rstrip('.')} (see What changed)."))
    if facts.funding is not None:
        st.markdown(plain(facts.funding.words))
        st.caption(plain(facts.funding.note))
        display.table(facts.funding.streams, download=False)
    if facts.benchmarks is not None:
        st.markdown(f"**Against its {plain(facts.commissioner_word)} and England** "
                    f"({plain(facts.funding.year if facts.funding else '')} funding; median, "
                    "10th–90th percentile, and the decile it falls in: 1 lowest, 10 highest)")
        st.dataframe(facts.benchmarks.table(), hide_index=True, width="stretch")
    st.caption(plain(facts.rurality_words))
    rurality = facts.rurality_table()
    if rurality is not None:
        display.table(rurality, download=False)
    if len(facts.ages):
        st.markdown("**Registered patients by age**")
        st.bar_chart(facts.ages, x=c.AGE_BAND, y=c.REGISTERED, x_label=c.AGE_BAND.heading,
                     y_label="Registered patients", sort=False, height=220)
    display.download("Download the network sheet (one page, print-ready HTML)",
                     lambda: data.network_sheet(snapshot, network_code, method),
                     export.map_file_name("network-sheet", snapshot, network_code, "html"),
                     "text/html", key=f"sheet-{snapshot}-{network_code}")
